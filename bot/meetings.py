"""The secretariat's meetings: `møter`, the form, status, preview, send, approve, cancel, export."""

from __future__ import annotations

from bot.minutes import referat_command
from bot.privacy import personal_only
from bot.router import CardReply, Router, Shown
from bot.turn import Turn
from cards.actions import (
    MeetingApproveAction,
    MeetingCancelAction,
    MeetingEditAction,
    MeetingNewAction,
    MeetingPreviewAction,
    MeetingRef,
    MeetingSaveAction,
    MeetingSendAction,
    MeetingStatusAction,
    RsvpOnBehalfAction,
)
from cards.invitation import ANSWERS
from cards.meetings import (
    MeetingFormView,
    MeetingLine,
    build_meeting_form_card,
    build_meeting_list_card,
    build_status_card,
)
from core.i18n import t
from core.timefmt import OSLO, span
from domain.bounds import parse_id
from domain.meetings import FIELDS, check_form
from services import meetings, minutes_review, outlook
from services.attendance import export_text
from services.meetings import build_status_view
from services.privacy import record_read
from storage import audit
from storage import meetings as meetings_repo
from storage import rsvp as repo
from storage.groups import list_groups
from storage.meeting_models import Meeting
from storage.meeting_models import RsvpAnswer as Answer
from storage.models import Member


def register(root: Router) -> None:
    """Add the status and export commands and the secretariat's meeting actions."""
    secretariat = root.feature("meetings").secretariat()
    secretariat.command("status",
                        description=t("meetings.reply.hvem_som_har"),
                        )(personal_only(status_command, "rsvp.read"))
    secretariat.command("eksport",
                        description=t("meetings.reply.oppmoteliste_for_referatet_2"),
                        )(personal_only(export_command, "attendance.read"))
    secretariat.action(MeetingStatusAction)(status_action)
    secretariat.action(MeetingPreviewAction)(preview)
    secretariat.action(MeetingSendAction)(send_now)
    secretariat.action(MeetingApproveAction)(approve)
    secretariat.action(RsvpOnBehalfAction)(on_behalf)


def _meeting_id(turn: Turn, position: int) -> int | None:
    words = turn.text.split()
    return parse_id(words[position]) if len(words) > position else None


async def status_command(turn: Turn) -> None:
    """`status 12`: the status card."""
    meeting = turn.session.get(Meeting, _meeting_id(turn, 1) or 0)
    if meeting is None:
        await turn.say(t("meetings.reply.skriv_status_mote"))
        return
    outlook.ask_answers(turn.session, meeting.id or 0, turn.deps.clock.now(), turn.deps.settings)
    await turn.send_card(build_status_card(build_status_view(turn.session, meeting)),
                         t("meetings.reply.status_for", title=meeting.title))


async def status_card(turn: Turn, meeting_id: int, notice: str = "") -> Shown:
    """The status card as the answer to a click (or a new message for a Submit)."""
    meeting = turn.session.get(Meeting, meeting_id)
    if meeting is None:
        await _say(turn)
        return None
    outlook.ask_answers(turn.session, meeting_id, turn.deps.clock.now(), turn.deps.settings)
    view = build_status_view(turn.session, meeting, notice)
    return CardReply(build_status_card(view),
                     notice or t("meetings.reply.status_for", title=meeting.title))


async def _say(turn: Turn) -> None:
    # The invoke is then answered with a short text message instead of a card.
    await turn.say(t("ics_route.reply.fant_ikke_motet"))


async def status_action(turn: Turn, data: MeetingRef) -> Shown:
    """«Status» on a card: the same answers and dietary needs as `status`, read audited too."""
    record_read(turn.session, "rsvp.read", _me(turn), turn.deps.clock.now(),
                target=f"meeting:{data.meeting_id}")
    return await status_card(turn, data.meeting_id)


async def preview(turn: Turn, data: MeetingRef) -> Shown:
    """The invitation exactly as members will get it."""
    meeting = turn.session.get(Meeting, data.meeting_id)
    if meeting is None:
        await _say(turn)
        return None
    card = meetings.card_for(turn.session, meeting, turn.deps.clock.now(),
                              links=turn.deps.links)
    return CardReply(card, t("meetings.reply.forhandsvisning_av_innkallingen"))


async def send_now(turn: Turn, data: MeetingRef) -> Shown:
    """Start the send-out; the app's delivery worker sends it within Teams' limits."""
    try:
        out = meetings.send(turn.session, data.meeting_id, turn.deps.clock.now(),
                            links=turn.deps.links, settings=turn.deps.settings)
    except meetings.SendError as exc:
        return await status_card(turn, data.meeting_id, t("meetings.reply.ikke_sendt", exc=exc))
    audit.record(turn.session, action=data.verb, actor_member_id=_me(turn),
                 target=f"meeting:{data.meeting_id}", detail=f"{out.total} mottakere")
    return await status_card(turn, data.meeting_id,
                             t("meetings.reply.innkallingen_sendes_til", total=out.total))


