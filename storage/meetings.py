"""Meetings repository: create, find, list; the groups invited and who they invite."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from scheduler.rules import Rule
from services.agenda import ParsedItem
from storage.groups import group_rules
from storage.meeting_models import (
    AgendaItem,
    Meeting,
    MeetingDocument,
    MeetingGroup,
    ProgrammeItem,
)
from storage.models import Member, Membership, WorkingGroup


def create_meeting(session: Session, groups: Sequence[WorkingGroup], now: datetime,
                   **fields: Any) -> Meeting:
    """A new meeting for one group, or several for a joint meeting."""
    meeting = Meeting(created_at=now, updated_at=now, **fields)
    session.add(meeting)
    session.flush()
    set_groups(session, meeting, groups)
    return meeting


def set_groups(session: Session, meeting: Meeting, groups: Sequence[WorkingGroup]) -> None:
    """Invite exactly these groups."""
    for link in session.exec(select(MeetingGroup).where(MeetingGroup.meeting_id == meeting.id)):
        session.delete(link)
    session.flush()
    for group_id in dict.fromkeys(g.id for g in groups):
        session.add(MeetingGroup(meeting_id=meeting.id or 0, group_id=group_id or 0))
    session.flush()


def replace_agenda(session: Session, meeting: Meeting, items: Sequence[ParsedItem]) -> None:
    """The meeting's agenda becomes exactly these items."""
    for old in agenda_items(session, meeting.id or 0):
        session.delete(old)
    session.flush()
    for item in items:
        session.add(AgendaItem(meeting_id=meeting.id or 0, number=item.number, title=item.title,
                               kind=item.kind, description=item.description))
    session.flush()


def bump_version(session: Session, meeting: Meeting, now: datetime) -> int:
    """Store the meeting's pending changes with version + 1 computed in SQL; the new version.

    Two edits at once get two versions (the row lock orders them), so each one's change
    notice has its own ledger subject and neither is swallowed as a duplicate.
    """
    meeting.version = Meeting.version + 1  # type: ignore[assignment]
    meeting.updated_at = now
    session.add(meeting)
    session.flush()
    # All of it: an edit that waited for another's row lock now shows (and tells) both.
    session.refresh(meeting)
    return meeting.version


def get_meeting(session: Session, meeting_id: int) -> Meeting | None:
    """One meeting by id."""
    return session.get(Meeting, meeting_id)


def find_planned(session: Session, group: WorkingGroup, title: str,
                 starts_at: datetime | None, date_text: str) -> Meeting | None:
    """The same planned meeting from an earlier import (title and date, in the group)."""
    query = (select(Meeting).join(MeetingGroup, col(MeetingGroup.meeting_id) == Meeting.id)
             .where(MeetingGroup.group_id == group.id, Meeting.title == title))
    if starts_at is not None:
        query = query.where(Meeting.starts_at == starts_at)
    else:
        query = query.where(Meeting.starts_at == None, Meeting.date_text == date_text)  # noqa: E711
    return session.exec(query).first()


def list_meetings(session: Session, group: WorkingGroup | None = None) -> list[Meeting]:
    """Meetings by date (TBA last), optionally for one group."""
    query = select(Meeting)
    if group is not None:
        query = query.join(MeetingGroup, col(MeetingGroup.meeting_id) == Meeting.id).where(
            MeetingGroup.group_id == group.id)
    rows = session.exec(query.order_by(col(Meeting.id))).all()
    return sorted(rows, key=lambda m: (m.starts_at is None, m.starts_at or m.created_at))


def invited_groups(session: Session, meeting_id: int) -> list[WorkingGroup]:
    """The groups a meeting belongs to."""
    return list(session.exec(
        select(WorkingGroup).join(MeetingGroup, col(MeetingGroup.group_id) == WorkingGroup.id)
        .where(MeetingGroup.meeting_id == meeting_id).order_by(col(WorkingGroup.id))).all())


def invitees(session: Session, meeting_id: int) -> list[Member]:
    """Every active member of the invited groups, once each, by name."""
    query = (select(Member).join(Membership, col(Membership.member_id) == Member.id)
             .join(MeetingGroup, col(MeetingGroup.group_id) == Membership.group_id)
             .where(MeetingGroup.meeting_id == meeting_id, Member.active == True)  # noqa: E712
             .distinct().order_by(col(Member.name)))
    return list(session.exec(query).all())


def agenda_items(session: Session, meeting_id: int) -> list[AgendaItem]:
    """The numbered agenda in order."""
    return list(session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
                             .order_by(col(AgendaItem.number))).all())


def programme_items(session: Session, meeting_id: int) -> list[ProgrammeItem]:
    """The programme in order (day, then position)."""
    return list(session.exec(select(ProgrammeItem).where(ProgrammeItem.meeting_id == meeting_id)
                             .order_by(col(ProgrammeItem.day), col(ProgrammeItem.position))).all())


def documents(session: Session, meeting_id: int) -> list[MeetingDocument]:
    """Documents (title + link) of the meeting and its agenda items."""
    return list(session.exec(select(MeetingDocument)
                             .where(MeetingDocument.meeting_id == meeting_id)
                             .order_by(col(MeetingDocument.id))).all())


def rsvp_deadline(meeting: Meeting) -> datetime | None:
    """The RSVP deadline: as set, else the meeting's start."""
    return meeting.rsvp_deadline or meeting.starts_at


def meeting_rules(session: Session, meeting_id: int) -> dict[str, Rule]:
    """The scheduling rules of the meeting's (first) group; a joint meeting follows the first."""
    groups = invited_groups(session, meeting_id)
    return group_rules(session, groups[0].id if groups else None)
