"""Shared set-up for the meeting tests and bench/rsvp.py: seed 000's group and meeting."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from domain.members import read_members
from services.members import import_rows
from storage.db import session_scope
from storage.groups import get_or_create_group
from storage.meeting_models import AgendaItem, Meeting, MeetingDocument, MeetingGroup
from storage.members import name_key
from storage.models import ConversationRef, Member, Role
from tests.harness import FIXTURES, TENANT

SEED = json.loads((FIXTURES / "seed000_meeting.json").read_text(encoding="utf-8"))
GROUP = SEED["group"]


def aad(i: int) -> str:
    return f"00000000-0000-4000-8000-{i:012d}"


def seed_members(engine: Engine, service_url: str) -> list[int]:
    """Seed 000's 42 invitees (imported from the TSV) with Teams ids and 1:1 chats."""
    rows, problems = read_members(FIXTURES / "seed000_invitees.tsv")
    assert not problems and len(rows) == 42
    with session_scope(engine) as session:
        import_rows(session, rows, group_name=GROUP, now=datetime.now(UTC))
        members = list(session.exec(select(Member).order_by(col(Member.id))))
        for i, m in enumerate(members):
            m.aad_object_id, m.teams_user_id, m.tenant_id = aad(i), f"29:user-{i}", TENANT
            m.email = f"{m.name_key.replace(' ', '.')}@example.no"
            if m.name in SEED["secretariat"]:
                m.role = Role.secretariat
            session.add(m)
        for j, name in enumerate(n for n in SEED["secretariat"]
                                 if n not in {m.name for m in members}):
            session.add(Member(name=name, name_key=name_key(name), organisation="Osloregionen",
                               role=Role.secretariat, aad_object_id=aad(100 + j),
                               teams_user_id=f"29:user-{100 + j}", tenant_id=TENANT))
        session.flush()
        everyone = list(session.exec(select(Member).order_by(col(Member.id))))
        session.execute(insert(ConversationRef), [
            {"conversation_id": f"a:conv-{m.teams_user_id}", "kind": "personal",
             "service_url": service_url, "tenant_id": TENANT, "bot_id": "28:bot",
             "member_id": m.id, "installed": True, "installed_at": datetime.now(UTC)}
            for m in everyone])
        return [m.id or 0 for m in members]


def seed_meeting(engine: Engine, group_name: str = GROUP, **overrides: Any) -> int:
    """Seed 000's meeting (31 Aug 2023 09.00–10.30, Klækken hotel) with agenda and documents."""
    with session_scope(engine) as session:
        group = get_or_create_group(session, group_name)
        fields = {"title": SEED["title"], "place": SEED["place"],
                  "preparation": SEED["preparation"],
                  **{k: datetime.fromisoformat(SEED[k])
                     for k in ("starts_at", "ends_at", "rsvp_deadline")}, **overrides}
        meeting = Meeting(**fields)
        session.add(meeting)
        session.flush()
        mid = meeting.id or 0
        session.add(MeetingGroup(meeting_id=mid, group_id=group.id or 0))
        for n, title in enumerate(SEED["agenda"], start=1):
            session.add(AgendaItem(meeting_id=mid, number=n, title=title))
        for title, url in SEED["documents"]:
            session.add(MeetingDocument(meeting_id=mid, title=title, url=url))
        return mid


def member(engine: Engine, name: str) -> Member:
    """A member by name (detached, for its ids)."""
    with session_scope(engine) as session:
        found = session.exec(select(Member).where(Member.name == name)).one()
        session.expunge(found)
        return found
