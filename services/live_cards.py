"""Which renderer draws a tracked card, by kind (no botbuilder: the sender runs outside turns)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlmodel import Session

from services import innspill_live, meeting_cards
from storage.innspill import LIVE_KIND as INNSPILL
from storage.live_models import LiveCard
from storage.meeting_cards import INVITATION, SUMMARY

Renderer = Callable[[Session, LiveCard, datetime], "dict[str, Any] | None"]
RENDERERS: dict[str, Renderer] = {
    SUMMARY: meeting_cards.render,
    INVITATION: meeting_cards.render,
    INNSPILL: innspill_live.render,
}


def render(session: Session, card: LiveCard, now: datetime) -> dict[str, Any] | None:
    """The message activity the card should show now (None: its subject is gone)."""
    renderer = RENDERERS.get(card.kind)
    return renderer(session, card, now) if renderer else None
