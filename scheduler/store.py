"""The scheduled-job table: schedule once per key, claim due work atomically, run it."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core import metrics
from core.logs import bind_correlation_id
from storage.db import session_scope
from storage.delivery import insert_ignore
from storage.delivery_models import ScheduledJob

log = logging.getLogger(__name__)
Handler = Callable[..., None]  # module-level: handler(session, now, **plain_ids)
# Job kind -> its handler. The scheduler knows kinds only by name: each feature adds its own
# handlers at start (services/<feature>.register_jobs), so no feature code is imported here.
Jobs = dict[str, Handler]


def register(jobs: Jobs, kind: str, handler: Handler) -> None:
    """Add a feature's handler for one job kind; two features claiming one kind is a bug."""
    if jobs.setdefault(kind, handler) is not handler:
        raise ValueError(f"jobbtypen {kind} er registrert to ganger")


def schedule(session: Session, kind: str, key: str, args: dict[str, Any], due_at: datetime,
             expires_at: datetime, now: datetime, description: str = "") -> ScheduledJob:
    """Add a job once per (kind, key); one created after its expiry is recorded as skipped."""
    status = "skipped" if now > expires_at else "pending"
    insert_ignore(session, ScheduledJob, [{
        "kind": kind, "key": key, "args": json.dumps(args), "description": description,
        "status": status, "due_at": due_at, "expires_at": expires_at, "attempts": 0,
        "error": "" if status == "pending" else "opprettet for sent", "created_at": now}])
    return session.exec(select(ScheduledJob).where(ScheduledJob.kind == kind,
                                                   ScheduledJob.key == key)).one()


def run_due(engine: Engine, now: datetime, handlers: dict[str, Handler],
            limit: int = 100) -> list[tuple[int, str]]:
    """Claim due jobs and run them in the same transaction: each runs exactly once."""
    results: list[tuple[int, str]] = []
    with session_scope(engine) as session:
        query = (select(ScheduledJob)
                 .where(ScheduledJob.status == "pending", ScheduledJob.due_at <= now)
                 .order_by(col(ScheduledJob.due_at), col(ScheduledJob.id)).limit(limit))
        if engine.dialect.name == "postgresql":
            # Another instance skips the rows this one holds instead of waiting or repeating them.
            query = query.with_for_update(skip_locked=True)
        for job in session.exec(query).all():
            bind_correlation_id()  # the job's log lines, its error included, share one id
            job.attempts += 1
            job.finished_at = now
            job.status = _run_one(session, job, now, handlers)
            session.add(job)
            results.append((job.id or 0, job.status))
            metrics.JOBS_RUN.labels(job.kind, job.status).inc()
            if job.status == "done":
                log.info("Jobb %s (%s) kjørt, %.1f s etter planen", job.id, job.kind,
                         (now - job.due_at).total_seconds())
    return results


def _run_one(session: Session, job: ScheduledJob, now: datetime,
             handlers: dict[str, Handler]) -> str:
    if now > job.expires_at:
        job.error = "for sent: tjenesten var nede lenger enn reglen tillater"
        log.warning("Jobb %s (%s) hoppet over: for sent", job.id, job.kind)
        return "skipped"
    handler = handlers.get(job.kind)
    if handler is None:
        job.error = f"ukjent jobbtype {job.kind}"
        return "failed"
    try:
        with session.begin_nested():  # a failing job undoes only its own writes
            handler(session, now, **json.loads(job.args))
    except Exception as exc:
        log.exception("Jobb %s (%s) feilet", job.id, job.kind)
        job.error = str(exc)[:500]
        return "failed"
    return "done"


def upcoming(session: Session, limit: int = 200) -> list[ScheduledJob]:
    """Pending jobs, soonest first (the secretariat's queue)."""
    return list(session.exec(select(ScheduledJob).where(ScheduledJob.status == "pending")
                             .order_by(col(ScheduledJob.due_at)).limit(limit)))


class QueueError(ValueError):
    """A queue change that cannot be made; the message is Norwegian, for the user."""


def pending_job(session: Session, job_id: int) -> ScheduledJob:
    """A job still waiting in the queue, or QueueError."""
    job = session.get(ScheduledJob, job_id)
    if job is None:
        raise QueueError(f"fant ingen planlagt melding med id {job_id}")
    if job.status != "pending":
        raise QueueError(f"meldingen {job_id} er ikke lenger i køen (status: {job.status})")
    return job


def cancel_job(session: Session, job_id: int, now: datetime) -> ScheduledJob:
    """Take one pending job out of the queue (the row stays, marked cancelled)."""
    job = pending_job(session, job_id)
    job.status, job.finished_at = "cancelled", now
    session.add(job)
    return job


def move_job(session: Session, job_id: int, new_due: datetime, now: datetime) -> ScheduledJob:
    """Move a pending job to a new time; its grace moves with it."""
    if new_due <= now:
        raise QueueError("det nye tidspunktet har allerede passert")
    job = pending_job(session, job_id)
    job.expires_at = new_due + (job.expires_at - job.due_at)
    job.due_at = new_due
    session.add(job)
    return job
