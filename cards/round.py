"""The round card everyone sees (who speaks, until when, who is next) and the start form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cards.actions import (
    RoundAbsentAction,
    RoundFinishAction,
    RoundNextAction,
    RoundSkipAction,
    RoundStartAction,
    RoundToEndAction,
    RoundUpdateAction,
)
from cards.common import Card, adaptive_card, button_rows, heading, para, plain, tone
from cards.minutes import agenda_item_input
from core.i18n import t


def state_words() -> dict[str, str]:
    """A speaker's state after their turn, in the current language."""
    return {"done": t("round.har_snakket"), "skipped": t("round.hoppet_over"),
            "absent": t("round.fravaerende")}


@dataclass(frozen=True)
class Person:
    name: str
    mention_id: str | None = None  # Teams user id or AAD object id; None: no @mention


@dataclass(frozen=True)
class SlotView:
    slot_id: int
    label: str
    people: tuple[Person, ...] = ()
    state: str = "waiting"
    update: str = ""
    previous: str = ""  # the region's update from the previous meeting


@dataclass(frozen=True)
class RoundView:
    round_id: int
    topic: str
    step: int
    slots: tuple[SlotView, ...]  # in speaking order
    until: str = ""  # "09.03": when the current speaker's time is up
    minutes: str = "3"
    finished: bool = False
    notice: str = ""  # a line for the one who pressed (a refusal, "allerede flyttet")


def _mention_name(person: Person) -> str:
    return person.name.replace("<", "").replace(">", "")  # must match the entity text exactly


def _names(slot: SlotView, mentions: list[dict[str, Any]]) -> str:
    """«Region (<at>A</at>, <at>B</at>)», collecting the mention entities on the way."""
    names = []
    for p in slot.people:
        if p.mention_id:
            text = f"<at>{_mention_name(p)}</at>"
            mentions.append({"type": "mention", "text": text,
                             "mentioned": {"id": p.mention_id, "name": _mention_name(p)}})
            names.append(text)
        else:
            names.append(plain(p.name))
    who = f" ({', '.join(names)})" if names else ""
    return f"**{plain(slot.label)}**{who}"


def build_round_card(view: RoundView) -> Card:
    """The one shared card, kept current in place for everyone."""
    mentions: list[dict[str, Any]] = []
    speaking = [s for s in view.slots if s.state == "speaking"]
    waiting = [s for s in view.slots if s.state == "waiting"]
    title = t("round.runden_er_avsluttet") if view.finished else t("round.runden_rundt_bordet")
    body: list[dict[str, Any]] = [heading(title), para(t("round.tema", topic=plain(view.topic)),
                                                       isSubtle=True)]
    if view.notice:
        body.insert(1, tone(view.notice, "Attention", weight="Bolder"))
    if speaking:
        now = speaking[0]
        body.append(para(t("round.na_til_kl", names=_names(now, mentions), until=view.until),
                         size="Medium"))
        if now.previous:
            body.append(para(t("round.sist_gang", previous=plain(now.previous)), isSubtle=True))
        if now.update:
            body.append(para(t("round.oppdatering", update=plain(now.update))))
    if waiting:
        body.append(para(t("round.neste", names=_names(waiting[0], mentions))))
    if len(waiting) > 1:
        rest = ", ".join(plain(s.label) for s in waiting[1:])
        body.append(para(t("round.gjenstar", rest=rest), isSubtle=True))
    for state, word in state_words().items():
        done = [s for s in view.slots if s.state == state]
        if done:
            lines = [f"{plain(s.label)}" + (f": {plain(s.update)}" if state == "absent"
                                              and s.update else "") for s in done]
            body.append(para(f"{word}: " + ("; ".join(lines))))
    if not view.finished:  # in the body, in rows that each fit a 450 px card whole
        body += button_rows(_actions(view), per_row=3)
        body.append({"type": "ActionSet", "actions": [_update_form(view)]})
    card = adaptive_card(body)
    if mentions:
        card["msteams"]["entities"] = mentions
    return card


