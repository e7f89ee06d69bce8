"""The monthly coverage reminder (group rule `coverage_reminder.monthly`): on the first working
day of the month at 08.00 Oslo, once a month, 1:1 to the group's active secretariat in each
one's language, only while a sub-region has no active member; injected clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

import cli
from core.clock import FrozenClock
from core.settings import load_settings
from domain.rules import with_setting
from scheduler.store import run_due
from services import coverage
from services.runtime import job_handlers
from storage.db import session_scope
from storage.delivery_models import Delivery, ScheduledJob
from storage.groups import add_membership, find_group, get_or_create_group
from storage.models import ConversationKind, ConversationRef, Member, Role
from tests.cli_support import GROUP
from tests.harness import TEST_LINKS, card_text

SEED000 = str(Path(__file__).parent / "fixtures" / "seed000_invitees.tsv")
NOV_20 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
DEC_1 = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)  # Tuesday 08.00 in Oslo
JAN_4 = datetime(2027, 1, 4, 7, 0, tzinfo=UTC)  # 1 January a holiday, then the weekend
SECRETARIAT = (("Øyvind Såtvedt", "nb", True), ("Mari Strømsvåg", "nn", True),
               ("Margrethe Gjessing", "en", False))  # the last one no longer active


def seed(engine: Engine, *, missing: str | None = "Trine Knobel", in_group: bool = True,
         service_url: str = "http://127.0.0.1:9/") -> dict[str, int]:
    """Seed 000's members in the group (one deactivated: a sub-region missing) and the
    secretariat with their 1:1 chats; returns the secretariat's ids by name."""
    url = engine.url.render_as_string(hide_password=False)
    ctx = cli.CliContext(settings=load_settings(database_url=url), clock=FrozenClock(NOV_20))
    assert cli.main(["members", "import", SEED000, "--group", GROUP], ctx) == 0
    ids = {}
    with session_scope(engine) as s:
        group = get_or_create_group(s, GROUP)
        if missing:
            member = s.exec(select(Member).where(Member.name == missing)).one()
            member.active = False
            s.add(member)
        for n, (name, lang, active) in enumerate(SECRETARIAT):
            m = Member(name=name, name_key=name.casefold(), organisation="Osloregionen",
                       role=Role.secretariat, active=active, language=lang,
                       aad_object_id=f"aad-sek-{n}", teams_user_id=f"29:sek-{n}")
            s.add(m)
            s.flush()
            if in_group:
                add_membership(s, group, m)
            s.add(ConversationRef(conversation_id=f"a:sek-{n}", kind=ConversationKind.personal,
                                  service_url=service_url, member_id=m.id))
            ids[name] = m.id or 0
    return ids


def reminders(engine: Engine) -> list[tuple[str, int, str]]:
    """(subject, member id, card text) of every coverage reminder in the ledger."""
    with Session(engine) as s:
        rows = s.exec(select(Delivery).where(Delivery.purpose == coverage.PURPOSE)
                      .order_by(col(Delivery.subject), col(Delivery.member_id))).all()
        return [(r.subject, r.member_id,
                 card_text(json.loads(r.payload)["attachments"][0]["content"])) for r in rows]


def jobs(engine: Engine) -> list[tuple[str, datetime, str]]:
    with Session(engine) as s:
        return [(j.key, j.due_at, j.status) for j in s.exec(
            select(ScheduledJob).where(ScheduledJob.kind == coverage.KIND)
            .order_by(col(ScheduledJob.due_at)))]


def tick(engine: Engine, now: datetime) -> None:
    run_due(engine, now, job_handlers(TEST_LINKS))


