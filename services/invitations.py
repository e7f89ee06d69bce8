"""Invitation views and payloads from the database: the same card for the send-out and a click."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.dates import format_date
from sqlmodel import Session, col, select

from cards.common import attachment
from cards.invitation import InvitationView, ProgrammeLine, build_invitation_card
from core.timefmt import LOCALE, clock, span, to_oslo
from services import ics
from storage import rsvp as repo
from storage.meeting_models import (
    AgendaItem,
    Meeting,
    MeetingDocument,
    MeetingGroup,
    MeetingStatus,
    ProgrammeItem,
)
from storage.models import Member, WorkingGroup

PURPOSE = "invitation"


def subject(meeting_id: int) -> str:
    """The send-out subject of a meeting's invitation."""
    return f"meeting:{meeting_id}"


def when_text(meeting: Meeting) -> str:
    """'torsdag 31. august 2023 kl. 09.00–10.30', or the TBA text."""
    if meeting.starts_at is None:
        return meeting.date_text or "tid kommer"
    return span(meeting.starts_at, meeting.ends_at)


def group_names(session: Session, meeting_id: int) -> str:
    """'Faggruppe for næringssamarbeid' (joint meetings: names joined)."""
    names = session.exec(select(WorkingGroup.name).join(
        MeetingGroup, col(MeetingGroup.group_id) == WorkingGroup.id)
        .where(MeetingGroup.meeting_id == meeting_id).order_by(col(WorkingGroup.name)))
    return " og ".join(names)


def _programme_line(item: ProgrammeItem, chosen: set[int]) -> ProgrammeLine:
    day = format_date(item.day, "EEEE d. MMMM", locale=LOCALE)
    time = ""
    if item.starts_at:
        time = f"kl. {clock(item.starts_at)}" + (f"–{clock(item.ends_at)}" if item.ends_at else "")
    return ProgrammeLine(item.id or 0, day, time, item.place, item.what, item.asks_rsvp,
                         (item.id or 0) in chosen)


def build_view(session: Session, meeting: Meeting, now: datetime, member: Member | None = None,
               notice: str = "", ics_url: str = "") -> InvitationView:
    """The invitation as `member` sees it now (no member: the copy everyone gets)."""
    mid = meeting.id or 0
    agenda = session.exec(select(AgendaItem).where(AgendaItem.meeting_id == mid)
                          .order_by(col(AgendaItem.number)))
    docs = session.exec(select(MeetingDocument).where(MeetingDocument.meeting_id == mid)
                        .order_by(col(MeetingDocument.id)))
    items = list(session.exec(select(ProgrammeItem).where(ProgrammeItem.meeting_id == mid)
                              .order_by(col(ProgrammeItem.day), col(ProgrammeItem.position))))
    answer = repo.get_answer(session, mid, member.id or 0) if member else None
    chosen = repo.chosen_items(session, member.id or 0, [i.id or 0 for i in items if
                                                          i.asks_rsvp]) if member else set()
    due = repo.deadline(meeting)
    ics_url = ics_url or ics.link_for(session, meeting)
    today = meeting.starts_at is not None and to_oslo(meeting.starts_at).date() == \
        to_oslo(now).date()
    return InvitationView(
        meeting_id=mid, version=meeting.version, groups=group_names(session, mid),
        title=meeting.title, when=when_text(meeting), place=meeting.place,
        online_url=meeting.online_url, agenda=[(a.number, a.title) for a in agenda],
        documents=[(d.title, d.url) for d in docs], preparation=meeting.preparation,
        programme=[_programme_line(i, chosen) for i in items],
        deadline=span(due) if due else "", deadline_passed=bool(due and now >= due),
        cancelled=meeting.status == MeetingStatus.cancelled,
        answer=str(answer.answer) if answer else None,
        comment=answer.comment if answer else "", dietary=answer.dietary if answer else "",
        deputy=answer.deputy_name if answer else "",
        late_cancelled=bool(answer and answer.late_cancellation), notice=notice,
        ics_url=ics_url, checkin=today and meeting.status != MeetingStatus.cancelled)


def card_for(session: Session, meeting: Meeting, now: datetime, member: Member | None = None,
             notice: str = "") -> dict[str, Any]:
    """The invitation card dict."""
    return build_invitation_card(build_view(session, meeting, now, member, notice))


def activity_for(card: dict[str, Any], meeting: Meeting) -> dict[str, Any]:
    """A message activity with the card and a text for the phone's notification."""
    text = f"Innkalling: {meeting.title} – {when_text(meeting)}"
    if meeting.status == MeetingStatus.cancelled:
        text = f"AVLYST: {meeting.title} – {when_text(meeting)}"
    return {"type": "message", "text": text, "summary": text, "attachments": [attachment(card)]}
