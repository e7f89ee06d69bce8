"""`nominer` (any active member, any chat) and its form; the secretariat's «Godkjenn
nominasjonen» / «Avslå»; «Jeg slutter i gruppen» from `min profil`."""

from __future__ import annotations

from dataclasses import replace

from bot.router import CardReply, Router, Shown
from bot.turn import Turn
from cards.actions import (
    LeaveAskAction,
    LeaveSendAction,
    NominationApproveAction,
    NominationRejectAction,
    NominationSubmitAction,
)
from cards.nominations import (
    LeaveFormView,
    NominationFormView,
    build_leave_form_card,
    build_nomination_card,
    build_nomination_form_card,
)
from cards.notice import build_notice_card
from core.i18n import t
from domain.bounds import parse_id
from domain.nominations import NominationSource, check_nominee
from services import nominations as service
from storage.models import Role, WorkingGroup
from storage.nomination_models import Nomination


def register(root: Router) -> None:
    """Add `nominer`, its form, the leave form (members) and the decisions (secretariat)."""
    router = root.feature("nominations")
    router.command("nominer", description=lambda: t("nominations.reply.nominer_beskrivelse"),
                   )(open_form)
    router.action(NominationSubmitAction)(submit)
    router.action(LeaveAskAction)(leave_form)
    router.action(LeaveSendAction)(leave)
    secretariat = router.secretariat()
    secretariat.action(NominationApproveAction)(approve)
    secretariat.action(NominationRejectAction)(reject)


def _active(turn: Turn) -> bool:
    """An active member or secretariat member (a guest is in the registry, not a group)."""
    m = turn.member
    return bool(m and m.id and m.active and m.role != Role.guest)


def _form(turn: Turn, values: dict[str, str] | None = None,
          errors: list[str] | None = None) -> dict:
    groups = service.group_choices(turn.session)
    mine = service.member_groups(turn.session, turn.member.id or 0) if turn.member else []
    preset = dict(values or {})
    if len(mine) == 1 and not preset.get("group_id"):
        preset["group_id"] = str(mine[0][0])  # a member of one group nominates for it
    chosen = [g for g in groups if str(g[0]) == preset.get("group_id")]
    members = service.replace_choices(turn.session, chosen or groups)
    return build_nomination_form_card(NominationFormView(groups, members, preset, errors or []))


async def open_form(turn: Turn) -> None:
    """`nominer`: the form (the nominator is whoever sends it, from the activity)."""
    if not _active(turn):
        await turn.say(t("nominations.reply.bare_aktive_medlemmer"))
        return
    if not service.group_choices(turn.session):
        await turn.say(t("nominations.reply.ingen_grupper"))
        return
    await turn.send_card(_form(turn), t("nominations.reply.nominer_et_medlem"))


async def submit(turn: Turn, data: NominationSubmitAction) -> Shown:
    """The form sent: stored and on its way to the secretariat, or back with what is wrong."""
    if not _active(turn):
        await turn.say(t("nominations.reply.bare_aktive_medlemmer"))
        return None
    values = {"group_id": data.group_id, "name": data.name, "email": data.email,
              "organisation": data.organisation, "role_there": data.role_there,
              "replaces": data.replaces}
    fields, errors = check_nominee(data.name, data.email, data.organisation, data.role_there)
    group_id = parse_id(data.group_id)
    group = turn.session.get(WorkingGroup, group_id) if group_id is not None else None
    if group is None:
        errors.insert(0, t("nominations.reply.velg_en_gruppe"))
    if fields is None or group is None:
        return CardReply(_form(turn, values, errors), t("nominations.reply.ikke_sendt"))
    try:
        row = service.submit(turn.session, group.id or 0, fields, now=turn.deps.clock.now(),
                             source=NominationSource.teams, nominator=turn.member,
                             entered_by="teams",
                             replaces_member_id=service.parse_replaces(data.replaces))
    except service.NominationError as exc:
        return CardReply(_form(turn, values, [str(exc)]), str(exc))
    text = t("nominations.reply.sendt", name=row.name, group=group.name)
    return CardReply(build_notice_card(t("nominations.reply.nominasjonen_er_sendt"), [text]),
                     text)


