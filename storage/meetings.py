"""Meetings repository: create, find, list; who is invited; whose chat; cards kept current."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from sqlmodel import Session, col, select

from domain.meetings import ParsedItem
from domain.rules import Rule
from storage import live_cards
from storage.delivery_models import Delivery
from storage.groups import group_rules
from storage.live_cards import Tracked
from storage.live_models import LiveCard
from storage.meeting_models import (
    AgendaItem,
    Meeting,
    MeetingDocument,
    MeetingGroup,
    MeetingStatus,
    ProgrammeItem,
)
from storage.models import ConversationKind, ConversationRef, Member, Membership, WorkingGroup


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
    """The meeting's agenda becomes exactly these items.

    An item keeps its row by number, so an edited agenda keeps the minutes, follow-ups and
    linked innspill and rounds written on it; only numbers no longer there are deleted.
    """
    old = {i.number: i for i in agenda_items(session, meeting.id or 0)}
    for item in items:
        row = old.pop(item.number, None) or AgendaItem(meeting_id=meeting.id or 0,
                                                       number=item.number, title=item.title)
        row.title, row.kind, row.description = item.title, item.kind, item.description
        session.add(row)
    for gone in old.values():
        session.delete(gone)
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


# Which meeting a Teams chat belongs to, for meeting events (participants joining).
MARGIN = timedelta(minutes=30)  # people join a little early and stay a little late


def meeting_for_chat(session: Session, conversation_id: str, team_id: str | None,
                     now: datetime) -> Meeting | None:
    """The meeting whose join link names this chat, else the group's meeting under way."""
    under_way = select(Meeting).where(
        col(Meeting.status).in_([MeetingStatus.invited, MeetingStatus.held]),
        col(Meeting.starts_at) <= now + MARGIN, col(Meeting.ends_at) >= now - MARGIN)
    thread = conversation_id.split(";")[0]
    for meeting in session.exec(under_way.order_by(col(Meeting.starts_at))):
        # A Teams join link carries the meeting chat's thread id, URL-encoded.
        url = meeting.online_url.casefold()  # %3a and %3A alike
        if thread and (thread.casefold() in url or quote(thread, safe="").casefold() in url):
            return meeting
    if team_id is None:
        ref = session.exec(select(ConversationRef).where(
            ConversationRef.conversation_id == conversation_id)).first()
        team_id = ref.team_id if ref else None
    if not team_id:
        return None
    groups = select(WorkingGroup.id).where(WorkingGroup.team_id == team_id)
    return session.exec(under_way.join(MeetingGroup, col(MeetingGroup.meeting_id) == Meeting.id)
                        .where(col(MeetingGroup.group_id).in_(groups))
                        .order_by(col(Meeting.starts_at))).first()


SUMMARY, INVITATION = "summary", "invitation"


# Meeting cards kept current (channel summaries, invitation copies), over storage/live_cards.
def linked_channels(session: Session, meeting_id: int) -> list[ConversationRef]:
    """One installed channel per invited group whose team the bot is in."""
    teams = session.exec(select(WorkingGroup.team_id).join(
        MeetingGroup, col(MeetingGroup.group_id) == WorkingGroup.id)
        .where(MeetingGroup.meeting_id == meeting_id, col(WorkingGroup.team_id).is_not(None)))
    found: dict[str, ConversationRef] = {}
    for team_id in teams:
        ref = session.exec(select(ConversationRef).where(
            ConversationRef.kind == ConversationKind.channel, ConversationRef.team_id == team_id,
            ConversationRef.installed == True)  # noqa: E712
            .order_by(col(ConversationRef.installed_at))).first()
        if ref is not None:
            found.setdefault(ref.conversation_id, ref)
    return list(found.values())


def add_summaries(session: Session, meeting_id: int) -> int:
    """A summary card to post in each linked channel (once per channel); how many are new."""
    return live_cards.track(session, [Tracked(SUMMARY, meeting_id, ref.conversation_id)
                                      for ref in linked_channels(session, meeting_id)])


def mark_dirty(session: Session, meeting_id: int, kind: str | None = SUMMARY) -> None:
    """The counts changed: the sender redraws these cards (None: both kinds) in their window."""
    for each in (SUMMARY, INVITATION) if kind is None else (kind,):
        live_cards.mark_dirty(session, each, meeting_id)


def track_copies(session: Session, meeting_id: int, subject: str) -> int:
    """Every invitation copy Teams accepted becomes a card to redraw; all cards are marked."""
    sent = session.exec(select(Delivery).where(
        Delivery.purpose == "invitation", Delivery.subject == subject, Delivery.status == "sent",
        col(Delivery.activity_id).is_not(None), col(Delivery.conversation_id).is_not(None)))
    new = live_cards.track(session, [
        Tracked(INVITATION, meeting_id, d.conversation_id or "", d.member_id, d.activity_id)
        for d in sent])
    mark_dirty(session, meeting_id, kind=None)
    return new


def cards(session: Session, meeting_id: int, kind: str | None = None) -> list[LiveCard]:
    """The meeting's tracked cards (for tests and the status)."""
    kinds = (SUMMARY, INVITATION) if kind is None else (kind,)
    found = [c for each in kinds for c in live_cards.cards(session, each, meeting_id)]
    return sorted(found, key=lambda c: c.id or 0)


def not_cancelled(session: Session, member_id: int | None = None) -> list[Meeting]:
    """Meetings not cancelled; with a member, only those of the member's groups."""
    query = select(Meeting).where(Meeting.status != MeetingStatus.cancelled)
    if member_id is not None:
        mine = select(Membership.group_id).where(Membership.member_id == member_id)
        query = query.join(MeetingGroup, col(MeetingGroup.meeting_id) == Meeting.id).where(
            col(MeetingGroup.group_id).in_(mine)).distinct()
    return list(session.exec(query))


def next_for_member(session: Session, member_id: int, now: datetime) -> Meeting | None:
    """The member's groups' next meeting with an end time that has not ended."""
    groups = select(Membership.group_id).where(Membership.member_id == member_id)
    query = (select(Meeting).join(MeetingGroup, col(MeetingGroup.meeting_id) == Meeting.id)
             .where(col(MeetingGroup.group_id).in_(groups), col(Meeting.ends_at).is_not(None),
                    Meeting.status != MeetingStatus.cancelled)
             .order_by(col(Meeting.starts_at)))
    return next((m for m in session.exec(query) if m.ends_at and m.ends_at >= now), None)
