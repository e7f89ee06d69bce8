"""The bot's words: one gettext catalogue (core/locale/<lang>/LC_MESSAGES/messages.po).

msgid is a stable key, msgstr the text; bokmål is complete, nynorsk and English have every
text the bot says in Teams (the CLI stays bokmål: its keys fall back), and `qps` is a
pseudo-locale drawn from bokmål with every string wrapped in ⟦ ⟧, so a test can see text
that never went through the catalogue.

The language is a context variable: a turn sets it once (`use_language(pick_language(…))`)
and every card builder and reply under it follows, without threading `lang` through pure
builders. `.mo` files are compiled in memory from the `.po` at first use, so a checkout or
a fresh `pip install -e .` never runs with a stale compiled catalogue.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Literal

from babel.lists import format_list
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

Lang = Literal["nb", "nn", "en", "qps"]
LANGUAGES: tuple[Lang, ...] = ("nb", "nn", "en", "qps")
# The languages a member or a group may choose (qps is for tests only).
SPOKEN: tuple[Lang, ...] = ("nb", "nn", "en")
LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "messages"
# Babel's locale for each language; qps formats like bokmål so only the wrapping differs.
BABEL_LOCALES: dict[Lang, str] = {"nb": "nb_NO", "nn": "nn_NO", "en": "en_GB", "qps": "nb_NO"}
# What a member may type after `språk` (casefolded), and the codes themselves.
LANGUAGE_WORDS: dict[str, Lang] = {
    "bokmål": "nb", "bokmal": "nb", "bokmaal": "nb", "nb": "nb", "norsk": "nb",
    "nynorsk": "nn", "nn": "nn",
    "english": "en", "engelsk": "en", "en": "en"}
PSEUDO_OPEN, PSEUDO_CLOSE = "⟦", "⟧"
# Keys only the command line, start-up and operators' checks say: those stay bokmål (their
# nynorsk and English entries stay empty and fall back). Everything else is said in Teams.
CLI_ONLY = ("cli.", "app.", "system_check.", "core.os_errors.", "core.settings.",
            "storage.backup.", "storage.db.", "manifest.service.", "runtime.service.",
            "scheduler.store.", "delivery.run.", "members.rule.", "rules.rule.")

_current: ContextVar[Lang] = ContextVar("faggruppe_lang", default="nb")


def pick_language(text: str | None, *, stored: str | None = None,
                  locale: str | None = None) -> Lang:
    """The one place a reply's language is chosen.

    The member's stored choice; else «help …» as the first word gives English; else a Teams
    locale nn-* gives nynorsk; else bokmål.
    """
    if stored in SPOKEN:
        return stored  # type: ignore[return-value]
    word = (text or "").strip().split(" ", 1)[0].casefold()
    if word == "help":
        return "en"
    if (locale or "").casefold().replace("_", "-").split("-", 1)[0] == "nn":
        return "nn"
    return "nb"


def stored_language(value: str | None) -> Lang:
    """A stored choice (member or group) as a language; nothing stored is bokmål."""
    return value if value in SPOKEN else "nb"  # type: ignore[return-value]


def language_from_word(word: str) -> Lang | None:
    """The language a member named (`nynorsk`, `bokmål`, `english`, …), or None."""
    return LANGUAGE_WORDS.get(word.strip().casefold())


def language_name(lang: Lang) -> str:
    """A language's name in the current language («nynorsk», «Norwegian Nynorsk»)."""
    if lang == "nn":
        return t("language.name.nn")
    if lang == "en":
        return t("language.name.en")
    return t("language.name.nb")


def current_language() -> Lang:
    """The language of what is being drawn now."""
    return _current.get()


def set_language(lang: Lang) -> None:
    """Switch the language for the rest of this context (one turn's task)."""
    _current.set(lang)


@contextmanager
def use_language(lang: Lang) -> Iterator[None]:
    """Draw everything inside in `lang`, then restore the previous language."""
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


