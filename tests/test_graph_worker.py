"""The Graph worker against the fake Graph: Retry-After, back-off, giving up, slow answers."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlmodel import select

from core.clock import FrozenClock
from core.settings import Settings
from delivery.graph import MAX_ATTEMPTS, GraphWorker
from services import meetings, outlook
from storage import graph as graph_repo
from storage.db import session_scope
from storage.delivery_models import Delivery
from storage.graph_models import GraphCall
from storage.meeting_models import MeetingFormat
from tests.conftest import ORGANIZER
from tests.harness import TEST_LINKS
from tests.test_e2e_meetings_status import START
from tests.test_rsvp_support import seed_meeting, seed_members


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


def settings_for(engine, graph) -> Settings:
    return Settings.model_validate({"MicrosoftAppId": "", "DATABASE_URL": str(engine.url),
                                    "GRAPH_ORGANIZER": ORGANIZER, "GRAPH_BASE_URL": graph.url})


def sent(engine, settings: Settings, clock: FrozenClock, **overrides) -> int:
    """Seed 000 as a digital meeting whose invitation is recorded (nothing delivered)."""
    seed_members(engine, "http://127.0.0.1:9/")
    mid = seed_meeting(engine, format=MeetingFormat.digital, place="", **overrides)
    with session_scope(engine) as s:
        meetings.send(s, mid, clock.now(), links=TEST_LINKS, settings=settings)
    return mid


async def work(engine, settings, clock, mid: int, seconds: float = 1.0, **kw) -> GraphWorker:
    """Let one worker make whatever is due for `seconds`."""
    worker = GraphWorker(engine, settings, clock, meetings.outlook_hook(TEST_LINKS),
                         meeting_id=mid,
                         poll_s=0.05, **kw)
    await worker.run(until_idle=True, deadline=time.monotonic() + seconds)
    return worker


def the_call(engine, operation: str = "create") -> GraphCall:
    with session_scope(engine) as s:
        row = s.exec(select(GraphCall).where(GraphCall.operation == operation)).one()
        s.expunge(row)
        return row


async def test_throttled_create_waits_for_retry_after_and_makes_one_event(
        engine, clock, graph) -> None:
    settings = settings_for(engine, graph)
    mid = sent(engine, settings, clock)
    graph.fail(429, retry_after="30", operation="create")
    await work(engine, settings, clock, mid)
    row = the_call(engine)
    assert (row.status, row.attempts, row.throttled, row.last_http_status) == ("pending", 1, 1, 429)
    assert START + timedelta(seconds=30) <= row.next_attempt_at <= START + timedelta(seconds=36)
    clock.set(START + timedelta(seconds=29))  # Graph said 30 s: not a moment earlier
    await work(engine, settings, clock, mid, 0.5)
    assert len(graph.of("create")) == 1
    clock.set(row.next_attempt_at)
    await work(engine, settings, clock, mid)
    assert the_call(engine).status == "done"
    first, second = graph.of("create")
    assert first.body["transactionId"] == second.body["transactionId"]
    assert len(graph.events) == 1


async def test_server_errors_back_off_then_give_up_visibly(engine, clock, graph) -> None:
    settings = settings_for(engine, graph)
    mid = sent(engine, settings, clock)
    graph.fail(503, times=MAX_ATTEMPTS, operation="create")
    waits = []
    for _ in range(MAX_ATTEMPTS):
        await work(engine, settings, clock, mid, 0.3)
        row = the_call(engine)
        if row.status == "pending":
            waits.append((row.next_attempt_at - clock.now()).total_seconds())
            clock.set(row.next_attempt_at)
    row = the_call(engine)
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS
    assert row.last_error == f"ga opp etter {MAX_ATTEMPTS} forsøk (sist HTTP 503)"
    assert len(waits) == MAX_ATTEMPTS - 1 and waits[-1] > waits[0] * 8  # exponential
    with session_scope(engine) as s:
        assert [c.id for c in graph_repo.given_up(s)] == [row.id]
        notices = s.exec(select(Delivery).where(Delivery.purpose == outlook.NOTICE)).all()
        assert notices and all("kunne ikke lages" in n.payload for n in notices)
        # The invitation copies stop waiting for a link that will not come.
        held = s.exec(select(Delivery).where(Delivery.purpose == "invitation")).all()
        assert {d.next_attempt_at for d in held} == {clock.now()}
        assert graph_repo.event_for(s, mid).problem == "failed"  # type: ignore[union-attr]


async def test_answer_too_slow_is_retried_and_graph_gives_back_the_same_event(
        engine, clock, graph) -> None:
    settings = settings_for(engine, graph)
    mid = sent(engine, settings, clock)
    graph.slow_s["create"] = 2.0  # Graph made the event; its answer comes after our timeout
    await work(engine, settings, clock, mid, 1.0, timeout_s=0.3)
    row = the_call(engine)
    assert row.status == "pending" and row.attempts == 1 and row.last_http_status is None
    assert len(graph.events) == 1
    graph.slow_s.clear()
    clock.set(row.next_attempt_at)
    await work(engine, settings, clock, mid)
    assert the_call(engine).status == "done"
    assert len(graph.of("create")) == 2 and len(graph.events) == 1
    with session_scope(engine) as s:
        event = graph_repo.event_for(s, mid)
        assert event is not None and event.event_id == next(iter(graph.events))


async def test_patch_waits_for_the_create_of_its_meeting(engine, clock, graph) -> None:
    settings = settings_for(engine, graph)
    mid = sent(engine, settings, clock)
    graph.fail(503, retry_after="10", operation="create")
    await work(engine, settings, clock, mid, 0.3)
    with session_scope(engine) as s:
        # The create was tried (Graph may have it): the edit becomes a PATCH queued behind it.
        meetings.edit(s, mid, clock.now(), place="Rådhuset", links=TEST_LINKS,
                      settings=settings)
    assert [c.operation for c in graph_repo_calls(engine)] == ["create", "update"]
    await work(engine, settings, clock, mid, 0.3)
    assert graph.of("update") == []  # not before its event exists
    clock.set(START + timedelta(seconds=15))
    await work(engine, settings, clock, mid)
    (_failed, made) = graph.of("create")
    (patch,) = graph.of("update")
    assert made.status == 201 and made.at < patch.at
    assert patch.body == {"location": {"displayName": "Rådhuset"}}


def graph_repo_calls(engine) -> list[GraphCall]:
    with session_scope(engine) as s:
        rows = graph_repo.calls(s)
        for r in rows:
            s.expunge(r)
        return rows


async def test_cancel_while_the_create_is_retried_cancels_the_event_it_makes(
        engine, clock, graph) -> None:
    settings = settings_for(engine, graph)
    mid = sent(engine, settings, clock)
    graph.slow_s["create"] = 2.0  # Graph made the event; we timed out and will retry
    await work(engine, settings, clock, mid, 1.0, timeout_s=0.3)
    graph.slow_s.clear()
    with session_scope(engine) as s:
        meetings.cancel(s, mid, clock.now(), settings)
    assert [(c.operation, c.status) for c in graph_repo_calls(engine)] == [
        ("create", "pending"), ("cancel", "pending")]
    clock.set(START + timedelta(minutes=5))
    await work(engine, settings, clock, mid)
    assert len(graph.of("create")) == 2 and len(graph.of("cancel")) == 1
    (made,) = graph.events.values()
    assert made["isCancelled"] is True and made["cancelComment"].endswith("er avlyst.")


async def test_cancel_before_the_create_was_tried_makes_no_event(engine, clock, graph) -> None:
    settings = settings_for(engine, graph)
    mid = sent(engine, settings, clock)
    with session_scope(engine) as s:
        meetings.cancel(s, mid, clock.now(), settings)
    await work(engine, settings, clock, mid, 0.3)
    assert graph.calls == []
    assert [(c.operation, c.status) for c in graph_repo_calls(engine)] == [("create", "dropped")]


async def test_a_failing_hook_still_records_the_call_once(engine, clock, graph) -> None:
    settings = settings_for(engine, graph)
    mid = sent(engine, settings, clock)

    def broken(*_args: object) -> None:
        raise RuntimeError("boom")

    worker = GraphWorker(engine, settings, clock, broken, meeting_id=mid, poll_s=0.05)
    await worker.run(until_idle=True, deadline=time.monotonic() + 1.0)
    row = the_call(engine)
    assert (row.status, row.attempts, row.lease_owner) == ("done", 1, None)
    assert row.last_error == "(intern feil etterpå)" and len(graph.of("create")) == 1


async def test_an_approved_invitation_sent_by_the_scheduler_makes_the_event(
        engine, clock, graph) -> None:
    from scheduler.store import run_due
    from services.runtime import job_handlers

    settings = settings_for(engine, graph)
    seed_members(engine, "http://127.0.0.1:9/")
    mid = seed_meeting(engine, format=MeetingFormat.digital, place="")
    with session_scope(engine) as s:
        due = meetings.approve(s, mid, clock.now())
    assert run_due(engine, due, job_handlers(TEST_LINKS, settings))
    assert [(c.operation, c.status) for c in graph_repo_calls(engine)] == [("create", "pending")]
