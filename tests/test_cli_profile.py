"""`members unconfirmed [--group NAVN]` and `groups rules … profile_check.date`: ids first on
stdout, Norwegian on stderr, the read audited, exit codes; one run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

import cli
from core.clock import FrozenClock
from core.settings import load_settings
from storage import profile as repo
from storage.db import session_scope
from storage.models import AuditEntry
from tests.profile_support import GROUP, OTHER, seed

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2027, 2, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def run(db_url: str, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    ctx = cli.CliContext(settings=load_settings(database_url=db_url), clock=FrozenClock(NOW))

    def _run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv), ctx)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    _run.engine = ctx.engine  # type: ignore[attr-defined]
    return _run


def test_members_unconfirmed_lists_who_has_not_confirmed_this_year_ids_first(run) -> None:
    ids = seed(run.engine, "http://127.0.0.1:9/")
    asked = datetime(2027, 2, 1, 7, 0, tzinfo=UTC)
    with session_scope(run.engine) as s:
        repo.mark_asked(s, [ids["Kari Nordmann"], ids["Anne Feltman"]], 2027, asked)
        repo.confirm(s, ids["Anne Feltman"], 2027, "ja", asked)
        repo.confirm(s, ids["Per Hansen"], 2026, "ja", asked.replace(year=2026))  # last year
    code, out, err = run("members", "unconfirmed")
    assert code == 0 and err == ""
    lines = [line.split("\t") for line in out.splitlines()]
    by_name = {row[1]: row for row in lines}
    # Anne confirmed this year; Eva is inactive; Per's confirmation was last year's.
    assert set(by_name) == {"Kari Nordmann", "Per Hansen", "Øyvind Såtvedt", "Siri Sekretær",
                            "Ola Plan"}
    assert all(row[0].isdigit() for row in lines), "the id first"
    assert by_name["Kari Nordmann"] == [str(ids["Kari Nordmann"]), "Kari Nordmann",
                                        "Lillestrøm kommune", "kari.nordmann@x.no",
                                        "2027-02-01", "-"]
    assert by_name["Per Hansen"][4:] == ["-", "-"]
    code, out, _ = run("members", "unconfirmed", "--group", OTHER)
    assert code == 0
    assert sorted(line.split("\t")[1] for line in out.splitlines()) == ["Ola Plan", "Per Hansen"]
    with session_scope(run.engine) as s:
        reads = s.exec(select(AuditEntry).where(
            AuditEntry.action == "profile.unconfirmed.read")).all()
    assert len(reads) == 2 and all("actor=cli:" in r.detail for r in reads)
    assert reads[1].target == OTHER


def test_members_unconfirmed_refuses_an_unknown_group_and_says_none_when_all_confirmed(
        run) -> None:
    ids = seed(run.engine, "http://127.0.0.1:9/")
    code, out, err = run("members", "unconfirmed", "--group", "Faggruppe for næringssamarbeit")
    assert code == 1 and out == "" and "Mente du «Faggruppe for næringssamarbeid»?" in err
    assert "Traceback" not in err
    with session_scope(run.engine) as s:
        for member_id in ids.values():
            repo.confirm(s, member_id, 2027, "ja", NOW)
    code, out, err = run("members", "unconfirmed", "--group", GROUP)
    assert code == 0 and out == "" and "(ingen)" in err


def test_groups_rules_sets_and_shows_the_yearly_check_day(run) -> None:
    seed(run.engine, "http://127.0.0.1:9/")
    code, out, _ = run("groups", "rules", GROUP, "--set", "profile_check.date=1.3")
    assert code == 0 and "profile_check\t0\t-\tja\t168\t01.03" in out.splitlines()
    assert "invitation\t7\t09:00\tnei\t48" in out.splitlines(), "other rules: five columns"
    code, _, err = run("groups", "rules", GROUP, "--set", "profile_check.date=30.02")
    assert code == 1 and "ugyldig verdi «30.02» for profile_check.date" in err
    code, out, _ = run("groups", "rules", GROUP, "--set", "profile_check.date=-")
    assert "profile_check\t0\t-\tja\t168\t-" in out.splitlines()


def test_members_unconfirmed_in_a_real_process(db_url: str) -> None:
    done = subprocess.run([sys.executable, "app.py", "members", "unconfirmed"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "DATABASE_URL": db_url})
    assert done.returncode == 0 and done.stdout == "" and "(ingen)" in done.stderr
