"""Privacy use cases: a member's export and erasure (audited), the daily retention job."""

from __future__ import annotations

import getpass
import json
import socket
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.links import LinkError, LinkSigner
from core.timefmt import OSLO
from scheduler.store import Jobs, register, schedule
from storage import audit, privacy
from storage.db import session_scope
from storage.members import names_by_id
from storage.models import AuditEntry, Member

JOB_KIND = "privacy_retention"
RUN_AT = time(3, 0)  # Oslo time: a quiet hour
MYDATA_HOURS = 1


def cli_actor() -> str:
    """Who ran a CLI command, as the audit log names it: `cli:<user>@<host>`."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "ukjent"
    return f"cli:{user}@{socket.gethostname()}"


def export_member(session: Session, member_id: int, now: datetime, *, actor_member_id: int | None,
                  actor: str = "") -> dict[str, Any]:
    """A member's data as JSON; the export is audited (who and whose, never the content)."""
    data = privacy.export(session, member_id)
    audit.record(session, action="member.export", actor_member_id=actor_member_id,
                 target=f"member:{member_id}", detail=f"actor={actor}" if actor else "", at=now)
    return data


def erase_member(session: Session, member_id: int, now: datetime, *, actor_member_id: int | None,
                 actor: str = "", reference: str = "") -> list[str]:
    """Erase a person and audit it: who asked, when, what kinds, the reference; no copy."""
    kinds = privacy.erase(session, member_id, now)
    detail = f"kinds={','.join(kinds)}"
    if reference:
        detail += f" reference={reference}"
    if actor:
        detail = f"actor={actor} {detail}"
    # The actor's id is dropped when people erase themselves: it would point at the erased row.
    audit.record(session, action="member.erase",
                 actor_member_id=None if actor_member_id == member_id else actor_member_id,
                 target=f"member:{member_id}", detail=detail, at=now)
    return kinds


def mydata_url(links: LinkSigner, member: Member, now: datetime) -> str:
    """The signed link (purpose mydata, this member, 1 hour) to the member's JSON file."""
    return links.url("mydata", member.id or 0, now + timedelta(hours=MYDATA_HOURS),
                     recipient=member.aad_object_id or "")


def mydata_json(session: Session, links: LinkSigner, token: str,
                now: datetime) -> tuple[int, bytes]:
    """(HTTP status, body) for GET /mydata/{token}: the member's JSON, or why not (Norwegian)."""
    try:
        link = links.check("mydata", token, now)
    except LinkError as exc:
        return 403, str(exc).encode()
    member = session.get(Member, link.subject)
    if member is None or not member.aad_object_id or member.aad_object_id != link.recipient:
        return 404, b"Fant ingen data for denne lenken."
    data = export_member(session, link.subject, now, actor_member_id=link.subject,
                         actor="mydata-link")
    return 200, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _day(now: datetime) -> str:
    return now.astimezone(OSLO).date().isoformat()


def _next_run(now: datetime) -> datetime:
    local = now.astimezone(OSLO)
    at = datetime.combine(local.date(), RUN_AT, OSLO)
    if at <= local:
        at = datetime.combine(local.date() + timedelta(days=1), RUN_AT, OSLO)
    return at.astimezone(now.tzinfo or OSLO)


def schedule_next(session: Session, now: datetime) -> None:
    """Put the next daily run in the job table once (every instance may ask; one row wins)."""
    due = _next_run(now)
    schedule(session, JOB_KIND, _day(due), {}, due, due + timedelta(hours=20), now,
             "Sletting etter lagringsreglene")


def ensure_scheduled(engine: Engine, now: datetime) -> None:
    """At start: make sure the daily job is in the table (idempotent across instances)."""
    with session_scope(engine) as session:
        schedule_next(session, now)


def retention_job(session: Session, now: datetime) -> None:
    """The daily job: apply every retention rule once for today, then queue tomorrow's run."""
    done = privacy.apply_retention(session, now, _day(now))
    if done:
        audit.record(session, action="privacy.retention", target=_day(now),
                     detail=" ".join(f"{k}={v}" for k, v in done.items()), at=now)
    schedule_next(session, now + timedelta(minutes=1))


def register_jobs(jobs: Jobs, links: LinkSigner) -> None:  # noqa: ARG001
    """The privacy feature's scheduled job: the daily retention run."""
    register(jobs, JOB_KIND, retention_job)


def record_read(session: Session, action: str, actor_member_id: int | None, now: datetime,
                actor: str = "", target: str = "") -> None:
    """Audit a read of personal data (the member list, dietary needs, the audit log)."""
    audit.record(session, action=action, actor_member_id=actor_member_id, target=target,
                 detail=f"actor={actor}" if actor else "", at=now)


def actor_of(entry: AuditEntry, names: dict[int, str]) -> str:
    """Who did it: the member's name, else the `actor=` word of the detail, else «ukjent»."""
    if entry.actor_member_id and entry.actor_member_id in names:
        return names[entry.actor_member_id]
    for word in entry.detail.split():
        if word.startswith("actor="):
            return word[6:]
    return "ukjent"


def audit_entries(session: Session, *, since: datetime | None = None,
                  who: list[int] | None = None, action: str | None = None,
                  limit: int | None = None) -> list[tuple[AuditEntry, str]]:
    """Audit entries, newest first, each with who did it (a name or `cli:<user>@<host>`)."""
    query = select(AuditEntry)
    if since is not None:
        query = query.where(col(AuditEntry.at) >= since)
    if who is not None:
        query = query.where(col(AuditEntry.actor_member_id).in_(who))
    if action:
        query = query.where(col(AuditEntry.action).startswith(action))
    query = query.order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
    if limit:
        query = query.limit(limit)
    entries = list(session.exec(query))
    names = names_by_id(session, [e.actor_member_id for e in entries if e.actor_member_id])
    return [(e, actor_of(e, names)) for e in entries]


def record_cli_command(engine: Engine, command: str, now: datetime) -> None:
    """One audit row for a CLI command that ran: who (`cli:<user>@<host>`), what and when."""
    with session_scope(engine) as session:
        audit.record(session, action=command, detail=f"actor={cli_actor()}", at=now)
