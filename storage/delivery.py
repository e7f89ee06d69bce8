"""The delivery ledger: enqueue once, claim atomically, mark sending, record the outcome."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, select

from storage import leases
from storage.db import table
from storage.delivery_models import Delivery, ReminderMute, ScheduledJob, Sendout

log = logging.getLogger(__name__)
OPEN = leases.OPEN
DONE = ("sent", "failed", "unreachable", "muted", "cancelled")


def insert_ignore(session: Session, model: type[SQLModel], rows: Sequence[dict[str, Any]]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING; returns how many rows were new."""
    if not rows:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = model.__table__  # type: ignore[attr-defined]
    # RETURNING counts what was new on both engines; rowcount is unreliable for batches.
    stmt = dialect.insert(table).on_conflict_do_nothing().returning(*table.primary_key.columns)
    return len(session.execute(stmt, list(rows)).all())


def muted_members(session: Session, member_ids: Iterable[int]) -> set[int]:
    """Which of these members muted non-essential reminders."""
    ids = list(member_ids)
    if not ids:
        return set()
    found = session.exec(select(ReminderMute.member_id).where(col(ReminderMute.member_id).in_(ids)))
    return set(found)


def ledger_row(purpose: str, subject: str, member_id: int, payload: str, now: datetime, *,
               essential: bool = True, muted: bool = False,
               sendout_id: int | None = None, meeting_id: int | None = None) -> dict[str, Any]:
    """A new ledger row as a plain dict for insert_ignore."""
    return {"purpose": purpose, "subject": subject, "member_id": member_id,
            "sendout_id": sendout_id, "meeting_id": meeting_id, "payload": payload,
            "essential": essential,
            "status": "muted" if muted and not essential else "pending",
            "attempts": 0, "throttled": 0, "in_doubt": 0, "error": "",
            "next_attempt_at": now, "created_at": now}


def claim(session: Session, owner: str, now: datetime, limit: int, lease: timedelta,
          sendout_id: int | None = None,
          dead_owners: Sequence[str] = ()) -> tuple[list[Delivery], int]:
    """Take up to `limit` due rows; also how many a dead worker left 'sending' (in doubt)."""
    query = (select(Delivery).where(col(Delivery.status).in_(OPEN), Delivery.next_attempt_at <= now,
                                    leases.free(Delivery, now, dead_owners))
             .order_by(col(Delivery.next_attempt_at), col(Delivery.id)).limit(limit))
    if sendout_id is not None:
        query = query.where(Delivery.sendout_id == sendout_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.exec(query))
    # Teams may or may not have accepted a row in doubt before the crash: sent again, counted.
    doubt = leases.take(session, rows, owner, now, lease)
    for row_id in doubt:
        log.warning("Levering %s var uavklart etter krasj; sendes på nytt", row_id)
    return rows, len(doubt)


def mark_sending(session: Session, delivery_id: int, owner: str) -> bool:
    """Commit 'sending' just before the request; False when the lease was lost."""
    return leases.mark_sending(session, Delivery, delivery_id, owner)


def record(session: Session, delivery_id: int, owner: str, **values: Any) -> None:
    """Write the outcome of one attempt and release the lease."""
    leases.record(session, Delivery, delivery_id, owner, **values)


def leased_owners(session: Session, now: datetime) -> list[str]:
    """Owners that still hold a lease (to find the ones that died)."""
    return leases.leased_owners(session, Delivery, now)


def counts(session: Session, sendout_id: int | None = None) -> dict[str, int]:
    """Rows per status, for one send-out or for the whole ledger."""
    query = select(Delivery.status, func.count()).group_by(col(Delivery.status))
    if sendout_id is not None:
        query = query.where(Delivery.sendout_id == sendout_id)
    return {status: int(n) for status, n in session.exec(query)}


def next_due(session: Session, sendout_id: int | None = None) -> datetime | None:
    """When the earliest open row is due (None when nothing is open)."""
    query = select(func.min(Delivery.next_attempt_at)).where(col(Delivery.status).in_(OPEN))
    if sendout_id is not None:
        query = query.where(Delivery.sendout_id == sendout_id)
    return session.exec(query).first()


def finish_sendouts(session: Session, now: datetime) -> list[tuple[Sendout, dict[str, int]]]:
    """Mark send-outs with no open row left as finished; each is returned (with its counts)
    to exactly one caller, however many workers look at once."""
    sendouts, deliveries = table(Sendout), table(Delivery)
    open_ids = select(deliveries.c.sendout_id).where(deliveries.c.status.in_(OPEN),
                                                     deliveries.c.sendout_id.is_not(None))
    done_ids = session.execute(
        update(sendouts).where(sendouts.c.finished_at.is_(None),
                               sendouts.c.id.not_in(open_ids))
        .values(finished_at=now).returning(sendouts.c.id)).scalars().all()
    return [(session.get_one(Sendout, sid), counts(session, sid)) for sid in done_ids]


def queue_stats(session: Session, now: datetime) -> tuple[int, int, float]:
    """Open ledger rows, due scheduled jobs, and how late the oldest due job is (seconds)."""
    depth = session.exec(select(func.count()).select_from(Delivery)
                         .where(col(Delivery.status).in_(OPEN))).one()
    due, oldest = session.exec(
        select(func.count(), func.min(ScheduledJob.due_at))
        .where(ScheduledJob.status == "pending", ScheduledJob.due_at <= now)).one()
    if oldest is not None and oldest.tzinfo is None:  # func.min bypasses the column type
        oldest = oldest.replace(tzinfo=UTC)
    lateness = (now - oldest).total_seconds() if oldest is not None else 0.0
    return int(depth), int(due), max(0.0, lateness)
