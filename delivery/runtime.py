"""Start and stop the delivery worker and the scheduler with the aiohttp app."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.engine import Engine

from core.clock import Clock
from core.settings import Settings
from delivery.worker import DeliveryWorker

WORKER_KEY = web.AppKey("delivery_worker", DeliveryWorker)


def attach(app: web.Application, settings: Settings, engine: Engine, clock: Clock) -> None:
    """Hook the worker and the scheduler into the app's startup and cleanup."""
    from scheduler.runner import SchedulerService

    worker = DeliveryWorker(engine, settings, clock)
    scheduler = SchedulerService(engine, clock, on_enqueued=worker.wake)
    app[WORKER_KEY] = worker

    async def start(_app: web.Application) -> None:
        await worker.start()
        scheduler.start()

    async def stop(_app: web.Application) -> None:
        scheduler.stop()
        await worker.stop()

    app.on_startup.append(start)
    app.on_cleanup.insert(0, stop)  # before the engine is disposed
