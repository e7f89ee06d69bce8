"""The secretariat's notice about a meeting's Outlook event (deleted, refused, late link)."""

from __future__ import annotations

from cards.actions import OutlookRecreateAction
from cards.common import Card, adaptive_card, heading, para, plain

RECREATE = "Opprett Outlook-møtet på nytt"


def build_outlook_notice_card(title: str, lines: list[str], meeting_id: int,
                              recreate: bool = False) -> Card:
    """Title, the lines, and «Opprett Outlook-møtet på nytt» when that would help."""
    actions = [OutlookRecreateAction(meeting_id=meeting_id).button(RECREATE)] if recreate else None
    return adaptive_card([heading(plain(title), size="Medium"),
                          *(para(plain(line)) for line in lines)], actions)


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    return {
        "outlook_deleted": build_outlook_notice_card(
            "Outlook-møtet er slettet",
            ["Hendelsen for «Faggruppemøte» finnes ikke lenger i Outlook (slettet for hånd?).",
             "Opprett den på nytt her, eller med «python app.py meetings outlook 3 "
             "--recreate»."], 3, recreate=True),
        "outlook_forbidden": build_outlook_notice_card(
            "Outlook-møtet kunne ikke lages",
            ["«Faggruppemøte»: HTTP 403 ErrorAccessDenied: appen mangler Graph-tillatelsen "
             "Calendars.ReadWrite eller tilgang til postboksen (applikasjonstilgangspolicy)."],
            3),
    }
