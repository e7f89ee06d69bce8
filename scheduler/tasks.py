"""Job functions: module-level, taking plain ids, idempotent through the delivery ledger."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from delivery.sendout import enqueue, notice_activity
from scheduler.innspill_jobs import HANDLERS as INNSPILL_HANDLERS
from scheduler.meeting_jobs import HANDLERS as MEETING_HANDLERS
from scheduler.minutes_jobs import HANDLERS as MINUTES_HANDLERS
from scheduler.round_nudges import nudge as round_nudge
from scheduler.rules import DEFAULT_RULES
from scheduler.store import Handler
from services.meeting_send import scheduled_send


def remind(session: Session, now: datetime, *, member_id: int, rule: str, subject: str,
           title: str, text: str) -> None:
    """Queue one reminder for one member; the rule says whether a mute applies."""
    essential = DEFAULT_RULES[rule].essential if rule in DEFAULT_RULES else False
    enqueue(session, f"reminder:{rule}", subject, member_id, notice_activity(title, [text]),
            now, essential=essential)


HANDLERS: dict[str, Handler] = {"reminder": remind, "invitation": scheduled_send}
HANDLERS.update(INNSPILL_HANDLERS)
HANDLERS.update(MEETING_HANDLERS)
HANDLERS.update(MINUTES_HANDLERS)
HANDLERS["round_nudge"] = round_nudge
