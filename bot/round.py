"""Round-the-table: `runde` and «Start runde» open the form, «Start runden» posts the card."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlmodel import select

from bot.round_actions import refresh, register_moves
from bot.router import ActionData, Router
from bot.turn import Turn
from cards.common import plain
from cards.notice import build_notice_card
from cards.round import FormView, build_round_form_card
from core.timefmt import span
from delivery.round_card import round_card
from scheduler.round_nudges import schedule_nudges
from services import minutes
from services.round_machine import OrderMode
from storage import audit, rounds
from storage.groups import default_group
from storage.meeting_models import AgendaKind
from storage.models import Membership, WorkingGroup
from storage.round_people import by_region, current_meeting, present
from storage.teams import group_for_team


class RoundStart(BaseModel):
    """The form's inputs as Teams sends them (strings); checked in start_round."""

    model_config = ConfigDict(extra="ignore")
    topic: str = ""
    order: str = "region"
    minutes: str | float = "3"
    auto: str | bool = "false"
    agenda_item: str = ""


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


def _form_view(turn: Turn, warnings: list[str] | None = None, topic: str = "",
               chosen: str = "") -> FormView:
    group = group_of(turn)
    meeting = current_meeting(turn.session, group.id or 0, turn.deps.clock.now())
    note = (f"Runden hører til møtet {span(meeting.starts_at)}" if meeting and meeting.starts_at
            else "Ingen møte i dag: runden tas med alle aktive medlemmer.")
    offer = minutes.item_choice(turn.session, group.id, turn.deps.clock.now(), AgendaKind.round)
    return FormView(topic=topic, note=note, warnings=warnings or [], items=offer.choices,
                    proposed_item=chosen or offer.proposed)


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
        return build_round_form_card(_form_view(turn, problems, topic, data.agenda_item))
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
    item = minutes.chosen_item(turn.session, data.agenda_item)
    if item is not None:
        rnd.meeting_id, rnd.agenda_item_id = rnd.meeting_id or item.meeting_id, item.id
        turn.session.add(rnd)
    schedule_nudges(turn.session, rnd, now)
    audit.record(turn.session, action="round.start", target=str(rnd.id), detail=topic,
                 actor_member_id=turn.member.id if turn.member else None)
    card, text = round_card(turn.session, rnd)
    activity_id = await turn.send_card(card, text)
    await refresh(turn, rnd.id or 0, activity_id=activity_id)
    return build_notice_card("Runden er startet", [f"Tema: {plain(topic)}",
                                                   "Følg runden på kortet i samtalen."])
