"""Opening an innspill session: the secretariat's form, the live card, 1:1 send-out."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlmodel import col, select

from bot.innspill_views import admin_view, live_activity
from bot.router import ActionData, Router
from bot.turn import Turn
from cards.innspill import FormView, build_admin_card, build_form_card
from cards.innspill_member import MemberView, build_member_card
from delivery.sendout import start_sendout
from scheduler import store
from scheduler.rules import due_time, expiry
from services import minutes
from storage import audit, live_cards
from storage import innspill as repo
from storage.groups import default_group, group_rules
from storage.innspill_models import Anonymity, InnspillSession
from storage.live_cards import Tracked
from storage.meeting_models import AgendaKind
from storage.models import Member, Membership, WorkingGroup
from storage.teams import group_for_team

Card = dict[str, Any] | None
OSLO_TZ = "Europe/Oslo"


def register(router: Router) -> None:
    """The help-card button «Nytt innspill» and «Åpne innspill»."""

    @router.action("innspill.new", ActionData, secretariat=True, button="Nytt innspill")
    async def _new(turn: Turn, _data: ActionData) -> Card:
        await send_form(turn)
        return None

    router.action("innspill.open", FormData, secretariat=True)(open_session)


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
    agenda_item: str = ""


def _group(turn: Turn) -> WorkingGroup:
    team_id = (turn.channel_data.get("team") or {}).get("id")
    return (group_for_team(turn.session, team_id) if team_id else None) or default_group(
        turn.session)


def _form(turn: Turn, direct: bool, notice: str = "", chosen: str = "") -> FormView:
    """The form, with the agenda items of the group's meeting and the one to propose."""
    offer = minutes.item_choice(turn.session, _group(turn).id, turn.deps.clock.now(),
                                AgendaKind.workshop)
    return FormView(direct, notice, offer.choices, chosen or offer.proposed)


async def send_form(turn: Turn, notice: str = "") -> None:
    personal = (turn.activity.conversation.conversation_type or "personal") == "personal"
    await turn.send_card(build_form_card(_form(turn, personal, notice)), "Nytt innspill")


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
        return build_form_card(_form(turn, data.target == "direct", str(exc), data.agenda_item))
    group = _group(turn)
    s = repo.create(turn.session, questions_=questions, areas_=areas, now=now,
                    group_id=group.id, max_entries=_int(data.max_entries, 4, 1, 20),
                    group_size=_int(data.group_size, 6, 2, 40),
                    votes_per_member=_int(data.votes, 3, 1, 10), anonymity=data.anonymity,
                    live_results=data.results != "after", direct=data.target == "direct",
                    deadline=deadline, created_by=turn.member.id if turn.member else None)
    item = minutes.chosen_item(turn.session, data.agenda_item)
    if item is not None:
        s.meeting_id, s.agenda_item_id = item.meeting_id, item.id
    repo.advance(s, "open", now)
    audit_session(turn, "innspill.open", s)
    if s.direct:
        send_direct(turn, s, "", MemberView(s.id or 0, questions, "open", areas,
                                             max_entries=s.max_entries))
    if deadline:
        _schedule(turn, s, deadline)
    await _post_live(turn, s)
    return build_admin_card(admin_view(turn.session, s, "Innspillet er åpnet."))


async def _post_live(turn: Turn, s: InnspillSession) -> None:
    """Post the shared card here and track it: from now on the sender keeps it current."""
    activity = live_activity(s, turn.session)
    posted_at = turn.deps.clock.now()
    turn.release_db()
    response = await turn.context.send_activity(activity)
    if response and response.id:
        live_cards.track(turn.session, [Tracked(repo.LIVE_KIND, s.id or 0,
                                                turn.activity.conversation.id,
                                                activity_id=response.id, posted_at=posted_at)])


def send_direct(turn: Turn, s: InnspillSession, suffix: str, view: MemberView) -> None:
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
    rule = group_rules(turn.session, s.group_id)["input_deadline"]
    due = due_time(rule, deadline)
    store.schedule(turn.session, "innspill_reminder", f"innspill:{s.id}", {"session_id": s.id},
                   due, expiry(rule, deadline, due), turn.deps.clock.now(),
                   description=f"Påminnelse om innspill #{s.id}")
    store.schedule(turn.session, "innspill_close", f"innspill:{s.id}", {"session_id": s.id},
                   deadline, deadline.replace(year=deadline.year + 1), turn.deps.clock.now(),
                   description=f"Steng innspill #{s.id} ved fristen")


def audit_session(turn: Turn, action: str, s: InnspillSession, detail: str = "") -> None:
    audit.record(turn.session, action=action, target=f"innspill:{s.id}", detail=detail,
                 actor_member_id=turn.member.id if turn.member else None,
                 actor_aad_object_id=turn.activity.from_property.aad_object_id)
