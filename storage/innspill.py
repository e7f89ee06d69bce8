"""Workshop input sessions: the state machine, participants, ownership tokens, groups."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import datetime

from sqlmodel import Session, col, func, select

# InnspillError, STATUS_NB and TRANSITIONS are re-exported: callers know them from here.
from domain.innspill import STATUS_NB as STATUS_NB
from domain.innspill import TRANSITIONS as TRANSITIONS
from domain.innspill import InnspillError as InnspillError
from domain.innspill import Pick, Placement, assign, next_status
from storage.innspill_models import (
    InnspillEntry,
    InnspillParticipant,
    InnspillSession,
    InnspillStatus,
)
from storage.models import Member

LIVE_KIND = "innspill"  # the shared card's kind in live_card


def advance(s: InnspillSession, event: str, now: datetime) -> InnspillSession:
    """Move the session along TRANSITIONS, or refuse with a Norwegian reason."""
    target = next_status(InnspillStatus(s.status), event)
    s.status, s.updated_at = target, now  # callers mark the live card (they hold the session)
    return s


def questions(s: InnspillSession) -> list[str]:
    return list(json.loads(s.questions))


def areas(s: InnspillSession) -> list[str]:
    return list(json.loads(s.areas))


def create(db: Session, *, questions_: list[str], areas_: list[str], now: datetime,
           **fields: object) -> InnspillSession:
    """A new session in draft."""
    s = InnspillSession(questions=json.dumps(questions_, ensure_ascii=False),
                        areas=json.dumps(areas_, ensure_ascii=False), salt=secrets.token_hex(16),
                        created_at=now, updated_at=now, **fields)  # type: ignore[arg-type]
    db.add(s)
    db.flush()
    return s


def token_hash(s: InnspillSession, token: str) -> str:
    return hmac.new(s.salt.encode(), token.encode(), hashlib.sha256).hexdigest()


def participant(db: Session, s: InnspillSession, member_id: int) -> InnspillParticipant:
    """This member's counter row, created on first use."""
    row = db.exec(select(InnspillParticipant).where(
        InnspillParticipant.session_id == s.id, InnspillParticipant.member_id == member_id)).first()
    if row is None:
        row = InnspillParticipant(session_id=s.id or 0, member_id=member_id)
        db.add(row)
        db.flush()
    return row


def placements(db: Session, s: InnspillSession) -> dict[int, Placement]:
    """Every participant's group, computed from all picks (deterministic)."""
    rows = db.exec(select(InnspillParticipant, Member.organisation)
                   .join(Member, col(Member.id) == InnspillParticipant.member_id)
                   .where(InnspillParticipant.session_id == s.id, InnspillParticipant.area != ""))
    return assign([Pick(p.member_id, p.area, org) for p, org in rows], s.group_size)


def list_sessions(db: Session) -> list[tuple[InnspillSession, int, int]]:
    """Every session with its visible entry count and participant count, by id."""
    out = []
    for s in db.exec(select(InnspillSession).order_by(col(InnspillSession.id))):
        people = db.exec(select(InnspillParticipant).where(
            InnspillParticipant.session_id == s.id)).all()
        out.append((s, _visible_count(db, s), sum(1 for p in people if p.entries)))
    return out


def _visible_count(db: Session, s: InnspillSession) -> int:
    """Entries neither hidden nor merged (as storage.innspill_entries.entries counts them)."""
    return db.exec(select(func.count()).select_from(InnspillEntry).where(
        InnspillEntry.session_id == s.id, InnspillEntry.hidden == False,  # noqa: E712
        col(InnspillEntry.merged_into_id).is_(None))).one()
