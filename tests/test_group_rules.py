"""Per-group scheduling rules: set from the CLI, used when meetings are approved and sent."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlmodel import Session, select

import cli
from cli import CliContext
from core.settings import Settings
from domain.rules import RuleSettingError, parse_setting, rules_from_json
from services import meetings
from storage import meetings as meeting_repo
from storage.db import session_scope
from storage.delivery_models import ScheduledJob
from storage.groups import get_or_create_group
from tests.test_delivery_support import seed_group

GROUP = "Faggruppe for næringssamarbeid"


def test_settings_parse_and_apply():
    assert parse_setting("invitation.days_before=10") == ("invitation", "days_before", 10)
    assert parse_setting("day_before.working_hours=nei") == ("day_before", "working_hours", False)
    assert parse_setting("rsvp_reminder.at=8:30") == ("rsvp_reminder", "at", "08:30")
    rules = rules_from_json('{"invitation": {"days_before": 10, "at": "08:00"}, '
                           '"input_deadline": {"grace_hours": 6}}')
    assert (rules["invitation"].days_before, rules["invitation"].at) == (10, time(8, 0))
    assert rules["input_deadline"].grace == timedelta(hours=6)
    assert rules["day_before"].days_before == 1, "untouched rules keep their defaults"
    for bad in ("invitation.days_before=-1", "ukjent.days_before=1", "invitation.farge=blå",
                "invitation.at=25:00", "day_before.working_hours=kanskje", "invitation"):
        with pytest.raises(RuleSettingError):
            parse_setting(bad)


def test_cli_sets_rules_and_approve_follows_them(db_url, clock, capsys):
    ctx = CliContext(settings=Settings.model_validate({"DATABASE_URL": db_url}), clock=clock)
    seed_group(ctx.engine, "http://127.0.0.1:9/", 2, group=GROUP)
    code = cli.main(["groups", "rules", GROUP, "--set", "invitation.days_before=10",
                     "--set", "invitation.at=08:00"], ctx)
    out, _ = capsys.readouterr()
    assert code == 0 and "invitation\t10\t08:00\tnei\t48" in out.splitlines()
    start = datetime(2026, 12, 10, 8, 0, tzinfo=UTC)  # Thursday 09.00 in Oslo
    with session_scope(ctx.engine) as s:
        group = get_or_create_group(s, GROUP)
        m = meeting_repo.create_meeting(s, [group], clock.now(), title="Møte", starts_at=start,
                                        ends_at=start + timedelta(hours=2))
        due = meetings.approve(s, m.id or 0, clock.now())
    assert due == datetime(2026, 11, 30, 7, 0, tzinfo=UTC), "10 days before at 08.00 Oslo"
    code = cli.main(["groups", "rules", GROUP, "--set", "invitation.farge=blå"], ctx)
    _, err = capsys.readouterr()
    assert code == 1 and "ikke en gyldig innstilling" in err
    assert cli.main(["groups", "rules", GROUP, "--reset"], ctx) == 0
    out, _ = capsys.readouterr()
    assert "invitation\t7\t09:00\tnei\t48" in out.splitlines()
    with Session(ctx.engine) as s:
        assert s.exec(select(ScheduledJob)).one().kind == "invitation"
