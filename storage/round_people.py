"""Who is in a round: the group's current meeting, and its members present, by region."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from core.timefmt import to_oslo
from storage.meeting_models import Attendance, Meeting, MeetingGroup, MeetingStatus, Rsvp
from storage.meeting_models import RsvpAnswer as Answer
from storage.models import Member, Membership, Region, Role
from storage.regions import region_for_organisation

DEFAULT_LENGTH = timedelta(hours=3)  # a meeting without an end time is taken to last this long


@dataclass
class SlotDraft:
    """One slot before it is stored: a region and its members present, in arrival order."""

    label: str
    region_id: int | None
    members: list[Member] = field(default_factory=list)


def current_meeting(session: Session, group_id: int, now: datetime) -> Meeting | None:
    """The group's meeting under way now, else its next one later today (Oslo)."""
    query = (select(Meeting).join(MeetingGroup, col(MeetingGroup.meeting_id) == Meeting.id)
             .where(MeetingGroup.group_id == group_id, col(Meeting.starts_at).is_not(None),
                    Meeting.status != MeetingStatus.cancelled)
             .order_by(col(Meeting.starts_at)))
    today = to_oslo(now).date()
    later: Meeting | None = None
    for meeting in session.exec(query):
        assert meeting.starts_at is not None
        ends = meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH
        if meeting.starts_at <= now <= ends:
            return meeting
        if later is None and meeting.starts_at > now and to_oslo(meeting.starts_at).date() == today:
            later = meeting
    return later


def present(session: Session, group_id: int, meeting: Meeting | None) -> list[Member]:
    """Checked in or answered yes (in that order); else every active member of the group.

    The secretariat runs the round and is never a slot in it.
    """
    found: list[Member] = []
    if meeting is not None:
        checked = session.exec(select(Member).join(Attendance, col(Attendance.member_id) ==
                                                   Member.id)
                               .where(Attendance.meeting_id == meeting.id)
                               .order_by(col(Attendance.checked_in_at), col(Attendance.id)))
        yes = session.exec(select(Member).join(Rsvp, col(Rsvp.member_id) == Member.id)
                           .where(Rsvp.meeting_id == meeting.id,
                                  col(Rsvp.answer).in_((Answer.physical, Answer.digital)))
                           .order_by(col(Rsvp.answered_at), col(Rsvp.id)))
        for member in [*checked, *yes]:
            if member not in found:
                found.append(member)
    found = [m for m in found if m.active and m.role != Role.secretariat]
    if found:
        return found
    ids = select(Membership.member_id).where(Membership.group_id == group_id)
    return list(session.exec(select(Member).where(
        col(Member.id).in_(ids), Member.active == True,  # noqa: E712
        Member.role != Role.secretariat).order_by(col(Member.name), col(Member.id))))


def by_region(session: Session, members: list[Member]) -> list[SlotDraft]:
    """One slot per region, in the order its first member arrived; no region: own slot."""
    drafts: dict[object, SlotDraft] = {}
    for member in members:
        region = (session.get(Region, member.region_id) if member.region_id
                  else region_for_organisation(session, member.organisation))
        key: object = region.id if region is not None else ("member", member.id)
        if key not in drafts:
            label = region.name if region is not None else member.name
            drafts[key] = SlotDraft(label, region.id if region is not None else None)
        drafts[key].members.append(member)
    return list(drafts.values())
