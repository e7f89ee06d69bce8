"""The daily profile job on an injected clock: the yearly «Stemmer opplysningene dine?» once
per member (the earliest day among their groups), one reminder three weeks later only to
those who have not confirmed; the secretariat's digest at 08:00 on working days, once a day,
only after a change, to the active secretariat of the changed member's groups."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import select

from core.clock import FrozenClock
from domain.profile import Typed
from services import profile
from storage.db import session_scope
from storage.delivery_models import Delivery, ScheduledJob
from storage.groups import add_membership, get_or_create_group
from storage.models import Member
from storage.profile_models import ProfileCheck
from tests.profile_support import GROUP, OTHER, ledger, run_days, seed, set_rule

SERVICE_URL = "http://127.0.0.1:9/"


def _save(engine: Engine, member_id: int, now: datetime, **changes: str) -> list[str]:
    with session_scope(engine) as s:
        m = s.get(Member, member_id)
        assert m is not None
        values = {"name": m.name, "organisation": m.organisation, "email": m.email or "",
                  "phone": m.phone or "", "deputy": str(m.deputy_member_id or 0), **changes}
        return profile.save_own(s, m, Typed(**values), now)


def _confirm(engine: Engine, member_id: int, now: datetime) -> None:
    with session_scope(engine) as s:
        m = s.get(Member, member_id)
        assert m is not None
        assert profile.confirm(s, m, now)
        assert not profile.confirm(s, m, now), "a second «Ja, stemmer» records nothing new"


def _who(engine: Engine, purpose: str) -> list[int]:
    return sorted(m for m, _subject, _at in ledger(engine, purpose))


def test_yearly_check_once_each_and_one_reminder_after_three_weeks_to_those_not_confirmed(
        engine: Engine) -> None:
    ids = seed(engine, SERVICE_URL)
    set_rule(engine, OTHER, "profile_check:date:15.01")  # Per (both groups) and Ola: 15 January
    clock = FrozenClock(datetime(2027, 1, 11, 12, 0, tzinfo=UTC))
    profile.ensure_scheduled(engine, clock.now())
    with session_scope(engine) as s:  # registered after the day: asked next year, not now
        new = Member(name="Ny Person", name_key="ny person",
                     created_at=datetime(2027, 2, 3, 9, 0, tzinfo=UTC))  # within the grace
        s.add(new)
        s.flush()
        add_membership(s, get_or_create_group(s, GROUP), new)
    run_days(engine, clock, datetime(2027, 1, 15, 6, 0, tzinfo=UTC))
    assert ledger(engine, "profile_check") == [], "not before the day"
    run_days(engine, clock, datetime(2027, 1, 15, 12, 0, tzinfo=UTC))  # Friday 15 January
    # A member in two groups gets the earlier day: Per with Ola, not with his other group.
    assert _who(engine, "profile_check") == sorted([ids["Per Hansen"], ids["Ola Plan"]])
    run_days(engine, clock, datetime(2027, 1, 29, 12, 0, tzinfo=UTC))
    assert len(ledger(engine, "profile_check")) == 2
    run_days(engine, clock, datetime(2027, 2, 1, 12, 0, tzinfo=UTC))  # Mon 1 Feb: the default
    everyone = sorted(v for k, v in ids.items() if k != "Eva Snare")  # Eva is inactive
    assert _who(engine, "profile_check") == everyone
    asked = [at for _m, _s, at in ledger(engine, "profile_check")]
    assert asked[-1] == datetime(2027, 2, 1, 7, 0, tzinfo=UTC), "08.00 Oslo on the day"

    _confirm(engine, ids["Anne Feltman"], datetime(2027, 2, 2, 9, 0, tzinfo=UTC))
    assert _save(engine, ids["Kari Nordmann"], datetime(2027, 2, 3, 9, 0, tzinfo=UTC),
                 phone="912 34 567") == ["phone"]  # a save through the form confirms too
    run_days(engine, clock, datetime(2027, 2, 5, 6, 0, tzinfo=UTC))
    assert ledger(engine, "profile_check_reminder") == []
    run_days(engine, clock, datetime(2027, 2, 5, 12, 0, tzinfo=UTC))  # 3 weeks after 15 Jan
    assert _who(engine, "profile_check_reminder") == sorted([ids["Per Hansen"], ids["Ola Plan"]])
    run_days(engine, clock, datetime(2027, 2, 19, 12, 0, tzinfo=UTC))
    assert len(ledger(engine, "profile_check_reminder")) == 2, "not before three weeks"
    run_days(engine, clock, datetime(2027, 2, 22, 12, 0, tzinfo=UTC))  # 3 weeks after 1 Feb
    reminded = _who(engine, "profile_check_reminder")
    assert reminded == sorted([ids["Per Hansen"], ids["Ola Plan"], ids["Øyvind Såtvedt"],
                               ids["Siri Sekretær"]]), "Anne and Kari confirmed: no reminder"
    run_days(engine, clock, datetime(2027, 4, 30, 12, 0, tzinfo=UTC))
    assert _who(engine, "profile_check") == everyone, "once each in the year"
    assert _who(engine, "profile_check_reminder") == reminded, "one reminder each"
    assert {subject for _m, subject, _at in ledger(engine, "profile_check")} == {
        "profile_check:2027"}
    with session_scope(engine) as s:
        per = s.exec(select(ProfileCheck).where(ProfileCheck.member_id == ids["Per Hansen"])).one()
        assert per.reminded_at == datetime(2027, 2, 5, 7, 0, tzinfo=UTC), "marked once, then left"


def test_the_yearly_card_shows_the_details_in_the_members_language_with_both_buttons(
        engine: Engine) -> None:
    ids = seed(engine, SERVICE_URL)
    with session_scope(engine) as s:
        per = s.get(Member, ids["Per Hansen"])
        assert per is not None
        per.language, per.phone, per.deputy_member_id = "nn", "+4791234567", ids["Kari Nordmann"]
        s.add(per)
    clock = FrozenClock(datetime(2027, 1, 29, 12, 0, tzinfo=UTC))
    profile.ensure_scheduled(engine, clock.now())
    run_days(engine, clock, datetime(2027, 2, 1, 12, 0, tzinfo=UTC))
    with session_scope(engine) as s:
        rows = {d.member_id: json.loads(d.payload) for d in s.exec(select(Delivery).where(
            Delivery.purpose == "profile_check"))}
    per_card = json.dumps(rows[ids["Per Hansen"]], ensure_ascii=False)
    assert "Stemmer opplysningane dine?" in per_card and "+4791234567" in per_card
    assert "Kari Nordmann" in per_card and "profile.confirm" in per_card
    assert "profile.edit" in per_card
    anne_card = json.dumps(rows[ids["Anne Feltman"]], ensure_ascii=False)
    assert "Stemmer opplysningene dine?" in anne_card and "Ja, stemmer" in anne_card


def test_digest_at_eight_on_working_days_once_a_day_only_after_a_change(engine: Engine) -> None:
    ids = seed(engine, SERVICE_URL)
    with session_scope(engine) as s:
        oyvind = s.get(Member, ids["Øyvind Såtvedt"])
        assert oyvind is not None
        oyvind.language = "en"
        s.add(oyvind)
    friday = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # 10.00 in Oslo
    clock = FrozenClock(friday)
    profile.ensure_scheduled(engine, clock.now())
    assert _save(engine, ids["Anne Feltman"], friday, phone="91234567") == ["phone"]
    assert _save(engine, ids["Per Hansen"], friday, deputy=str(ids["Kari Nordmann"])) == [
        "deputy"]
    run_days(engine, clock, datetime(2026, 11, 23, 6, 0, tzinfo=UTC))  # 07.00 Oslo
    assert ledger(engine, "profile_digest") == [], "no digest on Saturday or Sunday"
    run_days(engine, clock, datetime(2026, 11, 23, 12, 0, tzinfo=UTC))  # Monday 08.00 Oslo
    monday = ledger(engine, "profile_digest")
    assert sorted(m for m, _s, _at in monday) == sorted(
        [ids["Øyvind Såtvedt"], ids["Siri Sekretær"], ids["Ola Plan"]])
    assert {at for _m, _s, at in monday} == {datetime(2026, 11, 23, 7, 0, tzinfo=UTC)}
    assert {s for _m, s, _at in monday} == {"profile_digest:2026-11-23"}
    payloads = _payloads(engine, "profile_digest:2026-11-23")
    siri = payloads[ids["Siri Sekretær"]]
    assert "Endrede medlemsopplysninger" in siri and "Anne Feltman (Asker kommune)" in siri
    assert "+4791234567" in siri and "Fast vara: Kari Nordmann" in siri
    assert "Changed member details" in payloads[ids["Øyvind Såtvedt"]], "his stored language"
    ola = payloads[ids["Ola Plan"]]
    assert "Per Hansen" in ola and "Anne Feltman" not in ola, "only his group's members"
    with session_scope(engine) as s:
        assert profile.run_digest(s, date(2026, 11, 23), clock.now()) == [], "told once"

    run_days(engine, clock, datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
    assert len(ledger(engine, "profile_digest")) == 3, "nothing changed: no digest on Tuesday"
    tuesday = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert _save(engine, ids["Siri Sekretær"], tuesday, phone="40000000") == ["phone"]
    run_days(engine, clock, datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    wednesday = [(m, s) for m, s, _at in ledger(engine, "profile_digest")[3:]]
    assert wednesday == [(ids["Øyvind Såtvedt"], "profile_digest:2026-11-25")], (
        "Siri's own change goes to the rest of her group's secretariat only")
    with session_scope(engine) as s:
        jobs = s.exec(select(ScheduledJob).where(ScheduledJob.kind == "profile_daily")).all()
        days = sorted(j.key for j in jobs)
    assert days == ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"], (
        "one run per working day, none on the weekend")


def test_a_save_with_nothing_changed_is_not_in_the_digest(engine: Engine) -> None:
    ids = seed(engine, SERVICE_URL)
    friday = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    clock = FrozenClock(friday)
    profile.ensure_scheduled(engine, clock.now())
    assert _save(engine, ids["Anne Feltman"], friday) == []
    run_days(engine, clock, datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    assert ledger(engine, "profile_digest") == []


def _payloads(engine: Engine, subject: str) -> dict[int, str]:
    with session_scope(engine) as s:
        return {d.member_id: json.dumps(json.loads(d.payload), ensure_ascii=False)
                for d in s.exec(select(Delivery).where(Delivery.subject == subject))}

