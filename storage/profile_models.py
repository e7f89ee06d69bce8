"""Tables of members' own details: each change a member made (for the secretariat's digest)
and each member's yearly check («Stemmer opplysningene dine?»)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import utc_column, utcnow


class ProfileChange(SQLModel, table=True):
    """A member changed their own details: who, which fields (names, never values), when.

    `digest_day` is the Oslo day of the digest that told the secretariat (None: not yet);
    the digest claims rows with one guarded UPDATE, so two runs never tell it twice.
    """

    __tablename__ = "profile_change"
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    fields: str = Field(sa_column=Column(String(100), nullable=False))  # «email,phone»
    changed_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    digest_day: date | None = Field(default=None, sa_column=Column(Date, nullable=True,
                                                                    index=True))


class ProfileCheck(SQLModel, table=True):
    """One member's yearly check: asked, reminded, confirmed (each once, set in SQL)."""

    __tablename__ = "profile_check"
    __table_args__ = (UniqueConstraint("member_id", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    year: int
    asked_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    reminded_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    confirmed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # How: «ja» (the button) or «endret» (a save through the form counts as confirming).
    confirmed_how: str = Field(default="", sa_column=Column(String(10), nullable=False,
                                                            server_default=""))
