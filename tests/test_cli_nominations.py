"""`nominations add|list|approve|reject`: the id alone on stdout, ids first in lists, Norwegian
on stderr, non-zero exit without a traceback, every change audited with the CLI user."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from core.clock import FrozenClock
from domain.names import name_key
from domain.nominations import NominationStatus
from storage.delivery_models import Delivery
from storage.groups import add_membership, get_or_create_group
from storage.models import AuditEntry, Member, Membership, Role
from storage.nomination_models import Nomination
from tests.cli_support import GROUP, make_runner
from tests.test_audit_table import NOW

ADD = ("nominations", "add", "--group", GROUP, "--name", "Kari Nordmann", "--email",
       "kari.nordmann@asker.kommune.no", "--organisation", "Asker", "--role", "Næringssjef")


@pytest.fixture
def run(db_url, capsys):  # type: ignore[no-untyped-def]
    runner = make_runner(db_url, FrozenClock(NOW), capsys)
    with Session(runner.ctx.engine) as s:  # type: ignore[attr-defined]
        group = get_or_create_group(s, GROUP)
        for name, email, role in (("Øyvind Såtvedt", "oyvind@osloregionen.no", Role.secretariat),
                                  ("Ola Asker", "ola@asker.kommune.no", Role.member)):
            m = Member(name=name, name_key=name_key(name), email=email, role=role,
                       organisation="Asker")
            s.add(m)
            s.flush()
            add_membership(s, group, m)
        s.commit()
    return runner


def _cli_rows(engine, action: str) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return [e for e in s.exec(select(AuditEntry).where(AuditEntry.action == action))
                if "actor=cli:" in e.detail]


def test_add_prints_the_id_alone_and_sends_the_card_to_the_secretariat(run) -> None:
    code, out, err = run(*ADD, "--replaces", "ola@asker.kommune.no")
    assert (code, out) == (0, "1\n")
    assert "Nominasjon 1 (Kari Nordmann til Faggruppe for næringssamarbeid) er registrert" in err
    engine = run.ctx.engine
    with Session(engine) as s:
        n = s.get(Nomination, 1)
        assert n is not None and n.entered_by.startswith("cli:") and n.source == "cli"
        assert n.replaces_member_id is not None
        (row,) = s.exec(select(Delivery).where(Delivery.purpose == "nomination")).all()
        assert "Kari Nordmann" in row.payload and "sekretariatet (fra e-post)" in row.payload
    assert _cli_rows(engine, "nominations.add")


def test_list_puts_ids_first_and_open_leaves_decided_ones_out(run) -> None:
    run(*ADD)
    run("nominations", "add", "--group", GROUP, "--name", "Per Hansen", "--email",
        "per@lier.kommune.no", "--organisation", "Lier")
    run("nominations", "reject", "2", "--reason", "Lier er ikke med i samarbeidet.")
    code, out, _err = run("nominations", "list")
    rows = [line.split("\t") for line in out.splitlines()]
    assert code == 0 and [r[:4] for r in rows] == [
        ["1", "innsendt", GROUP, "Kari Nordmann"], ["2", "avslått", GROUP, "Per Hansen"]]
    code, out, _err = run("nominations", "list", "--open")
    assert [line.split("\t")[0] for line in out.splitlines()] == ["1"]
    assert _cli_rows(run.ctx.engine, "nominations.read")  # a read of personal data


def test_approve_adds_the_member_and_names_the_email_to_add_to_the_team(run) -> None:
    run(*ADD, "--replaces", "Ola Asker")
    code, out, err = run("nominations", "approve", "1")
    assert code == 0 and out.strip().isdigit()
    assert "legg kari.nordmann@asker.kommune.no til i gruppens team" in err
    with Session(run.ctx.engine) as s:
        kari = s.get(Member, int(out))
        assert kari is not None and kari.email == "kari.nordmann@asker.kommune.no"
        assert s.exec(select(Membership).where(Membership.member_id == kari.id)).one()
        ola = s.exec(select(Member).where(Member.name == "Ola Asker")).one()
        assert ola.active is False
        n = s.get(Nomination, 1)
        assert n is not None and n.status == NominationStatus.approved
        assert n.decided_by.startswith("cli:")
    assert _cli_rows(run.ctx.engine, "nominations.approve")
    code, out, err = run("nominations", "approve", "1")
    assert code == 1 and out == ""
    assert "Nominasjon 1 er allerede avgjort: Godkjent av cli:" in err
    assert "Traceback" not in err


def test_reject_needs_a_reason_and_a_decided_nomination_stays_decided(run) -> None:
    run(*ADD)
    code, _out, err = run("nominations", "reject", "1", "--reason", "  ")
    assert code == 1 and "Skriv en begrunnelse" in err
    code, out, err = run("nominations", "reject", "1", "--reason", "For mange fra Asker.")
    assert (code, out) == (0, "1\n") and "Nominasjon 1 (Kari Nordmann) er avslått." in err
    assert _cli_rows(run.ctx.engine, "nominations.reject")
    code, _out, err = run("nominations", "approve", "1")
    assert code == 1 and "Avslått av" in err and "For mange fra Asker." in err


def test_refusals_are_norwegian_with_exit_1_and_name_what_exists(run) -> None:
    code, _out, err = run("nominations", "add", "--group", GROUP, "--name", "Ola Asker",
                          "--email", "OLA@asker.kommune.no", "--organisation", "Asker")
    assert code == 1 and "er allerede aktivt medlem av Faggruppe for næringssamarbeid" in err
    run(*ADD)
    code, _out, err = run(*ADD)
    assert code == 1 and "er allerede nominert til Faggruppe for næringssamarbeid: " \
        "nominasjon 1, mottatt" in err
    code, _out, err = run(*ADD[:-4], "--email", "ikke-epost", "--organisation", "Asker")
    assert code == 1 and "er ikke en e-postadresse" in err
    code, _out, err = run(*ADD[:3], "Faggruppe for naeringssamarbeid", *ADD[4:])
    assert code == 1 and "Mente du" in err
    for bad in (("approve", "x1"), ("approve", "99"), ("reject", "99", "--reason", "r")):
        code, _out, err = run("nominations", *bad)
        assert code == 1 and err.startswith("Feil: ") and "Traceback" not in err
    code, _out, err = run(*ADD[:4], "--name", "Per Hansen", "--email", "per@lier.no",
                          "--organisation", "Lier", "--replaces", "Ingen Slik")
    assert code == 1 and "Fant ikke noe medlem" in err
    with Session(run.ctx.engine) as s:
        assert len(s.exec(select(Nomination)).all()) == 1


def test_groups_merge_moves_nominations_and_delete_takes_them_along(run) -> None:
    from tests.cli_support import make_groups

    make_groups(run, "Andre gruppe", "Tredje gruppe")
    run(*ADD)  # open in the main group
    run(*ADD[:3], "Andre gruppe", *ADD[4:])  # the same person, open in the group merged in
    run(*ADD[:3], "Andre gruppe", "--name", "Per Hansen", "--email", "per@lier.no",
        "--organisation", "Lier")
    run(*ADD[:3], "Tredje gruppe", "--name", "Per Hansen", "--email", "per@lier.no",
        "--organisation", "Lier")
    code, _out, err = run("groups", "merge", "Andre gruppe", GROUP, "--yes")
    assert code == 0, err
    with Session(run.ctx.engine) as s:
        rows = sorted((n.email, n.id) for n in s.exec(select(Nomination)))
    # Kari's duplicate went (the main group's open one stands); Per's moved.
    assert rows == [("kari.nordmann@asker.kommune.no", 1), ("per@lier.no", 3),
                    ("per@lier.no", 4)]
    code, _out, err = run("groups", "delete", "Tredje gruppe", "--yes")
    assert code == 0, err
    with Session(run.ctx.engine) as s:
        assert sorted(n.id or 0 for n in s.exec(select(Nomination))) == [1, 3]
