"""Member lookups and identity linking (Teams/Entra ids onto imported members)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from domain.names import name_key
from storage.groups import add_membership, get_or_create_group
from storage.members_models import CandidateStatus, MemberAlias, MemberCandidate
from storage.models import Member, Membership
from storage.types import utcnow

__all__ = [
    "IdentityConflict",
    "add_membership",
    "find_by_email",
    "find_by_name_or_email",
    "find_for_identity",
    "get_or_create_group",
    "guest_home_email",
    "link_identity",
]


class IdentityConflict(ValueError):
    """The member is already linked to another Entra account, or that account to another."""


def guest_home_email(upn: str) -> str | None:
    """Home e-mail encoded in a guest UPN: a_b.no#EXT#@tenant → a@b.no; else None."""
    head, sep, _ = upn.partition("#EXT#")
    if not sep or "_" not in head:
        return None
    local, _, domain = head.rpartition("_")
    return f"{local}@{domain}".lower() if local and domain else None


def find_by_email(session: Session, email: str) -> list[Member]:
    """Members with this e-mail, compared case-insensitively."""
    stmt = select(Member).where(func.lower(Member.email) == email.strip().lower())
    return list(session.exec(stmt).all())


def _by_upn(session: Session, upn: str) -> list[Member]:
    stmt = select(Member).where(func.lower(Member.upn) == upn.strip().lower())
    return list(session.exec(stmt).all())


def _single(found: list[Member]) -> Member | None:
    # Two members sharing an address is a data error; linking either could be wrong.
    return found[0] if len(found) == 1 else None


def find_for_identity(
    session: Session, *, aad_object_id: str | None, email: str | None, upn: str | None
) -> Member | None:
    """Match by AAD object id, else e-mail, else UPN (guest UPNs decoded to e-mail)."""
    if aad_object_id:
        stmt = select(Member).where(Member.aad_object_id == aad_object_id)
        member = session.exec(stmt).first()
        if member is not None:
            return member
    if email and (member := _single(find_by_email(session, email))):
        return member
    if upn:
        if member := _single(_by_upn(session, upn)) or _single(find_by_email(session, upn)):
            return member
        home = guest_home_email(upn)
        if home and (member := _single(find_by_email(session, home))):
            return member
    return None


def link_identity(
    session: Session,
    member: Member,
    *,
    aad_object_id: str | None,
    teams_user_id: str | None,
    tenant_id: str | None,
    email: str | None,
    upn: str | None,
    name: str | None,
    now: datetime | None = None,
) -> Member:
    """Fill in the ids a member lacks; raise IdentityConflict rather than re-point an AAD id."""
    if aad_object_id and member.aad_object_id and member.aad_object_id != aad_object_id:
        raise IdentityConflict(f"member {member.id} is linked to another AAD object id")
    if aad_object_id and not member.aad_object_id:
        other = session.exec(select(Member).where(Member.aad_object_id == aad_object_id)).first()
        if other is not None and other.id != member.id:
            raise IdentityConflict(f"AAD object id already linked to member {other.id}")
        member.aad_object_id = aad_object_id
    member.teams_user_id = member.teams_user_id or teams_user_id
    member.tenant_id = member.tenant_id or tenant_id
    member.email = member.email or (email.strip() if email else None)
    member.upn = member.upn or upn
    if name and not member.name.strip():
        member.name, member.name_key = name, name_key(name)
    member.updated_at = now or utcnow()
    session.add(member)
    session.flush()
    return member


def find_by_name_or_email(session: Session, text: str) -> list[Member]:
    """Members matching an e-mail, an id (digits) or a name in any word order."""
    text = text.strip()
    if "@" in text:
        return find_by_email(session, text)
    if text.isdigit():
        member = session.get(Member, int(text))
        return [member] if member is not None else []
    key = name_key(text)
    stmt = select(Member).where(Member.name_key == key).order_by(col(Member.id))
    return list(session.exec(stmt).all()) or [m for m in [by_alias(session, key)] if m]


def aad_is_linked(session: Session, aad_object_id: str) -> bool:
    """True when a member already carries this AAD object id."""
    return session.exec(select(Member.id).where(
        Member.aad_object_id == aad_object_id)).first() is not None


def by_aad(session: Session, aad_object_id: str) -> Member | None:
    """The member linked to this AAD object id."""
    return session.exec(select(Member).where(Member.aad_object_id == aad_object_id)).first()


def names_by_id(session: Session, ids: list[int]) -> dict[int, str]:
    """Members' names by id (authors shown to the secretariat)."""
    if not ids:
        return {}
    return {m.id or 0: m.name for m in session.exec(select(Member).where(col(Member.id).in_(ids)))}


