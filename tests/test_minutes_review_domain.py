"""The høring's pure rules: the default deadline (a week, end of the Oslo day, across DST),
a chosen deadline, corrections' shape, which agenda items approve minutes, the approval
item's title and the Markdown read back from a Word file's paragraphs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.i18n import use_language
from domain.minutes_review import (
    CORRECTION_LIMIT,
    ReviewError,
    approval_title,
    check_correction,
    corrections_open,
    deadline_on,
    default_deadline,
    is_minutes_approval,
    markdown_from_paragraphs,
    may_approve_on,
)


def test_the_default_deadline_is_the_end_of_the_oslo_day_a_week_later_across_dst() -> None:
    # 00.30 in Oslo on 25 October 2023 (still the 24th in UTC): a week later is 1 November,
    # after DST has ended, so its last second is 22.59.59 UTC.
    assert default_deadline(datetime(2023, 10, 24, 22, 30, tzinfo=UTC)) == \
        datetime(2023, 11, 1, 22, 59, 59, tzinfo=UTC)
    assert default_deadline(datetime(2023, 9, 1, 8, 0, tzinfo=UTC)) == \
        datetime(2023, 9, 8, 21, 59, 59, tzinfo=UTC)


def test_a_chosen_deadline_must_lie_ahead_and_closes_after_its_last_second() -> None:
    now = datetime(2023, 9, 1, 8, 0, tzinfo=UTC)
    deadline = deadline_on(date(2023, 9, 4), now)
    assert corrections_open(deadline, deadline) and not corrections_open(
        deadline, datetime(2023, 9, 4, 22, 0, tzinfo=UTC))
    with pytest.raises(ReviewError, match="allerede passert"):
        deadline_on(date(2023, 8, 31), now)
    assert not corrections_open(None, now)


def test_a_correction_is_trimmed_not_empty_and_not_too_long() -> None:
    assert check_correction("  Sak 3:\r\nLillestrøm   \r\n ") == "Sak 3:\nLillestrøm"
    with pytest.raises(ReviewError, match="Skriv rettelsen"):
        check_correction(" \n ")
    with pytest.raises(ReviewError, match="for lang"):
        check_correction("x" * (CORRECTION_LIMIT + 1))


def test_minutes_approval_items_are_told_by_their_title() -> None:
    assert is_minutes_approval("Godkjenning av referat fra møtet 23. mai 2023")
    assert is_minutes_approval("  godkjenning av referatet ")
    assert not is_minutes_approval("Godkjenning av innkalling")
    # An item added under another member's language is still found (nothing added twice).
    with use_language("en"):
        assert is_minutes_approval("Godkjenning av referat fra møtet 23. mai 2023")
    assert is_minutes_approval("Approval of the minutes of the meeting on 23 May 2023")
    assert approval_title("23. mai 2023") == "Godkjenning av referat fra møtet 23. mai 2023"


def test_approval_is_on_the_next_meetings_day_or_after() -> None:
    assert may_approve_on(date(2023, 10, 19), date(2023, 10, 19))
    assert not may_approve_on(date(2023, 10, 19), date(2023, 10, 18))
    assert not may_approve_on(None, date(2023, 10, 19))


def test_word_paragraphs_become_markdown_as_typed() -> None:
    text = markdown_from_paragraphs([
        ("Title", "Referat"), ("Heading 1", "Sak 3"), ("Normal", "  Drøftet *føringene*. "),
        ("List Bullet", "Lillestrøm"), ("Heading 9", "Dypt"), ("Normal", "   ")])
    assert text == "# Referat\n\n# Sak 3\n\nDrøftet *føringene*.\n\n- Lillestrøm\n\n###### Dypt\n"
    assert markdown_from_paragraphs([]) == ""
