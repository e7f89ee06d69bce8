"""Fixtures: a database per test (SQLite file, or PostgreSQL when DATABASE_URL says so)."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from core.clock import FrozenClock
from core.logs import CorrelationFilter
from core.settings import Settings
from storage.db import make_engine
from storage.migrate import upgrade
from storage.scratch import fresh_postgres
from tests.fakes.connector import FakeConnector
from tests.fakes.graph import FakeGraph
from tests.harness import BotServer
from tests.serving import serve

ORGANIZER = "sekretariat@osloregionen.no"

PG_URL = os.environ.get("DATABASE_URL", "")


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    """The PostgreSQL server a `pg` test runs against: DATABASE_URL, never a guessed default."""
    if not PG_URL.startswith("postgres"):
        pytest.fail("Denne testen er merket pg og trenger PostgreSQL: kjør den med "
                    "DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python -m pytest -m pg")
    return PG_URL


@pytest.fixture(autouse=True)
def _process_log_handler_removed() -> Iterator[None]:
    """A CLI test runs `app.main()` in-process, which puts the process's log handler on the
    stderr pytest captured for that test; left behind, a background thread's warning in a
    later test's teardown writes to a closed file and errors that test."""
    before = set(logging.getLogger().handlers)
    yield
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler not in before and any(isinstance(f, CorrelationFilter) for f in handler.filters):
            root.removeHandler(handler)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str | None]:
    """With DATABASE_URL set to PostgreSQL: one fresh database for this run, dropped after."""
    if not PG_URL.startswith("postgres"):
        yield None
        return
    with fresh_postgres(PG_URL) as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A SQLite file at the current schema, made once: each test gets a copy (migrating
    afresh cost ~0.5 s a test)."""
    path = tmp_path_factory.mktemp("template") / "schema.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection closed: the WAL is folded into the file
    return path


@pytest.fixture
def db_url(tmp_path, pg_database, sqlite_template) -> Iterator[str]:
    """A database URL with the current schema and no rows."""
    if pg_database is None:
        shutil.copyfile(sqlite_template, tmp_path / "test.db")
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    engine = make_engine(pg_database)
    upgrade(engine)
    with engine.begin() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname='public' "
            "AND tablename <> 'alembic_version'"))]
        if tables:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    yield pg_database


@pytest.fixture
def engine(db_url) -> Iterator[Engine]:
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 11, 20, 8, 0, tzinfo=UTC))


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    async with FakeConnector() as fc:
        yield fc


@pytest.fixture
async def bot(engine, clock, connector, request) -> AsyncIterator[BotServer]:
    """The real app (local mode: no app id) on a loopback port.

    Indirect parametrization passes create_app options: `@pytest.mark.parametrize("bot",
    [{"reply_timeouts": (5.0, 1.0)}], indirect=True)`.
    """
    # ICS_SECRET injected, not in the environment: cards and the /ics route must use these.
    settings = Settings.model_validate({"MicrosoftAppId": "", "DATABASE_URL": str(engine.url),
                                        "ICS_SECRET": "test-ics-secret"})
    async for server in _serve(settings, engine, clock, connector,
                               **getattr(request, "param", {})):
        yield server


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraph]:
    async with FakeGraph() as fg:
        yield fg


@pytest.fixture
async def graph_bot(engine, clock, connector, graph) -> AsyncIterator[BotServer]:
    """The real app with Graph on (GRAPH_ORGANIZER set), talking to the fake Graph."""
    settings = Settings.model_validate({
        "MicrosoftAppId": "", "DATABASE_URL": str(engine.url), "ICS_SECRET": "test-ics-secret",
        "GRAPH_ORGANIZER": ORGANIZER, "GRAPH_BASE_URL": graph.url})
    async for server in _serve(settings, engine, clock, connector):
        server.graph = graph
        yield server


async def _serve(settings: Settings, engine: Engine, clock: FrozenClock,
                 connector: FakeConnector, **app_options: Any) -> AsyncIterator[BotServer]:
    from app import LINKS_KEY, create_app

    app = create_app(settings, engine=engine, clock=clock, **app_options)
    runner, url = await serve(app)
    async with aiohttp.ClientSession() as http:
        yield BotServer(url, engine, clock, connector, runner, http, app[LINKS_KEY],
                        settings=settings)
    await runner.cleanup()
