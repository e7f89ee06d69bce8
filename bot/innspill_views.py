"""Views for the innspill cards, read from the database, and the throttled live update."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

from botbuilder.schema import Activity, ConversationAccount
from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from bot.turn import Turn, card_message
from cards.innspill import AdminEntry, AdminView
from cards.innspill_live import LiveEntry, LiveGroup, LiveView, build_live_card
from cards.innspill_member import MemberView, OwnEntry, VoteEntry
from core.timefmt import span
from services.innspill_groups import group_label
from storage import innspill as repo
from storage import innspill_entries as entry_repo
from storage.innspill_models import Anonymity, InnspillParticipant, InnspillSession
from storage.models import Member

log = logging.getLogger(__name__)
LIVE_EVERY = timedelta(seconds=5)  # at most one PUT per live card in this window
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
    p = repo.participant(db, s, member.id or 0)
    placed = repo.placements(db, s).get(member.id or 0)
    held = encode_held({e.id or 0: tokens[e.id or 0] for e in own if (e.id or 0) in tokens})
    to_vote = [VoteEntry(e.id or 0, e.text, e.area, e.votes) for e in entry_repo.entries(db, s)]
    return MemberView(
        s.id or 0, qs, s.status, repo.areas(s), group_label(placed) if placed else "",
        [OwnEntry(e.id or 0, e.text, qs[e.question_no]) for e in own], held, s.max_entries,
        votes_left=s.votes_per_member - p.votes_used,
        to_vote=to_vote if s.status == "voting" else [], **extra)


def live_view(db: Session, s: InnspillSession) -> LiveView:
    """Counts per group; entries when live or closed; a ranked list once voting started."""
    people = {m.id: m for m in db.exec(select(Member).join(
        InnspillParticipant, col(InnspillParticipant.member_id) == Member.id)
        .where(InnspillParticipant.session_id == s.id))}
    rows = entry_repo.entries(db, s)
    by_area: dict[str, int] = {}
    for e in rows:
        by_area[e.area] = by_area.get(e.area, 0) + 1
    members: dict[str, list[str]] = {}
    for mid, placed in sorted(repo.placements(db, s).items(),
                              key=lambda kv: (kv[1].area, kv[1].subgroup, kv[0])):
        m = people[mid]
        members.setdefault(group_label(placed), []).append(f"{m.name} ({m.organisation})")
    groups = [LiveGroup(label, names, by_area.get(label.split(" – gruppe")[0], 0))
              for label, names in members.items()]
    shown = s.live_results or s.status != "open"
    ranked = s.status in ("voting", "done")
    if ranked:
        rows = sorted(rows, key=lambda e: (-e.votes, e.id or 0))
    named = s.anonymity == Anonymity.named
    entries = [LiveEntry(e.text, e.area, _name(people, e.author_member_id) if named else "",
                         e.votes) for e in rows] if shown else None
    participants = db.exec(select(InnspillParticipant).where(
        InnspillParticipant.session_id == s.id, InnspillParticipant.entries > 0)).all()
    return LiveView(s.id or 0, repo.questions(s), s.status, len(rows), len(participants),
                    groups, entries, span(s.deadline) if s.deadline else "", ranked)


def _name(people: dict[int | None, Member], member_id: int | None) -> str:
    m = people.get(member_id)
    return m.name if m else ""


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


async def refresh_live(turn: Turn, s: InnspillSession, force: bool = False) -> None:
    """PUT the live card if it changed and the window allows; otherwise leave it dirty."""
    if not s.live_activity_id or not (s.live_dirty or force):
        return
    now = turn.deps.clock.now()
    stmt = update(InnspillSession).where(col(InnspillSession.id) == s.id)
    if not force:  # claimed atomically: two turns at once send one update, not two
        stmt = stmt.where(or_(col(InnspillSession.live_updated_at).is_(None),
                              col(InnspillSession.live_updated_at) <= now - LIVE_EVERY))
    claimed = turn.session.exec(stmt.values(live_updated_at=now, live_dirty=False))  # type: ignore[call-overload]
    if claimed.rowcount != 1:
        return
    turn.session.refresh(s)
    card = build_live_card(live_view(turn.session, s))
    activity = card_message(card, "Innspill er oppdatert")
    activity.id = s.live_activity_id
    activity.conversation = ConversationAccount(id=s.live_conversation_id)
    activity.service_url = s.service_url
    turn.release_db()
    try:
        await turn.context.adapter.update_activity(turn.context, activity)
    except Exception:  # the shared card is a convenience: a failed PUT must not fail the turn
        log.warning("Kunne ikke oppdatere innspillskortet %s", s.id, exc_info=True)


def live_activity(s: InnspillSession, db: Session) -> Activity:
    """A fresh live card message (posted when the session opens)."""
    return card_message(build_live_card(live_view(db, s)), "Innspill er åpnet")
