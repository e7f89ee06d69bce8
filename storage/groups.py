"""Working groups and who belongs to them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from domain.names import collapse_spaces, group_key
from domain.rules import Rule, rules_from_json
from storage import nominations
from storage.meeting_models import MeetingGroup
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


def group_names(session: Session) -> list[str]:
    """Every group's name, by id (for «Mente du …?»)."""
    return list(session.exec(select(WorkingGroup.name).order_by(col(WorkingGroup.id))).all())


def rename_group(session: Session, group: WorkingGroup, new_name: str) -> None:
    """Give a group a new name (its key follows); the caller checks the name is free."""
    group.name, group.name_key = collapse_spaces(new_name), group_key(new_name)
    session.add(group)
    session.flush()


def _group_tables() -> list[tuple[Any, Any]]:
    """(table, group column) of every table that points at a group, besides the links."""
    from storage.innspill_models import InnspillSession
    from storage.round_models import TalkRound

    return [(InnspillSession, InnspillSession.group_id), (TalkRound, TalkRound.group_id)]


def _meeting_ids(session: Session, group_id: int) -> set[int]:
    rows = session.exec(select(MeetingGroup.meeting_id).where(MeetingGroup.group_id == group_id))
    return set(rows.all())


def merge_groups(session: Session, source: WorkingGroup, target: WorkingGroup) -> dict[str, int]:
    """Move members, meetings, team link and sessions from source to target; drop source."""
    assert source.id is not None and target.id is not None
    moved = {"medlemmer": 0, "møter": 0}
    members = member_ids(session, source) - member_ids(session, target)
    meetings = _meeting_ids(session, source.id) - _meeting_ids(session, target.id)
    for member_id in sorted(members):
        session.add(Membership(group_id=target.id, member_id=member_id))
    for meeting_id in sorted(meetings):
        session.add(MeetingGroup(meeting_id=meeting_id, group_id=target.id))
    moved["medlemmer"], moved["møter"] = len(members), len(meetings)
    for model, column in _group_tables():
        session.execute(update(model).where(column == source.id).values(group_id=target.id))
    if source.team_id and not target.team_id:
        target.team_id = source.team_id
        session.add(target)
    source.team_id = None
    session.flush()
    nominations.move_group(session, source.id, target.id)
    _drop(session, source.id)
    return moved


def delete_group(session: Session, group: WorkingGroup) -> list[int]:
    """Remove a group and its memberships; returns the meetings left without any group."""
    assert group.id is not None
    own = _meeting_ids(session, group.id)
    shared = set(session.exec(select(MeetingGroup.meeting_id).where(
        col(MeetingGroup.meeting_id).in_(own), MeetingGroup.group_id != group.id)).all())
    for model, column in _group_tables():
        session.execute(update(model).where(column == group.id).values(group_id=None))
    nominations.drop_group(session, group.id)
    _drop(session, group.id)
    return sorted(own - shared)


def _drop(session: Session, group_id: int) -> None:
    session.execute(delete(Membership).where(col(Membership.group_id) == group_id))
    session.execute(delete(MeetingGroup).where(col(MeetingGroup.group_id) == group_id))
    session.execute(delete(WorkingGroup).where(col(WorkingGroup.id) == group_id))
    session.flush()
