"""Workshop input: sessions and their state, participants, ownership tokens, entries, votes."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, col, func, select

from domain.innspill import STATUS_NB as STATUS_NB
from domain.innspill import TRANSITIONS as TRANSITIONS
from domain.innspill import ExportEntry, Pick, Placement, assign, next_status
from domain.innspill import InnspillError as InnspillError
from storage.delivery import insert_ignore
from storage.innspill_models import (
    Anonymity,
    InnspillEntry,
    InnspillParticipant,
    InnspillSession,
    InnspillStatus,
)
from storage.live_cards import mark_dirty
from storage.models import Member

# InnspillError, STATUS_NB and TRANSITIONS are re-exported: callers know them from here.

LIVE_KIND = "innspill"  # the shared card's kind in live_card


def advance(s: InnspillSession, event: str, now: datetime) -> InnspillSession:
    """Move the session along TRANSITIONS, or refuse with a Norwegian reason."""
    target = next_status(InnspillStatus(s.status), event)
    s.status, s.updated_at = target, now  # callers mark the live card (they hold the session)
    return s


def transition(db: Session, s: InnspillSession, event: str, now: datetime) -> InnspillSession:
    """advance, stored with a guarded UPDATE: of two presses at once only one moves the status."""
    target = next_status(InnspillStatus(s.status), event)
    moved = db.execute(update(InnspillSession).where(
        col(InnspillSession.id) == s.id, col(InnspillSession.status) == s.status)
        .values(status=target.value, updated_at=now)
        .execution_options(synchronize_session=False))
    db.refresh(s)
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise InnspillError(f"Innspillet ble endret samtidig og er nå {STATUS_NB[s.status]}.")
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
    """Entries neither hidden nor merged (as entries() below counts them)."""
    return db.exec(select(func.count()).select_from(InnspillEntry).where(
        InnspillEntry.session_id == s.id, InnspillEntry.hidden == False,  # noqa: E712
        col(InnspillEntry.merged_into_id).is_(None))).one()


# Workshop input entries: add, edit and delete through tokens, votes, merges, export.
S = InnspillStatus
TEXT_LIMIT = 1000


def check_text(text: str) -> str:
    """Trimmed text, or InnspillError for empty or too long."""
    text = text.strip()
    if not text:
        raise InnspillError("Innspillet er tomt. Skriv noe i feltet før du sender inn.")
    if len(text) > TEXT_LIMIT:
        raise InnspillError(f"Innspillet er for langt ({len(text)} tegn, maks {TEXT_LIMIT}). "
                            "Teksten din er beholdt – kort den ned og send igjen.")
    return text


def _require_open(s: InnspillSession) -> None:
    if s.status != S.open:
        raise InnspillError(f"Innspillet er {STATUS_NB[s.status]}: du kan ikke sende inn "
                            "eller endre nå. Det du har sendt inn før, er tatt vare på.")


def add_entry(db: Session, s: InnspillSession, member: Member, text: str, question_no: int,
              now: datetime) -> tuple[InnspillEntry, str]:
    """Store an entry; returns it with the owner's token (never stored in clear)."""
    _require_open(s)
    text = check_text(text)
    if not 0 <= question_no < len(questions(s)):
        raise InnspillError("Ukjent spørsmål. Åpne innspillskortet på nytt.")
    p = participant(db, s, member.id or 0)
    if areas(s) and not p.area:
        raise InnspillError("Velg et interesseområde før du skriver innspill.")
    # Still open, checked in SQL: a close that committed after `s` was read wins.
    _lock_if_open(db, s)
    # The limit is checked and counted in one statement: two submits at once cannot both pass.
    if _bump(db, p, "entries", +1, below=s.max_entries) is None:
        raise InnspillError(f"Du har allerede sendt inn {s.max_entries} innspill, som er "
                            "maks. Endre eller slett ett av dem for å skrive et nytt.")
    token = secrets.token_urlsafe(16)
    full = s.anonymity == Anonymity.full
    entry = InnspillEntry(session_id=s.id or 0, question_no=question_no, area=p.area, text=text,
                          author_member_id=None if full else member.id,
                          organisation="" if full else member.organisation,
                          token_hash=token_hash(s, token))
    s.updated_at = now
    mark_dirty(db, LIVE_KIND, s.id or 0)
    db.add_all([entry, s])
    db.flush()
    return entry, token


