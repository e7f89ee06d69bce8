"""The channel's summary card: live RSVP counts and how many regions have answered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cards.common import Card, adaptive_card, heading, para, plain
from cards.invitation import ANSWER_LABELS


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
    prefix = "AVLYST" if view.cancelled else "Påmelding"
    return f"{prefix}: {view.title} – {view.when}"


def build_summary_card(view: SummaryView) -> Card:
    """Counts per answer, the silent, and regions answered; AVLYST when cancelled."""
    prefix = "AVLYST: " if view.cancelled else "Påmelding: "
    answered = sum(view.counts.values())
    facts = [{"title": "Tid", "value": view.when}]
    if view.place:
        facts.append({"title": "Sted", "value": plain(view.place)})
    body: list[dict[str, Any]] = [
        heading(prefix + plain(view.title)),
        para(plain(view.groups), isSubtle=True, spacing="None"),
        {"type": "FactSet", "facts": facts}]
    if view.cancelled:
        body.append(para("**Møtet er avlyst.**", color="Attention", size="Medium"))
        return adaptive_card(body, speak=summary_text(view))
    body.append({"type": "FactSet", "separator": True, "facts": [
        {"title": label, "value": str(view.counts.get(value, 0))}
        for value, label in ANSWER_LABELS.items()] + [
        {"title": "Ikke svart", "value": str(max(0, view.invited - answered))}]})
    body.append(para(f"**{view.regions_answered} av {view.regions_total} regioner har svart**"))
    if view.join_url:
        body.append(para(f"[Bli med i Teams-møtet]({view.join_url})"))
    body.append(para("Svar på innkallingen i chatten med meg. Kortet oppdateres fortløpende.",
                     isSubtle=True))
    return adaptive_card(body, speak=summary_text(view))


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    view = SummaryView("Møte i Osloregionens Faggruppe for næringssamarbeid",
                       "Faggruppe for næringssamarbeid", "torsdag 31. august 2023 kl. 09.00–10.30",
                       "Klækken hotel", 42, {"physical": 20, "digital": 10, "no": 5, "maybe": 1},
                       18, 25)
    cancelled = SummaryView(**{**view.__dict__, "cancelled": True})
    return {"meeting_summary": build_summary_card(view),
            "meeting_summary_cancelled": build_summary_card(cancelled)}
