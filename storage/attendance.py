"""Attendance: check-ins, meeting events and the secretariat's additions; the minutes' list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from domain.names import name_key
from storage import rsvp as rsvp_repo
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
class Person:
    name: str
    region: str
    secretariat: bool = False


def attendance_list(session: Session, meeting_id: int) -> tuple[list[Person], bool]:
    """Who was there (or, before any check-in, who said yes); True when it is real attendance."""
    regions = region_names(session)
    rows = list(session.exec(select(Attendance, Member).join(
        Member, col(Member.id) == Attendance.member_id, isouter=True)
        .where(Attendance.meeting_id == meeting_id)))
    if rows:
        people = [Person(a.name, _region(m, regions) if m else a.organisation,
                         bool(m and m.role == Role.secretariat)) for a, m in rows]
        return _sorted(people), True
    yes = session.exec(select(Member).join(Rsvp, col(Rsvp.member_id) == Member.id).where(
        Rsvp.meeting_id == meeting_id, col(Rsvp.answer).in_([a.value for a in rsvp_repo.YES])))
    people = [Person(m.name, _region(m, regions), m.role == Role.secretariat) for m in yes]
    return _sorted(people), False


def _region(member: Member, regions: dict[int, str]) -> str:
    return regions.get(member.region_id or -1) or member.organisation


def _sorted(people: list[Person]) -> list[Person]:
    return sorted(people, key=lambda p: (p.region.casefold(), p.name.casefold()))
