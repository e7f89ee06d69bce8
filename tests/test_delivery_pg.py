"""Two `python app.py` processes on one PostgreSQL: due reminders go exactly once, limits shared."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from scheduler.store import schedule
from storage.db import make_engine, session_scope
from storage.delivery_models import Delivery, ScheduledJob
from storage.migrate import upgrade
from storage.scratch import fresh_postgres
from tests.fakes.connector import FakeConnector
from tests.test_delivery_support import assert_throttled_sends_retried, seed_group

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.pg


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database for this test alone, dropped afterwards."""
    with fresh_postgres(pg_admin_url, "faggruppe_two") as url:
        yield url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _until_settled(engine, count: int) -> None:  # type: ignore[no-untyped-def]
    while True:
        with session_scope(engine) as session:
            jobs = Counter(session.exec(select(ScheduledJob.status).where(
                ScheduledJob.kind == "reminder")))  # the daily retention job waits its turn
            rows = Counter(session.exec(select(Delivery.status)))
        if jobs == {"done": count} and rows == {"sent": count}:
            return
        await asyncio.sleep(0.05)


async def _two_apps_send_due_reminders(pg_url: str, tmp_path: Path, count: int) -> None:
    engine = make_engine(pg_url)
    upgrade(engine)
    now = datetime.now(UTC)
    async with FakeConnector(enforce_limits=True, latency_s=0.02) as fc:
        ids = seed_group(engine, fc.url, count)
        with session_scope(engine) as session:
            for i, member in enumerate(ids):
                schedule(session, "reminder", f"r{i}", {
                    "member_id": member, "rule": "day_before", "subject": "møte-1",
                    "title": "Påminnelse", "text": "Møtet er i morgen."},
                    now - timedelta(seconds=1), now + timedelta(hours=1), now)
        env = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
        procs = [await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "app.py"), cwd=tmp_path,
            env={**env, "DATABASE_URL": pg_url, "MicrosoftAppId": "", "PORT": str(_free_port()),
                 "PYTHONPATH": str(ROOT)},
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
            for _ in range(2)]
        try:
            await fc.wait_for(count, timeout=30 + count / 40)
            # Once every job is done and every row says sent, no worker holds anything it
            # could send again: that, not a pause, is when a duplicate would have shown.
            await asyncio.wait_for(_until_settled(engine, count), timeout=30)
        finally:
            for proc in procs:
                proc.terminate()
                await proc.wait()
    per_chat = Counter(c.conversation_id for c in fc.accepted())
    with session_scope(engine) as session:
        jobs = Counter(session.exec(select(ScheduledJob.status).where(
            ScheduledJob.kind == "reminder")))
    engine.dispose()
    print(f"\ntwo apps: {count} reminders, {len(per_chat)} reached, "
          f"{sum(per_chat.values()) - len(per_chat)} duplicates, {len(fc.violations)} violations")
    assert jobs == {"done": count}
    assert len(per_chat) == count and set(per_chat.values()) == {1}
    assert_throttled_sends_retried(engine, fc)


async def test_two_apps_on_postgresql_send_each_reminder_once(pg_url, tmp_path) -> None:
    await _two_apps_send_due_reminders(pg_url, tmp_path, 200)


@pytest.mark.slow
async def test_two_apps_on_postgresql_thousand_reminders(pg_url, tmp_path) -> None:
    await _two_apps_send_due_reminders(pg_url, tmp_path, 1000)
