"""The audit log: one row per secretariat action or refused attempt."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from storage.models import AuditEntry


def record(
    session: Session,
    *,
    action: str,
    actor_member_id: int | None = None,
    actor_aad_object_id: str | None = None,
    target: str = "",
    outcome: str = "ok",
    detail: str = "",
    at: datetime | None = None,
) -> AuditEntry:
    """Add one audit entry to the session (committed with the caller's transaction)."""
    entry = AuditEntry(
        action=action,
        actor_member_id=actor_member_id,
        actor_aad_object_id=actor_aad_object_id,
        target=target[:400],
        outcome=outcome,
        detail=detail,
    )
    if at is not None:
        entry.at = at
    session.add(entry)
    session.flush()
    return entry
