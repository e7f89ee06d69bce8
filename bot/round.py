"""The round the table: `runde`, its buttons, written updates, and `oppdatering` beforehand."""

from __future__ import annotations

import logging
from typing import Any

from bot.router import Router
from bot.turn import Turn
from cards.actions import (
    RoundAbsentAction,
    RoundFinishAction,
    RoundFormAction,
    RoundMove,
    RoundNextAction,
    RoundSkipAction,
    RoundStartAction,
    RoundToEndAction,
    RoundUpdateAction,
)
from cards.common import plain
from cards.notice import build_notice_card
from cards.round import FormView, build_round_form_card
from core.i18n import t
from core.timefmt import date_long, span
from domain import round as rm
from domain.round import OrderMode
from services.minutes import chosen_item, item_choice
from services.round import round_card, round_card_with_notice, schedule_nudges, summary
from storage import audit, rounds
from storage.groups import default_group
from storage.meeting_models import AgendaKind, Meeting
from storage.meetings import next_for_member
from storage.members import group_ids_of
from storage.models import Member, Region, WorkingGroup
from storage.regions import find_region
from storage.round_models import RoundSlot, TalkRound
from storage.rounds import by_region, current_meeting, present, save_prewrite
from storage.teams import group_for_team

log = logging.getLogger(__name__)
MAX_UPDATE = 4000
MOVES: dict[type[RoundMove], rm.Move] = {
    RoundNextAction: rm.Move.next, RoundSkipAction: rm.Move.skip,
    RoundToEndAction: rm.Move.to_end, RoundAbsentAction: rm.Move.absent,
    RoundFinishAction: rm.Move.finish}


def register_moves(router: Router, secretariat: Router) -> None:
    """The five control buttons are the secretariat's; a written update is the region's own."""
    for action, what in MOVES.items():
        secretariat.action(action)(_mover(what))
    router.owner(_owns_slot, _not_yours).action(RoundUpdateAction)(save_update)


def _owns_slot(turn: Turn, data: RoundUpdateAction) -> bool:
    """The slot's region is the clicker's own (its members, or a member of that region)."""
    slot = turn.session.get(RoundSlot, data.slot_id)
    return slot is None or _may_write(turn, slot)  # no slot: the handler says it is not found


def _not_yours(turn: Turn, data: RoundUpdateAction) -> dict[str, Any] | None:
    rnd = _round_here(turn, data.round_id)
    return _with_notice(turn, rnd, t("round.reply.du_kan_bare")) \
        if rnd else None


def _round_here(turn: Turn, round_id: int) -> TalkRound | None:
    # A card from another conversation (or forged data) must not steer this one's round.
    rnd = turn.session.get(TalkRound, round_id)
    return rnd if rnd and rnd.conversation_id == turn.activity.conversation.id else None


def _with_notice(turn: Turn, rnd: TalkRound, notice: str) -> dict[str, Any]:
    return round_card_with_notice(turn.session, rnd, notice)


def _mover(what: rm.Move) -> Any:
    async def handle(turn: Turn, data: RoundMove) -> dict[str, Any] | None:
        rnd = _round_here(turn, data.round_id)
        if rnd is None:
            await turn.say(t("round.reply.fant_ikke_runden"))
            return None
        now = turn.deps.clock.now()
        rnd, moved = rounds.move(turn.session, rnd.id or 0, data.step, what, now)
        assert rnd is not None
        if not moved:
            return _with_notice(turn, rnd, t("round.reply.runden_var_allerede"))
        if rnd.status == rm.RoundStatus.running:
            schedule_nudges(turn.session, rnd, now)
        audit.record(turn.session, action=f"round.{what.value}", target=str(rnd.id),
                     actor_member_id=turn.member.id if turn.member else None)
        card = await refresh(turn, rnd.id or 0)
        if rnd.status == rm.RoundStatus.finished:
            await turn.say(summary(turn.session, rnd))
        return card
    return handle


def _may_write(turn: Turn, slot: RoundSlot) -> bool:
    member = turn.member
    if member is None or not member.active:  # a deactivated member speaks for no region
        return False
    if turn.is_secretariat or member.id in rounds.member_ids(slot):
        return True
    return member.region_id is not None and member.region_id == slot.region_id


