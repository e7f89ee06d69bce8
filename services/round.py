"""The round the table, the use cases: its card, its summary, the speaker nudges and their job."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from cards.round import Person, RoundView, SlotView, build_round_card
from core.i18n import Lang, t, use_language
from core.links import LinkSigner
from core.timefmt import clock
from domain import round as rm
from domain.round import SummarySlot, summary_markdown
from scheduler.store import Jobs, register, schedule
from storage import rounds
from storage.languages import conversation_language
from storage.models import Member, WorkingGroup
from storage.round_models import RoundNudge, RoundSlot, TalkRound


def _person(member: Member) -> Person:
    return Person(member.name, member.teams_user_id or member.aad_object_id)


def _slot_view(session: Session, rnd: TalkRound, slot: RoundSlot) -> SlotView:
    people = [session.get(Member, i) for i in rounds.member_ids(slot)]
    previous = (rounds.previous_update(session, rnd, slot.region_id)
                if slot.state == rm.SlotState.speaking else "")
    return SlotView(slot.id or 0, slot.label, tuple(_person(p) for p in people if p),
                    str(slot.state), slot.update_text, previous)


def round_view(session: Session, rnd: TalkRound) -> RoundView:
    """What the card shows, read from the database now."""
    deadline = rm.deadline(rounds.load_state(session, rnd))
    minutes = rnd.seconds_per_speaker / 60
    return RoundView(rnd.id or 0, rnd.topic, rnd.step,
                     tuple(_slot_view(session, rnd, s) for s in rounds.slots(session, rnd.id or 0)),
                     until=clock(deadline) if deadline else "",
                     minutes=f"{minutes:g}", finished=rnd.status == rm.RoundStatus.finished)


def round_language(session: Session, rnd: TalkRound) -> Lang:
    """The round's chat reads one language: a personal chat the member's, a channel (or a
    group chat) its group's; every redraw and nudge uses it, whoever pressed."""
    group = session.get(WorkingGroup, rnd.group_id) if rnd.group_id else None
    return conversation_language(session, rnd.conversation_id, group)


def round_card(session: Session, rnd: TalkRound) -> tuple[dict[str, Any], str]:
    """The card and the short text a notification shows, in the round's language."""
    with use_language(round_language(session, rnd)):
        return _round_card(session, rnd)


def round_card_with_notice(session: Session, rnd: TalkRound, notice: str) -> dict[str, Any]:
    """The card with one line for the presser (drawn by `notice()` in the round's language)."""
    with use_language(round_language(session, rnd)):
        return build_round_card(replace(round_view(session, rnd), notice=notice))


def _round_card(session: Session, rnd: TalkRound) -> tuple[dict[str, Any], str]:
    view = round_view(session, rnd)
    speaking = next((s for s in view.slots if s.state == "speaking"), None)
    if view.finished:
        text = t("round.service.runden_er_avsluttet", topic=rnd.topic)
    elif speaking:
        text = t("round.service.runden_har_ordet", label=speaking.label, until=view.until)
    else:
        text = t("round.service.runden_topic", topic=rnd.topic)
    return build_round_card(view), text


def round_activity(session: Session, rnd: TalkRound) -> dict[str, Any]:
    """The message activity JSON (for the Bot Connector) carrying the round card."""
    from cards.common import attachment

    card, text = round_card(session, rnd)
    return {"type": "message", "text": text, "summary": text, "attachments": [attachment(card)]}


def summary(session: Session, rnd: TalkRound) -> str:
    """The round as Markdown, grouped by region (seed 003's minutes)."""
    return summary_markdown(rnd.topic, [SummarySlot(s.label, str(s.state), s.update_text)
                                        for s in rounds.slots(session, rnd.id or 0)])


# Round nudges: the scheduler decides (30 s left, time is up, auto-advance); a sender posts.
log = logging.getLogger(__name__)
KIND = "round_nudge"
GRACE = timedelta(minutes=10)  # a nudge more than this late is pointless


def schedule_nudges(session: Session, rnd: TalkRound, now: datetime) -> None:
    """Two jobs for the current speaker: 30 s left, and time is up (keyed by step)."""
    deadline = rm.deadline(rounds.load_state(session, rnd))
    if deadline is None:
        return
    args: dict[str, Any] = {"round_id": rnd.id, "step": rnd.step}
    if rnd.seconds_per_speaker > rm.WARN_BEFORE.total_seconds():
        schedule(session, KIND, f"{rnd.id}:{rnd.step}:warn", {**args, "kind": "warn"},
                 deadline - rm.WARN_BEFORE, deadline + GRACE, now,
                 t("round.service.runden_sekunder_igjen"))
    schedule(session, KIND, f"{rnd.id}:{rnd.step}:end", {**args, "kind": "end"},
             deadline, deadline + GRACE, now, t("round.service.runden_tiden_er"))


def nudge(session: Session, now: datetime, *, round_id: int, step: int, kind: str) -> None:
    """Job handler: a nudge for a speaker still speaking; with auto-advance, move on."""
    rnd = session.get(TalkRound, round_id)
    if rnd is None or rnd.step != step or rnd.status != rm.RoundStatus.running:
        return  # the round moved on by hand: this speaker's nudges are void
    with use_language(round_language(session, rnd)):
        _nudge(session, now, rnd, kind)


def _nudge(session: Session, now: datetime, rnd: TalkRound, kind: str) -> None:
    round_id, step = rnd.id or 0, rnd.step
    speaker = next((s for s in rounds.slots(session, round_id)
                    if s.state == rm.SlotState.speaking), None)
    label = speaker.label if speaker else t("round.service.taleren")
    if kind == "warn":
        session.add(RoundNudge(round_id=round_id,
                               text=t("round.service.sekunder_igjen_for", label=label),
                               created_at=now))
        return
    if not rnd.auto_advance:
        session.add(RoundNudge(round_id=round_id, text=t("round.service.tiden_er_ute", label=label),
                               created_at=now))
        return
    moved_round, moved = rounds.move(session, round_id, step, rm.Move.next, now)
    if not moved or moved_round is None:
        return
    rnd = moved_round
    after = next((s.label for s in rounds.slots(session, round_id)
                  if s.state == rm.SlotState.speaking), None)
    text = t("round.service.tiden_er_ute_2", label=label) + (
        t("round.service.neste", after=after) if after else t("round.service.runden_er_ferdig"))
    session.add(RoundNudge(round_id=round_id, text=text, refresh_card=True, created_at=now))
    if rnd.status == rm.RoundStatus.finished:
        session.add(RoundNudge(round_id=round_id, text=summary(session, rnd), created_at=now))
    else:
        schedule_nudges(session, rnd, now)


def register_jobs(jobs: Jobs, links: LinkSigner) -> None:  # noqa: ARG001
    """The round's scheduled job: the speaker's nudges."""
    register(jobs, KIND, nudge)
