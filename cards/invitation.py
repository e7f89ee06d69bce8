"""The invitation (innkalling) card: RSVP controls first, then time, place, agenda, programme."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cards.actions import MeetingCheckinAction, RsvpAnswerAction, RsvpCancelAction
from cards.common import Card, adaptive_card, button_rows, heading, para, plain, tone
from core.i18n import t

ANSWERS = ("physical", "digital", "no", "maybe")


def answer_labels() -> dict[str, str]:
    """Each RSVP answer's label in the current language, in the order the card shows them."""
    return {"physical": t("invitation.kommer_fysisk"),
            "digital": t("invitation.kommer_digitalt"),
            "no": t("invitation.kommer_ikke"), "maybe": t("invitation.usikker")}


# «Kommer» without a form: an Outlook «accepted» to a hybrid meeting (never a button).
ATTENDING = "attending"


def counted_labels(counts: dict[str, int]) -> dict[str, str]:
    """The labels a card counts: the four answers, and «Kommer (form ikke oppgitt)» if any."""
    labels = answer_labels()
    if counts.get(ATTENDING):
        labels[ATTENDING] = t("invitation.kommer_form_ikke_oppgitt")
    return labels


def shown_answer(answer: str, source: str = "teams") -> str:
    """An answer as a card shows it, saying where it came from when it was Outlook."""
    if source != "outlook":
        return answer_labels().get(answer, answer)
    if answer == ATTENDING:
        return t("invitation.kommer_fra_outlook_form")
    return t("invitation.svar_fra_outlook", answer=answer_labels().get(answer, answer))
PROGRAMME_FOLD = 4  # more lines than this go behind «Vis mer», so a phone shows the buttons


@dataclass(frozen=True)
class ProgrammeLine:
    item_id: int
    day: str  # "fredag 1. september"
    time: str  # "kl. 12.00–13.00"
    place: str
    what: str
    asks_rsvp: bool = False
    chosen: bool = False


@dataclass(frozen=True)
class InvitationView:
    meeting_id: int
    version: int
    groups: str
    title: str
    when: str
    place: str = ""
    online_url: str = ""
    agenda: list[tuple[int, str]] = field(default_factory=list)
    documents: list[tuple[str, str]] = field(default_factory=list)
    preparation: str = ""
    programme: list[ProgrammeLine] = field(default_factory=list)
    deadline: str = ""
    deadline_passed: bool = False
    cancelled: bool = False
    answer: str | None = None  # the viewer's own answer, when the card is theirs
    answer_source: str = "teams"  # teams | outlook: where that answer was given
    comment: str = ""
    dietary: str = ""
    deputy: str = ""
    late_cancelled: bool = False
    notice: str = ""  # «Svaret ditt er registrert», «Tid og sted er endret» …
    ics_url: str = ""
    checkin: bool = False  # the meeting is today: show «Sjekk inn»
    join_url: str = ""  # the Teams meeting of the Outlook event
    outlook: bool = False  # the member also has the invitation in Outlook


def _data(view: InvitationView) -> dict[str, Any]:
    return {"meeting_id": view.meeting_id, "card_version": view.version}


def _inputs(view: InvitationView) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [
        {"type": "Input.Toggle", "id": f"item_{p.item_id}", "label": f"{p.day} {p.time}",
         "title": plain(p.what), "value": "true" if p.chosen else "false",
         "valueOn": "true", "valueOff": "false", "wrap": True}
        for p in view.programme if p.asks_rsvp]
    if items:
        items.insert(0, para(t("invitation.jeg_blir_med"), weight="Bolder"))
    return [*items,
            {"type": "Input.Text", "id": "comment", "label": t("invitation.kommentar_valgfritt"),
             "maxLength": 500, "value": view.comment},
            {"type": "Input.Text", "id": "dietary", "label": t("invitation.allergier_matbehov"),
             "maxLength": 300, "value": view.dietary},
            {"type": "Input.Text", "id": "deputy",
             "label": t("invitation.sender_stedfortreder_navn"),
             "maxLength": 150, "value": view.deputy}]


