"""The nomination table: a person put forward for a group, decided once by the secretariat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, String, Text, text
from sqlmodel import Field, SQLModel

from domain.nominations import NominationSource, NominationStatus, WelcomeState
from storage.types import utc_column, utcnow


class Nomination(SQLModel, table=True):
    """One nominee for one group. The nominee's name, e-mail and organisation are copies
    (registered with the privacy walker): the person is not a member until approved."""

    __tablename__ = "nomination"
    # One open nomination per person and group, enforced by the database, so two members
    # nominating the same person at once cannot both succeed.
    __table_args__ = (
        Index("uq_nomination_open", "group_id", "email", unique=True,
              sqlite_where=text("status = 'submitted'"),
              postgresql_where=text("status = 'submitted'")),
    )
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="working_group.id", index=True)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200)
    email: str = Field(max_length=320, index=True)  # lower case
    organisation: str = Field(default="", max_length=200)
    role_there: str = Field(default="", max_length=200)
    replaces_member_id: int | None = Field(default=None, foreign_key="member.id")
    nominator_member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    entered_by: str = Field(default="", max_length=200)  # `cli:user@host` or «teams»
    source: NominationSource = Field(default=NominationSource.teams, sa_type=String(10))
    status: NominationStatus = Field(default=NominationStatus.submitted, sa_type=String(10),
                                     index=True)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    decided_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    decided_by: str = Field(default="", max_length=200)
    decided_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # The member the approval added (or found by e-mail); the welcome waits for them.
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    welcome: WelcomeState = Field(default=WelcomeState.none, sa_type=String(10))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
