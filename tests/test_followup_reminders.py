"""Follow-up reminders: once, on the right working day (injected clock), to the member or each
active member of the region, never after «Ferdig»; «Ferdig» only for owner or secretariat."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from sqlmodel import col, select

from domain.rules import with_setting
from scheduler.store import run_due
from services import minutes
from services.minutes import remind_followup
from services.runtime import job_handlers
from storage import minutes as repo
from storage.db import session_scope
from storage.delivery_models import Delivery, ScheduledJob
from storage.groups import find_group
from storage.minutes_models import Followup
from storage.models import AuditEntry, Member
from tests.harness import TEST_LINKS, card_of, card_text
from tests.minutes_support import MARI, setup_meeting
from tests.test_e2e_meetings import click
from tests.test_rsvp_support import GROUP, member, seed_meeting

CREATED = datetime(2023, 8, 31, 7, 15, tzinfo=UTC)  # Thursday, during the meeting
REMIND = datetime(2023, 9, 5, 7, 0, tzinfo=UTC)  # Tuesday 09.00 in Oslo: 3 working days before
# With the app running, its scheduler ticks on the test's clock, which only moves forward
# from the fixture's Friday 20 November 2026 (a tick that read an earlier time would race).
FRIDAY = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09.00 Oslo, 3 working days before Thu 26


def _followup(engine, mid: int, who: str, due: str = "08.09.2023", number: int = 4,
              now: datetime = CREATED) -> int:
    with session_scope(engine) as s:
        return minutes.cli_followup(s, mid, number, what=f"Følge opp {who}", who=who, due=due,
                                    now=now).id or 0


def _reminded(engine, followup_id: int) -> list[int]:
    with session_scope(engine) as s:
        return list(s.exec(select(Delivery.member_id).where(
            Delivery.purpose == "reminder:followup", Delivery.subject == f"followup:{followup_id}")
            .order_by(col(Delivery.member_id))).all())


async def _tick(bot) -> None:
    await asyncio.sleep(1.2)  # the app's scheduler ticks every 0.5 s on the injected clock


async def test_followup_is_reminded_once_on_the_right_day_and_only_the_owner_may_finish(
        bot) -> None:
    ids, mid, _items = setup_meeting(bot.engine, bot.connector.url)
    assert bot.clock.now() == FRIDAY
    anne = ids.index(member(bot.engine, "Anne Feltman").id or 0)
    fid = _followup(bot.engine, mid, "Anne Feltman", due="26.11.2026", now=FRIDAY)
    with session_scope(bot.engine) as s:
        job = s.exec(select(ScheduledJob).where(ScheduledJob.kind == "followup_reminder")).one()
        assert job.due_at == MONDAY  # Thu 26 Nov − 3 working days = Mon 23 Nov, 09.00 Oslo
    conv = f"a:conv-29:user-{anne}"
    bot.clock.set(datetime(2026, 11, 23, 7, 59, tzinfo=UTC))
    await _tick(bot)
    assert bot.connector.sent(conv) == [], "not before the day and hour"
    bot.clock.set(MONDAY)
    await bot.connector.wait_for(1)
    await _tick(bot)
    sent = bot.connector.sent(conv)
    assert len(sent) == 1, "reminded once"
    card = card_of(sent[0])
    text = card_text(card)
    assert "Påminnelse: oppfølgingspunkt" in text and "torsdag 26. november 2026" in text
    assert "Sak 4: Innspill til Handlingsprogram for 2024" in text and "Merk som ferdig" in text
    assert len(bot.connector.sent()) == 1, "nobody else was reminded"

    # «Ferdig» from someone else is refused; identity comes from the activity, not the data.
    other = ids.index(member(bot.engine, "Asbjørn Flo").id or 0)
    status, body = await bot.post(click(bot, other, "followup.done", followup_id=fid,
                                        member_id=ids[anne]))
    assert "Bare den ansvarlige eller sekretariatet" in card_text(body["value"])
    with session_scope(bot.engine) as s:
        assert s.get(Followup, fid).status == "open"  # type: ignore[union-attr]
    status, body = await bot.post(click(bot, anne, "followup.done", followup_id=fid))
    assert "Merket som ferdig" in card_text(body["value"])
    assert not [a for a in body["value"].get("actions", []) if a.get("title") == "Merk som ferdig"]
    with session_scope(bot.engine) as s:
        f = s.get(Followup, fid)
        assert f is not None and f.status == "done" and f.done_by_member_id == ids[anne]
        actions = {(a.action, a.outcome) for a in s.exec(select(AuditEntry))}
        assert {("followup.done", "refused"), ("followup.done", "ok")} <= actions
    status, body = await bot.post(click(bot, anne, "followup.done", followup_id=fid))
    assert "allerede merket som ferdig" in card_text(body["value"])


async def test_region_members_and_the_secretariat_may_finish_a_region_followup(bot) -> None:
    ids, mid, _items = setup_meeting(bot.engine, bot.connector.url)
    fid = _followup(bot.engine, mid, "Mosseregionen", due="26.11.2026", now=FRIDAY)
    second = _followup(bot.engine, mid, "Mosseregionen", due="27.11.2026", now=FRIDAY)
    terje = ids.index(member(bot.engine, "Terje Pettersen").id or 0)
    anne = ids.index(member(bot.engine, "Anne Feltman").id or 0)
    status, body = await bot.post(click(bot, anne, "followup.done", followup_id=fid))
    assert "Bare den ansvarlige" in card_text(body["value"]), "another region is refused"
    status, body = await bot.post(click(bot, terje, "followup.done", followup_id=fid))
    assert "Merket som ferdig" in card_text(body["value"])
    status, body = await bot.post(click(bot, MARI, "followup.done", followup_id=second))
    assert "Merket som ferdig" in card_text(body["value"]), "the secretariat may"


def test_a_region_is_reminded_member_by_member_once_and_done_followups_never(engine) -> None:
    ids, mid, _items = setup_meeting(engine, "http://127.0.0.1:9/")
    with session_scope(engine) as s:  # a third Mosseregionen member who has left
        gone = s.exec(select(Member).where(Member.name == "Terje Pettersen")).one()
        region_id = gone.region_id
        s.add(Member(name="Ola Utmeldt", name_key="ola utmeldt", region_id=region_id,
                     active=False))
    region = _followup(engine, mid, "Mosseregionen")
    done_early = _followup(engine, mid, "Anne Feltman")
    done_late = _followup(engine, mid, "Asbjørn Flo")
    with session_scope(engine) as s:
        minutes.finish(s, done_early, None, CREATED, by_cli=True)
        # Done another way while its job still waits: the job itself checks again.
        assert repo.mark_done(s, done_late, None, CREATED)
    for _ in range(2):
        run_due(engine, REMIND, job_handlers(TEST_LINKS))
    with session_scope(engine) as s:
        mosse = sorted(m.id or 0 for m in s.exec(select(Member).where(
            Member.region_id == region_id, Member.active == True)))  # noqa: E712
        jobs = {j.key: j.status for j in s.exec(select(ScheduledJob))}
    assert len(mosse) == 2 and _reminded(engine, region) == mosse
    assert _reminded(engine, done_early) == [] and _reminded(engine, done_late) == []
    assert jobs[f"followup:{done_early}"] == "cancelled" and jobs[f"followup:{region}"] == "done"
    with session_scope(engine) as s:
        remind_followup(s, REMIND, followup_id=region)  # a rerun adds nobody twice
    assert _reminded(engine, region) == mosse


def test_the_group_rule_sets_the_working_days_before(engine) -> None:
    from tests.test_rsvp_support import seed_members

    seed_members(engine, "http://127.0.0.1:9/")
    mid = seed_meeting(engine)
    with session_scope(engine) as s:
        group = find_group(s, GROUP)
        assert group is not None
        group.rules = with_setting(group.rules, "followup_reminder", "days_before", 1)
        s.add(group)
    with session_scope(engine) as s:
        # Due Tuesday 7 April 2026: the day before is Easter Monday, then Good Friday and
        # Maundy Thursday, so one working day before is Wednesday 1 April.
        f = minutes.cli_followup(s, mid, 3, what="Sende høringssvar", who="Anne Feltman",
                                 due="07.04.2026", now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
        job = s.exec(select(ScheduledJob).where(ScheduledJob.key == f"followup:{f.id}")).one()
    assert job.due_at == datetime(2026, 4, 1, 7, 0, tzinfo=UTC)  # 09.00 summer time
    assert date(2026, 4, 7) == f.due_date
