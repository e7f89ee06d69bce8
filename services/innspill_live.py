"""The shared innspill card (counts, groups, entries) as the database has it now."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from cards.common import attachment
from cards.innspill_live import LiveEntry, LiveGroup, LiveView, build_live_card
from core.timefmt import span
from domain.innspill import group_label
from storage import innspill as repo
from storage import innspill_entries as entry_repo
from storage.innspill_models import Anonymity, InnspillParticipant, InnspillSession
from storage.live_models import LiveCard
from storage.models import Member


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


def render(db: Session, card: LiveCard, _now: datetime) -> dict[str, Any] | None:
    """The redrawn shared card (None: the session is gone)."""
    s = db.get(InnspillSession, card.subject_id)
    if s is None:
        return None
    return {"type": "message", "text": "Innspill er oppdatert", "summary": "Innspill er oppdatert",
            "attachments": [attachment(build_live_card(live_view(db, s)))]}
