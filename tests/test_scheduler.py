"""Scheduled jobs: claimed once, downtime within grace runs once, too late is skipped; queue CLI."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from aiohttp import web
from sqlmodel import select

import cli
from core.settings import load_settings
from delivery.mute import reminders_muted, set_reminders_muted
from scheduler.store import run_due, schedule
from services.runtime import job_handlers
from storage.db import session_scope
from storage.delivery_models import Delivery, ScheduledJob
from tests.harness import TEST_LINKS
from tests.test_delivery_support import seed_group


def _job(engine, clock, member_id: int, due_in: timedelta, grace: timedelta,
         rule: str = "day_before", key: str = "k1") -> int:
    due = clock.now() + due_in
    args = {"member_id": member_id, "rule": rule, "subject": f"s-{key}", "title": "Påminnelse",
            "text": "Møtet er i morgen kl. 10.00."}
    with session_scope(engine) as session:
        job = schedule(session, "reminder", key, args, due, due + grace, clock.now(),
                       "Påminnelse dagen før")
        return job.id or 0


def _deliveries(engine) -> list[Delivery]:
    with session_scope(engine) as session:
        return list(session.exec(select(Delivery)))


def test_due_job_runs_exactly_once(engine, clock) -> None:
    [member] = seed_group(engine, "http://127.0.0.1:9/", 1)
    job_id = _job(engine, clock, member, timedelta(hours=1), timedelta(hours=12))
    assert run_due(engine, clock.now(), job_handlers(TEST_LINKS)) == []
    clock.advance(hours=1)
    assert run_due(engine, clock.now(), job_handlers(TEST_LINKS)) == [(job_id, "done")]
    assert run_due(engine, clock.now(), job_handlers(TEST_LINKS)) == []
    assert [(d.purpose, d.member_id) for d in _deliveries(engine)] == [
        ("reminder:day_before", member)]


def test_created_too_late_is_skipped_not_fired(engine, clock) -> None:
    [member] = seed_group(engine, "http://127.0.0.1:9/", 1)
    job_id = _job(engine, clock, member, -timedelta(hours=3), timedelta(hours=1))
    assert run_due(engine, clock.now(), job_handlers(TEST_LINKS)) == []
    with session_scope(engine) as session:
        assert session.get(ScheduledJob, job_id).status == "skipped"  # type: ignore[union-attr]
    assert _deliveries(engine) == []


def test_downtime_beyond_grace_is_skipped(engine, clock) -> None:
    [member] = seed_group(engine, "http://127.0.0.1:9/", 1)
    job_id = _job(engine, clock, member, timedelta(minutes=5), timedelta(hours=1))
    clock.advance(hours=2)
    assert run_due(engine, clock.now(), job_handlers(TEST_LINKS)) == [(job_id, "skipped")]
    assert _deliveries(engine) == []


def test_muted_member_gets_no_nonessential_reminder(engine, clock) -> None:
    [member] = seed_group(engine, "http://127.0.0.1:9/", 1)
    with session_scope(engine) as session:
        assert set_reminders_muted(session, member, True, clock.now()) is True
        assert set_reminders_muted(session, member, True, clock.now()) is False
    _job(engine, clock, member, timedelta(0), timedelta(hours=1), key="a")
    _job(engine, clock, member, timedelta(0), timedelta(hours=1), rule="invitation", key="b")
    run_due(engine, clock.now(), job_handlers(TEST_LINKS))
    assert sorted((d.purpose, d.status) for d in _deliveries(engine)) == [
        ("reminder:day_before", "muted"), ("reminder:invitation", "pending")]
    with session_scope(engine) as session:
        assert set_reminders_muted(session, member, False, clock.now()) is True
        assert reminders_muted(session, member) is False


async def test_work_due_while_down_is_sent_once_after_start(engine, clock, connector) -> None:
    from app import create_app

    [member] = seed_group(engine, connector.url, 1)
    _job(engine, clock, member, timedelta(minutes=10), timedelta(hours=12))
    clock.advance(hours=3)  # the service was down across the due time
    app = create_app(load_settings(app_id="", database_url=str(engine.url)), engine,
                     clock)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        await connector.wait_for(1, timeout=10)
        await until_settled(engine)
        # Another tick finds nothing due, and nothing is left to deliver: nothing else can go.
        assert run_due(engine, clock.now(), job_handlers(TEST_LINKS)) == []
    finally:
        await runner.cleanup()
    assert [(d.status, d.attempts) for d in _deliveries(engine)] == [("sent", 1)]
    with session_scope(engine) as session:
        assert [j.status for j in session.exec(select(ScheduledJob).where(
            ScheduledJob.kind == "reminder"))] == ["done"]
    assert len(connector.sent("a:conv-0")) == 1 and len(connector.calls) == 1


async def until_settled(engine) -> None:  # type: ignore[no-untyped-def]
    """Until every delivery row has its outcome (the worker records it after the answer)."""
    async def settled() -> None:
        while any(d.status in ("pending", "sending") for d in _deliveries(engine)):
            await asyncio.sleep(0.02)
    await asyncio.wait_for(settled(), timeout=10)


@pytest.fixture
def run(db_url, clock, capsys):  # type: ignore[no-untyped-def]
    ctx = cli.CliContext(settings=load_settings(database_url=db_url), clock=clock)

    def _run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv), ctx, nouns=("queue",))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


def test_queue_list_cancel_move(run, engine, clock) -> None:  # type: ignore[no-untyped-def]
    [member] = seed_group(engine, "http://127.0.0.1:9/", 1)
    first = _job(engine, clock, member, timedelta(days=2), timedelta(hours=12), key="a")
    second = _job(engine, clock, member, timedelta(days=1), timedelta(hours=12), key="b")
    code, out, _ = run("queue", "list")
    assert code == 0
    assert [line.split("\t")[:2] for line in out.splitlines()] == [
        [str(second), "2026-11-21 09:00"], [str(first), "2026-11-22 09:00"]]
    assert run("queue", "move", str(first), "2026-11-21 07:30")[1] == f"{first}\t2026-11-21 07:30\n"
    code, out, _ = run("queue", "cancel", str(second))
    assert code == 1 and out.startswith(f"avlyses\t{second}\t"), "nothing without --yes"
    assert run("queue", "cancel", str(second), "--yes")[0] == 0
    code, out, _ = run("queue", "list")
    assert [line.split("\t")[:2] for line in out.splitlines()] == [
        [str(first), "2026-11-21 07:30"]]
    code, _, err = run("queue", "cancel", str(second), "--yes")
    assert code == 1 and "ikke lenger i køen" in err
    code, _, err = run("queue", "move", str(first), "i morgen")
    assert code == 1 and "er ikke en dato" in err
    moved = run("queue", "move", str(first), "21.11.2026 kl. 08.15")[1]
    assert moved == f"{first}\t2026-11-21 08:15\n"
