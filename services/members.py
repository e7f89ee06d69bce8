"""The member registry: import (match, update or add, never guess), add and edit one person,
resolve a near match, merge duplicates. Every change by the secretariat is audited."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from cards.members import CandidateView, Similar
from core.i18n import t
from domain.members import ImportRow, parse_email, parse_pasted, parse_phone, parse_role
from domain.names import display_name, is_near_match, name_key
from storage import audit
from storage import members as repo
from storage.groups import add_membership, default_group, get_or_create_group
from storage.members import find_by_email
from storage.members_models import CandidateStatus, MemberCandidate
from storage.merge import MergeResult, merge
from storage.models import Member, Role, WorkingGroup
from storage.regions import region_for_organisation


class RegistryError(ValueError):
    """A registry change refused; the message is Norwegian and nothing was stored."""


@dataclass
class RowOutcome:
    kind: str  # added | updated | unchanged | ambiguous
    row: ImportRow
    member_ids: list[int]
    similar: list[str] = field(default_factory=list)  # names of the members it resembles
    candidate_id: int | None = None  # the stored candidate of an ambiguous row


def _candidates(
    session: Session, row: ImportRow, known: dict[int, tuple[str, str]]
) -> tuple[Member | None, list[Member]]:
    """(the one sure match, or None with the members that make the row ambiguous)."""
    if row.email:
        by_email = find_by_email(session, row.email)
        if len(by_email) == 1:
            return by_email[0], []
        if by_email:
            return None, by_email
    key = name_key(row.name)
    # A spelling the secretariat already decided about is never asked again.
    decided = repo.remembered(session, key)
    if decided is not None:
        return decided, []
    same = session.exec(select(Member).where(Member.name_key == key)).all()
    if len(same) == 1:
        found = same[0]
        # Same name, different address: two people who share a name, not one.
        if row.email and found.email and found.email.lower() != row.email.lower():
            return None, [found]
        return found, []
    if same:
        return None, list(same)
    near = [mid for mid, (k, _) in known.items() if is_near_match(key, k)]
    return None, [m for mid in near if (m := session.get(Member, mid)) is not None]


def _state(member: Member) -> tuple[object, ...]:
    return (member.name, member.organisation, member.region_id, member.email, member.role)


def _apply(session: Session, member: Member, row: ImportRow, now: datetime,
           rename: bool = True) -> bool:
    """Update the member from the row; True when anything changed."""
    before = _state(member)
    if row.organisation and row.organisation != member.organisation:
        member.organisation = row.organisation
        region = region_for_organisation(session, row.organisation)
        member.region_id = region.id if region else None
    if row.email:
        member.email = row.email
        # The address proves who it is, unless the row was matched by a kept alias.
        if rename and name_key(row.name) != member.name_key:
            member.name, member.name_key = display_name(row.name), name_key(row.name)
    if row.role is not None:
        member.role = row.role
    if _state(member) == before:
        return False
    member.updated_at = now
    session.add(member)
    session.flush()
    return True


def _new_member(session: Session, row: ImportRow, now: datetime) -> Member:
    region = region_for_organisation(session, row.organisation)
    member = Member(
        name=display_name(row.name), name_key=name_key(row.name),
        organisation=row.organisation, region_id=region.id if region else None,
        email=row.email, role=row.role or Role.member, created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(member)
    session.flush()
    return member


def _store_candidate(session: Session, row: ImportRow, doubts: list[Member], group: str | None,
                     source: str, now: datetime) -> MemberCandidate:
    """The ambiguous row kept for the secretariat; an open one for the spelling is reused."""
    key = name_key(row.name)
    ids = sorted(m.id for m in doubts if m.id is not None)
    found = repo.open_candidate(session, key)
    if found is None:
        found = MemberCandidate(name=row.name, name_key=key, created_at=now)
    found.organisation, found.email = row.organisation, row.email
    found.role = row.role.value if row.role else None
    found.group_name, found.source, found.line = group, source[:400], row.line
    found.similar_ids = json.dumps(ids)
    session.add(found)
    session.flush()
    return found


def import_rows(
    session: Session, rows: list[ImportRow], *, group_name: str | None, now: datetime,
    source: str = "",
) -> list[RowOutcome]:
    """Add or update each row's member and put it in its group; an ambiguous row changes no
    member and is stored as a candidate for `members resolve` (or the card)."""
    known = {m.id: (m.name_key, m.name) for m in session.exec(select(Member)) if m.id}
    fallback: list[WorkingGroup] = []

    def group_for(row: ImportRow) -> WorkingGroup:
        if row.group or group_name:
            return get_or_create_group(session, row.group or group_name or "")
        if not fallback:
            fallback.append(default_group(session))
        return fallback[0]

    outcomes: list[RowOutcome] = []
    for row in rows:
        found, doubts = _candidates(session, row, known)
        if found is None and doubts:
            ids = [m.id for m in doubts if m.id is not None]
            candidate = _store_candidate(session, row, doubts, group_for(row).name, source, now)
            outcomes.append(RowOutcome("ambiguous", row, ids, [m.name for m in doubts],
                                       candidate.id))
            continue
        if found is None:
            found = _new_member(session, row, now)
            kind = "added"
        else:
            # A row matched by a kept alias is that spelling, not a new name for the member.
            rename = repo.by_alias(session, name_key(row.name)) is None
            kind = "updated" if _apply(session, found, row, now, rename) else "unchanged"
        assert found.id is not None
        known[found.id] = (found.name_key, found.name)
        if add_membership(session, group_for(row), found) and kind == "unchanged":
            kind = "updated"  # the same person, now also in this group
        outcomes.append(RowOutcome(kind, row, [found.id]))
    return outcomes


# -- one person --------------------------------------------------------------------------

@dataclass(frozen=True)
class MemberFields:
    """What `members add|edit` may set; None leaves a field as it is."""

    name: str | None = None
    organisation: str | None = None
    email: str | None = None
    phone: str | None = None
    deputy_member_id: int | None = None  # the standing deputy; 0 clears it


def _checked(fields: MemberFields) -> MemberFields:
    """The fields validated and normalised; RegistryError names the first bad one."""
    try:
        email = parse_email(fields.email) if fields.email else fields.email
        phone = parse_phone(fields.phone) if fields.phone else fields.phone
    except ValueError as exc:
        raise RegistryError(str(exc)) from exc
    name = display_name(fields.name) if fields.name is not None else None
    if name is not None and not name_key(name):
        raise RegistryError(t("members.registry.navnet_er_tomt"))
    return MemberFields(name=name, organisation=fields.organisation, email=email, phone=phone,
                        deputy_member_id=fields.deputy_member_id)


def _email_free(session: Session, email: str | None, member_id: int | None) -> None:
    if email and any(m.id != member_id for m in find_by_email(session, email)):
        raise RegistryError(t("members.registry.eposten_er_i_bruk", email=email))


def add_member(session: Session, fields: MemberFields, *, group: WorkingGroup, role: Role | None,
               now: datetime, actor: str, actor_member_id: int | None = None) -> Member:
    """Add one person to the registry and the group; audited."""
    fields = _checked(fields)
    if not fields.name:
        raise RegistryError(t("members.registry.navnet_er_tomt"))
    _email_free(session, fields.email, None)
    member = _new_member(session, ImportRow(name=fields.name, organisation=fields.organisation
                                            or "", email=fields.email or None, role=role), now)
    member.phone = fields.phone or None
    add_membership(session, group, member)
    audit.record(session, action="member.add", actor_member_id=actor_member_id,
                 target=f"member:{member.id}", detail=f"actor={actor} group={group.id}", at=now)
    return member


def edit_member(session: Session, member: Member, fields: MemberFields, *, now: datetime,
                actor: str, actor_member_id: int | None = None) -> list[str]:
    """Change the given fields (an empty e-mail or phone clears it); the changed field names,
    audited (names of fields, never their values)."""
    fields = _checked(fields)
    changed: list[str] = []
    if fields.name and fields.name != member.name:
        member.name, member.name_key = fields.name, name_key(fields.name)
        changed.append("name")
    if fields.organisation is not None and fields.organisation != member.organisation:
        member.organisation = fields.organisation
        region = region_for_organisation(session, fields.organisation)
        member.region_id = region.id if region else None
        changed.append("organisation")
    if fields.email is not None and (fields.email or None) != member.email:
        _email_free(session, fields.email, member.id)
        member.email = fields.email or None
        changed.append("email")
    if fields.phone is not None and (fields.phone or None) != member.phone:
        member.phone = fields.phone or None
        changed.append("phone")
    if (fields.deputy_member_id is not None
            and (fields.deputy_member_id or None) != member.deputy_member_id):
        member.deputy_member_id = fields.deputy_member_id or None
        changed.append("deputy")
    if changed:
        member.updated_at = now
        session.add(member)
        session.flush()
        audit.record(session, action="member.edit", actor_member_id=actor_member_id,
                     target=f"member:{member.id}",
                     detail=f"actor={actor} fields={','.join(changed)}", at=now)
    return changed


def deactivate(session: Session, member: Member, *, now: datetime, actor: str,
               actor_member_id: int | None = None) -> bool:
    """Mark a member inactive (kept for history), audited; False when already inactive.

    One guarded UPDATE, so two deactivations at once report one change."""
    done = session.execute(update(Member).where(
        col(Member.id) == member.id, col(Member.active) == True,  # noqa: E712
    ).values(active=False, updated_at=now).execution_options(synchronize_session=False))
    changed = bool(done.rowcount)  # type: ignore[attr-defined]
    session.refresh(member)
    audit.record(session, action="member.deactivate", actor_member_id=actor_member_id,
                 target=f"member:{member.id}",
                 detail=f"actor={actor}" + ("" if changed else " already-inactive"), at=now)
    return changed


# -- near matches ------------------------------------------------------------------------

def candidate_row(candidate: MemberCandidate) -> ImportRow:
    """The stored row as it was read."""
    return ImportRow(name=candidate.name, organisation=candidate.organisation,
                     email=candidate.email, role=parse_role(candidate.role or ""),
                     group=candidate.group_name, line=candidate.line)


def similar_members(session: Session, candidate: MemberCandidate) -> list[Member]:
    """The members the candidate resembles (those still in the registry)."""
    ids = json.loads(candidate.similar_ids or "[]")
    return [m for i in ids if isinstance(i, int) and (m := session.get(Member, i)) is not None]


def _resolved_text(session: Session, candidate: MemberCandidate) -> str:
    member = session.get(Member, candidate.resolved_member_id or 0)
    name = member.name if member else "?"
    if candidate.status == CandidateStatus.same:
        return t("members.registry.allerede_avgjort_samme", id=candidate.id, name=name,
                 member_id=candidate.resolved_member_id)
    return t("members.registry.allerede_avgjort_ny", id=candidate.id, name=name,
             member_id=candidate.resolved_member_id)


def resolve(session: Session, candidate_id: int, *, same_as: int | None, now: datetime,
            actor: str, actor_member_id: int | None = None) -> Member:
    """Decide a candidate: the row is member `same_as` (its spelling kept as an alias), or,
    with None, a new member. One guarded transition: a second decision is refused."""
    candidate = session.get(MemberCandidate, candidate_id)
    if candidate is None:
        raise RegistryError(t("members.registry.fant_ingen_kandidat", who=candidate_id))
    target: Member | None = None
    if same_as is not None:
        target = session.get(Member, same_as)
        if target is None or target.merged_into_id is not None:
            raise RegistryError(t("members.registry.fant_ikke_medlem", id=same_as))
    row = candidate_row(candidate)
    if target is not None:
        # Every refusal comes before the claim, so a refused decision writes nothing.
        if row.email and any(m.id != target.id for m in find_by_email(session, row.email)):
            raise RegistryError(t("members.registry.eposten_er_i_bruk", email=row.email))
        holder = repo.by_alias(session, name_key(row.name))
        if holder is not None and holder.id != target.id:
            raise RegistryError(t("members.registry.stavemaaten_tilhorer", name=row.name,
                                  other=holder.name, id=holder.id))
    to = CandidateStatus.same if target is not None else CandidateStatus.new
    if not repo.claim_candidate(session, candidate_id, to, now):
        session.refresh(candidate)
        raise RegistryError(_resolved_text(session, candidate))
    if target is not None:
        _apply(session, target, row, now, rename=False)
        repo.add_alias(session, target, row.name, now)
        member = target
    else:
        member = _new_member(session, row, now)
    if candidate.group_name:
        add_membership(session, get_or_create_group(session, candidate.group_name), member)
    assert member.id is not None
    repo.set_resolved_member(session, candidate_id, member.id)
    audit.record(session, action="member.resolve", actor_member_id=actor_member_id,
                 target=f"candidate:{candidate_id}",
                 detail=f"actor={actor} {to.value} member={member.id}", at=now)
    return member


def open_candidates(session: Session) -> list[MemberCandidate]:
    """Candidates waiting for a decision, oldest first."""
    return repo.open_candidates(session)


def candidate_view(session: Session, candidate: MemberCandidate, decided: str = ""
                   ) -> CandidateView:
    """What the candidate card shows."""
    return CandidateView(candidate.id or 0, candidate.name, candidate.organisation,
                         candidate.source,
                         [Similar(m.id or 0, m.name, m.organisation)
                          for m in similar_members(session, candidate)], decided)


def decided_text(member: Member, same: bool) -> str:
    """The line a decided candidate's card shows."""
    if same:
        return t("members.registry.avgjort_samme", name=member.name, id=member.id)
    return t("members.registry.avgjort_ny", name=member.name, id=member.id)


