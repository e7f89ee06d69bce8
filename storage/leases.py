"""Leased work rows, shared by the delivery ledger and the Graph calls: free to claim, take
with a lease (a row a dead worker left 'sending' is counted in doubt and made again), mark
'sending' just before the request, record the outcome under the lease."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

OPEN = ("pending", "sending")


def free(model: Any, now: datetime, dead_owners: Sequence[str] = ()) -> Any:
    """Rows no live worker holds: no lease, a lease run out, or one of a dead owner's."""
    clause = or_(col(model.lease_until).is_(None), col(model.lease_until) < now)
    if dead_owners:
        clause = or_(clause, col(model.lease_owner).in_(list(dead_owners)))
    return clause


def take(session: Session, rows: list[Any], owner: str, now: datetime,
         lease: timedelta) -> list[int]:
    """Lease the claimed rows to `owner`; the ids of those a dead worker left 'sending' (in
    doubt: the other side may or may not have acted, so they are made again and counted)."""
    doubt = []
    for row in rows:
        if row.status == "sending":
            doubt.append(row.id)
            row.in_doubt += 1
            row.status = "pending"
        row.lease_owner, row.lease_until = owner, now + lease
        session.add(row)
    session.flush()
    return doubt


def mark_sending(session: Session, model: Any, row_id: int, owner: str) -> bool:
    """Commit 'sending' just before the request; False when the lease was lost."""
    result = session.execute(update(model).where(
        col(model.id) == row_id, col(model.lease_owner) == owner, col(model.status) == "pending")
        .values(status="sending", attempts=model.attempts + 1))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def record(session: Session, model: Any, row_id: int, owner: str, **values: Any) -> bool:
    """Write the outcome of one attempt and release the lease; False if the lease was lost."""
    values.setdefault("lease_owner", None)
    values.setdefault("lease_until", None)
    result = session.execute(update(model).where(
        col(model.id) == row_id, col(model.lease_owner) == owner).values(**values))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def leased_owners(session: Session, model: Any, now: datetime) -> list[str]:
    """Owners that still hold a lease (to find the ones that died)."""
    rows = session.exec(select(model.lease_owner).where(
        col(model.lease_until) >= now, col(model.status).in_(OPEN)).distinct())
    return [r for r in rows if r]
