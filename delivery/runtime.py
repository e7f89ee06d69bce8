"""Start and stop the delivery worker and the scheduler with the aiohttp app."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from sqlalchemy.engine import Engine

from core.clock import Clock
from core.settings import Settings
from delivery.worker import DeliveryWorker
from scheduler.runner import SchedulerService

WORKER_KEY = web.AppKey("delivery_worker", DeliveryWorker)
SCHEDULER_KEY = web.AppKey("scheduler", SchedulerService)


def attach(app: web.Application, settings: Settings, engine: Engine, clock: Clock) -> None:
    """Hook the worker and the scheduler into the app's startup and cleanup."""
    worker = DeliveryWorker(engine, settings, clock)
    scheduler = SchedulerService(engine, clock, on_enqueued=worker.wake,
                                 interval_s=settings.scheduler_tick_s)
    app[WORKER_KEY] = worker
    app[SCHEDULER_KEY] = scheduler

    async def start(_app: web.Application) -> None:
        await worker.start()
        scheduler.start()

    async def stop(_app: web.Application) -> None:
        scheduler.stop()
        await worker.stop()

    app.on_startup.append(start)
    app.on_cleanup.insert(0, stop)  # before the engine is disposed


def probes(app: web.Application) -> dict[str, Callable[[], tuple[bool, str]]]:
    """Readiness probes for what attach() started: (ok, detail) each."""
    worker, scheduler = app[WORKER_KEY], app[SCHEDULER_KEY]

    def scheduler_probe() -> tuple[bool, str]:
        ok = scheduler.ticking()
        return ok, "tikker" if ok else "har ikke tikket på en stund"

    def worker_probe() -> tuple[bool, str]:
        ok = worker.alive()
        return ok, "går" if ok else "står eller har stoppet"

    return {"scheduler": scheduler_probe, "delivery_worker": worker_probe}
