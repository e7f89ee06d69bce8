"""Secretariat side of innspill: the form, opening, close/reopen, hide, merge, export."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlmodel import col, select

from bot.innspill_views import admin_view, live_activity, live_view, refresh_live
from bot.router import ActionData, Router
from bot.turn import Turn
from cards.innspill import FormView, build_admin_card, build_form_card
from cards.innspill_live import build_live_card
from cards.innspill_member import MemberView, build_member_card
from delivery.sendout import start_sendout
from scheduler import store
from scheduler.rules import DEFAULT_RULES, due_time, expiry
from services.innspill_export import to_csv, to_markdown
from storage import audit
from storage import innspill as repo
from storage import innspill_entries as entry_repo
from storage.groups import default_group
from storage.innspill_models import Anonymity, InnspillEntry, InnspillSession
from storage.models import Member, Membership
from storage.teams import group_for_team

Card = dict[str, Any] | None
OSLO_TZ = "Europe/Oslo"


class FormData(BaseModel):
    model_config = ConfigDict(extra="ignore")
    verb: str
    questions: str = ""
    areas: str = ""
    max_entries: str = "4"
    group_size: str = "6"
    votes: str = "3"
    anonymity: Anonymity = Anonymity.named
    results: str = "live"
    target: str = "chat"
    deadline_date: str = ""
    deadline_time: str = ""


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

    @router.action("innspill.new", ActionData, secretariat=True, button="Nytt innspill")
    async def _new(turn: Turn, _data: ActionData) -> Card:
        await send_form(turn)
        return None

    router.action("innspill.open", FormData, secretariat=True)(open_session)
    for verb in ("close", "reopen", "vote_start", "finish", "hide", "merge", "export"):
        router.action(f"innspill.{verb}", AdminAction, secretariat=True)(admin_action)
    router.action("innspill.live", AdminAction)(show_live)


async def send_form(turn: Turn, notice: str = "") -> None:
    personal = (turn.activity.conversation.conversation_type or "personal") == "personal"
    await turn.send_card(build_form_card(FormView(personal, notice)), "Nytt innspill")


async def command(turn: Turn) -> None:
    """`innspill` → the form; `innspill status 3`; `innspill eksport 3 [csv]`."""
    words = turn.text.split()[1:]
    if not words:
        await send_form(turn)
        return
    s = turn.session.get(InnspillSession, int(words[1])) if (
        len(words) > 1 and words[1].isdigit()) else None
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


def _int(value: str, default: int, low: int, high: int) -> int:
    return min(high, max(low, int(value))) if value.strip().isdigit() else default


def _deadline(data: FormData, now: datetime) -> datetime | None:
    from zoneinfo import ZoneInfo

    if not data.deadline_date.strip():
        return None
    try:
        day = date.fromisoformat(data.deadline_date.strip())
        at = time.fromisoformat(data.deadline_time.strip() or "16:00")
    except ValueError as exc:
        raise repo.InnspillError("Fristen må være en dato og et klokkeslett.") from exc
    when = datetime.combine(day, at, tzinfo=ZoneInfo(OSLO_TZ))
    if when <= now:
        raise repo.InnspillError("Fristen må ligge fram i tid.")
    return when


async def open_session(turn: Turn, data: FormData) -> Card:
    """'Åpne innspill': create the session, open it, post the live card, send 1:1 if asked."""
    questions = [q.strip() for q in data.questions.splitlines() if q.strip()]
    areas = list(dict.fromkeys(a.strip()[:200] for a in data.areas.splitlines() if a.strip()))
    now = turn.deps.clock.now()
    try:
        if not questions or any(len(q) > 500 for q in questions) or len(questions) > 10:
            raise repo.InnspillError("Skriv 1–10 spørsmål, hvert på høyst 500 tegn.")
        deadline = _deadline(data, now)
    except repo.InnspillError as exc:
        return build_form_card(FormView(data.target == "direct", str(exc)))
    team_id = (turn.channel_data.get("team") or {}).get("id")
    group = (group_for_team(turn.session, team_id) if team_id else None) or default_group(
        turn.session)
    s = repo.create(turn.session, questions_=questions, areas_=areas, now=now,
                    group_id=group.id, max_entries=_int(data.max_entries, 4, 1, 20),
                    group_size=_int(data.group_size, 6, 2, 40),
                    votes_per_member=_int(data.votes, 3, 1, 10), anonymity=data.anonymity,
                    live_results=data.results != "after", direct=data.target == "direct",
                    deadline=deadline, created_by=turn.member.id if turn.member else None,
                    service_url=turn.activity.service_url or "",
                    live_conversation_id=turn.activity.conversation.id)
    repo.advance(s, "open", now)
    _audit(turn, "innspill.open", s)
    if s.direct:
        _send_direct(turn, s, "", MemberView(s.id or 0, questions, "open", areas,
                                             max_entries=s.max_entries))
    if deadline:
        _schedule(turn, s, deadline)
    s.live_activity_id = await _post_live(turn, s) or ""
    turn.session.add(s)
    return build_admin_card(admin_view(turn.session, s, "Innspillet er åpnet."))


async def _post_live(turn: Turn, s: InnspillSession) -> str | None:
    activity = live_activity(s, turn.session)
    s.live_updated_at, s.live_dirty = turn.deps.clock.now(), False
    turn.session.add(s)
    turn.release_db()
    response = await turn.context.send_activity(activity)
    return response.id if response else None


def _send_direct(turn: Turn, s: InnspillSession, suffix: str, view: MemberView) -> None:
    """1:1 to every active member of the group through the delivery ledger."""
    members = list(turn.session.exec(
        select(Member).join(Membership, col(Membership.member_id) == Member.id)
        .where(Membership.group_id == s.group_id, Member.active == True)  # noqa: E712
        .order_by(col(Member.id))))
    activity = {"type": "message", "text": "Innspill", "summary": "Innspill",
                "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
                                 "content": build_member_card(view)}]}
    start_sendout(turn.session, "innspill", f"innspill:{s.id}{suffix}", members,
                  lambda _m: activity, turn.deps.clock.now(), title="Innspill")


def _schedule(turn: Turn, s: InnspillSession, deadline: datetime) -> None:
    rule = DEFAULT_RULES["input_deadline"]
    due = due_time(rule, deadline)
    store.schedule(turn.session, "innspill_reminder", f"innspill:{s.id}", {"session_id": s.id},
                   due, expiry(rule, deadline, due), turn.deps.clock.now(),
                   description=f"Påminnelse om innspill #{s.id}")
    store.schedule(turn.session, "innspill_close", f"innspill:{s.id}", {"session_id": s.id},
                   deadline, deadline.replace(year=deadline.year + 1), turn.deps.clock.now(),
                   description=f"Steng innspill #{s.id} ved fristen")


def _audit(turn: Turn, action: str, s: InnspillSession, detail: str = "") -> None:
    audit.record(turn.session, action=action, target=f"innspill:{s.id}", detail=detail,
                 actor_member_id=turn.member.id if turn.member else None,
                 actor_aad_object_id=turn.activity.from_property.aad_object_id)


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
                _send_direct(turn, s, ":prioritering", MemberView(
                    s.id or 0, repo.questions(s), "voting", votes_left=s.votes_per_member))
        elif verb == "hide":
            entry = turn.session.get(InnspillEntry, data.entry)
            if entry is None or entry.session_id != s.id:
                raise repo.InnspillError("Fant ikke det innspillet.")
            entry.hidden, s.live_dirty = True, True
            turn.session.add_all([entry, s])
            notice = "Innspillet er skjult (det er tatt vare på)."
        elif verb == "merge":
            src, dst = data.merge_source, data.merge_target
            entry_repo.merge(turn.session, s, int(src) if src.isdigit() else 0,
                       int(dst) if dst.isdigit() else 0)
            notice = "Innspillene er slått sammen."
        elif verb == "export":
            await turn.say(_export_text(turn, s))
            notice = "Eksporten er sendt i chatten."
    except repo.InnspillError as exc:
        return build_admin_card(admin_view(turn.session, s, str(exc)))
    _audit(turn, f"innspill.{verb}", s, detail=str(data.entry or ""))
    await refresh_live(turn, s, force=verb in EVENTS)
    return build_admin_card(admin_view(turn.session, s, notice))


def build_admin_card_missing() -> Card:
    from cards.notice import build_notice_card

    return build_notice_card("Innspill", ["Fant ikke dette innspillet."])


async def show_live(turn: Turn, data: AdminAction) -> Card:
    """'Oppdater' on the shared card: a fresh view for whoever clicked."""
    s = turn.session.get(InnspillSession, data.session)
    if s is None:
        return build_admin_card_missing()
    await refresh_live(turn, s)
    return build_live_card(live_view(turn.session, s))