def _update_form(view: RoundView) -> dict[str, Any]:
    open_slots = [s for s in view.slots if s.state in ("speaking", "waiting", "absent")]
    form = adaptive_card([
        {"type": "Input.ChoiceSet", "id": "slot_id", "label": t("round.region"),
         "value": str(open_slots[0].slot_id) if open_slots else "",
         "choices": [{"title": s.label, "value": str(s.slot_id)} for s in open_slots]},
        {"type": "Input.Text", "id": "text", "label": t("round.oppdatering_fra_regionen"),
         "isMultiline": True, "maxLength": 4000},
    ], [RoundUpdateAction(round_id=view.round_id).button(t("round.lagre_oppdatering"))])
    return {"type": "Action.ShowCard", "title": t("round.skriv_oppdatering"), "card": form}


def _actions(view: RoundView) -> list[dict[str, Any]]:
    ids = {"round_id": view.round_id, "step": view.step}
    return [RoundNextAction(**ids).button(t("round.neste_2")),
            RoundSkipAction(**ids).button(t("round.hopp_over")),
            RoundToEndAction(**ids).button(t("round.flytt_bakerst")),
            RoundAbsentAction(**ids).button(t("round.fravaerende")),
            RoundFinishAction(**ids).button(t("round.avslutt_runden"))]


@dataclass(frozen=True)
class FormView:
    topic: str = ""
    minutes: int = 3
    note: str = ""  # e.g. which meeting the round belongs to
    warnings: list[str] = field(default_factory=list)
    items: list[tuple[str, str]] = field(default_factory=list)  # (agenda item id, title)
    proposed_item: str = ""


def build_round_form_card(view: FormView) -> Card:
    """Topic, order and time per speaker; «Start runden» starts it."""
    body: list[dict[str, Any]] = [heading(t("round.start_runden_rundt"), size="Medium")]
    body += [tone(plain(w), "Attention") for w in view.warnings]
    if view.note:
        body.append(para(view.note, isSubtle=True))
    body += [
        {"type": "Input.Text", "id": "topic", "label": t("round.tema_2"), "value": view.topic,
         "maxLength": 400, "isRequired": True, "errorMessage": t("round.skriv_et_tema")},
        {"type": "Input.ChoiceSet", "id": "order", "label": t("round.rekkefolge"),
         "value": "region",
         "choices": [{"title": t("round.etter_region_fra"), "value": "region"},
                     {"title": t("round.alfabetisk_etter_region"), "value": "alphabetical"},
                     {"title": t("round.tilfeldig"), "value": "random"}]},
        {"type": "Input.Number", "id": "minutes", "label": t("round.minutter_per_taler"),
         "value": view.minutes, "min": 1, "max": 30},
        {"type": "Input.Toggle", "id": "auto", "label": t("round.nar_tiden_er_ute"),
         "title": t("round.ga_videre_automatisk"), "wrap": True,
         "value": "false", "valueOn": "true", "valueOff": "false"},
    ]
    if view.items:
        body.append(agenda_item_input(view.items, view.proposed_item))
    return adaptive_card(body, [RoundStartAction().button(t("round.start_runden"))])


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    people = (Person("Yngvar Trandem", "29:yngvar"),)
    slots = (SlotView(1, "Asker - Bærum", (Person("Anne Kristine Feltman", "29:anne"),), "done"),
             SlotView(2, "Mosseregionen", people, "speaking", previous="Strategisk næringsplan."),
             SlotView(3, "Søndre Viken", (Person("Hasvold Helge Bollæren", "29:h"),)),
             SlotView(4, "Drammensregionen", (Person("Dag Aanensen"),)),
             SlotView(5, "Fredrikstad", (), "absent", update="Nettverk for kompetansetilflyttere."))
    view = RoundView(7, "Digitalisering og samhandling", 4, slots, until="10.03")
    return {"round_form": build_round_form_card(FormView(
                note="Møtet 20. mai kl. 09.00", proposed_item="7",
                items=[("6", "6. Innledning: EU Programmer og søknadskompetanse"),
                       ("7", "7. Runden – tema digitalisering og samhandling")])),
            "round_live": build_round_card(view),
            "round_finished": build_round_card(RoundView(7, "Digitalisering", 9, tuple(
                SlotView(s.slot_id, s.label, s.people, "done", s.update) for s in slots),
                finished=True))}
