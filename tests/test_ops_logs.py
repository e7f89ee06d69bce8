"""Logs an operator can live with: one line per event, JSON on request, a correlation id
shared by the error line and the user's message, no personal data, no library chatter."""

from __future__ import annotations

import json
import re
import signal
import time
import urllib.request
from datetime import timedelta

import aiohttp
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import select

from core.clock import SystemClock
from core.settings import Settings
from delivery.ledger_ops import LedgerOps
from delivery.run import deliver_sendout
from delivery.sendout import notice_activity, start_sendout
from scheduler.store import run_due, schedule
from storage.db import session_scope
from storage.models import Member
from tests.fakes.connector import FakeConnector
from tests.harness import ANNE_AAD, ANNE_ID, TENANT, activity
from tests.ops_support import captured_logs, free_port, served, start_app, wait_ready
from tests.test_delivery_support import seed_group

PERSON = {"name": "Anne Feltman", "email": "anne.feltman@asker.kommune.no"}
PROFILE = {"id": ANNE_ID, "aadObjectId": ANNE_AAD, "name": PERSON["name"],
           "email": PERSON["email"], "tenantId": TENANT}
# What 30 s of idling gives at the default tick (0.5 s): the test runs the scheduler 10×
# faster (SCHEDULER_TICK_S=0.05) and waits until it has seen at least as many ticks.
TICKS_IN_30_S = 60


def _ticks(port: int) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
        text = resp.read().decode()
    for family in text_string_to_metric_families(text):
        if family.name == "faggruppe_scheduler_ticks":
            return sum(s.value for s in family.samples if s.name.endswith("_total"))
    raise AssertionError("no scheduler tick counter in /metrics")


def test_idle_app_logs_json_lines_and_no_scheduler_or_alembic_info(tmp_path):
    port = free_port()
    proc = start_app(tmp_path, port, LOG_FORMAT="json", SCHEDULER_TICK_S="0.05")
    try:
        wait_ready(port, proc)
        first = seen = _ticks(port)
        # Stopped means no tick for a while, not few ticks in a fixed time: on a loaded
        # machine the ticks come slower, and that is not what this test is about.
        last_tick = time.monotonic()
        while seen - first < TICKS_IN_30_S:
            time.sleep(0.5)
            now_seen = _ticks(port)
            if now_seen > seen:
                seen, last_tick = now_seen, time.monotonic()
            assert time.monotonic() - last_tick < 30, "the scheduler stopped ticking"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    stderr = proc.stderr.read() if proc.stderr else ""
    lines = [json.loads(line) for line in stderr.splitlines()]  # every line is one JSON object
    chatter = [e for e in lines if e["logger"].startswith(("apscheduler", "alembic"))
               and e["level"] in ("DEBUG", "INFO")]
    assert chatter == []
    [start] = [e for e in lines if "lytter på" in e["message"]]
    assert start["level"] == "INFO"
    assert f"http://127.0.0.1:{port}/api/messages" in start["message"]
    assert "lokal modus" in start["message"]
    assert f"database SQLite {tmp_path / 'data' / 'faggruppe.db'}" in start["message"]
    assert any(e["message"] == "Faggruppe-bot stoppet" for e in lines)
    assert len(lines) <= 3, f"an idle app logs its start and stop only: {lines}"


async def test_failed_turn_shows_one_correlation_id_in_log_and_message(engine, clock,
                                                                      monkeypatch):
    import bot
    from app import create_app

    build = bot.build_router

    def router_with_a_failing_command():  # type: ignore[no-untyped-def]
        router = build()

        @router.command("krasj", description="fails on purpose")
        async def crash(turn):  # type: ignore[no-untyped-def]
            # A second member with the same AAD id: IntegrityError, names in its parameters.
            turn.session.add(Member(name=PERSON["name"], name_key="anne feltman",
                                    email=PERSON["email"], aad_object_id=ANNE_AAD))
            turn.session.flush()

        return router

    monkeypatch.setattr(bot, "build_router", router_with_a_failing_command)
    settings = Settings.model_validate({"MicrosoftAppId": "", "DATABASE_URL": str(engine.url)})
    async with FakeConnector() as fc:
        fc.add_member(PROFILE)
        async with served(create_app(settings, engine=engine, clock=clock)) as url, \
                aiohttp.ClientSession() as http:
            await http.post(f"{url}/api/messages", json=activity("personal_message", fc.url))
            with captured_logs() as logs:
                async with http.post(f"{url}/api/messages", json=activity(
                        "personal_message", fc.url, text="krasj")) as resp:
                    assert resp.status in (200, 201)
        reply = fc.sent()[-1]["text"]
    match = re.search(r"referanse ([0-9a-f]{8})", reply)
    assert match, reply
    [error] = [e for e in logs if e["level"] == "ERROR"]
    assert error["correlation_id"] == match.group(1)
    assert "IntegrityError" in error["exception"]
    everything = json.dumps(logs, ensure_ascii=False)
    assert PERSON["email"] not in everything and PERSON["name"] not in everything


