"""plain(): what members write is shown as written, never as Markdown, link or mention."""

from __future__ import annotations

from cards.common import ZWSP, plain


def _visible(text: str) -> str:
    return text.replace(ZWSP, "")


def test_ordinary_norwegian_text_is_unchanged():
    text = "Vi trenger flere næringsarealer. Kontakt anne.feltman@asker.kommune.no (Asker)!"
    assert plain(text) == text


def test_markdown_links_lists_and_mentions_are_broken_but_readable():
    text = "**Viktig** [se her](https://x.no) <at>Alle</at>\n- punkt\n1. første _kursiv_"
    out = plain(text)
    for pattern in ("**", "](", "://", "<at>", "\n- ", "\n1. ", " _kursiv_"):
        assert pattern not in out
    assert _visible(out) == ("∗∗Viktig∗∗ [se her](https://x.no) <at>Alle</at>\n- punkt\n"
                             "1. første ˍkursivˍ")


def test_underscores_inside_words_are_kept():
    assert plain("e_post_adresse og navn_kommune.no") == "e_post_adresse og navn_kommune.no"
