"""Sub-regions in the database and on the CLI: the default file loaded, seed 000's coverage
against the expected table, `regions import` (good and bad files), `regions list`,
`groups coverage`, and each region's sub-region parent."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from storage.migrate import upgrade
from storage.models import AuditEntry, Member, Region, Role
from storage.subregions import group_coverage
from storage.subregions_models import SubRegion, SubRegionOrganisation
from tests.cli_support import GROUP, Run, make_runner

FIXTURES = Path(__file__).parent / "fixtures"
SEED000 = str(FIXTURES / "seed000_invitees.tsv")
DEFAULT = Path(__file__).parent.parent / "storage" / "data" / "regions.csv"


@pytest.fixture
def run(db_url, clock, capsys) -> Run:
    return make_runner(db_url, clock, capsys)


def _engine(run: Run):
    return run.ctx.engine  # type: ignore[attr-defined]


def expected_table() -> list[list[str]]:
    lines = (FIXTURES / "seed000_coverage.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def _import_seed000(run: Run) -> None:
    code, _out, err = run("members", "import", SEED000, "--group", GROUP)
    assert code == 0, err


def _rows(out: str) -> list[list[str]]:
    return [line.split("\t") for line in out.splitlines()]


def test_seed000_members_against_the_default_file_give_the_expected_table(run: Run) -> None:
    _import_seed000(run)
    code, out, err = run("groups", "coverage", GROUP)
    assert code == 0 and err == ""
    rows = _rows(out)
    assert {tuple(r[:2]) for r in rows} == {("1", GROUP)}, "id and group first"
    assert [r[2:] for r in rows] == expected_table()
    assert sum(int(r[4]) for r in rows) == 42


def test_the_coverage_read_agrees_with_the_table_for_seed000(run: Run) -> None:
    _import_seed000(run)
    with Session(_engine(run)) as s:
        cov = group_coverage(s, 1)
    words = {"missing": "mangler", "single": "én person", "covered": "dekket"}
    assert [[r.name, words[r.status], str(r.count), ", ".join(r.organisations)]
            for r in cov.sub_regions] == expected_table()
    assert cov.outside == () and cov.unknown == ()


def test_only_active_members_count_not_the_secretariat_or_guests(run: Run) -> None:
    _import_seed000(run)
    with Session(_engine(run)) as s:
        for name, change in (("Trine Knobel", {"active": False}),
                             ("Lina-Maria Linge", {"role": Role.secretariat}),
                             ("Anne-Marte Kolbjørnhus", {"role": Role.guest})):
            member = s.exec(select(Member).where(Member.name == name)).one()
            for key, value in change.items():
                setattr(member, key, value)
            s.add(member)
        s.commit()
    code, out, err = run("groups", "coverage")
    missing = [r[2] for r in _rows(out) if r[3] == "mangler"]
    assert missing == ["Gardermoregionen", "Ringerike", "Gjøvikregionen"]
    assert "Delregioner uten aktivt medlem: 3" in err


def _write(tmp_path: Path, text: str, name: str = "regions.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _table(run: Run) -> list[tuple[str, int | None]]:
    with Session(_engine(run)) as s:
        return [(o.organisation, o.sub_region_id) for o in s.exec(
            select(SubRegionOrganisation).order_by(col(SubRegionOrganisation.id)))]


def test_regions_import_replaces_the_sub_regions_and_is_audited(run: Run, tmp_path) -> None:
    _import_seed000(run)
    # The secretariat joins Hamar and Gjøvik into one sub-region and drops Ringerike.
    text = DEFAULT.read_text(encoding="utf-8")
    text = text.replace("Hamarregionen;Hamarregionen", "Hamarregionen;Innlandet")
    text = text.replace("Gjøvikregionen;Gjøvikregionen", "Gjøvikregionen;Innlandet")
    text = text.replace("Ringerike;Ringerike\nHole;Ringerike\n", "")
    code, out, err = run("regions", "import", _write(tmp_path, text))
    assert (code, out) == (0, "14\t57\n"), err
    assert "Lest inn 14 delregioner og 57 organisasjoner." in err
    assert "Ikke i filen" in err and "Ringerike" in err
    _code, out, _err = run("groups", "coverage", GROUP)
    rows = {r[2]: r[3:] for r in _rows(out)}
    assert rows["Innlandet"] == ["dekket", "3", "Gjøvikregionen, Hamarregionen"]
    assert "Hamarregionen" not in rows and "Ringerike" not in rows
    assert rows["-"] == ["ukjent", "1", "Ringerike"]
    with Session(_engine(run)) as s:
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "regions.import")).one()
        assert "actor=cli:" in entry.detail and "sub_regions=14" in entry.detail
        hamar = s.exec(select(Region).where(Region.name == "Hamarregionen")).one()
        parent = s.get(SubRegion, hamar.sub_region_id)
        assert parent is not None and parent.name == "Innlandet", "the region's parent follows"


@pytest.mark.parametrize(("lines", "said"), [
    (["Asker;Asker og Bærum", "Bærum;Asker og Bærum;ekstra"], "Linje 3: ventet to kolonner"),
    (["Asker;Asker og Bærum", "Frogn;Follo", "Asker;Follo"],
     "Linje 4: «Asker» står allerede på linje 2."),
    (["Asker;Asker og Bærum", "Frogn;"], "Linje 3: «Frogn» mangler delregion"),
])
def test_a_bad_file_is_refused_with_its_line_and_nothing_changes(run: Run, tmp_path,
                                                                 lines: list[str],
                                                                 said: str) -> None:
    before = _table(run)
    assert len(before) == 59, "the default file is loaded in a new database"
    path = _write(tmp_path, "\n".join(["organisasjon;delregion", *lines]) + "\n")
    code, out, err = run("regions", "import", path)
    assert (code, out) == (1, "")
    assert said in err and "Ingenting er endret." in err and "Traceback" not in err
    assert _table(run) == before
    with Session(_engine(run)) as s:
        assert not s.exec(select(AuditEntry).where(AuditEntry.action == "regions.import")).all()


def test_a_file_not_in_utf8_or_missing_is_refused_in_norwegian(run: Run, tmp_path) -> None:
    path = tmp_path / "cp1252.csv"
    path.write_bytes("organisasjon;delregion\nÅs;Follo\n".encode("cp1252"))
    code, _out, err = run("regions", "import", str(path))
    assert code == 1 and "ikke UTF-8 (linje 2)" in err
    code, _out, err = run("regions", "import", str(tmp_path / "finnes-ikke.csv"))
    assert code == 1 and err.startswith("Feil: ") and "Traceback" not in err


def test_regions_list_puts_ids_first_with_each_regions_sub_region(run: Run) -> None:
    _import_seed000(run)
    code, _out, _err = run("members", "add", "--name", "Eirik Mathiesen", "--organisation",
                           "Viken", "--group", GROUP)
    assert code == 0
    code, _out, _err = run("members", "add", "--name", "Randi Hoseth", "--organisation",
                           "Osloregionens Europakontor", "--group", GROUP)
    assert code == 0
    code, out, err = run("regions", "list")
    assert code == 0 and err == ""
    rows = {r[1]: r for r in _rows(out)}
    assert all(r[0].isdigit() for r in rows.values())
    assert rows["Oslo kommune"][2:] == ["Oslo", "5"]
    assert rows["Lunner kommune"][2:] == ["Hadeland", "1"]
    assert rows["Viken"][2] == "-", "a county the file places in no sub-region"
    assert rows["Osloregionens Europakontor"][2] == "ukjent"
    _code, out, _err = run("groups", "coverage", GROUP)
    rest = [r[2:] for r in _rows(out) if r[2] == "-"]
    assert rest == [["-", "utenfor", "1", "Viken"],
                    ["-", "ukjent", "1", "Osloregionens Europakontor"]]


def test_a_region_made_after_the_file_was_loaded_gets_its_sub_region(run: Run) -> None:
    code, _out, err = run("members", "add", "--name", "Harriet Slaaen", "--organisation",
                          "Hole")
    assert code == 0, err
    with Session(_engine(run)) as s:
        hole = s.exec(select(Region).where(Region.name == "Hole")).one()
        parent = s.get(SubRegion, hole.sub_region_id)
        assert parent is not None and parent.name == "Ringerike"


def test_groups_coverage_of_an_unknown_group_says_so_and_no_group_lists_nothing(
        run: Run) -> None:
    code, out, err = run("groups", "coverage")
    assert (code, out) == (0, "") and "(ingen)" in err
    _import_seed000(run)
    code, out, err = run("groups", "coverage", "Faggruppe for næringssamarbeide")
    assert (code, out) == (1, "") and f"Mente du «{GROUP}»?" in err


def test_the_database_is_the_source_of_truth_once_loaded(run: Run, tmp_path) -> None:
    path = _write(tmp_path, "organisasjon;delregion\nAsker;Asker og Bærum\n")
    assert run("regions", "import", path)[0] == 0
    upgrade(_engine(run))  # the next start: the default file is not loaded again
    assert [org for org, _sub in _table(run)] == ["Asker"]
    with Session(_engine(run)) as s:
        assert [r.name for r in s.exec(select(SubRegion))] == ["Asker og Bærum"]
