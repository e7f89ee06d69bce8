"""A group cannot be created by a typo; rename, merge and delete the ones that exist."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from storage.meeting_models import Meeting, MeetingGroup
from storage.models import AuditEntry, Membership, WorkingGroup
from tests.cli_support import GROUP, Run, make_groups, make_runner

FIXTURES = Path(__file__).parent / "fixtures"
SEED000 = str(FIXTURES / "seed000_invitees.tsv")
TYPO = "Faggruppe for næringssamarbeide"
MEETING = ["--title", "Faggruppemøte", "--start", "31.08.2027 09.00", "--end",
           "31.08.2027 10.30"]


@pytest.fixture
def run(db_url, clock, capsys) -> Run:
    return make_runner(db_url, clock, capsys)


def groups(run: Run) -> list[str]:
    with Session(run.ctx.engine) as s:  # type: ignore[attr-defined]
        return [g.name for g in s.exec(select(WorkingGroup).order_by(col(WorkingGroup.id)))]


def test_meetings_create_with_a_misspelt_group_asks_did_you_mean(run: Run) -> None:
    make_groups(run, GROUP)
    code, out, err = run("meetings", "create", "--group", TYPO, *MEETING)
    assert (code, out) == (1, "")
    assert f"Mente du «{GROUP}»?" in err
    assert groups(run) == [GROUP]


def test_meetings_create_and_import_never_create_a_group(run: Run) -> None:
    make_groups(run, GROUP)
    code, _, err = run("meetings", "create", "--group", "Reiselivsgruppa", *MEETING)
    assert code == 1 and "fant ingen faggruppe som heter «Reiselivsgruppa»" in err
    plan = str(FIXTURES / "seed002_meeting_plan.txt")
    code, _, err = run("meetings", "import", plan, "--group", "Reiselivsgruppa")
    assert code == 1 and "fant ingen faggruppe" in err
    assert groups(run) == [GROUP]


def test_members_import_refuses_a_close_name_unless_create_group(run: Run) -> None:
    make_groups(run, GROUP)
    code, out, err = run("members", "import", SEED000, "--group", TYPO)
    assert (code, out) == (1, "") and f"Mente du «{GROUP}»?" in err and "--create-group" in err
    assert groups(run) == [GROUP]
    code, _, err = run("members", "import", SEED000, "--group", TYPO, "--create-group")
    assert code == 0 and f"Opprettet faggruppen «{TYPO}»" in err
    assert groups(run) == [GROUP, TYPO]


def test_members_import_creates_a_far_name_and_says_so(run: Run) -> None:
    make_groups(run, GROUP)
    code, _, err = run("members", "import", SEED000, "--group", "Næring Øst")
    assert code == 0 and "Opprettet faggruppen «Næring Øst»" in err
    assert groups(run) == [GROUP, "Næring Øst"]
    code, _, err = run("members", "import", SEED000, "--group", "næring øst")
    assert code == 0 and "Opprettet" not in err


def test_members_import_on_an_empty_database_creates_the_default_group_and_says_so(
        run: Run) -> None:
    code, _, err = run("members", "import", SEED000)
    assert code == 0 and f"opprettet standardgruppen «{GROUP}»" in err
    assert groups(run) == [GROUP]
    code, _, err = run("members", "import", SEED000)
    assert "standardgruppen" not in err


def test_a_close_name_in_the_group_column_is_refused(run: Run, tmp_path: Path) -> None:
    make_groups(run, GROUP)
    csv = tmp_path / "m.csv"
    csv.write_text(f"name,organisation,group\nKari Nordmann,Asker,{TYPO}\n", encoding="utf-8")
    code, _, err = run("members", "import", str(csv))
    assert code == 1 and f"Mente du «{GROUP}»?" in err
    assert groups(run) == [GROUP]


def test_group_option_and_group_column_that_disagree_are_an_error(run: Run) -> None:
    code, out, err = run("members", "import", str(FIXTURES / "members_comma.csv"),
                         "--group", "Næring Øst")
    assert (code, out) == (1, "")
    assert "--group «Næring Øst» og gruppekolonnen i filen er uenige (linje 2, 3, 4" in err
    assert groups(run) == []
    code, _, _ = run("members", "import", str(FIXTURES / "members_comma.csv"), "--group", GROUP)
    assert code == 0, "agreeing (rows without a group take --group)"


def test_groups_create_refuses_a_close_name(run: Run) -> None:
    make_groups(run, GROUP)
    code, out, err = run("groups", "create", TYPO)
    assert (code, out) == (1, "") and f"Mente du «{GROUP}»?" in err


def test_groups_rename_keeps_the_id_and_is_audited(run: Run) -> None:
    make_groups(run, "Næring Øst", GROUP)
    code, out, err = run("groups", "rename", "næring øst", "Næring Nord")
    assert (code, out) == (0, "1\tNæring Nord\n") and "heter nå «Næring Nord»" in err
    code, _, err = run("groups", "rename", "Næring Nord", GROUP.upper())
    assert code == 1 and "finnes allerede" in err
    with Session(run.ctx.engine) as s:  # type: ignore[attr-defined]
        assert [e.action for e in s.exec(select(AuditEntry).where(
            col(AuditEntry.action).startswith("groups.")))] == ["groups.rename"]


def _meeting(run: Run, *group_names: str) -> int:
    args = [a for name in group_names for a in ("--group", name)]
    code, out, err = run("meetings", "create", *args, *MEETING)
    assert code == 0, err
    return int(out)


def test_groups_merge_moves_members_meetings_and_team_then_removes_the_source(run: Run) -> None:
    make_groups(run, GROUP)
    run("members", "import", SEED000, "--group", "Næring Øst")
    with Session(run.ctx.engine) as s:  # type: ignore[attr-defined]
        stray = s.exec(select(WorkingGroup).where(WorkingGroup.name == "Næring Øst")).one()
        stray.team_id = "19:team"
        s.add(stray)
        s.commit()
    meeting = _meeting(run, "Næring Øst")
    code, out, err = run("groups", "merge", "Næring Øst", GROUP)
    assert code == 1 and "--yes" in err and out.startswith("fjernes\t2\tNæring Øst\tmedlemmer\t42")
    assert groups(run) == [GROUP, "Næring Øst"], "nothing without --yes"
    code, out, _ = run("groups", "merge", "Næring Øst", GROUP, "--yes")
    assert (code, out) == (0, f"1\t{GROUP}\n")
    with Session(run.ctx.engine) as s:  # type: ignore[attr-defined]
        target = s.exec(select(WorkingGroup)).one()
        assert target.name == GROUP and target.team_id == "19:team"
        assert len(s.exec(select(Membership).where(Membership.group_id == target.id)).all()) == 42
        links = s.exec(select(MeetingGroup).where(MeetingGroup.meeting_id == meeting)).all()
        assert [link.group_id for link in links] == [target.id]
        assert [e.action for e in s.exec(select(AuditEntry).where(
            col(AuditEntry.action).startswith("groups.")))] == ["groups.merge"]


def test_groups_delete_needs_yes_keeps_lone_meetings_detached_and_lists_them(run: Run) -> None:
    make_groups(run, GROUP)
    run("members", "import", SEED000, "--group", "Næring Øst")
    lone = _meeting(run, "Næring Øst")
    shared = _meeting(run, "Næring Øst", GROUP)
    code, out, err = run("groups", "delete", "Næring Øst")
    assert code == 1 and "--yes" in err
    assert f"møte\t{lone}\tFaggruppemøte" in out
    assert groups(run) == [GROUP, "Næring Øst"]
    code, out, err = run("groups", "delete", "Næring Øst", "--yes")
    assert code == 0 and out == f"uten gruppe\t{lone}\tFaggruppemøte\n"
    assert "42 medlemskap" in err
    with Session(run.ctx.engine) as s:  # type: ignore[attr-defined]
        assert groups(run) == [GROUP]
        assert len(s.exec(select(Meeting)).all()) == 2, "meetings are kept"
        assert s.exec(select(MeetingGroup.meeting_id)).all() == [shared]
        assert s.exec(select(Membership)).all() == []
        entry = s.exec(select(AuditEntry).where(
            col(AuditEntry.action).startswith("groups."))).one()
        assert entry.action == "groups.delete" and f"detached={lone}" in entry.detail


def test_a_deleted_stray_group_is_not_in_a_later_joint_meeting(run: Run, clock) -> None:
    make_groups(run, GROUP)
    run("members", "import", SEED000, "--group", "Næring Øst")
    run("groups", "delete", "Næring Øst", "--yes")
    code, _, _ = run("meetings", "import", str(FIXTURES / "seed002_meeting_plan.txt"),
                     "--group", GROUP)
    assert code == 0
    with Session(run.ctx.engine) as s:  # type: ignore[attr-defined]
        assert {link.group_id for link in s.exec(select(MeetingGroup))} == {1}


def test_notices_send_to_a_misspelt_group_asks_did_you_mean(run: Run) -> None:
    make_groups(run, GROUP)
    code, out, err = run("notices", "send", "--group", TYPO, "--text", "Hei")
    assert (code, out) == (1, "") and f"Mente du «{GROUP}»?" in err
