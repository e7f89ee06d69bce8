"""The referent's card (one agenda item at a time: notes, decision, follow-ups) and the
follow-up reminder with «Ferdig»."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cards.actions import (
    FollowupDoneAction,
    MinutesApproveAction,
    MinutesFollowupAction,
    MinutesGoAction,
    MinutesPress,
    MinutesReviewShowAction,
    MinutesSaveAction,
)
from cards.common import Card, adaptive_card, heading, para, plain, tone
from core.i18n import t
from domain.minutes import DECISION_LIMIT, NOTES_LIMIT, WHAT_LIMIT, fingerprint


def _kind_word(kind: str) -> str:
    """An agenda item's kind as the referent's card names it."""
    return {"approval": t("cards.minutes.kind_approval"),
            "discussion": t("cards.minutes.kind_discussion"),
            "orientation": t("cards.minutes.kind_orientation"),
            "round": t("round.runden_rundt_bordet"), "workshop": t("cards.minutes.kind_workshop"),
            "other_business": t("cards.minutes.kind_other_business")}.get(kind, "")


def agenda_item_input(items: list[tuple[str, str]], proposed: str) -> dict[str, Any]:
    """Which agenda item of the meeting this belongs to (the minutes read it per item)."""
    choices = [{"title": t("cards.minutes.ingen_sak"), "value": "0"}] + [
        {"title": plain(title)[:90], "value": value} for value, title in items]
    return {"type": "Input.ChoiceSet", "id": "agenda_item",
            "label": t("cards.minutes.sak_pa_sakskartet"),
            "value": proposed or "0", "choices": choices}


@dataclass(frozen=True)
class FieldView:
    """A field as the card shows it: `value` in the input (typed text kept after a refused
    press); `drawn` the fingerprint of what the pressed card was drawn with (None: `value`
    is what the database holds, so it is its own fingerprint)."""

    value: str = ""
    version: int = 0
    last_change: str = ""  # «Sist endret av Mari Strømsvåg, tirsdag 1. desember kl. 09.12»
    drawn: str | None = None

    @property
    def drawn_hash(self) -> str:
        return fingerprint(self.value) if self.drawn is None else self.drawn


@dataclass(frozen=True)
class FollowupLine:
    id: int
    what: str
    who: str
    due: str  # «fredag 4. desember 2026»
    done: bool = False


@dataclass(frozen=True)
class Draft:
    """A follow-up typed but not yet added (kept in the inputs after a refused press)."""

    what: str = ""
    who: str = ""
    due: str = ""


@dataclass(frozen=True)
class ReferentView:
    meeting_id: int
    meeting_title: str
    when: str
    item_id: int
    number: int
    title: str
    kind: str
    position: int  # 1-based place in the agenda
    items: list[tuple[int, int, str]]  # (agenda item id, number, title) in agenda order
    notes: FieldView = field(default_factory=FieldView)
    decision: FieldView = field(default_factory=FieldView)
    approval_text: str = ""  # non-empty on approval items: the one-click decision
    followups: list[FollowupLine] = field(default_factory=list)
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, title) responsible
    draft: Draft = field(default_factory=Draft)
    linked: list[str] = field(default_factory=list)  # «Innspill #3», «Runde #2»
    notice: str = ""
    problem: bool = False  # the notice is a refusal (nothing stored)
    replaced: list[str] = field(default_factory=list)  # texts this press overwrote


def _data(view: ReferentView, **extra: Any) -> dict[str, Any]:
    """What every press carries: where the card is and what each field was drawn with."""
    return {"meeting_id": view.meeting_id, "item_id": view.item_id,
            "v_notes": view.notes.version, "h_notes": view.notes.drawn_hash,
            "v_decision": view.decision.version, "h_decision": view.decision.drawn_hash,
            **extra}


def _press(title: str, action: type[MinutesPress], view: ReferentView,
           **extra: Any) -> dict[str, Any]:
    return action(**_data(view, **extra)).button(title)


def _neighbours(view: ReferentView) -> tuple[int | None, int | None]:
    ids = [i for i, _n, _t in view.items]
    here = ids.index(view.item_id) if view.item_id in ids else 0
    before = ids[here - 1] if here > 0 else None
    after = ids[here + 1] if here + 1 < len(ids) else None
    return before, after


def build_referent_card(view: ReferentView) -> Card:
    """One agenda item: notes, decision (one click for approvals), follow-ups, navigation."""
    body: list[dict[str, Any]] = [
        heading(t("cards.minutes.referat", meeting_title=plain(view.meeting_title)), size="Medium"),
        para(view.when, isSubtle=True, spacing="None"),
        para(t("cards.minutes.sak_av", number=view.number, position=view.position,
               items_count=len(view.items), title=plain(view.title)),
             size="Medium", separator=True),
        para(_kind_word(view.kind), isSubtle=True, spacing="None"),
    ]
    if view.notice:
        body.append(tone(view.notice, "Attention" if view.problem else "Good", weight="Bolder"))
    for line in view.replaced:
        body.append(tone(line, "Warning", wrap=True))
    if view.linked:
        body.append(para(t("cards.minutes.knyttet_til_saken") + ", ".join(view.linked),
                         isSubtle=True))
    body += [
        {"type": "Input.Text", "id": "notes", "label": t("cards.minutes.notater"),
         "isMultiline": True,
         "maxLength": NOTES_LIMIT, "value": view.notes.value,
         "placeholder": t("cards.minutes.hva_ble_sagt")},
        para(view.notes.last_change, isSubtle=True, size="Small", spacing="None"),
        {"type": "Input.Text", "id": "decision", "label": t("cards.minutes.vedtak_utfall"),
         "isMultiline": True, "maxLength": DECISION_LIMIT, "value": view.decision.value,
         "placeholder": t("cards.minutes.for_eksempel_innkallingen")},
        para(view.decision.last_change, isSubtle=True, size="Small", spacing="None"),
    ]
    saves = [_press(t("cards.minutes.lagre"), MinutesSaveAction, view)]
    if view.approval_text:
        saves.append(_press(t("cards.minutes.vedtak_godkjent"), MinutesApproveAction, view))
    body.append({"type": "ActionSet", "actions": saves})
    body.append(heading(t("cards.minutes.oppfolgingspunkter"), size="Small"))
    if view.followups:
        body.append(para("\n\n".join(
            t("cards.minutes.followup_line", done="✔ " if f.done else "", what=plain(f.what),
              who=plain(f.who), due=f.due)
            for f in view.followups)))
    body += [
        {"type": "Input.Text", "id": "fu_what",
         "label": t("cards.minutes.nytt_oppfolgingspunkt_hva"),
         "maxLength": WHAT_LIMIT, "value": view.draft.what},
        {"type": "Input.ChoiceSet", "id": "fu_who",
         "label": t("cards.minutes.ansvarlig_person_eller"),
         "style": "filtered", "value": view.draft.who,
         "choices": [{"title": plain(t), "value": v} for v, t in view.choices]
         or [{"title": t("cards.minutes.ingen_medlemmer_funnet"), "value": ""}]},
        {"type": "Input.Date", "id": "fu_due", "label": t("cards.minutes.frist"),
         **({"value": view.draft.due} if view.draft.due else {})},
        {"type": "ActionSet", "actions": [
            _press(t("cards.minutes.legg_til_oppfolgingspunkt"), MinutesFollowupAction, view)]},
    ]
    before, after = _neighbours(view)
    nav = []
    if before is not None:
        nav.append(_press(t("cards.minutes.forrige_sak"), MinutesGoAction, view, to=before))
    if after is not None:
        nav.append(_press(t("cards.minutes.neste_sak"), MinutesGoAction, view, to=after))
    body.append({"type": "ActionSet", "separator": True, "actions": nav} if nav
                else para(t("cards.minutes.sakskartet_har_bare"), isSubtle=True))
    body += [
        {"type": "Input.ChoiceSet", "id": "goto", "label": t("cards.minutes.ga_til_sak"),
         "value": str(view.item_id),
         "choices": [{"title": f"{n}. {plain(t)[:80]}", "value": str(i)}
                     for i, n, t in view.items]},
        {"type": "ActionSet",
         "actions": [_press(t("cards.minutes.ga_til_saken"), MinutesGoAction, view)]},
        {"type": "ActionSet", "separator": True,
         "actions": [MinutesReviewShowAction(meeting_id=view.meeting_id)
                     .button(t("cards.minutes.horing_og_versjoner"))]},
    ]
    return adaptive_card(body)


@dataclass(frozen=True)
class ReminderView:
    followup_id: int
    what: str
    meeting: str  # «Møte i faggruppen, torsdag 31. august 2023»
    item: str  # «Sak 3: Diskusjon …»
    due: str
    who: str  # the member's name or «region Follo»
    notice: str = ""
    done: bool = False


def build_followup_reminder_card(view: ReminderView) -> Card:
    """The reminder the responsible gets 1:1, with «Ferdig»."""
    body: list[dict[str, Any]] = [
        heading(t("cards.minutes.paminnelse_oppfolgingspunkt"), size="Medium"),
        para(f"**{plain(view.what)}**"),
        {"type": "FactSet", "facts": [
            {"title": t("cards.minutes.frist"), "value": view.due},
            {"title": t("cards.minutes.ansvarlig"), "value": plain(view.who)},
            {"title": t("cards.minutes.mote"), "value": plain(view.meeting)},
            {"title": t("cards.minutes.sak"), "value": plain(view.item)}]},
    ]
    if view.notice:
        body.append(tone(view.notice, "Good" if view.done else "Attention", weight="Bolder"))
    if view.done:
        return adaptive_card(body + [para(t("cards.minutes.oppfolgingspunktet_er_ferdig"),
                                          isSubtle=True)])
    return adaptive_card(body, [FollowupDoneAction(followup_id=view.followup_id)
                                .button(t("cards.minutes.ferdig"))])


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    items = [(11, 1, "Godkjenning av innkalling"),
             (12, 2, "Godkjenning av referat fra møtet 11. mars"),
             (13, 3, "Osloregionens handlingsplan for 2022 - hva er status?")]
    view = ReferentView(
        5, "Møte i Osloregionens faggruppe Nærings samarbeidet",
        "fredag 20. mai 2022 kl. 09.00–11.00", 12, 2, items[1][2], "approval", 2, items,
        notes=FieldView("Ingen merknader til referatet.", 3,
                        "Sist endret av Mari Strømsvåg, fredag 20. mai 2022 kl. 09.12"),
        decision=FieldView("Referatet ble godkjent", 1,
                           "Sist endret av Øyvind Såtvedt, fredag 20. mai 2022 kl. 09.14"),
        approval_text="Referatet ble godkjent",
        followups=[FollowupLine(1, "Sende ut presentasjonene", "Mari Strømsvåg",
                                "fredag 27. mai 2022")],
        choices=[("m:1", "Mari Strømsvåg"), ("r:2", "Region: Follo")],
        notice="Lagret: notater.",
        replaced=["Øyvind Såtvedt skrev i «Notater» etter at kortet ditt ble vist. Din tekst er "
                  "lagret; denne ble erstattet: «Ingen merknader.»"])
    return {
        "minutes_referent": build_referent_card(view),
        "minutes_followup_reminder": build_followup_reminder_card(ReminderView(
            1, "Sende ut presentasjonene", "Møte i faggruppen, fredag 20. mai 2022",
            "Sak 4: Oppdatering på internasjonale profileringskampanjer 2022",
            "fredag 27. mai 2022", "Mari Strømsvåg")),
    }
