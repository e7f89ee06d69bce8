"""Workshop input as Markdown or CSV: by group and theme, with votes and municipality."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from itertools import groupby


@dataclass(frozen=True)
class ExportEntry:
    group: str  # interest area ("" when the session has none)
    theme: str  # the question it answers
    text: str  # exported exactly as written
    votes: int
    municipality: str  # "" when the session is anonymous


def _ordered(entries: list[ExportEntry]) -> list[ExportEntry]:
    # Stable: within one group and theme the most-voted entry comes first.
    return sorted(entries, key=lambda e: (e.group.casefold(), e.theme, -e.votes))


def to_markdown(title: str, entries: list[ExportEntry]) -> str:
    """Headings per group and theme, one bullet per entry."""
    lines = [f"# {title}", ""]
    if not entries:
        return "\n".join(lines + ["Ingen innspill.", ""])
    for group, in_group in groupby(_ordered(entries), key=lambda e: e.group):
        lines += [f"## {group or 'Alle'}", ""]
        for theme, in_theme in groupby(in_group, key=lambda e: e.theme):
            lines += [f"### {theme}", ""]
            for e in in_theme:
                where = f" ({e.municipality})" if e.municipality else ""
                lines.append(f"- {e.text}{where} – {e.votes} stemmer")
            lines.append("")
    return "\n".join(lines)


def to_csv(entries: list[ExportEntry]) -> str:
    """One row per entry; semicolon-free consumers get proper quoting."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["gruppe", "tema", "innspill", "stemmer", "kommune"])
    for e in _ordered(entries):
        writer.writerow([e.group, e.theme, e.text, e.votes, e.municipality])
    return out.getvalue()
