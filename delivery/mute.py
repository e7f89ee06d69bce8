"""Muting non-essential reminders (the chat commands «demp påminnelser» / «slå på påminnelser»)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from storage.delivery import insert_ignore
from storage.delivery_models import ReminderMute


def set_reminders_muted(session: Session, member_id: int, muted: bool, now: datetime) -> bool:
    """Mute or unmute; True when something changed (for the reply's wording)."""
    existing = session.get(ReminderMute, member_id)
    if muted:
        return insert_ignore(session, ReminderMute,
                             [{"member_id": member_id, "muted_at": now}]) == 1
    if existing is None:
        return False
    session.delete(existing)
    session.flush()
    return True


def reminders_muted(session: Session, member_id: int) -> bool:
    """Whether the member asked not to get non-essential reminders."""
    return session.get(ReminderMute, member_id) is not None
