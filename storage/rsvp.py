"""RSVP repository: who is invited, what they answered, and the counts the cards show."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Row, bindparam, exists
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.db import table
from storage.meeting_models import Meeting, MeetingGroup, ProgrammeItem, ProgrammeRsvp, Rsvp
from storage.meeting_models import RsvpAnswer as Answer
from storage.meetings import mark_dirty
from storage.models import Member, Membership, Role, WorkingGroup

YES = (Answer.physical, Answer.digital, Answer.attending)


def invitees(session: Session, meeting_id: int) -> list[Member]:
    """Active members of the meeting's groups, each once, by name."""
    groups = select(MeetingGroup.group_id).where(MeetingGroup.meeting_id == meeting_id)
    ids = select(Membership.member_id).where(col(Membership.group_id).in_(groups))
    return list(session.exec(select(Member).where(col(Member.id).in_(ids),
                                                  Member.active == True)  # noqa: E712
                             .order_by(col(Member.name), col(Member.id))))


# Statements built once at import: composing one cost more CPU than SQLite took to run it on
# the RSVP click, the hottest path (bench/rsvp_path.py); plain rows where no ORM object is needed.
meeting_group, membership = table(MeetingGroup).c, table(Membership).c
working_group, programme_item = table(WorkingGroup).c, table(ProgrammeItem).c
answer_columns = table(Rsvp).c
_INVITED = (core_select(membership.member_id)
            .join_from(table(Membership), table(MeetingGroup),
                       meeting_group.group_id == membership.group_id)
            .where(meeting_group.meeting_id == bindparam("m"),
                   membership.member_id == bindparam("u")).limit(1))
# The meeting's groups by name, each with whether the member belongs to it: the invitation
# check and the card's heading in one statement instead of two joins over meeting_group.
_GROUPS_AND_MINE = (
    core_select(working_group.name, exists().where(
        membership.group_id == working_group.id, membership.member_id == bindparam("u")))
    .join_from(table(WorkingGroup), table(MeetingGroup),
               meeting_group.group_id == working_group.id)
    .where(meeting_group.meeting_id == bindparam("m")).order_by(working_group.name))
# populate_existing: save_answer writes with Core, so an answer loaded earlier is refreshed.
_ANSWER = select(Rsvp).where(Rsvp.meeting_id == bindparam("m"), Rsvp.member_id == bindparam("u")) \
    .execution_options(populate_existing=True)
_ANSWER_ROW = core_select(
    answer_columns.answer, answer_columns.comment, answer_columns.dietary,
    answer_columns.deputy_name, answer_columns.late_cancellation, answer_columns.source,
).where(answer_columns.meeting_id == bindparam("m"), answer_columns.member_id == bindparam("u"))
_RSVP_ITEMS = core_select(programme_item.id).where(programme_item.meeting_id == bindparam("m"),
                                                   programme_item.asks_rsvp == True)  # noqa: E712


def is_invited(session: Session, meeting_id: int, member_id: int) -> bool:
    """True when the member belongs to one of the meeting's groups."""
    return session.execute(_INVITED, {"m": meeting_id, "u": member_id}).first() is not None


@dataclass(frozen=True)
class Invitation:
    """The meeting's group names (joint meetings: several) and whether the member is invited."""

    groups: list[str]
    invited: bool


def invitation(session: Session, meeting_id: int, member_id: int) -> Invitation:
    """One statement: the groups by name, and whether the member belongs to any of them."""
    names, invited = [], False
    for name, mine in session.execute(_GROUPS_AND_MINE, {"m": meeting_id, "u": member_id}):
        names.append(name)
        invited = invited or bool(mine)
    return Invitation(names, invited)


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
            "recorded_by_member_id", "late_cancellation", "source")})


@cache
def _outlook_upsert(dialect_name: str) -> Any:
    """An Outlook answer: new, or over an older one (Teams or Outlook); a newer one stays."""
    insert = (postgresql if dialect_name == "postgresql" else sqlite).insert(table(Rsvp))
    return insert.on_conflict_do_update(
        index_elements=["meeting_id", "member_id"],
        set_={name: insert.excluded[name] for name in ("answer", "answered_at", "source")},
        where=answer_columns.answered_at < insert.excluded["answered_at"])


@cache
def _choice_upsert(dialect_name: str) -> Any:
    insert = (postgresql if dialect_name == "postgresql" else sqlite).insert(table(ProgrammeRsvp))
    return insert.on_conflict_do_update(
        index_elements=["programme_item_id", "member_id"],
        set_={"attending": insert.excluded["attending"]})


def save_answer(session: Session, meeting_id: int, member_id: int, given: AnswerInput,
                now: datetime, *, recorded_by: int | None = None, late: bool = False,
                rsvp_items: list[int] | None = None) -> None:
    """Store the answer (the last one wins) and the programme choices it carries.

    rsvp_items: the meeting's items asking for an RSVP, when the caller has read them already.
    """
    # One statement, atomic on both engines; the ORM read-modify-flush cost ~0.3 ms a click.
    session.execute(_upsert(session.get_bind().dialect.name), {
        "meeting_id": meeting_id, "member_id": member_id, "answer": given.answer.value,
        "answered_at": now, "comment": given.comment, "dietary": given.dietary,
        "deputy_name": given.deputy_name, "recorded_by_member_id": recorded_by,
        "late_cancellation": late, "source": "teams"})
    valid = list(rsvp_items if rsvp_items is not None
                 else session.execute(_RSVP_ITEMS, {"m": meeting_id}).scalars())
    if valid:  # an upsert too: two clicks at once must not both insert the same choice
        session.execute(_choice_upsert(session.get_bind().dialect.name), [
            {"programme_item_id": item_id, "member_id": member_id,
             "attending": bool(given.items.get(item_id or 0, False) and given.answer in YES)}
            for item_id in valid])
    mark_dirty(session, meeting_id)  # the channel summary redraws within its window
    session.flush()


def save_outlook_answers(session: Session, meeting_id: int,
                         given: list[tuple[int, Answer, datetime]]) -> int:
    """Outlook answers (member id, answer, when given in Outlook), each in one SQL statement:
    stored where the member gave none or an older one, never over a newer Teams answer.

    Returns how many rows changed (a re-read of the same answers changes none).
    """
    if not given:
        return 0
    stmt = _outlook_upsert(session.get_bind().dialect.name).returning(answer_columns.id)
    changed = 0
    for member_id, answer, at in given:
        changed += len(session.execute(stmt, {
            "meeting_id": meeting_id, "member_id": member_id, "answer": answer.value,
            "answered_at": at, "comment": "", "dietary": "", "deputy_name": "",
            "recorded_by_member_id": None, "late_cancellation": False,
            "source": "outlook"}).all())
    if changed:
        mark_dirty(session, meeting_id, kind=None)  # the counts and the member's own copy
    session.flush()
    return changed


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


def active_secretariat(session: Session) -> list[Member]:
    """Every active secretariat member (they are told about late cancellations)."""
    return list(session.exec(select(Member).where(Member.role == Role.secretariat,
                                                  Member.active == True)))  # noqa: E712
