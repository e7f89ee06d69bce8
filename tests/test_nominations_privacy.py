"""A nomination is personal data: `mine data` exports it, erasure redacts the nominee's copies,
and decided nominations go a year after the decision."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from domain.names import name_key
from domain.nominations import NominationSource, check_nominee
from services import nominations as service
from services.privacy import erase_member
from storage import privacy
from storage.db import session_scope
from storage.groups import add_membership, get_or_create_group
from storage.models import Member
from storage.nomination_models import Nomination

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _nominated(engine: Engine, email: str = "kari.nordmann@asker.kommune.no") -> tuple[int, int]:
    """(nominator id, nomination id): Anne nominates Kari."""
    with session_scope(engine) as s:
        group = get_or_create_group(s, "Faggruppe for næringssamarbeid")
        anne = Member(name="Anne Feltman", name_key=name_key("Anne Feltman"), organisation="Asker")
        s.add(anne)
        s.flush()
        add_membership(s, group, anne)
        fields, _ = check_nominee("Kari Nordmann", email, "Asker", "Næringssjef")
        assert fields is not None
        n = service.submit(s, group.id or 0, fields, now=NOW, source=NominationSource.teams,
                           nominator=anne, entered_by="teams")
        return anne.id or 0, n.id or 0


def test_mine_data_exports_the_nominations_a_member_made_and_received(engine: Engine) -> None:
    anne, nid = _nominated(engine)
    with session_scope(engine) as s:
        kari = service.approve(s, nid, now=NOW, by_member_id=None, by="cli:x@y").member.id
    with Session(engine) as s:
        made = privacy.export(s, anne)["nominasjoner"]
        received = privacy.export(s, kari or 0)["nominasjoner"]
    assert [(n["id"], n["navn"], n["nominert_av_deg"]) for n in made] == [
        (nid, "Kari Nordmann", True)]
    assert [(n["id"], n["status"], n["nominert_av_deg"]) for n in received] == [
        (nid, "approved", False)]


def test_erasing_the_nominee_redacts_the_copies_in_the_nomination(engine: Engine) -> None:
    _anne, nid = _nominated(engine)
    with session_scope(engine) as s:
        kari = service.approve(s, nid, now=NOW, by_member_id=None, by="cli:x@y").member.id
    with session_scope(engine) as s:
        erase_member(s, kari or 0, NOW, actor_member_id=None, actor="cli:x@y")
    with Session(engine) as s:
        n = s.get(Nomination, nid)
        assert n is not None
        assert "Kari" not in n.name and "kari.nordmann" not in n.email
        assert "[slettet]" in n.name


def test_decided_nominations_go_a_year_after_the_decision_open_ones_stay(engine: Engine) -> None:
    _anne, decided = _nominated(engine)
    with session_scope(engine) as s:
        service.reject(s, decided, "Nei.", now=NOW, by_member_id=None, by="cli:x@y")
    with session_scope(engine) as s:
        fields, _ = check_nominee("Per Hansen", "per@asker.kommune.no", "Asker")
        assert fields is not None
        group = get_or_create_group(s, "Faggruppe for næringssamarbeid")
        service.submit(s, group.id or 0, fields, now=NOW, source=NominationSource.cli,
                       nominator=None, entered_by="cli:x@y")
    later = NOW + timedelta(days=366)
    with session_scope(engine) as s:
        assert privacy.due(s, NOW + timedelta(days=364))["nominations"] == 0
        assert privacy.due(s, later)["nominations"] == 1
        assert privacy.apply_retention(s, later, "2027-12-02")["nominations"] == 1
    with Session(engine) as s:
        assert [n.name for n in s.exec(select(Nomination))] == ["Per Hansen"]
