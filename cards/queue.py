"""The secretariat's queue of automated messages: cancel or move each one."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from cards.actions import QueueCancelAction, QueueMoveAction
from cards.common import Card, adaptive_card, button_rows, heading, para, plain
from core.i18n import t
from core.timefmt import clock, day_short, span, to_oslo


@dataclass(frozen=True)
class QueueRow:
    job_id: int
    when: str  # in the reader's language, Oslo time: "torsdag 24. august 2023 kl. 09.00"
    date: str  # "2023-08-24", for the date picker
    time: str  # "09:00"
    description: str
    short: str = ""  # what its buttons name it by: "24.8. 09.00"


def _names(rows: list[QueueRow]) -> dict[int, str]:
    # A screen reader lists the buttons without their rows, so each row's buttons name the
    # message: by its time, or by its number where two messages share a time (reminders of
    # two meetings at the same 08.30); a title that names both no longer fits a phone.
    counts = Counter(row.short for row in rows)
    return {row.job_id: row.short if row.short and counts[row.short] == 1
            else t("queue.melding_nr", id=row.job_id)
            for row in rows}


def build_queue_card(rows: list[QueueRow], more: int = 0, given_up: list[str] | None = None,
                     waiting: list[str] | None = None) -> Card:
    """One container per message with «Avlys meldingen …» and a «Flytt meldingen …» form,
    each naming the message by its time; Microsoft 365 calls that
    failed, and those that wait for a retry (an attendance report not made yet, Graph down)."""
    body: list[dict] = [heading(t("queue.planlagte_meldinger"), size="Medium")]
    if waiting:
        body.append({"type": "Container", "style": "warning", "items": [
            para(t("cards.queue.graph_kall_venter")),
            *(para(plain(line), spacing="Small") for line in waiting)]})
    if given_up:
        body.append({"type": "Container", "style": "attention", "items": [
            para(t("cards.queue.outlook_kall_som")),
            *(para(plain(line), spacing="Small") for line in given_up),
            para(t("cards.queue.se_python_app"), isSubtle=True)]})
    if not rows:
        body.append(para(t("queue.ingen_automatiske_meldinger")))
    names = _names(rows)
    for row in rows:
        name = names[row.job_id]
        move = adaptive_card([
            # Input ids are unique per card: one pair per row, named by the job.
            {"type": "Input.Date", "id": f"date_{row.job_id}", "label": t("queue.ny_dato"),
             "value": row.date,
             "isRequired": True, "errorMessage": t("meetings.velg_en_dato")},
            {"type": "Input.Time", "id": f"time_{row.job_id}", "label": t("queue.nytt_klokkeslett"),
             "value": row.time,
             "isRequired": True, "errorMessage": t("queue.velg_et_klokkeslett")},
        ], [QueueMoveAction(job_id=row.job_id).button(t("queue.flytt_meldingen_hit",
                                                         name=name))])
        del move["$schema"], move["msteams"]
        numbered = name != row.short  # the number the buttons use is shown beside the time
        body.append({
            "type": "Container", "separator": True, "items": [
                para(t("queue.tid_og_nr", when=row.when, id=row.job_id) if numbered
                     else f"**{row.when}**"),
                para(plain(row.description) or t("queue.uten_beskrivelse"), isSubtle=True),
                # One button a row: the titles name the message, and stay whole at 320 px.
                *button_rows([
                    QueueCancelAction(job_id=row.job_id).button(
                        t("queue.avlys_meldingen", name=name)),
                    {"type": "Action.ShowCard", "title": t("queue.flytt_meldingen", name=name),
                     "card": move},
                ], 1),
            ]})
    if more:
        body.append(para(t("queue.og_til_se", more=more),
                         isSubtle=True))
    return adaptive_card(body)


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    def sample_row(job_id: int, when: datetime, description: str) -> QueueRow:
        return QueueRow(job_id, span(when), to_oslo(when).strftime("%Y-%m-%d"),
                        to_oslo(when).strftime("%H:%M"), description,
                        t("queue.reply.dag_og_tid", day=day_short(when), clock=clock(when)))
    rows = [sample_row(12, SAMPLE_FIRST, "Innkalling: Faggruppemøte 31. august"),
            sample_row(13, SAMPLE_SECOND, "Påminnelse om svarfrist"),
            # Two messages at one time: their buttons tell them apart by number.
            sample_row(14, SAMPLE_SECOND, "Påminnelse dagen før")]
    return {"queue": build_queue_card(rows), "queue_empty": build_queue_card([]),
            "queue_graph_failed": build_queue_card(rows, given_up=[
                "Møte 3 «Faggruppemøte» (opprett): ga opp etter 8 forsøk (sist HTTP 503)"]),
            "queue_graph_waiting": build_queue_card(rows, waiting=[
                "Møte 3 «Faggruppemøte» (frammøterapport), neste forsøk kl. 10.42: ikke klar "
                "ennå"])}


SAMPLE_FIRST = datetime(2023, 8, 24, 7, 0, tzinfo=UTC)  # 09.00 in Oslo
SAMPLE_SECOND = datetime(2023, 8, 29, 7, 0, tzinfo=UTC)
