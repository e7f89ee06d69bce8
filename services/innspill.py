"""Workshop input, the use cases: the shared live card, the deadline reminder and closing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from cards.common import attachment
from cards.innspill import LiveEntry, LiveGroup, LiveView, build_live_card
from core.i18n import t
from core.links import LinkSigner
from core.timefmt import span
from delivery.sendout import enqueue_drawn, notice_activity
from domain.innspill import group_label
from scheduler.store import Jobs, register
from storage import innspill as repo
from storage import live_cards
from storage.innspill_models import Anonymity, InnspillParticipant, InnspillSession, InnspillStatus
from storage.live_models import LiveCard
from storage.models import Member, Membership


def live_view(db: Session, s: InnspillSession) -> LiveView:
    """Counts per group; entries when live or closed; a ranked list once voting started."""
    people = {m.id: m for m in db.exec(select(Member).join(
        InnspillParticipant, col(InnspillParticipant.member_id) == Member.id)
        .where(InnspillParticipant.session_id == s.id))}
    rows = repo.entries(db, s)
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
    return {"type": "message", "text": t("innspill.service.innspill_er_oppdatert"),
            "summary": t("innspill.service.innspill_er_oppdatert"),
            "attachments": [attachment(build_live_card(live_view(db, s)))]}


# Scheduled innspill work: a reminder before the deadline, closing at the deadline.
def remind_silent(session: Session, now: datetime, *, session_id: int) -> None:
    """Queue a reminder for each active member of the group who has submitted nothing."""
    s = session.get(InnspillSession, session_id)
    if s is None or s.status != InnspillStatus.open:
        return
    wrote = set(session.exec(select(InnspillParticipant.member_id).where(
        InnspillParticipant.session_id == session_id, InnspillParticipant.entries > 0)))
    members = session.exec(select(Member.id).join(
        Membership, col(Membership.member_id) == Member.id)
        .where(Membership.group_id == s.group_id, Member.active == True))  # noqa: E712
    def reminder() -> dict[str, Any]:
        when = span(s.deadline) if s.deadline else t("innspill.service.snart")
        text = t("innspill.service.fristen_for_skriftlige", when=when)
        return notice_activity(t("innspill.service.paminnelse_innspill"),
                               [text, *repo.questions(s)])
    for member_id in members:
        if member_id not in wrote:
            enqueue_drawn(session, "reminder:input_deadline", f"innspill:{session_id}",
                          member_id or 0, reminder, now, essential=False,
                          meeting_id=s.meeting_id)


def close_at_deadline(session: Session, now: datetime, *, session_id: int) -> None:
    """Close the session at its deadline if it is still open."""
    s = session.get(InnspillSession, session_id)
    if s is None or s.status != InnspillStatus.open:
        return
    try:
        repo.transition(session, s, "close", now)
    except repo.InnspillError:
        return  # the secretariat closed (or moved) it in the same moment
    live_cards.mark_dirty(session, repo.LIVE_KIND, session_id, urgent=True)


def register_jobs(jobs: Jobs, links: LinkSigner) -> None:  # noqa: ARG001
    """The innspill feature's scheduled jobs: the deadline reminder and closing."""
    register(jobs, "innspill_reminder", remind_silent)
    register(jobs, "innspill_close", close_at_deadline)
