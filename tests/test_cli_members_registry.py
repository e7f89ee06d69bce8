"""`members add|edit|resolve|candidates|merge`: ids on stdout, Norwegian on stderr, exit codes;
seed 003's near matches resolved in a later `python app.py` process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, select

import cli
from core.settings import load_settings
from storage.db import make_engine
from storage.members_models import MemberAlias, MemberCandidate
from storage.models import Member

ROOT = Path(__file__).resolve().parent.parent
SEED000 = ROOT / "tests" / "fixtures" / "seed000_invitees.tsv"
SEED003 = ROOT / "tests" / "fixtures" / "seed003_attendance.tsv"


@pytest.fixture
def run(db_url: str, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    ctx = cli.CliContext(settings=load_settings(database_url=db_url))

    def _run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv), ctx, nouns=("members", "groups"))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


def rows(out: str) -> list[list[str]]:
    return [line.split("\t") for line in out.splitlines()]


def _app(db_url: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "app.py", *argv], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env={**os.environ, "DATABASE_URL": db_url})


def _id_of(run, name: str) -> str:  # type: ignore[no-untyped-def]
    return next(r[0] for r in rows(run("members", "list")[1]) if r[1] == name)


def test_seed003_candidates_are_resolved_in_a_later_process_and_a_reimport_asks_nothing(
        run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    run("members", "import", str(SEED000))
    code, out, err = run("members", "import", str(SEED003))
    assert code == 0
    found = {r[2]: r for r in rows(out) if r[0] == "kandidat"}
    camilla, maria = found["Camilla Håltem"], found["Maria Hermansdatter Hoff"]
    assert camilla[4] == "«Camilla Håltøm»" and maria[4] == "«Maria Hoff»"
    assert f"Kandidat {camilla[1]}: «Camilla Håltem» ligner på «Camilla Håltøm»" in err
    assert {"Eva Snare", "Ingvoldstad, Trond Arne"} <= {r[2] for r in rows(out)
                                                       if r[0] == "lagt til"}
    camilla_id, maria_id = _id_of(run, "Camilla Håltøm"), _id_of(run, "Maria Hoff")

    later = _app(db_url, "members", "resolve", camilla[1], "--same-as", camilla_id)
    assert (later.returncode, later.stdout) == (0, f"{camilla_id}\n"), later.stderr
    assert "stavemåten er lagret" in later.stderr
    by_name = _app(db_url, "members", "resolve", "Hoff Maria Hermansdatter", "--new")
    assert by_name.returncode == 0, by_name.stderr
    new_id = by_name.stdout.strip()
    assert new_id.isdigit() and new_id != maria_id
    for open_one in rows(run("members", "candidates")[1]):  # the rest: same person each
        similar = open_one[4].split(" ", 1)[0]
        assert run("members", "resolve", open_one[0], "--same-as", similar)[0] == 0

    code, out, err = run("members", "import", str(SEED003))
    assert code == 0 and "kandidat" not in [r[0] for r in rows(out)]
    again = {r[2]: r for r in rows(out)}
    assert again["Camilla Håltem"][:2] == ["uendret", camilla_id]
    assert again["Maria Hermansdatter Hoff"][:2] == ["uendret", new_id]
    assert again["Hasvold Helge Bollæren"][0] == "uendret"  # word order: matched directly
    assert "0 lagt til, 0 endret, 20 uendret, 0 kandidater" in err


def test_resolve_refuses_an_unknown_or_already_resolved_candidate(run) -> None:  # type: ignore[no-untyped-def]
    run("members", "import", str(SEED000))
    run("members", "import", str(SEED003))
    code, _out, err = run("members", "resolve", "Ola Nordmann", "--new")
    assert code == 1 and "Fant ingen kandidat «Ola Nordmann»" in err
    assert run("members", "resolve", "Camilla Håltem", "--new")[0] == 0
    code, out, err = run("members", "resolve", "Camilla Håltem", "--same-as", "1")
    assert (code, out) == (1, "")
    assert "er allerede avgjort: lagt til som ny person, Camilla Håltem" in err
    code, _out, err = run("members", "resolve", "Maria Hermansdatter Hoff", "--same-as", "x")
    assert code == 1 and "«x» er ikke en medlems-id" in err
    code, _out, err = run("members", "resolve", "Maria Hermansdatter Hoff", "--same-as", "999")
    assert code == 1 and "Fant ikke noe medlem med id 999" in err


def test_members_add_prints_the_id_alone_and_refuses_bad_input(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    run("members", "import", str(SEED000))
    code, out, err = run("members", "add", "--name", "Per Hansen", "--organisation", "Asker",
                         "--email", "per.hansen@asker.kommune.no", "--phone", "912 34 567")
    assert code == 0 and out.strip().isdigit() and "Per Hansen er lagt til" in err
    for bad, said in ((["--email", "per.hansen"], "«per.hansen» er ikke en e-postadresse"),
                      (["--phone", "12"], "«12» er ikke et telefonnummer"),
                      (["--group", "Faggruppe for næringsamarbeid"], "Mente du"),
                      (["--role", "sjef"], "ukjent rolle «sjef»")):
        code, out, err = run("members", "add", "--name", "Kari To", "--organisation", "Asker",
                             *bad)
        assert (code, out) == (1, ""), bad
        assert said in err and "Traceback" not in err
    with Session(make_engine(db_url)) as s:
        per = s.exec(select(Member).where(Member.name == "Per Hansen")).one()
        assert per.phone == "+4791234567"
        assert not s.exec(select(Member).where(Member.name == "Kari To")).all()


def test_members_edit_changes_only_what_is_given(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    run("members", "import", str(SEED000))
    code, out, err = run("members", "edit", "Anne Feltman", "--email",
                         "anne.feltman@asker.kommune.no", "--phone", "+47 22 33 44 55")
    assert code == 0 and rows(out)[0][1] == "Anne Feltman"
    assert "Anne Feltman: endret e-post, telefon" in err
    code, _out, err = run("members", "edit", "anne.feltman@asker.kommune.no", "--name",
                          "Anne Marie Feltman")
    assert code == 0 and "endret navn" in err
    for argv, said in ((["Ukjent Person", "--phone", "22334455"], "fant ikke noe medlem"),
                       (["Anne Marie Feltman", "--email", "ikke-epost"], "er ikke en e-post"),
                       (["Anne Marie Feltman"], "Ingenting å endre")):
        code, out, err = run("members", "edit", *argv)
        assert (code, out) == (1, "") and said in err, argv
    with Session(make_engine(db_url)) as s:
        anne = s.exec(select(Member).where(Member.email == "anne.feltman@asker.kommune.no")).one()
        assert (anne.name, anne.phone) == ("Anne Marie Feltman", "+4722334455")


def test_members_merge_refuses_itself_and_two_accounts_without_yes(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    run("members", "import", str(SEED000))
    _code, out, _err = run("members", "add", "--name", "Camilla Håltem", "--organisation",
                           "Lørenskog")
    fra, til = out.strip(), _id_of(run, "Camilla Håltøm")
    code, _out, err = run("members", "merge", til, til)
    assert code == 1 and "med seg selv" in err
    engine = make_engine(db_url)
    with Session(engine) as s:
        for mid, aad in ((fra, "aad-1"), (til, "aad-2")):
            m = s.get(Member, int(mid))
            assert m is not None
            m.aad_object_id, m.upn = aad, f"{aad}@lorenskog.kommune.no"
            s.add(m)
        s.commit()
    code, out, err = run("members", "merge", fra, til)
    assert (code, out) == (1, "")
    assert "aad-1@lorenskog.kommune.no" in err and "aad-2@lorenskog.kommune.no" in err
    code, out, err = run("members", "merge", fra, til, "--yes")
    assert (code, out.strip()) == (0, til) and "er slått sammen med Camilla Håltøm" in err
    with Session(engine) as s:
        assert s.get(Member, int(fra)).merged_into_id == int(til)  # type: ignore[union-attr]
        assert s.exec(select(MemberAlias.name)).all() == ["Camilla Håltem"]
        assert s.exec(select(MemberCandidate)).all() == []
