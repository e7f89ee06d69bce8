"""`members export|erase`, `privacy rules|status`, `audit list`: stdout, Norwegian stderr, exits."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

import cli
from core.clock import FrozenClock
from core.settings import load_settings
from storage import audit
from storage.db import session_scope
from storage.groups import get_or_create_group
from storage.meeting_models import Meeting, Rsvp, RsvpAnswer
from storage.models import AuditEntry, Member, Role

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def run(db_url: str, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    ctx = cli.CliContext(settings=load_settings(database_url=db_url), clock=FrozenClock(NOW))

    def _run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv), ctx)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    _run.engine = ctx.engine  # type: ignore[attr-defined]
    return _run


def _seed(engine) -> tuple[int, int]:
    with session_scope(engine) as s:
        kari = Member(name="Kari Nordmann", name_key="kari nordmann", email="kari@ringerike.no",
                      aad_object_id="aad-kari", organisation="Ringerike kommune")
        sec = Member(name="Siri Sekretær", name_key="sekretær siri", role=Role.secretariat)
        s.add(kari)
        s.add(sec)
        meeting = Meeting(title="Novembermøtet")
        s.add(meeting)
        s.flush()
        s.add(Rsvp(meeting_id=meeting.id or 0, member_id=kari.id or 0,
                   answer=RsvpAnswer.physical, comment="Tar med kaker", dietary="Laktosefri"))
        audit.record(s, action="meeting.send", actor_member_id=sec.id, target="meeting:1",
                     at=NOW - timedelta(days=10))
        return kari.id or 0, sec.id or 0


def test_members_export_prints_the_persons_json_and_audits_it(run, tmp_path) -> None:
    kari, _ = _seed(run.engine)
    code, out, err = run("members", "export", "kari@ringerike.no")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["medlem"]["id"] == kari and data["medlem"]["navn"] == "Kari Nordmann"
    assert data["svar"][0]["kommentar"] == "Tar med kaker" and data["svar"][0]["kost"] == \
        "Laktosefri"
    target = tmp_path / "kari.json"
    assert run("members", "export", "Kari Nordmann", "--output", str(target))[0] == 0
    assert json.loads(target.read_text(encoding="utf-8"))["medlem"]["epost"] == \
        "kari@ringerike.no"
    with Session(run.engine) as s:
        rows = s.exec(select(AuditEntry).where(AuditEntry.action == "member.export")).all()
        assert len(rows) == 2 and all("actor=cli:" in r.detail for r in rows)
        assert all("Kari" not in r.detail for r in rows)


def test_members_erase_needs_yes_then_erases_and_audits_the_reference(run) -> None:
    kari, _ = _seed(run.engine)
    code, out, err = run("members", "erase", "kari@ringerike.no")
    assert code == 1 and f"{kari}\tsvar\t1" in out.splitlines() and "--yes" in err
    with Session(run.engine) as s:
        assert s.get(Member, kari).name == "Kari Nordmann"  # type: ignore[union-attr]
    code, out, err = run("members", "erase", "kari@ringerike.no", "--yes",
                         "--reference", "2026/1234")
    assert code == 0 and out.strip() == str(kari) and "Slettet medlem" in err
    with Session(run.engine) as s:
        member = s.get(Member, kari)
        assert member is not None and member.name == f"Slettet medlem #{kari}"
        assert member.email is None
        rsvp = s.exec(select(Rsvp)).one()
        assert (rsvp.comment, rsvp.dietary) == ("", "")
        (entry,) = s.exec(select(AuditEntry).where(AuditEntry.action == "member.erase")).all()
        assert "reference=2026/1234" in entry.detail and "kinds=" in entry.detail
        assert "Kari" not in entry.detail and "ringerike" not in entry.detail
    code, _, err = run("members", "erase", "kari@ringerike.no", "--yes")
    assert code == 1 and "fant ikke" in err


def test_privacy_rules_set_is_stored_audited_and_refuses_bad_input(run) -> None:
    code, out, _ = run("privacy", "rules")
    assert code == 0 and "ledger\t90" in out and "audit\t1825" in out
    code, out, _ = run("privacy", "rules", "--set", "ledger.days=45")
    assert code == 0 and "ledger\t45" in out
    assert "ledger\t45" in run("privacy", "rules")[1]
    for bad in ("ledger=45", "ukjent.days=3", "ledger.days=mange"):
        code, out, err = run("privacy", "rules", "--set", bad)
        assert code == 1 and out == "" and "ugyldig regel" in err and "Traceback" not in err
    with Session(run.engine) as s:
        (entry,) = s.exec(select(AuditEntry).where(AuditEntry.action == "privacy.rule")).all()
        assert entry.target == "ledger" and "90->45" in entry.detail


def test_privacy_status_prints_what_is_due_and_what_was_deleted_last(run) -> None:
    _seed(run.engine)
    code, out, err = run("privacy", "status")
    assert code == 0 and out.splitlines()[0] == "ledger\t0\t-"  # piped: no header
    assert "Ikke kjørt" in err


def test_audit_list_filters_and_writes_csv(run) -> None:
    _, sec = _seed(run.engine)
    run("privacy", "rules", "--set", "rsvp.days=20")
    code, out, _ = run("audit", "list")
    lines = out.splitlines()
    assert code == 0 and lines[0].split("\t")[3] == "privacy.rule"
    assert lines[0].split("\t")[2].startswith("cli:")
    assert lines[1].split("\t")[2:4] == ["Siri Sekretær", "meeting.send"]
    assert run("audit", "list", "--since", "28.11.2026")[1].count("meeting.send") == 0
    assert run("audit", "list", "--who", "Siri Sekretær")[1].count("\n") == 1
    assert "privacy.rule" not in run("audit", "list", "--action", "meeting")[1]
    code, out, _ = run("audit", "list", "--format", "csv", "--action", "privacy.rule")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:4] == ["id", "tid", "hvem", "handling"] and len(rows) == 2
    # Each earlier listing that ran (five; the bad date ran none) is in the log, by the CLI user.
    reads = [line.split("\t") for line in run("audit", "list", "--action", "audit.read")[1]
             .splitlines()]
    assert len(reads) == 5 and all(r[2].startswith("cli:") for r in reads)
    code, out, err = run("audit", "list", "--since", "2026-13-45")
    assert code == 1 and out == "" and "Feil:" in err and "Traceback" not in err



def test_a_cli_meeting_command_is_audited_with_user_and_host(run) -> None:
    with session_scope(run.engine) as s:
        get_or_create_group(s, "Faggruppe for næringssamarbeid")
    code, out, _ = run("meetings", "create", "--group", "Faggruppe for næringssamarbeid",
                       "--title", "Desembermøtet", "--start", "2026-12-10 09:00",
                       "--end", "2026-12-10 11:00")
    assert code == 0
    code, out, _ = run("audit", "list", "--action", "cli.meetings")
    (line,) = out.splitlines()
    fields = line.split("\t")
    assert fields[3] == "cli.meetings.create" and fields[2].startswith("cli:") and "@" in fields[2]
    assert fields[1] == "2026-12-01 10:00"  # stored UTC, shown in Oslo time
