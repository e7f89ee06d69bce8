"""The delivery path against a fake Bot Connector that enforces Teams' limits and injects faults."""

from __future__ import annotations

from collections import Counter

from sqlmodel import col, select

from core.clock import SystemClock
from core.settings import load_settings
from delivery.policy import RetryPolicy
from delivery.run import deliver_sendout
from delivery.sendout import notice_activity, start_sendout
from storage.db import session_scope
from storage.delivery_models import Delivery, Sendout
from storage.models import ConversationRef, Member
from tests.fakes.connector import FakeConnector
from tests.test_delivery_support import assert_throttled_sends_retried, seed_group

SETTINGS = load_settings(app_id="")


def _start(engine, subject: str = "n1") -> int:
    with session_scope(engine) as session:
        members = list(session.exec(select(Member).order_by(col(Member.id))))
        out = start_sendout(session, "notice", subject, members,
                            lambda m: notice_activity("Kunngjøring", [f"Hei {m.name}"]),
                            SystemClock().now())
        return out.id or 0


def _per_conversation(fc: FakeConnector) -> Counter[str]:
    return Counter(c.conversation_id for c in fc.accepted())


async def test_faults_and_limits_lose_nothing_and_send_nothing_twice(engine) -> None:
    async with FakeConnector(enforce_limits=True, fault_rate=0.15, retry_after_s=0.4,
                             seed=7) as fc:
        seed_group(engine, fc.url, 120)
        final = await deliver_sendout(engine, SETTINGS, _start(engine), SystemClock())
    counts = _per_conversation(fc)
    assert final.by_status == {"sent": 120}
    assert len(counts) == 120 and set(counts.values()) == {1}
    assert_throttled_sends_retried(engine, fc)
    refused = [c for c in fc.calls if c.status >= 400]
    assert refused, "the fault injection should have refused some calls"
    with session_scope(engine) as session:
        rows = list(session.exec(select(Delivery)))
    assert sum(r.attempts for r in rows) == len(fc.calls)
    assert sum(r.throttled for r in rows) == sum(1 for c in refused if c.status == 429)


async def test_tenant_limit_holds_under_a_burst(engine) -> None:
    async with FakeConnector(enforce_limits=True) as fc:
        seed_group(engine, fc.url, 150)
        final = await deliver_sendout(engine, SETTINGS, _start(engine), SystemClock())
    assert final.by_status == {"sent": 150}
    assert_throttled_sends_retried(engine, fc)
    times = sorted(c.at for c in fc.accepted())
    busiest = max(sum(1 for t in times[i:] if t < start + 1.0) for i, start in enumerate(times))
    assert busiest <= 50


async def test_repeat_sendout_sends_nothing_new(engine) -> None:
    async with FakeConnector() as fc:
        seed_group(engine, fc.url, 10)
        first = _start(engine)
        await deliver_sendout(engine, SETTINGS, first, SystemClock())
        again = _start(engine)
        final = await deliver_sendout(engine, SETTINGS, again, SystemClock())
    assert again == first
    assert final.total == 10 and len(fc.accepted()) == 10


async def test_blocked_member_is_marked_unreachable_and_named(engine) -> None:
    async with FakeConnector(blocked={"a:conv-3"}) as fc:
        ids = seed_group(engine, fc.url, 5)
        final = await deliver_sendout(engine, SETTINGS, _start(engine), SystemClock())
    assert final.by_status == {"sent": 4, "unreachable": 1}
    assert [name for name, _why in final.missed] == ["Medlem 00003"]
    with session_scope(engine) as session:
        reachable = {m.id: m.reachable for m in session.exec(select(Member))}
    assert reachable[ids[3]] is False and sum(reachable.values()) == 4


async def test_gives_up_visibly_after_bounded_attempts(engine) -> None:
    async with FakeConnector(fault_rate=1.0, fault_statuses=(503,)) as fc:
        seed_group(engine, fc.url, 1)
        sendout = _start(engine)
        with session_scope(engine) as session:
            row = session.exec(select(Delivery)).one()
        quick = RetryPolicy(max_attempts=4, base_delay_s=0.01)  # the count is what matters
        final = await deliver_sendout(engine, SETTINGS, sendout, SystemClock(), policy=quick)
    assert final.by_status == {"failed": 1}
    assert len(fc.calls) == quick.max_attempts
    assert "ga opp" in final.missed[0][1] and row.id is not None


async def test_member_without_chat_gets_one_created(engine) -> None:
    async with FakeConnector() as fc:
        seed_group(engine, fc.url, 3, with_chat=False)
        final = await deliver_sendout(engine, SETTINGS, _start(engine), SystemClock())
    creates = [c for c in fc.calls if c.path.endswith("/v3/conversations")]
    assert final.by_status == {"sent": 3} and len(creates) == 3
    assert creates[0].body["channelData"] == {"tenant": {"id": creates[0].body["tenantId"]}}
    sent_to = {c.conversation_id for c in fc.accepted()}
    with session_scope(engine) as session:
        chats = {r.conversation_id for r in session.exec(select(ConversationRef)
                                                         .where(ConversationRef.member_id != None))}  # noqa: E711
    assert len(sent_to) == 3 and sent_to == chats


async def test_two_workers_in_one_process_never_take_each_others_rows(engine) -> None:
    # The app's worker and a send-out's own worker run side by side in this one process.
    from delivery.worker import DeliveryWorker

    async with FakeConnector(enforce_limits=True, latency_s=0.05) as fc:
        seed_group(engine, fc.url, 120)
        sendout = _start(engine)
        app_worker = DeliveryWorker(engine, SETTINGS, SystemClock(), concurrency=8)
        cli_worker = DeliveryWorker(engine, SETTINGS, SystemClock(), sendout_id=sendout,
                                    concurrency=8)
        await app_worker.start()
        await cli_worker.run(until_idle=True)
        await app_worker.stop()
    assert app_worker.sent > 0 and cli_worker.sent > 0, "both workers really delivered"
    assert app_worker.sent + cli_worker.sent == 120
    assert app_worker.in_doubt == cli_worker.in_doubt == 0, "neither took the other for dead"
    counts = _per_conversation(fc)
    assert len(counts) == 120 and set(counts.values()) == {1}


def test_dead_local_owners_spares_live_workers_of_this_process() -> None:
    from delivery import target

    app_worker, cli_worker = target.owner_id(), target.owner_id()
    stale = f"{app_worker.rsplit(':', 1)[0]}:deadbeef"  # an earlier process with our pid
    assert target.dead_local_owners([app_worker, cli_worker, stale], cli_worker) == [stale]
    target.release_owner(app_worker)
    assert target.dead_local_owners([app_worker], cli_worker) == [app_worker]


def test_sendout_total_counts_every_ledger_row_when_started_again(engine) -> None:
    """Starting a send-out again with more recipients adds only them; the total is all rows."""
    seed_group(engine, "http://127.0.0.1:1", 3)
    sendout_id = _start(engine)
    seed_group(engine, "http://127.0.0.1:1", 2, first=3)
    assert _start(engine) == sendout_id
    with session_scope(engine) as session:
        sendout = session.get(Sendout, sendout_id)
        rows = session.exec(select(Delivery).where(Delivery.sendout_id == sendout_id)).all()
        assert sendout is not None and sendout.total == len(rows) == 5
        assert sendout.finished_at is None
