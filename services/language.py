"""A member's language (`språk`) and a group's channel language (`groups set --language`)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from core.i18n import Lang
from storage import audit
from storage.languages import set_group_language, set_member_language
from storage.models import Member, WorkingGroup


def choose_member_language(session: Session, member: Member, lang: Lang) -> bool:
    """Keep the member's choice for replies and proactive messages; False if unchanged."""
    changed = set_member_language(session, member.id or 0, lang)
    member.language = lang
    return changed


def choose_group_language(session: Session, group: WorkingGroup, lang: Lang, now: datetime,
                          *, actor: str = "cli") -> bool:
    """The language of the group's channel cards, audited; False if it already was."""
    before = group.language
    changed = set_group_language(session, group.id or 0, lang)
    if changed:
        audit.record(session, action="groups.language", target=f"group:{group.id}",
                     detail=f"actor={actor} {before} -> {lang}", at=now)
    group.language = lang
    return changed
