"""APScheduler in every process only ticks; the database decides what is due and who runs it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.engine import Engine

from core.clock import Clock
from scheduler.store import Handler, Jobs, run_due

log = logging.getLogger(__name__)


async def tick(engine: Engine, clock: Clock, handlers: dict[str, Handler],
               on_enqueued: Callable[[], None] | None = None) -> int:
    """Run whatever is due now; returns how many jobs ran (module-level for APScheduler)."""
    results = await asyncio.to_thread(run_due, engine, clock.now(), handlers)
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
        self._scheduler = AsyncIOScheduler(timezone=UTC)

    def start(self) -> None:
        """Start ticking now (work that fell due while down runs at once)."""
        self._scheduler.add_job(
            tick, "interval", seconds=self.interval_s, id="due-work",
            args=[self.engine, self.clock, self.handlers, self.on_enqueued],
            # A tick missed while the loop was busy is simply folded into the next one.
            coalesce=True, max_instances=1, misfire_grace_time=60,
            next_run_time=datetime.now(UTC))
        self._scheduler.start()

    def stop(self) -> None:
        """Stop ticking; a tick in progress finishes its transaction."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