async def approve(turn: Turn, data: MeetingRef) -> Shown:
    """Approve automatic sending 7 days ahead."""
    from core.timefmt import span

    try:
        due = meetings.approve(turn.session, data.meeting_id, turn.deps.clock.now())
    except meetings.SendError as exc:
        return await status_card(turn, data.meeting_id, t("meetings.reply.ikke_godkjent", exc=exc))
    audit.record(turn.session, action=data.verb, actor_member_id=_me(turn),
                 target=f"meeting:{data.meeting_id}")
    return await status_card(turn, data.meeting_id, f"Sendes automatisk {span(due)}.")


async def on_behalf(turn: Turn, data: RsvpOnBehalfAction) -> Shown:
    """Record an answer for a member (told by phone or e-mail); audited."""
    member_id = parse_id(data.member_id)
    member = turn.session.get(Member, member_id) if member_id is not None else None
    if member is None or not repo.is_invited(turn.session, data.meeting_id, member.id or 0):
        return await status_card(turn, data.meeting_id, t("meetings.reply.velg_et_medlem"))
    if data.answer not in ANSWERS:
        return await status_card(turn, data.meeting_id, t("meetings.reply.velg_et_gyldig"))
    repo.save_answer(turn.session, data.meeting_id, member.id or 0,
                     repo.AnswerInput(Answer(data.answer)), turn.deps.clock.now(),
                     recorded_by=_me(turn))
    audit.record(turn.session, action=data.verb, actor_member_id=_me(turn),
                 target=f"meeting:{data.meeting_id}:member:{member.id}", detail=data.answer)
    return await status_card(turn, data.meeting_id,
                             t("meetings.reply.svar_registrert_for", name=member.name))


async def export_command(turn: Turn) -> None:
    """`eksport oppmøte 12`: the minutes' attendance table as a message."""
    words = turn.text.split()
    if len(words) >= 2 and words[1].casefold() == "referat":
        await referat_command(turn)
        return
    if len(words) < 2 or words[1].casefold() not in ("oppmøte", "oppmote"):
        await turn.say(t("meetings.reply.skriv_eksport_oppmote_2"))
        return
    text = export_text(turn.session, _meeting_id(turn, 2) or 0, "md", items=True)
    await turn.say(text or t("meetings.reply.fant_ikke_motet"))


def _me(turn: Turn) -> int | None:
    return turn.member.id if turn.member else None


# `møter`: coming meetings; the secretariat creates and edits them with a card form.
def _status(status: str) -> str:
    """A meeting status as the list names it (an unknown one as stored)."""
    return {"planned": t("meetings.reply.planlagt"), "date_tba": t("meetings.reply.dato_kommer"),
            "tentative": t("meetings.reply.forelopig"),
            "invited": t("meetings.reply.innkalling_sendt"), "held": t("meetings.reply.avholdt"),
            "cancelled": t("meetings.reply.avlyst")}.get(status, status)


def register_form(root: Router) -> None:
    """Add `møter` and the secretariat's form actions."""
    router = root.feature("meeting_form")
    router.command("møter", "moter",
                   description=lambda: t("meetings.reply.vis_kommende_moter"))(show_meetings)
    secretariat = router.secretariat()
    secretariat.action(MeetingNewAction, button=lambda: t("meetings.nytt_mote"))(new_form)
    secretariat.action(MeetingEditAction)(edit_form)
    secretariat.action(MeetingSaveAction)(save)


async def show_meetings(turn: Turn) -> None:
    """Coming meetings (and those without a date yet); members see their own groups'."""
    mine = None if turn.is_secretariat else (turn.member.id if turn.member else -1)
    now = turn.deps.clock.now()
    rows = [m for m in meetings_repo.not_cancelled(turn.session, mine)
            if m.starts_at is None or m.starts_at >= now]
    rows.sort(key=lambda m: (m.starts_at is None, m.starts_at or now))
    lines = [MeetingLine(m.id or 0, span(m.starts_at, m.ends_at) if m.starts_at else
                         m.date_text or t("meetings.reply.dato_kommer"), m.title,
                         m.place or m.online_url or "-",
                         _status(m.status)) for m in rows[:10]]
    card = build_meeting_list_card(lines, turn.is_secretariat)
    await turn.send_card(card, t("meetings.reply.kommende_moter", lines_count=len(lines)))


def _groups(turn: Turn) -> list[tuple[int, str]]:
    return [(g.id or 0, g.name) for g, _count in list_groups(turn.session)]


def _outlook_on(turn: Turn) -> bool:
    return outlook.enabled(turn.deps.settings)