async def _decided(turn: Turn, nomination_id: int, text: str) -> Shown:
    row = turn.session.get(Nomination, nomination_id)
    if row is None:
        await turn.say(text)
        return None
    turn.session.refresh(row)
    return CardReply(build_nomination_card(service.view(turn.session, row, text)), text)


async def approve(turn: Turn, data: NominationApproveAction) -> Shown:
    """«Godkjenn nominasjonen»: the member is added; a second approver is told it is decided."""
    by = turn.member.id if turn.member else None
    try:
        done = service.approve(turn.session, data.nomination_id, now=turn.deps.clock.now(),
                               by_member_id=by, by="teams")
    except service.NominationError as exc:
        return await _decided(turn, data.nomination_id, str(exc))
    group = turn.session.get(WorkingGroup, done.nomination.group_id)
    return await _decided(turn, data.nomination_id, done.text(group.name if group else ""))


async def reject(turn: Turn, data: NominationRejectAction) -> Shown:
    """«Avslå»: needs the reason typed on the card; it is sent to the nominator."""
    by = turn.member.id if turn.member else None
    try:
        row = service.reject(turn.session, data.nomination_id, data.reason,
                             now=turn.deps.clock.now(), by_member_id=by, by="teams")
    except service.NominationError as exc:
        still = turn.session.get(Nomination, data.nomination_id)
        if still is not None and still.status == "submitted":  # no reason yet: ask again
            view = replace(service.view(turn.session, still), problem=str(exc))
            return CardReply(build_nomination_card(view), str(exc))
        return await _decided(turn, data.nomination_id, str(exc))
    told = (t("nominations.reply.nominator_far_begrunnelsen")
            if row.nominator_member_id is not None else "")
    return await _decided(turn, data.nomination_id,
                          " ".join(filter(None, [t("nominations.reply.avslatt", name=row.name),
                                                 told])))


def _leave_form(turn: Turn, values: dict[str, str] | None = None,
                errors: list[str] | None = None) -> dict:
    groups = service.member_groups(turn.session, turn.member.id or 0) if turn.member else []
    return build_leave_form_card(LeaveFormView(groups, values or {}, errors or []))


async def leave_form(turn: Turn, _data: LeaveAskAction) -> Shown:
    """«Jeg slutter i gruppen» on the profile card: the form (groups the member is in)."""
    member_id = turn.member.id if turn.member and _active(turn) else None
    if member_id is None or not service.member_groups(turn.session, member_id):
        await turn.say(t("nominations.reply.ikke_medlem_av_noen"))
        return None
    await turn.send_card(_leave_form(turn), t("cards.nominations.jeg_slutter"))
    return None


async def leave(turn: Turn, data: LeaveSendAction) -> Shown:
    """The leave form sent: a nomination of the successor, or a notice to the secretariat."""
    member = turn.member
    if member is None or not _active(turn):
        await turn.say(t("nominations.reply.ikke_medlem_av_noen"))
        return None
    values = {"group_id": data.group_id, "successor_name": data.successor_name,
              "successor_email": data.successor_email}
    group_id = parse_id(data.group_id)
    try:
        row = service.leave(turn.session, member, group_id or 0, data.successor_name,
                            data.successor_email, turn.deps.clock.now())
    except service.NominationError as exc:
        return CardReply(_leave_form(turn, values, [str(exc)]), str(exc))
    text = (t("nominations.reply.etterfolger_nominert", name=row.name) if row is not None
            else t("nominations.reply.sekretariatet_har_fatt_beskjed"))
    return CardReply(build_notice_card(t("cards.nominations.jeg_slutter"), [text]), text)