CHAT_SOURCE = "chat"


def import_pasted(session: Session, text: str, *, now: datetime,
                  actor_member_id: int | None) -> list[RowOutcome]:
    """Import the lines pasted in chat into the default group; audited (counts, not names).
    ImportFileError (Norwegian) when a line is wrong: nothing is imported then."""
    rows = parse_pasted(text)
    outcomes = import_rows(session, rows, group_name=default_group(session).name, now=now,
                           source=CHAT_SOURCE)
    kinds = [o.kind for o in outcomes]
    audit.record(session, action="members.import", actor_member_id=actor_member_id,
                 target=CHAT_SOURCE, at=now,
                 detail=" ".join(f"{k}={kinds.count(k)}" for k in dict.fromkeys(kinds)))
    return outcomes


def find_candidate(session: Session, who: str) -> MemberCandidate:
    """The one candidate `who` names (its id, or the row's name); RegistryError otherwise."""
    found = repo.candidates_named(session, who)
    if not found:
        raise RegistryError(t("members.registry.fant_ingen_kandidat", who=who))
    open_ = [c for c in found if c.status == CandidateStatus.open]
    if len(open_) > 1:
        ids = ", ".join(str(c.id) for c in open_)
        raise RegistryError(t("members.registry.flere_kandidater", who=who, ids=ids))
    if not open_:
        raise RegistryError(_resolved_text(session, found[0]))
    return open_[0]


