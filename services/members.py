"""Applying imported rows: match (e-mail, then name in any order), update or add, never guess."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from domain.members import ImportRow
from domain.names import display_name, is_near_match, name_key
from storage.groups import add_membership, default_group, get_or_create_group
from storage.members import find_by_email
from storage.models import Member, Role, WorkingGroup
from storage.regions import region_for_organisation


@dataclass
class RowOutcome:
    kind: str  # added | updated | unchanged | ambiguous
    row: ImportRow
    member_ids: list[int]
    similar: list[str] = field(default_factory=list)  # names of the members it resembles


def _candidates(
    session: Session, row: ImportRow, known: dict[int, tuple[str, str]]
) -> tuple[Member | None, list[Member]]:
    """(the one sure match, or None with the members that make the row ambiguous)."""
    if row.email:
        by_email = find_by_email(session, row.email)
        if len(by_email) == 1:
            return by_email[0], []
        if by_email:
            return None, by_email
    key = name_key(row.name)
    same = session.exec(select(Member).where(Member.name_key == key)).all()
    if len(same) == 1:
        found = same[0]
        # Same name, different address: two people who share a name, not one.
        if row.email and found.email and found.email.lower() != row.email.lower():
            return None, [found]
        return found, []
    if same:
        return None, list(same)
    near = [mid for mid, (k, _) in known.items() if is_near_match(key, k)]
    return None, [m for mid in near if (m := session.get(Member, mid)) is not None]


def _state(member: Member) -> tuple[object, ...]:
    return (member.name, member.organisation, member.region_id, member.email, member.role)


def _apply(session: Session, member: Member, row: ImportRow, now: datetime) -> bool:
    """Update the member from the row; True when anything changed."""
    before = _state(member)
    if row.organisation and row.organisation != member.organisation:
        member.organisation = row.organisation
        region = region_for_organisation(session, row.organisation)
        member.region_id = region.id if region else None
    if row.email:
        member.email = row.email
        if name_key(row.name) != member.name_key:  # the address proves who it is
            member.name, member.name_key = display_name(row.name), name_key(row.name)
    if row.role is not None:
        member.role = row.role
    if _state(member) == before:
        return False
    member.updated_at = now
    session.add(member)
    session.flush()
    return True


def import_rows(
    session: Session, rows: list[ImportRow], *, group_name: str | None, now: datetime
) -> list[RowOutcome]:
    """Add or update each row's member and put it in its group; ambiguous rows change nothing."""
    known = {m.id: (m.name_key, m.name) for m in session.exec(select(Member)) if m.id}
    fallback: list[WorkingGroup] = []

    def group_for(row: ImportRow) -> WorkingGroup:
        if row.group or group_name:
            return get_or_create_group(session, row.group or group_name or "")
        if not fallback:
            fallback.append(default_group(session))
        return fallback[0]

    outcomes: list[RowOutcome] = []
    for row in rows:
        found, doubts = _candidates(session, row, known)
        if found is None and doubts:
            ids = [m.id for m in doubts if m.id is not None]
            outcomes.append(RowOutcome("ambiguous", row, ids, [m.name for m in doubts]))
            continue
        if found is None:
            region = region_for_organisation(session, row.organisation)
            found = Member(
                name=display_name(row.name), name_key=name_key(row.name),
                organisation=row.organisation, region_id=region.id if region else None,
                email=row.email, role=row.role or Role.member, created_at=now, updated_at=now,
            )  # fmt: skip
            session.add(found)
            session.flush()
            kind = "added"
        else:
            kind = "updated" if _apply(session, found, row, now) else "unchanged"
        assert found.id is not None
        known[found.id] = (found.name_key, found.name)
        if add_membership(session, group_for(row), found) and kind == "unchanged":
            kind = "updated"  # the same person, now also in this group
        outcomes.append(RowOutcome(kind, row, [found.id]))
    return outcomes
