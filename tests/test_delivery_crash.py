"""kill -9 a real `python app.py notices send` in the middle of its delivery, again and again:
every member gets the notice, and the kills really left requests in doubt."""

from __future__ import annotations

import asyncio
import os
import random
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from storage.db import session_scope
from storage.delivery_models import Delivery
from tests.fakes.connector import FakeConnector
from tests.test_delivery_support import seed_group

ROOT = Path(__file__).resolve().parent.parent
COMMAND = [sys.executable, str(ROOT / "app.py"), "notices", "send", "--group", "Plan og bygg",
           "--text", "Møtet flyttes til rom 4.", "--id", "crash-test"]


def _env(db_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
    return {**env, "DATABASE_URL": db_url, "MicrosoftAppId": "", "PYTHONPATH": str(ROOT)}


async def _crash_and_finish(engine, db_url: str, tmp_path: Path, members: int,
                            kills: int) -> None:
    rng = random.Random(20261122)
    # Each run is killed after a few more sends have reached the connector (not after a
    # wall-clock delay: under load that lands before the first send). 200 ms per answer
    # keeps the send that triggered the kill in flight, so that row is left 'sending'.
    async with FakeConnector(enforce_limits=True, latency_s=0.2) as fc:
        seed_group(engine, fc.url, members)
        step = max(1, members // (kills + 2) // 2)
        for _ in range(kills):
            proc = await asyncio.create_subprocess_exec(
                *COMMAND, cwd=tmp_path, env=_env(db_url),
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
            await fc.wait_for_arrivals(fc.posts() + rng.randint(1, step), timeout=60)
            proc.kill()
            await proc.wait()  # reaped: its pid no longer looks alive to the next run
        proc = await asyncio.create_subprocess_exec(
            *COMMAND, cwd=tmp_path, env=_env(db_url),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode == 0, err.decode()
    per_chat = Counter(c.conversation_id for c in fc.accepted())
    duplicates = sum(n - 1 for n in per_chat.values())
    with session_scope(engine) as session:
        statuses = Counter(session.exec(select(Delivery.status)))
        in_doubt = session.exec(select(func.sum(col(Delivery.in_doubt)))).one() or 0
    print(f"\ncrash test: {members} members, {kills} kills, duplicates {duplicates}, "
          f"in doubt {in_doubt}, violations {len(fc.violations)}")
    assert statuses == {"sent": members}
    assert len(per_chat) == members  # nothing lost
    assert in_doubt >= kills  # every kill left the send it was making in doubt
    assert duplicates <= in_doubt  # a duplicate only inside the in-doubt window
    assert f"sendt\t{members}\tav\t{members}" in out.decode()


async def test_kill_nine_during_sendout_loses_nothing(engine, db_url, tmp_path) -> None:
    await _crash_and_finish(engine, db_url, tmp_path, members=200, kills=4)


@pytest.mark.slow
async def test_kill_nine_twenty_times_during_sendout(engine, db_url, tmp_path) -> None:
    await _crash_and_finish(engine, db_url, tmp_path, members=200, kills=20)
