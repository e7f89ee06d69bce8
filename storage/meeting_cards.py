"""Repository for cards kept current after sending: which exist, and which must be redrawn."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.delivery import insert_ignore
from storage.meeting_models import MeetingGroup
from storage.meetings_extra_models import MeetingCard
from storage.models import ConversationKind, ConversationRef, Delivery, WorkingGroup

SUMMARY, INVITATION = "summary", "invitation"


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


def _row(meeting_id: int, kind: str, conversation_id: str, member_id: int | None = None,
         activity_id: str | None = None) -> dict[str, object]:
    return {"meeting_id": meeting_id, "kind": kind, "conversation_id": conversation_id,
            "member_id": member_id, "activity_id": activity_id, "dirty": True, "updates": 0,
            "failures": 0}


def add_summaries(session: Session, meeting_id: int) -> int:
    """A summary card to post in each linked channel (once per channel); how many are new."""
    return insert_ignore(session, MeetingCard, [
        _row(meeting_id, SUMMARY, ref.conversation_id)
        for ref in linked_channels(session, meeting_id)])


def mark_dirty(session: Session, meeting_id: int, kind: str | None = SUMMARY) -> None:
    """The counts changed: the sender redraws these cards when their window allows."""
    stmt = update(MeetingCard).where(col(MeetingCard.meeting_id) == meeting_id,
                                     col(MeetingCard.dirty) == False)  # noqa: E712
    if kind is not None:
        stmt = stmt.where(col(MeetingCard.kind) == kind)
    session.execute(stmt.values(dirty=True))


def track_copies(session: Session, meeting_id: int, subject: str) -> int:
    """Every invitation copy Teams accepted becomes a card to redraw; all cards are marked."""
    sent = session.exec(select(Delivery).where(
        Delivery.purpose == "invitation", Delivery.subject == subject, Delivery.status == "sent",
        col(Delivery.activity_id).is_not(None), col(Delivery.conversation_id).is_not(None)))
    new = insert_ignore(session, MeetingCard, [
        _row(meeting_id, INVITATION, d.conversation_id or "", d.member_id, d.activity_id)
        for d in sent])
    mark_dirty(session, meeting_id, kind=None)
    return new


def cards(session: Session, meeting_id: int, kind: str | None = None) -> list[MeetingCard]:
    """The meeting's tracked cards (for tests and the status)."""
    query = select(MeetingCard).where(MeetingCard.meeting_id == meeting_id)
    if kind is not None:
        query = query.where(MeetingCard.kind == kind)
    return list(session.exec(query.order_by(col(MeetingCard.id))))