def _rsvp(view: InvitationView) -> list[dict[str, Any]]:
    if view.cancelled:
        return [tone(t("invitation.motet_er_avlyst"), "Attention", size="Medium")]
    out: list[dict[str, Any]] = []
    if view.notice:
        out.append(tone(view.notice, "Good", weight="Bolder"))
    if view.answer:
        late = " (meldt forfall etter fristen)" if view.late_cancelled else ""
        shown = shown_answer(view.answer, view.answer_source)
        out.append(para(t("invitation.ditt_svar", answer=shown, late=late)))
    if view.deadline_passed:
        out.append(tone(t("invitation.svarfristen_gikk_ut", deadline=view.deadline), "Warning"))
        if view.answer in ("physical", "digital", "maybe", ATTENDING):
            out.append({"type": "ActionSet", "actions": [
                RsvpCancelAction(**_data(view)).button(t("invitation.kan_likevel_ikke"))]})
    else:
        if view.deadline:
            out.append(para(t("invitation.svarfrist", deadline=view.deadline), isSubtle=True))
        out.extend(button_rows([RsvpAnswerAction(answer=value, **_data(view)).button(label)
                                for value, label in answer_labels().items()], per_row=2))
        out.extend(_inputs(view))
    if view.checkin:
        out.append({"type": "ActionSet", "actions": [
            MeetingCheckinAction(**_data(view)).button(t("invitation.sjekk_inn"))]})
    return out


def _details(view: InvitationView) -> list[dict[str, Any]]:
    facts = [{"title": t("invitation.tid"), "value": view.when}]
    if view.place:
        facts.append({"title": t("invitation.sted"), "value": plain(view.place)})
    out: list[dict[str, Any]] = [{"type": "FactSet", "facts": facts, "separator": True}]
    links = []
    if view.join_url or view.online_url:
        links.append(t("cards.invitation.bli_med_teams", value1=view.join_url or view.online_url))
    if links and not view.cancelled:
        out.append(para(" · ".join(links)))
    if view.outlook and not view.cancelled:
        out.append(para(t("cards.invitation.du_har_fatt"), isSubtle=True, spacing="Small"))
    if view.ics_url and not view.cancelled:
        out.append({"type": "ActionSet", "actions": [
            {"type": "Action.OpenUrl", "title": t("invitation.legg_til_kalender"),
             "url": view.ics_url}]})
    if view.agenda:
        out.append(heading(t("invitation.sakskart"), size="Medium"))
        out.append(para("\n".join(f"{n}. {plain(title)}" for n, title in view.agenda)))
    if view.documents:
        out.append(heading(t("invitation.dokumenter"), size="Medium"))
        out.append(para("\n".join(f"- [{plain(title)}]({url})" for title, url in view.documents)))
    if view.preparation:
        out.append(heading(t("invitation.forberedelser"), size="Medium"))
        out.append(para(plain(view.preparation)))
    return out


def _programme(view: InvitationView) -> list[dict[str, Any]]:
    if not view.programme:
        return []
    lines = [para(f"**{p.day} {p.time}**{' – ' + plain(p.place) if p.place else ''}: "
                  f"{plain(p.what)}", spacing="Small") for p in view.programme]
    if len(lines) <= PROGRAMME_FOLD:
        return [heading(t("invitation.program"), size="Medium"), *lines]
    return [heading(t("invitation.program"), size="Medium"), *lines[:2],
            {"type": "Container", "id": "programme_rest", "isVisible": False,
             "items": lines[2:]},
            {"type": "ActionSet", "actions": [
                {"type": "Action.ToggleVisibility", "title": t("invitation.vis_mer"),
                 "targetElements": ["programme_rest"]}]}]


