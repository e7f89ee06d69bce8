"""Tables for the minutes taken during a meeting: notes and decisions per agenda item
(one row per field, each with its own version and last writer), follow-ups, and which
agenda item the referent's card is on."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import utc_column, utcnow


class MinutesField(SQLModel, table=True):
    """One field ("notes" or "decision") of one agenda item's minutes.

    Per-field rows let two referents write different fields of the same item at once; the
    version grows on every write, so a press can tell whether someone wrote in between.
    """

    __tablename__ = "minutes_field"
    __table_args__ = (UniqueConstraint("agenda_item_id", "field", name="uq_minutes_field"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    agenda_item_id: int = Field(foreign_key="agenda_item.id")
    field: str = Field(max_length=20)  # notes | decision
    value: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    version: int = Field(default=0)
    changed_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    changed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # The text a write replaced when someone else had written since that card was drawn:
    # the last write wins, and the one it overwrote is kept here and shown to the writer.
    replaced_value: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    replaced_by_member_id: int | None = Field(default=None, foreign_key="member.id")


class FollowupStatus(enum.StrEnum):
    open = "open"
    done = "done"


class Followup(SQLModel, table=True):
    """An oppfølgingspunkt: what, who (a member or a region), by when; reminded once."""

    __tablename__ = "followup"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    agenda_item_id: int = Field(foreign_key="agenda_item.id", index=True)
    what: str = Field(sa_column=Column(Text, nullable=False))
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    region_id: int | None = Field(default=None, foreign_key="region.id", index=True)
    due_date: date
    status: FollowupStatus = Field(default=FollowupStatus.open, sa_type=String(20), index=True)
    created_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    done_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    done_by_member_id: int | None = Field(default=None, foreign_key="member.id")


class MinutesCursor(SQLModel, table=True):
    """The agenda item the referent's card was last drawn on, per meeting (the innspill and
    round forms propose it while the meeting is on)."""

    __tablename__ = "minutes_cursor"
    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    agenda_item_id: int = Field(foreign_key="agenda_item.id")
    member_id: int | None = Field(default=None, foreign_key="member.id")
    at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
