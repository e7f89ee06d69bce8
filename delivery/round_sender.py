"""Posts the round nudges the scheduler wrote, and refreshes the round card in place."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.clock import Clock
from core.settings import Settings
from delivery import background
from delivery.connector import BotConnector
from storage.conversations import get_ref
from storage.db import session_scope
from storage.round_models import RoundNudge, TalkRound

log = logging.getLogger(__name__)
POLL_S = 0.25
# (session, round) -> the round card's activity; the round feature passes it in at start.
DrawRound = Callable[[Session, TalkRound], dict[str, Any]]


@dataclass
class Outgoing:
    nudge_id: int
    service_url: str
    conversation_id: str
    text: str
    card_update: tuple[str, dict[str, Any]] | None  # (activity id, activity) to PUT


def claim(engine: Engine, clock: Clock, draw: DrawRound) -> list[Outgoing]:
    """Pending nudges, each taken by exactly one process (guarded status change)."""
    out: list[Outgoing] = []
    with session_scope(engine) as session:
        pending = session.exec(select(RoundNudge).where(RoundNudge.status == "pending")
                               .order_by(col(RoundNudge.id)).limit(20)).all()
        for nudge in pending:
            taken = session.execute(update(RoundNudge).where(
                col(RoundNudge.id) == nudge.id, col(RoundNudge.status) == "pending")
                .values(status="sent", sent_at=clock.now()))
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                continue
            rnd = session.get(TalkRound, nudge.round_id)
            ref = get_ref(session, rnd.conversation_id) if rnd else None
            if rnd is None or ref is None:
                log.warning("Runde %s: ingen samtale å skrive til", nudge.round_id)
                continue
            card = ((rnd.activity_id, draw(session, rnd))
                    if nudge.refresh_card and rnd.activity_id else None)
            out.append(Outgoing(nudge.id or 0, ref.service_url, rnd.conversation_id,
                                nudge.text, card))
    return out


async def send(connector: BotConnector, item: Outgoing) -> None:
    """Update the card first (so the chat and the card agree), then post the nudge."""
    if item.card_update:
        activity_id, activity = item.card_update
        reply = await connector.update(item.service_url, item.conversation_id, activity_id,
                                       activity)
        if reply.status >= 300:
            log.warning("Rundekortet ble ikke oppdatert: HTTP %s", reply.status)
    reply = await connector.send(item.service_url, item.conversation_id,
                                 {"type": "message", "text": item.text, "textFormat": "markdown"})
    if reply.status >= 300:
        log.warning("Påminnelse i runden ble ikke sendt: HTTP %s", reply.status)


async def run(engine: Engine, settings: Settings, clock: Clock, draw: DrawRound,
              stop: asyncio.Event, poll_s: float = POLL_S) -> None:
    """Poll for nudges until stopped; a failure is logged, never retried into a flood."""
    async def step(connector: BotConnector) -> None:
        for item in await asyncio.to_thread(claim, engine, clock, draw):
            await send(connector, item)

    await background.poll(settings, stop, step, "Påminnelser i runden", poll_s)


def attach(app: web.Application, settings: Settings, engine: Engine, clock: Clock,
           draw: DrawRound, poll_s: float = POLL_S) -> None:
    """Start the sender with the app and stop it before the engine is disposed."""
    background.attach(app, lambda stop: run(engine, settings, clock, draw, stop, poll_s))
