"""The app's background work wired together: delivery worker, scheduler, card senders.

This is where features meet the machinery that runs them: each feature registers its job
handlers and its live-card renderers here, so delivery/ and scheduler/ import no feature code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from aiohttp import web
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.clock import Clock
from core.i18n import t
from core.links import LinkSigner
from core.settings import Settings
from delivery import graph, live_cards, round_sender
from delivery.live_cards import Renderer
from delivery.worker import DeliveryWorker
from scheduler.runner import SchedulerService
from scheduler.store import Jobs
from services import (
    coverage,
    innspill,
    meetings,
    minutes,
    minutes_review,
    notices,
    privacy,
    profile,
    round,
)
from storage.innspill import LIVE_KIND as INNSPILL
from storage.live_models import LiveCard
from storage.meetings import INVITATION, SUMMARY

WORKER_KEY = web.AppKey("delivery_worker", DeliveryWorker)
SCHEDULER_KEY = web.AppKey("scheduler", SchedulerService)
FEATURES_WITH_JOBS = (notices, meetings, innspill, round, minutes, privacy, profile,
                      coverage)


def renderers(links: LinkSigner) -> dict[str, Renderer]:
    """Every live card kind's renderer, with what it needs bound in."""
    return {SUMMARY: partial(meetings.render, links=links),
            INVITATION: partial(meetings.render, links=links),
            INNSPILL: innspill.render,
            minutes_review.LIVE_KIND: partial(minutes_review.render, links=links)}


def job_handlers(links: LinkSigner, settings: Settings | None = None) -> Jobs:
    """Every feature's scheduled-job handlers, by job kind (settings: for the Outlook event)."""
    jobs: Jobs = {}
    for feature in FEATURES_WITH_JOBS:
        if feature is meetings:  # an approved invitation may make an Outlook event
            meetings.register_jobs(jobs, links, settings)
        else:
            feature.register_jobs(jobs, links)
    return jobs


def renderer(links: LinkSigner) -> Callable[[Session, LiveCard, datetime], dict[str, Any] | None]:
    """One function drawing any live card: the message activity it should show now."""
    table = renderers(links)

    def render(session: Session, card: LiveCard, now: datetime) -> dict[str, Any] | None:
        draw = table.get(card.kind)
        return draw(session, card, now) if draw else None
    return render


def attach(app: web.Application, settings: Settings, engine: Engine, clock: Clock,
           links: LinkSigner) -> None:
    """Hook the worker, the scheduler and both card senders into the app's start and stop."""
    worker = DeliveryWorker(engine, settings, clock)
    scheduler = SchedulerService(engine, clock, job_handlers(links, settings),
                                 on_enqueued=worker.wake, interval_s=settings.scheduler_tick_s)
    app[WORKER_KEY] = worker
    app[SCHEDULER_KEY] = scheduler

    async def start(_app: web.Application) -> None:
        privacy.ensure_scheduled(engine, clock.now())
        profile.ensure_scheduled(engine, clock.now())
        coverage.ensure_scheduled(engine, clock.now())
        await worker.start()
        scheduler.start()

    async def stop(_app: web.Application) -> None:
        scheduler.stop()
        await worker.stop()

    app.on_startup.append(start)
    app.on_cleanup.insert(0, stop)  # before the engine is disposed
    round_sender.attach(app, settings, engine, clock, round.round_activity)
    live_cards.attach(app, settings, engine, clock, renderer(links))
    # Only while GRAPH_ORGANIZER is set.
    graph.attach(app, settings, engine, clock, meetings.outlook_hook(links, settings))


def probes(app: web.Application) -> dict[str, Callable[[], tuple[bool, str]]]:
    """Readiness probes for what attach() started: (ok, detail) each."""
    worker, scheduler = app[WORKER_KEY], app[SCHEDULER_KEY]

    def scheduler_probe() -> tuple[bool, str]:
        ok = scheduler.ticking()
        return ok, "tikker" if ok else t("runtime.service.har_ikke_tikket")

    def worker_probe() -> tuple[bool, str]:
        ok = worker.alive()
        return ok, t("runtime.service.gar") if ok else t("runtime.service.star_eller_har")

    return {"scheduler": scheduler_probe, "delivery_worker": worker_probe}
