"""Meeting reminders: RSVP reminder to the silent, day-before reminder to those coming.

Scheduled when the invitation goes out and moved when the meeting moves; the job checks
the meeting again when it runs, and the delivery ledger sends each one at most once.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from core.timefmt import date_long
from delivery.sendout import enqueue, notice_activity
from domain.rules import DEFAULT_RULES, due_time, expiry
from scheduler import store
from services import invitations
from storage import rsvp as repo
from storage.delivery_models import ScheduledJob
from storage.meeting_models import Meeting, MeetingStatus
from storage.meetings import meeting_rules

# job kind -> (rule name, which time of the meeting the rule counts back from)
JOBS = {"meeting_rsvp_reminder": "rsvp_reminder", "meeting_day_before": "day_before"}


def _anchor(meeting: Meeting, kind: str) -> datetime | None:
    return repo.deadline(meeting) if kind == "meeting_rsvp_reminder" else meeting.starts_at


def schedule_reminders(session: Session, meeting: Meeting, now: datetime) -> list[ScheduledJob]:
    """Put (or move) both reminders in the queue; one too late for its rule is skipped."""
    jobs = []
    rules = meeting_rules(session, meeting.id or 0)
    for kind, rule_name in JOBS.items():
        anchor = _anchor(meeting, kind)
        if anchor is None:
            continue
        rule = rules[rule_name]
        due = due_time(rule, anchor)
        last = expiry(rule, anchor, due)
        job = store.schedule(session, kind, invitations.subject(meeting.id or 0),
                             {"meeting_id": meeting.id}, due, last, now,
                             description=f"{rule_name.replace('_', ' ')}: {meeting.title}")
        if job.status in ("pending", "skipped") and (job.due_at, job.expires_at) != (due, last):
            job.due_at, job.expires_at = due, last  # the meeting moved: so does its reminder
            job.status = "pending" if now <= last else "skipped"
            session.add(job)
        jobs.append(job)
    return jobs


def _live(session: Session, meeting_id: int) -> Meeting | None:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.status != MeetingStatus.invited:
        return None
    return meeting


def rsvp_reminder(session: Session, now: datetime, *, meeting_id: int) -> None:
    """Before the deadline: the invitation again, to every invitee who has not answered."""
    meeting = _live(session, meeting_id)
    deadline = repo.deadline(meeting) if meeting else None
    if meeting is None or deadline is None or now >= deadline:
        return
    answered = repo.answers(session, meeting_id)
    text = (f"Påminnelse: svar på innkallingen til «{meeting.title}» innen "
            f"{date_long(deadline)}.")
    for member in repo.invitees(session, meeting_id):
        if member.id is None or member.id in answered:
            continue
        card = invitations.card_for(session, meeting, now, member)
        activity = invitations.activity_for(card, meeting) | {"text": text, "summary": text}
        enqueue(session, "reminder:rsvp_reminder", invitations.subject(meeting_id), member.id,
                activity, now, essential=DEFAULT_RULES["rsvp_reminder"].essential)


def day_before(session: Session, now: datetime, *, meeting_id: int) -> None:
    """The day before: time and place (or link) to everyone who said they are coming."""
    meeting = _live(session, meeting_id)
    if meeting is None or meeting.starts_at is None or now >= meeting.starts_at:
        return
    where = ", ".join(p for p in (meeting.place, meeting.online_url) if p) or "sted kommer"
    lines = [f"«{meeting.title}» er {invitations.when_text(meeting)}.", f"Sted: {where}"]
    answered = repo.answers(session, meeting_id)
    for member in repo.invitees(session, meeting_id):
        given = answered.get(member.id or 0)
        if given is None or given.answer not in repo.YES:
            continue
        activity = notice_activity("Påminnelse: møte i morgen", lines)
        enqueue(session, "reminder:day_before", invitations.subject(meeting_id), member.id or 0,
                activity, now, essential=DEFAULT_RULES["day_before"].essential)


def cancel_reminders(session: Session, meeting_id: int, now: datetime) -> None:
    """A cancelled meeting's reminders leave the queue (the rows stay, marked cancelled)."""
    for kind in JOBS:
        job = session.exec(select(ScheduledJob).where(
            ScheduledJob.kind == kind, ScheduledJob.key == invitations.subject(meeting_id),
            ScheduledJob.status == "pending")).first()
        if job is not None:
            job.status, job.finished_at = "cancelled", now
            session.add(job)


HANDLERS = {"meeting_rsvp_reminder": rsvp_reminder, "meeting_day_before": day_before}
