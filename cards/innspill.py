"""Workshop input cards: the secretariat form and admin view, the live card, the member card."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cards.actions import (
    InnspillAreaAction,
    InnspillCastAction,
    InnspillCloseAction,
    InnspillDeleteAction,
    InnspillEditAction,
    InnspillExportAction,
    InnspillFinishAction,
    InnspillHideAction,
    InnspillLiveAction,
    InnspillMergeAction,
    InnspillOpenAction,
    InnspillReopenAction,
    InnspillStartEditAction,
    InnspillSubmitAction,
    InnspillViewAction,
    InnspillVoteStartAction,
)
from cards.common import Card, adaptive_card, heading, para, plain
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
    return adaptive_card(body, [InnspillOpenAction().button("Åpne innspill")])


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
                InnspillHideAction(session=sid, entry=e.id).button(f"Skjul {e.number}")]})
    choices = [{"title": f"{e.number}. {e.text[:40]}", "value": str(e.id)}
               for e in view.entries if not e.hidden and not e.merged_into]
    if len(choices) >= 2:
        body += [para("Slå sammen like innspill:", weight="Bolder"),
                 _input("ChoiceSet", "merge_source", "Dette innspillet …", choices=choices),
                 _input("ChoiceSet", "merge_target", "… slås sammen med", choices=choices),
                 {"type": "ActionSet", "actions": [
                     InnspillMergeAction(session=sid).button("Slå sammen")]}]
    actions = {
        "open": [InnspillCloseAction(session=sid).button("Steng")],
        "closed": [InnspillReopenAction(session=sid).button("Gjenåpne"),
                   InnspillVoteStartAction(session=sid).button("Start prioritering"),
                   InnspillFinishAction(session=sid).button("Avslutt")],
        "voting": [InnspillFinishAction(session=sid).button("Avslutt prioritering")],
    }.get(view.status, [])
    actions.append(InnspillExportAction(session=sid).button("Eksporter"))
    return adaptive_card(body, actions)


def _samples_innspill() -> dict[str, Card]:
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


# The live card in the chat: counts per group, entries where results are live.
@dataclass(frozen=True)
class LiveGroup:
    label: str
    members: list[str]  # "Navn (Kommune)"
    entries: int


@dataclass(frozen=True)
class LiveEntry:
    text: str
    area: str
    by: str  # author name when the session is named, else ""
    votes: int


@dataclass(frozen=True)
class LiveView:
    session_id: int
    questions: list[str]
    status: str
    total: int
    participants: int
    groups: list[LiveGroup] = field(default_factory=list)
    entries: list[LiveEntry] | None = None  # None: not shown before close
    deadline: str = ""
    ranked: bool = False


def build_live_card(v: LiveView) -> Card:
    """Shared by everyone in the chat; members get their own view through the button."""
    body = [heading(f"Innspill – {STATUS_TITLE.get(v.status, v.status)}", size="Medium"),
            *(para(plain(q), weight="Bolder") for q in v.questions),
            para(f"{v.total} innspill fra {v.participants} deltakere.", isSubtle=True)]
    if v.deadline:
        body.append(para(f"Frist for skriftlige innspill: {v.deadline}", isSubtle=True))
    for g in v.groups:
        body.append(para(f"**{plain(g.label)}** – {len(g.members)} deltakere, "
                         f"{g.entries} innspill", separator=True))
        if g.members:
            body.append(para(plain(", ".join(g.members)), isSubtle=True, size="Small"))
    if v.entries is None:
        body.append(para("Innspillene vises når innspillet er stengt.", isSubtle=True))
    else:
        shown = v.entries[:80]  # the card stays under Teams' 80 KB advice
        if v.ranked:
            body.append(para("Prioritert liste:", weight="Bolder"))
        for i, e in enumerate(shown, 1):
            by = f" – {plain(e.by)}" if e.by else ""
            votes = f" · {e.votes} stemmer" if v.ranked or e.votes else ""
            lead = f"{i}. " if v.ranked else ""
            body.append(para(f"{lead}{plain(e.text[:200])}{by} · {plain(e.area)}{votes}"
                             if e.area else f"{lead}{plain(e.text[:200])}{by}{votes}"))
        if len(v.entries) > len(shown):
            body.append(para(f"… og {len(v.entries) - len(shown)} til (se eksporten).",
                             isSubtle=True))
    actions = []
    if v.status == "open":
        actions.append(InnspillViewAction(session=v.session_id).button("Skriv innspill"))
    elif v.status == "voting":
        actions.append(InnspillViewAction(session=v.session_id).button("Prioriter"))
    actions.append(InnspillLiveAction(session=v.session_id).button("Oppdater"))
    return adaptive_card(body, actions)


def _samples_innspill_live() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    groups = [LiveGroup("Innovasjon – gruppe 1", ["Anne Feltman (Asker - Bærum)"], 2)]
    entries = [LiveEntry("Mangel på [fagarbeidere](https://x.no)", "Innovasjon", "", 3)]
    q = ["Hvilke 3–4 utfordringer bør regionen fokusere på?"]
    return {
        "innspill_live": build_live_card(LiveView(1, q, "open", 2, 1, groups, None,
                                                  "fredag 8. september 2023 kl. 16.00")),
        "innspill_live_ranked": build_live_card(LiveView(1, q, "done", 2, 1, groups, entries,
                                                         ranked=True)),
    }


# The member's own innspill card (user-specific): pick an area, write, edit, vote.
@dataclass(frozen=True)
class OwnEntry:
    id: int
    text: str
    question: str


@dataclass(frozen=True)
class VoteEntry:
    id: int
    text: str
    area: str
    votes: int


@dataclass(frozen=True)
class MemberView:
    session_id: int
    questions: list[str]
    status: str  # open, closed, voting, done
    areas: list[str] = field(default_factory=list)
    group: str = ""  # "Infrastruktur – gruppe 2" once placed
    own: list[OwnEntry] = field(default_factory=list)
    held: str = ""  # opaque ownership tokens (fully anonymous sessions), echoed back
    max_entries: int = 4
    notice: str = ""
    notice_good: bool = True
    draft: str = ""  # what the member typed, kept after a refusal
    editing: int | None = None  # entry id being edited
    moderating: OwnEntry | None = None  # someone else's entry the secretariat is editing
    votes_left: int = 0
    to_vote: list[VoteEntry] = field(default_factory=list)


def build_member_card(v: MemberView) -> Card:
    """What one member sees; every action carries only the session id and their tokens."""
    ref: dict[str, Any] = {"session": v.session_id, "held": v.held}
    body: list[dict[str, object]] = [heading("Innspill", size="Medium")]
    body += [para(plain(q), weight="Bolder") for q in v.questions]
    if v.notice:
        body.append(para(v.notice, color="Good" if v.notice_good else "Attention"))
    if v.status == "voting":
        return adaptive_card(body + _voting(v, ref))
    if v.status == "open" and v.areas and not v.group:
        body.append({"type": "Input.ChoiceSet", "id": "area", "label": "Velg interesseområde",
                     "isRequired": True, "errorMessage": "Velg ett område",
                     "choices": [{"title": plain(a), "value": a} for a in v.areas]})
        return adaptive_card(body, [InnspillAreaAction(**ref).button("Velg")])
    if v.group:
        body.append(para(f"Din gruppe: **{plain(v.group)}**"))
    actions: list[dict[str, object]] = []
    if v.status == "open":
        editing = next((e for e in [*v.own, *([v.moderating] if v.moderating else [])]
                        if e.id == v.editing), None)
        if len(v.questions) > 1 and editing is None:
            body.append({"type": "Input.ChoiceSet", "id": "question", "label": "Spørsmål",
                         "value": "0", "choices": [{"title": plain(q[:80]), "value": str(i)}
                                                   for i, q in enumerate(v.questions)]})
        body.append({"type": "Input.Text", "id": "text", "isMultiline": True,
                     "label": "Endre innspillet" if editing else "Ditt innspill",
                     "value": v.draft or (editing.text if editing else "")})
        if editing:
            actions.append(InnspillEditAction(entry=editing.id, **ref).button("Lagre endring"))
        else:
            actions.append(InnspillSubmitAction(**ref).button("Send inn"))
        body.append(para(f"Du har sendt inn {len(v.own)} av maks {v.max_entries}.",
                         isSubtle=True))
    elif v.status in ("closed", "done"):
        body.append(para("Innspillet er stengt. Takk for bidraget!", isSubtle=True))
        if v.draft:  # refused after close: show what was typed so it can be copied
            body.append(para(f"Teksten du skrev (ikke sendt inn): {plain(v.draft)}"))
    body += _own(v, ref)
    actions.append(InnspillViewAction(**ref).button("Oppdater"))
    return adaptive_card(body, actions)


def _own(v: MemberView, ref: dict[str, Any]) -> list[dict[str, object]]:
    if not v.own:
        return []
    out: list[dict[str, object]] = [para("Dine innspill:", weight="Bolder")]
    for e in v.own:
        out.append(para(plain(e.text), separator=True))
        if v.status == "open":
            out.append({"type": "ActionSet", "actions": [
                InnspillStartEditAction(entry=e.id, **ref).button("Endre"),
                InnspillDeleteAction(entry=e.id, **ref).button("Slett")]})
    return out


def _voting(v: MemberView, ref: dict[str, Any]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = [para(f"Du har **{v.votes_left}** stemmer igjen. Fordel dem "
                                         "på innspillene som er viktigst.")]
    for e in v.to_vote[:60]:
        out.append(para(f"{plain(e.text[:300])} · {plain(e.area)}", separator=True))
        if v.votes_left:
            out.append({"type": "ActionSet", "actions": [
                InnspillCastAction(entry=e.id, **ref).button("Stem")]})
    return out


def _samples_innspill_member() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    q = ["Hvilke 3–4 utfordringer bør regionen fokusere på?"]
    areas = ["Tilgang på arbeidskraft", "Attraktivitet", "Innovasjon"]
    own = [OwnEntry(3, "Mangel på **fagarbeidere** <at>Ola</at>", q[0])]
    return {
        "innspill_member_pick": build_member_card(MemberView(1, q, "open", areas)),
        "innspill_member_write": build_member_card(MemberView(
            1, q, "open", areas, "Innovasjon – gruppe 2", own, "3:abc",
            notice="Takk! Innspillet ditt er sendt inn (1 av 4).")),
        "innspill_member_vote": build_member_card(MemberView(
            1, q, "voting", votes_left=2, to_vote=[VoteEntry(3, "Fagarbeidere", "Innovasjon", 1)])),
    }


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    return {**_samples_innspill(), **_samples_innspill_live(), **_samples_innspill_member()}
