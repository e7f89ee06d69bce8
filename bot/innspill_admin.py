"""Secretariat side of innspill: status, close/reopen, voting, hide, merge, export."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from bot import innspill_open
from bot.innspill_open import audit_session, send_direct, send_form
from bot.innspill_views import admin_view
from bot.router import Router
from bot.turn import Turn
from cards.innspill import build_admin_card
from cards.innspill_live import build_live_card
from cards.innspill_member import MemberView
from domain.bounds import parse_id
from services.innspill_export import to_csv, to_markdown
from services.innspill_live import live_view
from storage import innspill as repo
from storage import innspill_entries as entry_repo
from storage import live_cards
from storage.innspill_models import InnspillEntry, InnspillSession

Card = dict[str, Any] | None
OSLO_TZ = "Europe/Oslo"


class AdminAction(BaseModel):
    model_config = ConfigDict(extra="ignore")
    verb: str
    session: int
    entry: int = 0
    merge_source: str = ""
    merge_target: str = ""


def register(router: Router) -> None:
    """The `innspill` command, the help-card button and the secretariat's actions."""
    router.command("innspill", description="Nytt innspill, eller: innspill status|eksport ID",
                   secretariat=True)(command)

    innspill_open.register(router)
    for verb in ("close", "reopen", "vote_start", "finish", "hide", "merge", "export"):
        router.action(f"innspill.{verb}", AdminAction, secretariat=True)(admin_action)
    router.action("innspill.live", AdminAction)(show_live)


async def command(turn: Turn) -> None:
    """`innspill` → the form; `innspill status 3`; `innspill eksport 3 [csv]`."""
    words = turn.text.split()[1:]
    if not words:
        await send_form(turn)
        return
    session_id = parse_id(words[1]) if len(words) > 1 else None
    s = turn.session.get(InnspillSession, session_id) if session_id is not None else None
    if words[0] not in ("status", "eksport") or s is None:
        await turn.say("Skriv **innspill** for et nytt, **innspill status ID** eller "
                       "**innspill eksport ID** (legg til **csv** for CSV).")
        return
    if words[0] == "status":
        await turn.send_card(build_admin_card(admin_view(turn.session, s)), "Innspill")
        return
    await turn.say(_export_text(turn, s, csv="csv" in words[2:]))


def _export_text(turn: Turn, s: InnspillSession, csv: bool = False) -> str:
    rows = entry_repo.export_entries(turn.session, s)
    if csv:
        return to_csv(rows)
    return to_markdown(f"Innspill #{s.id}: {' / '.join(repo.questions(s))}", rows)


EVENTS = {"close": ("close", "Innspillet er stengt."), "reopen": ("reopen", "Gjenåpnet."),
          "vote_start": ("vote", "Prioriteringen er startet."),
          "finish": ("finish", "Avsluttet: den prioriterte listen står i kortet i chatten.")}


async def admin_action(turn: Turn, data: AdminAction) -> Card:
    """Close, reopen, start voting, finish, hide, merge or export; each one audited."""
    s = turn.session.get(InnspillSession, data.session)
    if s is None:
        return build_admin_card_missing()
    verb, now = data.verb.removeprefix("innspill."), turn.deps.clock.now()
    notice = ""
    try:
        if verb in EVENTS:
            event, notice = EVENTS[verb]
            repo.advance(s, event, now)
            if event == "vote" and s.direct:
                send_direct(turn, s, ":prioritering", MemberView(
                    s.id or 0, repo.questions(s), "voting", votes_left=s.votes_per_member))
        elif verb == "hide":
            entry = turn.session.get(InnspillEntry, data.entry)
            if entry is None or entry.session_id != s.id:
                raise repo.InnspillError("Fant ikke det innspillet.")
            entry.hidden = True
            live_cards.mark_dirty(turn.session, repo.LIVE_KIND, s.id or 0)
            turn.session.add_all([entry, s])
            notice = "Innspillet er skjult (det er tatt vare på)."
        elif verb == "merge":
            src, dst = data.merge_source, data.merge_target
            entry_repo.merge(turn.session, s, parse_id(src) or 0, parse_id(dst) or 0)
            notice = "Innspillene er slått sammen."
        elif verb == "export":
            await turn.say(_export_text(turn, s))
            notice = "Eksporten er sendt i chatten."
    except repo.InnspillError as exc:
        return build_admin_card(admin_view(turn.session, s, str(exc)))
    audit_session(turn, f"innspill.{verb}", s, detail=str(data.entry or ""))
    if verb in EVENTS:  # a status change shows at once, whatever the window says
        live_cards.mark_dirty(turn.session, repo.LIVE_KIND, s.id or 0, urgent=True)
    return build_admin_card(admin_view(turn.session, s, notice))


def build_admin_card_missing() -> Card:
    from cards.notice import build_notice_card

    return build_notice_card("Innspill", ["Fant ikke dette innspillet."])


async def show_live(turn: Turn, data: AdminAction) -> Card:
    """'Oppdater' on the shared card: a fresh view for whoever clicked (the sender redraws)."""
    s = turn.session.get(InnspillSession, data.session)
    if s is None:
        return build_admin_card_missing()
    return build_live_card(live_view(turn.session, s))
