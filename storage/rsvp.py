"""RSVP repository: who is invited, what they answered, and the counts the cards show."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Row, bindparam
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.db import table
from storage.meeting_models import Meeting, MeetingGroup, ProgrammeItem, ProgrammeRsvp, Rsvp
from storage.meeting_models import RsvpAnswer as Answer
from storage.meetings import mark_dirty
from storage.models import Member, Membership

YES = (Answer.physical, Answer.digital)


def invitees(session: Session, meeting_id: int) -> list[Member]:
    """Active members of the meeting's groups, each once, by name."""
    groups = select(MeetingGroup.group_id).where(MeetingGroup.meeting_id == meeting_id)
    ids = select(Membership.member_id).where(col(Membership.group_id).in_(groups))
    return list(session.exec(select(Member).where(col(Member.id).in_(ids),
                                                  Member.active == True)  # noqa: E712
                             .order_by(col(Member.name), col(Member.id))))


# Built once: composing a statement costs more CPU than SQLite takes to run it (the RSVP click
# is the hottest path); plain column rows where no ORM object is needed.
_MG, _MS, _PI = table(MeetingGroup).c, table(Membership).c, table(ProgrammeItem).c
_INVITED = (core_select(_MS.member_id).join_from(table(Membership), table(MeetingGroup),
                                                 _MG.group_id == _MS.group_id)
            .where(_MG.meeting_id == bindparam("m"), _MS.member_id == bindparam("u")).limit(1))
# populate_existing: save_answer writes with Core, so an answer loaded earlier is refreshed.
_ANSWER = select(Rsvp).where(Rsvp.meeting_id == bindparam("m"), Rsvp.member_id == bindparam("u")) \
    .execution_options(populate_existing=True)
_R = table(Rsvp).c
_ANSWER_ROW = core_select(_R.answer, _R.comment, _R.dietary, _R.deputy_name,
                          _R.late_cancellation).where(_R.meeting_id == bindparam("m"),
                                                      _R.member_id == bindparam("u"))
_RSVP_ITEMS = core_select(_PI.id).where(_PI.meeting_id == bindparam("m"),
                                        _PI.asks_rsvp == True)  # noqa: E712


def is_invited(session: Session, meeting_id: int, member_id: int) -> bool:
    """True when the member belongs to one of the meeting's groups."""
    return session.execute(_INVITED, {"m": meeting_id, "u": member_id}).first() is not None


def deadline(meeting: Meeting) -> datetime | None:
    """The RSVP deadline: the one set, else the meeting's start."""
    return meeting.rsvp_deadline or meeting.starts_at


def get_answer(session: Session, meeting_id: int, member_id: int) -> Rsvp | None:
    """The member's current answer, if any."""
    return session.exec(_ANSWER, params={"m": meeting_id, "u": member_id}).first()


def answer_row(session: Session, meeting_id: int, member_id: int) -> Row[Any] | None:
    """The member's answer as a plain row, for a card (a third of the cost of an ORM load)."""
    return session.execute(_ANSWER_ROW, {"m": meeting_id, "u": member_id}).first()


@dataclass(frozen=True)
class AnswerInput:
    answer: Answer
    comment: str = ""
    dietary: str = ""
    deputy_name: str = ""
    items: dict[int, bool] = field(default_factory=dict)  # programme item id -> attending


@cache
def _upsert(dialect_name: str) -> Any:
    """INSERT … ON CONFLICT (meeting, member) DO UPDATE, built once per database kind."""
    insert = (postgresql if dialect_name == "postgresql" else sqlite).insert(table(Rsvp))
    return insert.on_conflict_do_update(
        index_elements=["meeting_id", "member_id"],
        set_={name: insert.excluded[name] for name in (
            "answer", "answered_at", "comment", "dietary", "deputy_name",
            "recorded_by_member_id", "late_cancellation")})


def save_answer(session: Session, meeting_id: int, member_id: int, given: AnswerInput,
                now: datetime, *, recorded_by: int | None = None, late: bool = False) -> None:
    """Store the answer (the last one wins) and the programme choices it carries."""
    # One statement, atomic on both engines; the ORM read-modify-flush cost ~0.3 ms a click.
    session.execute(_upsert(session.get_bind().dialect.name), {
        "meeting_id": meeting_id, "member_id": member_id, "answer": given.answer.value,
        "answered_at": now, "comment": given.comment, "dietary": given.dietary,
        "deputy_name": given.deputy_name, "recorded_by_member_id": recorded_by,
        "late_cancellation": late})
    valid = set(session.execute(_RSVP_ITEMS, {"m": meeting_id}).scalars())
    for item_id in valid:
        attending = given.items.get(item_id or 0, False) and given.answer in YES
        existing = session.get(ProgrammeRsvp, (item_id, member_id))
        choice = existing or ProgrammeRsvp(programme_item_id=item_id or 0, member_id=member_id)
        choice.attending = attending
        session.add(choice)
    mark_dirty(session, meeting_id)  # the channel summary redraws within its window
    session.flush()


def chosen_items(session: Session, member_id: int, item_ids: list[int]) -> set[int]:
    """The programme items this member said they will attend."""
    if not item_ids:
        return set()
    return set(session.exec(select(ProgrammeRsvp.programme_item_id).where(
        ProgrammeRsvp.member_id == member_id, col(ProgrammeRsvp.programme_item_id).in_(item_ids),
        ProgrammeRsvp.attending == True)))  # noqa: E712


def answers(session: Session, meeting_id: int) -> dict[int, Rsvp]:
    """Every answer to the meeting by member id."""
    return {r.member_id: r for r in session.exec(select(Rsvp).where(Rsvp.meeting_id == meeting_id))}


def counts(session: Session, meeting_id: int) -> Counter[str]:
    """How many gave each answer."""
    return Counter(r.answer.value if isinstance(r.answer, Answer) else str(r.answer)
                   for r in answers(session, meeting_id).values())


def item_counts(session: Session, meeting_id: int) -> list[tuple[ProgrammeItem, int, list[str]]]:
    """Per programme item asking for RSVP: how many come, and their dietary needs."""
    items = list(session.exec(select(ProgrammeItem).where(
        ProgrammeItem.meeting_id == meeting_id, ProgrammeItem.asks_rsvp == True)  # noqa: E712
        .order_by(col(ProgrammeItem.position), col(ProgrammeItem.id))))
    given = answers(session, meeting_id)
    out = []
    for item in items:
        who = list(session.exec(select(ProgrammeRsvp.member_id).where(
            ProgrammeRsvp.programme_item_id == item.id,
            ProgrammeRsvp.attending == True)))  # noqa: E712
        diets = [given[m].dietary for m in who if m in given and given[m].dietary]
        out.append((item, len(who), diets))
    return out
