"""One-off notices: the generic «reminder» job (one member, one text, by a rule's name)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from core.links import LinkSigner
from delivery.sendout import enqueue, notice_activity
from domain.rules import DEFAULT_RULES
from scheduler.store import Jobs, register


def remind(session: Session, now: datetime, *, member_id: int, rule: str, subject: str,
           title: str, text: str) -> None:
    """Queue one reminder for one member; the rule says whether a mute applies."""
    essential = DEFAULT_RULES[rule].essential if rule in DEFAULT_RULES else False
    enqueue(session, f"reminder:{rule}", subject, member_id, notice_activity(title, [text]),
            now, essential=essential)


def register_jobs(jobs: Jobs, links: LinkSigner) -> None:  # noqa: ARG001
    """The notices feature's scheduled job."""
    register(jobs, "reminder", remind)
