"""The delivery worker: claims due ledger rows, waits for shared slots, sends, records."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import aiohttp
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from core import metrics
from core.clock import Clock, SystemClock
from core.logs import bind_correlation_id
from core.settings import Settings
from delivery import limits, target
from delivery.connector import BotConnector, Reply, TokenSource, new_http_session
from delivery.ledger_ops import LedgerOps
from delivery.policy import DEFAULT, RetryPolicy
from storage.delivery_models import Delivery

log = logging.getLogger(__name__)
POSTPONE_S = 2.0  # a conversation busier than this is skipped for now, not waited on
FINISH_CHECK_S = 2.0  # how often finished send-outs are looked for (and logged once)
ALIVE_S = 30.0  # a loop that has not come round for this long is stuck (readiness fails)


class DeliveryWorker:
    """One per process (plus one inside a CLI send-out); all share limits via the database."""

    def __init__(self, engine: Engine, settings: Settings, clock: Clock | None = None, *,
                 sendout_id: int | None = None, concurrency: int = 32,
                 poll_s: float = 0.25, policy: RetryPolicy = DEFAULT) -> None:
        self.engine, self.settings, self.clock = engine, settings, clock or SystemClock()
        self.sendout_id, self.concurrency, self.poll_s = sendout_id, concurrency, poll_s
        self.owner = target.owner_id()
        self.ops = LedgerOps(engine, self.clock, self.owner, sendout_id, policy)
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._pools: dict[str, limits.SlotPool] = {}
        self._pool_lock = asyncio.Lock()
        self._stopping = False
        self._http: aiohttp.ClientSession | None = None
        self._runner: asyncio.Task[None] | None = None
        self.connector: BotConnector | None = None
        self.last_loop: float | None = None  # time.monotonic() when the loop last came round
        self._finish_checked = 0.0
        self._db_down = False

    @property
    def in_doubt(self) -> int:
        """Rows this worker resent because a dead worker left them 'sending'."""
        return self.ops.in_doubt

    @property
    def sent(self) -> int:
        return self.ops.sent

    def alive(self, now: float | None = None) -> bool:
        """Running and not stuck: its loop came round within ALIVE_S."""
        if self._runner is None or self._runner.done() or self.last_loop is None:
            return False
        now = time.monotonic() if now is None else now
        return now - self.last_loop <= ALIVE_S

    def wake(self) -> None:
        """Look for work now (called after enqueuing in this process)."""
        self._wake.set()

    async def start(self) -> None:
        """Run in the background until stop()."""
        self._runner = asyncio.create_task(self.run(), name="delivery-worker")

    async def stop(self) -> None:
        """Finish what is in flight, then close the HTTP session."""
        self._stopping = True
        self._wake.set()
        if self._runner:
            await self._runner

    async def run(self, until_idle: bool = False) -> None:
        """Claim and deliver until stopped (or, with until_idle, until nothing is open)."""
        self._http = new_http_session()
        self.connector = BotConnector(self._http, TokenSource(self.settings))
        try:
            while not self._stopping:
                self.last_loop = time.monotonic()
                if self.last_loop - self._finish_checked > FINISH_CHECK_S:
                    self._finish_checked = self.last_loop
                    await asyncio.to_thread(self.ops.log_finished_sendouts)
                free = self.concurrency - len(self._tasks)
                rows = await self._claim(free) if free > 0 else []
                for row in rows:
                    task = asyncio.create_task(self._deliver(row))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
                if rows and len(rows) == free:
                    continue
                if until_idle and not self._tasks and not rows and self.ops.idle():
                    break
                self._wake.clear()
                waits: list[Any] = [asyncio.create_task(self._wake.wait()), *self._tasks]
                await asyncio.wait(waits, timeout=self.poll_s, return_when="FIRST_COMPLETED")
                waits[0].cancel()
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)
            await asyncio.to_thread(self.ops.log_finished_sendouts)
        finally:
            await self._http.close()
            target.release_owner(self.owner)

    async def _claim(self, free: int) -> list[Delivery]:
        """Due rows; none while the database is away (one line when it goes, one when back)."""
        try:
            rows = await asyncio.to_thread(self.ops.claim, free)
        except SQLAlchemyError as exc:
            if not self._db_down:
                log.warning("Leveringskøen kan ikke leses (%s); prøver igjen",
                            type(exc).__name__)
            self._db_down = True
            return []
        if self._db_down:
            log.info("Leveringskøen kan leses igjen")
            self._db_down = False
        return rows

    async def _slot(self, tenant_id: str | None, row_id: int, marked: bool) -> bool:
        """Wait for a tenant slot, then (once) commit 'sending'; False when the lease is lost.

        'sending' is written after the wait, so a crash leaves only requests really under way
        in doubt. A slot reached late (busy loop, slow commit) is dropped, not used late: sent
        then, the request could share a second with later slots and push the tenant past 50/s.
        """
        key = f"tenant:{tenant_id or '-'}"
        while True:
            async with self._pool_lock:
                pool = self._pools.setdefault(key, limits.SlotPool(self.engine, key))
                at = await asyncio.to_thread(pool.take, max(1, len(self._tasks)))
            delay = at - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            if not marked:
                if not await asyncio.to_thread(self.ops.mark_sending, row_id):
                    return False
                marked = True
            if time.time() - at <= limits.STALE_S:
                return True

    async def _deliver(self, row: Delivery) -> None:
        bind_correlation_id()  # this task's own context: the row's log lines share one id
        try:
            await self._deliver_one(row)
        except Exception:  # one bad row must not stop the worker
            log.exception("Levering %s feilet uventet", row.id)
            await asyncio.to_thread(self.ops.record, row, 0, None, "", None, "intern feil")

    async def _deliver_one(self, row: Delivery) -> None:
        assert row.id is not None and self.connector is not None
        dest = await asyncio.to_thread(self.ops.resolve, row.member_id,
                                     self.settings.app_id)
        if dest is None:
            await asyncio.to_thread(self.ops.finish, row, "unreachable",
                                    "ingen 1:1-samtale: boten er ikke installert for medlemmet")
            return
        cost = 1 if dest.conversation_id else 2
        conv_at = (await asyncio.to_thread(limits.reserve, self.engine, dest.limit_key,
                                           limits.CONVERSATION, cost))[0]
        if conv_at - time.time() > POSTPONE_S:
            await asyncio.to_thread(self.ops.postpone, row, conv_at - time.time())
            return
        await asyncio.sleep(max(0.0, conv_at - time.time()))
        conversation_id = dest.conversation_id
        reply, marked = Reply(0), False
        try:
            if conversation_id is None:
                if not await self._slot(dest.tenant_id, row.id, marked):
                    return
                marked = True
                reply = await self.connector.create_conversation(
                    dest.service_url, dest.bot_id, dest.user_id or "", dest.tenant_id)
                conversation_id = reply.body.get("id") if reply.status < 300 else None
                if conversation_id:
                    await asyncio.to_thread(self.ops.remember, row, dest, conversation_id)
            if conversation_id:
                if not await self._slot(dest.tenant_id, row.id, marked):
                    return
                activity = json.loads(row.payload)
                if dest.tenant_id:
                    activity.setdefault("channelData", {}).setdefault(
                        "tenant", {"id": dest.tenant_id})
                started = time.monotonic()
                reply = await self.connector.send(dest.service_url, conversation_id, activity)
                metrics.DELIVERY_SECONDS.observe(time.monotonic() - started)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("Levering %s: ingen svar fra Teams (%s)", row.id, exc)
        code = str((reply.body.get("error") or {}).get("code", ""))
        await asyncio.to_thread(self.ops.record, row, reply.status, reply.retry_after, code,
                                conversation_id, reply.body.get("id"))
