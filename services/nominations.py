"""Nominations: submitted by a member (`nominer`, «Jeg slutter i gruppen») or entered by the
secretariat (`nominations add`), decided once (approve adds the member and welcomes them,
reject sends the reason back). Every proactive message goes through the delivery ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from cards.common import attachment
from cards.nominations import (
    NominationView,
    NomineeWelcomeView,
    build_nomination_card,
    build_nominee_welcome_card,
)
from core.i18n import t
from core.timefmt import span, to_oslo
from delivery.sendout import enqueue_drawn, notice_activity, per_language, start_sendout
from domain.bounds import parse_id
from domain.members import FieldError
from domain.nominations import (
    NominationSource,
    NominationStatus,
    NomineeFields,
    WelcomeState,
    check_nominee,
    check_reason,
)
from services import members as registry
from storage import audit
from storage import nominations as repo
from storage.conversations import personal_ref_for
from storage.groups import add_membership
from storage.members import find_by_email, group_ids_of
from storage.models import Member, Membership, Role, WorkingGroup
from storage.nomination_models import Nomination

CARD_PURPOSE = "nomination"
WELCOME_PURPOSE = "nomination_welcome"
RESULT_PURPOSE = "nomination_result"
LEAVE_PURPOSE = "leave_notice"


class NominationError(ValueError):
    """A nomination refused, or a decision that cannot be made; Norwegian, nothing stored."""


def subject(nomination_id: int) -> str:
    """The ledger subject of everything sent about one nomination."""
    return f"nomination:{nomination_id}"


# -- what the forms offer -----------------------------------------------------------------

def group_choices(session: Session) -> list[tuple[int, str]]:
    """Every group, by name."""
    return [(g.id or 0, g.name) for g in session.exec(
        select(WorkingGroup).order_by(col(WorkingGroup.name)))]


def replace_choices(session: Session, groups: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The active members a nominee may replace; with several groups each says its group."""
    out: list[tuple[int, str]] = []
    for gid, gname in groups:
        rows = session.exec(select(Member).join(Membership, col(Membership.member_id) == Member.id)
                            .where(Membership.group_id == gid, Member.active == True)  # noqa: E712
                            .order_by(col(Member.name)))
        for m in rows:
            label = f"{m.name} ({m.organisation})" if m.organisation else m.name
            out.append((m.id or 0, f"{label} – {gname}" if len(groups) > 1 else label))
    return out


def member_groups(session: Session, member_id: int) -> list[tuple[int, str]]:
    """The groups a member belongs to, by name."""
    ids = group_ids_of(session, member_id)
    return [(gid, name) for gid, name in group_choices(session) if gid in ids]


# -- submitting ---------------------------------------------------------------------------

def _name_of(session: Session, member_id: int | None) -> str:
    member = session.get(Member, member_id) if member_id else None
    return member.name if member else ""


def _refuse_duplicates(session: Session, group: WorkingGroup, fields: NomineeFields) -> None:
    existing = repo.active_member_in_group(session, group.id or 0, fields.email)
    if existing is not None:
        raise NominationError(t("nominations.service.allerede_medlem", name=existing.name,
                                email=fields.email, group=group.name, id=existing.id))
    found = repo.open_for(session, group.id or 0, fields.email)
    if found is not None:
        raise NominationError(_already_nominated(found, group))


def _already_nominated(found: Nomination, group: WorkingGroup) -> str:
    return t("nominations.service.allerede_nominert", name=found.name, email=found.email,
             group=group.name, id=found.id, when=span(found.created_at))