def _lock_if_open(db: Session, s: InnspillSession) -> None:
    """Hold the session row while it is open, checked in SQL; InnspillError otherwise.

    The status read earlier in Python may be stale: a close that committed since then
    makes this guarded (no-op) UPDATE match no row; on PostgreSQL it waits for a close
    under way and re-reads the row, and a later close waits for this transaction. So an
    entry is never inserted into a session that is no longer open.
    """
    touched = db.execute(update(InnspillSession).where(
        col(InnspillSession.id) == s.id, col(InnspillSession.status) == S.open.value)
        .values(status=S.open.value).execution_options(synchronize_session=False))
    db.refresh(s)
    if touched.rowcount != 1:  # type: ignore[attr-defined]
        _require_open(s)
        raise InnspillError("Innspillet finnes ikke lenger.")


def _bump(db: Session, p: InnspillParticipant, column: str, by: int, *,
          below: int | None = None) -> int | None:
    """Add `by` to a participant counter in SQL; the new value, or None when the guard held.

    `below`: only while the counter is under this limit; a decrement never goes under 0.
    """
    counter = getattr(InnspillParticipant, column)
    guard = counter < below if below is not None else counter + by >= 0
    new = db.execute(update(InnspillParticipant)
                     .where(col(InnspillParticipant.id) == p.id, guard)
                     .values({column: counter + by}).returning(counter)
                     .execution_options(synchronize_session=False)).scalar()
    db.expire(p, [column])
    return None if new is None else int(new)


def owned(db: Session, s: InnspillSession, member: Member,
          tokens: dict[int, str]) -> list[InnspillEntry]:
    """The member's own entries: by author, or (fully anonymous) by the tokens in their card."""
    if s.anonymity != Anonymity.full:
        return list(db.exec(select(InnspillEntry).where(
            InnspillEntry.session_id == s.id, InnspillEntry.author_member_id == member.id)
            .order_by(col(InnspillEntry.id))))
    rows = db.exec(select(InnspillEntry).where(InnspillEntry.session_id == s.id,
                                               col(InnspillEntry.id).in_(list(tokens))))
    return sorted((e for e in rows if hmac.compare_digest(
        e.token_hash, token_hash(s, tokens.get(e.id or 0, "")))), key=lambda e: e.id or 0)


def own_entry(db: Session, s: InnspillSession, member: Member, entry_id: int,
              tokens: dict[int, str]) -> InnspillEntry:
    """One of the member's own entries, or InnspillError (someone else's or unknown)."""
    for entry in owned(db, s, member, tokens):
        if entry.id == entry_id:
            return entry
    raise InnspillError("Det innspillet er ikke ditt, eller finnes ikke lenger. "
                        "Du kan bare endre dine egne innspill.")


def any_entry(db: Session, s: InnspillSession, entry_id: int) -> InnspillEntry:
    """Any entry of the session (the secretariat's moderation), or InnspillError."""
    entry = db.get(InnspillEntry, entry_id)
    if entry is None or entry.session_id != s.id:
        raise InnspillError("Fant ikke det innspillet. Åpne kortet på nytt.")
    return entry


def edit_entry(db: Session, s: InnspillSession, entry: InnspillEntry, text: str,
               now: datetime) -> None:
    """Replace the text of an own entry while the session is open."""
    _require_open(s)
    entry.text = check_text(text)
    s.updated_at = now
    mark_dirty(db, LIVE_KIND, s.id or 0)
    db.add_all([entry, s])
    db.flush()


def delete_entry(db: Session, s: InnspillSession, entry: InnspillEntry, counted_for: int | None,
                 now: datetime) -> None:
    """Remove an entry while open; the count of `counted_for` (its writer) goes down with it.

    A fully anonymous entry deleted by the secretariat has no known writer: no count changes.
    """
    _require_open(s)
    db.execute(update(InnspillEntry).where(col(InnspillEntry.merged_into_id) == entry.id)
               .values(merged_into_id=None)  # a duplicate merged into it stands on its own
               .execution_options(synchronize_session=False))
    # The DELETE decides: of two deletes at once only the one that removed the row counts down.
    gone = db.execute(delete(InnspillEntry).where(col(InnspillEntry.id) == entry.id)
                      .execution_options(synchronize_session=False)).rowcount  # type: ignore
    db.expunge(entry)
    if gone != 1:
        raise InnspillError("Innspillet er allerede slettet.")
    if counted_for is not None:
        _bump(db, participant(db, s, counted_for), "entries", -1)
    s.updated_at = now
    mark_dirty(db, LIVE_KIND, s.id or 0)
    db.add(s)
    db.flush()


