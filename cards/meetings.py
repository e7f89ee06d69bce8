"""Meeting cards for the secretariat and the channel: the form, the status card, the summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cards.actions import (
    MeetingApproveAction,
    MeetingCancelAction,
    MeetingEditAction,
    MeetingNewAction,
    MeetingPreviewAction,
    MeetingSaveAction,
    MeetingSendAction,
    MinutesOpenAction,
    RsvpOnBehalfAction,
)
from cards.common import TONE_SYMBOLS, Card, adaptive_card, heading, para, plain, tone
from cards.invitation import answer_labels, counted_labels
from core.i18n import t


@dataclass(frozen=True)
class StatusView:
    meeting_id: int
    title: str
    when: str
    sent: bool
    invited: int
    counts: dict[str, int]
    regions_answered: int
    regions_total: int
    by_region: list[tuple[str, list[str]]] = field(default_factory=list)  # region, «Navn: svar»
    silent: list[str] = field(default_factory=list)
    items: list[tuple[str, int, list[str]]] = field(default_factory=list)
    choices: list[tuple[int, str]] = field(default_factory=list)  # (member id, name) for on-behalf
    notice: str = ""
    cancelled: bool = False
    followups: list[str] = field(default_factory=list)  # open follow-ups from the minutes
    outlook_answers: str = ""  # «Svar i Outlook: …» when Graph reads them


def _cancel_button(view: StatusView) -> dict[str, Any]:
    """Behind a second click: cancelling tells every invitee at once."""
    return {"type": "Action.ShowCard", "title": t("meetings.avlys_motet"), "card": {
        "type": "AdaptiveCard", "body": [
            para(t("meetings.alle_inviterte_far"))],
        "actions": [MeetingCancelAction(meeting_id=view.meeting_id).button(
            t("meetings.ja_avlys_motet"))]}}


def _on_behalf(view: StatusView) -> list[dict[str, Any]]:
    if not view.choices:
        return []
    return [heading(t("meetings.registrer_svar_for"), size="Medium"),
            {"type": "Input.ChoiceSet", "id": "member_id", "label": t("meetings.medlem"),
             "style": "filtered",
             "choices": [{"title": plain(n), "value": str(i)} for i, n in view.choices]},
            {"type": "Input.ChoiceSet", "id": "answer", "label": t("meetings.svar"),
             "value": "physical",
             "choices": [{"title": label, "value": v} for v, label in answer_labels().items()]},
            {"type": "ActionSet", "actions": [
                RsvpOnBehalfAction(meeting_id=view.meeting_id).button(t("meetings.registrer_svar"))]}]


def build_status_card(view: StatusView) -> Card:
    """Counts first, then the regions, the silent ones, the programme and the on-behalf form."""
    answered = sum(view.counts.values())
    body: list[dict[str, Any]] = [heading(t("meetings.status", title=plain(view.title))),
                                  para(view.when)]
    if view.notice:
        body.append(tone(view.notice, "Good", weight="Bolder"))
    body.append({"type": "FactSet", "facts": [
        {"title": label, "value": str(view.counts.get(value, 0))}
        for value, label in counted_labels(view.counts).items()] + [
        {"title": t("meetings.ikke_svart"), "value": str(view.invited - answered)}]})
    body.append(para(t("meetings.av_regioner_har", regions_answered=view.regions_answered,
                       regions_total=view.regions_total)))
    if view.outlook_answers:
        body.append(para(plain(view.outlook_answers), isSubtle=True))
    mid = view.meeting_id
    actions = [MeetingPreviewAction(meeting_id=mid).button(t("meetings.forhandsvis_innkallingen"))]
    if not view.sent:
        actions += [MeetingSendAction(meeting_id=mid).button(t("meetings.send_innkallingen_na")),
                    MeetingApproveAction(meeting_id=mid).button(t("meetings.send_automatisk_dager"))]
    if view.cancelled:
        body.append(tone(t("invitation.motet_er_avlyst"), "Attention"))
    else:
        actions.append(_cancel_button(view))
    body.append({"type": "ActionSet", "actions": actions})
    lines = [f"**{plain(region)}**: {'; '.join(plain(x) for x in who)}"
             for region, who in view.by_region]
    if lines:
        body += [{"type": "ActionSet", "actions": [{"type": "Action.ToggleVisibility",
                  "title": t("meetings.vis_svar_per"), "targetElements": ["by_region"]}]},
                 {"type": "Container", "id": "by_region", "isVisible": False,
                  "items": [para("\n\n".join(lines))]}]
    if view.silent:
        body.append(para(t("meetings.ikke_svart_2", silent_count=len(view.silent))
                         + ", ".join(plain(s) for s in view.silent)))
    if view.followups:
        body.append(heading(t("cards.meetings.apne_oppfolgingspunkter",
                              followups_count=len(view.followups)), size="Medium"))
        body.append(para("\n\n".join(plain(line) for line in view.followups)))
    body.append({"type": "ActionSet", "actions": [  # the minutes: the referent's card 1:1
        MinutesOpenAction(meeting_id=view.meeting_id).button(t("cards.meetings.referat"))]})
    if view.items:
        body.append(heading(t("meetings.programpunkter"), size="Medium"))
        body += [para(t("meetings.pameldt", what=plain(what), n=n)
                      + (t("meetings.matbehov", diets=plain('; '.join(diets))) if diets else ""))
                 for what, n, diets in view.items]
    return adaptive_card(body + _on_behalf(view))


def _samples_meeting_status() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    return {"meeting_status": build_status_card(StatusView(
        1, "Møte i faggruppen", "torsdag 31. august 2023 kl. 09.00–10.30", True, 42,
        {"physical": 20, "digital": 10, "no": 5}, 18, 25,
        [("Asker - Bærum", ["Anne Feltman: Kommer (fysisk)"])], ["Jonas Olafsen (Lillestrøm)"],
        [("Felles middag", 12, ["Glutenfri"])], [(1, "Anne Feltman")],
        followups=["#3 Sende ut presentasjonene – Mari Strømsvåg, frist fredag 27. mai 2022 "
                   "(sak 4)"]))}


# The secretariat's meeting form (new or edit), and the list of coming meetings.
def formats() -> list[tuple[str, str]]:
    """Each meeting format and its label in the current language."""
    return [("physical", t("meetings.format_physical")),
            ("digital", t("meetings.format_digital")),
            ("hybrid", t("meetings.format_hybrid")),
            ("webinar", t("meetings.format_webinar")),
            ("conference", t("meetings.format_conference")),
            ("study_trip", t("meetings.format_study_trip"))]


@dataclass(frozen=True)
class MeetingFormView:
    groups: list[tuple[int, str]]
    values: dict[str, str] = field(default_factory=dict)  # what was typed, kept on errors
    meeting_id: int | None = None
    errors: list[str] = field(default_factory=list)
    outlook: bool = False  # Graph is on: offer «Send også Outlook-invitasjon»


def _text(id_: str, label: str, view: MeetingFormView, *, required: bool = False,
          multiline: bool = False, placeholder: str = "", max_length: int = 400) -> dict:
    field_: dict = {"type": "Input.Text", "id": id_, "label": label,
                    "value": view.values.get(id_, ""), "maxLength": max_length,
                    "isMultiline": multiline, "placeholder": placeholder}
    if required:
        field_ |= {"isRequired": True, "errorMessage": t("meetings.ma_fylles_ut", label=label)}
    return field_


def build_meeting_form_card(view: MeetingFormView) -> Card:
    """Every field of a meeting; times are Oslo wall-clock."""
    v = view.values
    body: list[dict] = [heading(t("meetings.endre_mote") if view.meeting_id
                                else t("meetings.nytt_mote"))]
    if view.errors:
        body.append(para("\n".join(f"- {TONE_SYMBOLS['attention']} {plain(e)}"
                                   for e in view.errors), color="Attention"))
    body += [
        {"type": "Input.ChoiceSet", "id": "group_id", "label": t("meetings.faggruppe"),
         "value": v.get("group_id", str(view.groups[0][0]) if view.groups else ""),
         "choices": [{"title": name, "value": str(gid)} for gid, name in view.groups]
         or [{"title": t("meetings.ingen_grupper"), "value": ""}]},
        _text("title", t("meetings.tittel"), view, required=True,
              placeholder=t("meetings.faggruppemote")),
        {"type": "Input.Date", "id": "date", "label": t("meetings.dato"),
         "value": v.get("date", ""),
         "isRequired": True, "errorMessage": t("meetings.velg_en_dato")},
        {"type": "ColumnSet", "columns": [
            {"type": "Column", "items": [{"type": "Input.Time", "id": "start",
                                          "label": t("meetings.fra"),
                                          "value": v.get("start", "09:00")}]},
            {"type": "Column", "items": [{"type": "Input.Time", "id": "end",
                                          "label": t("meetings.til"),
                                          "value": v.get("end", "10:30")}]}]},
        _text("place", t("meetings.sted_adresse"), view,
              placeholder=t("invitation.klaekken_hotel")),
        _text("online_url", t("meetings.teams_lenke"), view, max_length=1000),
        {"type": "Input.ChoiceSet", "id": "format", "label": t("meetings.form"),
         "value": v.get("format", "physical"),
         "choices": [{"title": label, "value": k} for k, label in formats()]},
        _text("agenda", t("meetings.saksliste_en_sak"), view,
              multiline=True, max_length=8000),
        _text("preparation", t("meetings.forberedelser"), view, multiline=True, max_length=4000),
        {"type": "Input.Date", "id": "deadline_date",
         "label": t("meetings.svarfrist_standard_motestart"),
         "value": v.get("deadline_date", "")},
    ]
    if view.outlook:
        # Off by default only for physical meetings; digital and hybrid get Teams via Outlook.
        default = "false" if v.get("format", "physical") == "physical" else "true"
        body.append({"type": "Input.Toggle", "id": "outlook",
                     "label": t("cards.meetings.outlook_invitasjon"),
                     "title": t("cards.meetings.send_ogsa_outlook"),
                     "value": v.get("outlook", default), "valueOn": "true",
                     "valueOff": "false", "wrap": True})
    save = MeetingSaveAction(meeting_id=view.meeting_id) if view.meeting_id else MeetingSaveAction()
    return adaptive_card(body, [save.button(t("meetings.lagre_mote"))])


@dataclass(frozen=True)
class MeetingLine:
    meeting_id: int
    when: str
    title: str
    place: str
    status: str


def build_meeting_list_card(lines: list[MeetingLine], secretariat: bool) -> Card:
    """Coming meetings; the secretariat also gets «Nytt møte» and «Endre» buttons."""
    body: list[dict] = [heading(t("meetings.kommende_moter"), size="Medium")]
    if not lines:
        body.append(para(t("meetings.ingen_moter_er")))
    for line in lines:
        items = [para(f"**{plain(line.title)}**"), para(f"{line.when} · {plain(line.place)}"),
                 para(line.status, isSubtle=True, spacing="None")]
        if secretariat:
            items.append({"type": "ActionSet", "actions": [
                MeetingEditAction(meeting_id=line.meeting_id).button(t("meetings.endre_motet"))]})
        body.append({"type": "Container", "separator": True, "items": items})
    actions = [MeetingNewAction().button(t("meetings.nytt_mote"))] if secretariat else None
    return adaptive_card(body, actions)


def _samples_meeting_form() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    groups = [(1, "Faggruppe for næringssamarbeid"), (2, "Faggruppe for klima og miljø")]
    filled = {"title": "Faggruppemøte", "date": "2023-08-31", "start": "09:00", "end": "10:30",
              "place": "Klækken hotel", "agenda": "1. Godkjenning av innkalling"}
    lines = [MeetingLine(3, "torsdag 31. august 2023 kl. 09.00–10.30", "Faggruppemøte",
                         "Klækken hotel", "Planlagt")]
    return {
        "meeting_form": build_meeting_form_card(MeetingFormView(groups)),
        "meeting_form_outlook": build_meeting_form_card(MeetingFormView(groups, outlook=True)),
        "meeting_form_errors": build_meeting_form_card(MeetingFormView(
            groups, filled, meeting_id=3, errors=["«Til» må være etter «Fra»."])),
        "meeting_list_secretariat": build_meeting_list_card(lines, True),
        "meeting_list_member": build_meeting_list_card(lines, False),
    }


# The channel's summary card: live RSVP counts and how many regions have answered.
@dataclass(frozen=True)
class SummaryView:
    title: str
    groups: str
    when: str
    place: str
    invited: int
    counts: dict[str, int]  # answer value -> how many
    regions_answered: int
    regions_total: int
    cancelled: bool = False
    join_url: str = ""  # the Outlook event's Teams meeting


def summary_text(view: SummaryView) -> str:
    """The short text beside the card (a phone's notification)."""
    prefix = t("meetings.summary_cancelled") if view.cancelled else t("meetings.pamelding")
    return t("meetings.summary_text", prefix=prefix, title=view.title, when=view.when)


def build_summary_card(view: SummaryView) -> Card:
    """Counts per answer, the silent, and regions answered; AVLYST when cancelled."""
    prefix = (t("meetings.summary_prefix_cancelled") if view.cancelled
              else t("meetings.pamelding_2"))
    answered = sum(view.counts.values())
    facts = [{"title": t("invitation.tid"), "value": view.when}]
    if view.place:
        facts.append({"title": t("invitation.sted"), "value": plain(view.place)})
    body: list[dict[str, Any]] = [
        heading(prefix + plain(view.title)),
        para(plain(view.groups), isSubtle=True, spacing="None"),
        {"type": "FactSet", "facts": facts}]
    if view.cancelled:
        body.append(tone(t("invitation.motet_er_avlyst"), "Attention", size="Medium"))
        return adaptive_card(body, speak=summary_text(view))
    body.append({"type": "FactSet", "separator": True, "facts": [
        {"title": label, "value": str(view.counts.get(value, 0))}
        for value, label in counted_labels(view.counts).items()] + [
        {"title": t("meetings.ikke_svart"), "value": str(max(0, view.invited - answered))}]})
    body.append(para(t("meetings.av_regioner_har", regions_answered=view.regions_answered,
                       regions_total=view.regions_total)))
    if view.join_url:
        body.append(para(t("cards.meetings.bli_med_teams", join_url=view.join_url)))
    body.append(para(t("meetings.svar_pa_innkallingen"),
                     isSubtle=True))
    return adaptive_card(body, speak=summary_text(view))


def _samples_meeting_summary() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    view = SummaryView("Møte i Osloregionens Faggruppe for næringssamarbeid",
                       "Faggruppe for næringssamarbeid", "torsdag 31. august 2023 kl. 09.00–10.30",
                       "Klækken hotel", 42, {"physical": 20, "digital": 10, "no": 5, "maybe": 1},
                       18, 25)
    cancelled = SummaryView(**{**view.__dict__, "cancelled": True})
    return {"meeting_summary": build_summary_card(view),
            "meeting_summary_cancelled": build_summary_card(cancelled)}


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    return {**_samples_meeting_status(), **_samples_meeting_form(), **_samples_meeting_summary()}
