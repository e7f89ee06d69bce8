"""The referat's høring and approval cards: the short card a recipient gets 1:1 (outline,
link, corrections until the deadline), the secretariat's card of versions and corrections,
and the approved referat sent to everyone."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cards.actions import (
    MinutesCirculateAction,
    MinutesCorrectAction,
    MinutesNewVersionAction,
)
from cards.common import Card, adaptive_card, bullets, heading, para, plain
from core.i18n import t
from domain.minutes_review import CORRECTION_LIMIT


def _open(title: str, url: str) -> dict[str, Any]:
    return {"type": "Action.OpenUrl", "title": title, "url": url}


@dataclass(frozen=True)
class CirculationView:
    meeting_id: int
    version: int
    meeting_title: str
    when: str
    outline: list[str]  # «1. Godkjenning av innkalling», …
    url: str  # the signed link to this version, for this recipient
    deadline: str  # «torsdag 7. september 2023 kl. 23.59»
    open: bool = True
    notice: str = ""
    problem: bool = False


def build_circulation_card(view: CirculationView) -> Card:
    """The høring card: the outline, the link, and a corrections field until the deadline."""
    body: list[dict[str, Any]] = [
        heading(t("cards.minutes_review.referat_til_horing"), size="Medium"),
        para(f"**{plain(view.meeting_title)}**", spacing="None"),
        para(view.when, isSubtle=True, spacing="None"),
        para(t("cards.minutes_review.versjon", version=view.version), isSubtle=True,
             spacing="None"),
        bullets([plain(line) for line in view.outline]),
    ]
    if view.notice:
        body.append(para(view.notice, weight="Bolder",
                         color="Attention" if view.problem else "Good"))
    actions = [_open(t("cards.minutes_review.les_referatet"), view.url)]
    if not view.open:
        body.append(para(t("cards.minutes_review.fristen_er_ute", deadline=view.deadline),
                         isSubtle=True))
        return adaptive_card(body, actions)
    body += [
        para(t("cards.minutes_review.rettelser_innen", deadline=view.deadline)),
        {"type": "Input.Text", "id": "correction", "isMultiline": True,
         "maxLength": CORRECTION_LIMIT, "label": t("cards.minutes_review.rettelse"),
         "placeholder": t("cards.minutes_review.for_eksempel")},
    ]
    actions.append(MinutesCorrectAction(meeting_id=view.meeting_id, version=view.version)
                   .button(t("cards.minutes_review.send_rettelse")))
    return adaptive_card(body, actions)


@dataclass(frozen=True)
class VersionLine:
    number: int
    label: str  # «fra notatene, tirsdag 5. september 2023 kl. 10.00»
    url: str


@dataclass(frozen=True)
class CorrectionLine:
    who: str
    version: int
    when: str
    text: str


@dataclass(frozen=True)
class ReviewView:
    meeting_id: int
    meeting_title: str
    when: str
    state: str  # «Utkast», «Til høring (versjon 2, frist …)», «Godkjent …»
    versions: list[VersionLine] = field(default_factory=list)
    corrections: list[CorrectionLine] = field(default_factory=list)
    recipients: int = 0
    can_circulate: bool = True
    can_version: bool = True
    notice: str = ""
    problem: bool = False


def build_review_card(view: ReviewView) -> Card:
    """The secretariat's card: state, every version with its link, every correction."""
    body: list[dict[str, Any]] = [
        heading(t("cards.minutes_review.referat", title=plain(view.meeting_title)),
                size="Medium"),
        para(view.when, isSubtle=True, spacing="None"),
        para(view.state, weight="Bolder"),
    ]
    if view.notice:
        body.append(para(view.notice, weight="Bolder",
                         color="Attention" if view.problem else "Good"))
    if view.recipients:
        body.append(para(t("cards.minutes_review.sendt_til", count=view.recipients),
                         isSubtle=True))
    body.append(heading(t("cards.minutes_review.versjoner"), size="Small"))
    body.append(para("\n\n".join(
        t("cards.minutes_review.versjon_lenke", version=v.number, url=v.url, label=v.label)
        for v in view.versions) or t("cards.minutes_review.ingen_versjoner"), isSubtle=True))
    body.append(heading(t("cards.minutes_review.rettelser", count=len(view.corrections)),
                        size="Small"))
    if view.corrections:
        body.append(para("\n\n".join(
            t("cards.minutes_review.rettelse_linje", who=plain(c.who), version=c.version,
              when=c.when, text=plain(c.text)) for c in view.corrections)))
    else:
        body.append(para(t("cards.minutes_review.ingen_rettelser"), isSubtle=True))
    actions = []
    if view.can_circulate:
        body += [
            {"type": "Input.ChoiceSet", "id": "to", "value": "present",
             "label": t("cards.minutes_review.send_til"),
             "choices": [{"title": t("cards.minutes_review.de_som_var_til_stede"),
                          "value": "present"},
                         {"title": t("cards.minutes_review.alle_inviterte"), "value": "all"}]},
            {"type": "Input.Date", "id": "deadline",
             "label": t("cards.minutes_review.frist_for_rettelser")},
        ]
        actions.append(MinutesCirculateAction(meeting_id=view.meeting_id)
                       .button(t("cards.minutes_review.send_til_horing")))
    if view.can_version:
        actions.append(MinutesNewVersionAction(meeting_id=view.meeting_id)
                       .button(t("cards.minutes_review.lag_ny_versjon")))
    return adaptive_card(body, actions)


@dataclass(frozen=True)
class ApprovedView:
    meeting_title: str
    when: str
    version: int
    approved_on: str  # «fredag 20. oktober 2023»
    url: str


def build_approved_card(view: ApprovedView) -> Card:
    """The approved referat, to every active member of the group and its channel."""
    body = [
        heading(t("cards.minutes_review.referatet_er_godkjent"), size="Medium"),
        para(f"**{plain(view.meeting_title)}**", spacing="None"),
        para(view.when, isSubtle=True, spacing="None"),
        para(t("cards.minutes_review.godkjent_versjon", version=view.version,
               approved_on=view.approved_on)),
    ]
    return adaptive_card(body, [_open(t("cards.minutes_review.les_referatet"), view.url)])


def samples() -> dict[str, Card]:
    """The cards with sample data (seed 000's meeting)."""
    title, when = ("Møte i Osloregionens faggruppe for næringssamarbeid",
                   "torsdag 31. august 2023 kl. 09.00–10.30")
    url = "https://bot.example.no/minutes/sample"
    outline = ["1. Godkjenning av innkalling", "2. Godkjenning av referat fra møtet 23. mai 2023",
               "3. Osloregionens handlingsplan"]
    return {
        "minutes_circulation": build_circulation_card(CirculationView(
            7, 1, title, when, outline, url, "torsdag 7. september 2023 kl. 23.59")),
        "minutes_circulation_closed": build_circulation_card(CirculationView(
            7, 1, title, when, outline, url, "torsdag 7. september 2023 kl. 23.59",
            open=False)),
        "minutes_review": build_review_card(ReviewView(
            7, title, when, "Til høring: versjon 1, frist torsdag 7. september 2023 kl. 23.59",
            [VersionLine(1, "fra notatene, fredag 1. september 2023 kl. 10.00", url)],
            [CorrectionLine("Mari Strømsvåg", 1, "mandag 4. september 2023 kl. 08.12",
                            "Sak 3: Lillestrøm, ikke Lørenskog.")], recipients=31,
            can_circulate=False)),
        "minutes_approved": build_approved_card(ApprovedView(
            title, when, 2, "fredag 20. oktober 2023", url)),
    }
