"""Migrations that carry data: 0007 keeps the tracked cards of a database at the old heads as
live_card rows; 0020 gives ledger rows already stored the meeting their subject names."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from alembic import command
from sqlalchemy import Boolean, DateTime, Integer, MetaData, inspect, text
from sqlalchemy.engine import Engine

from storage.db import make_engine
from storage.migrate import alembic_config
from storage.scratch import fresh_postgres
from tests.conftest import PG_URL

OLD_HEADS = ("0004", "0005", "0006")
AT = datetime(2026, 11, 20, 8, 0)


@pytest.fixture
def empty_engine(tmp_path) -> Iterator[Engine]:
    """An empty database of its own: a SQLite file, or a fresh PostgreSQL database."""
    if not PG_URL.startswith("postgres"):
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    with fresh_postgres(PG_URL, "faggruppe_mig") as url:
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


def _migrate(engine: Engine, *targets: str) -> None:
    with engine.connect() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        for target in targets:
            command.upgrade(cfg, target)
        conn.commit()


def _insert(engine: Engine, table: str, **values: object) -> int:
    """One row; required columns not given get a plain value of their type."""
    meta = MetaData()
    meta.reflect(engine, only=[table])
    cols = meta.tables[table].columns
    for col in cols:
        if col.name not in values and not col.nullable and not col.primary_key:
            kind = col.type
            values[col.name] = (False if isinstance(kind, Boolean) else 0 if isinstance(
                kind, Integer) else AT if isinstance(kind, DateTime) else "[]")
    with engine.begin() as conn:
        return int(conn.execute(meta.tables[table].insert().values(**values)
                                .returning(cols["id"])).scalar_one())


def test_meeting_and_innspill_cards_survive_as_live_cards(empty_engine) -> None:
    engine = empty_engine
    _migrate(engine, *OLD_HEADS)
    member = _insert(engine, "member", name="Kari", name_key="kari")
    meeting = _insert(engine, "meeting", title="Faggruppemøte")
    _insert(engine, "meeting_card", meeting_id=meeting, kind="invitation",
            conversation_id="a:kari", member_id=member, activity_id="act-7", dirty=True,
            last_updated_at=AT, updates=3, failures=1)
    innspill = _insert(engine, "innspill_session", questions='["Hva?"]', salt="s",
                       live_conversation_id="19:chat", live_activity_id="act-9",
                       live_dirty=False, live_updated_at=AT)
    _insert(engine, "innspill_session", questions='["Ikke postet"]', salt="t", live_activity_id="")

    _migrate(engine, "0007")
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT kind, subject_id, conversation_id, member_id, activity_id, dirty, "
            "updates, failures FROM live_card ORDER BY id")).all()
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0007"
    assert [tuple(r) for r in rows] == [
        ("invitation", meeting, "a:kari", member, "act-7", True, 3, 1),
        ("innspill", innspill, "19:chat", None, "act-9", False, 0, 0)]
    schema = inspect(engine)
    assert "meeting_card" not in schema.get_table_names()
    columns = {c["name"] for c in schema.get_columns("innspill_session")}
    assert not columns & {"service_url", "live_activity_id", "live_dirty", "live_updated_at"}


def test_rows_written_before_0020_get_the_meeting_their_subject_names(empty_engine) -> None:
    _migrate(empty_engine, "0016")
    meeting = _insert(empty_engine, "meeting", title="Faggruppemøte", status="invited")
    item = _insert(empty_engine, "agenda_item", meeting_id=meeting, number=1, title="Referat",
                   kind="discussion")
    followup = _insert(empty_engine, "followup", meeting_id=meeting, agenda_item_id=item,
                       what="Send referat",
                       due_date=date(2026, 12, 1))
    innspill = _insert(empty_engine, "innspill_session", meeting_id=meeting, salt="s")
    loose = _insert(empty_engine, "innspill_session", salt="t")  # tied to no meeting
    member = _insert(empty_engine, "member", name="Kari", name_key="kari")
    subjects = {f"meeting:{meeting}": meeting, f"meeting:{meeting}:v2": meeting,
                f"minutes:{meeting}:2026-11-20T08:00:00": meeting,
                f"followup:{followup}": meeting, f"innspill:{innspill}:prioritering": meeting,
                f"innspill:{loose}": None, "meeting:999": None, "notice:hei": None}
    for subject in subjects:
        _insert(empty_engine, "delivery", purpose="p", subject=subject, member_id=member,
                status="sent", payload="{}")
    _migrate(empty_engine, "head")
    with empty_engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT subject, meeting_id FROM delivery")).all())
    assert stored == subjects
