"""Working groups and who belongs to them."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from domain.names import collapse_spaces, group_key
from domain.rules import Rule, rules_from_json
from storage.models import Member, Membership, WorkingGroup

DEFAULT_GROUP_NAME = "Faggruppe for næringssamarbeid"


def find_group(session: Session, name: str) -> WorkingGroup | None:
    """The group with this name, matched case- and whitespace-insensitively."""
    key = group_key(name)
    return session.exec(select(WorkingGroup).where(WorkingGroup.name_key == key)).first()


def get_or_create_group(session: Session, name: str) -> WorkingGroup:
    """The group with this name, created (name kept as given) when missing."""
    name = collapse_spaces(name)
    if not name:
        raise ValueError("group name is empty")
    group = find_group(session, name)
    if group is None:
        group = WorkingGroup(name=name, name_key=group_key(name))
        session.add(group)
        session.flush()
    return group


def default_group(session: Session) -> WorkingGroup:
    """The only group if there is exactly one, else the default group by name."""
    groups = session.exec(select(WorkingGroup).limit(2)).all()
    if len(groups) == 1:
        return groups[0]
    return get_or_create_group(session, DEFAULT_GROUP_NAME)


def add_membership(session: Session, group: WorkingGroup, member: Member) -> bool:
    """Put a member in a group; True when newly added, False when already there."""
    assert group.id is not None and member.id is not None
    if session.get(Membership, (group.id, member.id)) is not None:
        return False
    session.add(Membership(group_id=group.id, member_id=member.id))
    session.flush()
    return True


def list_groups(session: Session) -> list[tuple[WorkingGroup, int]]:
    """Every group with its member count, by id."""
    stmt = select(Membership.group_id, func.count()).group_by(col(Membership.group_id))
    counts = dict(session.exec(stmt).all())
    groups = session.exec(select(WorkingGroup).order_by(col(WorkingGroup.id))).all()
    return [(g, counts.get(g.id or 0, 0)) for g in groups]


def member_ids(session: Session, group: WorkingGroup) -> set[int]:
    """Ids of the members of a group."""
    rows = session.exec(select(Membership.member_id).where(Membership.group_id == group.id))
    return set(rows.all())


def group_rules(session: Session, group_id: int | None) -> dict[str, Rule]:
    """The scheduling rules for a group: the defaults with the group's changes."""
    group = session.get(WorkingGroup, group_id) if group_id else None
    return rules_from_json(group.rules if group else None)
