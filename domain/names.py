"""Person and group names: keys that ignore word order, and near-match detection."""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")
# Words shorter than this must match exactly: "Ove"/"Eve" are different people.
MIN_FUZZY_WORD = 4


def collapse_spaces(text: str) -> str:
    """Trim and collapse every run of whitespace to one space."""
    return _SPACES.sub(" ", text).strip()


def group_key(name: str) -> str:
    """Key for WorkingGroup.name_key: casefolded, whitespace-collapsed."""
    return collapse_spaces(name).casefold()


def display_name(text: str) -> str:
    """A name as people write it: "Ingvoldstad, Trond Arne" becomes "Trond Arne Ingvoldstad"."""
    text = collapse_spaces(text)
    if text.count(",") == 1:
        last, first = (part.strip() for part in text.split(","))
        if last and first:
            return f"{first} {last}"
    return collapse_spaces(text.replace(",", " "))


def name_words(text: str) -> list[str]:
    """Casefolded words of a name; commas separate words like spaces do."""
    return collapse_spaces(text.replace(",", " ")).casefold().split(" ") if text.strip() else []


def name_key(text: str) -> str:
    """Order-free key: "Hasvold Helge Bollæren" and "Helge Bollæren Hasvold" agree."""
    return " ".join(sorted(name_words(text)))


def within_one_edit(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return True
        i = diffs[0]
        return len(diffs) == 2 and diffs[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def _words_close(a: str, b: str) -> bool:
    if min(len(a), len(b)) < MIN_FUZZY_WORD:
        return a == b
    return within_one_edit(a, b)


def _embeds(short: list[str], long_: list[str]) -> bool:
    """Every word of short pairs with a distinct, close word of long (backtracking)."""
    if not short:
        return True
    head, rest = short[0], short[1:]
    for j, word in enumerate(long_):
        if _words_close(head, word) and _embeds(rest, long_[:j] + long_[j + 1 :]):
            return True
    return False


def is_near_match(key_a: str, key_b: str) -> bool:
    """Different keys that may still be one person: a middle name more, or a letter off."""
    if key_a == key_b:
        return False
    a, b = key_a.split(" "), key_b.split(" ")
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    # One shared word ("Anne") is not enough evidence; need first and last name.
    if len(short) < 2:
        return False
    return _embeds(short, long_)


_NB_LAST = str.maketrans("æøå", "{|}")


def nb_key(text: str) -> str:
    """A sort key in the Norwegian alphabet: æ, ø, å after z (casefold alone puts å near a)."""
    return text.casefold().translate(_NB_LAST)
