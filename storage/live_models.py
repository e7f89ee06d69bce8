"""The table of posted cards the bot keeps current (meeting summaries, copies, innspill)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import utc_column


class LiveCard(SQLModel, table=True):
    """One posted card redrawn in place by the sender, at most once a window (see DEVELOPERS.md)."""

    __tablename__ = "live_card"
    __table_args__ = (UniqueConstraint("kind", "subject_id", "conversation_id",
                                       name="uq_live_card"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)  # picks the renderer: summary | invitation | innspill
    subject_id: int = Field(index=True)  # the meeting or innspill session, by kind
    conversation_id: str = Field(max_length=400)  # its ConversationRef gives URL and tenant
    member_id: int | None = Field(default=None, foreign_key="member.id")
    activity_id: str | None = Field(default=None, max_length=200)  # None: not posted yet
    dirty: bool = Field(default=True, index=True)  # the card shows less than the DB knows
    last_updated_at: datetime | None = Field(default=None,
                                             sa_column=utc_column(nullable=True))
    updates: int = Field(default=0)
    failures: int = Field(default=0)