def submit(session: Session, group_id: int, fields: NomineeFields, *, now: datetime,
           source: NominationSource, nominator: Member | None, entered_by: str,
           replaces_member_id: int | None = None) -> Nomination:
    """Store a nomination and send its card 1:1 to the group's active secretariat; refused
    (NominationError) for someone already in the group or already nominated to it."""
    group = session.get(WorkingGroup, group_id)
    if group is None:
        raise NominationError(t("nominations.service.fant_ikke_gruppen", id=group_id))
    if replaces_member_id is not None:
        replaced = session.get(Member, replaces_member_id)
        if replaced is None or not replaced.active or session.get(
                Membership, (group_id, replaces_member_id)) is None:
            raise NominationError(t("nominations.service.erstatter_ikke_medlem",
                                    id=replaces_member_id, group=group.name))
    _refuse_duplicates(session, group, fields)
    nominator_id = nominator.id if nominator else None
    try:
        row = repo.add(session, group_id, fields, now=now, source=source,
                       nominator_member_id=nominator_id, entered_by=entered_by,
                       replaces_member_id=replaces_member_id)
    except repo.OpenNominationExists:
        # Another submission of the same person committed between our check and insert.
        found = repo.open_for(session, group_id, fields.email)
        raise NominationError(_already_nominated(found, group) if found else
                              t("nominations.service.allerede_nominert_kort",
                                email=fields.email)) from None
    assert row.id is not None
    audit.record(session, action="nominations.add", actor_member_id=nominator_id,
                 target=f"nomination:{row.id}",
                 detail=f"actor={entered_by} group={group_id} source={source.value}", at=now)
    recipients = secretariat_of(session, group_id)
    start_sendout(session, CARD_PURPOSE, subject(row.id), recipients,
                  per_language(lambda: card_activity(session, row)), now,
                  title=t("nominations.service.ny_nominasjon_tittel", id=row.id))
    return row


def secretariat_of(session: Session, group_id: int) -> list[Member]:
    """The group's active secretariat; every active secretariat member if it has none."""
    base = select(Member).where(Member.active == True,  # noqa: E712
                                Member.role == Role.secretariat).order_by(col(Member.id))
    in_group = list(session.exec(base.join(Membership, col(Membership.member_id) == Member.id)
                                 .where(Membership.group_id == group_id)))
    return in_group or list(session.exec(base))


def view(session: Session, n: Nomination, decided: str = "") -> NominationView:
    """What the secretariat's card shows, from the database."""
    group = session.get(WorkingGroup, n.group_id)
    by = _name_of(session, n.nominator_member_id) or (
        t("nominations.service.sekretariatet") if n.source == NominationSource.cli else "")
    return NominationView(n.id or 0, group.name if group else "?", n.name, n.email,
                          n.organisation, n.role_there, _name_of(session, n.replaces_member_id),
                          by, span(n.created_at), decided or decided_text(session, n),
                          n.source == NominationSource.leave)


def decided_text(session: Session, n: Nomination) -> str:
    """The line a decided nomination's card shows ("" while it is open)."""
    if n.status == NominationStatus.submitted:
        return ""
    who = _name_of(session, n.decided_by_member_id) or n.decided_by
    when = span(n.decided_at) if n.decided_at else ""
    if n.status == NominationStatus.approved:
        return t("nominations.service.godkjent_av", who=who, when=when)
    return t("nominations.service.avslatt_av", who=who, when=when, reason=n.reason)


def card_activity(session: Session, n: Nomination) -> dict[str, Any]:
    """The secretariat's 1:1 message: the nomination card."""
    text = t("nominations.service.ny_nominasjon_tekst", name=n.name)
    return {"type": "message", "text": text, "summary": text,
            "attachments": [attachment(build_nomination_card(view(session, n)))]}


# -- deciding -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Approved:
    nomination: Nomination
    member: Member
    added: bool  # a new member (else an existing one found by e-mail)
    welcomed: bool  # the welcome is in the ledger now (else it waits for the bot to reach them)
    replaced: Member | None = None

    def text(self, group: str) -> str:
        """What the approver reads: done, and what the secretariat must do next, if anything."""
        done = t("nominations.service.godkjent", name=self.member.name, group=group,
                 id=self.member.id)
        if self.welcomed:
            return done + " " + t("nominations.service.velkomst_sendt")
        return done + " " + t("nominations.service.legg_til_i_teamet",
                              email=self.nomination.email)


def _load(session: Session, nomination_id: int) -> Nomination:
    n = session.get(Nomination, nomination_id)
    if n is None:
        raise NominationError(t("nominations.service.fant_ikke", id=nomination_id))
    return n


def _refuse_decided(session: Session, n: Nomination) -> None:
    session.refresh(n)
    raise NominationError(t("nominations.service.allerede_avgjort", id=n.id,
                            what=decided_text(session, n)))


