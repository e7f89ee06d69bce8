"""Secretariat cards for workshop input: the form that opens a session and its admin view."""

from __future__ import annotations

from dataclasses import dataclass, field

from cards.common import Card, adaptive_card, execute, heading, para, plain
from cards.minutes import agenda_item_input

SEED_AREAS = ["Tilgang på arbeidskraft", "Attraktivitet", "Infrastruktur og tilgjengelighet",
              "Arealbruk", "Næringsklima", "Innovasjon"]
ANONYMITY = [("named", "Med navn"), ("members", "Anonymt for andre medlemmer"),
             ("full", "Helt anonymt")]
STATUS_TITLE = {"draft": "Utkast", "open": "Åpent", "closed": "Stengt",
                "voting": "Prioritering pågår", "done": "Avsluttet"}


def _choices(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"title": title, "value": value} for value, title in pairs]


def _input(kind: str, id_: str, label: str, **extra: object) -> dict[str, object]:
    return {"type": f"Input.{kind}", "id": id_, "label": label, **extra}


@dataclass(frozen=True)
class FormView:
    direct_default: bool  # opened from a 1:1 chat: send 1:1 to every member
    notice: str = ""
    items: list[tuple[str, str]] = field(default_factory=list)  # (agenda item id, title)
    proposed_item: str = ""



def build_form_card(view: FormView) -> Card:
    """'Nytt innspill': questions, areas, limits, anonymity, visibility, target, deadline."""
    body = [heading("Nytt innspill")]
    if view.notice:
        body.append(para(view.notice, color="Attention"))
    body += [
        _input("Text", "questions", "Spørsmål (ett per linje)", isMultiline=True,
               isRequired=True, errorMessage="Skriv minst ett spørsmål",
               placeholder="Hvilke 3–4 utfordringer bør regionen fokusere på?"),
        _input("Text", "areas", "Interesseområder (valgfritt, ett per linje)",
               isMultiline=True, placeholder="\n".join(SEED_AREAS)),
        _input("Number", "max_entries", "Maks innspill per medlem", value=4, min=1, max=20),
        _input("Number", "group_size", "Maks deltakere per gruppe", value=6, min=2, max=40),
        _input("Number", "votes", "Stemmer per medlem i prioriteringen", value=3, min=1, max=10),
        _input("ChoiceSet", "anonymity", "Anonymitet", value="named",
               choices=_choices(ANONYMITY)),
        _input("ChoiceSet", "results", "Når vises innspillene?", value="live",
               choices=_choices([("live", "Fortløpende"), ("after", "Etter at det er stengt")])),
        _input("ChoiceSet", "target", "Hvor skal det?",
               value="direct" if view.direct_default else "chat",
               choices=_choices([("chat", "Denne chatten eller kanalen"),
                                 ("direct", "1:1 til hvert medlem i faggruppen")])),
        _input("Date", "deadline_date", "Frist for skriftlige innspill (valgfritt)"),
        _input("Time", "deadline_time", "Klokkeslett for fristen", value="16:00"),
    ]
    if view.items:
        body.append(agenda_item_input(view.items, view.proposed_item))
    return adaptive_card(body, [execute("Åpne innspill", "innspill.open")])


@dataclass(frozen=True)
class AdminEntry:
    id: int
    number: int
    text: str
    area: str
    author: str  # "" when fully anonymous
    votes: int
    hidden: bool
    merged_into: int | None


@dataclass(frozen=True)
class AdminView:
    session_id: int
    questions: list[str]
    status: str
    participants: int
    entries: list[AdminEntry] = field(default_factory=list)
    notice: str = ""


def build_admin_card(view: AdminView) -> Card:
    """The secretariat's view: status, every entry with author, close/reopen, hide, merge."""
    sid = view.session_id
    body = [heading(f"Innspill #{sid} – {STATUS_TITLE.get(view.status, view.status)}",
                    size="Medium"),
            *(para(plain(q), weight="Bolder") for q in view.questions),
            para(f"{len(view.entries)} innspill fra {view.participants} deltakere.",
                 isSubtle=True)]
    if view.notice:
        body.append(para(view.notice, color="Good"))
    for e in view.entries[:40]:  # a card stays well under Teams' 80 KB advice
        state = " (skjult)" if e.hidden else (f" (slått sammen med {e.merged_into})"
                                               if e.merged_into else "")
        who = f" – {plain(e.author)}" if e.author else ""
        line = f"**{e.number}.** {plain(e.text[:300])}{who} · {plain(e.area)}{state}"
        body.append(para(line, separator=True))
        if not e.hidden:
            body.append({"type": "ActionSet", "actions": [
                execute(f"Skjul {e.number}", "innspill.hide", session=sid, entry=e.id)]})
    choices = [{"title": f"{e.number}. {e.text[:40]}", "value": str(e.id)}
               for e in view.entries if not e.hidden and not e.merged_into]
    if len(choices) >= 2:
        body += [para("Slå sammen like innspill:", weight="Bolder"),
                 _input("ChoiceSet", "merge_source", "Dette innspillet …", choices=choices),
                 _input("ChoiceSet", "merge_target", "… slås sammen med", choices=choices),
                 {"type": "ActionSet", "actions": [
                     execute("Slå sammen", "innspill.merge", session=sid)]}]
    actions = {
        "open": [execute("Steng", "innspill.close", session=sid)],
        "closed": [execute("Gjenåpne", "innspill.reopen", session=sid),
                   execute("Start prioritering", "innspill.vote_start", session=sid),
                   execute("Avslutt", "innspill.finish", session=sid)],
        "voting": [execute("Avslutt prioritering", "innspill.finish", session=sid)],
    }.get(view.status, [])
    actions.append(execute("Eksporter", "innspill.export", session=sid))
    return adaptive_card(body, actions)


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    entries = [AdminEntry(1, 1, "Mangel på *fagarbeidere* i bygg", "Tilgang på arbeidskraft",
                          "Anne Feltman", 0, False, None),
               AdminEntry(2, 2, "Fagarbeidere mangler", "Tilgang på arbeidskraft", "", 0,
                          False, None),
               AdminEntry(3, 3, "Se https://example.com", "Innovasjon", "", 0, True, None)]
    return {
        "innspill_form": build_form_card(FormView(
            direct_default=True, items=[("31", "3. Diskusjon for «Strategiske føringer»"),
                                        ("32", "4. Innspill til Handlingsprogram for 2024")],
            proposed_item="32")),
        "innspill_admin": build_admin_card(AdminView(
            7, ["Hvilke 3–4 utfordringer bør regionen fokusere på?"], "open", 2, entries)),
    }
