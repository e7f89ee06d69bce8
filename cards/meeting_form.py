"""The secretariat's meeting form (new or edit), and the list of coming meetings."""

from __future__ import annotations

from dataclasses import dataclass, field

from cards.common import Card, adaptive_card, heading, para, plain, submit

FORMATS = [("physical", "Fysisk"), ("digital", "Digitalt"), ("hybrid", "Hybrid"),
           ("webinar", "Webinar"), ("conference", "Konferanse"), ("study_trip", "Studietur")]


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
        field_ |= {"isRequired": True, "errorMessage": f"{label} må fylles ut"}
    return field_


def build_meeting_form_card(view: MeetingFormView) -> Card:
    """Every field of a meeting; times are Oslo wall-clock."""
    v = view.values
    body: list[dict] = [heading("Endre møte" if view.meeting_id else "Nytt møte")]
    if view.errors:
        body.append(para("\n".join(f"- {plain(e)}" for e in view.errors), color="Attention"))
    body += [
        {"type": "Input.ChoiceSet", "id": "group_id", "label": "Faggruppe",
         "value": v.get("group_id", str(view.groups[0][0]) if view.groups else ""),
         "choices": [{"title": name, "value": str(gid)} for gid, name in view.groups]
         or [{"title": "(ingen grupper)", "value": ""}]},
        _text("title", "Tittel", view, required=True, placeholder="Faggruppemøte"),
        {"type": "Input.Date", "id": "date", "label": "Dato", "value": v.get("date", ""),
         "isRequired": True, "errorMessage": "Velg en dato"},
        {"type": "ColumnSet", "columns": [
            {"type": "Column", "items": [{"type": "Input.Time", "id": "start", "label": "Fra",
                                          "value": v.get("start", "09:00")}]},
            {"type": "Column", "items": [{"type": "Input.Time", "id": "end", "label": "Til",
                                          "value": v.get("end", "10:30")}]}]},
        _text("place", "Sted (adresse)", view, placeholder="Klækken hotel"),
        _text("online_url", "Teams-lenke", view, max_length=1000),
        {"type": "Input.ChoiceSet", "id": "format", "label": "Form",
         "value": v.get("format", "physical"),
         "choices": [{"title": t, "value": k} for k, t in FORMATS]},
        _text("agenda", "Saksliste (én sak per linje: «1. Godkjenning av innkalling»)", view,
              multiline=True, max_length=8000),
        _text("preparation", "Forberedelser", view, multiline=True, max_length=4000),
        {"type": "Input.Date", "id": "deadline_date", "label": "Svarfrist (standard: møtestart)",
         "value": v.get("deadline_date", "")},
    ]
    if view.outlook:
        # Off by default only for physical meetings; digital and hybrid get Teams via Outlook.
        default = "false" if v.get("format", "physical") == "physical" else "true"
        body.append({"type": "Input.Toggle", "id": "outlook",
                     "title": "Send også Outlook-invitasjon (med Teams-møte når digitalt)",
                     "value": v.get("outlook", default), "valueOn": "true",
                     "valueOff": "false", "wrap": True})
    data = {"meeting_id": view.meeting_id} if view.meeting_id else {}
    return adaptive_card(body, [submit("Lagre møte", "meeting.save", **data)])


@dataclass(frozen=True)
class MeetingLine:
    meeting_id: int
    when: str
    title: str
    place: str
    status: str


def build_meeting_list_card(lines: list[MeetingLine], secretariat: bool) -> Card:
    """Coming meetings; the secretariat also gets «Nytt møte» and «Endre» buttons."""
    body: list[dict] = [heading("Kommende møter", size="Medium")]
    if not lines:
        body.append(para("Ingen møter er planlagt."))
    for line in lines:
        items = [para(f"**{plain(line.title)}**"), para(f"{line.when} · {plain(line.place)}"),
                 para(line.status, isSubtle=True, spacing="None")]
        if secretariat:
            items.append({"type": "ActionSet", "actions": [
                submit("Endre", "meeting.edit", meeting_id=line.meeting_id)]})
        body.append({"type": "Container", "separator": True, "items": items})
    actions = [submit("Nytt møte", "meeting.new")] if secretariat else None
    return adaptive_card(body, actions)


def samples() -> dict[str, Card]:
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
