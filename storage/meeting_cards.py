"""Meeting cards kept current (channel summaries, invitation copies), over storage/live_cards."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage import live_cards
from storage.delivery_models import Delivery
from storage.live_cards import Tracked
from storage.live_models import LiveCard
from storage.meeting_models import MeetingGroup
from storage.models import ConversationKind, ConversationRef, WorkingGroup

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
