"""Sample meeting cards (seed 000 invitation, seed 001 programme) for validation and pictures."""

from __future__ import annotations

from cards.common import Card
from cards.invitation import InvitationView, ProgrammeLine, build_invitation_card

AGENDA = [(1, "Godkjenning av innkalling"), (2, "Godkjenning av referat fra møtet 23. mai 2023"),
          (3, "Diskusjon for «Strategiske føringer 2025-2028»"),
          (4, "Innspill til Handlingsprogram for 2024 – Konkurranseskraft og attraktivitet"),
          (5, "Orienteringer fra sekretariatet")]
SEED001_PROGRAMME = [
    ProgrammeLine(1, "onsdag 1. september", "kl. 10.00–12.00", "",
                  "Samling for faggruppen for næringssamarbeidet"),
    ProgrammeLine(2, "onsdag 1. september", "kl. 12.00–13.00", "Moss Kulturhus",
                  "Felles lunsj alle faggruppene", asks_rsvp=True),
    ProgrammeLine(3, "onsdag 1. september", "kl. 13.00–17.00", "Moss Kulturhus",
                  "Fellessesjon alle faggruppene, bl.a. presentasjon NIBR"),
    ProgrammeLine(4, "onsdag 1. september", "kl. 17.00–19.00", "Moss Kulturhus",
                  "Avreise fra Moss sentrum og innsjekking Refsnes Gods", asks_rsvp=True),
    ProgrammeLine(5, "onsdag 1. september", "kl. 19.30", "Refsnes Gods",
                  "Felles middag alle faggruppene", asks_rsvp=True),
    ProgrammeLine(6, "torsdag 2. september", "kl. 07.00–09.00", "Refsnes Gods",
                  "Frokost og utsjekking"),
    ProgrammeLine(7, "torsdag 2. september", "kl. 09.00–15.00", "Ås / NMBU",
                  "Samling for faggruppen for næringssamarbeidet")]


def seed000_view(**changes: object) -> InvitationView:
    """Seed 000's invitation as a view."""
    base = dict(
        meeting_id=1, version=1, groups="Faggruppe for næringssamarbeid",
        title="Møte i Osloregionens Faggruppe for næringssamarbeid",
        when="torsdag 31. august 2023 kl. 09.00–10.30", place="Klækken hotel", agenda=AGENDA,
        documents=[("Sakspapirer og vedlegg", "https://osloregionen.no/sakspapirer")],
        preparation="Som forberedelse ønsker vi at dere ser på dagens strategiske føringer, og "
        "tenker på 3-4 utfordringer som du mener Osloregionen bør ha fokus på.",
        deadline="mandag 28. august 2023 kl. 12.00")
    base.update(changes)
    return InvitationView(**base)  # type: ignore[arg-type]


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    return {
        "invitation": build_invitation_card(seed000_view(
            ics_url="https://faggruppe.example.no/ics/1.1699999999.c2lnbmF0dXI")),
        "invitation_answered": build_invitation_card(seed000_view(
            answer="digital", notice="Takk! Svaret ditt er registrert.")),
        "invitation_after_deadline": build_invitation_card(seed000_view(
            answer="physical", deadline_passed=True)),
        "invitation_programme": build_invitation_card(seed000_view(
            title="Faggruppemøte/studietur 1.–2. september", programme=SEED001_PROGRAMME)),
        "invitation_cancelled": build_invitation_card(seed000_view(cancelled=True)),
        "invitation_outlook_teams": build_invitation_card(seed000_view(
            place="", outlook=True, join_url="https://teams.microsoft.com/l/meetup-join/"
            "19%3ameeting_NzIyNzhlMGEtM2YyZC00ZmY0%40thread.v2/0",
            ics_url="https://faggruppe.example.no/ics/1.1699999999.c2lnbmF0dXI")),
    }
