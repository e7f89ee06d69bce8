"""The round-the-table machine (pure: state in, state out) and the round written up as minutes."""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from core.i18n import t
from domain.names import nb_key

WARN_BEFORE = timedelta(seconds=30)  # the nudge "30 sekunder igjen"


class RoundStatus(enum.StrEnum):
    running = "running"
    finished = "finished"


class SlotState(enum.StrEnum):
    waiting = "waiting"
    speaking = "speaking"
    done = "done"
    skipped = "skipped"
    absent = "absent"


class OrderMode(enum.StrEnum):
    region = "region"  # by region, in the order people checked in or answered
    alphabetical = "alphabetical"
    random = "random"


class Move(enum.StrEnum):
    next = "next"  # «Neste»: the speaker is done
    skip = "skip"  # «Hopp over»
    to_end = "to_end"  # «Flytt bakerst»
    absent = "absent"  # «Fraværende»
    finish = "finish"  # «Avslutt runden»


class RoundError(Exception):
    """A move the round cannot make (it is finished)."""


@dataclass(frozen=True)
class Slot:
    id: int
    position: int
    state: SlotState = SlotState.waiting


@dataclass(frozen=True)
class RoundState:
    status: RoundStatus
    step: int
    seconds: int
    turn_started_at: datetime | None
    slots: tuple[Slot, ...]


def order(labels: list[str], mode: OrderMode, seed: int = 0) -> list[int]:
    """Indices of `labels` (given in attendance order) in speaking order."""
    idx = list(range(len(labels)))
    if mode == OrderMode.alphabetical:
        return sorted(idx, key=lambda i: nb_key(labels[i]))
    if mode == OrderMode.random:
        random.Random(seed).shuffle(idx)
    return idx


def current(state: RoundState) -> Slot | None:
    """The slot speaking now."""
    return next((s for s in state.slots if s.state == SlotState.speaking), None)


def waiting(state: RoundState) -> list[Slot]:
    """Slots still to speak, in order."""
    return sorted((s for s in state.slots if s.state == SlotState.waiting),
                  key=lambda s: s.position)


def deadline(state: RoundState) -> datetime | None:
    """When the current speaker's time is up."""
    if state.status != RoundStatus.running or state.turn_started_at is None:
        return None
    return state.turn_started_at + timedelta(seconds=state.seconds)


def start(state: RoundState, now: datetime) -> RoundState:
    """The first waiting slot speaks (a round with nobody in it is finished at once)."""
    return _next_speaker(state, list(state.slots), now)


def apply(state: RoundState, move: Move, now: datetime) -> RoundState:
    """One button press; every move bumps `step` so an older card's press is stale."""
    if state.status != RoundStatus.running:
        raise RoundError(t("round.rule.runden_er_avsluttet"))
    slots = list(state.slots)
    speaker = current(state)
    if move == Move.finish:
        if speaker is not None:
            slots = _set(slots, speaker, SlotState.done)
        return replace(state, status=RoundStatus.finished, step=state.step + 1,
                       turn_started_at=None, slots=tuple(slots))
    if speaker is not None:
        if move == Move.to_end:
            last = max(s.position for s in slots)
            slots = [replace(s, state=SlotState.waiting, position=last + 1) if s.id == speaker.id
                     else s for s in slots]
        else:
            new = {Move.next: SlotState.done, Move.skip: SlotState.skipped,
                   Move.absent: SlotState.absent}[move]
            slots = _set(slots, speaker, new)
    return _next_speaker(state, slots, now)


def _set(slots: list[Slot], slot: Slot, new: SlotState) -> list[Slot]:
    return [replace(s, state=new) if s.id == slot.id else s for s in slots]


def _next_speaker(state: RoundState, slots: list[Slot], now: datetime) -> RoundState:
    queue = sorted((s for s in slots if s.state == SlotState.waiting), key=lambda s: s.position)
    step = state.step + 1
    if not queue:
        return replace(state, status=RoundStatus.finished, step=step, turn_started_at=None,
                       slots=tuple(slots))
    slots = _set(slots, queue[0], SlotState.speaking)
    return replace(state, status=RoundStatus.running, step=step, turn_started_at=now,
                   slots=tuple(slots))


# The round written up per region, in the form of seed 003's minutes (Markdown).
@dataclass(frozen=True)
class SummarySlot:
    label: str
    state: str  # done, skipped, absent, waiting, speaking
    update: str = ""


def summary_markdown(topic: str, slots: list[SummarySlot]) -> str:
    """«Runden – tema …», then «### Region:» and its update, in speaking order."""
    out = [t("round.rule.runden_tema", one_line=_one_line(topic)), ""]
    for slot in slots:
        if not slot.update.strip():
            continue
        note = t("round.rule.fravaerende_skriftlig_oppdatering") if slot.state == "absent" else ""
        out += [f"### {slot.label}:", "", note + slot.update.strip(), ""]
    without = [s.label for s in slots if s.state == "done" and not s.update.strip()]
    if without:
        out += [f"Uten skriftlig oppdatering: {', '.join(without)}.", ""]
    absent = [s.label for s in slots if s.state == "absent" and not s.update.strip()]
    if absent:
        out += [t("round.rule.fravaerende", absent=', '.join(absent)), ""]
    missed = [s.label for s in slots if s.state in ("skipped", "waiting")]
    if missed:
        out += [t("round.rule.fikk_ikke_ordet", missed=', '.join(missed)), ""]
    return "\n".join(out).rstrip() + "\n"


def _one_line(text: str) -> str:
    # A topic is one heading line; a pasted newline would break the Markdown.
    return " ".join(text.split())
