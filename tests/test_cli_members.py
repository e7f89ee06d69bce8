"""`members` and `groups` commands: id-first rows on stdout, Norwegian on stderr, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, select

import cli
from core.settings import load_settings
from domain.names import name_key
from storage.db import make_engine, session_scope
from storage.models import AuditEntry, Member

ROOT = Path(__file__).resolve().parent.parent
SEED000 = ROOT / "tests" / "fixtures" / "seed000_invitees.tsv"
CELLS = SEED000.read_text(encoding="utf-8").replace("\n", "\t").strip("\t").split("\t")
INVITEES = len(CELLS) // 2  # a name and an organisation each


# These tests must not depend on the other nouns' modules.
OUR_NOUNS = ("members", "groups")


@pytest.fixture
def run(db_url: str, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    ctx = cli.CliContext(settings=load_settings(database_url=db_url))

    def _run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv), ctx, nouns=OUR_NOUNS)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


def rows(out: str) -> list[list[str]]:
    return [line.split("\t") for line in out.splitlines()]


def test_import_prints_one_line_per_member_and_counts(run) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run("members", "import", str(SEED000))
    assert code == 0
    lines = rows(out)
    assert len(lines) == INVITEES == 42  # seed 000 invites 42
    assert lines[0] == ["lagt til", "1", "Anne Feltman", "Asker - Bærum"]
    assert f"{INVITEES} lagt til, 0 endret, 0 uendret, 0 kandidater" in err
    code, out, err = run("members", "import", str(SEED000))
    assert {r[0] for r in rows(out)} == {"uendret"}
    assert f"0 lagt til, 0 endret, {INVITEES} uendret, 0 kandidater" in err


def test_list_rows_are_id_first_and_filter_by_group(run) -> None:  # type: ignore[no-untyped-def]
    run("members", "import", str(SEED000), "--group", "Næring Øst")
    code, out, _ = run("members", "list")
    listed = rows(out)
    assert code == 0 and len(listed) == INVITEES
    assert [r[0] for r in listed] == [str(i) for i in range(1, INVITEES + 1)]
    terje = next(r for r in listed if r[1] == "Terje Pettersen")
    assert terje[2:] == ["Mosseregionen", "Mosseregionen", "-", "medlem", "ja", "ja"]
    assert rows(run("members", "list", "--group", "næring øst")[1]) == listed
    code, out, err = run("members", "list", "--group", "Finnes ikke")
    assert (code, out) == (1, "") and "fant ingen faggruppe" in err


def test_role_and_deactivate_write_audit_entries(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    run("members", "import", str(SEED000))
    code, out, err = run("members", "role", "pettersen terje", "sekretariat")
    terje_id = rows(out)[0][0]
    assert code == 0 and rows(out)[0][5] == "sekretariat"
    assert "fra medlem til sekretariat" in err
    code, out, err = run("members", "deactivate", "Terje Pettersen", "--yes")
    assert code == 0 and rows(out)[0][6] == "nei" and "er deaktivert" in err
    engine = make_engine(db_url)
    with Session(engine) as session:
        entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()  # type: ignore[arg-type]
        assert [(e.action, e.target) for e in entries if e.action.startswith("member.")] == [
            ("member.role", f"member:{terje_id}"),
            ("member.deactivate", f"member:{terje_id}"),
        ]
        assert all("actor=cli" in e.detail for e in entries)
    engine.dispose()


def test_unknown_member_or_role_is_a_norwegian_error(run) -> None:  # type: ignore[no-untyped-def]
    run("members", "import", str(SEED000))
    code, out, err = run("members", "role", "Ola Nordmann", "member")
    assert (code, out) == (1, "") and err.startswith("Feil: fant ikke noe medlem")
    code, _, err = run("members", "role", "Terje Pettersen", "sjef")
    assert code == 1 and "ukjent rolle «sjef»" in err
    code, _, err = run("members", "deactivate", "nobody@example.no")
    assert code == 1 and "fant ikke noe medlem" in err


def test_ambiguous_name_is_refused(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    run("groups", "list")  # creates the schema
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        # Namesakes cannot come in through import (that reports them ambiguous), so add directly.
        for email in ("kari1@x.no", "kari2@x.no"):
            session.add(
                Member(name="Kari Nordmann", name_key=name_key("Kari Nordmann"), email=email)
            )
    engine.dispose()
    code, out, err = run("members", "deactivate", "Nordmann Kari")
    assert (code, out) == (1, "") and "passer på flere medlemmer" in err
    code, out, _ = run("members", "deactivate", "KARI2@x.no", "--yes")
    assert code == 0 and rows(out)[0][4:7] == ["kari2@x.no", "medlem", "nei"]


def test_missing_file_is_exit_1_with_norwegian_message(run) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run("members", "import", "finnes/ikke.tsv")
    assert (code, out) == (1, "") and "kunne ikke lese filen" in err


def test_groups_create_prints_id_alone_and_list_counts(run) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run("groups", "create", "Faggruppe for næringssamarbeid")
    assert code == 0 and out == "1\n" and "Opprettet" in err
    code, out, err = run("groups", "create", "FAGGRUPPE for  næringssamarbeid")
    assert out == "1\n" and "finnes allerede" in err
    run("members", "import", str(SEED000))
    code, out, _ = run("groups", "list")
    assert rows(out) == [["1", "Faggruppe for næringssamarbeid", "-", str(INVITEES)]]


def test_app_py_imports_seed000_as_a_subprocess(db_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": db_url}
    proc = subprocess.run(
        [sys.executable, "app.py", "members", "import", "tests/fixtures/seed000_invitees.tsv"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == INVITEES
    assert f"{INVITEES} lagt til" in proc.stderr


def test_a_near_match_becomes_a_candidate_naming_both_names(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("members", "import", str(SEED000))
    anne_id = next(r[0] for r in rows(run("members", "list")[1]) if r[1] == "Anne Feltman")
    later = tmp_path / "referat.tsv"
    later.write_text("NAVN\tKOMMUNE / REGION\nAnne Kristine Feltman\tBærum\n", encoding="utf-8")
    code, out, err = run("members", "import", str(later))
    assert code == 0 and rows(out) == [["kandidat", "1", "Anne Kristine Feltman", "Bærum",
                                        "«Anne Feltman»"]]
    assert f"Kandidat 1: «Anne Kristine Feltman» ligner på «Anne Feltman» (id {anne_id})" in err
    assert "0 lagt til, 0 endret, 0 uendret, 1 kandidater" in err
