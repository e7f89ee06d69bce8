"""Scheduled innspill work: a reminder before the deadline, closing at the deadline."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from core.timefmt import span
from delivery.sendout import enqueue, notice_activity
from storage import innspill as repo
from storage import live_cards
from storage.innspill_models import InnspillParticipant, InnspillSession, InnspillStatus
from storage.models import Member, Membership


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
    when = span(s.deadline) if s.deadline else "snart"
    text = (f"Fristen for skriftlige innspill er {when}. Du har ikke sendt inn noe ennå – "
            f"svar på kortet «Innspill» i chatten med meg.")
    activity = notice_activity("Påminnelse: innspill", [text, *repo.questions(s)])
    for member_id in members:
        if member_id not in wrote:
            enqueue(session, "reminder:input_deadline", f"innspill:{session_id}",
                    member_id or 0, activity, now, essential=False)


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


HANDLERS = {"innspill_reminder": remind_silent, "innspill_close": close_at_deadline}