def build_invitation_card(view: InvitationView) -> Card:
    """The member's invitation; with `answer` set it is that member's own view."""
    prefix = (t("invitation.prefix_cancelled") if view.cancelled
              else t("invitation.prefix_invitation"))
    body = [heading(prefix + plain(view.title)), para(plain(view.groups), isSubtle=True,
                                                      spacing="None"),
            *_rsvp(view), *_details(view), *_programme(view)]
    return adaptive_card(body, speak=t("invitation.speak", prefix=prefix, title=view.title,
                                                   when=view.when))


# Sample meeting cards (seed 000 invitation, seed 001 programme) for validation and pictures.
SEED000_AGENDA = [
    (1, "Godkjenning av innkalling"), (2, "Godkjenning av referat fra møtet 23. mai 2023"),
    (3, "Diskusjon for «Strategiske føringer 2025-2028»"),
    (4, "Innspill til Handlingsprogram for 2024 – Konkurranseskraft og attraktivitet"),
    (5, "Orienteringer fra sekretariatet")]
SEED001_PROGRAMME = [
    ProgrammeLine(1, "onsdag 1. september", "kl. 10.00–12.00", "",
                  "Samling for faggruppen for næringssamarbeidet"),
    ProgrammeLine(2, "onsdag 1. september", "kl. 12.00–13.00", "Moss Kulturhus",
                  "Felles lunsj alle faggruppene", asks_rsvp=True),
    ProgrammeLine(3, "onsdag 1. september", "kl. 13.00–17.00", "Moss Kulturhus",
                  "Fellessesjon alle faggruppene, bl.a. presentasjon NIBR"),
    ProgrammeLine(4, "onsdag 1. september", "kl. 17.00–19.00", "Moss Kulturhus",
                  "Avreise fra Moss sentrum og innsjekking Refsnes Gods", asks_rsvp=True),
    ProgrammeLine(5, "onsdag 1. september", "kl. 19.30", "Refsnes Gods",
                  "Felles middag alle faggruppene", asks_rsvp=True),
    ProgrammeLine(6, "torsdag 2. september", "kl. 07.00–09.00", "Refsnes Gods",
                  "Frokost og utsjekking"),
    ProgrammeLine(7, "torsdag 2. september", "kl. 09.00–15.00", "Ås / NMBU",
                  "Samling for faggruppen for næringssamarbeidet")]


def seed000_view(**changes: object) -> InvitationView:
    """Seed 000's invitation as a view."""
    base = dict(
        meeting_id=1, version=1, groups="Faggruppe for næringssamarbeid",
        title="Møte i Osloregionens Faggruppe for næringssamarbeid",
        when="torsdag 31. august 2023 kl. 09.00–10.30", place="Klækken hotel",
        agenda=SEED000_AGENDA,
        documents=[("Sakspapirer og vedlegg", "https://osloregionen.no/sakspapirer")],
        preparation="Som forberedelse ønsker vi at dere ser på dagens strategiske føringer, og "
        "tenker på 3-4 utfordringer som du mener Osloregionen bør ha fokus på.",
        deadline="mandag 28. august 2023 kl. 12.00")
    base.update(changes)
    return InvitationView(**base)  # type: ignore[arg-type]


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    return {
        "invitation": build_invitation_card(seed000_view(
            ics_url="https://faggruppe.example.no/ics/1.1699999999.c2lnbmF0dXI")),
        "invitation_answered": build_invitation_card(seed000_view(
            answer="digital", notice="Takk! Svaret ditt er registrert.")),
        "invitation_after_deadline": build_invitation_card(seed000_view(
            answer="physical", deadline_passed=True)),
        "invitation_programme": build_invitation_card(seed000_view(
            title="Faggruppemøte/studietur 1.–2. september", programme=SEED001_PROGRAMME)),
        "invitation_cancelled": build_invitation_card(seed000_view(cancelled=True)),
        "invitation_outlook_teams": build_invitation_card(seed000_view(
            place="", outlook=True, join_url="https://teams.microsoft.com/l/meetup-join/"
            "19%3ameeting_NzIyNzhlMGEtM2YyZC00ZmY0%40thread.v2/0",
            ics_url="https://faggruppe.example.no/ics/1.1699999999.c2lnbmF0dXI")),
    }
