"""The worker's bookkeeping in the ledger: each step its own short transaction."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from core import metrics
from core.clock import Clock
from delivery import target
from delivery.policy import DEFAULT, RetryPolicy, decide
from storage import delivery as ledger
from storage.db import session_scope
from storage.delivery_models import Delivery

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)


class LedgerOps:
    """Claims, marks and records rows for one worker (owner); called in worker threads."""

    def __init__(self, engine: Engine, clock: Clock, owner: str,
                 sendout_id: int | None, policy: RetryPolicy = DEFAULT) -> None:
        self.engine, self.clock, self.owner, self.sendout_id = engine, clock, owner, sendout_id
        self.policy = policy
        self.in_doubt = 0
        self.sent = 0
        self._checked_dead = 0.0

    def idle(self) -> bool:
        """Nothing open is left (for a CLI send-out that stops when done)."""
        with session_scope(self.engine) as session:
            return ledger.next_due(session, self.sendout_id) is None

    def claim(self, limit: int) -> list[Delivery]:
        """Due rows for this worker; rows a dead local worker left 'sending' count in doubt."""
        now = self.clock.now()
        with session_scope(self.engine) as session:
            dead: list[str] = []
            if time.monotonic() - self._checked_dead > 2.0:
                self._checked_dead = time.monotonic()
                dead = target.dead_local_owners(ledger.leased_owners(session, now), self.owner)
            rows, doubt = ledger.claim(session, self.owner, now, limit, LEASE,
                                       self.sendout_id, dead)
        self.in_doubt += doubt
        return rows

    def resolve(self, member_id: int, app_id: str) -> target.Target | None:
        with session_scope(self.engine) as session:
            return target.resolve(session, member_id, app_id)

    def mark_sending(self, delivery_id: int) -> bool:
        with session_scope(self.engine) as session:
            return ledger.mark_sending(session, delivery_id, self.owner)

    def remember(self, row: Delivery, dest: target.Target, conversation_id: str) -> None:
        with session_scope(self.engine) as session:
            target.remember_chat(session, row.member_id, dest, conversation_id, self.clock.now())

    def postpone(self, row: Delivery, delay_s: float) -> None:
        with session_scope(self.engine) as session:
            ledger.record(session, row.id or 0, self.owner,
                          next_attempt_at=self.clock.now() + timedelta(seconds=delay_s))

    def log_finished_sendouts(self) -> None:
        """One line per send-out that has just finished, whichever worker sees it first."""
        try:
            with session_scope(self.engine) as session:
                finished = ledger.finish_sendouts(session, self.clock.now())
        except SQLAlchemyError as exc:  # bookkeeping only: never stops the worker
            log.warning("Ferdige utsendinger kunne ikke leses (%s)", type(exc).__name__)
            return
        for sendout, by_status in finished:
            metrics.SENDOUTS_FINISHED.inc()
            counts = ", ".join(f"{status} {n}" for status, n in sorted(by_status.items()))
            log.info("Utsending %s (%s) ferdig: %d mottakere – %s", sendout.id, sendout.purpose,
                     sum(by_status.values()), counts or "ingen")

    def finish(self, row: Delivery, status: str, error: str) -> None:
        metrics.DELIVERIES.labels(status).inc()
        with session_scope(self.engine) as session:
            ledger.record(session, row.id or 0, self.owner, status=status, error=error)
            if status == "unreachable":
                target.set_reachable(session, row.member_id, False)

    def record(self, row: Delivery, status: int, retry_after: float | None, code: str,
                conversation_id: str | None, activity_id: str | None) -> None:
        attempts = row.attempts + 1
        decision = decide(status, attempts, retry_after, code, policy=self.policy)
        now = self.clock.now()
        values: dict[str, Any] = {"status": decision.status, "last_http_status": status or None,
                                  "error": decision.error, "conversation_id": conversation_id}
        metrics.DELIVERIES.labels(decision.status).inc()
        if status == 429:
            values["throttled"] = Delivery.throttled + 1  # in SQL: never a stale count
        if decision.status == "pending":
            values["next_attempt_at"] = now + timedelta(seconds=decision.delay_s)
        if decision.status == "sent":
            values.update(sent_at=now, activity_id=activity_id)
        with session_scope(self.engine) as session:
            ledger.record(session, row.id or 0, self.owner, **values)
            if decision.status in ("sent", "unreachable"):
                target.set_reachable(session, row.member_id, decision.status == "sent")
        if decision.status == "sent":
            self.sent += 1
