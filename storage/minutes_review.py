"""Repository for the referat's høring and approval: the one guarded state transition,
frozen versions numbered in SQL, recipients, corrections, the approval item."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, update
from sqlmodel import Session, col, select

from domain.minutes_review import ReviewState
from storage.delivery import insert_ignore
from storage.meeting_models import (
    AgendaItem,
    Attendance,
    Meeting,
    MeetingGroup,
    MeetingStatus,
    Rsvp,
)
from storage.minutes_review_models import (
    MinutesCorrection,
    MinutesRecipient,
    MinutesReview,
    MinutesVersion,
)
from storage.models import Member, Membership
from storage.rsvp import YES


def review(session: Session, meeting_id: int) -> MinutesReview | None:
    """The meeting's referat state, if it has one."""
    return session.get(MinutesReview, meeting_id)


def ensure_review(session: Session, meeting_id: int, now: datetime) -> MinutesReview:
    """The meeting's referat state, a draft row made once (two callers at once get one)."""
    insert_ignore(session, MinutesReview, [{"meeting_id": meeting_id, "state": "draft",
                                            "version": 0, "audience": "present",
                                            "updated_at": now}])
    found = session.get(MinutesReview, meeting_id)
    assert found is not None
    return found


def transition(session: Session, meeting_id: int, frm: ReviewState, to: ReviewState, *,
               now: datetime, version_from: int | None = None, **values: Any) -> bool:
    """The one way the state changes: `UPDATE … WHERE state = :from` (and the version it
    was at, when given). False when another call got there first; nothing changed then."""
    stmt = update(MinutesReview).where(col(MinutesReview.meeting_id) == meeting_id,
                                       col(MinutesReview.state) == frm.value)
    if version_from is not None:
        stmt = stmt.where(col(MinutesReview.version) == version_from)
    done = session.execute(stmt.values(state=to.value, updated_at=now, **values)
                           .execution_options(synchronize_session=False))
    row = session.get(MinutesReview, meeting_id)
    if row is not None:
        session.refresh(row)
    return bool(done.rowcount)  # type: ignore[attr-defined]


def add_version(session: Session, meeting_id: int, markdown: str, docx: bytes, *,
                source: str, member_id: int | None, now: datetime) -> MinutesVersion:
    """A new frozen version, numbered max + 1 in the INSERT itself (the unique number
    refuses a second writer that computed the same one)."""
    number = (select(func.coalesce(func.max(MinutesVersion.number), 0) + 1)
              .where(MinutesVersion.meeting_id == meeting_id).scalar_subquery())
    new_id = session.execute(insert(MinutesVersion).values(
        meeting_id=meeting_id, number=number, source=source, markdown=markdown, docx=docx,
        created_at=now, created_by_member_id=member_id, redacted=False)
        .returning(col(MinutesVersion.id))).scalar_one()
    found = session.get(MinutesVersion, new_id)
    assert found is not None
    return found


def versions(session: Session, meeting_id: int) -> list[MinutesVersion]:
    """Every version of the meeting's referat, oldest first."""
    return list(session.exec(select(MinutesVersion).where(
        MinutesVersion.meeting_id == meeting_id).order_by(col(MinutesVersion.number))))


def version(session: Session, meeting_id: int, number: int) -> MinutesVersion | None:
    """One version by its number."""
    return session.exec(select(MinutesVersion).where(
        MinutesVersion.meeting_id == meeting_id, MinutesVersion.number == number)).first()


def latest(session: Session, meeting_id: int) -> MinutesVersion | None:
    """The newest version, if any."""
    return session.exec(select(MinutesVersion).where(
        MinutesVersion.meeting_id == meeting_id)
        .order_by(col(MinutesVersion.number).desc())).first()


def mark_version(session: Session, version_id: int, **values: Any) -> None:
    """Stamp a version (circulated_at, approved_at) in SQL."""
    session.execute(update(MinutesVersion).where(col(MinutesVersion.id) == version_id)
                    .values(**values).execution_options(synchronize_session=False))
    row = session.get(MinutesVersion, version_id)
    if row is not None:
        session.refresh(row)


def add_recipients(session: Session, meeting_id: int, member_ids: list[int],
                   now: datetime) -> int:
    """Those who get the referat for corrections (once each); how many were new."""
    return insert_ignore(session, MinutesRecipient, [
        {"meeting_id": meeting_id, "member_id": m, "added_at": now} for m in member_ids])


def recipients(session: Session, meeting_id: int) -> list[Member]:
    """The members the referat went to for corrections, by name."""
    return list(session.exec(select(Member).join(
        MinutesRecipient, col(MinutesRecipient.member_id) == Member.id)
        .where(MinutesRecipient.meeting_id == meeting_id).order_by(col(Member.name))))


def is_recipient(session: Session, meeting_id: int, member_id: int) -> bool:
    """Whether this member got the referat for corrections."""
    return session.get(MinutesRecipient, (meeting_id, member_id)) is not None


