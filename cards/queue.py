"""The secretariat's queue of automated messages: cancel or move each one."""

from __future__ import annotations

from dataclasses import dataclass

from cards.actions import QueueCancelAction, QueueMoveAction
from cards.common import Card, adaptive_card, heading, para, plain


@dataclass(frozen=True)
class QueueRow:
    job_id: int
    when: str  # Norwegian, Oslo time: "torsdag 24. august 2023 kl. 09.00"
    date: str  # "2023-08-24", for the date picker
    time: str  # "09:00"
    description: str


def build_queue_card(rows: list[QueueRow], more: int = 0, given_up: list[str] | None = None,
                     ) -> Card:
    """One container per message with «Avlys» and a «Flytt» form; Outlook calls that failed."""
    body: list[dict] = [heading("Planlagte meldinger", size="Medium")]
    if given_up:
        body.append({"type": "Container", "style": "attention", "items": [
            para("**Outlook-kall som ga opp**"),
            *(para(plain(line), spacing="Small") for line in given_up),
            para("Se `python app.py meetings outlook MØTE-ID`.", isSubtle=True)]})
    if not rows:
        body.append(para("Ingen automatiske meldinger venter."))
    for row in rows:
        move = adaptive_card([
            # Input ids are unique per card: one pair per row, named by the job.
            {"type": "Input.Date", "id": f"date_{row.job_id}", "label": "Ny dato",
             "value": row.date,
             "isRequired": True, "errorMessage": "Velg en dato"},
            {"type": "Input.Time", "id": f"time_{row.job_id}", "label": "Nytt klokkeslett",
             "value": row.time,
             "isRequired": True, "errorMessage": "Velg et klokkeslett"},
        ], [QueueMoveAction(job_id=row.job_id).button("Flytt hit")])
        del move["$schema"], move["msteams"]
        body.append({
            "type": "Container", "separator": True, "items": [
                para(f"**{row.when}**"),
                para(plain(row.description) or "(uten beskrivelse)", isSubtle=True),
                {"type": "ActionSet", "actions": [
                    QueueCancelAction(job_id=row.job_id).button("Avlys"),
                    {"type": "Action.ShowCard", "title": "Flytt", "card": move},
                ]},
            ]})
    if more:
        body.append(para(f"… og {more} til. Se alle med `python app.py queue list`.",
                         isSubtle=True))
    return adaptive_card(body)


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    rows = [QueueRow(12, "torsdag 24. august 2023 kl. 09.00", "2023-08-24", "09:00",
                     "Innkalling: Faggruppemøte 31. august"),
            QueueRow(13, "tirsdag 29. august 2023 kl. 09.00", "2023-08-29", "09:00",
                     "Påminnelse om svarfrist")]
    return {"queue": build_queue_card(rows), "queue_empty": build_queue_card([]),
            "queue_graph_failed": build_queue_card(rows, given_up=[
                "Møte 3 «Faggruppemøte» (opprett): ga opp etter 8 forsøk (sist HTTP 503)"])}
