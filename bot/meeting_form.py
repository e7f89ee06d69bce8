"""`møter`: coming meetings; the secretariat creates and edits them with a card form."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from sqlmodel import col, select

from bot.router import ActionData, Router
from bot.turn import Turn
from cards.meeting_form import (
    MeetingFormView,
    MeetingLine,
    build_meeting_form_card,
    build_meeting_list_card,
)
from core.timefmt import OSLO, span
from services import meeting_changes, outlook
from services.meeting_form import FIELDS, check_form
from storage import audit
from storage import meetings as repo
from storage.groups import list_groups
from storage.meeting_models import Meeting, MeetingGroup, MeetingStatus
from storage.models import Membership

STATUS = {"planned": "Planlagt", "date_tba": "Dato kommer", "tentative": "Foreløpig",
          "invited": "Innkalling sendt", "held": "Avholdt", "cancelled": "Avlyst"}


class MeetingRef(BaseModel):
    verb: str
    meeting_id: int


class MeetingFormData(BaseModel):
    model_config = ConfigDict(extra="ignore")
    verb: str
    meeting_id: int | None = None
    group_id: str = ""
    title: str = ""
    date: str = ""
    start: str = ""
    end: str = ""
    place: str = ""
    online_url: str = ""
    format: str = "physical"
    agenda: str = ""
    preparation: str = ""
    deadline_date: str = ""
    outlook: str = ""  # the toggle: "true" | "false" | absent (Graph off)


def register(router: Router) -> None:
    """Add `møter` and the secretariat's form actions."""
    router.command("møter", "moter", description="Vis kommende møter")(show_meetings)
    router.action("meeting.new", ActionData, secretariat=True, button="Nytt møte")(new_form)
    router.action("meeting.edit", MeetingRef, secretariat=True)(edit_form)
    router.action("meeting.save", MeetingFormData, secretariat=True)(save)


async def show_meetings(turn: Turn) -> None:
    """Coming meetings (and those without a date yet); members see their own groups'."""
    query = select(Meeting).where(Meeting.status != MeetingStatus.cancelled)
    if not turn.is_secretariat:
        mine = select(Membership.group_id).where(Membership.member_id == (
            turn.member.id if turn.member else -1))
        query = query.join(MeetingGroup, col(MeetingGroup.meeting_id) == Meeting.id).where(
            col(MeetingGroup.group_id).in_(mine)).distinct()
    now = turn.deps.clock.now()
    rows = [m for m in turn.session.exec(query).all() if m.starts_at is None or m.starts_at >= now]
    rows.sort(key=lambda m: (m.starts_at is None, m.starts_at or now))
    lines = [MeetingLine(m.id or 0, span(m.starts_at, m.ends_at) if m.starts_at else
                         m.date_text or "Dato kommer", m.title, m.place or m.online_url or "-",
                         STATUS.get(m.status, m.status)) for m in rows[:10]]
    card = build_meeting_list_card(lines, turn.is_secretariat)
    await turn.send_card(card, f"{len(lines)} kommende møter")


def _groups(turn: Turn) -> list[tuple[int, str]]:
    return [(g.id or 0, g.name) for g, _count in list_groups(turn.session)]


def _outlook_on(turn: Turn) -> bool:
    return outlook.enabled(turn.deps.settings)


async def new_form(turn: Turn, _data: ActionData) -> dict | None:
    """An empty form."""
    view = MeetingFormView(_groups(turn), outlook=_outlook_on(turn))
    await turn.send_card(build_meeting_form_card(view), "Nytt møte")
    return None


async def edit_form(turn: Turn, data: MeetingRef) -> dict | None:
    """The form filled with the meeting as it stands."""
    m = repo.get_meeting(turn.session, data.meeting_id)
    if m is None:
        await turn.say(f"Fant ikke møte {data.meeting_id}.")
        return None
    groups = repo.invited_groups(turn.session, data.meeting_id)
    start = m.starts_at.astimezone(OSLO) if m.starts_at else None
    end = m.ends_at.astimezone(OSLO) if m.ends_at else None
    agenda = "\n".join(f"{i.number}. {i.title}" for i in repo.agenda_items(turn.session, m.id or 0))
    values = {"group_id": str(groups[0].id) if groups else "", "title": m.title,
              "date": start.strftime("%Y-%m-%d") if start else "",
              "start": start.strftime("%H:%M") if start else "",
              "end": end.strftime("%H:%M") if end else "", "place": m.place,
              "online_url": m.online_url, "format": m.format, "agenda": agenda,
              "preparation": m.preparation,
              "outlook": "true" if outlook.wanted(turn.session, m) else "false"}
    view = MeetingFormView(_groups(turn), values, meeting_id=m.id, outlook=_outlook_on(turn))
    await turn.send_card(build_meeting_form_card(view), f"Endre «{m.title}»")
    return None


async def save(turn: Turn, data: MeetingFormData) -> dict | None:
    """Create or update; on errors the form comes back with what was typed."""
    values = {name: str(getattr(data, name)) for name in FIELDS}
    groups = dict(_groups(turn))
    checked, errors = check_form(values, set(groups))
    if checked is None:
        values["outlook"] = data.outlook
        view = MeetingFormView(list(groups.items()), values, data.meeting_id, errors,
                               outlook=_outlook_on(turn))
        await turn.send_card(build_meeting_form_card(view), "Møtet er ikke lagret ennå")
        return None
    group = next(g for g, _n in list_groups(turn.session) if g.id == checked.group_id)
    now = turn.deps.clock.now()
    meeting = repo.get_meeting(turn.session, data.meeting_id) if data.meeting_id else None
    if data.meeting_id and meeting is None:
        await turn.say(f"Fant ikke møte {data.meeting_id}.")
        return None
    before = None
    if meeting is None:
        meeting = repo.create_meeting(turn.session, [group], now, **checked.fields)
    else:
        before = meeting_changes.snapshot(meeting)
        for key, value in checked.fields.items():
            setattr(meeting, key, value)
        meeting.updated_at, meeting.version = now, meeting.version + 1
        turn.session.add(meeting)
    repo.replace_agenda(turn.session, meeting, checked.agenda)
    if data.outlook in ("true", "false") and _outlook_on(turn):
        outlook.set_choice(turn.session, meeting, data.outlook == "true")
    if before is not None:  # a sent meeting: cards redrawn in place, the yes-sayers told
        meeting_changes.after_edit(turn.session, meeting, before, now, turn.deps.settings)
    audit.record(turn.session, action="meeting.save", target=str(meeting.id),
                 actor_member_id=turn.member.id if turn.member else None)
    when = span(checked.fields["starts_at"], checked.fields["ends_at"])
    await turn.say(f"Møtet «{meeting.title}» er lagret (id {meeting.id}), {when}.")
    return None
