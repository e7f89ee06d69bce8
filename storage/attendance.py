"""Attendance: check-ins, meeting events and the secretariat's additions; the minutes' list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import func, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from domain.names import name_key
from storage import rsvp as rsvp_repo
from storage.db import table
from storage.delivery import insert_ignore
from storage.meeting_models import Attendance, Rsvp
from storage.models import Member, Role
from storage.regions import region_names


def check_in(session: Session, meeting_id: int, member: Member, now: datetime,
             source: str = "checkin", added_by: int | None = None) -> bool:
    """Record a member as present once; False when they already were."""
    return insert_ignore(session, Attendance, [{
        "meeting_id": meeting_id, "member_id": member.id, "name": member.name,
        "organisation": member.organisation, "source": source, "checked_in_at": now,
        "added_by_member_id": added_by}]) == 1


def add_guest(session: Session, meeting_id: int, name: str, organisation: str, now: datetime,
              added_by: int | None) -> Attendance:
    """A deputy or guest the secretariat adds at check-in (no member row); a deputy a member
    named in their RSVP is marked as standing in for that member («vara for …»)."""
    row = Attendance(meeting_id=meeting_id, member_id=None, name=name, organisation=organisation,
                     source="secretariat", checked_in_at=now, added_by_member_id=added_by,
                     deputy_for_member_id=deputy_for(session, meeting_id, name))
    session.add(row)
    session.flush()
    return row


def deputy_for(session: Session, meeting_id: int, name: str) -> int | None:
    """The member whose RSVP names `name` as deputy (any word order), if exactly one does."""
    key = name_key(name)
    found = {r.member_id for r in session.exec(select(Rsvp).where(
        Rsvp.meeting_id == meeting_id, Rsvp.deputy_name != "")) if name_key(r.deputy_name) == key}
    return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class Attendee:
    """Someone in a Teams meeting: a member, or a non-member known by `key` (AAD id, e-mail)."""

    member: Member | None
    key: str | None
    name: str
    organisation: str = ""


def _row(meeting_id: int, who: Attendee, source: str, at: datetime) -> dict[str, Any]:
    member = who.member
    return {"meeting_id": meeting_id, "member_id": member.id if member else None,
            "attendee_key": None if member else who.key,
            "name": member.name if member else who.name[:200],
            "organisation": (member.organisation if member else who.organisation)[:200],
            "source": source, "checked_in_at": at, "added_by_member_id": None}


def _mine(meeting_id: int, who: Attendee) -> Any:
    match = (col(Attendance.member_id) == who.member.id if who.member
             else col(Attendance.attendee_key) == who.key)
    return (col(Attendance.meeting_id) == meeting_id) & match


def joined(session: Session, meeting_id: int, who: Attendee, at: datetime) -> bool:
    """A meeting join: present once (source «event»), the earliest join kept. New?"""
    new = insert_ignore(session, Attendance, [_row(meeting_id, who, "event", at)
                                              | {"first_join_at": at}]) == 1
    session.execute(update(Attendance).where(_mine(meeting_id, who), or_(
        col(Attendance.first_join_at).is_(None), col(Attendance.first_join_at) > at))
        .values(first_join_at=at))
    return new


def left(session: Session, meeting_id: int, who: Attendee, at: datetime) -> bool:
    """A meeting leave: the latest leave kept (a rejoin and leave moves it). Recorded?"""
    result = session.execute(update(Attendance).where(_mine(meeting_id, who), or_(
        col(Attendance.last_leave_at).is_(None), col(Attendance.last_leave_at) < at))
        .values(last_leave_at=at))
    return bool(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Presence:
    """One person in Teams' attendance report, summed over their join intervals."""

    who: Attendee
    first_join: datetime
    last_leave: datetime | None
    seconds: int


@cache
def _report_upsert(dialect_name: str, target: str) -> Any:
    insert = (postgresql if dialect_name == "postgresql" else sqlite).insert(table(Attendance))
    return insert.on_conflict_do_update(
        index_elements=["meeting_id", target],
        set_={"first_join_at": insert.excluded["first_join_at"],
              "last_leave_at": insert.excluded["last_leave_at"],
              "seconds_present": insert.excluded["seconds_present"], "source": "report"})


def record_report(session: Session, meeting_id: int, people: Sequence[Presence]) -> int:
    """The attendance report, exact: one upsert per person (a second read writes the same)."""
    dialect = session.get_bind().dialect.name
    for p in people:
        target = "member_id" if p.who.member else "attendee_key"
        session.execute(_report_upsert(dialect, target), _row(meeting_id, p.who, "report",
                                                              p.first_join)
                        | {"first_join_at": p.first_join, "last_leave_at": p.last_leave,
                           "seconds_present": p.seconds})
    session.flush()
    return len(people)


def from_report(session: Session, meeting_id: int) -> bool:
    """Has Teams' attendance report been recorded for this meeting?"""
    return session.exec(select(func.count()).select_from(Attendance).where(
        Attendance.meeting_id == meeting_id, Attendance.source == "report")).one() > 0


@dataclass(frozen=True)
class Person:
    name: str
    region: str
    secretariat: bool = False
    minutes: int | None = None  # minutes present, from Teams' attendance report


def attendance_list(session: Session, meeting_id: int) -> tuple[list[Person], bool]:
    """Who was there (or, before any check-in, who said yes); True when it is real attendance."""
    regions = region_names(session)
    rows = list(session.exec(select(Attendance, Member).join(
        Member, col(Member.id) == Attendance.member_id, isouter=True)
        .where(Attendance.meeting_id == meeting_id)))
    if rows:
        people = [Person(a.name, _region(m, regions) if m else a.organisation,
                         bool(m and m.role == Role.secretariat),
                         round(a.seconds_present / 60) if a.seconds_present is not None
                         else None) for a, m in rows]
        return _sorted(people), True
    yes = session.exec(select(Member).join(Rsvp, col(Rsvp.member_id) == Member.id).where(
        Rsvp.meeting_id == meeting_id, col(Rsvp.answer).in_([a.value for a in rsvp_repo.YES])))
    people = [Person(m.name, _region(m, regions), m.role == Role.secretariat) for m in yes]
    return _sorted(people), False


def _region(member: Member, regions: dict[int, str]) -> str:
    return regions.get(member.region_id or -1) or member.organisation


def _sorted(people: list[Person]) -> list[Person]:
    return sorted(people, key=lambda p: (p.region.casefold(), p.name.casefold()))
