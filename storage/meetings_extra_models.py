"""Tables for cards kept current after sending (channel summaries, invitation copies) and keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class MeetingCard(SQLModel, table=True):
    """One posted card about a meeting that the bot updates in place (debounced, in the DB)."""

    __tablename__ = "meeting_card"
    __table_args__ = (UniqueConstraint("meeting_id", "conversation_id", name="uq_meeting_card"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    kind: str = Field(max_length=20)  # summary (a channel) | invitation (a member's 1:1 copy)
    conversation_id: str = Field(max_length=400)
    member_id: int | None = Field(default=None, foreign_key="member.id")
    activity_id: str | None = Field(default=None, max_length=200)  # None: not posted yet
    dirty: bool = Field(default=True, index=True)  # the card shows less than the DB knows
    last_updated_at: datetime | None = Field(default=None,
                                             sa_column=Column(UTCDateTime(), nullable=True))
    updates: int = Field(default=0)
    failures: int = Field(default=0)


class AppSecret(SQLModel, table=True):
    """A generated key kept across restarts (the calendar links' HMAC key, when none is set)."""

    __tablename__ = "app_secret"
    name: str = Field(primary_key=True, max_length=50)
    value: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
