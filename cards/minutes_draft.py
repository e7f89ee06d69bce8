"""The «Referatutkast» card: the draft's outline so far and its downloads (Word, Markdown)
behind signed links for the one secretariat member it was drawn for."""

from __future__ import annotations

from dataclasses import dataclass, field

from cards.actions import MinutesReviewShowAction
from cards.common import Card, adaptive_card, bullets, button_rows, heading, para, plain
from core.i18n import t


@dataclass(frozen=True)
class DraftCardView:
    meeting_id: int
    title: str  # «Referat møte i …»
    when: str
    outline: list[str] = field(default_factory=list)  # the items and sections, in order
    present: int = 0
    followups: int = 0
    word_url: str = ""
    markdown_url: str = ""
    hours: int = 24
    corrections: int = 0  # sent from the høring (issue 17), shown on the secretariat's card


def build_draft_card(view: DraftCardView) -> Card:
    """Outline plus «Last ned Word» and «Last ned Markdown»."""
    body = [
        heading(t("cards.minutes_draft.referatutkast")),
        para(f"**{plain(view.title)}**"),
        para(plain(view.when), isSubtle=True),
        para(t("cards.minutes_draft.status", present=view.present, followups=view.followups)),
        bullets([plain(line) for line in view.outline]),
        para(t("cards.minutes_draft.lenkene_virker", hours=view.hours), isSubtle=True),
    ]
    if view.corrections:
        body.append(para(t("cards.minutes_draft.rettelser", count=view.corrections),
                         weight="Bolder"))
    actions = [{"type": "Action.OpenUrl", "title": t("cards.minutes_draft.last_ned_word"),
                "url": view.word_url},
               {"type": "Action.OpenUrl", "title": t("cards.minutes_draft.last_ned_markdown"),
                "url": view.markdown_url},
               MinutesReviewShowAction(meeting_id=view.meeting_id)
               .button(t("cards.minutes.horing_og_versjoner"))]
    # Two to a row: three in one row cut «Last ned Markdown» at 450 px (realclient walk).
    return adaptive_card(body + button_rows(actions, per_row=2),
                         speak=t("cards.minutes_draft.referatutkast"))


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    seed003 = DraftCardView(
        5, "Referat møte i Osloregionens faggruppe for næringssamarbeid",
        "Fredag 20. mai 2022 kl. 09.00–11.00",
        ["Frammøtte", "1. Godkjenning av innkalling", "2. Godkjenning av referat fra møtet "
         "11. mars", "7. Runden – tema digitalisering og samhandling", "9. Fremtidige "
         "arrangementer", "10. Eventuelt", "Oppfølgingspunkter"],
        present=20, followups=2, word_url="https://bot.example.no/minutes/TOKEN/docx",
        markdown_url="https://bot.example.no/minutes/TOKEN/md")
    return {"minutes_draft": build_draft_card(seed003)}
