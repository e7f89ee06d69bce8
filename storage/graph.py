"""Graph calls and Outlook events: record before the request, claim atomically, record after."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage import leases
from storage.delivery import insert_ignore
from storage.graph_models import GraphCall, OutlookEvent
from storage.models import AppSecret

log = logging.getLogger(__name__)
OPEN = leases.OPEN
DEPLOYMENT = "graph_deployment"


def deployment_id(session: Session, now: datetime) -> str:
    """A random id made once per deployment and kept in the database (read, never cached:
    only sends and edits need it, and a cached copy could outlive the row)."""
    insert_ignore(session, AppSecret, [{"name": DEPLOYMENT, "value": secrets.token_hex(16),
                                        "created_at": now}])
    row = session.get(AppSecret, DEPLOYMENT)
    return row.value if row else ""


def transaction_id(deployment: str, meeting_id: int, generation: int = 0) -> str:
    """Graph's transactionId for a meeting's event: stable across retries, restarts, edits.

    Only a deliberate re-creation (a new generation) gives a new one; the meeting's version
    never enters, or an edit during a retry would make a second event.
    """
    digest = hashlib.sha256(f"{deployment}:meeting:{meeting_id}:g{generation}".encode())
    return str(uuid.UUID(digest.hexdigest()[:32]))


def event_for(session: Session, meeting_id: int) -> OutlookEvent | None:
    """The meeting's Outlook event row, if it has one."""
    return session.get(OutlookEvent, meeting_id)


def event_row(session: Session, meeting_id: int) -> OutlookEvent:
    """The meeting's Outlook event row, made on first use."""
    insert_ignore(session, OutlookEvent, [{"meeting_id": meeting_id, "generation": 0,
                                           "event_id": "", "ical_uid": "", "join_url": "",
                                           "web_link": "", "problem": "", "sent": "{}",
                                           "answers": "{}"}])
    row = session.get(OutlookEvent, meeting_id)
    assert row is not None
    return row


def sent_fields(row: OutlookEvent) -> dict[str, Any]:
    """What was last queued for Graph."""
    return dict(json.loads(row.sent or "{}"))


def queue(session: Session, meeting_id: int, operation: str, key: str, txid: str,
          payload: dict[str, Any], now: datetime, not_before: datetime | None = None) -> bool:
    """Record one Graph call; False when a call with this key is already recorded."""
    return insert_ignore(session, GraphCall, [{
        "meeting_id": meeting_id, "operation": operation, "key": key, "transaction_id": txid,
        "payload": json.dumps(payload, ensure_ascii=False), "status": "pending", "attempts": 0,
        "throttled": 0, "in_doubt": 0, "last_error": "", "next_attempt_at": not_before or now,
        "created_at": now}]) == 1


def pending(session: Session, meeting_id: int, operation: str) -> GraphCall | None:
    """A call of this kind not yet under way (its payload may still change)."""
    return session.exec(select(GraphCall).where(
        GraphCall.meeting_id == meeting_id, GraphCall.operation == operation,
        GraphCall.status == "pending", col(GraphCall.attempts) == 0)
        .order_by(col(GraphCall.id))).first()


def calls(session: Session, meeting_id: int | None = None) -> list[GraphCall]:
    """Every call (of one meeting), oldest first."""
    query = select(GraphCall).order_by(col(GraphCall.id))
    if meeting_id is not None:
        query = query.where(GraphCall.meeting_id == meeting_id)
    return list(session.exec(query))


def drop_open(session: Session, meeting_id: int, operations: Sequence[str], why: str) -> int:
    """Calls not yet under way that no longer make sense (a cancel before the create went)."""
    result = session.execute(update(GraphCall).where(
        col(GraphCall.meeting_id) == meeting_id, col(GraphCall.operation).in_(list(operations)),
        col(GraphCall.status) == "pending", col(GraphCall.attempts) == 0)
        .values(status="dropped", last_error=why))
    return int(result.rowcount)  # type: ignore[attr-defined]


def claim(session: Session, owner: str, now: datetime, limit: int, lease: timedelta,
          meeting_id: int | None = None,
          dead_owners: Sequence[str] = ()) -> tuple[list[GraphCall], int]:
    """Due calls, each the oldest open call of its meeting (a PATCH waits for its create)."""
    earlier = aliased(GraphCall)
    blocked = exists().where(and_(col(earlier.meeting_id) == GraphCall.meeting_id,
                                  col(earlier.id) < GraphCall.id,
                                  col(earlier.status).in_(OPEN)))
    query = (select(GraphCall).where(col(GraphCall.status).in_(OPEN),
                                     GraphCall.next_attempt_at <= now,
                                     leases.free(GraphCall, now, dead_owners), ~blocked)
             .order_by(col(GraphCall.next_attempt_at), col(GraphCall.id)).limit(limit))
    if meeting_id is not None:
        query = query.where(GraphCall.meeting_id == meeting_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=GraphCall)  # type: ignore[arg-type]
    rows = list(session.exec(query))
    # The process died mid-request: Graph may have acted. A create is safe to repeat (same
    # transactionId); a PATCH or cancel repeated says the same thing again.
    doubt = leases.take(session, rows, owner, now, lease)
    for row_id in doubt:
        log.warning("Graph-kall %s var uavklart etter krasj; sendes på nytt", row_id)
    return rows, len(doubt)


def mark_sending(session: Session, call_id: int, owner: str) -> bool:
    """Commit 'sending' just before the request; False when the lease was lost."""
    return leases.mark_sending(session, GraphCall, call_id, owner)


def record(session: Session, call_id: int, owner: str, **values: Any) -> bool:
    """Write the outcome of one attempt and release the lease; False if the lease was lost."""
    return leases.record(session, GraphCall, call_id, owner, **values)


def leased_owners(session: Session, now: datetime) -> list[str]:
    """Owners that still hold a lease (to find the ones that died)."""
    return leases.leased_owners(session, GraphCall, now)


def next_due(session: Session, meeting_id: int | None = None) -> datetime | None:
    """When the earliest open call is due (None when nothing is open)."""
    query = select(GraphCall.next_attempt_at).where(col(GraphCall.status).in_(OPEN)) \
        .order_by(col(GraphCall.next_attempt_at))
    if meeting_id is not None:
        query = query.where(GraphCall.meeting_id == meeting_id)
    return session.exec(query).first()


def given_up(session: Session, limit: int = 10) -> list[GraphCall]:
    """Calls that failed for good, newest first (shown on the secretariat's queue card)."""
    return list(session.exec(select(GraphCall).where(GraphCall.status == "failed")
                             .order_by(col(GraphCall.id).desc()).limit(limit)))


def waiting(session: Session, limit: int = 10) -> list[GraphCall]:
    """Calls still open that have been tried, soonest retry first (the queue card's «venter»)."""
    return list(session.exec(select(GraphCall).where(
        col(GraphCall.status).in_(OPEN), col(GraphCall.attempts) > 0)
        .order_by(col(GraphCall.next_attempt_at)).limit(limit)))
