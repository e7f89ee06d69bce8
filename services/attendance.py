"""The minutes' attendance table (NAVN | KOMMUNE / REGION), as Markdown or CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from sqlmodel import Session

from core.i18n import join_list, t
from storage import rsvp
from storage.attendance import Person, attendance_list
from storage.meeting_models import Meeting


def names_joined(names: Sequence[str]) -> str:
    """'A, B og C' as in the minutes."""
    return join_list(names)


def attendance_markdown(people: Sequence[Person], present: bool, title: str = "") -> str:
    """Members in a table; the secretariat on its own line, as in seed 001's minutes."""
    members = [p for p in people if not p.secretariat]
    staff = [p.name for p in people if p.secretariat]
    lines = [f"## {title}", ""] if title else []
    lines.append("Tilstede" if present else t("attendance.service.pameldt_ingen_har"))
    if any(p.minutes is not None for p in members):
        # Teams' attendance report: minutes present, also for those who joined by phone.
        lines += ["", t("attendance.service.tabell_med_minutter"), "|---|---|---|"]
        lines += [f"| {_cell(p.name)} | {_cell(p.region)} | "
                  f"{'–' if p.minutes is None else p.minutes} |" for p in members]
    else:
        lines += ["", "| NAVN | KOMMUNE / REGION |", "|---|---|"]
        lines += [f"| {_cell(p.name)} | {_cell(p.region)} |" for p in members]
    if staff:
        lines += ["", t("attendance.service.fra_sekretariatet", names_joined=names_joined(staff))]
    return "\n".join(lines) + "\n"


def attendance_csv(people: Sequence[Person]) -> str:
    """NAVN;KOMMUNE / REGION;SEKRETARIAT — semicolons, as Norwegian Excel expects."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["NAVN", "KOMMUNE / REGION", "SEKRETARIAT"])
    for p in people:
        writer.writerow([p.name, p.region, "ja" if p.secretariat else ""])
    return out.getvalue()


def present_line(session: Session, meeting_id: int) -> str:
    """The minutes' «Frammøtte: A (85 min), B og C» from who was there, '' before anyone was."""
    people, present = attendance_list(session, meeting_id)
    if not present or not people:
        return ""
    names = [f"{p.name} ({p.minutes} min)" if p.minutes is not None else p.name for p in people]
    return t("attendance.service.frammotte", names=names_joined(names))


def items_markdown(items: Sequence[tuple[str, int, Sequence[str]]]) -> str:
    """Per programme item: how many come, and the dietary needs to tell the venue."""
    lines = ["", t("attendance.service.programpunkt_pameldt_matbehov"), "|---|---|---|"]
    lines += [f"| {_cell(what)} | {n} | {_cell('; '.join(diets)) or '–'} |"
              for what, n, diets in items]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def export_text(session: Session, meeting_id: int, fmt: str = "md",
                items: bool = False) -> str | None:
    """The export as text (None: no such meeting); shared by the CLI and the chat command."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return None
    people, present = attendance_list(session, meeting_id)
    text = (attendance_csv(people) if fmt == "csv"
            else attendance_markdown(people, present, meeting.title))
    if items:
        counted = rsvp.item_counts(session, meeting_id)
        text += items_markdown([(i.what, n, diets) for i, n, diets in counted])
    return text
