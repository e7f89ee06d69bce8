"""Posts tracked cards not yet posted and redraws dirty ones in place, at most once a window.

The window is kept in the database (LiveCard.last_updated_at + dirty), and a card is
claimed with a guarded UPDATE, so two processes never redraw the same card at once and a
change made while a card is being drawn leaves it dirty for the next window. What a card
shows comes from the renderer passed in (services/runtime.py: one per kind).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.clock import Clock
from core.i18n import t, use_language
from core.settings import Settings
from delivery import background, limits
from delivery.connector import BotConnector, Reply, TokenSource, new_http_session
from storage.conversations import get_ref
from storage.db import session_scope
from storage.languages import conversation_language
from storage.live_models import LiveCard

log = logging.getLogger(__name__)
# (session, card, now) -> the activity it should show, or None when its subject is gone.
Renderer = Callable[[Session, LiveCard, datetime], "dict[str, Any] | None"]
WINDOW = timedelta(seconds=5)  # Teams: a card edited many times a second gets throttled
MAX_FAILURES = 5
POLL_S = 0.25


@dataclass
class Outgoing:
    card_id: int
    service_url: str
    conversation_id: str
    tenant_id: str | None
    activity_id: str | None  # None: post it first
    activity: dict[str, Any]


def _due(now: datetime) -> Any:
    return or_(col(LiveCard.last_updated_at).is_(None),
               col(LiveCard.last_updated_at) <= now - WINDOW)


def claim(engine: Engine, clock: Clock, render: Renderer, limit: int = 20) -> list[Outgoing]:
    """Dirty cards whose window has passed, each taken by exactly one process."""
    out: list[Outgoing] = []
    with session_scope(engine) as session:
        ids = list(session.exec(select(LiveCard.id).where(
            LiveCard.dirty == True, LiveCard.failures < MAX_FAILURES,  # noqa: E712
            _due(clock.now())).order_by(col(LiveCard.id)).limit(limit)))
        # Read the clock again once the transaction holds its lock: a wait must not make it stale.
        now = clock.now()
        due = _due(now)
        for card_id in ids:
            taken = session.execute(update(LiveCard).where(
                col(LiveCard.id) == card_id, col(LiveCard.dirty) == True, due)  # noqa: E712
                .values(dirty=False, last_updated_at=now))
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                continue
            card = session.get(LiveCard, card_id)
            ref = get_ref(session, card.conversation_id) if card else None
            activity = None
            if card is not None:
                # A channel's card reads the group's language, a member's copy their own.
                with use_language(conversation_language(session, card.conversation_id)):
                    activity = render(session, card, now)
            if card is None or ref is None or not ref.installed or activity is None:
                session.execute(update(LiveCard).where(col(LiveCard.id) == card_id)
                                .values(failures=MAX_FAILURES))
                continue
            out.append(Outgoing(card_id or 0, ref.service_url, card.conversation_id, ref.tenant_id,
                                card.activity_id, activity))
    return out


async def _wait_for_slots(engine: Engine, item: Outgoing) -> None:
    conv = await asyncio.to_thread(limits.reserve, engine, f"conv:{item.conversation_id}",
                                   limits.CONVERSATION)
    tenant = await asyncio.to_thread(limits.reserve, engine, f"tenant:{item.tenant_id or '-'}",
                                     limits.TENANT)
    await asyncio.sleep(max(0.0, conv[0] - time.time(), tenant[0] - time.time()))


async def send(engine: Engine, connector: BotConnector, item: Outgoing) -> Reply:
    """POST a new card or PUT the new version; the outcome is written back to the row."""
    await _wait_for_slots(engine, item)
    activity = dict(item.activity)
    if item.tenant_id:
        activity["channelData"] = {"tenant": {"id": item.tenant_id}}
    try:
        if item.activity_id:
            reply = await connector.update(item.service_url, item.conversation_id,
                                           item.activity_id, activity)
        else:
            reply = await connector.send(item.service_url, item.conversation_id, activity)
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("Kort %s: ingen svar fra Teams (%s)", item.card_id, exc)
        reply = Reply(0)
    await asyncio.to_thread(_record, engine, item, reply)
    return reply


def _record(engine: Engine, item: Outgoing, reply: Reply) -> None:
    stmt = update(LiveCard).where(col(LiveCard.id) == item.card_id)
    if reply.status and reply.status < 300:
        values: dict[str, Any] = {"updates": LiveCard.updates + 1, "failures": 0}
        if not item.activity_id and reply.body.get("id"):
            values["activity_id"] = str(reply.body["id"])
    else:
        # Try again after the window; blocked or gone conversations stop after a few tries.
        values = {"dirty": True, "failures": LiveCard.failures + (
            MAX_FAILURES if reply.status in (403, 404) else 1)}
        log.warning("Kort %s ble ikke oppdatert: HTTP %s", item.card_id, reply.status)
    with session_scope(engine) as session:
        session.execute(stmt.values(**values))


async def run_once(engine: Engine, settings: Settings, clock: Clock, render: Renderer) -> int:
    """Send what is due now (the CLI after a change); returns how many calls were made."""
    done = 0
    async with new_http_session() as http:
        connector = BotConnector(http, TokenSource(settings))
        while items := await asyncio.to_thread(claim, engine, clock, render):
            for item in items:
                await send(engine, connector, item)
            done += len(items)
    return done


async def run(engine: Engine, settings: Settings, clock: Clock, render: Renderer,
              stop: asyncio.Event, poll_s: float = POLL_S) -> None:
    """Poll until stopped; a failure is logged, and the card stays dirty for a later try."""
    async def step(connector: BotConnector) -> None:
        for item in await asyncio.to_thread(claim, engine, clock, render):
            await send(engine, connector, item)

    await background.poll(settings, stop, step, t("delivery.live_cards.oppdatering_av_kort"),
                          poll_s)


def attach(app: web.Application, settings: Settings, engine: Engine, clock: Clock,
           render: Renderer, poll_s: float = POLL_S) -> None:
    """Start the sender with the app and stop it before the engine is disposed."""
    background.attach(app, lambda stop: run(engine, settings, clock, render, stop, poll_s))
