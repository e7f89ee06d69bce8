"""Seed 002's meeting plan, read as it stands."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from domain.meetings import parse_plan
from storage.meeting_models import MeetingFormat, MeetingStatus

PLAN = (Path(__file__).parent / "fixtures" / "seed002_meeting_plan.txt").read_text(
    encoding="utf-8")


def test_every_row_of_the_plan():
    rows = parse_plan(PLAN)
    assert [(r.title, r.format, r.status) for r in rows] == [
        ("Faggruppemøte", MeetingFormat.digital, MeetingStatus.planned),
        ("Weminar om Grønt Landtransportprogram", MeetingFormat.webinar, MeetingStatus.planned),
        ("Faggruppemøte", MeetingFormat.digital, MeetingStatus.planned),
        ("Faggruppemøte", MeetingFormat.digital, MeetingStatus.planned),
        ("BEST-konferansen", MeetingFormat.conference, MeetingStatus.planned),
        ("Faggruppemøte", MeetingFormat.physical, MeetingStatus.date_tba),
        ("Faggruppemøte", MeetingFormat.physical, MeetingStatus.planned),
        ("Næringspolitisk webinar", MeetingFormat.webinar, MeetingStatus.tentative),
        ("Faggruppemøte", MeetingFormat.digital, MeetingStatus.planned),
    ]


def test_dates_themes_and_comments():
    rows = parse_plan(PLAN)
    may = rows[3]
    assert may.starts_at == datetime(2022, 5, 20, 7, 0, tzinfo=UTC)  # 09.00 in Oslo (CEST)
    assert (may.theme1, may.theme2) == ("EU-programmer søkekompetanse",
                                        "Digitalisering og Industri 4.0.")
    june = rows[5]
    assert june.starts_at is None and june.date_text == "juni 2022"
    assert june.comment == "Ringeriksregionen?"
    joint = rows[6]
    assert joint.joint and joint.comment == "Kongsvingerregionen?"
    assert joint.starts_at == datetime(2022, 8, 24, 7, 0, tzinfo=UTC)
    assert joint.ends_at == datetime(2022, 8, 25, 13, 0, tzinfo=UTC), "a two-day meeting"
    assert rows[7].date_text == "September 2022"
    assert rows[0].starts_at == datetime(2022, 1, 14, 8, 0, tzinfo=UTC)  # CET in January
