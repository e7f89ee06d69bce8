"""APScheduler in every process only ticks; the database decides what is due and who runs it."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.engine import Engine

from core import metrics
from core.clock import Clock
from scheduler.store import Handler, Jobs, run_due

log = logging.getLogger(__name__)


class FoldedTickFilter(logging.Filter):
    """Drops APScheduler's warning for a tick folded into the next one (counted instead).

    With max_instances=1 a tick that starts while the last one still runs is skipped by
    design; on a busy machine APScheduler would warn about it twice a second.
    """

    NOISE = ("maximum number of running instances reached", "was missed by")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(noise in message for noise in self.NOISE):
            metrics.SCHEDULER_TICKS_FOLDED.inc()
            return False
        return True


def _quiet_folded_ticks() -> None:
    for name in ("apscheduler.scheduler", "apscheduler.executors.default"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, FoldedTickFilter) for f in logger.filters):
            logger.addFilter(FoldedTickFilter())


async def tick(engine: Engine, clock: Clock, handlers: dict[str, Handler],
               on_enqueued: Callable[[], None] | None = None,
               heartbeat: Callable[[], None] | None = None) -> int:
    """Run whatever is due now; returns how many jobs ran (module-level for APScheduler)."""
    try:
        results = await asyncio.to_thread(run_due, engine, clock.now(), handlers)
    except asyncio.CancelledError:
        # Stopping the service (Ctrl-C) cancels a tick in flight: not an error to log with a
        # traceback. Its thread still commits or rolls back; what did not run is still due.
        return 0
    metrics.SCHEDULER_TICKS.inc()
    if heartbeat:
        heartbeat()  # after the query: a tick that cannot reach the database is no heartbeat
    if results and on_enqueued:
        on_enqueued()
    return len(results)


class SchedulerService:
    """An in-memory APScheduler (no shared job store: two of those fire twice)."""

    def __init__(self, engine: Engine, clock: Clock, handlers: Jobs,
                 on_enqueued: Callable[[], None] | None = None, interval_s: float = 0.5) -> None:
        self.engine, self.clock, self.on_enqueued = engine, clock, on_enqueued
        self.interval_s = interval_s
        self.handlers = handlers
        self.last_tick: float | None = None  # time.monotonic() of the last finished tick
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        _quiet_folded_ticks()

    def _beat(self) -> None:
        self.last_tick = time.monotonic()

    def ticking(self, now: float | None = None) -> bool:
        """True when a tick finished recently (a few intervals, at least 10 s, for a busy loop)."""
        if self.last_tick is None or not self._scheduler.running:
            return False
        now = time.monotonic() if now is None else now
        return now - self.last_tick <= max(10.0, 5 * self.interval_s)

    def start(self) -> None:
        """Start ticking now (work that fell due while down runs at once)."""
        self._scheduler.add_job(
            tick, "interval", seconds=self.interval_s, id="due-work",
            args=[self.engine, self.clock, self.handlers, self.on_enqueued, self._beat],
            # A tick missed while the loop was busy is simply folded into the next one.
            coalesce=True, max_instances=1, misfire_grace_time=60,
            next_run_time=datetime.now(UTC))
        self._scheduler.start()

    def stop(self) -> None:
        """Stop ticking; a tick in progress finishes its transaction."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
