"""Tables of the member registry: spellings kept as aliases, and near matches to resolve."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, String, Text
from sqlmodel import Field, SQLModel

from storage.types import utc_column, utcnow


class MemberAlias(SQLModel, table=True):
    """Another spelling of a member's name; an import matches it as it matches the name."""

    __tablename__ = "member_alias"
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    name: str = Field(max_length=200)
    # One spelling belongs to one person: a second member with it would make imports guess.
    alias_key: str = Field(max_length=200, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class CandidateStatus(enum.StrEnum):
    open = "open"
    same = "same"  # resolved: the row is resolved_member_id under another spelling
    new = "new"  # resolved: the row is a distinct person, added as resolved_member_id


class MemberCandidate(SQLModel, table=True):
    """An imported row that resembles members; kept until the secretariat decides.

    A resolved row is the remembered pair: an import of the same spelling goes to
    resolved_member_id without asking again.
    """

    __tablename__ = "member_candidate"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200, index=True)
    organisation: str = Field(default="", max_length=200)
    email: str | None = Field(default=None, max_length=320)
    role: str | None = Field(default=None, max_length=20)
    group_name: str | None = Field(default=None, max_length=200)
    source: str = Field(default="", max_length=400)  # the file (or «chat») it came from
    line: int = Field(default=0)
    # JSON list of the ids of the members it resembles (registered with the privacy walker).
    similar_ids: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    status: CandidateStatus = Field(default=CandidateStatus.open, sa_type=String(10), index=True)
    resolved_member_id: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    resolved_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
