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
from cards.common import Card, adaptive_card, heading, para, plain, tone
from cards.minutes import agenda_item_input
from core.i18n import t, tn


def _anonymity() -> list[tuple[str, str]]:
    return [("named", t("innspill.med_navn")),
            ("members", t("innspill.anonymt_for_andre")),
            ("full", t("innspill.helt_anonymt"))]


def status_title(status: str) -> str:
    """A session status as the cards name it (an unknown one as stored)."""
    titles = {"draft": t("innspill.status_draft"), "open": t("innspill.apent"),
              "closed": t("innspill.status_closed"),
              "voting": t("innspill.prioritering_pagar"),
              "done": t("innspill.status_done")}
    return titles.get(status, status)


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
    body = [heading(t("innspill.nytt_innspill"))]
    if view.notice:
        body.append(tone(view.notice, "Attention"))
    body += [
        _input("Text", "questions", t("innspill.sporsmal_ett_per"), isMultiline=True,
               isRequired=True, errorMessage=t("innspill.skriv_minst_ett"),
               placeholder=t("innspill.hvilke_utfordringer_bor")),
        _input("Text", "areas", t("innspill.interesseomrader_valgfritt_ett"),
               isMultiline=True, placeholder=t("innspill.areas_placeholder")),
        _input("Number", "max_entries", t("innspill.maks_innspill_per"), value=4, min=1, max=20),
        _input("Number", "group_size", t("innspill.maks_deltakere_per"), value=6, min=2, max=40),
        _input("Number", "votes", t("innspill.stemmer_per_medlem"), value=3, min=1, max=10),
        _input("ChoiceSet", "anonymity", t("innspill.anonymitet"), value="named",
               choices=_choices(_anonymity())),
        _input("ChoiceSet", "results", t("innspill.nar_vises_innspillene"), value="live",
               choices=_choices([("live", t("innspill.fortlopende")), ("after",
                                                                       t("innspill.etter_at_det"))])),
        _input("ChoiceSet", "target", t("innspill.hvor_skal_det"),
               value="direct" if view.direct_default else "chat",
               choices=_choices([("chat", t("innspill.denne_chatten_eller")),
                                 ("direct", t("innspill.til_hvert_medlem"))])),
        _input("Date", "deadline_date", t("innspill.frist_for_skriftlige_2")),
        _input("Time", "deadline_time", t("innspill.klokkeslett_for_fristen"), value="16:00"),
    ]
    if view.items:
        body.append(agenda_item_input(view.items, view.proposed_item))
    return adaptive_card(body, [InnspillOpenAction().button(t("innspill.apne_innspill"))])


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
    body = [heading(t("innspill.innspill", sid=sid, get=status_title(view.status)),
                    size="Medium"),
            *(para(plain(q), weight="Bolder") for q in view.questions),
            para(t("innspill.innspill_fra_deltakere", entries_count=len(view.entries),
                   participants=view.participants),
                 isSubtle=True)]
    if view.notice:
        body.append(tone(view.notice, "Good"))
    for e in view.entries[:40]:  # a card stays well under Teams' 80 KB advice
        state = t("innspill.skjult") if e.hidden else (t("innspill.slatt_sammen_med",
                                                merged_into=e.merged_into)
                                               if e.merged_into else "")
        who = f" – {plain(e.author)}" if e.author else ""
        line = f"**{e.number}.** {plain(e.text[:300])}{who} · {plain(e.area)}{state}"
        body.append(para(line, separator=True))
        if not e.hidden:
            body.append({"type": "ActionSet", "actions": [
                InnspillHideAction(session=sid, entry=e.id).button(t("innspill.skjul",
                                                                     number=e.number))]})
    choices = [{"title": f"{e.number}. {e.text[:40]}", "value": str(e.id)}
               for e in view.entries if not e.hidden and not e.merged_into]
    if len(choices) >= 2:
        body += [para(t("innspill.sla_sammen_like"), weight="Bolder"),
                 _input("ChoiceSet", "merge_source", t("innspill.dette_innspillet"),
                        choices=choices),
                 _input("ChoiceSet", "merge_target", t("innspill.slas_sammen_med"),
                        choices=choices),
                 {"type": "ActionSet", "actions": [
                     InnspillMergeAction(session=sid).button(t("innspill.sla_sammen"))]}]
    actions = {
        "open": [InnspillCloseAction(session=sid).button(t("innspill.steng"))],
        "closed": [InnspillReopenAction(session=sid).button(t("innspill.gjenapne")),
                   InnspillVoteStartAction(session=sid).button(t("innspill.start_prioritering")),
                   InnspillFinishAction(session=sid).button(t("innspill.avslutt"))],
        "voting": [InnspillFinishAction(session=sid).button(t("innspill.avslutt_prioritering"))],
    }.get(view.status, [])
    actions.append(InnspillExportAction(session=sid).button(t("innspill.eksporter")))
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
    body = [heading(t("innspill.innspill_2", get=status_title(v.status)), size="Medium"),
            *(para(plain(q), weight="Bolder") for q in v.questions),
            para(t("innspill.innspill_fra_deltakere_2", total=v.total, participants=v.participants),
                 isSubtle=True)]
    if v.deadline:
        body.append(para(t("innspill.frist_for_skriftlige", deadline=v.deadline), isSubtle=True))
    for g in v.groups:
        body.append(para(t("innspill.deltakere_innspill", label=plain(g.label),
                           members_count=len(g.members), entries=g.entries), separator=True))
        if g.members:
            body.append(para(plain(", ".join(g.members)), isSubtle=True, size="Small"))
    if v.entries is None:
        body.append(para(t("innspill.innspillene_vises_nar"), isSubtle=True))
    else:
        shown = v.entries[:80]  # the card stays under Teams' 80 KB advice
        if v.ranked:
            body.append(para(t("innspill.prioritert_liste"), weight="Bolder"))
        for i, e in enumerate(shown, 1):
            by = f" – {plain(e.by)}" if e.by else ""
            votes = (tn("innspill.votes", "innspill.votes_plural", e.votes)
                     if v.ranked or e.votes else "")
            lead = f"{i}. " if v.ranked else ""
            body.append(para(f"{lead}{plain(e.text[:200])}{by} · {plain(e.area)}{votes}"
                             if e.area else f"{lead}{plain(e.text[:200])}{by}{votes}"))
        if len(v.entries) > len(shown):
            body.append(para(t("innspill.og_til_se", value1=len(v.entries) - len(shown)),
                             isSubtle=True))
    actions = []
    if v.status == "open":
        actions.append(InnspillViewAction(session=v.session_id).button(t("innspill.skriv_innspill")))
    elif v.status == "voting":
        actions.append(InnspillViewAction(session=v.session_id).button(t("innspill.prioriter")))
    actions.append(InnspillLiveAction(session=v.session_id).button(t("innspill.oppdater")))
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
    body: list[dict[str, object]] = [heading(t("innspill.innspill_3"), size="Medium")]
    body += [para(plain(q), weight="Bolder") for q in v.questions]
    if v.notice:
        body.append(tone(v.notice, "Good" if v.notice_good else "Attention"))
    if v.status == "voting":
        return adaptive_card(body + _voting(v, ref))
    if v.status == "open" and v.areas and not v.group:
        body.append({"type": "Input.ChoiceSet", "id": "area",
                     "label": t("innspill.velg_interesseomrade"),
                     "isRequired": True, "errorMessage": t("innspill.velg_ett_omrade"),
                     "choices": [{"title": plain(a), "value": a} for a in v.areas]})
        return adaptive_card(body, [InnspillAreaAction(**ref).button(t("innspill.velg"))])
    if v.group:
        body.append(para(t("innspill.din_gruppe", group=plain(v.group))))
    actions: list[dict[str, object]] = []
    if v.status == "open":
        editing = next((e for e in [*v.own, *([v.moderating] if v.moderating else [])]
                        if e.id == v.editing), None)
        if len(v.questions) > 1 and editing is None:
            body.append({"type": "Input.ChoiceSet", "id": "question",
                         "label": t("innspill.sporsmal"),
                         "value": "0", "choices": [{"title": plain(q[:80]), "value": str(i)}
                                                   for i, q in enumerate(v.questions)]})
        body.append({"type": "Input.Text", "id": "text", "isMultiline": True,
                     "label": (t("innspill.endre_innspillet") if editing
                               else t("innspill.ditt_innspill")),
                     "value": v.draft or (editing.text if editing else "")})
        if editing:
            actions.append(InnspillEditAction(entry=editing.id,
                                              **ref).button(t("innspill.lagre_endring")))
        else:
            actions.append(InnspillSubmitAction(**ref).button(t("innspill.send_inn")))
        body.append(para(t("innspill.du_har_sendt", own_count=len(v.own),
                           max_entries=v.max_entries),
                         isSubtle=True))
    elif v.status in ("closed", "done"):
        body.append(para(t("innspill.innspillet_er_stengt"), isSubtle=True))
        if v.draft:  # refused after close: show what was typed so it can be copied
            body.append(para(t("innspill.teksten_du_skrev", draft=plain(v.draft))))
    body += _own(v, ref)
    actions.append(InnspillViewAction(**ref).button(t("innspill.oppdater")))
    return adaptive_card(body, actions)


def _own(v: MemberView, ref: dict[str, Any]) -> list[dict[str, object]]:
    if not v.own:
        return []
    out: list[dict[str, object]] = [para(t("innspill.dine_innspill"), weight="Bolder")]
    for e in v.own:
        out.append(para(plain(e.text), separator=True))
        if v.status == "open":
            out.append({"type": "ActionSet", "actions": [
                InnspillStartEditAction(entry=e.id, **ref).button(t("innspill.endre")),
                InnspillDeleteAction(entry=e.id, **ref).button(t("innspill.slett"))]})
    return out


def _voting(v: MemberView, ref: dict[str, Any]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = [para(tn("innspill.votes_left", "innspill.votes_left_plural",
                                            v.votes_left))]
    for e in v.to_vote[:60]:
        out.append(para(f"{plain(e.text[:300])} · {plain(e.area)}", separator=True))
        if v.votes_left:
            out.append({"type": "ActionSet", "actions": [
                InnspillCastAction(entry=e.id, **ref).button(t("innspill.stem"))]})
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
