"""The Teams meeting itself: its events to the bot (start, end, join, leave), the bot installed
in its chat (`chatinstall`), and Teams' attendance report after the end (`attendance`).

Graph calls are only recorded here (storage/graph.py); delivery/graph.py makes them and hands
the outcome back to `after_call` in the transaction that records it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import unquote

from sqlalchemy import update
from sqlmodel import Session, col, select

from core.i18n import t
from core.settings import Settings
from delivery.graph import REPORT_FIRST_S, Outcome
from scheduler import store
from scheduler.store import Jobs
from storage import attendance
from storage import graph as calls
from storage.attendance import Attendee, Presence
from storage.graph_models import GraphCall, OutlookEvent
from storage.meeting_models import Attendance, Meeting, MeetingStatus
from storage.meetings import meeting_for_chat
from storage.members import find_for_identity

log = logging.getLogger(__name__)
INSTALL, REPORT = "chatinstall", "attendance"
# Reports of other sessions of a reused link are left out: only those started near the meeting.
REPORT_WINDOW = timedelta(hours=12)
REPORT_JOB = "meeting_attendance_report"
# Without a meetingEnd event (the bot not in the chat, events not subscribed) the report is
# asked for this long after the planned end; the job gives up a week after it.
REPORT_AFTER_END, REPORT_JOB_EXPIRES = timedelta(minutes=15), timedelta(days=7)


def _same_link(a: str, b: str) -> bool:
    return bool(a and b) and unquote(a).strip().casefold() == unquote(b).strip().casefold()


def join_url(session: Session, meeting: Meeting) -> str:
    """The Teams join link: the Outlook event's, else the one typed into the meeting."""
    row = calls.event_for(session, meeting.id or 0)
    return row.join_url if row is not None and row.join_url else meeting.online_url


def find_meeting(session: Session, conversation_id: str, team_id: str | None, link: str,
                 now: datetime) -> Meeting | None:
    """The meeting an event is about: by its join link, the chat the bot was installed in,
    else the chat named in a join link or the group's meeting under way (meeting_for_chat)."""
    thread = conversation_id.split(";")[0]
    live = select(Meeting, OutlookEvent).join(
        OutlookEvent, col(OutlookEvent.meeting_id) == Meeting.id, isouter=True).where(
        col(Meeting.status).in_([MeetingStatus.invited, MeetingStatus.held]))
    for meeting, row in session.exec(live.order_by(col(Meeting.starts_at))):
        links = (meeting.online_url, row.join_url if row else "")
        if link and any(_same_link(link, own) for own in links):
            return meeting
        if thread and row is not None and row.chat_id == thread:
            return meeting
    return meeting_for_chat(session, conversation_id, team_id, now)


def attendee(session: Session, entry: Any, bot_id: str | None) -> Attendee | None:
    """A participant of a join/leave event: a member by AAD id, else e-mail (guests too);
    anyone else a non-member keyed by AAD id, e-mail or Teams id. None: the bot, or nothing."""
    user = entry.get("user") if isinstance(entry, dict) else None
    if not isinstance(user, dict):
        return None
    meeting: dict[str, Any] = entry.get("meeting") or {}
    if not isinstance(meeting, dict):
        meeting = {}
    user_id = str(user.get("id") or "")
    if str(meeting.get("role", "")).casefold() == "bot" or (bot_id and user_id == bot_id):
        return None
    aad = str(user.get("aadObjectId") or "") or None
    email = str(user.get("email") or "") or None
    upn = str(user.get("userPrincipalName") or "") or None
    member = find_for_identity(session, aad_object_id=aad, email=email, upn=upn)
    if member is not None:
        return Attendee(member, None, member.name)
    key = (f"aad:{aad}" if aad else f"mail:{(email or upn or '').lower()}" if email or upn
           else f"teams:{user_id}" if user_id else None)
    if key is None:
        return None
    return Attendee(None, key[:320], str(user.get("name") or "")[:200]
                    or t("online_meeting.service.ukjent_deltaker"))


def participants(session: Session, meeting: Meeting, entries: Any, bot_id: str | None,
                 now: datetime, joining: bool) -> int:
    """Record each join (present once, the first join kept) or leave (the last leave kept)."""
    done = 0
    for entry in entries if isinstance(entries, list) else []:
        who = attendee(session, entry, bot_id)
        if who is None:
            continue
        if joining:
            attendance.joined(session, meeting.id or 0, who, now)
        else:
            attendance.left(session, meeting.id or 0, who, now)
        done += 1
    return done


def started(session: Session, meeting: Meeting, now: datetime) -> None:
    """meetingStart: the meeting is under way (the first start is kept)."""
    session.execute(update(Meeting).where(col(Meeting.id) == meeting.id,
                                          col(Meeting.started_at).is_(None))
                    .values(started_at=now))


def ended(session: Session, meeting: Meeting, now: datetime,
          settings: Settings | None) -> bool:
    """meetingEnd: over; who never left leaves now; the attendance report is asked for.

    Returns whether the report was queued (once per meeting, however often Teams says so).
    """
    mid = meeting.id or 0
    session.execute(update(Meeting).where(col(Meeting.id) == mid).values(ended_at=now))
    session.execute(update(Attendance).where(
        col(Attendance.meeting_id) == mid, col(Attendance.first_join_at).is_not(None),
        col(Attendance.last_leave_at).is_(None)).values(last_leave_at=now))
    return queue_report(session, meeting, now, settings)


def _txid(session: Session, meeting_id: int, now: datetime) -> str:
    row = calls.event_row(session, meeting_id)
    return calls.transaction_id(calls.deployment_id(session, now), meeting_id, row.generation)


