"""The catalogue and the code agree: every key used is there, none is unused, none computed."""

from __future__ import annotations

import ast
import string
from pathlib import Path
from typing import Any

from babel.messages.extract import extract_from_dir, extract_from_file

from core.i18n import pick_language, read_catalog, t, tn, translations, use_language
from tests.i18n_support import ROOT

PACKAGES = ("bot", "cards", "cli", "core", "delivery", "domain", "scheduler", "services",
            "storage")
KEYWORDS = {"t": None, "tn": (1, 2), "N_": None}


def _sources() -> list[Path]:
    files = [ROOT / "app.py"]
    for package in PACKAGES:
        files += sorted((ROOT / package).rglob("*.py"))
    return files


def _extracted() -> dict[Any, list[str]]:
    """What `pybabel extract -k t -k tn:1,2 -k N_` finds, with where."""
    found: dict[Any, list[str]] = {}
    for package in PACKAGES:
        for path, line, message, _comments, _ctx in extract_from_dir(
                ROOT / package, [("**.py", "python")], keywords=KEYWORDS, comment_tags=()):
            found.setdefault(message, []).append(f"{package}/{path}:{line}")
    for line, message, _comments, _ctx in extract_from_file(
            "python", str(ROOT / "app.py"), keywords=KEYWORDS, comment_tags=()):
        found.setdefault(message, []).append(f"app.py:{line}")
    return found


def _calls() -> list[tuple[str, ast.Call]]:
    calls = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in KEYWORDS):
                calls.append((f"{path.relative_to(ROOT)}:{node.lineno}", node))
    return calls


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_is_a_literal_never_computed() -> None:
    bad = []
    for where, call in _calls():
        keys = call.args[:2] if call.func.id == "tn" else call.args[:1]  # type: ignore[attr-defined]
        if not keys or not all(isinstance(k, ast.Constant) and isinstance(k.value, str)
                               for k in keys):
            bad.append(f"{where}: {ast.unparse(call)[:80]}")
    assert not bad, "\n".join(bad)


def test_every_key_in_the_code_is_in_the_bokmal_catalogue() -> None:
    catalogue = {m.id for m in read_catalog("nb") if m.id}
    missing = {key: where for key, where in _extracted().items() if key not in catalogue}
    assert not missing, missing


def test_no_catalogue_key_is_unused() -> None:
    used = set(_extracted())
    unused = [m.id for m in read_catalog("nb") if m.id and m.id not in used]
    assert not unused, unused


def test_every_bokmal_message_has_its_text() -> None:
    empty = [m.id for m in read_catalog("nb") if m.id and not (
        all(m.string) if isinstance(m.string, tuple | list) else m.string)]
    assert not empty, empty


def test_english_has_no_key_bokmal_lacks_and_keeps_the_placeholders() -> None:
    nb = {m.id: m.string for m in read_catalog("nb") if m.id}
    for message in read_catalog("en"):
        if message.id and message.string:
            assert message.id in nb, message.id
            assert _fields(str(message.string)) <= _fields(str(nb[message.id])), message.id


def test_every_call_passes_exactly_the_values_its_text_names() -> None:
    nb: dict[str, Any] = {(m.id if isinstance(m.id, str) else m.id[0]): m.string
          for m in read_catalog("nb") if m.id}
    bad = []
    for where, call in _calls():
        if call.func.id == "N_" or any(k.arg is None for k in call.keywords):  # type: ignore[attr-defined]
            continue
        key = call.args[0].value  # type: ignore[attr-defined]
        texts = nb[key] if isinstance(nb[key], tuple | list) else [nb[key]]
        wanted: set[str] = set().union(*(_fields(str(text)) for text in texts))
        if call.func.id == "tn":  # type: ignore[attr-defined]
            wanted.discard("count")
        given = {str(k.arg) for k in call.keywords}
        if given != wanted:
            bad.append(f"{where}: {key} names {sorted(wanted)}, gets {sorted(given)}")
    assert not bad, "\n".join(bad)


def test_the_compiled_catalogue_gives_back_every_po_text() -> None:
    for message in read_catalog("nb"):
        if isinstance(message.id, str) and message.id:
            assert translations("nb").gettext(message.id) == message.string


def test_plurals_pick_the_form_for_the_count() -> None:
    assert tn("innspill.votes", "innspill.votes_plural", 1) == " · 1 stemme"
    assert tn("innspill.votes", "innspill.votes_plural", 0) == " · 0 stemmer"
    assert tn("innspill.votes", "innspill.votes_plural", 2) == " · 2 stemmer"


def test_the_pseudo_locale_wraps_and_an_empty_translation_falls_back_to_bokmal() -> None:
    with use_language("qps"):
        assert t("help_text") == "⟦Hjelp: dette kan jeg gjøre for deg.⟧"
    assert t("help_text", "en") == "Help: this is what I can do for you."
    for lang in ("en", "nn"):  # the CLI's keys stay bokmål
        assert t("cli.common.ingen", lang) == t("cli.common.ingen", "nb")


def test_the_language_is_picked_in_one_place() -> None:
    assert pick_language("help") == "en"
    assert pick_language("Help me") == "en"
    assert pick_language("hjelp") == "nb"
    assert pick_language(None) == "nb"
    assert pick_language("helpful") == "nb"


def test_no_lookup_hides_inside_an_f_string_where_extraction_cannot_see_it() -> None:
    hidden = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                hidden += [f"{path.relative_to(ROOT)}:{c.lineno}" for c in ast.walk(node)
                           if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
                           and c.func.id in KEYWORDS]
    assert not hidden, hidden


def test_an_install_ships_every_catalogue_source() -> None:
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = data["tool"]["setuptools"]["package-data"]["core"]
    shipped = {p for pattern in patterns for p in (ROOT / "core").glob(pattern)}
    assert set((ROOT / "core" / "locale").rglob("*.po")) <= shipped
    assert {p.parent.parent.name for p in shipped} >= {"nb", "en"}