def unreachable(session: Session) -> list[Member]:
    """Active members the bot cannot write to (blocked, or never linked to Teams), by name."""
    return list(session.exec(select(Member).where(
        Member.active == True,  # noqa: E712
        (Member.reachable == False) | (Member.aad_object_id == None),  # noqa: E711,E712
    ).order_by(col(Member.name))))


def group_ids_of(session: Session, member_id: int) -> list[int]:
    """The groups a member belongs to."""
    return list(session.exec(select(Membership.group_id).where(
        Membership.member_id == member_id)))


def active_in_group(session: Session, group_id: int | None) -> list[Member]:
    """The group's active members, by id."""
    return list(session.exec(
        select(Member).join(Membership, col(Membership.member_id) == Member.id)
        .where(Membership.group_id == group_id, Member.active == True)  # noqa: E712
        .order_by(col(Member.id))))


def by_alias(session: Session, key: str) -> Member | None:
    """The member who carries this spelling (a name key) as an alias."""
    stmt = select(Member).join(MemberAlias, col(MemberAlias.member_id) == Member.id).where(
        MemberAlias.alias_key == key)
    return session.exec(stmt).first()


def add_alias(session: Session, member: Member, name: str, now: datetime) -> bool:
    """Keep `name` as another spelling of the member; False when it is their name already.

    Raises AliasTaken when the spelling belongs to someone else."""
    key = name_key(name)
    if not key or key == member.name_key:
        return False
    holder = by_alias(session, key)
    if holder is not None:
        if holder.id == member.id:
            return False
        raise AliasTaken(holder)
    session.add(MemberAlias(member_id=member.id or 0, name=name, alias_key=key, created_at=now))
    session.flush()
    return True


class AliasTaken(ValueError):
    """The spelling is already an alias of another member."""

    def __init__(self, holder: Member) -> None:
        super().__init__(f"alias held by member {holder.id}")
        self.holder = holder


def aliases_of(session: Session, member_id: int) -> list[MemberAlias]:
    """The member's other spellings, oldest first."""
    return list(session.exec(select(MemberAlias).where(
        MemberAlias.member_id == member_id).order_by(col(MemberAlias.id))))


def remembered(session: Session, key: str) -> Member | None:
    """The member a past decision tied this spelling to: an alias, or a resolved candidate."""
    member = by_alias(session, key)
    if member is not None:
        return member
    stmt = select(Member).join(
        MemberCandidate, col(MemberCandidate.resolved_member_id) == Member.id).where(
        MemberCandidate.name_key == key, MemberCandidate.status != CandidateStatus.open,
    ).order_by(col(MemberCandidate.resolved_at).desc())
    return session.exec(stmt).first()


def open_candidate(session: Session, key: str) -> MemberCandidate | None:
    """The open candidate for this spelling, if an earlier import left one."""
    return session.exec(select(MemberCandidate).where(
        MemberCandidate.name_key == key, MemberCandidate.status == CandidateStatus.open,
    ).order_by(col(MemberCandidate.id))).first()


def candidates_named(session: Session, text: str) -> list[MemberCandidate]:
    """Candidates by id (digits) or by the row's name in any word order, open ones first."""
    text = text.strip()
    if text.isdigit():
        found = session.get(MemberCandidate, int(text))
        return [found] if found is not None else []
    return sorted(session.exec(select(MemberCandidate).where(
        MemberCandidate.name_key == name_key(text))),
        key=lambda c: (c.status != CandidateStatus.open, c.id or 0))


def claim_candidate(session: Session, candidate_id: int, to: CandidateStatus,
                    now: datetime) -> bool:
    """Move an open candidate to `to` in one guarded UPDATE; False when already resolved."""
    done = session.execute(update(MemberCandidate).where(
        col(MemberCandidate.id) == candidate_id,
        col(MemberCandidate.status) == CandidateStatus.open,
    ).values(status=to, resolved_at=now))
    return bool(done.rowcount)  # type: ignore[attr-defined]


def set_resolved_member(session: Session, candidate_id: int, member_id: int) -> None:
    """Record which member a claimed candidate went to (in the claim's transaction)."""
    session.execute(update(MemberCandidate).where(col(MemberCandidate.id) == candidate_id)
                    .values(resolved_member_id=member_id))


def open_candidates(session: Session) -> list[MemberCandidate]:
    """Candidates waiting for a decision, oldest first."""
    return list(session.exec(select(MemberCandidate).where(
        MemberCandidate.status == CandidateStatus.open).order_by(col(MemberCandidate.id))))
