"""On PostgreSQL, two instances at once: the month's coverage reminder is queued once per
secretariat member, and the default regions file is loaded once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.store import run_due
from services import coverage
from services.runtime import job_handlers
from storage.delivery_models import Delivery
from storage.subregions import seed_default
from storage.subregions_models import SubRegion, SubRegionOrganisation
from tests.concurrency_support import emptied_engine, in_threads, race_database
from tests.harness import TEST_LINKS
from tests.test_coverage_reminder import DEC_1, NOV_20, seed

pytestmark = pytest.mark.pg


@pytest.fixture(scope="module")
def race_db(pg_admin_url: str) -> Iterator[str]:
    with race_database(pg_admin_url, "faggruppe_coverage_race") as url:
        yield url


@pytest.fixture
def engine(race_db: str) -> Iterator[Engine]:
    with emptied_engine(race_db) as eng:
        yield eng


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_the_months_reminder_run_by_six_sessions_at_once_is_queued_once(engine) -> None:
    with Session(engine) as s:
        seed_default(s)
        s.commit()
    ids = seed(engine)
    coverage.ensure_scheduled(engine, NOV_20)

    def job(db: Session) -> None:
        coverage.coverage_reminder(db, DEC_1, group_id=1, month="2026-12")

    def tick(_db: Session) -> object:
        return run_due(engine, DEC_1, job_handlers(TEST_LINKS))

    results = in_threads(engine, [[job], [job], [job], [tick], [tick], [tick]])
    assert not [r for r in results if isinstance(r, Exception)]
    with Session(engine) as s:
        rows = s.exec(select(Delivery.member_id, Delivery.subject)
                      .where(Delivery.purpose == coverage.PURPOSE)).all()
    assert sorted(rows) == sorted([(ids["Øyvind Såtvedt"], "coverage:1:2026-12"),
                                   (ids["Mari Strømsvåg"], "coverage:1:2026-12")])


def test_two_starts_loading_the_default_file_at_once_leave_one_copy(engine) -> None:
    assert _count(engine, SubRegion) == 0
    results = in_threads(engine, [[seed_default]] * 4)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert True in results
    assert (_count(engine, SubRegion), _count(engine, SubRegionOrganisation)) == (16, 59)
