"""Checks on what is given: every date form, deadline, --past, e-mails, roles, --yes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from core.clock import FrozenClock
from storage.meeting_models import Meeting, MeetingFormat, MeetingStatus
from storage.models import AuditEntry, Member
from tests.cli_support import GROUP, Run, make_groups, make_runner

FIXTURES = Path(__file__).parent / "fixtures"
SEED000 = str(FIXTURES / "seed000_invitees.tsv")
NINE_OSLO = datetime(2027, 8, 31, 7, 0, tzinfo=UTC)  # 31.08.2027 09.00 summer time


@pytest.fixture
def run(db_url, clock, capsys) -> Run:
    runner = make_runner(db_url, clock, capsys)
    make_groups(runner, GROUP)
    return runner


def create(run: Run, *extra: str, start: str = "31.08.2027 09.00",
           end: str = "31.08.2027 10.30") -> tuple[int, str, str]:
    return run("meetings", "create", "--group", GROUP, "--title", "Faggruppemøte",
               "--start", start, "--end", end, *extra)


def stored(run: Run, meeting_id: int) -> Meeting:
    with Session(run.ctx.engine) as s:  # type: ignore[attr-defined]
        meeting = s.get(Meeting, meeting_id)
        assert meeting is not None
        return meeting


@pytest.mark.parametrize("start", [
    "31.08.2027 09.00", "31.08.2027 kl. 09:00", "2027-08-31 09:00", "2027-08-31T09:00",
])
def test_every_accepted_date_form_gives_the_same_start(run: Run, start: str) -> None:
    code, out, err = create(run, start=start, end="2027-08-31 10:30")
    assert code == 0, err
    assert stored(run, int(out)).starts_at == NINE_OSLO


@pytest.mark.parametrize("start, why", [
    ("31.08.27 09.00", "fire sifre"),
    ("31/08/2027 09.00", "«/» tolkes ikke"),
    ("08/31/2027 09:00", "«/» tolkes ikke"),
])
def test_two_digit_years_and_slash_dates_are_refused_with_the_forms_shown(
        run: Run, start: str, why: str) -> None:
    code, out, err = create(run, start=start)
    assert (code, out) == (1, "")
    assert why in err and "31.08.2023 kl. 09:00" in err and "2023-08-31T09:00" in err


@pytest.mark.parametrize("option", ["--end", "--deadline"])
def test_end_and_deadline_take_the_same_forms(run: Run, option: str) -> None:
    code, _, err = create(run, option, "31.08.27 08.00") if option == "--deadline" else \
        create(run, end="31.08.27 10.30")
    assert code == 1 and err.startswith(f"Feil: {option}: ") and "fire sifre" in err


def test_a_reply_deadline_after_the_start_is_refused(run: Run) -> None:
    code, out, err = create(run, "--deadline", "31.08.2027 09.30")
    assert (code, out) == (1, "") and "svarfristen" in err and "etter møtestart" in err
    code, out, err = create(run, "--deadline", "30.08.2027 12.00")
    assert code == 0, err
    assert stored(run, int(out)).rsvp_deadline == datetime(2027, 8, 30, 10, 0, tzinfo=UTC)


def test_a_start_in_the_past_needs_past(run: Run) -> None:
    # The test clock is 20.11.2026 09.00 Oslo time.
    code, out, err = create(run, start="19.11.2026 09.00", end="19.11.2026 10.00")
    assert (code, out) == (1, "") and "har vært" in err and "--past" in err
    code, out, _ = create(run, "--past", start="19.11.2026 09.00", end="19.11.2026 10.00")
    assert code == 0 and out.strip().isdigit()


def test_edit_to_a_past_start_needs_past_and_respects_the_deadline(run: Run) -> None:
    code, out, _ = create(run, "--deadline", "30.08.2027 12.00")
    meeting_id = out.strip()
    code, _, err = run("meetings", "edit", meeting_id, "--start", "19.11.2026 09.00")
    assert code == 1 and "--past" in err
    code, _, err = run("meetings", "edit", meeting_id, "--start", "30.08.2027 09.00")
    assert code == 1 and "svarfristen" in err
    code, _, err = run("meetings", "edit", meeting_id, "--start", "01.09.2027 kl. 09.00")
    assert code == 0, err
    assert stored(run, int(meeting_id)).starts_at == datetime(2027, 9, 1, 7, 0, tzinfo=UTC)


def test_meetings_import_takes_past_rows_as_held_and_says_so(run: Run) -> None:
    run.ctx.clock = FrozenClock(datetime(2022, 6, 1, 8, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    code, _, err = run("meetings", "import", str(FIXTURES / "seed002_meeting_plan.txt"),
                       "--group", GROUP)
    assert code == 0
    with Session(run.ctx.engine) as s:  # type: ignore[attr-defined]
        meetings = s.exec(select(Meeting)).all()
        held = [m for m in meetings if m.status == MeetingStatus.held]
        assert held and all(m.ends_at and m.ends_at.replace(tzinfo=UTC) < run.ctx.clock.now()  # type: ignore[attr-defined]
                            for m in held)
        assert all(m.status != MeetingStatus.held for m in meetings
                   if m.starts_at and m.starts_at.replace(tzinfo=UTC) > datetime(2022, 6, 2,
                                                                                  tzinfo=UTC))
    assert f"{len(held)} av møtene i planen har allerede vært" in err and "holdt" in err


def test_an_email_that_is_not_an_address_is_refused_with_its_line(run: Run,
                                                                   tmp_path: Path) -> None:
    csv = tmp_path / "m.csv"
    csv.write_text("name,organisation,email\nKari Nordmann,Asker,kari@asker.kommune.no\n"
                   "Ola Nordmann,Bærum,ola.baerum.kommune.no\n", encoding="utf-8")
    code, out, err = run("members", "import", str(csv))
    assert (code, out) == (1, "")
    assert "linje 3: «ola.baerum.kommune.no» er ikke en e-postadresse" in err
    with Session(run.ctx.engine) as s:  # type: ignore[attr-defined]
        assert s.exec(select(Member)).all() == [], "nothing imported"


def test_an_unchanged_reimport_reports_0_endret(run: Run) -> None:
    run("members", "import", SEED000)
    code, out, err = run("members", "import", SEED000)
    assert code == 0 and "0 lagt til, 0 endret, 42 uendret" in err
    assert {line.split("\t")[0] for line in out.splitlines()} == {"uendret"}


def test_role_to_the_role_a_member_has_says_so_and_audits_nothing(run: Run) -> None:
    run("members", "import", SEED000)
    code, out, err = run("members", "role", "Terje Pettersen", "medlem")
    assert code == 0 and "har allerede rollen medlem" in err
    assert out.split("\t")[1] == "Terje Pettersen"
    with Session(run.ctx.engine) as s:  # type: ignore[attr-defined]
        # The import is audited; the role change that changed nothing is not.
        assert [e.action for e in s.exec(select(AuditEntry))] == ["members.import"]


@pytest.mark.parametrize("verb", [
    ["members", "deactivate", "Terje Pettersen"],
    ["meetings", "cancel", "1"],
])
def test_destructive_verbs_show_what_would_go_and_do_nothing_without_yes(
        run: Run, verb: list[str]) -> None:
    run("members", "import", SEED000)
    create(run)
    code, out, err = run(*verb)
    assert code == 1 and out.strip() and "--yes" in err
    with Session(run.ctx.engine) as s:  # type: ignore[attr-defined]
        assert all(m.active for m in s.exec(select(Member)))
        assert s.exec(select(Meeting)).one().status != MeetingStatus.cancelled
    code, _, err = run(*verb, "--yes")
    assert code == 0, err


@pytest.mark.parametrize("word, stored_as", [
    ("fysisk", MeetingFormat.physical), ("digitalt", MeetingFormat.digital),
    ("hybrid", MeetingFormat.hybrid), ("webinar", MeetingFormat.webinar),
    ("konferanse", MeetingFormat.conference), ("physical", MeetingFormat.physical),
    ("digital", MeetingFormat.digital), ("conference", MeetingFormat.conference),
])
def test_format_takes_norwegian_words_and_english_aliases(run: Run, word: str,
                                                          stored_as: MeetingFormat) -> None:
    code, out, err = create(run, "--format", word)
    assert code == 0, err
    assert stored(run, int(out)).format == stored_as


def test_an_unknown_format_is_a_norwegian_error(run: Run) -> None:
    with pytest.raises(SystemExit) as exited:
        create(run, "--format", "telefon")
    assert exited.value.code == 2


def test_meetings_show_shows_everything_about_the_meeting(run: Run, tmp_path: Path) -> None:
    run("members", "import", SEED000)
    agenda = tmp_path / "sakskart.txt"
    agenda.write_text("1. Godkjenning av innkalling\n2. Runden rundt bordet\n", encoding="utf-8")
    code, out, _ = create(run, "--place", "Klækken hotel", "--online-url", "https://teams/x",
                          "--deadline", "30.08.2027 12.00", "--format", "hybrid",
                          "--agenda", str(agenda))
    code, out, _ = run("meetings", "show", out.strip())
    assert code == 0
    for line in [f"faggrupper\t{GROUP}", "form\thybrid", "start\t2027-08-31 09:00",
                 "slutt\t2027-08-31 10:30", "sted\tKlækken hotel", "lenke\thttps://teams/x",
                 "svarfrist\t2027-08-30 12:00", "status\tplanlagt", "invitert\t42", "svart\t0",
                 "  1. Godkjenning av innkalling", "dokumenter:\t(ingen)"]:
        assert line in out.splitlines(), line


def test_meetings_list_speaks_norwegian(run: Run) -> None:
    create(run, "--format", "digitalt")
    code, out, _ = run("meetings", "list")
    assert out.split("\t")[2:4] == ["planlagt", "digitalt"]