def queue_report(session: Session, meeting: Meeting, now: datetime,
                 settings: Settings | None) -> bool:
    """Ask for Teams' attendance report a little after the end (it appears minutes later)."""
    link = join_url(session, meeting)
    if settings is None or not settings.graph_feature(REPORT) or not link:
        return False
    mid = meeting.id or 0
    row = calls.event_row(session, mid)
    return calls.queue(session, mid, REPORT, f"attendance:g{row.generation}",
                       _txid(session, mid, now),
                       {"join_url": link, "online_meeting_id": row.online_meeting_id}, now,
                       now + timedelta(seconds=REPORT_FIRST_S))


def on_created(session: Session, meeting: Meeting, row: OutlookEvent, now: datetime,
               settings: Settings | None) -> None:
    """The Teams meeting exists: install the bot in its chat, and make sure the attendance
    report is asked for after the end even if no meetingEnd event ever reaches the bot."""
    queue_install(session, meeting, row, now, settings)
    end = meeting.ends_at or meeting.starts_at
    if settings is not None and settings.graph_feature(REPORT) and end is not None:
        store.schedule(session, REPORT_JOB, f"meeting:{meeting.id}:g{row.generation}",
                       {"meeting_id": meeting.id}, end + REPORT_AFTER_END,
                       end + REPORT_JOB_EXPIRES, now,
                       description=t("online_meeting.service.frammoterapport_jobb",
                                     title=meeting.title))


def report_job(session: Session, now: datetime, *, meeting_id: int,
               settings: Settings | None = None) -> None:
    """Scheduler job after the meeting's planned end: the report, unless already asked for."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is not None and meeting.status != MeetingStatus.cancelled:
        queue_report(session, meeting, now, settings)


def register_jobs(jobs: Jobs, settings: Settings | None = None) -> None:
    """The Teams meeting's job: the attendance report after the planned end."""
    store.register(jobs, REPORT_JOB, partial(report_job, settings=settings))


def queue_install(session: Session, meeting: Meeting, row: OutlookEvent, now: datetime,
                  settings: Settings | None) -> bool:
    """Graph has made the Teams meeting: install the bot in its chat (once per event)."""
    if settings is None or not settings.graph_feature(INSTALL) or not row.join_url:
        return False
    mid = meeting.id or 0
    return calls.queue(session, mid, INSTALL, f"chatinstall:g{row.generation}",
                       _txid(session, mid, now), {"join_url": row.join_url}, now)


def _at(value: Any) -> datetime | None:
    try:
        at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _near(meeting: Meeting, report: dict[str, Any]) -> bool:
    started_at = _at(report.get("meetingStartDateTime"))
    if meeting.starts_at is None or started_at is None:
        return True
    end = meeting.ended_at or meeting.ends_at or meeting.starts_at
    return meeting.starts_at - REPORT_WINDOW <= started_at <= end + REPORT_WINDOW


def presences(session: Session, meeting: Meeting, body: dict[str, Any]) -> list[Presence]:
    """Per person over the meeting's reports: first join, last leave, seconds present."""
    found: dict[tuple[int | None, str | None], Presence] = {}
    for report in body.get("reports") or []:
        if not isinstance(report, dict) or not _near(meeting, report):
            continue
        for record in report.get("attendanceRecords") or []:
            who = _record_attendee(session, record)
            intervals = [i for i in record.get("attendanceIntervals") or []
                         if isinstance(i, dict)]
            joins = [a for a in (_at(i.get("joinDateTime")) for i in intervals) if a]
            leaves = [a for a in (_at(i.get("leaveDateTime")) for i in intervals) if a]
            if who is None or not joins:
                continue
            seconds = int(record.get("totalAttendanceInSeconds") or 0)
            key = (who.member.id if who.member else None, who.key)
            before = found.get(key)
            if before is not None:  # the same person in two reports (a meeting restarted)
                joins.append(before.first_join)
                leaves += [before.last_leave] if before.last_leave else []
                seconds += before.seconds
            found[key] = Presence(who, min(joins), max(leaves) if leaves else None, seconds)
    return list(found.values())


def _record_attendee(session: Session, record: Any) -> Attendee | None:
    if not isinstance(record, dict):
        return None
    identity: dict[str, Any] = record.get("identity") or {}
    if not isinstance(identity, dict):
        return None
    aad = str(identity.get("id") or "") or None
    email = str(record.get("emailAddress") or "") or None
    name = str(identity.get("displayName") or "")[:200]
    member = find_for_identity(session, aad_object_id=aad, email=email, upn=email)
    if member is not None:
        return Attendee(member, None, member.name)
    # Phone callers have neither an id nor an address: their display name (the number) keys.
    key = (f"aad:{aad}" if aad else f"mail:{email.lower()}" if email
           else f"name:{name}" if name else None)
    if key is None:
        return None
    return Attendee(None, key[:320], name or t("online_meeting.service.ukjent_deltaker"))


def after_call(session: Session, call: GraphCall, outcome: Outcome, now: datetime) -> bool:
    """The worker's hook for chat installs and attendance reports; False: not ours."""
    if call.operation not in (INSTALL, REPORT):
        return False
    meeting = session.get(Meeting, call.meeting_id)
    if meeting is None or outcome.status != "done":
        return True  # a failure stays on the queue card with its Norwegian error
    row = calls.event_row(session, call.meeting_id)
    body = outcome.reply.body
    row.online_meeting_id = str(body.get("onlineMeetingId") or row.online_meeting_id)
    if call.operation == INSTALL:
        row.chat_id = str(body.get("chatId") or row.chat_id)
        row.chat_installed_at = now
    else:
        people = presences(session, meeting, body)
        attendance.record_report(session, meeting.id or 0, people)
        row.report_read_at = now
        log.info("Frammøterapport for møte %s: %s personer", meeting.id, len(people))
    session.add(row)
    return True
