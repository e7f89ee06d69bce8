"""Tables of the Foundation: groups, regions, members, conversations, audit, generated secrets."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, String, Text
from sqlmodel import Field, SQLModel

from domain.members import Role

# Region.sub_region_id points at it: the table is known wherever regions are.
from storage.subregions_models import SubRegion  # noqa: F401
from storage.types import utc_column, utcnow


class WorkingGroup(SQLModel, table=True):
    __tablename__ = "working_group"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200, unique=True, index=True)
    team_id: str | None = Field(default=None, max_length=200, index=True)
    # This group's changes to the scheduling rules, as JSON (domain/rules.py reads it).
    rules: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    # The language of the cards everyone in the group's channel sees (nb, nn, en).
    language: str = Field(default="nb", sa_column=Column(String(5), nullable=False,
                                                         server_default="nb"))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class Region(SQLModel, table=True):
    __tablename__ = "region"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    # Its sub-region (delregion) by the regions file (storage/subregions.py keeps it current).
    sub_region_id: int | None = Field(default=None, foreign_key="sub_region.id", index=True)


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
    # Normalised by domain.members.parse_phone («+4791234567»); None when not given.
    phone: str | None = Field(default=None, max_length=20)
    # The standing deputy (vara) for this member; an RSVP's deputy stays per meeting.
    deputy_member_id: int | None = Field(default=None, foreign_key="member.id")
    # Set on a duplicate merged into another member (`members merge`): kept, inactive, as
    # the owner of ledger rows that stay as history; imports and identity never match it.
    merged_into_id: int | None = Field(default=None, foreign_key="member.id")
    upn: str | None = Field(default=None, max_length=320, index=True)
    aad_object_id: str | None = Field(default=None, max_length=64, unique=True)
    teams_user_id: str | None = Field(default=None, max_length=200)
    tenant_id: str | None = Field(default=None, max_length=64)
    role: Role = Field(default=Role.member, sa_type=String(20))
    active: bool = Field(default=True)
    reachable: bool = Field(default=True)
    # The member's own choice (`språk`): nb, nn, en; None = not chosen (Teams locale decides).
    language: str | None = Field(default=None, max_length=5)
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


# Generated keys kept across restarts (the tracked cards moved to storage/live_models.py).
class AppSecret(SQLModel, table=True):
    """A generated key kept across restarts (the calendar links' HMAC key, when none is set)."""

    __tablename__ = "app_secret"
    name: str = Field(primary_key=True, max_length=50)
    value: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=utc_column())
