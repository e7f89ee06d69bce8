"""The round the table: `runde`, its buttons, written updates, and `oppdatering` beforehand."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlmodel import col, select

from bot.router import ActionData, Router
from bot.turn import Turn, card_message
from cards.common import plain
from cards.notice import build_notice_card
from cards.round import FormView, build_round_card, build_round_form_card
from core.timefmt import date_long, span
from domain import round as rm
from domain.round import OrderMode
from services.round import round_card, round_view, schedule_nudges, summary
from storage import audit, rounds
from storage.groups import default_group
from storage.meeting_models import Meeting, MeetingGroup, MeetingStatus
from storage.models import Member, Membership, Region, WorkingGroup
from storage.regions import find_region
from storage.round_models import RoundSlot, TalkRound
from storage.rounds import by_region, current_meeting, present, save_prewrite
from storage.teams import group_for_team

log = logging.getLogger(__name__)
MAX_UPDATE = 4000
MOVES = {"round.next": rm.Move.next, "round.skip": rm.Move.skip,
         "round.to_end": rm.Move.to_end, "round.absent": rm.Move.absent,
         "round.finish": rm.Move.finish}


class RoundMove(BaseModel):
    """A button press carries the step the card showed: an older card's press is stale."""

    model_config = ConfigDict(extra="ignore")
    round_id: int
    step: int


class RoundUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore")
    round_id: int
    slot_id: int
    text: str = ""


def register_moves(router: Router) -> None:
    """The five control buttons are the secretariat's; a written update is anyone's own."""
    for verb, what in MOVES.items():
        router.action(verb, RoundMove, secretariat=True)(_mover(what))
    router.action("round.update", RoundUpdate)(save_update)


def _round_here(turn: Turn, round_id: int) -> TalkRound | None:
    # A card from another conversation (or forged data) must not steer this one's round.
    rnd = turn.session.get(TalkRound, round_id)
    return rnd if rnd and rnd.conversation_id == turn.activity.conversation.id else None


def _with_notice(turn: Turn, rnd: TalkRound, notice: str) -> dict[str, Any]:
    return build_round_card(replace(round_view(turn.session, rnd), notice=notice))


def _mover(what: rm.Move) -> Any:
    async def handle(turn: Turn, data: RoundMove) -> dict[str, Any] | None:
        rnd = _round_here(turn, data.round_id)
        if rnd is None:
            await turn.say("Fant ikke runden i denne samtalen.")
            return None
        now = turn.deps.clock.now()
        rnd, moved = rounds.move(turn.session, rnd.id or 0, data.step, what, now)
        assert rnd is not None
        if not moved:
            return _with_notice(turn, rnd, "Runden var allerede flyttet videre.")
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
    if member is None:
        return False
    if turn.is_secretariat or member.id in rounds.member_ids(slot):
        return True
    return member.region_id is not None and member.region_id == slot.region_id


async def save_update(turn: Turn, data: RoundUpdate) -> dict[str, Any] | None:
    """«Lagre oppdatering»: the region's own members, or the secretariat on their behalf."""
    rnd = _round_here(turn, data.round_id)
    slot = turn.session.get(RoundSlot, data.slot_id)
    if rnd is None or slot is None or slot.round_id != rnd.id:
        await turn.say("Fant ikke runden i denne samtalen.")
        return None
    text = data.text.strip()
    if not text:
        return _with_notice(turn, rnd, "Skriv oppdateringen før du lagrer.")
    if len(text) > MAX_UPDATE:
        return _with_notice(turn, rnd, f"Oppdateringen er for lang ({len(text)} tegn, "
                                       f"høyst {MAX_UPDATE}). Ingenting er lagret.")
    if not _may_write(turn, slot):
        audit.record(turn.session, action="round.update", outcome="refused", target=str(slot.id),
                     actor_member_id=turn.member.id if turn.member else None)
        return _with_notice(turn, rnd, "Du kan bare skrive oppdateringen for din egen region.")
    rounds.save_update(turn.session, slot, text, turn.member.id if turn.member else None)
    return await refresh(turn, rnd.id or 0)


async def refresh(turn: Turn, round_id: int, activity_id: str | None = None) -> dict[str, Any]:
    """Commit, then update the shared card in place for everyone; returns the card."""
    rnd = turn.session.get(TalkRound, round_id)
    assert rnd is not None
    if activity_id:
        rnd.activity_id = activity_id
        turn.session.add(rnd)
    card, text = round_card(turn.session, rnd)
    target = rnd.activity_id
    turn.release_db()
    if target and not activity_id:  # a card just sent needs no update
        message = card_message(card, text)
        message.id = target
        try:
            await turn.context.update_activity(message)
        except Exception:  # a deleted card must not undo a press that is already stored
            log.exception("Rundekortet %s ble ikke oppdatert", round_id)
    return card


# Round-the-table: `runde` and «Start runde» open the form, «Start runden» posts the card.
class RoundStart(BaseModel):
    """The form's inputs as Teams sends them (strings); checked in start_round."""

    model_config = ConfigDict(extra="ignore")
    topic: str = ""
    order: str = "region"
    minutes: str | float = "3"
    auto: str | bool = "false"


def register(router: Router) -> None:
    """Add `runde`, the help-card button and every round action."""
    router.command("runde", description="Start runden rundt bordet", secretariat=True)(show_form)

    @router.action("round.form", ActionData, secretariat=True, button="Start runde")
    async def _form(turn: Turn, _data: ActionData) -> dict | None:
        await show_form(turn)
        return None

    router.action("round.start", RoundStart, secretariat=True)(start_round)
    register_moves(router)


