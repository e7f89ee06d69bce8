"""Which working group a Teams team belongs to."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.groups import find_group
from storage.models import WorkingGroup


def group_for_team(session: Session, team_id: str) -> WorkingGroup | None:
    """The group linked to this team, if any."""
    return session.exec(select(WorkingGroup).where(WorkingGroup.team_id == team_id)).first()


def link_team(session: Session, team_id: str, team_name: str | None) -> WorkingGroup | None:
    """Link a team to the group of the same name, else to the only group there is."""
    linked = group_for_team(session, team_id)
    if linked is not None:
        return linked
    group = None
    if team_name:
        group = find_group(session, team_name)
    if group is None:
        groups = session.exec(select(WorkingGroup).order_by(col(WorkingGroup.id)).limit(2)).all()
        group = groups[0] if len(groups) == 1 else None
    if group is not None:
        group.team_id = team_id
        session.add(group)
    return group


def relink_team(session: Session, team_id: str, group: WorkingGroup) -> None:
    """Point the team at another group (a secretariat command)."""
    for old in session.exec(select(WorkingGroup).where(WorkingGroup.team_id == team_id)).all():
        old.team_id = None
        session.add(old)
    session.flush()
    group.team_id = team_id
    session.add(group)
