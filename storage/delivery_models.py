"""Tables of delivery and scheduled work: send-outs, the ledger, shared limits, jobs, mutes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import utc_column, utcnow


class Sendout(SQLModel, table=True):
    """One request to send the same purpose about one subject to many members."""

    __tablename__ = "sendout"
    __table_args__ = (UniqueConstraint("purpose", "subject", name="uq_sendout_purpose_subject"),)
    id: int | None = Field(default=None, primary_key=True)
    purpose: str = Field(max_length=50)
    subject: str = Field(max_length=200)
    title: str = Field(default="", max_length=400)
    total: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    # Set once, by whichever worker first sees no open row left: the "finished" log line.
    finished_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class Delivery(SQLModel, table=True):
    """The ledger: one row per (purpose, subject, recipient), whatever happens to it."""

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("purpose", "subject", "member_id", name="uq_delivery_once"),
        Index("ix_delivery_due", "status", "next_attempt_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    purpose: str = Field(max_length=50)
    subject: str = Field(max_length=200)
    member_id: int = Field(foreign_key="member.id", index=True)
    sendout_id: int | None = Field(default=None, foreign_key="sendout.id", index=True)
    # The meeting the message is about: retention counts from that meeting, not the row.
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    status: str = Field(default="pending", max_length=20)
    essential: bool = Field(default=True)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    attempts: int = Field(default=0)
    last_http_status: int | None = Field(default=None)
    throttled: int = Field(default=0)
    in_doubt: int = Field(default=0)
    error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    conversation_id: str | None = Field(default=None, max_length=400)
    activity_id: str | None = Field(default=None, max_length=200)
    lease_owner: str | None = Field(default=None, max_length=200)
    lease_until: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    sent_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class RateLimit(SQLModel, table=True):
    """Shared send slots (GCRA): `tat` is the next free slot, seconds since the epoch."""

    __tablename__ = "rate_limit"
    key: str = Field(primary_key=True, max_length=450)
    tat: float = Field(default=0.0)


class ScheduledJob(SQLModel, table=True):
    """Work the database says is due; claimed atomically so each runs exactly once."""

    __tablename__ = "scheduled_job"
    __table_args__ = (
        UniqueConstraint("kind", "key", name="uq_scheduled_job_key"),
        Index("ix_scheduled_job_due", "status", "due_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=100)
    key: str = Field(max_length=200)
    args: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    description: str = Field(default="", max_length=400)
    status: str = Field(default="pending", max_length=20)
    due_at: datetime = Field(sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column())
    attempts: int = Field(default=0)
    error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    finished_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class ReminderMute(SQLModel, table=True):
    """A member who asked not to get non-essential reminders."""

    __tablename__ = "reminder_mute"
    member_id: int = Field(foreign_key="member.id", primary_key=True)
    muted_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
