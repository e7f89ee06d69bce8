"""The app's background work wired together: delivery worker, scheduler, card senders.

This is where features meet the machinery that runs them: each feature registers its job
handlers and its live-card renderers here, so delivery/ and scheduler/ import no feature code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.clock import Clock
from core.settings import Settings
from delivery import graph, live_cards, round_sender
from delivery.live_cards import Renderer
from delivery.worker import DeliveryWorker
from scheduler.runner import SchedulerService
from scheduler.store import Jobs
from services import innspill, meetings, notices, round
from storage.innspill import LIVE_KIND as INNSPILL
from storage.live_models import LiveCard
from storage.meetings import INVITATION, SUMMARY

WORKER_KEY = web.AppKey("delivery_worker", DeliveryWorker)
FEATURES_WITH_JOBS = (notices, meetings, innspill, round)
RENDERERS: dict[str, Renderer] = {
    SUMMARY: meetings.render,
    INVITATION: meetings.render,
    INNSPILL: innspill.render,
}


def job_handlers() -> Jobs:
    """Every feature's scheduled-job handlers, by job kind."""
    jobs: Jobs = {}
    for feature in FEATURES_WITH_JOBS:
        feature.register_jobs(jobs)
    return jobs


def render(session: Session, card: LiveCard, now: datetime) -> dict[str, Any] | None:
    """The message activity the card should show now (None: its subject is gone)."""
    renderer = RENDERERS.get(card.kind)
    return renderer(session, card, now) if renderer else None


def attach(app: web.Application, settings: Settings, engine: Engine, clock: Clock) -> None:
    """Hook the worker, the scheduler and both card senders into the app's start and stop."""
    worker = DeliveryWorker(engine, settings, clock)
    scheduler = SchedulerService(engine, clock, job_handlers(), on_enqueued=worker.wake)
    app[WORKER_KEY] = worker

    async def start(_app: web.Application) -> None:
        await worker.start()
        scheduler.start()

    async def stop(_app: web.Application) -> None:
        scheduler.stop()
        await worker.stop()

    app.on_startup.append(start)
    app.on_cleanup.insert(0, stop)  # before the engine is disposed
    round_sender.attach(app, settings, engine, clock, round.round_activity)
    live_cards.attach(app, settings, engine, clock, render)
    graph.attach(app, settings, engine, clock, meetings.outlook_hook)  # only with GRAPH_ORGANIZER
