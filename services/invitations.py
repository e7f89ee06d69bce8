"""Invitation views and payloads from the database: the same card for the send-out and a click."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from babel.dates import format_date
from sqlalchemy import bindparam
from sqlalchemy import select as core_select
from sqlmodel import Session

from cards.common import attachment
from cards.invitation import InvitationView, ProgrammeLine, build_invitation_card
from core.timefmt import LOCALE, clock, span, to_oslo
from services import ics
from storage import graph as outlook_repo
from storage import rsvp as repo
from storage.db import table
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
# Built once and read as plain rows: a click rebuilds this card, and composing ORM statements
# cost more CPU than SQLite took to run them.
_A, _D, _P = table(AgendaItem).c, table(MeetingDocument).c, table(ProgrammeItem).c
_G, _MG = table(WorkingGroup).c, table(MeetingGroup).c
_AGENDA = core_select(_A.number, _A.title).where(_A.meeting_id == bindparam("m")) \
    .order_by(_A.number)
_DOCS = core_select(_D.title, _D.url).where(_D.meeting_id == bindparam("m")).order_by(_D.id)
_PROGRAMME = core_select(_P.id, _P.day, _P.starts_at, _P.ends_at, _P.place, _P.what,
                         _P.asks_rsvp).where(_P.meeting_id == bindparam("m")) \
    .order_by(_P.day, _P.position)
_GROUPS = core_select(_G.name).join_from(table(WorkingGroup), table(MeetingGroup),
                                         _MG.group_id == _G.id) \
    .where(_MG.meeting_id == bindparam("m")).order_by(_G.name)


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
    return " og ".join(session.execute(_GROUPS, {"m": meeting_id}).scalars())


@lru_cache(maxsize=512)
def _day(day: date) -> str:
    return format_date(day, "EEEE d. MMMM", locale=LOCALE)  # Babel: ~50 µs a call


def _programme_line(item: Any, chosen: set[int]) -> ProgrammeLine:
    """One line from a programme row (a ProgrammeItem or a row with its columns)."""
    day = _day(item.day)
    time = ""
    if item.starts_at:
        time = f"kl. {clock(item.starts_at)}" + (f"–{clock(item.ends_at)}" if item.ends_at else "")
    return ProgrammeLine(item.id or 0, day, time, item.place, item.what, item.asks_rsvp,
                         (item.id or 0) in chosen)


def build_view(session: Session, meeting: Meeting, now: datetime, member: Member | None = None,
               notice: str = "", ics_url: str = "") -> InvitationView:
    """The invitation as `member` sees it now (no member: the copy everyone gets)."""
    mid = meeting.id or 0
    agenda = session.execute(_AGENDA, {"m": mid})
    docs = session.execute(_DOCS, {"m": mid})
    items = list(session.execute(_PROGRAMME, {"m": mid}))
    answer = repo.answer_row(session, mid, member.id or 0) if member else None
    chosen = repo.chosen_items(session, member.id or 0, [i.id or 0 for i in items if
                                                          i.asks_rsvp]) if member else set()
    due = repo.deadline(meeting)
    ics_url = ics_url or ics.link_for(session, meeting)
    event = outlook_repo.event_for(session, mid)
    made = event is not None and bool(event.event_id) and event.problem != "deleted"
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
        ics_url=ics_url, checkin=today and meeting.status != MeetingStatus.cancelled,
        join_url=event.join_url if made and event else "", outlook=made)


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
