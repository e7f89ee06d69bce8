"""The secretariat's status card: who answered what, per region, per programme item."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cards.common import Card, adaptive_card, execute, heading, para, plain
from cards.invitation import ANSWER_LABELS


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


def _cancel_button(view: StatusView) -> dict[str, Any]:
    """Behind a second click: cancelling tells every invitee at once."""
    return {"type": "Action.ShowCard", "title": "Avlys møtet …", "card": {
        "type": "AdaptiveCard", "body": [
            para("Alle inviterte får beskjed, og alle kort merkes AVLYST.")],
        "actions": [execute("Ja, avlys møtet", "meeting.cancel", meeting_id=view.meeting_id)]}}


def _on_behalf(view: StatusView) -> list[dict[str, Any]]:
    if not view.choices:
        return []
    return [heading("Registrer svar for et medlem", size="Medium"),
            {"type": "Input.ChoiceSet", "id": "member_id", "label": "Medlem", "style": "filtered",
             "choices": [{"title": plain(n), "value": str(i)} for i, n in view.choices]},
            {"type": "Input.ChoiceSet", "id": "answer", "label": "Svar", "value": "physical",
             "choices": [{"title": t, "value": v} for v, t in ANSWER_LABELS.items()]},
            {"type": "ActionSet", "actions": [
                execute("Registrer svar", "rsvp.on_behalf", meeting_id=view.meeting_id)]}]


def build_status_card(view: StatusView) -> Card:
    """Counts first, then the regions, the silent ones, the programme and the on-behalf form."""
    answered = sum(view.counts.values())
    body: list[dict[str, Any]] = [heading(f"Status: {plain(view.title)}"), para(view.when)]
    if view.notice:
        body.append(para(view.notice, color="Good", weight="Bolder"))
    body.append({"type": "FactSet", "facts": [
        {"title": label, "value": str(view.counts.get(value, 0))}
        for value, label in ANSWER_LABELS.items()] + [
        {"title": "Ikke svart", "value": str(view.invited - answered)}]})
    body.append(para(f"**{view.regions_answered} av {view.regions_total} regioner har svart**"))
    actions = [execute("Forhåndsvis innkallingen", "meeting.preview", meeting_id=view.meeting_id),
               execute("Referat", "minutes.open", meeting_id=view.meeting_id)]
    if not view.sent:
        actions += [execute("Send innkallingen nå", "meeting.send", meeting_id=view.meeting_id),
                    execute("Send automatisk 7 dager før", "meeting.approve",
                            meeting_id=view.meeting_id)]
    if view.cancelled:
        body.append(para("**Møtet er avlyst.**", color="Attention"))
    else:
        actions.append(_cancel_button(view))
    body.append({"type": "ActionSet", "actions": actions})
    lines = [f"**{plain(region)}**: {'; '.join(plain(x) for x in who)}"
             for region, who in view.by_region]
    if lines:
        body += [{"type": "ActionSet", "actions": [{"type": "Action.ToggleVisibility",
                  "title": "Vis svar per region", "targetElements": ["by_region"]}]},
                 {"type": "Container", "id": "by_region", "isVisible": False,
                  "items": [para("\n\n".join(lines))]}]
    if view.silent:
        body.append(para(f"**Ikke svart ({len(view.silent)}):** "
                         + ", ".join(plain(s) for s in view.silent)))
    if view.followups:
        body.append(heading(f"Åpne oppfølgingspunkter ({len(view.followups)})", size="Medium"))
        body.append(para("\n\n".join(plain(line) for line in view.followups)))
    if view.items:
        body.append(heading("Programpunkter", size="Medium"))
        body += [para(f"{plain(what)}: **{n}** påmeldt"
                      + (f" – matbehov: {plain('; '.join(diets))}" if diets else ""))
                 for what, n, diets in view.items]
    return adaptive_card(body + _on_behalf(view))


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    return {"meeting_status": build_status_card(StatusView(
        1, "Møte i faggruppen", "torsdag 31. august 2023 kl. 09.00–10.30", True, 42,
        {"physical": 20, "digital": 10, "no": 5}, 18, 25,
        [("Asker - Bærum", ["Anne Feltman: Kommer (fysisk)"])], ["Jonas Olafsen (Lillestrøm)"],
        [("Felles middag", 12, ["Glutenfri"])], [(1, "Anne Feltman")],
        followups=["#3 Sende ut presentasjonene – Mari Strømsvåg, frist fredag 27. mai 2022 "
                   "(sak 4)"]))}
