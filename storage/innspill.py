"""Workshop input sessions: the state machine, participants, ownership tokens, groups."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from services.innspill_groups import Pick, Placement, assign
from storage.delivery import insert_ignore
from storage.innspill_models import (
    InnspillEntry,
    InnspillParticipant,
    InnspillSession,
    InnspillStatus,
)
from storage.models import Member

S = InnspillStatus
# (from, event) -> to: the only way a session's status changes.
TRANSITIONS: dict[tuple[InnspillStatus, str], InnspillStatus] = {
    (S.draft, "open"): S.open,
    (S.open, "close"): S.closed,
    (S.closed, "reopen"): S.open,
    (S.closed, "vote"): S.voting,
    (S.voting, "finish"): S.done,
    (S.closed, "finish"): S.done,
}


LIVE_KIND = "innspill"  # the shared card's kind in live_card


class InnspillError(ValueError):
    """Refused: the message is Norwegian and safe to show."""


def next_status(s: InnspillSession, event: str) -> InnspillStatus:
    """Where TRANSITIONS leads from the session's status, or a Norwegian refusal."""
    target = TRANSITIONS.get((InnspillStatus(s.status), event))
    if target is None:
        raise InnspillError(f"Kan ikke «{event}» når innspillet er {STATUS_NB[s.status]}.")
    return target


def advance(s: InnspillSession, event: str, now: datetime) -> InnspillSession:
    """Move the session along TRANSITIONS, or refuse with a Norwegian reason."""
    s.status, s.updated_at = next_status(s, event), now  # callers mark the live card
    return s


def transition(db: Session, s: InnspillSession, event: str, now: datetime) -> InnspillSession:
    """advance, stored with a guarded UPDATE: of two presses at once only one moves the status."""
    target = next_status(s, event)
    moved = db.execute(update(InnspillSession).where(
        col(InnspillSession.id) == s.id, col(InnspillSession.status) == s.status)
        .values(status=target.value, updated_at=now)
        .execution_options(synchronize_session=False))
    db.refresh(s)
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise InnspillError(f"Innspillet ble endret samtidig og er nå {STATUS_NB[s.status]}.")
    return s


STATUS_NB = {S.draft: "et utkast", S.open: "åpent", S.closed: "stengt",
             S.voting: "i prioritering", S.done: "avsluttet"}


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


def find_participant(db: Session, s: InnspillSession,
                     member_id: int) -> InnspillParticipant | None:
    """This member's counter row, if they have one (a look writes nothing)."""
    return db.exec(select(InnspillParticipant).where(
        InnspillParticipant.session_id == s.id, InnspillParticipant.member_id == member_id
    ).execution_options(populate_existing=True)).first()


def participant(db: Session, s: InnspillSession, member_id: int) -> InnspillParticipant:
    """This member's counter row, created on first use (two first clicks at once make one)."""
    query = select(InnspillParticipant).where(
        InnspillParticipant.session_id == s.id, InnspillParticipant.member_id == member_id
    ).execution_options(populate_existing=True)  # counters change in SQL: never a stale copy
    row = db.exec(query).first()
    if row is None:
        insert_ignore(db, InnspillParticipant, [{"session_id": s.id or 0, "member_id": member_id,
                                                 "area": "", "entries": 0, "votes_used": 0}])
        row = db.exec(query).one()
    return row


def pick_area(db: Session, p: InnspillParticipant, area: str) -> bool:
    """Join an interest group; False once the member has written in another one."""
    moved = db.execute(update(InnspillParticipant).where(
        col(InnspillParticipant.id) == p.id,
        (col(InnspillParticipant.area) == "") | (col(InnspillParticipant.entries) == 0)
        | (col(InnspillParticipant.area) == area))
        .values(area=area).execution_options(synchronize_session=False))
    db.expire(p, ["area"])
    return bool(moved.rowcount)  # type: ignore[attr-defined]


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
