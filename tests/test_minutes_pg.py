"""Two referents at once on PostgreSQL, in concurrent sessions: per-field writes, the same
field (last write wins, the overwritten text kept), appends and «Ferdig» lose nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from storage import minutes as repo
from storage.db import make_engine, session_scope
from storage.meeting_models import AgendaItem, Meeting
from storage.migrate import upgrade
from storage.minutes import Responsible
from storage.minutes_models import MinutesField
from storage.models import Member
from storage.scratch import fresh_postgres

pytestmark = pytest.mark.pg
NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
ROUNDS = 20


@pytest.fixture
def pg(pg_admin_url: str) -> Iterator[tuple[Engine, int, list[int], list[int]]]:
    """A fresh PostgreSQL database with one meeting of ROUNDS items and two referents."""
    with fresh_postgres(pg_admin_url, "faggruppe_minutes") as url:
        engine = make_engine(url)
        upgrade(engine)
        with session_scope(engine) as s:
            meeting = Meeting(title="Faggruppemøte")
            people = [Member(name=n, name_key=n.casefold()) for n in ("Øyvind", "Mari")]
            s.add_all([meeting, *people])
            s.flush()
            items = [AgendaItem(meeting_id=meeting.id or 0, number=n, title=f"Sak {n}")
                     for n in range(1, ROUNDS + 1)]
            s.add_all(items)
            s.flush()
            ids = (meeting.id or 0, [i.id or 0 for i in items], [p.id or 0 for p in people])
        yield engine, *ids
        engine.dispose()


def _together(*jobs: Callable[[], Any]) -> list[Any]:
    """Run the jobs in threads released at the same moment; their results in order."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = jobs[i]()
        except BaseException as exc:  # surfaced below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    return results


def _write(engine: Engine, mid: int, item: int, name: str, value: str, who: int) -> Any:
    def job() -> repo.Written:
        with session_scope(engine) as s:
            return repo.write_field(s, mid, item, name, value, drawn_version=0, member_id=who,
                                    now=NOW)
    return job


def _fields(engine: Engine, item: int) -> dict[str, MinutesField]:
    with session_scope(engine) as s:
        rows = s.exec(select(MinutesField).where(MinutesField.agenda_item_id == item)).all()
        return {r.field: r for r in rows}


def test_two_sessions_writing_different_fields_of_one_item_keep_both(pg) -> None:
    engine, mid, items, (oyvind, mari) = pg
    for item in items:
        _together(_write(engine, mid, item, "notes", f"Notater {item}", oyvind),
                  _write(engine, mid, item, "decision", f"Vedtak {item}", mari))
        fields = _fields(engine, item)
        assert fields["notes"].value == f"Notater {item}"
        assert fields["decision"].value == f"Vedtak {item}"
        assert (fields["notes"].changed_by_member_id, fields["decision"].changed_by_member_id) \
            == (oyvind, mari)


def test_two_sessions_writing_the_same_field_lose_no_text(pg) -> None:
    engine, mid, items, (oyvind, mari) = pg
    for item in items:
        first, second = _together(_write(engine, mid, item, "notes", "Øyvinds tekst", oyvind),
                                  _write(engine, mid, item, "notes", "Maris tekst", mari))
        row = _fields(engine, item)["notes"]
        assert row.version == 2, "both writes counted, neither lost in a race"
        later = first if first.version == 2 else second
        earlier_text = "Maris tekst" if row.value == "Øyvinds tekst" else "Øyvinds tekst"
        assert later.replaced_value == earlier_text == row.replaced_value, \
            "the overwritten text is kept and told to the later writer"


def test_concurrent_appends_keep_every_paragraph(pg) -> None:
    engine, mid, items, (oyvind, mari) = pg

    def appender(who: int, tag: str) -> Callable[[], None]:
        def job() -> None:
            for n in range(ROUNDS):
                with session_scope(engine) as s:
                    repo.append_notes(s, mid, items[0], f"{tag}{n}", member_id=who, now=NOW)
        return job

    _together(appender(oyvind, "Ø"), appender(mari, "M"))
    row = _fields(engine, items[0])["notes"]
    paragraphs = row.value.split("\n\n")
    assert sorted(paragraphs) == sorted([f"Ø{n}" for n in range(ROUNDS)]
                                        + [f"M{n}" for n in range(ROUNDS)])
    assert row.version == 2 * ROUNDS


def test_ferdig_pressed_twice_at_once_marks_it_done_once(pg) -> None:
    engine, mid, items, (oyvind, mari) = pg
    for _ in range(ROUNDS):
        with session_scope(engine) as s:
            item = s.get(AgendaItem, items[0])
            assert item is not None
            fid = repo.add_followup(s, item, "Sende ut", Responsible(mari, None, "Mari"),
                                    date(2026, 12, 4), created_by=oyvind, now=NOW).id or 0

        assert sorted(_together(_done(engine, fid, oyvind), _done(engine, fid, mari))) == [
            False, True]


def _done(engine: Engine, followup_id: int, who: int) -> Callable[[], bool]:
    def job() -> bool:
        with session_scope(engine) as s:
            return repo.mark_done(s, followup_id, who, NOW)
    return job
