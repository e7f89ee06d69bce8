"""Workshop input: sessions and their state, participants, ownership tokens, entries, votes."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import datetime

from sqlmodel import Session, col, func, select

from domain.innspill import STATUS_NB as STATUS_NB
from domain.innspill import TRANSITIONS as TRANSITIONS
from domain.innspill import ExportEntry, Pick, Placement, assign, next_status
from domain.innspill import InnspillError as InnspillError
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
    if p.entries >= s.max_entries:
        raise InnspillError(f"Du har allerede sendt inn {s.max_entries} innspill, som er "
                            "maks. Endre eller slett ett av dem for å skrive et nytt.")
    token = secrets.token_urlsafe(16)
    full = s.anonymity == Anonymity.full
    entry = InnspillEntry(session_id=s.id or 0, question_no=question_no, area=p.area, text=text,
                          author_member_id=None if full else member.id,
                          organisation="" if full else member.organisation,
                          token_hash=token_hash(s, token))
    p.entries += 1
    s.updated_at = now
    mark_dirty(db, LIVE_KIND, s.id or 0)
    db.add_all([entry, p, s])
    db.flush()
    return entry, token


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


def edit_entry(db: Session, s: InnspillSession, entry: InnspillEntry, text: str,
               now: datetime) -> None:
    """Replace the text of an own entry while the session is open."""
    _require_open(s)
    entry.text = check_text(text)
    s.updated_at = now
    mark_dirty(db, LIVE_KIND, s.id or 0)
    db.add_all([entry, s])
    db.flush()


def delete_entry(db: Session, s: InnspillSession, entry: InnspillEntry, member: Member,
                 now: datetime) -> None:
    """Remove an own entry while open; the member's count goes down with it."""
    _require_open(s)
    p = participant(db, s, member.id or 0)
    p.entries = max(0, p.entries - 1)
    for other in db.exec(select(InnspillEntry).where(InnspillEntry.merged_into_id == entry.id)):
        other.merged_into_id = None  # a duplicate merged into it stands on its own again
        db.add(other)
    db.delete(entry)
    s.updated_at = now
    mark_dirty(db, LIVE_KIND, s.id or 0)
    db.add_all([p, s])
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
    if p.votes_used >= s.votes_per_member:
        raise InnspillError(f"Du har brukt alle {s.votes_per_member} stemmene dine.")
    p.votes_used += 1
    entry.votes += 1
    mark_dirty(db, LIVE_KIND, s.id or 0)
    db.add_all([p, entry, s])
    db.flush()
    return s.votes_per_member - p.votes_used


def merge(db: Session, s: InnspillSession, source_id: int, target_id: int) -> None:
    """Fold a duplicate into another entry: kept, not shown, its votes added on."""
    src, dst = db.get(InnspillEntry, source_id), db.get(InnspillEntry, target_id)
    if (src is None or dst is None or src.session_id != s.id or dst.session_id != s.id
            or source_id == target_id or dst.merged_into_id):
        raise InnspillError("Velg to ulike innspill fra denne økten for å slå sammen.")
    src.merged_into_id, dst.votes, src.votes = dst.id, dst.votes + src.votes, 0
    mark_dirty(db, LIVE_KIND, s.id or 0)
    db.add_all([src, dst, s])
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
