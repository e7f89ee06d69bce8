"""What a user sees in a card or a reply, and whether the catalogue drew it (qps)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cards.common import plain

ROOT = Path(__file__).resolve().parent.parent
# Card properties Teams shows as text.
VISIBLE = {"text", "title", "label", "placeholder", "errorMessage", "speak", "altText",
           "fallbackText"}
_LETTER = re.compile(r"[^\W\d_]")
_MENTION = re.compile(r"</?at>")


def visible_texts(node: Any) -> Iterator[str]:
    """Every string a user can read in a card (a FactSet's values included)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and key in VISIBLE:
                yield value
            else:
                yield from visible_texts(value)
        if node.get("type") == "FactSet":
            yield from (fact["value"] for fact in node.get("facts", []))
    elif isinstance(node, list):
        for item in node:
            yield from visible_texts(item)


def strip_wrapped(text: str) -> str:
    """The text with every ⟦…⟧ (nested too) taken out."""
    out, depth = [], 0
    for ch in text:
        if ch == "⟦":
            depth += 1
        elif ch == "⟧":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def sample_literals() -> list[str]:
    """The sample data: literals in cards/ functions or constants named for samples or seeds."""
    found: set[str] = set()
    for path in (ROOT / "cards").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            named = (node.name if isinstance(node, ast.FunctionDef) else
                     " ".join(ast.unparse(t) for t in node.targets)
                     if isinstance(node, ast.Assign) else "")
            if "sample" in named.lower() or "seed" in named.lower():
                found |= {c.value for c in ast.walk(node)
                          if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    found |= {plain(text) for text in found}  # what the builders show of user-written text
    return sorted(found, key=len, reverse=True)


def uncatalogued(texts: Iterator[str] | list[str], data: list[str]) -> list[str]:
    """The texts that still hold letters once wrapped text and sample data are removed."""
    bad = []
    for text in texts:
        rest = _MENTION.sub(" ", strip_wrapped(text))
        for literal in data:
            if _LETTER.search(literal):  # a whole sample value, never a piece of a word
                rest = re.sub(rf"(?<!\w){re.escape(literal)}(?!\w)", " ", rest)
        if _LETTER.search(rest):
            bad.append(f"{text!r} (left: {rest.strip()!r})")
    return bad
