"""The Outlook use case without Graph: which meetings get an event, its body, its ids."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

import pytest
from sqlmodel import select

import storage.graph as graph_repo
from cli import CliContext
from cli import main as cli_main
from core.clock import FrozenClock
from core.settings import ConfigError, Settings
from services import outlook
from storage.db import make_engine, session_scope
from storage.graph_models import GraphCall
from storage.meeting_models import Meeting, MeetingDocument, MeetingFormat
from tests.conftest import ORGANIZER
from tests.harness import card_of, card_text
from tests.meeting_cards_support import until
from tests.test_e2e_meetings import click
from tests.test_e2e_meetings_status import START
from tests.test_rsvp_support import member, seed_meeting, seed_members

SETTINGS = Settings.model_validate({"MicrosoftAppId": "", "GRAPH_ORGANIZER": ORGANIZER,
                                    "GRAPH_BASE_URL": "http://127.0.0.1:9/v1.0"})


def test_event_body_escapes_what_people_typed(engine) -> None:
    mid = seed_meeting(engine, title="Møte <script>alert(1)</script>",
                       preparation="Les «sak 3» & ta med <b>tall</b>\nLinje to",
                       online_url="https://zoom.us/j/123?pwd=a&b=<c>",
                       format=MeetingFormat.digital)
    with session_scope(engine) as s:
        s.add(MeetingDocument(meeting_id=mid, title="Ond <img src=x>", url="javascript:alert(1)"))
        s.flush()
        meeting = s.get(Meeting, mid)
        assert meeting is not None
        fields = outlook.event_fields(s, meeting, SETTINGS)
    html = fields["body"]["content"]
    assert fields["subject"] == "Møte <script>alert(1)</script>"  # a plain-text field in Graph
    assert "<script>" not in html and "<b>tall</b>" not in html and "<img" not in html
    assert "Les «sak 3» &amp; ta med &lt;b&gt;tall&lt;/b&gt;<br>Linje to" in html
    assert "javascript:" not in html and "<li>Ond &lt;img src=x&gt;</li>" in html
    assert 'href="https://zoom.us/j/123?pwd=a&amp;b=&lt;c&gt;"' in html
    # A meeting with its own link (Zoom, made by hand) gets no Teams meeting.
    assert "isOnlineMeeting" not in fields and "onlineMeetingProvider" not in fields


def test_which_meetings_get_an_event(engine) -> None:
    physical = seed_meeting(engine)
    digital = seed_meeting(engine, format=MeetingFormat.hybrid)
    with session_scope(engine) as s:
        p, d = s.get(Meeting, physical), s.get(Meeting, digital)
        assert p is not None and d is not None
        assert not outlook.wanted(s, p) and outlook.wanted(s, d)
        outlook.set_choice(s, p, True)  # --outlook
        outlook.set_choice(s, d, False)  # --no-outlook
        assert outlook.wanted(s, p) and not outlook.wanted(s, d)
        assert outlook.teams_meeting(d) and not outlook.teams_meeting(p)
        fields = outlook.event_fields(s, p, SETTINGS)
        assert fields["location"] == {"displayName": "Klækken hotel"}
        assert "isOnlineMeeting" not in fields  # physical: an Outlook invitation, no Teams
        assert not outlook.enabled(Settings.model_validate({"GRAPH_ORGANIZER": ""}))
        assert not outlook.enabled(SETTINGS.model_copy(update={"graph_features": "answers"}))


def test_transaction_id_is_per_deployment_and_meeting_never_per_version(db_url) -> None:
    engine = make_engine(db_url)
    from storage.migrate import upgrade

    upgrade(engine)
    now = datetime(2026, 11, 20, tzinfo=UTC)
    with session_scope(engine) as s:
        deployment = graph_repo.deployment_id(s, now)
    engine.dispose()  # a restarted process reads it back from the database
    with session_scope(engine) as s:
        assert graph_repo.deployment_id(s, now) == deployment
    first = graph_repo.transaction_id(deployment, 7)
    assert first == graph_repo.transaction_id(deployment, 7)
    assert first != graph_repo.transaction_id(deployment, 8)
    assert first != graph_repo.transaction_id("another deployment", 7)
    assert first != graph_repo.transaction_id(deployment, 7, generation=1)  # --recreate
    engine.dispose()


async def test_without_graph_organizer_nothing_changes(bot) -> None:
    bot.clock.set(START)
    seed_members(bot.engine, bot.connector.url)
    mid = seed_meeting(bot.engine, format=MeetingFormat.digital, place="")
    sec = int((member(bot.engine, "Øyvind Såtvedt").aad_object_id or "").rsplit("-", 1)[1])
    status, _ = await bot.post(click(bot, sec, "meeting.send", meeting_id=mid))
    assert status == 200
    await until(lambda: len([a for a in bot.connector.sent()
                             if str(a.get("text", "")).startswith("Innkalling")]) == 42)
    text = card_text(card_of(bot.connector.sent("a:conv-29:user-0")[0]))
    assert "Outlook" not in text and "Bli med i Teams-møtet" not in text
    with session_scope(bot.engine) as s:
        assert s.exec(select(GraphCall)).all() == []
        assert graph_repo.event_for(s, mid) is None


def test_app_and_cli_refuse_to_start_with_graph_but_no_tenant(engine, capsys) -> None:
    from app import create_app

    bad = Settings.model_validate({"MicrosoftAppId": "app", "MicrosoftAppPassword": "x",
                                   "GRAPH_ORGANIZER": ORGANIZER})
    with pytest.raises(ConfigError):
        create_app(bad, engine=engine)
    ctx = CliContext(settings=bad, clock=FrozenClock(START), engine=engine)
    assert cli_main(["meetings", "list"], ctx) == 1
    err = capsys.readouterr().err
    assert "Feil: GRAPH_ORGANIZER er satt, men verken GRAPH_AUTHORITY" in err
    assert "Traceback" not in err


def test_cli_outlook_shows_the_event_and_refuses_unknown_meetings(engine, capsys) -> None:
    mid = seed_meeting(engine, format=MeetingFormat.digital)
    ctx = CliContext(settings=SETTINGS, clock=FrozenClock(START), engine=engine)
    assert cli_main(["meetings", "outlook", str(mid)], ctx) == 0
    assert capsys.readouterr().out == "outlook\tingen\n"
    assert cli_main(["meetings", "outlook", "999"], ctx) == 1
    assert "fant ikke møte 999" in capsys.readouterr().err
    from cli.meetings_send import cmd_outlook

    with pytest.raises(Exception, match="avlyst eller har ingen dato|fant ikke"):
        cmd_outlook(argparse.Namespace(meeting_id=999, recreate=True), ctx)


def test_permissions_follow_the_features_switched_on() -> None:
    assert outlook.needed_permissions(SETTINGS) == {"Calendars.ReadWrite": "calendar, answers"}
    more = SETTINGS.model_copy(update={"graph_features": "calendar,attendance"})
    assert outlook.needed_permissions(more) == {
        "Calendars.ReadWrite": "calendar", "OnlineMeetings.Read.All": "attendance",
        "OnlineMeetingArtifact.Read.All": "attendance"}
    assert outlook.needed_permissions(Settings.model_validate({"GRAPH_ORGANIZER": ""})) == {}


def test_cli_outlook_flags_on_create_and_edit(engine, capsys) -> None:
    from storage.groups import get_or_create_group

    ctx = CliContext(settings=SETTINGS, clock=FrozenClock(START), engine=engine)
    with session_scope(engine) as s:
        get_or_create_group(s, "Faggruppe for næringssamarbeid")
    base = ["meetings", "create", "--group", "Faggruppe for næringssamarbeid", "--title",
            "Faggruppemøte", "--start", "2023-08-31 09:00", "--end", "2023-08-31 10:30"]
    assert cli_main([*base, "--outlook"], ctx) == 0
    physical = int(capsys.readouterr().out)
    assert cli_main([*base, "--format", "digital", "--no-outlook"], ctx) == 0
    digital = int(capsys.readouterr().out)
    with session_scope(engine) as s:
        p, d = s.get(Meeting, physical), s.get(Meeting, digital)
        assert p is not None and d is not None
        assert outlook.wanted(s, p) and not outlook.wanted(s, d)
    assert cli_main(["meetings", "edit", str(digital), "--outlook"], ctx) == 0
    with session_scope(engine) as s:
        d = s.get(Meeting, digital)
        assert d is not None and outlook.wanted(s, d)
    with pytest.raises(SystemExit):  # argparse: not both
        cli_main([*base, "--outlook", "--no-outlook"], ctx)
    assert "--no-outlook: kan ikke brukes sammen med --outlook" in capsys.readouterr().err
