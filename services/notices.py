"""One-off notices: the generic «reminder» job (one member, one text, by a rule's name)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from core.i18n import current_language
from core.links import LinkSigner
from delivery.sendout import enqueue_drawn, notice_activity
from domain.rules import DEFAULT_RULES
from scheduler.store import Jobs, register

# What whoever scheduled the reminder wrote: one text, or one per language ({"nb": …,
# "nn": …, "en": …}) so each member reads their own; bokmål stands in for a missing one.
Texts = str | dict[str, str]


def in_reader_language(text: Texts) -> str:
    """The text for the language being drawn (the recipient's), else the bokmål one."""
    if isinstance(text, str):
        return text
    return text.get(current_language()) or text.get("nb") or next(iter(text.values()), "")


def remind(session: Session, now: datetime, *, member_id: int, rule: str, subject: str,
           title: Texts, text: Texts) -> None:
    """Queue one reminder for one member, drawn in their stored language; the rule says
    whether a mute applies."""
    essential = DEFAULT_RULES[rule].essential if rule in DEFAULT_RULES else False
    enqueue_drawn(session, f"reminder:{rule}", subject, member_id,
                  lambda: notice_activity(in_reader_language(title), [in_reader_language(text)]),
                  now, essential=essential)


def register_jobs(jobs: Jobs, links: LinkSigner) -> None:  # noqa: ARG001
    """The notices feature's scheduled job."""
    register(jobs, "reminder", remind)
