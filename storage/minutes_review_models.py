"""Tables for the referat after the meeting: its state (one row per meeting), frozen
versions (Markdown and DOCX bytes), who got it for corrections, and their corrections."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, LargeBinary, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from domain.minutes_review import ReviewState
from storage.types import utc_column, utcnow


class MinutesReview(SQLModel, table=True):
    """Where one meeting's referat stands: draft → circulated (version, deadline) →
    approved (version, date). Changed only by the guarded transition in storage."""

    __tablename__ = "minutes_review"
    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    state: ReviewState = Field(default=ReviewState.draft, sa_type=String(20))
    version: int = Field(default=0)  # the circulated or approved version's number
    deadline: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    audience: str = Field(default="present", max_length=20)
    approved_on: date | None = Field(default=None)
    approved_in_meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    # The next meeting's agenda item whose «Vedtak: godkjent» approves this referat.
    approval_item_id: int | None = Field(default=None, foreign_key="agenda_item.id", index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class MinutesVersion(SQLModel, table=True):
    """One frozen version: what a link names is exactly these bytes, whatever changes later."""

    __tablename__ = "minutes_version"
    __table_args__ = (UniqueConstraint("meeting_id", "number", name="uq_minutes_version"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    number: int
    source: str = Field(default="notes", max_length=20)  # notes | upload
    markdown: str = Field(sa_column=Column(Text, nullable=False))
    docx: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    created_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    circulated_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # Set on approval: an archive record from then on (GDPR art. 17(3)(b)), never redacted.
    approved_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    redacted: bool = Field(default=False)  # an erasure blanked this unapproved version


class MinutesRecipient(SQLModel, table=True):
    """A member the referat was sent to for corrections: only they (and the secretariat)
    may open its unapproved versions."""

    __tablename__ = "minutes_recipient"
    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    member_id: int = Field(foreign_key="member.id", primary_key=True)
    added_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class MinutesCorrection(SQLModel, table=True):
    """A correction a recipient sent from the høring card, to the version they were shown."""

    __tablename__ = "minutes_correction"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    version: int
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