async def save_update(turn: Turn, data: RoundUpdateAction) -> dict[str, Any] | None:
    """«Lagre oppdatering»: the region's own members, or the secretariat on their behalf."""
    rnd = _round_here(turn, data.round_id)
    slot = turn.session.get(RoundSlot, data.slot_id)
    if rnd is None or slot is None or slot.round_id != rnd.id:
        await turn.say(t("round.reply.fant_ikke_runden"))
        return None
    text = data.text.strip()
    if not text:
        return _with_notice(turn, rnd, t("round.reply.skriv_oppdateringen_for"))
    if len(text) > MAX_UPDATE:
        return _with_notice(turn, rnd,
                            t("round.reply.oppdateringen_er_for", text_count=len(text),
                              MAX_UPDATE=MAX_UPDATE))
    rounds.save_update(turn.session, slot, text, turn.member.id if turn.member else None)
    return await refresh(turn, rnd.id or 0)


async def refresh(turn: Turn, round_id: int) -> dict[str, Any]:
    """The shared card, redrawn in place for everyone after the commit; returns the card."""
    rnd = turn.session.get(TalkRound, round_id)
    assert rnd is not None
    card, text = round_card(turn.session, rnd)
    if rnd.activity_id:  # a failed PUT (a deleted card) is logged; the press stays stored
        turn.update_card(rnd.activity_id, card, text)
    return card


# Round-the-table: `runde` and «Start runde» open the form, «Start runden» posts the card.
def register(root: Router) -> None:
    """Add `runde`, the help-card button and every round action."""
    router = root.feature("round")
    secretariat = router.secretariat()
    secretariat.command("runde", description=lambda: t("round.start_runden_rundt"))(show_form)

    @secretariat.action(RoundFormAction, button=lambda: t("round.reply.start_runde"))
    async def _form(turn: Turn, _data: RoundFormAction) -> None:
        await show_form(turn)
        return None

    secretariat.action(RoundStartAction)(start_round)
    register_moves(router, secretariat)


def group_of(turn: Turn) -> WorkingGroup:
    """The channel's linked group; in a chat the sender's only group, else the default one."""
    team_id = (turn.channel_data.get("team") or {}).get("id")
    group = group_for_team(turn.session, team_id) if team_id else None
    if group is None and turn.member is not None:
        ids = group_ids_of(turn.session, turn.member.id or 0)
        if len(ids) == 1:
            group = turn.session.get(WorkingGroup, ids[0])
    return group or default_group(turn.session)


def _form_view(turn: Turn, warnings: list[str] | None = None, topic: str = "",
               chosen: str = "") -> FormView:
    group = group_of(turn)
    meeting = current_meeting(turn.session, group.id or 0, turn.deps.clock.now())
    note = (t("round.reply.runden_horer_til",
              starts_at=span(meeting.starts_at)) if meeting and meeting.starts_at
            else t("round.reply.ingen_mote_dag"))
    offer = item_choice(turn.session, group.id, turn.deps.clock.now(), AgendaKind.round)
    return FormView(topic=topic, note=note, warnings=warnings or [], items=offer.choices,
                    proposed_item=chosen or offer.proposed)


async def show_form(turn: Turn) -> None:
    """The form: topic, order, minutes per speaker."""
    await turn.send_card(build_round_form_card(_form_view(turn)), t("round.start_runden_rundt"))


def _checked(data: RoundStartAction) -> tuple[str, OrderMode, int, bool, list[str]]:
    topic = " ".join(data.topic.split())
    problems = [] if topic else [t("round.reply.skriv_et_tema")]
    if len(topic) > 400:
        problems.append(t("round.reply.temaet_er_for", topic_count=len(topic)))
    mode = OrderMode(data.order) if data.order in OrderMode.__members__ else None
    if mode is None:
        problems.append(t("round.reply.velg_en_rekkefolge"))
    try:
        minutes = float(str(data.minutes).replace(",", ".") or 3)
    except ValueError:
        minutes = -1.0
    if not 0.5 <= minutes <= 30:
        problems.append(t("round.reply.tid_per_taler"))
    auto = str(data.auto).casefold() == "true"
    return topic[:400], mode or OrderMode.region, round(minutes * 60), auto, problems


