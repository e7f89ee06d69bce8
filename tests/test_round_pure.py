"""Pure round pieces: the state machine, the order, the cards, the summary, the CLI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import cli
from cards.round import (
    FormView,
    Person,
    RoundView,
    SlotView,
    build_round_card,
    build_round_form_card,
    samples,
)
from core.settings import load_settings
from domain import round as rm
from domain.round import SummarySlot, summary_markdown
from tests.harness import card_text

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def fresh(n: int = 4, seconds: int = 180) -> rm.RoundState:
    state = rm.RoundState(rm.RoundStatus.running, 0, seconds, None,
                          tuple(rm.Slot(i + 1, i) for i in range(n)))
    return rm.start(state, T0)


def speaking(state: rm.RoundState) -> int | None:
    slot = rm.current(state)
    return slot.id if slot else None


def test_moves_advance_skip_move_to_end_absent_and_finish() -> None:
    s = fresh()
    assert (speaking(s), s.step, rm.deadline(s)) == (1, 1, T0 + timedelta(minutes=3))
    s = rm.apply(s, rm.Move.to_end, T0 + timedelta(seconds=10))
    assert speaking(s) == 2 and [x.id for x in rm.waiting(s)] == [3, 4, 1]
    assert rm.deadline(s) == T0 + timedelta(seconds=190), "the new speaker gets full time"
    s = rm.apply(s, rm.Move.skip, T0)
    s = rm.apply(s, rm.Move.absent, T0)
    s = rm.apply(s, rm.Move.next, T0)
    assert speaking(s) == 1 and s.step == 5
    states = {x.id: x.state for x in s.slots}
    assert states == {1: "speaking", 2: "skipped", 3: "absent", 4: "done"}
    s = rm.apply(s, rm.Move.next, T0)
    assert s.status == rm.RoundStatus.finished and rm.deadline(s) is None
    with pytest.raises(rm.RoundError):
        rm.apply(s, rm.Move.next, T0)


def test_finish_leaves_the_rest_unspoken_and_empty_round_is_finished() -> None:
    s = rm.apply(fresh(), rm.Move.finish, T0)
    assert [x.state for x in s.slots] == ["done", "waiting", "waiting", "waiting"]
    assert rm.start(rm.RoundState(rm.RoundStatus.running, 0, 60, None, ()), T0).status == \
        rm.RoundStatus.finished


def test_order_modes() -> None:
    labels = ["Østfold", "Asker - Bærum", "Ålesund", "Drammen"]
    assert rm.order(labels, rm.OrderMode.region) == [0, 1, 2, 3]
    assert [labels[i] for i in rm.order(labels, rm.OrderMode.alphabetical)] == \
        ["Asker - Bærum", "Drammen", "Østfold", "Ålesund"]
    shuffled = rm.order(labels, rm.OrderMode.random, seed=7)
    assert sorted(shuffled) == [0, 1, 2, 3] and shuffled == rm.order(labels, "random", 7)  # type: ignore[arg-type]


def test_round_card_mentions_and_neutralises_user_text() -> None:
    view = RoundView(3, "Tema *fet*", 2, (
        SlotView(1, "Mosseregionen", (Person("Yngvar Trandem", "29:y"), Person("Terje P")),
                 "speaking", update="[lenke](http://x)", previous="Sist"),
        SlotView(2, "Follo", (Person("Kari <at>", "29:k"),))), until="09.03")
    card = build_round_card(view)
    text = card_text(card)
    assert "Nå: **Mosseregionen** (<at>Yngvar Trandem</at>, Terje P) – til kl. 09.03" in text
    assert [e["text"] for e in card["msteams"]["entities"]] == ["<at>Yngvar Trandem</at>",
                                                              "<at>Kari at</at>"]
    assert "[lenke]" in text and "](" not in text and "*fet*" not in text
    buttons = [a for el in card["body"] if el["type"] == "ActionSet" for a in el["actions"]]
    verbs = [a.get("verb") for a in buttons if "verb" in a]
    assert verbs == ["round.next", "round.skip", "round.to_end", "round.absent", "round.finish"]
    assert card["body"][-1]["actions"][0]["title"] == "Skriv oppdatering"
    assert all(a["data"] == {"round_id": 3, "step": 2} for a in buttons if "verb" in a)
    form = build_round_form_card(FormView(warnings=["Skriv et tema for runden."]))
    assert form["body"][1]["text"] == "⚠ Skriv et tema for runden."
    assert set(samples()) == {"round_form", "round_live", "round_finished"}


def test_summary_groups_by_region_like_seed003() -> None:
    md = summary_markdown("digitalisering\nog samhandling", [
        SummarySlot("Mosseregionen", "done", "Green Offshore Tech."),
        SummarySlot("Follo", "done"), SummarySlot("Fredrikstad", "absent", "Skrevet før."),
        SummarySlot("Hadeland", "absent"), SummarySlot("Ringerike", "skipped")])
    assert md == ("**Runden – tema digitalisering og samhandling**\n\n"
                  "### Mosseregionen:\n\nGreen Offshore Tech.\n\n"
                  "### Fredrikstad:\n\n(Fraværende – skriftlig oppdatering) Skrevet før.\n\n"
                  "Uten skriftlig oppdatering: Follo.\n\nFraværende: Hadeland.\n\n"
                  "Fikk ikke ordet: Ringerike.\n")


def test_cli_round_list_and_export_errors(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    ctx = cli.CliContext(settings=load_settings(database_url=db_url))
    assert cli.main(["round", "list"], ctx) == 0
    assert capsys.readouterr().out == ""
    assert cli.main(["export", "round", "42"], ctx) == 1
    assert "fant ingen runde med id 42" in capsys.readouterr().err