def can_reach(session: Session, member: Member) -> bool:
    """True when a 1:1 message can go now: a personal chat, or a Teams id to open one."""
    if not member.reachable or member.id is None:
        return False
    return personal_ref_for(session, member.id) is not None or bool(member.teams_user_id)


def _existing_by_email(session: Session, email: str) -> Member | None:
    found = [m for m in find_by_email(session, email) if m.merged_into_id is None]
    if len(found) > 1:
        raise NominationError(t("nominations.service.flere_med_eposten", email=email,
                                ids=", ".join(str(m.id) for m in found)))
    return found[0] if found else None


def approve(session: Session, nomination_id: int, *, now: datetime, by_member_id: int | None,
            by: str) -> Approved:
    """submitted → approved (one guarded UPDATE: a second approver is refused), then the
    member is added to the group (or found by e-mail), a replaced member leaves, and the
    welcome is queued once the bot can reach them."""
    n = _load(session, nomination_id)
    if n.status != NominationStatus.submitted:
        _refuse_decided(session, n)
    group = session.get(WorkingGroup, n.group_id)
    assert group is not None
    existing = _existing_by_email(session, n.email)  # refusals come before the claim
    if not repo.claim(session, nomination_id, NominationStatus.approved, now,
                      by_member_id=by_member_id, by=by):
        _refuse_decided(session, n)
    actor = by if by.startswith("cli:") else "teams"
    if existing is None:
        member = registry.add_member(
            session, registry.MemberFields(name=n.name, organisation=n.organisation,
                                           email=n.email),
            group=group, role=Role.member, now=now, actor=actor, actor_member_id=by_member_id)
    else:
        member = existing
        if not member.active:
            member.active, member.updated_at = True, now
            session.add(member)
        add_membership(session, group, member)
    replaced = _retire(session, n, group, now, actor, by_member_id)
    assert member.id is not None
    welcomed = can_reach(session, member)
    repo.set_member(session, nomination_id, member.id,
                    WelcomeState.queued if welcomed else WelcomeState.waiting)
    if welcomed:
        _queue_welcome(session, n, member, group, now)
    audit.record(session, action="nominations.approve", actor_member_id=by_member_id,
                 target=f"nomination:{nomination_id}",
                 detail=f"actor={actor} member={member.id}"
                 + (f" replaced={replaced.id}" if replaced else ""), at=now)
    session.refresh(n)
    _tell_nominator(session, n, group, now)
    return Approved(n, member, existing is None, welcomed, replaced)


def _retire(session: Session, n: Nomination, group: WorkingGroup, now: datetime, actor: str,
            by_member_id: int | None) -> Member | None:
    """The replaced member leaves the group: deactivated as `members deactivate` does when
    it was their only group, else only taken out of this one."""
    if n.replaces_member_id is None:
        return None
    old = session.get(Member, n.replaces_member_id)
    if old is None:
        return None
    if set(group_ids_of(session, old.id or 0)) - {group.id}:
        repo.remove_membership(session, group.id or 0, old.id or 0)
        audit.record(session, action="membership.remove", actor_member_id=by_member_id,
                     target=f"member:{old.id}", detail=f"actor={actor} group={group.id}",
                     at=now)
    else:
        registry.deactivate(session, old, now=now, actor=actor, actor_member_id=by_member_id)
    return old


def _queue_welcome(session: Session, n: Nomination, member: Member, group: WorkingGroup,
                   now: datetime) -> bool:
    by = _name_of(session, n.nominator_member_id)

    def build() -> dict[str, Any]:
        card = build_nominee_welcome_card(NomineeWelcomeView(member.name, group.name, by))
        text = t("nominations.service.velkommen_tekst", group=group.name)
        return {"type": "message", "text": text, "summary": text,
                "attachments": [attachment(card)]}
    return enqueue_drawn(session, WELCOME_PURPOSE, subject(n.id or 0), member.id or 0, build,
                         now)