# -- duplicates --------------------------------------------------------------------------

def account_text(member: Member) -> str:
    """A member's Teams account as the refusal names it: name, e-mail or UPN, AAD id."""
    who = member.upn or member.email or "-"
    return t("members.registry.konto", name=member.name, who=who, aad=member.aad_object_id)


def merge_members(session: Session, from_id: int, to_id: int, *, two_accounts_ok: bool,
                  now: datetime, actor: str, actor_member_id: int | None = None) -> MergeResult:
    """Merge duplicate FRA into TIL (kept); refused for one member, unknown or merged ones,
    and, unless `two_accounts_ok`, when both carry different Entra accounts."""
    if from_id == to_id:
        raise RegistryError(t("members.registry.samme_medlem", id=from_id))
    source, target = session.get(Member, from_id), session.get(Member, to_id)
    for member, mid in ((source, from_id), (target, to_id)):
        if member is None:
            raise RegistryError(t("members.registry.fant_ikke_medlem", id=mid))
        if member.merged_into_id is not None:
            raise RegistryError(t("members.registry.allerede_slatt_sammen", id=mid,
                                  into=member.merged_into_id))
    assert source is not None and target is not None
    two = bool(source.aad_object_id and target.aad_object_id
               and source.aad_object_id != target.aad_object_id)
    if two and not two_accounts_ok:
        raise RegistryError(t("members.registry.to_kontoer", first=account_text(source),
                              second=account_text(target)))
    result = merge(session, from_id, to_id, now)
    detail = (f"actor={actor} into={to_id} moved={result.moved} dropped={result.dropped}"
              f" kept_as_history={result.kept}" + (" two_accounts" if two else ""))
    audit.record(session, action="member.merge", actor_member_id=actor_member_id,
                 target=f"member:{from_id}", detail=detail, at=now)
    return result
