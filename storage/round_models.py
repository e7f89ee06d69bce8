"""Tables for round-the-table (runden rundt bordet): the round, its slots, pending nudges."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from domain.round import OrderMode, RoundStatus, SlotState
from storage.types import utc_column, utcnow


class TalkRound(SQLModel, table=True):
    """One round; `step` grows by one on every change, so a stale button press is refused."""

    __tablename__ = "talk_round"
    id: int | None = Field(default=None, primary_key=True)
    group_id: int | None = Field(default=None, foreign_key="working_group.id", index=True)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    agenda_item_id: int | None = Field(default=None, foreign_key="agenda_item.id", index=True)
    topic: str = Field(max_length=400)
    order_mode: OrderMode = Field(default=OrderMode.region, sa_type=String(20))
    seconds_per_speaker: int = Field(default=180)
    auto_advance: bool = Field(default=False)
    status: RoundStatus = Field(default=RoundStatus.running, sa_type=String(20))
    step: int = Field(default=0)
    turn_started_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    conversation_id: str = Field(max_length=400)
    activity_id: str | None = Field(default=None, max_length=200)
    created_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    finished_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class RoundSlot(SQLModel, table=True):
    """One speaking turn: a region (shared by its members present) or one person."""

    __tablename__ = "round_slot"
    __table_args__ = (UniqueConstraint("round_id", "position", name="uq_round_slot_position"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="talk_round.id", index=True)
    position: int
    region_id: int | None = Field(default=None, foreign_key="region.id")
    label: str = Field(max_length=200)
    member_ids: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    state: SlotState = Field(default=SlotState.waiting, sa_type=String(20))
    update_text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    updated_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    spoke_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class RoundNudge(SQLModel, table=True):
    """A chat nudge the scheduler decided on; sent by the async sender outside the job."""

    __tablename__ = "round_nudge"
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="talk_round.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    refresh_card: bool = Field(default=False)
    status: str = Field(default="pending", max_length=20, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    sent_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class RoundPrewrite(SQLModel, table=True):
    """A region's update written before the meeting; copied into its slot when a round starts."""

    __tablename__ = "round_prewrite"
    __table_args__ = (UniqueConstraint("meeting_id", "region_id", name="uq_round_prewrite"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    region_id: int = Field(foreign_key="region.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    member_id: int | None = Field(default=None, foreign_key="member.id")
    written_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
