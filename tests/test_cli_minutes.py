"""`python app.py minutes …`, `followups …`, `innspill link`, `round link`: notes and decisions
by CLI (replace, append), follow-ups, and bad input that stores nothing."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

import cli
from cli import CliContext
from core.settings import Settings
from storage.db import session_scope
from storage.innspill_models import InnspillSession
from storage.minutes_models import Followup, MinutesField
from storage.models import AuditEntry
from storage.round_models import TalkRound
from tests.minutes_support import setup_meeting


@pytest.fixture
def ctx(db_url, clock):
    return CliContext(settings=Settings.model_validate({"DATABASE_URL": db_url}), clock=clock)


@pytest.fixture
def meeting(ctx) -> tuple[list[int], int, dict[int, int]]:
    return setup_meeting(ctx.engine, "http://127.0.0.1:9/")


def run(ctx, capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv), ctx)
    out, err = capsys.readouterr()
    return code, out, err


def _field(ctx, item_id: int, name: str) -> str:
    with Session(ctx.engine) as s:
        row = s.exec(select(MinutesField).where(MinutesField.agenda_item_id == item_id,
                                                MinutesField.field == name)).first()
        return row.value if row else ""


def test_notes_and_decisions_by_cli_replace_append_and_show(ctx, capsys, meeting) -> None:
    _ids, mid, items = meeting
    code, out, err = run(ctx, capsys, "minutes", "note", str(mid), "1",
                         "--decision", "Innkallingen ble godkjent")
    assert (code, out) == (0, "") and "Lagret i sak 1: vedtak." in err
    code, out, err = run(ctx, capsys, "minutes", "note", str(mid), "3", "--text",
                         "Øyvind Såtvedt orienterte på vegne av sekretariatet")
    assert code == 0
    code, _out, err = run(ctx, capsys, "minutes", "note", str(mid), "3", "--append", "--text",
                          "Se egen presentasjon")
    assert code == 0 and "lagt til" in err
    assert _field(ctx, items[3], "notes") == (
        "Øyvind Såtvedt orienterte på vegne av sekretariatet\n\nSe egen presentasjon")
    code, _out, _err = run(ctx, capsys, "minutes", "note", str(mid), "3", "--text", "Ny tekst")
    assert _field(ctx, items[3], "notes") == "Ny tekst", "a given --text replaces"
    assert _field(ctx, items[1], "decision") == "Innkallingen ble godkjent", "other items kept"
    code, out, _err = run(ctx, capsys, "minutes", "show", str(mid))
    assert code == 0
    assert out.index("1. Godkjenning av innkalling") < out.index("Vedtak: Innkallingen ble "
                                                                 "godkjent") < out.index("3. ")
    assert "Ny tekst" in out
    with Session(ctx.engine) as s:
        assert len(s.exec(select(AuditEntry).where(AuditEntry.action == "minutes.note")).all()) \
            == 4


def test_followups_by_cli_print_the_id_list_and_finish(ctx, capsys, meeting) -> None:
    _ids, mid, items = meeting
    code, out, err = run(ctx, capsys, "minutes", "followup", str(mid), "4", "--what",
                         "Sende ut presentasjonene", "--who", "Feltman Anne", "--due",
                         "04.12.2026")
    assert code == 0 and err == ""
    first = int(out)
    code, out, _err = run(ctx, capsys, "minutes", "followup", str(mid), "4", "--what",
                          "Skrive innspill", "--who", "Mosseregionen", "--due", "2026-12-11")
    second = int(out)
    code, out, _err = run(ctx, capsys, "followups", "list")
    lines = out.splitlines()
    assert [int(line.split("\t")[0]) for line in lines] == [first, second]
    assert lines[0].split("\t")[1:5] == ["åpen", "04.12.2026", "Anne Feltman",
                                         f"møte {mid} sak 4"]
    assert lines[1].split("\t")[3] == "Mosseregionen"
    code, out, err = run(ctx, capsys, "followups", "done", str(first))
    assert code == 0 and "Merket som ferdig" in err
    code, out, _err = run(ctx, capsys, "followups", "list", "--open")
    assert [int(line.split("\t")[0]) for line in out.splitlines()] == [second]
    code, out, err = run(ctx, capsys, "followups", "done", str(first))
    assert code == 0 and "allerede ferdig" in err


@pytest.mark.parametrize(("argv", "message"), [
    (["minutes", "note", "999", "1", "--text", "x"], "Fant ikke møte 999"),
    (["minutes", "note", "{mid}", "12", "--text", "x"], "har ingen sak 12 (sakene er 1–5)"),
    (["minutes", "note", "{mid}", "3"], "Oppgi --text og/eller --decision"),
    (["minutes", "note", "{mid}", "3", "--text", "x" * 10_001],
     "Notatene er for lange (10\u00a0001 tegn, høyst 10\u00a0000)"),
    (["minutes", "note", "{mid}", "3", "--append", "--text", "x" * 9_990],
     "Notatene ville blitt lengre enn 10\u00a0000 tegn"),
    (["minutes", "followup", "{mid}", "4", "--what", "Ring", "--who", "Ola Nordmann",
      "--due", "04.12.2026"], "Fant ingen person eller region som heter «Ola Nordmann»"),
    (["minutes", "followup", "{mid}", "4", "--what", "Ring", "--who", "Anne Feltman",
      "--due", "19.11.2026"], "Fristen 19.11.2026 har allerede passert"),
    (["minutes", "followup", "{mid}", "4", "--what", "Ring", "--who", "Anne Feltman",
      "--due", "04.12.26"], "skriv året med fire sifre"),
    (["minutes", "followup", "{mid}", "9", "--what", "Ring", "--who", "Anne Feltman",
      "--due", "04.12.2026"], "har ingen sak 9"),
    (["followups", "done", "777"], "Fant ikke oppfølgingspunkt 777"),
    (["innspill", "link", "555", "--meeting", "{mid}", "--item", "4"],
     "Fant ingen innspill med id 555"),
    (["round", "link", "{round}", "--meeting", "{mid}", "--item", "8"], "har ingen sak 8"),
])
def test_bad_input_is_a_norwegian_message_and_nothing_stored_is_lost(
        ctx, capsys, meeting, argv, message) -> None:
    _ids, mid, items = meeting
    rid = _round(ctx)
    run(ctx, capsys, "minutes", "note", str(mid), "3", "--text", "Skal bli stående",
        "--decision", "Vedtatt")
    code, out, err = run(ctx, capsys, *(a.format(mid=mid, round=rid) for a in argv))
    assert code == 1 and out == "" and message in err, err
    assert "Traceback" not in err
    assert _field(ctx, items[3], "notes") == "Skal bli stående"
    assert _field(ctx, items[3], "decision") == "Vedtatt"
    with Session(ctx.engine) as s:
        assert s.exec(select(Followup)).all() == []
        assert s.get(TalkRound, rid).agenda_item_id is None  # type: ignore[union-attr]


def test_the_group_rule_for_follow_up_reminders_is_set_like_the_others(ctx, capsys,
                                                                       meeting) -> None:
    code, out, err = run(ctx, capsys, "groups", "rules", "Faggruppe for næringssamarbeid",
                         "--set", "followup_reminder.days_before=2")
    assert code == 0, err
    assert "followup_reminder\t2\t09:00\tja" in out
    code, out, err = run(ctx, capsys, "groups", "rules", "Faggruppe for næringssamarbeid",
                         "--set", "followup_reminder.days_before=tre")
    assert code == 1 and "ugyldig verdi «tre» for followup_reminder.days_before" in err


def test_a_meeting_id_that_is_not_a_number_is_refused_by_the_parser(ctx, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["minutes", "note", "tolv", "1", "--text", "x"], ctx)
    assert exit_.value.code == 2 and "Feil i kommandoen" in capsys.readouterr().err


def _round(ctx) -> int:
    with session_scope(ctx.engine) as s:
        rnd = TalkRound(topic="Digitalisering og samhandling", conversation_id="19:x")
        s.add(rnd)
        s.flush()
        return rnd.id or 0


def test_innspill_and_rounds_link_to_an_agenda_item(ctx, capsys, meeting) -> None:
    _ids, mid, items = meeting
    rid = _round(ctx)
    with session_scope(ctx.engine) as s:
        inn = InnspillSession(questions='["Hvilke 3–4 utfordringer?"]', salt="s" * 16)
        s.add(inn)
        s.flush()
        sid = inn.id or 0
    code, _out, err = run(ctx, capsys, "innspill", "link", str(sid), "--meeting", str(mid),
                          "--item", "4")
    assert code == 0 and "sak 4" in err
    code, _out, err = run(ctx, capsys, "round", "link", str(rid), "--meeting", str(mid),
                          "--item", "3")
    assert code == 0
    with Session(ctx.engine) as s:
        inn2, rnd = s.get(InnspillSession, sid), s.get(TalkRound, rid)
        assert inn2 is not None and (inn2.meeting_id, inn2.agenda_item_id) == (mid, items[4])
        assert rnd is not None and (rnd.meeting_id, rnd.agenda_item_id) == (mid, items[3])
        from storage.minutes import minutes_by_item

        per_item = {m.item.number: m for m in minutes_by_item(s, mid)}
        assert per_item[4].innspill_ids == [sid] and per_item[3].round_ids == [rid]


def test_an_edited_agenda_keeps_the_minutes_written_on_its_items(ctx, capsys, meeting) -> None:
    from domain.meetings import parse_agenda
    from storage.meeting_models import Meeting
    from storage.meetings import agenda_items, replace_agenda

    _ids, mid, items = meeting
    run(ctx, capsys, "minutes", "note", str(mid), "3", "--text", "Diskusjonen så langt")
    run(ctx, capsys, "minutes", "followup", str(mid), "3", "--what", "Ring Moss", "--who",
        "Anne Feltman", "--due", "04.12.2026")
    with session_scope(ctx.engine) as s:
        m = s.get(Meeting, mid)
        assert m is not None
        replace_agenda(s, m, parse_agenda("1. Godkjenning av innkalling\n2. Godkjenning av "
                                          "referat\n3. Strategiske føringer 2025–2028\n"))
    with session_scope(ctx.engine) as s:
        now = {i.number: (i.id, i.title) for i in agenda_items(s, mid)}
    assert now[3] == (items[3], "Strategiske føringer 2025–2028") and set(now) == {1, 2, 3}
    assert _field(ctx, items[3], "notes") == "Diskusjonen så langt"
