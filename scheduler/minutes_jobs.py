"""Follow-up reminders: once to the responsible member, or once to each active member of
the responsible region, never for a follow-up already done."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from cards.common import attachment
from cards.minutes import ReminderView, build_followup_reminder_card
from core.timefmt import date_long, day_long
from delivery.sendout import enqueue
from scheduler.rules import DEFAULT_RULES
from storage import minutes as repo
from storage.delivery_models import ScheduledJob
from storage.meeting_models import AgendaItem, Meeting
from storage.minutes_models import Followup, FollowupStatus

KIND = "followup_reminder"
PURPOSE = "reminder:followup"


def subject(followup_id: int) -> str:
    """The ledger subject and job key of one follow-up's reminder."""
    return f"followup:{followup_id}"


def reminder_view(session: Session, f: Followup, notice: str = "") -> ReminderView:
    """What the reminder card shows, from the database."""
    meeting = session.get(Meeting, f.meeting_id)
    item = session.get(AgendaItem, f.agenda_item_id)
    when = date_long(meeting.starts_at) if meeting and meeting.starts_at else ""
    title = meeting.title if meeting else "?"
    who = repo.responsible_label(session, f)
    return ReminderView(
        f.id or 0, f.what, f"{title}, {when}" if when else title,
        f"Sak {item.number}: {item.title}" if item else "?", day_long(f.due_date),
        who if f.member_id is not None else f"region {who}", notice,
        f.status == FollowupStatus.done)


def reminder_activity(session: Session, f: Followup) -> dict[str, Any]:
    """The 1:1 message: the reminder card with «Ferdig»."""
    text = f"Påminnelse: «{f.what[:80]}» har frist {day_long(f.due_date)}."
    return {"type": "message", "text": text, "summary": text,
            "attachments": [attachment(build_followup_reminder_card(reminder_view(session, f)))]}


def remind_followup(session: Session, now: datetime, *, followup_id: int) -> None:
    """Job function: queue the reminder for whoever is responsible, unless it is done."""
    f = session.get(Followup, followup_id)
    if f is None or f.status != FollowupStatus.open:
        return
    activity = reminder_activity(session, f)
    essential = DEFAULT_RULES[KIND].essential
    for member in repo.responsible_members(session, f):
        enqueue(session, PURPOSE, subject(followup_id), member.id or 0, activity, now,
                essential=essential)


def cancel_reminder(session: Session, followup_id: int, now: datetime) -> None:
    """A done follow-up's reminder leaves the queue (the row stays, marked cancelled)."""
    job = session.exec(select(ScheduledJob).where(
        ScheduledJob.kind == KIND, ScheduledJob.key == subject(followup_id),
        ScheduledJob.status == "pending")).first()
    if job is not None:
        job.status, job.finished_at = "cancelled", now
        session.add(job)


HANDLERS = {KIND: remind_followup}