def po_path(lang: str) -> Path:
    """Where a language's catalogue source lives."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(lang: str) -> Catalog:
    """A language's `.po` parsed by Babel."""
    with po_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang)


def message_key(message_id: str | tuple[str, ...] | list[str]) -> str:
    """A message's key (the singular's for a plural)."""
    return message_id if isinstance(message_id, str) else message_id[0]


def untranslated(lang: Lang) -> list[str]:
    """The keys said in Teams that `lang` lacks or leaves empty (bokmål would answer)."""
    have = {message_key(m.id): m.string for m in read_catalog(lang) if m.id}
    missing = []
    for message in read_catalog("nb"):
        key = message_key(message.id) if message.id else ""
        if not key or key.startswith(CLI_ONLY):
            continue
        text = have.get(key)
        if not (all(text) if isinstance(text, tuple | list) else text):
            missing.append(key)
    return missing


def _pseudo(catalog: Catalog) -> Catalog:
    wrapped = Catalog(locale="nb")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.string, tuple | list):
            string: str | tuple[str, ...] = tuple(
                f"{PSEUDO_OPEN}{s}{PSEUDO_CLOSE}" for s in message.string)
        else:
            string = f"{PSEUDO_OPEN}{message.string}{PSEUDO_CLOSE}"
        wrapped.add(message.id, string)
    return wrapped


def compile_mo(catalog: Catalog) -> bytes:
    """The `.mo` bytes gettext reads, compiled by Babel."""
    out = BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


@cache
def translations(lang: Lang) -> gettext.NullTranslations:
    """The compiled catalogue for `lang`; nynorsk and English fall back to bokmål per key."""
    nb = gettext.GNUTranslations(BytesIO(compile_mo(read_catalog("nb"))))
    if lang == "nb":
        return nb
    if lang == "qps":
        return gettext.GNUTranslations(BytesIO(compile_mo(_pseudo(read_catalog("nb")))))
    catalog = read_catalog(lang)
    for message in list(catalog):
        if message.id and not message.string:  # untranslated: let bokmål answer
            catalog.delete(message.id)
    other = gettext.GNUTranslations(BytesIO(compile_mo(catalog)))
    other.add_fallback(nb)
    return other


def t(key: str, lang: Lang | None = None, /, **values: object) -> str:
    """The text for `key` in `lang` (default: the current language), filled with `values`."""
    text = translations(lang or _current.get()).gettext(key)
    if text == key:
        raise KeyError(f"no message {key!r} in the catalogue")
    return text.format(**values)


def tn(key: str, plural_key: str, count: int, lang: Lang | None = None, /,
       **values: object) -> str:
    """The singular or plural text for `count`; `{count}` is available to the text."""
    text = translations(lang or _current.get()).ngettext(key, plural_key, count)
    if text in (key, plural_key):
        raise KeyError(f"no message {key!r} in the catalogue")
    return text.format(count=count, **values)


def N_(key: str) -> str:  # noqa: N802 - the gettext name extraction tools know
    """Mark a key for extraction where the text is looked up later with t(); returns it."""
    return key


def babel_locale(lang: Lang | None = None) -> str:
    """Babel's locale name for the current (or given) language."""
    return BABEL_LOCALES[lang or _current.get()]


def join_list(items: Iterable[str]) -> str:
    """«A, B og C» in the current language."""
    return format_list(list(items), locale=babel_locale())


def number(value: float) -> str:
    """A number written the current language's way («1 234,5» in bokmål)."""
    return format_decimal(value, locale=babel_locale())


if __name__ == "__main__":  # `python -m core.i18n`: what the translators still have to do
    import sys

    left = {lang: untranslated(lang) for lang in SPOKEN if lang != "nb"}
    for lang, keys in left.items():
        for key in keys:
            print(f"{lang}\t{key}")
    sys.exit(1 if any(left.values()) else 0)
