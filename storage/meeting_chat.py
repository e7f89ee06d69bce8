"""Which meeting a Teams chat belongs to, for meeting events (participants joining)."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

from sqlmodel import Session, col, select

from storage.meeting_models import Meeting, MeetingGroup, MeetingStatus
from storage.models import ConversationRef, WorkingGroup

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
