"""kill -9 a real `meetings send` while Graph is making the event; the rerun makes no second one."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from sqlmodel import select

from storage import graph as graph_repo
from storage.db import session_scope
from storage.delivery_models import Delivery
from storage.graph_models import GraphCall
from storage.meeting_models import MeetingFormat
from tests.conftest import ORGANIZER
from tests.fakes.connector import FakeConnector
from tests.fakes.graph import FakeGraph
from tests.test_rsvp_support import seed_meeting, seed_members

ROOT = Path(__file__).resolve().parent.parent


def _env(db_url: str, graph_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("Microsoft", "GRAPH_"))}
    return {**env, "DATABASE_URL": db_url, "MicrosoftAppId": "", "PYTHONPATH": str(ROOT),
            "GRAPH_ORGANIZER": ORGANIZER, "GRAPH_BASE_URL": graph_url}


def _create_row(engine) -> GraphCall:
    with session_scope(engine) as s:
        row = s.exec(select(GraphCall).where(GraphCall.operation == "create")).one()
        s.expunge(row)
        return row


async def test_kill_nine_while_graph_makes_the_event_then_rerun_makes_no_second(
        engine, db_url, tmp_path) -> None:
    async with FakeConnector() as fc, FakeGraph() as graph:
        seed_members(engine, fc.url)
        mid = seed_meeting(engine, format=MeetingFormat.digital, place="")
        command = [sys.executable, str(ROOT / "app.py"), "meetings", "send", str(mid)]
        graph.slow_s["create"] = 120.0  # Graph makes the event, its answer never comes in time
        proc = await asyncio.create_subprocess_exec(
            *command, cwd=tmp_path, env=_env(db_url, graph.url),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        await asyncio.wait_for(graph.received.wait(), timeout=60)
        # Mid-work: Graph has the event, our row says 'sending' and holds no event id yet.
        row = _create_row(engine)
        assert (row.status, row.attempts) == ("sending", 1)
        with session_scope(engine) as s:
            assert graph_repo.event_for(s, mid).event_id == ""  # type: ignore[union-attr]
        assert len(graph.events) == 1 and fc.sent() == []
        proc.kill()
        assert await proc.wait() == -9

        graph.slow_s.clear()
        rerun = await asyncio.create_subprocess_exec(
            *command, cwd=tmp_path, env=_env(db_url, graph.url),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(rerun.communicate(), timeout=150)
    assert rerun.returncode == 0, err.decode()
    first, second = graph.of("create")
    assert first.body["transactionId"] == second.body["transactionId"]
    assert len(graph.events) == 1
    (event_id,) = graph.events
    row = _create_row(engine)
    assert (row.status, row.in_doubt, row.attempts) == ("done", 1, 2)
    assert f"outlook\t{event_id}\t" in out.decode()
    with session_scope(engine) as s:
        event = graph_repo.event_for(s, mid)
        assert event is not None and event.event_id == event_id
        statuses = {d.status for d in s.exec(select(Delivery).where(
            Delivery.purpose == "invitation"))}
    assert statuses == {"sent"}
    assert all(event.join_url in str(a) for a in fc.sent())
    print(f"\ngraph crash test: creates {len(graph.of('create'))}, events {len(graph.events)}, "
          f"in doubt {row.in_doubt}")
