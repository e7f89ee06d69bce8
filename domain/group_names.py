"""When a typed group name is a typo of an existing group rather than a new group.

A misspelt `--group` used to create a new, empty group without a word; the joint meetings
of a later plan import then included it. A name this close to an existing one is far more
likely a typo than a new group, so the CLI asks «Mente du …?» instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_LETTERS_APART = 2
_SPACES = re.compile(r"\s+")
# Typed on an English keyboard, «Næring» becomes «Naering» or «Naring»: fold both ways.
_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ä": "ae", "ö": "o", "é": "e"})


def fold(name: str) -> str:
    """Casefolded, whitespace-collapsed, æ/ø/å written as ae/o/a (and «aa» as «a»)."""
    text = _SPACES.sub(" ", name).strip().casefold().translate(_FOLD)
    return text.replace("aa", "a")


def letters_apart(a: str, b: str, limit: int = MAX_LETTERS_APART) -> int:
    """Levenshtein distance, cut off at limit + 1 (enough to say «too far»)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return min(previous[-1], limit + 1)


def is_close(typed: str, existing: str) -> bool:
    """At most two letters apart after folding, or one name a prefix of the other."""
    a, b = fold(typed), fold(existing)
    if not a or not b:
        return False
    if a.startswith(b) or b.startswith(a):
        return True
    return letters_apart(a, b) <= MAX_LETTERS_APART


def closest(typed: str, names: Iterable[str]) -> str | None:
    """The closest existing name to a typed one, or None when every name is far."""
    best: tuple[int, str] | None = None
    a = fold(typed)
    for name in names:
        if not is_close(typed, name):
            continue
        score = letters_apart(a, fold(name), limit=len(a) + len(name))
        if best is None or score < best[0]:
            best = (score, name)
    return best[1] if best else None
