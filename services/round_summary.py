"""The round written up per region, in the form of seed 003's minutes (Markdown)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SummarySlot:
    label: str
    state: str  # done, skipped, absent, waiting, speaking
    update: str = ""


def summary_markdown(topic: str, slots: list[SummarySlot]) -> str:
    """«Runden – tema …», then «### Region:» and its update, in speaking order."""
    out = [f"**Runden – tema {_one_line(topic)}**", ""]
    for slot in slots:
        if not slot.update.strip():
            continue
        note = "(Fraværende – skriftlig oppdatering) " if slot.state == "absent" else ""
        out += [f"### {slot.label}:", "", note + slot.update.strip(), ""]
    without = [s.label for s in slots if s.state == "done" and not s.update.strip()]
    if without:
        out += [f"Uten skriftlig oppdatering: {', '.join(without)}.", ""]
    absent = [s.label for s in slots if s.state == "absent" and not s.update.strip()]
    if absent:
        out += [f"Fraværende: {', '.join(absent)}.", ""]
    missed = [s.label for s in slots if s.state in ("skipped", "waiting")]
    if missed:
        out += [f"Fikk ikke ordet: {', '.join(missed)}.", ""]
    return "\n".join(out).rstrip() + "\n"


def _one_line(text: str) -> str:
    # A topic is one heading line; a pasted newline would break the Markdown.
    return " ".join(text.split())
