"""Members' own details: the changes the digest tells, the yearly check's state, and who is
asked, told and offered as a deputy. Every state change is one SQL statement."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from domain.members import Role
from storage.db import table
from storage.models import Member, Membership, WorkingGroup
from storage.profile_models import ProfileChange, ProfileCheck


def _dialect(session: Session) -> Any:
    return postgresql if session.get_bind().dialect.name == "postgresql" else sqlite


def _active() -> Any:
    return and_(col(Member.active) == True, col(Member.merged_into_id).is_(None))  # noqa: E712


def record_change(session: Session, member_id: int, fields: str, now: datetime) -> None:
    """One change a member made to their own details (field names only)."""
    session.add(ProfileChange(member_id=member_id, fields=fields, changed_at=now))
    session.flush()


@dataclass(frozen=True)
class Change:
    member_id: int
    fields: str
    changed_at: datetime


def claim_changes(session: Session, day: date, now: datetime) -> list[Change]:
    """The changes no digest has told yet, marked as told on `day` in one guarded UPDATE
    (a second run, or another instance, finds none of them)."""
    stmt = (update(ProfileChange)
            .where(col(ProfileChange.digest_day).is_(None), col(ProfileChange.changed_at) <= now)
            .values(digest_day=day)
            .returning(col(ProfileChange.member_id), col(ProfileChange.fields),
                       col(ProfileChange.changed_at)))
    rows = session.execute(stmt.execution_options(synchronize_session=False)).all()
    return sorted((Change(m, f, at) for m, f, at in rows), key=lambda c: c.changed_at)


def confirm(session: Session, member_id: int, year: int, how: str, now: datetime) -> bool:
    """Record the year's confirmation once (an upsert); False when it was already there."""
    t = table(ProfileCheck)
    insert = _dialect(session).insert(t).values(member_id=member_id, year=year,
                                                confirmed_at=now, confirmed_how=how)
    stmt = insert.on_conflict_do_update(
        index_elements=["member_id", "year"],
        set_={"confirmed_at": now, "confirmed_how": how},
        where=t.c.confirmed_at.is_(None)).returning(t.c.id)
    return session.execute(stmt).first() is not None


def mark_asked(session: Session, member_ids: Iterable[int], year: int,
               now: datetime) -> list[int]:
    """Of these members, those asked this year only now (a row per member and year; one
    that confirmed already, by a save through the form, is not asked)."""
    rows = [{"member_id": m, "year": year, "asked_at": now, "confirmed_how": ""}
            for m in member_ids]
    if not rows:
        return []
    t = table(ProfileCheck)
    stmt = _dialect(session).insert(t).on_conflict_do_nothing().returning(t.c.member_id)
    return sorted(r[0] for r in session.execute(stmt, rows).all())


def claim_reminders(session: Session, year: int, asked_before: datetime,
                    now: datetime) -> list[int]:
    """Active members asked before `asked_before` (not at it) who have neither confirmed nor
    been reminded: marked reminded in one guarded UPDATE, so each is reminded once."""
    active = select(Member.id).where(_active())
    stmt = (update(ProfileCheck)
            .where(col(ProfileCheck.year) == year, col(ProfileCheck.asked_at) < asked_before,
                   col(ProfileCheck.reminded_at).is_(None),
                   col(ProfileCheck.confirmed_at).is_(None),
                   col(ProfileCheck.member_id).in_(active))
            .values(reminded_at=now).returning(col(ProfileCheck.member_id)))
    return sorted(r[0] for r in session.execute(
        stmt.execution_options(synchronize_session=False)).all())


def check_of(session: Session, member_id: int, year: int) -> ProfileCheck | None:
    """The member's check row for the year, if any."""
    return session.exec(select(ProfileCheck).where(ProfileCheck.member_id == member_id,
                                                   ProfileCheck.year == year)).first()


def members_with_rules(session: Session) -> list[tuple[Member, list[str]]]:
    """Every active member in a group, with the stored rules (JSON) of each of their groups."""
    rows = session.exec(select(Member, WorkingGroup.rules)
                        .join(Membership, col(Membership.member_id) == Member.id)
                        .join(WorkingGroup, col(WorkingGroup.id) == Membership.group_id)
                        .where(_active()).order_by(col(Member.id))).all()
    out: dict[int, tuple[Member, list[str]]] = {}
    for member, rules in rows:
        out.setdefault(member.id or 0, (member, []))[1].append(rules)
    return list(out.values())


def group_ids_of(session: Session, member_id: int) -> list[int]:
    """The groups a member is in."""
    return list(session.exec(select(Membership.group_id).where(
        Membership.member_id == member_id)).all())


def secretariat_of(session: Session, member_ids: Iterable[int]) -> dict[int, set[int]]:
    """Active secretariat members → which of these members share a group with them."""
    ids = list(set(member_ids))
    if not ids:
        return {}
    theirs = select(Membership.group_id, Membership.member_id).where(
        col(Membership.member_id).in_(ids)).subquery()
    rows = session.exec(select(Member.id, theirs.c.member_id)
                        .join(Membership, col(Membership.member_id) == Member.id)
                        .join(theirs, theirs.c.group_id == Membership.group_id)
                        .where(_active(), col(Member.role) == Role.secretariat.value)).all()
    out: dict[int, set[int]] = {}
    for secretary, member in rows:
        out.setdefault(secretary or 0, set()).add(member)
    return out


def deputy_choices(session: Session, member_id: int) -> list[Member]:
    """Who may be a member's standing deputy: the active members of their groups, by name."""
    groups = select(Membership.group_id).where(Membership.member_id == member_id)
    ids = select(Membership.member_id).where(col(Membership.group_id).in_(groups))
    return list(session.exec(select(Member).where(
        col(Member.id).in_(ids), col(Member.id) != member_id, _active())
        .order_by(col(Member.name_key), col(Member.id))).all())


def unconfirmed(session: Session, year: int,
                group_id: int | None = None) -> list[tuple[Member, ProfileCheck | None]]:
    """Active members (of one group, or of any) who have not confirmed this year, by name,
    each with their check row (asked, reminded) when they have one."""
    in_groups = select(Membership.member_id)
    if group_id is not None:
        in_groups = in_groups.where(Membership.group_id == group_id)
    rows = session.exec(
        select(Member, ProfileCheck)
        .outerjoin(ProfileCheck, and_(col(ProfileCheck.member_id) == Member.id,
                                      col(ProfileCheck.year) == year))
        .where(_active(), col(Member.id).in_(in_groups),
               col(ProfileCheck.confirmed_at).is_(None))
        .order_by(col(Member.name_key), col(Member.id))).all()
    return [(m, c) for m, c in rows]
