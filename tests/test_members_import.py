"""Importing the seed invitee list and CSV files; matching names; identity lookups."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from domain.members import ImportFileError, parse_members, read_members
from domain.names import name_key
from services.members import RowOutcome, import_rows
from storage.db import session_scope
from storage.members import IdentityConflict, find_for_identity, guest_home_email, link_identity
from storage.models import Member, Membership, Region, Role, WorkingGroup

FIXTURES = Path(__file__).parent / "fixtures"
SEED000 = FIXTURES / "seed000_invitees.tsv"
NOW = datetime(2023, 8, 24, 9, 0, tzinfo=UTC)
# Attendance of 20 May 2022 (seed 003) as written: other word orders, other spellings.
SEED003 = """NAVN\tKOMMUNE / REGION
Ingar Vaskinn\tKongsberg
Asbjørn Flo\tAsker
Hasvold Helge Bollæren\tSøndre Viken
Camilla Håltem\tLørenskog
Anne Kristine Feltman\tBærum
Maria Hermansdatter Hoff\tLillestrøm
Ingvoldstad, Trond Arne\tModum
Yngvar Trandem\tMossregionens næringsutvikling
Gyüre-Szamosi Anna\tFredrikstad
Kleiven Eystein\tFredrikstad
"""


def run_import(engine: Engine, path_or_text: Path | str, group: str | None = None) -> dict:
    rows, _ = (
        read_members(path_or_text)
        if isinstance(path_or_text, Path)
        else parse_members(path_or_text)
    )
    with session_scope(engine) as session:
        outcomes = import_rows(session, rows, group_name=group, now=NOW)
    by_kind: dict[str, list[RowOutcome]] = {"added": [], "updated": [], "unchanged": [],
                                          "ambiguous": []}
    for out in outcomes:
        by_kind[out.kind].append(out)
    return by_kind


def seed000_pairs() -> list[tuple[str, str]]:
    pairs = []
    for line in SEED000.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        pairs += [(cells[0], cells[1]), (cells[2], cells[3])]
    return pairs


def member_named(session: Session, name: str) -> Member:
    return session.exec(select(Member).where(Member.name_key == name_key(name))).one()


def region_of(session: Session, member: Member) -> str:
    region = session.get(Region, member.region_id)
    assert region is not None
    return region.name


def test_seed000_imports_42_members_with_their_organisations(engine: Engine) -> None:
    result = run_import(engine, SEED000)
    assert len(result["added"]) == len(seed000_pairs()) == 42
    with Session(engine) as session:
        for name, organisation in seed000_pairs():
            assert member_named(session, name).organisation == organisation
        assert region_of(session, member_named(session, "Terje Pettersen")) == "Mosseregionen"
        assert region_of(session, member_named(session, "Anne Feltman")) == "Asker - Bærum"
        drammen = region_of(session, member_named(session, "Toril Lislien"))
        assert drammen != region_of(session, member_named(session, "Dag Aanensen"))
        groups = session.exec(select(WorkingGroup)).all()
        assert [g.name for g in groups] == ["Faggruppe for næringssamarbeid"]
        assert len(session.exec(select(Membership)).all()) == 42


def test_reimport_updates_and_never_duplicates(engine: Engine) -> None:
    run_import(engine, SEED000)
    again = run_import(engine, SEED000)
    assert (len(again["added"]), len(again["updated"]), len(again["ambiguous"])) == (0, 0, 0)
    assert len(again["unchanged"]) == 42
    with Session(engine) as session:
        assert len(session.exec(select(Member)).all()) == 42
        assert len(session.exec(select(Membership)).all()) == 42


def test_seed003_word_orders_match_and_near_matches_stay_apart(engine: Engine) -> None:
    run_import(engine, SEED000)
    with Session(engine) as session:
        before = {m.name_key: m.id for m in session.exec(select(Member))}
    result = run_import(engine, SEED003)
    updated = {o.row.name: o.member_ids for o in result["updated"] + result["unchanged"]}
    assert updated["Hasvold Helge Bollæren"] == [before[name_key("Helge Bollæren Hasvold")]]
    assert updated["Gyüre-Szamosi Anna"] == [before[name_key("Anna Gyüre-Szamosi")]]
    ambiguous = {o.row.name: o.similar for o in result["ambiguous"]}
    assert ambiguous == {
        "Camilla Håltem": ["Camilla Håltøm"],
        "Anne Kristine Feltman": ["Anne Feltman"],
        "Maria Hermansdatter Hoff": ["Maria Hoff"],
        "Kleiven Eystein": ["Eysten Kleven"],
    }
    assert [o.row.name for o in result["added"]] == ["Ingvoldstad, Trond Arne"]
    with Session(engine) as session:
        assert len(session.exec(select(Member)).all()) == 43
        trond = member_named(session, "Trond Arne Ingvoldstad")
        assert (trond.name, region_of(session, trond)) == ("Trond Arne Ingvoldstad", "Modum")
        yngvar = member_named(session, "Yngvar Trandem")
        assert yngvar.organisation == "Mossregionens næringsutvikling"
        assert region_of(session, yngvar) == "Mosseregionen"


@pytest.mark.parametrize(
    "filename", ["members_comma.csv", "members_semicolon_bom.csv", "members_cp1252.csv"]
)
def test_csv_variants_import_with_roles_and_groups(engine: Engine, filename: str) -> None:
    path = FIXTURES / filename
    expected = path.read_bytes().count(b"\n") - 1
    result = run_import(engine, path)
    assert len(result["added"]) == expected
    with Session(engine) as session:
        members = session.exec(select(Member)).all()
        roles = {Role(m.role) for m in members}
        assert Role.secretariat in roles
        assert all(m.name and "\ufeff" not in m.name and "�" not in m.name for m in members)
        assert session.exec(select(WorkingGroup)).one().name == "Faggruppe for næringssamarbeid"


def test_email_match_wins_and_role_words_are_norwegian_or_english(engine: Engine) -> None:
    run_import(engine, SEED000)
    result = run_import(engine, FIXTURES / "members_comma.csv", group="Ekstra")
    assert [o.row.name for o in result["updated"]] == ["Anne Feltman", "Øyvind Såtvedt"]
    renamed = "name,email\nAnne F. Feltman,anne.feltman@ASKER.kommune.no\n"
    again = run_import(engine, renamed)
    with Session(engine) as session:
        anne = session.get(Member, again["updated"][0].member_ids[0])
        assert anne is not None and anne.name == "Anne F. Feltman"
        trond = member_named(session, "Trond Arne Ingvoldstad")
        assert Role(trond.role) is Role.guest
        eva = member_named(session, "Eva Snare")  # the one row without a group column value
        in_groups = session.exec(
            select(WorkingGroup.name).join(Membership).where(Membership.member_id == eva.id)
        ).all()
        assert in_groups == ["Ekstra"]


def test_group_option_creates_group_once(engine: Engine) -> None:
    run_import(engine, SEED000, group="Næring  Øst")
    run_import(engine, SEED000, group="næring øst")
    with Session(engine) as session:
        groups = session.exec(select(WorkingGroup)).all()
        assert [(g.name, g.name_key) for g in groups] == [("Næring Øst", "næring øst")]


def test_unreadable_or_empty_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="kunne ikke lese"):
        read_members(tmp_path / "finnes-ikke.tsv")
    (tmp_path / "tom.txt").write_text("Innkalt:\n\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="fant ingen medlemmer"):
        read_members(tmp_path / "tom.txt")


def test_header_and_blank_lines_are_tolerated() -> None:
    text = "Innkalt:\n\n" + SEED000.read_text(encoding="utf-8") + "\n\n"
    rows, warnings = parse_members(text)
    assert [(r.name, r.organisation) for r in rows] == seed000_pairs()
    assert warnings == []


def test_find_for_identity_by_aad_email_and_guest_upn(engine: Engine) -> None:
    run_import(engine, FIXTURES / "members_comma.csv")
    with session_scope(engine) as session:
        anne = member_named(session, "Anne Feltman")
        by_guest = find_for_identity(
            session, aad_object_id="aad-1", email=None,
            upn="anne.feltman_asker.kommune.no#EXT#@osloregionen.onmicrosoft.com",
        )  # fmt: skip
        assert by_guest is not None and by_guest.id == anne.id
        link_identity(
            session,
            anne,
            aad_object_id="aad-1",
            teams_user_id="29:a",
            tenant_id="t",
            email=None,
            upn="x#EXT#@o",
            name="Anne",
        )
        assert find_for_identity(session, aad_object_id="aad-1", email=None, upn=None) is anne
        eva_mail = "OYVIND.satvedt@osloregionen.no"
        found = find_for_identity(session, aad_object_id="aad-2", email=eva_mail, upn=None)
        assert found is not None and found.name == "Øyvind Såtvedt"
        assert find_for_identity(session, aad_object_id="zzz", email="no@x.no", upn=None) is None
        with pytest.raises(IdentityConflict):
            link_identity(
                session,
                anne,
                aad_object_id="aad-other",
                teams_user_id=None,
                tenant_id=None,
                email=None,
                upn=None,
                name=None,
            )
        assert (anne.aad_object_id, anne.teams_user_id, anne.name) == (
            "aad-1",
            "29:a",
            "Anne Feltman",
        )
        assert guest_home_email("plain@osloregionen.no") is None


def test_same_name_with_another_email_is_ambiguous(engine: Engine) -> None:
    first = run_import(engine, "name,email\nKari Nordmann,kari@asker.kommune.no\n")
    second = run_import(engine, "name,email\nNordmann Kari,kari@baerum.kommune.no\n")
    assert [o.member_ids for o in second["ambiguous"]] == [first["added"][0].member_ids]
    with Session(engine) as session:
        assert [m.email for m in session.exec(select(Member))] == ["kari@asker.kommune.no"]