async def test_rejected_input_is_one_warning_line_without_traceback(bot):
    bot.connector.add_member(PROFILE)
    await bot.send("personal_message")
    typed = "Mitt hemmelige innspill"
    forged = activity("card_submit", bot.connector.url,
                      value={"verb": "finnes.ikke", "comment": typed})
    with captured_logs() as logs:
        status, _ = await bot.post(forged)
    assert status in (200, 201)
    assert [(e["level"], e["logger"]) for e in logs] == [("WARNING", "bot.dispatch")]
    assert "exception" not in logs[0] and typed not in logs[0]["message"]
    with captured_logs() as logs:
        status, _ = await bot.post(None, raw=b"{not json",
                                   headers={"Content-Type": "application/json"})
    assert status == 400
    assert [(e["level"], "exception" in e) for e in logs] == [("WARNING", False)]


async def test_sendout_logs_one_line_when_begun_and_one_when_finished(engine):
    settings = Settings.model_validate({"MicrosoftAppId": ""})
    async with FakeConnector() as fc:
        seed_group(engine, fc.url, 3)
        with captured_logs() as logs:
            with session_scope(engine) as session:
                members = list(session.exec(select(Member)))
                sendout = start_sendout(session, "notice", "n1", members,
                                        lambda m: notice_activity("Kunngjøring", ["Hei"]),
                                        SystemClock().now())
            await deliver_sendout(engine, settings, sendout.id or 0, SystemClock())
            # Another worker looking later finds nothing new to announce.
            LedgerOps(engine, SystemClock(), "other", None).log_finished_sendouts()
    messages = [e["message"] for e in logs if e["logger"].startswith("delivery")]
    assert messages == [f"Utsending {sendout.id} (notice) startet: 3 nye mottakere, 0 dempet",
                        f"Utsending {sendout.id} (notice) ferdig: 3 mottakere – sent 3"]


def test_each_scheduled_job_run_is_one_line(engine, clock):
    calls: list[int] = []
    with session_scope(engine) as session:
        job = schedule(session, "test.ping", "k1", {"n": 1}, clock.now() - timedelta(seconds=90),
                       clock.now() + timedelta(hours=1), clock.now() - timedelta(hours=1))
    with captured_logs() as logs:
        run_due(engine, clock.now(), {"test.ping": lambda session, now, n: calls.append(n)})
    assert calls == [1]
    assert [e["message"] for e in logs] == [f"Jobb {job.id} (test.ping) kjørt, 90.0 s etter "
                                            "planen"]


def test_a_tick_folded_into_the_next_is_counted_not_logged(engine, clock):
    import logging

    from core import metrics
    from scheduler.runner import SchedulerService

    SchedulerService(engine, clock, {})
    before = metrics.SCHEDULER_TICKS_FOLDED._value.get()
    with captured_logs() as logs:
        # What APScheduler 3 writes when a tick starts while the previous one still runs.
        logging.getLogger("apscheduler.scheduler").warning(
            'Execution of job "%s" skipped: maximum number of running instances reached (%d)',
            "tick", 1)
        logging.getLogger("apscheduler.scheduler").warning("Scheduler has been shut down")
    assert [e["message"] for e in logs] == ["Scheduler has been shut down"]
    assert metrics.SCHEDULER_TICKS_FOLDED._value.get() - before == 1


def test_text_lines_carry_the_reference_and_database_urls_lose_their_password():
    import contextvars
    import logging

    from core.logs import CorrelationFilter, TextFormatter, bind_correlation_id
    from storage.db import describe_url

    record = logging.LogRecord("bot.middleware", logging.ERROR, __file__, 1, "Tur feilet", (),
                               None)
    # In a copy of the context: the id must not stay bound for the tests after this one.
    cid = contextvars.copy_context().run(
        lambda: (bind_correlation_id(), CorrelationFilter().filter(record))[0])
    assert TextFormatter().format(record).endswith(f"ERROR bot.middleware: Tur feilet [ref={cid}]")
    assert describe_url("postgresql://bot:hemmelig@db.example.no:5432/faggruppe") == (
        "PostgreSQL bot@db.example.no:5432/faggruppe")
