"""Send-outs: recorded atomically before anything is sent, then delivered by any worker."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from cards.common import attachment
from cards.notice import build_notice_card
from core.i18n import current_language, use_language
from storage import delivery as ledger
from storage.delivery_models import Delivery, Sendout
from storage.languages import member_language
from storage.models import Member

log = logging.getLogger(__name__)
PayloadBuilder = Callable[[Member], dict[str, Any]]  # recipient -> activity JSON


def notice_activity(title: str, lines: list[str]) -> dict[str, Any]:
    """A message activity carrying one notice card."""
    return {"type": "message", "summary": title,
            "attachments": [attachment(build_notice_card(title, lines))]}


def start_sendout(session: Session, purpose: str, subject: str, recipients: Sequence[Member],
                  payload_builder: PayloadBuilder, now: datetime, *, title: str = "",
                  essential: bool = True, meeting_id: int | None = None) -> Sendout:
    """Record a send-out and one ledger row per recipient; repeating it adds nothing new.

    `meeting_id`: the meeting it is about, where there is one (retention counts from it)."""
    ledger.insert_ignore(session, Sendout, [{"purpose": purpose, "subject": subject,
                                             "title": title, "total": 0, "created_at": now}])
    # The send-out row is held until commit: a second start of the same send-out waits here,
    # then counts this one's recipients too. Counting in one UPDATE is not enough on its own:
    # an UPDATE that waited for another's row lock re-checks the row but counts with the
    # snapshot it began with, and so misses the other's ledger rows.
    sendout = session.exec(select(Sendout).where(Sendout.purpose == purpose,
                                                 Sendout.subject == subject)
                           .with_for_update()).one()
    muted = set() if essential else ledger.muted_members(session, (m.id or 0 for m in recipients))
    rows = [ledger.ledger_row(purpose, subject, m.id or 0, json.dumps(_built(payload_builder, m)),
                              now, essential=essential, muted=m.id in muted,
                              sendout_id=sendout.id, meeting_id=meeting_id)
            for m in recipients]
    added = ledger.insert_ignore(session, Delivery, rows)
    # The total is counted and written in one statement, never read into Python and back.
    counted = (select(func.count()).select_from(Delivery)
               .where(col(Delivery.sendout_id) == sendout.id).scalar_subquery())
    values: dict[str, Any] = {"total": counted}
    if added:
        values["finished_at"] = None  # new recipients: it is under way (again)
        log.info("Utsending %s (%s) startet: %d nye mottakere, %d dempet", sendout.id, purpose,
                 added, len(muted & {m.id for m in recipients}))
    session.execute(update(Sendout).where(col(Sendout.id) == sendout.id).values(values)
                    .execution_options(synchronize_session=False))
    session.refresh(sendout)
    return sendout


def per_language(build: Callable[[], dict[str, Any]]) -> PayloadBuilder:
    """One copy for everyone who reads the same language, drawn once per language."""
    copies: dict[str, dict[str, Any]] = {}

    def payload(_member: Member) -> dict[str, Any]:
        lang = current_language()
        if lang not in copies:
            copies[lang] = build()
        return copies[lang]
    return payload


def _built(payload_builder: PayloadBuilder, member: Member) -> dict[str, Any]:
    # Each recipient reads the send-out in their own stored language (core/i18n.py).
    with use_language(member_language(member)):
        return payload_builder(member)


def enqueue(session: Session, purpose: str, subject: str, member_id: int,
            activity: dict[str, Any], now: datetime, *, essential: bool = True,
            meeting_id: int | None = None) -> bool:
    """One message to one member (reminders); False when it was already in the ledger."""
    muted = not essential and member_id in ledger.muted_members(session, [member_id])
    row = ledger.ledger_row(purpose, subject, member_id, json.dumps(activity), now,
                            essential=essential, muted=muted, meeting_id=meeting_id)
    return ledger.insert_ignore(session, Delivery, [row]) == 1


def enqueue_drawn(session: Session, purpose: str, subject: str, member_id: int,
                  build: Callable[[], dict[str, Any]], now: datetime, *,
                  essential: bool = True, meeting_id: int | None = None) -> bool:
    """`enqueue`, with the activity drawn in the recipient's stored language."""
    with use_language(member_language(session.get(Member, member_id))):
        activity = build()
    return enqueue(session, purpose, subject, member_id, activity, now, essential=essential,
                   meeting_id=meeting_id)


@dataclass
class Progress:
    """Where a send-out stands; `missed` holds (name, why) for members not reached."""

    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    in_doubt: int = 0
    missed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def finished(self) -> int:
        return sum(n for s, n in self.by_status.items() if s in ledger.DONE)

    @property
    def done(self) -> bool:
        return self.finished >= self.total


def progress(session: Session, sendout_id: int) -> Progress:
    """Counts per status, in-doubt resends and the members it could not reach."""
    by_status = ledger.counts(session, sendout_id)
    doubt = session.exec(select(func.coalesce(func.sum(Delivery.in_doubt), 0))
                         .where(Delivery.sendout_id == sendout_id)).one()
    missed = session.exec(
        select(Member.name, Delivery.error).join(Member, col(Member.id) == Delivery.member_id)
        .where(Delivery.sendout_id == sendout_id,
               col(Delivery.status).in_(("failed", "unreachable")))
        .order_by(col(Member.name)))
    return Progress(sum(by_status.values()), by_status, int(doubt),
                    [(name, error) for name, error in missed])