def entries(db: Session, s: InnspillSession, *, visible_only: bool = True) -> list[InnspillEntry]:
    """Entries of a session in order; by default without hidden and merged ones."""
    stmt = select(InnspillEntry).where(InnspillEntry.session_id == s.id)
    if visible_only:
        stmt = stmt.where(InnspillEntry.hidden == False,  # noqa: E712
                          col(InnspillEntry.merged_into_id).is_(None))
    return list(db.exec(stmt.order_by(col(InnspillEntry.id))))


def vote(db: Session, s: InnspillSession, member: Member, entry_id: int) -> int:
    """One dot on an entry; returns the votes the member has left."""
    if s.status != S.voting:
        raise InnspillError("Prioriteringen er ikke åpen nå.")
    entry = db.get(InnspillEntry, entry_id)
    if entry is None or entry.session_id != s.id or entry.hidden or entry.merged_into_id:
        raise InnspillError("Fant ikke det innspillet. Åpne kortet på nytt.")
    p = participant(db, s, member.id or 0)
    used = _bump(db, p, "votes_used", +1, below=s.votes_per_member)
    if used is None:
        raise InnspillError(f"Du har brukt alle {s.votes_per_member} stemmene dine.")
    # Added in SQL, and only while the entry still stands (a merge or hide may have won).
    counted = db.execute(update(InnspillEntry).where(
        col(InnspillEntry.id) == entry_id, col(InnspillEntry.hidden) == False,  # noqa: E712
        col(InnspillEntry.merged_into_id).is_(None))
        .values(votes=InnspillEntry.votes + 1)
        .execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
    db.expire(entry, ["votes"])
    if counted != 1:
        _bump(db, p, "votes_used", -1)  # the dot goes back to the member
        raise InnspillError("Fant ikke det innspillet. Åpne kortet på nytt.")
    mark_dirty(db, LIVE_KIND, s.id or 0)
    db.flush()
    return s.votes_per_member - used


def merge(db: Session, s: InnspillSession, source_id: int, target_id: int) -> None:
    """Fold a duplicate into another entry: kept, not shown, its votes added on."""
    src, dst = db.get(InnspillEntry, source_id), db.get(InnspillEntry, target_id)
    if (src is None or dst is None or src.session_id != s.id or dst.session_id != s.id
            or source_id == target_id or dst.merged_into_id):
        raise InnspillError("Velg to ulike innspill fra denne økten for å slå sammen.")
    e = InnspillEntry
    # Claiming the source first locks it: a vote on it waits, then finds it merged and is
    # given back; the votes move in SQL, so none cast meanwhile is lost.
    claimed = db.execute(update(e).where(col(e.id) == source_id,
                                         col(e.merged_into_id).is_(None))
                         .values(merged_into_id=target_id)
                         .execution_options(synchronize_session=False)).rowcount  # type: ignore
    if claimed != 1:
        raise InnspillError("Det innspillet er allerede slått sammen med et annet.")
    moved = select(e.votes).where(col(e.id) == source_id).scalar_subquery()
    db.execute(update(e).where(col(e.id) == target_id).values(votes=e.votes + moved)
               .execution_options(synchronize_session=False))
    db.execute(update(e).where(col(e.id) == source_id).values(votes=0)
               .execution_options(synchronize_session=False))
    db.expire(src)
    db.expire(dst)
    mark_dirty(db, LIVE_KIND, s.id or 0)
    db.flush()


def export_entries(db: Session, s: InnspillSession) -> list[ExportEntry]:
    """Visible entries for the export; municipality only when the session is named."""
    qs = questions(s)
    return [ExportEntry(e.area, qs[e.question_no] if e.question_no < len(qs) else "", e.text,
                        e.votes, e.organisation if s.anonymity == Anonymity.named else "")
            for e in entries(db, s)]


def contributors(session: Session, s: InnspillSession) -> list[InnspillParticipant]:
    """Participants who have written at least one entry."""
    return list(session.exec(select(InnspillParticipant).where(
        InnspillParticipant.session_id == s.id, InnspillParticipant.entries > 0)))
