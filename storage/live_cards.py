"""Repository for cards kept current: which are posted, and which must be redrawn."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.delivery import insert_ignore
from storage.live_models import LiveCard


@dataclass(frozen=True)
class Tracked:
    """A card to keep current; posted_at set means it was just posted showing the DB as is."""

    kind: str
    subject_id: int
    conversation_id: str
    member_id: int | None = None
    activity_id: str | None = None  # None: the sender posts it first
    posted_at: datetime | None = None


def track(session: Session, cards: Iterable[Tracked]) -> int:
    """Start keeping these cards current (once per kind, subject and conversation); new count."""
    return insert_ignore(session, LiveCard, [
        {"kind": c.kind, "subject_id": c.subject_id, "conversation_id": c.conversation_id,
         "member_id": c.member_id, "activity_id": c.activity_id,
         "dirty": c.posted_at is None, "last_updated_at": c.posted_at, "updates": 0,
         "failures": 0} for c in cards])


def mark_dirty(session: Session, kind: str, subject_id: int, *, urgent: bool = False) -> None:
    """The subject changed: the sender redraws its cards when their window allows.

    urgent (a status change people must see now) makes them due at once, window or not.
    """
    stmt = update(LiveCard).where(col(LiveCard.kind) == kind,
                                  col(LiveCard.subject_id) == subject_id)
    if urgent:
        session.execute(stmt.values(dirty=True, last_updated_at=None))
        return
    # Rows already dirty are left alone: a burst of answers writes (and locks) nothing more.
    session.execute(stmt.where(col(LiveCard.dirty) == False).values(dirty=True))  # noqa: E712


def cards(session: Session, kind: str, subject_id: int) -> list[LiveCard]:
    """The subject's tracked cards of one kind, oldest first (for tests and the status)."""
    return list(session.exec(select(LiveCard).where(
        LiveCard.kind == kind, LiveCard.subject_id == subject_id).order_by(col(LiveCard.id))))