def add_correction(session: Session, meeting_id: int, version_number: int, member_id: int,
                   text: str, now: datetime) -> MinutesCorrection:
    """Store one correction."""
    row = MinutesCorrection(meeting_id=meeting_id, version=version_number, member_id=member_id,
                            text=text, created_at=now)
    session.add(row)
    session.flush()
    return row


def corrections(session: Session, meeting_id: int) -> list[tuple[MinutesCorrection, str]]:
    """(correction, writer's name) in the order they came."""
    rows = session.exec(select(MinutesCorrection, Member.name).join(
        Member, col(Member.id) == MinutesCorrection.member_id, isouter=True)
        .where(MinutesCorrection.meeting_id == meeting_id)
        .order_by(col(MinutesCorrection.id))).all()
    return [(c, name or "?") for c, name in rows]


def group_members(session: Session, meeting_id: int) -> list[Member]:
    """Every active member of the meeting's groups, once each, by name."""
    return list(session.exec(
        select(Member).join(Membership, col(Membership.member_id) == Member.id)
        .join(MeetingGroup, col(MeetingGroup.group_id) == Membership.group_id)
        .where(MeetingGroup.meeting_id == meeting_id, Member.active == True)  # noqa: E712
        .distinct().order_by(col(Member.name))))


def previous_open(session: Session, meeting: Meeting) -> MinutesReview | None:
    """The referat the group's new meeting should approve: the latest earlier meeting of
    one of its groups whose referat has a version, is not approved and has no approval
    item yet."""
    if meeting.starts_at is None:
        return None
    groups = select(MeetingGroup.group_id).where(MeetingGroup.meeting_id == meeting.id)
    earlier = (select(MinutesReview).join(Meeting, col(Meeting.id) == MinutesReview.meeting_id)
               .join(MeetingGroup, col(MeetingGroup.meeting_id) == Meeting.id)
               .where(col(MeetingGroup.group_id).in_(groups), Meeting.id != meeting.id,
                      col(Meeting.starts_at) < meeting.starts_at,
                      Meeting.status != MeetingStatus.cancelled,
                      MinutesReview.state != ReviewState.approved.value,
                      col(MinutesReview.meeting_id).in_(select(MinutesVersion.meeting_id)),
                      col(MinutesReview.approval_item_id).is_(None))
               .order_by(col(Meeting.starts_at).desc()))
    return session.exec(earlier).first()


def insert_item_at(session: Session, meeting_id: int, number: int, title: str,
                   kind: str) -> AgendaItem:
    """A new agenda item at `number`, the ones from there on moved down one, in SQL
    (through negative numbers, so the unique number is never held twice)."""
    at = col(AgendaItem.meeting_id) == meeting_id
    session.execute(update(AgendaItem).where(at, col(AgendaItem.number) >= number)
                    .values(number=-(AgendaItem.number + 1))
                    .execution_options(synchronize_session=False))
    session.execute(update(AgendaItem).where(at, col(AgendaItem.number) < 0)
                    .values(number=-AgendaItem.number)
                    .execution_options(synchronize_session=False))
    for obj in list(session.identity_map.values()):
        if isinstance(obj, AgendaItem) and obj.meeting_id == meeting_id:
            session.expire(obj, ["number"])
    item = AgendaItem(meeting_id=meeting_id, number=number, title=title, kind=kind)  # type: ignore[arg-type]
    session.add(item)
    session.flush()
    return item


def review_for_item(session: Session, item_id: int) -> MinutesReview | None:
    """The referat an agenda item approves, if it is linked as an approval item."""
    return session.exec(select(MinutesReview).where(
        MinutesReview.approval_item_id == item_id)).first()


def present_members(session: Session, meeting_id: int) -> list[Member]:
    """Active members who were there (checked in, by events or added); before any check-in,
    those who said they would come (the attendance list's rule)."""
    active = Member.active == True  # noqa: E712
    there = list(session.exec(select(Member).join(
        Attendance, col(Attendance.member_id) == Member.id)
        .where(Attendance.meeting_id == meeting_id, active).order_by(col(Member.name))))
    if there or session.exec(select(Attendance.id).where(
            Attendance.meeting_id == meeting_id)).first():
        return there
    return list(session.exec(select(Member).join(Rsvp, col(Rsvp.member_id) == Member.id)
                             .where(Rsvp.meeting_id == meeting_id, active,
                                    col(Rsvp.answer).in_([a.value for a in YES]))
                             .order_by(col(Member.name))))


def link_approval_item(session: Session, meeting_id: int, item_id: int, now: datetime) -> bool:
    """Tie the referat to the next meeting's approval item, once (guarded in SQL)."""
    done = session.execute(update(MinutesReview).where(
        col(MinutesReview.meeting_id) == meeting_id,
        col(MinutesReview.approval_item_id).is_(None))
        .values(approval_item_id=item_id, updated_at=now)
        .execution_options(synchronize_session=False))
    row = session.get(MinutesReview, meeting_id)
    if row is not None:
        session.refresh(row)
    return bool(done.rowcount)  # type: ignore[attr-defined]
