"""Two sessions at once on PostgreSQL: the digest's claim of the changes, the reminder's claim
and the yearly confirmation are one guarded statement each, so nothing is told, reminded or
confirmed twice."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import partial

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from services import profile
from storage import profile as repo
from storage.db import session_scope
from storage.delivery_models import Delivery
from storage.profile_models import ProfileChange
from tests.concurrency_support import emptied_engine, in_threads, race_database
from tests.profile_support import seed

pytestmark = pytest.mark.pg
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
DAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def race_db(pg_admin_url: str) -> Iterator[str]:
    with race_database(pg_admin_url, "faggruppe_profile_race") as url:
        yield url


@pytest.fixture
def engine(race_db: str) -> Iterator[Engine]:
    with emptied_engine(race_db) as eng:
        yield eng


def _changes(engine: Engine, ids: dict[str, int], n: int) -> None:
    with session_scope(engine) as s:
        for i in range(n):
            member = list(ids.values())[i % len(ids)]
            repo.record_change(s, member, "phone", NOW - timedelta(hours=1, minutes=i))


def test_a_second_claim_waits_for_the_first_and_finds_nothing_left(engine: Engine) -> None:
    ids = seed(engine, "http://127.0.0.1:9/")
    _changes(engine, ids, 10)
    first = Session(engine)
    got_first = repo.claim_changes(first, DAY, NOW)  # holds the rows until it commits
    got_second: list[list[repo.Change]] = []

    def second() -> None:
        with session_scope(engine) as s:
            got_second.append(repo.claim_changes(s, DAY, NOW))

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.5)
    assert thread.is_alive(), "the second claim waits on the first one's row locks"
    first.commit()
    first.close()
    thread.join(10)
    assert len(got_first) == 10 and got_second == [[]]


def test_two_digests_at_once_tell_each_recipient_once(engine: Engine) -> None:
    ids = seed(engine, "http://127.0.0.1:9/")
    _changes(engine, ids, 30)
    results = in_threads(engine, [[partial(profile.run_digest, day=DAY, now=NOW)]
                                  for _ in range(6)])
    assert not [r for r in results if isinstance(r, Exception)], results
    told = [m for r in results for m in r]
    assert len(told) == len(set(told)), "nobody told twice"
    with Session(engine) as s:
        rows = s.exec(select(Delivery.member_id).where(
            Delivery.purpose == "profile_digest")).all()
        assert sorted(rows) == sorted(told)
        assert s.exec(select(ProfileChange).where(
            ProfileChange.digest_day == None)).all() == []  # noqa: E711


def test_two_reminder_runs_at_once_remind_each_member_once(engine: Engine) -> None:
    ids = seed(engine, "http://127.0.0.1:9/")
    asked = NOW - timedelta(weeks=4)
    with session_scope(engine) as s:
        repo.mark_asked(s, ids.values(), 2026, asked)
    results = in_threads(engine, [[partial(repo.claim_reminders, year=2026,
                                           asked_before=NOW, now=NOW)] for _ in range(6)])
    assert not [r for r in results if isinstance(r, Exception)], results
    reminded = [m for r in results for m in r]
    active = sorted(v for k, v in ids.items() if k != "Eva Snare")
    assert sorted(reminded) == active, "each active member once, in one of the runs"


def test_the_button_and_a_form_save_at_once_confirm_the_year_once(engine: Engine) -> None:
    ids = seed(engine, "http://127.0.0.1:9/")
    anne = ids["Anne Feltman"]
    results = in_threads(engine, [[partial(repo.confirm, member_id=anne, year=2026, how=how,
                                           now=NOW)] for how in ("ja", "endret") * 3])
    assert sorted(results) == [False] * 5 + [True]
