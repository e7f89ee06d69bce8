"""Shared set-up for the delivery tests and bench/sendout.py (no tests of its own)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from storage.db import session_scope
from storage.delivery_models import Delivery
from storage.groups import get_or_create_group
from storage.models import ConversationRef, Member, Membership
from tests.fakes.connector import FakeConnector

TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
START = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def seed_group(engine: Engine, service_url: str, count: int, group: str = "Plan og bygg",
               with_chat: bool = True, first: int = 0) -> list[int]:
    """`count` active members of `group`, each with a 1:1 chat (or only a Teams user id)."""
    with session_scope(engine) as session:
        grp = get_or_create_group(session, group)
        members = [{"name": f"Medlem {i:05d}", "name_key": f"medlem {i:05d}",
                    "organisation": "", "teams_user_id": f"29:user-{i}", "tenant_id": TENANT,
                    "aad_object_id": f"aad-{i}", "role": "member", "active": True,
                    "reachable": True, "created_at": START, "updated_at": START}
                   for i in range(first, first + count)]
        ids = list(session.scalars(insert(Member).returning(col(Member.id)), members))
        session.execute(insert(Membership), [{"group_id": grp.id, "member_id": m} for m in ids])
        refs = [{"conversation_id": f"a:conv-{i}", "kind": "personal",
                 "service_url": service_url, "tenant_id": TENANT, "bot_id": "28:bot",
                 "member_id": m, "installed": True, "installed_at": START}
                for i, m in zip(range(first, first + count), ids, strict=True)]
        if not with_chat:
            # Someone must have installed the bot in the tenant for a service URL to exist.
            refs = [{**refs[0], "conversation_id": "19:team@thread.tacv2", "kind": "channel",
                     "member_id": None}]
        session.execute(insert(ConversationRef), refs)
    return [m for m in ids if m is not None]


def assert_throttled_sends_retried(engine: Engine, fc: FakeConnector) -> None:
    """What the design promises about Teams' limits (not "no violation ever": a late request
    can land in a full second): every request over a limit was answered 429, counted on its
    row, sent again no earlier than Retry-After, and in the end delivered."""
    throttled = sum(1 for c in fc.calls if c.status == 429)
    assert throttled >= len(fc.violations)
    assert fc.early_retries == []
    with session_scope(engine) as session:
        rows = list(session.exec(select(Delivery)))
    assert sum(r.throttled for r in rows) == throttled
    assert {r.status for r in rows} == {"sent"}
