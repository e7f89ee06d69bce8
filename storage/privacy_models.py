"""Tables of privacy: retention rules per data kind, the retention runs, erasure tombstones."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from storage.types import utc_column, utcnow


class RetentionRule(SQLModel, table=True):
    """A data kind's retention in days, set with `privacy rules --set KIND.days=N`."""

    __tablename__ = "retention_rule"
    kind: str = Field(primary_key=True, max_length=50)
    days: int
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class RetentionRun(SQLModel, table=True):
    """One daily application of the rules; `day` is unique, so a day is applied only once."""

    __tablename__ = "retention_run"
    id: int | None = Field(default=None, primary_key=True)
    day: str = Field(max_length=10, unique=True)  # the Oslo date, ISO
    at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    deleted: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))


class ErasedMember(SQLModel, table=True):
    """A tombstone: the salted hash of an erased person's AAD id, nothing else about them."""

    __tablename__ = "erased_member"
    aad_hash: str = Field(primary_key=True, max_length=64)
    # A plain number, not a foreign key: the walker must not treat the tombstone as a reference.
    member_number: int
    erased_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
