"""Tables for Microsoft Graph: each call as a row of its own, and a meeting's Outlook event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import utc_column, utcnow


class GraphCall(SQLModel, table=True):
    """One Graph request, recorded before it is made and claimed like a delivery.

    operation: create | update | update_text | cancel | answers | chatinstall | attendance.
    `key` keeps a meeting's create (and cancel, chat install, attendance report) to one row per
    event generation, however often a send-out is repeated.
    """

    __tablename__ = "graph_call"
    __table_args__ = (
        UniqueConstraint("meeting_id", "key", name="uq_graph_call_key"),
        Index("ix_graph_call_due", "status", "next_attempt_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    operation: str = Field(max_length=20)
    key: str = Field(max_length=100)
    transaction_id: str = Field(max_length=64)
    payload: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    status: str = Field(default="pending", max_length=20)  # pending|sending|done|failed|dropped
    attempts: int = Field(default=0)
    throttled: int = Field(default=0)
    in_doubt: int = Field(default=0)
    last_http_status: int | None = Field(default=None)
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    lease_owner: str | None = Field(default=None, max_length=200)
    lease_until: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    finished_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class OutlookEvent(SQLModel, table=True):
    """A meeting's event in the organizer's calendar: the choice, the ids, what was sent."""

    __tablename__ = "outlook_event"
    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    wanted: bool | None = Field(default=None)  # None: by the meeting's format
    generation: int = Field(default=0)  # bumped by «Opprett på nytt»; part of transactionId
    event_id: str = Field(default="", max_length=400)
    ical_uid: str = Field(default="", max_length=400)
    join_url: str = Field(default="", max_length=2000)
    web_link: str = Field(default="", max_length=2000)
    problem: str = Field(default="", max_length=20)  # "" | deleted | forbidden | failed
    # The fields last queued for Graph (JSON), so an edit sends only what changed.
    sent: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    text_patched_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # The attendees' Outlook answers (GRAPH_FEATURES answers): {response: count}, and when read.
    answers: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    answers_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    created_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # The Teams meeting behind the join URL (onlineMeetings?$filter=JoinWebUrl) and its chat.
    online_meeting_id: str = Field(default="", max_length=400)
    chat_id: str = Field(default="", max_length=400)
    chat_installed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    report_read_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