async def start_round(turn: Turn, data: RoundStartAction) -> dict[str, Any] | None:
    """Create the round for the group's current meeting and post the shared card."""
    topic, mode, seconds, auto, problems = _checked(data)
    if problems:
        return build_round_form_card(_form_view(turn, problems, topic, data.agenda_item))
    now, group = turn.deps.clock.now(), group_of(turn)
    meeting = current_meeting(turn.session, group.id or 0, now)
    drafts = by_region(turn.session, present(turn.session, group.id or 0, meeting))
    if not drafts:
        return build_round_form_card(_form_view(turn, [t("round.reply.ingen_medlemmer_ta")],
                                                topic))
    rnd = rounds.create_round(
        turn.session, group_id=group.id, meeting_id=meeting.id if meeting else None,
        topic=topic, mode=mode, seconds=seconds, auto_advance=auto,
        conversation_id=turn.activity.conversation.id, drafts=drafts,
        by_member_id=turn.member.id if turn.member else None, now=now)
    item = chosen_item(turn.session, data.agenda_item)
    if item is not None:
        rnd.meeting_id, rnd.agenda_item_id = rnd.meeting_id or item.meeting_id, item.id
        turn.session.add(rnd)
    schedule_nudges(turn.session, rnd, now)
    audit.record(turn.session, action=RoundStartAction.verb, target=str(rnd.id), detail=topic,
                 actor_member_id=turn.member.id if turn.member else None)
    card, text = round_card(turn.session, rnd)
    round_id = rnd.id or 0
    # Posted right after the commit; its id is stored in a short transaction after the send.
    await turn.send_card(card, text, on_sent=lambda s, sent_id: rounds.set_card_id(
        s, round_id, sent_id))
    return build_notice_card(t("round.reply.runden_er_startet"),
                             [t("round.reply.tema", topic=plain(topic)),
                              t("round.reply.folg_runden_pa")])


# `oppdatering TEKST`: a region's update for the round, written before the meeting.
MAX_PREWRITE = 3000  # under the 4,000 a chat message may carry


def register_prewrite(root: Router) -> None:
    """Add the command (members write for their own region)."""
    root.feature("round_prewrite").command(
        "oppdatering", description=lambda: t("round.reply.skriv_regionens_oppdatering"),
    )(write_update)


def _next_meeting(turn: Turn, member: Member) -> Meeting | None:
    return next_for_member(turn.session, member.id or 0, turn.deps.clock.now())


def _region(turn: Turn, text: str) -> tuple[Region | None, str]:
    """The secretariat may name a region before a colon; members write for their own."""
    member = turn.member
    assert member is not None
    head, sep, rest = text.partition(":")
    if turn.is_secretariat and sep:
        named = find_region(turn.session, head)
        if named is not None:
            return named, rest.strip()
    region = turn.session.get(Region, member.region_id) if member.region_id else None
    return region, text


async def write_update(turn: Turn) -> None:
    """Store the update for the member's (or named) region at the next meeting."""
    text = turn.text.split(" ", 1)[1].strip() if " " in turn.text else ""
    if turn.member is None or not text:
        await turn.say(t("round.reply.skriv_oppdatering_og"))
        return
    region, text = _region(turn, text)
    if region is None or region.id is None:
        await turn.say(t("round.reply.du_er_ikke"))
        return
    if len(text) > MAX_PREWRITE:
        await turn.say(t("round.reply.oppdateringen_er_for_2", text_count=len(text),
                         MAX_PREWRITE=MAX_PREWRITE))
        return
    meeting = _next_meeting(turn, turn.member)
    if meeting is None or meeting.id is None or meeting.starts_at is None:
        await turn.say(t("round.reply.det_er_ikke"))
        return
    save_prewrite(turn.session, meeting.id, region.id, text, turn.member.id,
                  turn.deps.clock.now())
    if turn.is_secretariat and region.id != turn.member.region_id:
        audit.record(turn.session, action="round.prewrite", target=region.name,
                     actor_member_id=turn.member.id, detail=str(meeting.id))
    await turn.say(t("round.reply.oppdateringen_for_er", name=plain(region.name),
                     title=plain(meeting.title), starts_at=date_long(meeting.starts_at)))
