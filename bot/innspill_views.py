"""Views for the innspill cards, read from the database (shared card: services/innspill_live)."""

from __future__ import annotations

import re
from typing import Any

from botbuilder.schema import Activity
from sqlmodel import Session, col, select

from bot.turn import card_message
from cards.innspill import AdminEntry, AdminView
from cards.innspill_live import build_live_card
from cards.innspill_member import MemberView, OwnEntry, VoteEntry
from services.innspill_groups import group_label
from services.innspill_live import live_view
from storage import innspill as repo
from storage import innspill_entries as entry_repo
from storage.innspill_models import InnspillParticipant, InnspillSession
from storage.models import Member

_HELD = re.compile(r"^(\d{1,12}):([A-Za-z0-9_-]{8,64})$")


def parse_held(held: str) -> dict[int, str]:
    """Ownership tokens from card data; anything malformed is ignored."""
    pairs = (_HELD.match(part) for part in held.split(",")[:50])
    return {int(m.group(1)): m.group(2) for m in pairs if m}


def encode_held(tokens: dict[int, str]) -> str:
    return ",".join(f"{k}:{v}" for k, v in sorted(tokens.items()))


def member_view(db: Session, s: InnspillSession, member: Member, tokens: dict[int, str],
                **extra: Any) -> MemberView:
    """The member's own view; tokens (fully anonymous) are echoed back in the card."""
    own = entry_repo.owned(db, s, member, tokens)
    qs = repo.questions(s)
    p = repo.find_participant(db, s, member.id or 0)  # a look creates no row
    placed = repo.placements(db, s).get(member.id or 0)
    held = encode_held({e.id or 0: tokens[e.id or 0] for e in own if (e.id or 0) in tokens})
    to_vote = [VoteEntry(e.id or 0, e.text, e.area, e.votes) for e in entry_repo.entries(db, s)]
    return MemberView(
        s.id or 0, qs, s.status, repo.areas(s), group_label(placed) if placed else "",
        [OwnEntry(e.id or 0, e.text, qs[e.question_no]) for e in own], held, s.max_entries,
        votes_left=s.votes_per_member - (p.votes_used if p else 0),
        to_vote=to_vote if s.status == "voting" else [], **extra)


def admin_view(db: Session, s: InnspillSession, notice: str = "") -> AdminView:
    """Everything, hidden and merged entries included, with authors unless fully anonymous."""
    rows = entry_repo.entries(db, s, visible_only=False)
    names = {m.id: m.name for m in db.exec(select(Member).where(
        col(Member.id).in_([e.author_member_id for e in rows if e.author_member_id])))}
    number = {e.id: i for i, e in enumerate(rows, 1)}
    people = db.exec(select(InnspillParticipant).where(
        InnspillParticipant.session_id == s.id, InnspillParticipant.entries > 0)).all()
    return AdminView(s.id or 0, repo.questions(s), s.status, len(people), [
        AdminEntry(e.id or 0, number[e.id], e.text, e.area,
                   names.get(e.author_member_id, ""), e.votes, e.hidden,
                   number.get(e.merged_into_id)) for e in rows], notice)


def live_activity(s: InnspillSession, db: Session) -> Activity:
    """A fresh live card message (posted when the session opens)."""
    return card_message(build_live_card(live_view(db, s)), "Innspill er åpnet")