def _tell_nominator(session: Session, n: Nomination, group: WorkingGroup, now: datetime) -> None:
    """The nominator hears the decision 1:1 (a rejection with its reason)."""
    if n.nominator_member_id is None:
        return

    def build() -> dict[str, Any]:
        if n.status == NominationStatus.approved:
            title = t("nominations.service.din_nominasjon_godkjent", name=n.name)
            lines = [t("nominations.service.er_na_medlem", name=n.name, group=group.name)]
        else:
            title = t("nominations.service.din_nominasjon_avslatt", name=n.name)
            lines = [t("nominations.service.til_gruppen", group=group.name),
                     t("nominations.service.begrunnelse", reason=n.reason)]
        return notice_activity(title, lines)
    enqueue_drawn(session, RESULT_PURPOSE, subject(n.id or 0), n.nominator_member_id, build, now)


def reject(session: Session, nomination_id: int, reason: str, *, now: datetime,
           by_member_id: int | None, by: str) -> Nomination:
    """submitted → rejected with a reason (needed: it goes back to the nominator)."""
    n = _load(session, nomination_id)
    try:
        text = check_reason(reason)
    except FieldError as exc:
        raise NominationError(str(exc)) from exc
    if n.status != NominationStatus.submitted or not repo.claim(
            session, nomination_id, NominationStatus.rejected, now, by_member_id=by_member_id,
            by=by, reason=text):
        _refuse_decided(session, n)
    session.refresh(n)
    group = session.get(WorkingGroup, n.group_id)
    assert group is not None
    actor = by if by.startswith("cli:") else "teams"
    # The reason itself stays out of the audit row: it can name people.
    audit.record(session, action="nominations.reject", actor_member_id=by_member_id,
                 target=f"nomination:{nomination_id}", detail=f"actor={actor}", at=now)
    _tell_nominator(session, n, group, now)
    return n


def welcome_if_waiting(session: Session, member: Member, now: datetime) -> int:
    """The member just became reachable (identity link, a team join): queue each waiting
    welcome once (a guarded UPDATE, and the ledger's unique row). How many were queued."""
    if member.id is None:
        return 0
    queued = 0
    for n in repo.waiting_welcomes(session, member.id):
        group = session.get(WorkingGroup, n.group_id)
        if group is not None and repo.claim_welcome(session, n.id or 0):
            queued += _queue_welcome(session, n, member, group, now)
    return queued


# -- «Jeg slutter i gruppen» --------------------------------------------------------------

def leave(session: Session, member: Member, group_id: int, successor_name: str,
          successor_email: str, now: datetime) -> Nomination | None:
    """The member leaves: with a successor it is a nomination replacing them, without one
    the group's secretariat is told. None when no nomination was made."""
    if member.id is None or group_id not in group_ids_of(session, member.id):
        raise NominationError(t("nominations.service.ikke_i_gruppen"))
    name, email = successor_name.strip(), successor_email.strip()
    if bool(name) != bool(email):
        raise NominationError(t("nominations.service.begge_eller_ingen"))
    if name:
        fields, errors = check_nominee(name, email, member.organisation)
        if fields is None:
            raise NominationError(" ".join(errors))
        return submit(session, group_id, fields, now=now, source=NominationSource.leave,
                      nominator=member, entered_by="teams", replaces_member_id=member.id)
    group = session.get(WorkingGroup, group_id)
    assert group is not None

    def build() -> dict[str, Any]:
        who = f"{member.name} ({member.organisation})" if member.organisation else member.name
        return notice_activity(t("nominations.service.vil_slutte_tittel", name=member.name),
                               [t("nominations.service.vil_slutte", who=who, group=group.name),
                                t("nominations.service.ingen_etterfolger")])
    day = to_oslo(now).date().isoformat()
    start_sendout(session, LEAVE_PURPOSE, f"leave:{group_id}:{member.id}:{day}",
                  secretariat_of(session, group_id), per_language(build), now,
                  title=t("nominations.service.vil_slutte_tittel", name=member.name))
    audit.record(session, action="member.leave", actor_member_id=member.id,
                 target=f"member:{member.id}", detail=f"actor=selv group={group_id}", at=now)
    return None


def parse_replaces(text: str) -> int | None:
    """The form's «Erstatter» choice: a member id, or None for «Ingen» ("0", or nothing)."""
    return parse_id(text or "") or None
