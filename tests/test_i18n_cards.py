"""Every sample card, drawn in the qps pseudo-locale, shows only catalogue text and sample data."""

from __future__ import annotations

import json

from cards import sample_cards
from core.i18n import use_language
from tests.cli_support import make_runner
from tests.i18n_support import sample_literals, uncatalogued, visible_texts


def test_every_sample_card_in_qps_has_only_wrapped_text_or_sample_data() -> None:
    data = sample_literals()
    with use_language("qps"):
        cards = sample_cards()
    bad = {name: found for name, card in cards.items()
           if (found := uncatalogued(list(visible_texts(card)), data))}
    assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)


def test_sample_cards_in_bokmal_carry_no_pseudo_brackets() -> None:
    text = json.dumps(sample_cards(), ensure_ascii=False)
    assert "⟦" not in text and "⟧" not in text


def test_cards_dump_writes_the_pseudo_locale_when_asked(tmp_path, db_url, clock,
                                                        capsys) -> None:
    # In-process (the realclient suite runs the real `python app.py cards dump`): two
    # interpreter starts here cost more than everything else in this file.
    run = make_runner(db_url, clock, capsys)
    for lang in ("nb", "qps"):
        out = tmp_path / lang
        code, _, err = run("cards", "dump", str(out), "--lang", lang)
        assert code == 0, err
        help_card = (out / "help_member.json").read_text(encoding="utf-8")
        assert ("⟦Hjelp⟧" in help_card) == (lang == "qps")
        assert "Hjelp" in help_card
