"""Tables for meetings, agendas, programmes, RSVP and attendance (issue: Meetings)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from domain.meetings import AgendaKind, MeetingFormat, MeetingStatus, RsvpAnswer
from storage.types import utc_column, utcnow


class Meeting(SQLModel, table=True):
    __tablename__ = "meeting"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=400)
    starts_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    ends_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    date_text: str = Field(default="", max_length=100)  # "juni" while the date is TBA
    place: str = Field(default="", max_length=400)
    online_url: str = Field(default="", max_length=1000)
    format: MeetingFormat = Field(default=MeetingFormat.physical, sa_type=String(20))
    theme1: str = Field(default="", max_length=400)
    theme2: str = Field(default="", max_length=400)
    comment: str = Field(default="", max_length=1000)
    status: MeetingStatus = Field(default=MeetingStatus.planned, sa_type=String(20))
    preparation: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    rsvp_deadline: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    auto_send: bool = Field(default=False)  # approved for automatic sending 7 days ahead
    version: int = Field(default=1)  # bumped on every change that sent cards must show
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    invited_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    cancelled_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # Teams' meetingStart / meetingEnd events: the meeting under way, and over.
    started_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    ended_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class MeetingGroup(SQLModel, table=True):
    """A meeting belongs to one group, or to several for a joint meeting."""

    __tablename__ = "meeting_group"
    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    group_id: int = Field(foreign_key="working_group.id", primary_key=True)


class AgendaItem(SQLModel, table=True):
    __tablename__ = "agenda_item"
    __table_args__ = (UniqueConstraint("meeting_id", "number", name="uq_agenda_number"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    number: int
    title: str = Field(max_length=400)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    kind: AgendaKind = Field(default=AgendaKind.discussion, sa_type=String(20))
    presenter: str = Field(default="", max_length=200)


class MeetingDocument(SQLModel, table=True):
    """A document as title + link, for the meeting or one agenda item."""

    __tablename__ = "meeting_document"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    agenda_item_id: int | None = Field(default=None, foreign_key="agenda_item.id")
    title: str = Field(max_length=400)
    url: str = Field(max_length=1000)


class ProgrammeItem(SQLModel, table=True):
    """One line of a (multi-day) programme: day, from–to, place, what; may ask for RSVP."""

    __tablename__ = "programme_item"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    position: int = Field(default=0)
    day: date
    starts_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    ends_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    place: str = Field(default="", max_length=400)
    what: str = Field(max_length=400)
    asks_rsvp: bool = Field(default=False)  # the shared lunch, the dinner, the overnight stay


class Rsvp(SQLModel, table=True):
    """A member's answer; the last answer wins, from whichever copy of the card."""

    __tablename__ = "rsvp"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id", name="uq_rsvp_once"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    answer: RsvpAnswer = Field(sa_type=String(20))
    comment: str = Field(default="", max_length=1000)
    deputy_name: str = Field(default="", max_length=200)  # «sender stedfortreder»
    dietary: str = Field(default="", max_length=400)
    answered_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    recorded_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    late_cancellation: bool = Field(default=False)  # «kan likevel ikke komme» after the deadline
    # Where the answer was given: teams (the card) | outlook (read back from the event).
    source: str = Field(default="teams", max_length=20)


class ProgrammeRsvp(SQLModel, table=True):
    __tablename__ = "programme_rsvp"
    programme_item_id: int = Field(foreign_key="programme_item.id", primary_key=True)
    member_id: int = Field(foreign_key="member.id", primary_key=True)
    attending: bool = Field(default=True)


class Attendance(SQLModel, table=True):
    """Who was actually present: check-in button, meeting events, the secretariat's additions,
    or Teams' attendance report (exact join, leave and seconds present)."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id", name="uq_attendance_once"),
                      UniqueConstraint("meeting_id", "attendee_key", name="uq_attendance_key"))
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    member_id: int | None = Field(default=None, foreign_key="member.id")  # None: a guest
    name: str = Field(max_length=200)
    organisation: str = Field(default="", max_length=200)
    # checkin | event | secretariat | report (Teams' attendance report)
    source: str = Field(default="checkin", max_length=20)
    checked_in_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    added_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    # A non-member attendee from a meeting event or the report: their AAD id, else their
    # e-mail (lower case), so they are recorded once; None for members and hand-added guests.
    attendee_key: str | None = Field(default=None, max_length=320)
    first_join_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    last_leave_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    seconds_present: int | None = Field(default=None)  # from the report only
    # A deputy stands in for this member («vara for …»): pre-filled from the RSVP's deputy name.
    deputy_for_member_id: int | None = Field(default=None, foreign_key="member.id")