async def new_form(turn: Turn, _data: MeetingNewAction) -> dict | None:
    """An empty form."""
    view = MeetingFormView(_groups(turn), outlook=_outlook_on(turn))
    await turn.send_card(build_meeting_form_card(view), t("meetings.nytt_mote"))
    return None


async def edit_form(turn: Turn, data: MeetingEditAction) -> dict | None:
    """The form filled with the meeting as it stands."""
    m = meetings_repo.get_meeting(turn.session, data.meeting_id)
    if m is None:
        await turn.say(t("meetings.reply.fant_ikke_mote", meeting_id=data.meeting_id))
        return None
    groups = meetings_repo.invited_groups(turn.session, data.meeting_id)
    start = m.starts_at.astimezone(OSLO) if m.starts_at else None
    end = m.ends_at.astimezone(OSLO) if m.ends_at else None
    items = meetings_repo.agenda_items(turn.session, m.id or 0)
    agenda = "\n".join(f"{i.number}. {i.title}" for i in items)
    values = {"group_id": str(groups[0].id) if groups else "", "title": m.title,
              "date": start.strftime("%Y-%m-%d") if start else "",
              "start": start.strftime("%H:%M") if start else "",
              "end": end.strftime("%H:%M") if end else "", "place": m.place,
              "online_url": m.online_url, "format": m.format, "agenda": agenda,
              "preparation": m.preparation,
              "outlook": "true" if outlook.wanted(turn.session, m) else "false"}
    view = MeetingFormView(_groups(turn), values, meeting_id=m.id, outlook=_outlook_on(turn))
    await turn.send_card(build_meeting_form_card(view), t("meetings.reply.endre", title=m.title))
    return None


async def save(turn: Turn, data: MeetingSaveAction) -> dict | None:
    """Create or update; on errors the form comes back with what was typed."""
    values = {name: str(getattr(data, name)) for name in FIELDS}
    groups = dict(_groups(turn))
    checked, errors = check_form(values, set(groups))
    if checked is None:
        values["outlook"] = data.outlook
        view = MeetingFormView(list(groups.items()), values, data.meeting_id, errors,
                               outlook=_outlook_on(turn))
        await turn.send_card(build_meeting_form_card(view), t("meetings.reply.motet_er_ikke"))
        return None
    group = next(g for g, _n in list_groups(turn.session) if g.id == checked.group_id)
    now = turn.deps.clock.now()
    meeting = meetings_repo.get_meeting(turn.session, data.meeting_id) if data.meeting_id else None
    if data.meeting_id and meeting is None:
        await turn.say(t("meetings.reply.fant_ikke_mote", meeting_id=data.meeting_id))
        return None
    before = None
    if meeting is None:
        meeting = meetings_repo.create_meeting(turn.session, [group], now, **checked.fields)
    else:
        before = meetings.snapshot(meeting)
        for key, value in checked.fields.items():
            setattr(meeting, key, value)
        meetings_repo.bump_version(turn.session, meeting, now)
    meetings_repo.replace_agenda(turn.session, meeting, checked.agenda)
    if before is None:  # a new meeting of the group approves its open referat
        minutes_review.add_approval_item(turn.session, meeting, now)
    if data.outlook in ("true", "false") and _outlook_on(turn):
        outlook.set_choice(turn.session, meeting, data.outlook == "true")
    if before is not None:  # a sent meeting: cards redrawn in place, the yes-sayers told
        meetings.after_edit(turn.session, meeting, before, now, links=turn.deps.links,
                            settings=turn.deps.settings)
    audit.record(turn.session, action=data.verb, target=str(meeting.id),
                 actor_member_id=turn.member.id if turn.member else None)
    when = span(checked.fields["starts_at"], checked.fields["ends_at"])
    await turn.say(t("meetings.reply.motet_er_lagret", title=meeting.title, id=meeting.id,
                     when=when))
    return None


# The secretariat's «Avlys møtet» on the status card: cancel, tell everyone, mark cards AVLYST.
def register_cancel(root: Router) -> None:
    """Add the cancel action (secretariat only, checked on the server)."""
    root.feature("meeting_cancel").secretariat().action(MeetingCancelAction)(cancel)


async def cancel(turn: Turn, data: MeetingRef) -> Shown:
    """Cancel the meeting; the status card comes back saying who will be told."""
    try:
        _meeting, out = meetings.cancel(turn.session, data.meeting_id,
                                        turn.deps.clock.now(), turn.deps.settings)
    except meetings.ChangeError as exc:
        return await status_card(turn, data.meeting_id, t("meetings.reply.ikke_avlyst", exc=exc))
    audit.record(turn.session, action=data.verb, target=f"meeting:{data.meeting_id}",
                 actor_member_id=turn.member.id if turn.member else None)
    told = t("meetings.reply.inviterte_far_beskjed", total=out.total) if out else ""
    return await status_card(turn, data.meeting_id, t("meetings.reply.motet_er_avlyst", told=told))
