"""The round card's buttons: Neste, Hopp over, Flytt bakerst, Fraværende, Avslutt, updates."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.router import Router
from bot.turn import Turn, card_message
from cards.round import build_round_card
from delivery.round_card import round_card, round_view, summary
from scheduler.round_nudges import schedule_nudges
from services import round_machine as rm
from storage import audit, rounds
from storage.round_models import RoundSlot, TalkRound

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
    router.action("round.update", RoundUpdate, owner=True)(save_update)


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
    if member is None or not member.active:  # a deactivated member speaks for no region
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
