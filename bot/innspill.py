"""Workshop input (innspill): the secretariat opens a session, members write, prioritise."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from bot import innspill_admin
from bot.innspill_views import encode_held, member_view, parse_held
from bot.router import Router
from bot.turn import Turn
from cards.common import plain
from cards.innspill_member import build_member_card
from cards.notice import build_notice_card
from domain.bounds import parse_id
from storage import innspill as repo
from storage import innspill_entries as entry_repo
from storage import live_cards
from storage.groups import member_ids
from storage.innspill_models import InnspillSession
from storage.models import WorkingGroup

Card = dict[str, Any] | None


class MemberAction(BaseModel):
    model_config = ConfigDict(extra="ignore")
    verb: str
    session: int
    held: str = ""
    entry: int = 0
    text: str = ""
    question: str = "0"
    area: str = ""


def register(router: Router) -> None:
    """Member routes here; secretariat routes in bot/innspill_admin.py."""
    innspill_admin.register(router)
    for verb in ("view", "area", "submit", "start_edit", "edit", "delete", "cast"):
        router.action(f"innspill.{verb}", MemberAction)(member_action)


def _refusal(text: str) -> Card:
    return build_notice_card("Innspill", [text])


async def member_action(turn: Turn, data: MemberAction) -> Card:
    """Every member button: check who and where, do it, answer with the member's own card."""
    s = turn.session.get(InnspillSession, data.session)
    member = turn.member
    if s is None or s.status == "draft":
        return _refusal("Fant ikke dette innspillet. Be sekretariatet om et nytt kort.")
    if member is None or not member.active:
        return _refusal("Du er ikke registrert som medlem i faggruppen, så du kan ikke gi "
                        "innspill her. Ta kontakt med sekretariatet.")
    group = turn.session.get(WorkingGroup, s.group_id) if s.group_id else None
    if group and member.id not in member_ids(turn.session, group) and not turn.is_secretariat:
        return _refusal("Dette innspillet gjelder en faggruppe du ikke er med i.")
    tokens = parse_held(data.held)
    extra: dict[str, Any] = {}
    try:
        extra = _apply(turn, s, data, tokens)
    except repo.InnspillError as exc:
        extra = {"notice": str(exc), "notice_good": False}
        if data.verb in ("innspill.submit", "innspill.edit"):
            extra["draft"] = data.text  # what the member typed is never lost
            extra["editing"] = data.entry or None
    view = member_view(turn.session, s, member, tokens, **extra)
    return build_member_card(view)


def _apply(turn: Turn, s: InnspillSession, data: MemberAction,
           tokens: dict[int, str]) -> dict[str, Any]:
    """Carry out one member action; returns what the card should say."""
    db, member, now = turn.session, turn.member, turn.deps.clock.now()
    assert member is not None
    verb = data.verb.removeprefix("innspill.")
    if verb == "area":
        return _pick_area(turn, s, data.area)
    if verb == "submit":
        question = parse_id(data.question)
        question = -1 if question is None else question
        entry, token = entry_repo.add_entry(db, s, member, data.text, question, now)
        tokens[entry.id or 0] = token
        count = repo.participant(db, s, member.id or 0).entries
        return {"notice": f"Takk! Innspillet ditt er sendt inn ({count} av {s.max_entries})."
                + _plain_note(data.text)}
    if verb == "start_edit":
        entry_repo.own_entry(db, s, member, data.entry, tokens)
        return {"editing": data.entry}
    if verb == "edit":
        entry = entry_repo.own_entry(db, s, member, data.entry, tokens)
        entry_repo.edit_entry(db, s, entry, data.text, now)
        return {"notice": "Endringen er lagret." + _plain_note(data.text)}
    if verb == "delete":
        entry = entry_repo.own_entry(db, s, member, data.entry, tokens)
        entry_repo.delete_entry(db, s, entry, member, now)
        tokens.pop(data.entry, None)
        return {"notice": "Innspillet er slettet."}
    if verb == "cast":
        left = entry_repo.vote(db, s, member, data.entry)
        return {"notice": f"Stemmen er registrert. Du har {left} igjen."}
    return {}


def _pick_area(turn: Turn, s: InnspillSession, area: str) -> dict[str, Any]:
    if s.status != "open":
        raise repo.InnspillError("Innspillet er ikke åpent nå.")
    if area not in repo.areas(s):
        raise repo.InnspillError("Velg et av interesseområdene i listen.")
    p = repo.participant(turn.session, s, turn.member.id or 0)  # type: ignore[union-attr]
    if p.area and p.entries:
        raise repo.InnspillError("Du har allerede skrevet innspill i en gruppe, og blir der.")
    p.area = area
    live_cards.mark_dirty(turn.session, repo.LIVE_KIND, s.id or 0)
    turn.session.add(p)
    turn.session.flush()
    return {"notice": f"Du er med i gruppen for «{plain(area)}». Skriv innspillene dine under."}


def _plain_note(text: str) -> str:
    """Say so when formatting, links or mentions will be shown as plain text."""
    if any(mark in text for mark in ("http://", "https://", "www.", "@", "**", "<at>", "](")):
        return " Lenker, @-omtaler og formatering vises som ren tekst."
    return ""


__all__ = ["encode_held", "register"]