def group_of(turn: Turn) -> WorkingGroup:
    """The channel's linked group; in a chat the sender's only group, else the default one."""
    team_id = (turn.channel_data.get("team") or {}).get("id")
    group = group_for_team(turn.session, team_id) if team_id else None
    if group is None and turn.member is not None:
        ids = turn.session.exec(select(Membership.group_id)
                                .where(Membership.member_id == turn.member.id)).all()
        if len(ids) == 1:
            group = turn.session.get(WorkingGroup, ids[0])
    return group or default_group(turn.session)


def _form_view(turn: Turn, warnings: list[str] | None = None, topic: str = "") -> FormView:
    group = group_of(turn)
    meeting = current_meeting(turn.session, group.id or 0, turn.deps.clock.now())
    note = (f"Runden hører til møtet {span(meeting.starts_at)}" if meeting and meeting.starts_at
            else "Ingen møte i dag: runden tas med alle aktive medlemmer.")
    return FormView(topic=topic, note=note, warnings=warnings or [])


async def show_form(turn: Turn) -> None:
    """The form: topic, order, minutes per speaker."""
    await turn.send_card(build_round_form_card(_form_view(turn)), "Start runden rundt bordet")


def _checked(data: RoundStart) -> tuple[str, OrderMode, int, bool, list[str]]:
    topic = " ".join(data.topic.split())
    problems = [] if topic else ["Skriv et tema for runden."]
    if len(topic) > 400:
        problems.append(f"Temaet er for langt ({len(topic)} tegn, høyst 400).")
    mode = OrderMode(data.order) if data.order in OrderMode.__members__ else None
    if mode is None:
        problems.append("Velg en rekkefølge fra listen.")
    try:
        minutes = float(str(data.minutes).replace(",", ".") or 3)
    except ValueError:
        minutes = -1.0
    if not 0.5 <= minutes <= 30:
        problems.append("Tid per taler må være mellom 0,5 og 30 minutter.")
    auto = str(data.auto).casefold() == "true"
    return topic[:400], mode or OrderMode.region, round(minutes * 60), auto, problems


async def start_round(turn: Turn, data: RoundStart) -> dict[str, Any] | None:
    """Create the round for the group's current meeting and post the shared card."""
    topic, mode, seconds, auto, problems = _checked(data)
    if problems:
        return build_round_form_card(_form_view(turn, problems, topic))
    now, group = turn.deps.clock.now(), group_of(turn)
    meeting = current_meeting(turn.session, group.id or 0, now)
    drafts = by_region(turn.session, present(turn.session, group.id or 0, meeting))
    if not drafts:
        return build_round_form_card(_form_view(turn, ["Ingen medlemmer å ta med i runden."],
                                                topic))
    rnd = rounds.create_round(
        turn.session, group_id=group.id, meeting_id=meeting.id if meeting else None,
        topic=topic, mode=mode, seconds=seconds, auto_advance=auto,
        conversation_id=turn.activity.conversation.id, drafts=drafts,
        by_member_id=turn.member.id if turn.member else None, now=now)
    schedule_nudges(turn.session, rnd, now)
    audit.record(turn.session, action="round.start", target=str(rnd.id), detail=topic,
                 actor_member_id=turn.member.id if turn.member else None)
    card, text = round_card(turn.session, rnd)
    activity_id = await turn.send_card(card, text)
    await refresh(turn, rnd.id or 0, activity_id=activity_id)
    return build_notice_card("Runden er startet", [f"Tema: {plain(topic)}",
                                                   "Følg runden på kortet i samtalen."])


# `oppdatering TEKST`: a region's update for the round, written before the meeting.
MAX_PREWRITE = 3000  # under the 4,000 a chat message may carry
USAGE = ("Skriv **oppdatering** og teksten, for eksempel «oppdatering Vi har fått ny "
         "næringssjef». Sekretariatet kan skrive for en region: «oppdatering Mosseregionen: …».")


def register_prewrite(router: Router) -> None:
    """Add the command (members write for their own region)."""
    router.command("oppdatering", description="Skriv regionens oppdatering til runden før "
                   "møtet")(write_update)


def _next_meeting(turn: Turn, member: Member) -> Meeting | None:
    groups = select(Membership.group_id).where(Membership.member_id == member.id)
    query = (select(Meeting).join(MeetingGroup, col(MeetingGroup.meeting_id) == Meeting.id)
             .where(col(MeetingGroup.group_id).in_(groups), col(Meeting.ends_at).is_not(None),
                    Meeting.status != MeetingStatus.cancelled)
             .order_by(col(Meeting.starts_at)))
    now = turn.deps.clock.now()
    return next((m for m in turn.session.exec(query) if m.ends_at and m.ends_at >= now), None)


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
        await turn.say(USAGE)
        return
    region, text = _region(turn, text)
    if region is None or region.id is None:
        await turn.say("Du er ikke knyttet til en region ennå. Be sekretariatet om å legge "
                       "den inn, eller skriv oppdateringen under runden.")
        return
    if len(text) > MAX_PREWRITE:
        await turn.say(f"Oppdateringen er for lang ({len(text)} tegn, maks {MAX_PREWRITE}). "
                       "Ingenting er lagret.")
        return
    meeting = _next_meeting(turn, turn.member)
    if meeting is None or meeting.id is None or meeting.starts_at is None:
        await turn.say("Det er ikke planlagt noe møte for gruppen din ennå.")
        return
    save_prewrite(turn.session, meeting.id, region.id, text, turn.member.id,
                  turn.deps.clock.now())
    if turn.is_secretariat and region.id != turn.member.region_id:
        audit.record(turn.session, action="round.prewrite", target=region.name,
                     actor_member_id=turn.member.id, detail=str(meeting.id))
    await turn.say(f"Oppdateringen for {plain(region.name)} er lagret til «{plain(meeting.title)}» "
                   f"{date_long(meeting.starts_at)}. Den vises i runden.")
