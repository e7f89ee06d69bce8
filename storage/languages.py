"""Which language a member, a group and a conversation read (core/i18n.py draws the texts)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select, update
from sqlmodel import Session, col

from core.i18n import Lang, stored_language
from storage.conversations import get_ref
from storage.models import ConversationKind, Member, WorkingGroup
from storage.teams import group_for_team


def member_language(member: Member | None) -> Lang:
    """What proactive messages to this member are drawn in: their choice, else bokmål."""
    return stored_language(member.language if member else None)


def members_reading(lang: Lang) -> Select[Any]:
    """The ids of members whose proactive messages are drawn in `lang` (a subquery)."""
    return select(col(Member.id)).where(func.coalesce(col(Member.language), "nb") == lang)


def set_member_language(session: Session, member_id: int, lang: Lang) -> bool:
    """Store a member's choice; False when it was already theirs."""
    result = session.execute(
        update(Member).where(col(Member.id) == member_id)
        .where((col(Member.language).is_(None)) | (col(Member.language) != lang))
        .values(language=lang).execution_options(synchronize_session="fetch"))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def set_group_language(session: Session, group_id: int, lang: Lang) -> bool:
    """Store the language of a group's channel cards; False when it already was."""
    result = session.execute(
        update(WorkingGroup).where(col(WorkingGroup.id) == group_id)
        .where(col(WorkingGroup.language) != lang)
        .values(language=lang).execution_options(synchronize_session="fetch"))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def conversation_language(session: Session, conversation_id: str | None,
                          group: WorkingGroup | None = None) -> Lang:
    """A shared card's language: a personal chat the member's choice, a team's channel its
    group's language, else the group given (a group chat's round), else bokmål."""
    ref = get_ref(session, conversation_id) if conversation_id else None
    if ref is not None and ref.kind == ConversationKind.personal and ref.member_id:
        return member_language(session.get(Member, ref.member_id))
    if ref is not None and ref.team_id:
        group = group_for_team(session, ref.team_id) or group
    return stored_language(group.language if group else None)
