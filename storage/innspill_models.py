"""Tables for workshop input (innspill): sessions, entries, participants."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from domain.innspill import Anonymity, InnspillStatus
from storage.types import utc_column, utcnow


class InnspillSession(SQLModel, table=True):
    __tablename__ = "innspill_session"
    id: int | None = Field(default=None, primary_key=True)
    group_id: int | None = Field(default=None, foreign_key="working_group.id")
    # The meeting and agenda item the input belongs to (the minutes read it per item).
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    agenda_item_id: int | None = Field(default=None, foreign_key="agenda_item.id", index=True)
    questions: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of str
    areas: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    max_entries: int = Field(default=4)
    group_size: int = Field(default=6)
    votes_per_member: int = Field(default=3)
    anonymity: Anonymity = Field(default=Anonymity.named, sa_type=String(20))
    live_results: bool = Field(default=True)
    direct: bool = Field(default=False)  # 1:1 to every member, else the chat it came from
    status: InnspillStatus = Field(default=InnspillStatus.draft, sa_type=String(20))
    deadline: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    salt: str = Field(max_length=64)  # HMAC key for the entry tokens of this session
    created_by: int | None = Field(default=None, foreign_key="member.id")
    # The shared card is a live_card row (kind innspill), kept current by the sender.
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class InnspillEntry(SQLModel, table=True):
    """One written entry; author_member_id and organisation stay empty when fully anonymous."""

    __tablename__ = "innspill_entry"
    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="innspill_session.id", index=True)
    question_no: int = Field(default=0)
    area: str = Field(default="", max_length=200)
    text: str = Field(sa_column=Column(Text, nullable=False))
    author_member_id: int | None = Field(default=None, foreign_key="member.id")
    organisation: str = Field(default="", max_length=200)
    token_hash: str = Field(max_length=64)
    hidden: bool = Field(default=False)
    merged_into_id: int | None = Field(default=None, foreign_key="innspill_entry.id")
    votes: int = Field(default=0)


class InnspillParticipant(SQLModel, table=True):
    """Who has submitted how many and voted how often: never which entries."""

    __tablename__ = "innspill_participant"
    __table_args__ = (UniqueConstraint("session_id", "member_id", name="uq_innspill_participant"),)
    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="innspill_session.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    area: str = Field(default="", max_length=200)
    entries: int = Field(default=0)
    votes_used: int = Field(default=0)
