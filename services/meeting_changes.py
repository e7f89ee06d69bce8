"""Changes to a sent meeting: every card redrawn in place, the yes-sayers told once; cancelling."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from core.settings import Settings
from delivery.sendout import notice_activity, start_sendout
from scheduler.meeting_jobs import cancel_reminders, schedule_reminders
from services import invitations, outlook
from storage import rsvp as repo
from storage.delivery_models import Delivery, Sendout
from storage.meeting_cards import track_copies
from storage.meeting_models import Meeting, MeetingStatus

CHANGED, CANCELLED = "meeting_changed", "meeting_cancelled"
Before = tuple[datetime | None, datetime | None, str]


class ChangeError(Exception):
    """Why a meeting cannot be changed; the message is Norwegian."""


def snapshot(meeting: Meeting) -> Before:
    """What members are told about when it changes: time and place."""
    return meeting.starts_at, meeting.ends_at, meeting.place


def _refresh_sent(session: Session, meeting: Meeting, now: datetime) -> None:
    """Invitations still queued carry the new card; those delivered are redrawn in place."""
    subject = invitations.subject(meeting.id or 0)
    activity = invitations.activity_for(invitations.card_for(session, meeting, now), meeting)
    session.execute(update(Delivery).where(
        col(Delivery.purpose) == invitations.PURPOSE, col(Delivery.subject) == subject,
        col(Delivery.status) == "pending").values(payload=json.dumps(activity)))
    track_copies(session, meeting.id or 0, subject)


def after_edit(session: Session, meeting: Meeting, before: Before, now: datetime,
               settings: Settings | None = None) -> Sendout | None:
    """After a saved edit (version already bumped): redraw; a new time or place is told once.

    The Outlook event follows by outlook.sync's rules.
    """
    outlook.sync(session, meeting, now, settings)
    if meeting.invited_at is None or meeting.status != MeetingStatus.invited:
        return None
    _refresh_sent(session, meeting, now)
    if snapshot(meeting) == before:
        return None
    schedule_reminders(session, meeting, now)  # a new time moves the reminders too
    given = repo.answers(session, meeting.id or 0)
    yes = [m for m in repo.invitees(session, meeting.id or 0)
           if m.id in given and given[m.id].answer in repo.YES]
    where = f", {meeting.place}" if meeting.place else ""
    text = f"«{meeting.title}» er flyttet eller endret: nå {invitations.when_text(meeting)}{where}."
    activity = notice_activity("Møtet er endret", [text, "Innkallingen i chatten er oppdatert."])
    activity["text"] = text
    return start_sendout(session, CHANGED, f"meeting:{meeting.id}:v{meeting.version}", yes,
                         lambda _m: activity, now, title=f"Endret: {meeting.title}")


def edit(session: Session, meeting_id: int, now: datetime, *, starts_at: datetime | None = None,
         ends_at: datetime | None = None, place: str | None = None,
         settings: Settings | None = None) -> tuple[Meeting, Sendout | None]:
    """Move the meeting or change its place (a new start keeps the length if no end is given)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise ChangeError(f"fant ikke møte {meeting_id}")
    if meeting.status == MeetingStatus.cancelled:
        raise ChangeError(f"møte {meeting_id} er avlyst")
    before = snapshot(meeting)
    if starts_at is not None and ends_at is None and meeting.starts_at and meeting.ends_at:
        ends_at = starts_at + (meeting.ends_at - meeting.starts_at)
    meeting.starts_at = starts_at or meeting.starts_at
    meeting.ends_at = ends_at or meeting.ends_at
    meeting.place = meeting.place if place is None else place.strip()
    if meeting.starts_at and meeting.ends_at and meeting.ends_at <= meeting.starts_at:
        raise ChangeError("slutt må være etter start")
    if snapshot(meeting) == before:
        return meeting, None
    meeting.version, meeting.updated_at = meeting.version + 1, now
    session.add(meeting)
    session.flush()
    return meeting, after_edit(session, meeting, before, now, settings)


def cancel(session: Session, meeting_id: int, now: datetime,
           settings: Settings | None = None) -> tuple[Meeting, Sendout | None]:
    """Cancel: every card says AVLYST, queued invitations stop, every invitee is told once."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise ChangeError(f"fant ikke møte {meeting_id}")
    if meeting.status == MeetingStatus.cancelled:
        raise ChangeError(f"møte {meeting_id} er allerede avlyst")
    meeting.status, meeting.cancelled_at, meeting.auto_send = MeetingStatus.cancelled, now, False
    meeting.version, meeting.updated_at = meeting.version + 1, now
    session.add(meeting)
    session.execute(update(Delivery).where(
        col(Delivery.purpose) == invitations.PURPOSE,
        col(Delivery.subject) == invitations.subject(meeting_id),
        col(Delivery.status) == "pending").values(status="cancelled"))
    track_copies(session, meeting_id, invitations.subject(meeting_id))
    cancel_reminders(session, meeting_id, now)
    text = f"«{meeting.title}» ({invitations.when_text(meeting)}) er avlyst."
    outlook.on_cancel(session, meeting, text, now, settings)
    if meeting.invited_at is None:
        return meeting, None  # never sent: nobody to tell
    activity = notice_activity("Møtet er avlyst", [text])
    activity["text"] = text
    return meeting, start_sendout(session, CANCELLED, f"meeting:{meeting_id}",
                                  repo.invitees(session, meeting_id), lambda _m: activity, now,
                                  title=f"Avlyst: {meeting.title}")
