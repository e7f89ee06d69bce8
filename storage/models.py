"""Tables of the Foundation: groups, regions, members, conversations, audit."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import utc_column, utcnow


class Role(enum.StrEnum):
    secretariat = "secretariat"
    member = "member"
    guest = "guest"


class WorkingGroup(SQLModel, table=True):
    __tablename__ = "working_group"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200, unique=True, index=True)
    team_id: str | None = Field(default=None, max_length=200, index=True)
    # This group's changes to the scheduling rules, as JSON (scheduler/rules.py reads it).
    rules: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class Region(SQLModel, table=True):
    __tablename__ = "region"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)


class RegionAlias(SQLModel, table=True):
    __tablename__ = "region_alias"
    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)
    alias_key: str = Field(max_length=200, unique=True)


class Member(SQLModel, table=True):
    __tablename__ = "member"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200, index=True)
    organisation: str = Field(default="", max_length=200)
    region_id: int | None = Field(default=None, foreign_key="region.id", index=True)
    email: str | None = Field(default=None, max_length=320, index=True)
    upn: str | None = Field(default=None, max_length=320, index=True)
    aad_object_id: str | None = Field(default=None, max_length=64, unique=True)
    teams_user_id: str | None = Field(default=None, max_length=200)
    tenant_id: str | None = Field(default=None, max_length=64)
    role: Role = Field(default=Role.member, sa_type=String(20))
    active: bool = Field(default=True)
    reachable: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class Membership(SQLModel, table=True):
    __tablename__ = "membership"
    group_id: int = Field(foreign_key="working_group.id", primary_key=True)
    member_id: int = Field(foreign_key="member.id", primary_key=True)


class ConversationKind(enum.StrEnum):
    personal = "personal"
    group_chat = "groupChat"
    channel = "channel"


class ConversationRef(SQLModel, table=True):
    """What a proactive message needs: where, through which service, in which tenant."""

    __tablename__ = "conversation_ref"
    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(max_length=400, unique=True)
    kind: ConversationKind = Field(sa_type=String(20))
    service_url: str = Field(max_length=400)
    tenant_id: str | None = Field(default=None, max_length=64)
    team_id: str | None = Field(default=None, max_length=200, index=True)
    channel_id: str | None = Field(default=None, max_length=200)
    bot_id: str | None = Field(default=None, max_length=200)
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    user_aad_object_id: str | None = Field(default=None, max_length=64)
    installed: bool = Field(default=True)
    installed_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    removed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class AuditEntry(SQLModel, table=True):
    """One secretariat action, or a refused attempt at one."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    actor_member_id: int | None = Field(default=None, foreign_key="member.id")
    actor_aad_object_id: str | None = Field(default=None, max_length=64)
    action: str = Field(max_length=100, index=True)
    target: str = Field(default="", max_length=400)
    outcome: str = Field(default="ok", max_length=20)
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


# --- Delivery and scheduling ---


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
