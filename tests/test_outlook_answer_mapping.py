"""Outlook's status.response as the bot's answer, and how a card shows where it came from."""

from __future__ import annotations

from cards.invitation import shown_answer
from domain.meetings import MeetingFormat, RsvpAnswer, outlook_answer


def test_accepted_follows_the_meeting_format_and_hybrid_gives_no_form() -> None:
    assert outlook_answer("accepted", MeetingFormat.digital) == RsvpAnswer.digital
    assert outlook_answer("accepted", MeetingFormat.physical) == RsvpAnswer.physical
    assert outlook_answer("accepted", MeetingFormat.hybrid) == RsvpAnswer.attending


def test_tentative_declined_and_no_answer_map_as_the_issue_says() -> None:
    assert outlook_answer("tentativelyAccepted", MeetingFormat.hybrid) == RsvpAnswer.maybe
    assert outlook_answer("declined", MeetingFormat.digital) == RsvpAnswer.no
    for silent in ("none", "notResponded", "organizer", "nonsense"):
        assert outlook_answer(silent, MeetingFormat.digital) is None


def test_card_says_an_answer_came_from_outlook() -> None:
    assert shown_answer("digital") == "Kommer (digitalt)"
    assert shown_answer("digital", "outlook") == "Kommer (digitalt) (fra Outlook)"
    assert shown_answer("attending", "outlook") == "Kommer (fra Outlook, form ikke oppgitt)"