def test_a_missing_sub_region_is_reminded_once_on_the_first_working_day(engine) -> None:
    ids = seed(engine)
    coverage.ensure_scheduled(engine, NOV_20)
    # November's reminder (Monday 2nd) is past its grace; December's waits for the 1st.
    assert jobs(engine) == [("1:2026-12", DEC_1, "pending")]
    tick(engine, DEC_1 - timedelta(minutes=1))
    assert reminders(engine) == [], "not before 08.00 on the first working day"
    tick(engine, DEC_1)
    sent = reminders(engine)
    assert [(subject, member) for subject, member, _ in sent] == [
        ("coverage:1:2026-12", ids["Øyvind Såtvedt"]), ("coverage:1:2026-12",
                                                       ids["Mari Strømsvåg"])]
    nb, nn = sent[0][2], sent[1][2]
    assert "Dekning av delregionene" in nb and "Mangler aktivt medlem: Gardermoregionen" in nb
    assert "Dekning av delregionane" in nn and "Manglar aktivt medlem: Gardermoregionen" in nn
    assert "Månedlig påminnelse" in nb
    # Once a month: the job is done, and a second run of the same month adds nothing.
    tick(engine, DEC_1 + timedelta(hours=1))
    with session_scope(engine) as s:
        coverage.coverage_reminder(s, DEC_1 + timedelta(hours=2), group_id=1, month="2026-12")
    assert len(reminders(engine)) == 2
    assert jobs(engine) == [("1:2026-12", DEC_1, "done"), ("1:2027-01", JAN_4, "pending")]


def test_no_reminder_when_every_sub_region_has_an_active_member(engine) -> None:
    seed(engine, missing=None)
    coverage.ensure_scheduled(engine, NOV_20)
    tick(engine, DEC_1)
    assert reminders(engine) == []
    assert ("1:2027-01", JAN_4, "pending") in jobs(engine), "next month is still looked at"


def test_a_sub_region_missing_again_next_month_is_reminded_that_month(engine) -> None:
    seed(engine)
    coverage.ensure_scheduled(engine, NOV_20)
    tick(engine, DEC_1)
    tick(engine, JAN_4)
    assert [s for s, _m, _t in reminders(engine)] == ["coverage:1:2026-12"] * 2 + [
        "coverage:1:2027-01"] * 2


def test_the_group_rule_switches_the_monthly_reminder_off(engine) -> None:
    seed(engine)
    with session_scope(engine) as s:
        group = find_group(s, GROUP)
        assert group is not None
        group.rules = with_setting(group.rules, "coverage_reminder", "monthly", False)
        s.add(group)
    coverage.ensure_scheduled(engine, NOV_20)
    tick(engine, DEC_1)
    assert reminders(engine) == []
    assert ("1:2027-01", JAN_4, "pending") in jobs(engine), "on again: next month it goes"


def test_a_changed_time_moves_the_waiting_reminder(engine, capsys) -> None:
    seed(engine)
    coverage.ensure_scheduled(engine, NOV_20)
    ctx = cli.CliContext(settings=load_settings(database_url=str(engine.url)),
                         clock=FrozenClock(NOV_20))
    assert cli.main(["groups", "rules", GROUP, "--set", "coverage_reminder.at=09:30"], ctx) == 0
    out = capsys.readouterr().out
    assert "coverage_reminder\t0\t09:30\tja\t72\tja" in out.splitlines()
    assert jobs(engine) == [("1:2026-12", DEC_1 + timedelta(minutes=90), "pending")]


def test_a_secretariat_outside_the_group_is_told_but_not_a_deactivated_one(engine) -> None:
    ids = seed(engine, in_group=False)
    coverage.ensure_scheduled(engine, NOV_20)
    tick(engine, DEC_1)
    assert [m for _s, m, _t in reminders(engine)] == [ids["Øyvind Såtvedt"],
                                                       ids["Mari Strømsvåg"]]


@pytest.fixture
def seeded(engine, connector) -> dict[str, int]:
    """Seeded before the app starts, so its start puts the group's reminder in the table."""
    return seed(engine, service_url=connector.url)


async def test_the_running_app_sends_the_reminder_1to1_on_the_day(seeded, bot) -> None:
    assert bot.clock.now() == NOV_20
    assert jobs(bot.engine) == [("1:2026-12", DEC_1, "pending")], "scheduled at start"
    bot.clock.set(DEC_1)
    await bot.connector.wait_for(2)
    sent = {conv: bot.connector.sent(conv) for conv in ("a:sek-0", "a:sek-1", "a:sek-2")}
    assert [len(v) for v in sent.values()] == [1, 1, 0]
    assert "Mangler aktivt medlem: Gardermoregionen" in card_text(
        sent["a:sek-0"][0]["attachments"][0]["content"])
