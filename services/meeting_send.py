"""Sending a meeting's invitation: now, or approved for the scheduler's «invitation» rule."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from core.settings import Settings
from delivery.sendout import start_sendout
from scheduler import store
from scheduler.meeting_jobs import schedule_reminders
from scheduler.rules import due_time, expiry
from services import invitations, outlook
from storage import rsvp as repo
from storage.delivery_models import Sendout
from storage.meeting_cards import add_summaries
from storage.meeting_models import Meeting, MeetingStatus
from storage.meetings import meeting_rules


class SendError(Exception):
    """Why a meeting cannot be sent; the message is Norwegian."""


def sendable(session: Session, meeting_id: int) -> Meeting:
    """The meeting, if it can be sent (it has a time and is not cancelled or held)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise SendError(f"fant ikke møte {meeting_id}")
    if meeting.status in (MeetingStatus.cancelled, MeetingStatus.held):
        word = "avlyst" if meeting.status == MeetingStatus.cancelled else "holdt"
        raise SendError(f"møte {meeting_id} er {word} og kan ikke sendes")
    if meeting.starts_at is None:
        raise SendError(f"møte {meeting_id} har ingen dato ennå")
    return meeting


def send(session: Session, meeting_id: int, now: datetime,
         settings: Settings | None = None) -> Sendout:
    """Record the invitation send-out 1:1 to every invitee; a second call adds nothing.

    With Graph on, the Outlook event is recorded too and the copies wait for its join URL.
    """
    meeting = sendable(session, meeting_id)
    members = repo.invitees(session, meeting_id)
    if not members:
        raise SendError(f"møte {meeting_id} har ingen aktive medlemmer å invitere")
    meeting.status = MeetingStatus.invited
    meeting.invited_at = meeting.invited_at or now
    session.add(meeting)
    session.flush()
    add_summaries(session, meeting_id)  # the linked channels' live counts
    # Everyone gets the same copy; a click answers with the member's own view.
    activity = invitations.activity_for(invitations.card_for(session, meeting, now), meeting)
    sendout = start_sendout(session, invitations.PURPOSE, invitations.subject(meeting_id),
                            members, lambda _m: activity, now, title=meeting.title)
    outlook.on_send(session, meeting, now, settings)
    schedule_reminders(session, meeting, now)
    return sendout


def approve(session: Session, meeting_id: int, now: datetime) -> datetime:
    """Approve automatic sending by the «invitation» rule; returns when it will go."""
    meeting = sendable(session, meeting_id)
    assert meeting.starts_at is not None
    rule = meeting_rules(session, meeting_id)["invitation"]
    due = due_time(rule, meeting.starts_at)
    meeting.auto_send = True
    session.add(meeting)
    store.schedule(session, "invitation", invitations.subject(meeting_id),
                   {"meeting_id": meeting_id}, due, expiry(rule, meeting.starts_at, due), now,
                   description=f"Innkalling: {meeting.title}")
    return due


def scheduled_send(session: Session, now: datetime, *, meeting_id: int) -> None:
    """Scheduler job: send if the meeting is still approved and sendable."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or not meeting.auto_send or meeting.status in (
            MeetingStatus.cancelled, MeetingStatus.held):
        return
    send(session, meeting_id, now)
