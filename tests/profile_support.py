"""Set-up for the profile tests: two groups with members and secretariat, 1:1 chats, and the
daily job run through the scheduler on an injected clock (no tests of its own)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from core.clock import FrozenClock
from domain.names import name_key
from domain.rules import with_setting
from scheduler.store import run_due
from services.runtime import job_handlers
from storage.db import session_scope
from storage.delivery_models import Delivery
from storage.groups import add_membership, get_or_create_group
from storage.models import ConversationKind, ConversationRef, Member, Role
from tests.harness import TENANT, TEST_LINKS

GROUP = "Faggruppe for næringssamarbeid"
OTHER = "Plan og bygg"
LONG_AGO = datetime(2025, 1, 1, tzinfo=UTC)


def aad(i: int) -> str:
    return f"00000000-0000-4000-8000-{i:012d}"


# name, organisation, role, groups, active
PEOPLE = [
    ("Anne Feltman", "Asker kommune", Role.member, (GROUP,), True),
    ("Per Hansen", "Bærum kommune", Role.member, (GROUP, OTHER), True),
    ("Kari Nordmann", "Lillestrøm kommune", Role.member, (GROUP,), True),
    ("Eva Snare", "Kongsvingerregionen", Role.member, (GROUP,), False),
    ("Øyvind Såtvedt", "Osloregionen", Role.secretariat, (GROUP,), True),
    ("Siri Sekretær", "Osloregionen", Role.secretariat, (GROUP,), True),
    ("Ola Plan", "Osloregionen", Role.secretariat, (OTHER,), True),
]


def seed(engine: Engine, service_url: str, *, created: datetime = LONG_AGO) -> dict[str, int]:
    """The people above, each with a 1:1 chat (`a:conv-29:user-<i>`); name -> member id."""
    ids = {}
    with session_scope(engine) as s:
        groups = {g: get_or_create_group(s, g) for g in (GROUP, OTHER)}
        for i, (name, org, role, in_groups, active) in enumerate(PEOPLE):
            m = Member(name=name, name_key=name_key(name), organisation=org, role=role,
                       active=active, aad_object_id=aad(i), teams_user_id=f"29:user-{i}",
                       tenant_id=TENANT, email=f"{name_key(name).replace(' ', '.')}@x.no",
                       created_at=created, updated_at=created)
            s.add(m)
            s.flush()
            for g in in_groups:
                add_membership(s, groups[g], m)
            s.add(ConversationRef(conversation_id=f"a:conv-29:user-{i}",
                                  kind=ConversationKind.personal, service_url=service_url,
                                  tenant_id=TENANT, bot_id="28:bot", member_id=m.id,
                                  user_aad_object_id=aad(i)))
            ids[name] = m.id or 0
    return ids


def set_rule(engine: Engine, group: str, setting: str) -> None:
    """One group rule, e.g. ('profile_check', 'date', '15.01')."""
    rule, field, value = setting.split(":")
    with session_scope(engine) as s:
        g = get_or_create_group(s, group)
        g.rules = with_setting(g.rules, rule, field, value)
        s.add(g)


def run_days(engine: Engine, clock: FrozenClock, until: datetime,
             step: timedelta = timedelta(hours=1)) -> None:
    """Move the clock to `until` in steps, running due jobs at each (as the app's ticker)."""
    handlers = job_handlers(TEST_LINKS)
    while clock.now() < until:
        clock.set(min(clock.now() + step, until))
        run_due(engine, clock.now(), handlers)


def ledger(engine: Engine, purpose: str) -> list[tuple[int, str, datetime]]:
    """(member id, subject, written) of every ledger row of a purpose, in order."""
    with session_scope(engine) as s:
        return [(m, subj, at) for m, subj, at in s.exec(
            select(Delivery.member_id, Delivery.subject, Delivery.created_at)
            .where(Delivery.purpose == purpose).order_by(col(Delivery.id))).all()]
