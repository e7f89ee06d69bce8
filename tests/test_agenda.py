"""Agenda parsing on seed 000's sakskart as it stands."""

from __future__ import annotations

from pathlib import Path

from domain.meetings import kind_of, parse_agenda
from storage.meeting_models import AgendaKind

SEED = (Path(__file__).parent / "fixtures" / "seed000_agenda.txt").read_text(encoding="utf-8")


def test_seed000_agenda_items_in_order():
    items = parse_agenda(SEED)
    assert [(i.number, i.title) for i in items] == [
        (1, "Godkjenning av innkalling"),
        (2, "Godkjenning av referat fra møtet 23. mai 2023"),
        (3, 'Diskusjon for "Strategiske føringer 2025-2028"'),
        (4, "Innspill til Handlingsprogram for 2024 – Konkurranseskraft og attraktivitet"),
        (5, "Orienteringer fra sekretariatet"),
    ]
    assert [i.kind for i in items] == [AgendaKind.approval, AgendaKind.approval,
                                       AgendaKind.discussion, AgendaKind.workshop,
                                       AgendaKind.orientation]


def test_text_under_an_item_becomes_its_description():
    items = parse_agenda(SEED)
    assert "Representantskapet vedtok den 28. oktober 2020" in items[2].description
    assert "i. Mulig prosjekt for Interreg ØKS" in items[4].description
    # "3. Konkurranseskraft og attraktivitet" quoted inside item 4 is not a new item 3.
    assert "3. Konkurranseskraft og attraktivitet" in items[3].description


def test_plain_numbered_lines_and_kinds():
    items = parse_agenda("1. Godkjenning av innkalling\n2. Runden rundt bordet\n8. Eventuelt\n")
    assert [i.number for i in items] == [1, 2, 8]
    assert [i.kind for i in items] == [AgendaKind.approval, AgendaKind.round,
                                       AgendaKind.other_business]
    assert kind_of("Status: ReSTART Osloregionen") == AgendaKind.orientation
    assert parse_agenda("ingen nummererte linjer her\n") == []
