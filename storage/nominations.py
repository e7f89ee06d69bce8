"""Nominations: stored, listed, and decided by one guarded UPDATE each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from domain.nominations import NominationSource, NominationStatus, NomineeFields, WelcomeState
from storage.models import Member, Membership
from storage.nomination_models import Nomination


class OpenNominationExists(ValueError):
    """Another open nomination for the same person and group won the race."""


def add(session: Session, group_id: int, fields: NomineeFields, *, now: datetime,
        source: NominationSource, nominator_member_id: int | None, entered_by: str,
        replaces_member_id: int | None) -> Nomination:
    """Store a submitted nomination; OpenNominationExists when the open one's unique index
    refuses it (the caller checked first, this is the concurrent case)."""
    row = Nomination(group_id=group_id, name=fields.name, name_key=fields.name_key,
                     email=fields.email, organisation=fields.organisation,
                     role_there=fields.role_there, replaces_member_id=replaces_member_id,
                     nominator_member_id=nominator_member_id, entered_by=entered_by[:200],
                     source=source, created_at=now)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:
        raise OpenNominationExists(fields.email) from exc
    return row


def open_for(session: Session, group_id: int, email: str) -> Nomination | None:
    """The open nomination of this person (by e-mail) for this group."""
    return session.exec(select(Nomination).where(
        Nomination.group_id == group_id, func.lower(Nomination.email) == email.lower(),
        Nomination.status == NominationStatus.submitted)).first()


def active_member_in_group(session: Session, group_id: int, email: str) -> Member | None:
    """An active member of the group with this e-mail."""
    return session.exec(select(Member).join(Membership, col(Membership.member_id) == Member.id)
                        .where(Membership.group_id == group_id, Member.active == True,  # noqa: E712
                               func.lower(Member.email) == email.lower())).first()


def listed(session: Session, *, open_only: bool = False) -> list[Nomination]:
    """Nominations by id; only the submitted ones with `open_only`."""
    stmt = select(Nomination).order_by(col(Nomination.id))
    if open_only:
        stmt = stmt.where(Nomination.status == NominationStatus.submitted)
    return list(session.exec(stmt))


def claim(session: Session, nomination_id: int, to: NominationStatus, now: datetime, *,
          by_member_id: int | None, by: str, reason: str = "") -> bool:
    """submitted → `to` in one guarded UPDATE; False when someone decided it first."""
    done = session.execute(update(Nomination).where(
        col(Nomination.id) == nomination_id,
        col(Nomination.status) == NominationStatus.submitted,
    ).values(status=to, decided_at=now, decided_by_member_id=by_member_id, decided_by=by[:200],
             reason=reason).execution_options(synchronize_session=False))
    return bool(done.rowcount)  # type: ignore[attr-defined]


def set_member(session: Session, nomination_id: int, member_id: int,
               welcome: WelcomeState) -> None:
    """Record the member an approval added and where their welcome stands."""
    session.execute(update(Nomination).where(col(Nomination.id) == nomination_id)
                    .values(member_id=member_id, welcome=welcome)
                    .execution_options(synchronize_session=False))


def waiting_welcomes(session: Session, member_id: int) -> list[Nomination]:
    """Approved nominations of this member whose welcome waits for the bot to reach them."""
    return list(session.exec(select(Nomination).where(
        Nomination.member_id == member_id, Nomination.welcome == WelcomeState.waiting)
        .order_by(col(Nomination.id))))


def claim_welcome(session: Session, nomination_id: int) -> bool:
    """waiting → queued in one guarded UPDATE: the welcome is queued exactly once."""
    done = session.execute(update(Nomination).where(
        col(Nomination.id) == nomination_id, col(Nomination.welcome) == WelcomeState.waiting,
    ).values(welcome=WelcomeState.queued).execution_options(synchronize_session=False))
    return bool(done.rowcount)  # type: ignore[attr-defined]


def about_member(session: Session, member_id: int) -> list[Nomination]:
    """Nominations a member made, received, or was replaced in (for `mine data`)."""
    return list(session.exec(select(Nomination).where(
        (col(Nomination.nominator_member_id) == member_id)
        | (col(Nomination.member_id) == member_id)
        | (col(Nomination.replaces_member_id) == member_id)).order_by(col(Nomination.id))))


def remove_membership(session: Session, group_id: int, member_id: int) -> bool:
    """Take a member out of one group; True when they were in it."""
    row = session.get(Membership, (group_id, member_id))
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def move_group(session: Session, source_id: int, target_id: int) -> None:
    """A merged group's nominations go to the group it is merged into; an open one for
    someone already nominated there is dropped (the target's open one stands)."""
    open_there = select(Nomination.email).where(
        Nomination.group_id == target_id, Nomination.status == NominationStatus.submitted)
    session.execute(delete(Nomination).where(
        col(Nomination.group_id) == source_id,
        col(Nomination.status) == NominationStatus.submitted,
        col(Nomination.email).in_(open_there)))
    session.execute(update(Nomination).where(col(Nomination.group_id) == source_id)
                    .values(group_id=target_id).execution_options(synchronize_session=False))


def drop_group(session: Session, group_id: int) -> None:
    """A deleted group's nominations go with it: they name people for a group that is gone."""
    session.execute(delete(Nomination).where(col(Nomination.group_id) == group_id))
