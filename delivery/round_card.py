"""A stored round as its card, its notification text and its written summary."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from cards.round import Person, RoundView, SlotView, build_round_card
from core.timefmt import clock
from domain import round as rm
from domain.round import SummarySlot, summary_markdown
from storage import rounds
from storage.models import Member
from storage.round_models import RoundSlot, TalkRound


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


def round_card(session: Session, rnd: TalkRound) -> tuple[dict[str, Any], str]:
    """The card and the short text a notification shows."""
    view = round_view(session, rnd)
    speaking = next((s for s in view.slots if s.state == "speaking"), None)
    if view.finished:
        text = f"Runden er avsluttet: {rnd.topic}"
    elif speaking:
        text = f"Runden: {speaking.label} har ordet til kl. {view.until}"
    else:
        text = f"Runden: {rnd.topic}"
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
