"""The activity a tracked meeting card should show now: a channel summary or a member's copy."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from cards.common import attachment
from cards.meeting_summary import SummaryView, build_summary_card, summary_text
from services import invitations
from services.meeting_status import build_status_view
from storage import graph as outlook_repo
from storage.live_models import LiveCard
from storage.meeting_cards import SUMMARY
from storage.meeting_models import Meeting, MeetingStatus
from storage.models import Member


def summary_view(session: Session, meeting: Meeting) -> SummaryView:
    """Counts and regions as the secretariat's status card has them."""
    status = build_status_view(session, meeting)
    event = outlook_repo.event_for(session, meeting.id or 0)
    join = event.join_url if event and event.event_id and event.problem != "deleted" else ""
    return SummaryView(meeting.title, invitations.group_names(session, meeting.id or 0),
                       status.when, meeting.place, status.invited, status.counts,
                       status.regions_answered, status.regions_total,
                       cancelled=meeting.status == MeetingStatus.cancelled, join_url=join)


def render(session: Session, card: LiveCard, now: datetime) -> dict[str, Any] | None:
    """The message activity for this card now (None: the meeting or member is gone)."""
    meeting = session.get(Meeting, card.subject_id)
    if meeting is None:
        return None
    if card.kind == SUMMARY:
        view = summary_view(session, meeting)
        text = summary_text(view)
        return {"type": "message", "text": text, "summary": text,
                "attachments": [attachment(build_summary_card(view))]}
    member = session.get(Member, card.member_id or 0)
    if member is None:
        return None
    notice = "" if meeting.status == MeetingStatus.cancelled else "Innkallingen er oppdatert."
    # The member's own view, so a PUT keeps «Ditt svar» and their programme choices.
    return invitations.activity_for(
        invitations.card_for(session, meeting, now, member, notice=notice), meeting)
