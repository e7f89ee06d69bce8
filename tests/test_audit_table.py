"""«Every secretariat action is audited»: every CLI verb from the parser, and every card verb
and command from the secretariat router, leaves an audit row when it did something.

The CLI half runs one scenario through every verb that acts (create, edit, send, cancel,
role changes, exports, reads of personal data, erasure, …) and checks each step wrote a row
naming `cli:<user>@<host>`; the verb list is read from the parser, so a new verb fails the
test until it is in the scenario or named as a pure read of no personal data. The chat half
sends every secretariat route from the registry as the active secretariat and checks that
no route changes the database without an audit row of that member."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

import cli
from core.clock import FrozenClock
from core.settings import load_settings
from storage import innspill as innspill_repo
from storage.db import session_scope
from storage.delivery_models import ScheduledJob
from storage.groups import get_or_create_group
from storage.minutes_models import Followup
from storage.models import AuditEntry, Member
from storage.round_models import TalkRound
from tests import test_roles as roles

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
GROUP = "Faggruppe for næringssamarbeid"
FIXTURES = "tests/fixtures"
# Verbs that change nothing and show no one's personal data: no audit row is owed.
NOT_ACTIONS = {
    "manifest build", "cards dump", "system check", "db version", "db upgrade",
    "db backup", "db restore",  # the operator's copies of the whole database (docs/personvern.md)
    "privacy status", "groups list", "meetings list", "meetings show", "innspill list",
    "round list", "queue list", "followups list", "minutes show",
    "minutes versions", "cards check",
    "members candidates",  # near matches waiting (names only); settling one is audited
    "regions list", "groups coverage",  # sub-regions and counts, no one named
}


def cli_verbs() -> set[str]:
    """Every `noun verb` the parser knows."""
    verbs = set()
    for action in cli.build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            for noun, sub in action.choices.items():
                for inner in sub._actions:
                    if isinstance(inner, argparse._SubParsersAction):
                        verbs |= {f"{noun} {verb}" for verb in inner.choices}
    return verbs


def _ids(ctx: cli.CliContext) -> dict[str, str]:
    """Ids the later steps point at, read from the database as the scenario goes."""
    with Session(ctx.engine) as s:
        job = s.exec(select(ScheduledJob).where(ScheduledJob.status == "pending",
                                                ScheduledJob.kind != "privacy_retention")
                     .order_by(col(ScheduledJob.id))).first()
        followup = s.exec(select(Followup)).first()
        sessions = s.exec(select(innspill_repo.InnspillSession)).first()
        rnd = s.exec(select(TalkRound)).first()
        return {"job": str(job.id if job else 0), "followup": str(followup.id if followup else 0),
                "innspill": str(sessions.id if sessions else 0),
                "round": str(rnd.id if rnd else 0)}


def _seed_innspill_and_round(ctx: cli.CliContext) -> None:
    """What only the chat makes: an innspill session and a round (the CLI links them)."""
    with session_scope(ctx.engine) as s:
        group = get_or_create_group(s, GROUP)
        innspill_repo.create(s, questions_=["Hva er viktigst?"], areas_=[], now=NOW,
                             group_id=group.id)
        s.add(TalkRound(topic="Digitalisering og samhandling", conversation_id="19:x"))


# The scenario: each step one verb, in an order where each finds what it needs.
STEPS: list[tuple[str, ...]] = [
    ("groups", "create", GROUP),
    ("groups", "rules", GROUP, "--set", "invitation.days_before=10"),
    ("groups", "set", GROUP, "--language", "nn"),
    ("regions", "import", "storage/data/regions.csv"),
    ("members", "import", f"{FIXTURES}/members_comma.csv", "--group", GROUP),
    ("members", "list"),
    ("members", "unconfirmed", "--group", GROUP),
    ("members", "role", "Anne Feltman", "sekretariat"),
    ("members", "deactivate", "eva snare", "--yes"),
    ("members", "add", "--name", "Kari Nordmann", "--organisation", "Lillestrøm",
     "--email", "kari.nordmann@lillestrom.kommune.no"),
    ("members", "edit", "kari.nordmann@lillestrom.kommune.no", "--phone", "40000000"),
    ("members", "import", f"{FIXTURES}/members_near_match.csv", "--group", GROUP),
    ("members", "resolve", "Anne Feltmann", "--new"),
    ("members", "merge", "Anne Feltmann", "Anne Feltman", "--yes"),
    ("nominations", "add", "--group", GROUP, "--name", "Per Hansen", "--email",
     "per.hansen@asker.kommune.no", "--organisation", "Asker", "--role", "Næringssjef"),
    ("nominations", "list", "--open"),
    ("nominations", "approve", "1"),
    ("nominations", "add", "--group", GROUP, "--name", "Liv Lier", "--email",
     "liv.lier@lier.kommune.no", "--organisation", "Lier"),
    ("nominations", "reject", "2", "--reason", "Lier har allerede et medlem."),
    ("meetings", "create", "--group", GROUP, "--title", "Desembermøtet",
     "--start", "2026-12-10 09:00", "--end", "2026-12-10 11:00", "--place", "Klækken hotel",
     "--agenda", f"{FIXTURES}/seed000_agenda.txt"),
    ("meetings", "import", f"{FIXTURES}/seed002_meeting_plan.txt", "--group", GROUP),
    ("meetings", "edit", "1", "--place", "Rom 4"),
    ("meetings", "approve", "1"),
    ("meetings", "send", "1"),
    ("meetings", "outlook", "1"),
    ("notices", "send", "--group", GROUP, "--text", "Husk møtet."),
    ("queue", "move", "{job}", "2026-12-08 09:00"),
    ("queue", "cancel", "{job}", "--yes"),
    ("innspill", "link", "{innspill}", "--meeting", "1", "--item", "1"),
    ("round", "link", "{round}", "--meeting", "1", "--item", "1"),
    ("minutes", "note", "1", "1", "--text", "Orientering gitt."),
    ("minutes", "followup", "1", "1", "--what", "Sende presentasjonen", "--who",
     "Anne Feltman", "--due", "2026-12-20"),
    ("followups", "done", "{followup}"),
    ("minutes", "version", "1"),
    ("export", "minutes", "1", "--format", "docx", "--output", "{tmp}/referat.docx"),
    ("minutes", "upload", "1", "{tmp}/referat.docx"),
    ("minutes", "circulate", "1", "--to", "all"),
    ("export", "attendance", "1", "--format", "md", "--items"),
    ("export", "innspill", "{innspill}", "--format", "md"),
    ("export", "round", "{round}", "--format", "md"),
    ("members", "export", "anne.feltman@asker.kommune.no"),
    ("privacy", "rules", "--set", "ledger.days=90"),
    ("audit", "list"),
    ("meetings", "cancel", "1", "--yes"),
    ("members", "erase", "oyvind.satvedt@osloregionen.no", "--yes", "--reference", "2026/17"),
    ("groups", "create", "Andre gruppe"),
    ("groups", "rename", "Andre gruppe", "Tredje gruppe"),
    ("groups", "merge", "Tredje gruppe", GROUP, "--yes"),
    ("groups", "create", "Fjerde gruppe"),
    ("groups", "delete", "Fjerde gruppe", "--yes"),
]


def test_the_cli_scenario_covers_every_verb_that_acts() -> None:
    covered = {" ".join(step[:2]) for step in STEPS}
    assert covered | NOT_ACTIONS == cli_verbs()
    assert not covered & NOT_ACTIONS


@pytest.fixture
def runner(db_url: str, capsys: pytest.CaptureFixture[str],
           tmp_path: Path) -> Callable[..., tuple[int, str]]:
    ctx = cli.CliContext(settings=load_settings(database_url=db_url), clock=FrozenClock(NOW))

    def run(*argv: str) -> tuple[int, str]:
        code = cli.main(list(argv), ctx)
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    run.ctx = ctx  # type: ignore[attr-defined]
    run.tmp = tmp_path  # type: ignore[attr-defined]
    return run


def _audit_rows(engine: Engine, after: int) -> list[AuditEntry]:
    """The audit rows written after row `after`."""
    with Session(engine) as s:
        return list(s.exec(select(AuditEntry).where(col(AuditEntry.id) > after)))


def _last_audit_id(engine: Engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.max(AuditEntry.id))).one() or 0


def test_every_cli_verb_that_acts_writes_an_audit_row_naming_the_cli_user(runner) -> None:
    ctx = runner.ctx
    wrong = []
    for n, step in enumerate(STEPS):
        if n == 1:  # the group exists, made by the first step
            _seed_innspill_and_round(ctx)
        argv = [part.format(**_ids(ctx), tmp=runner.tmp) for part in step]
        before = _last_audit_id(ctx.engine)
        code, said = runner(*argv)
        if code != 0:
            wrong.append(f"{' '.join(argv)}: exit {code}: {said[-200:]!r}")
            continue
        rows = [r for r in _audit_rows(ctx.engine, before) if r.outcome == "ok"]
        if not any("actor=cli:" in r.detail and "@" in r.detail for r in rows):
            wrong.append(f"{' '.join(argv)}: no audit row by cli:<user>@<host>: "
                         f"{[(r.action, r.detail) for r in rows]}")
    assert wrong == [], "\n".join(wrong)
    with Session(ctx.engine) as s:
        assert s.exec(select(Member).where(Member.name == "Anne Feltman")).one().role \
            == "secretariat"


# -- The chat: every secretariat route from the registry, pressed by the active secretariat --

# Tables that hold where a card stands, not what was decided: moving there is no action.
NOT_ACTION_TABLES = {"minutes_cursor"}


def _changed(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> set[str]:
    return {name for name in after if name not in NOT_ACTION_TABLES
            and after[name] != before.get(name)}


@pytest.mark.parametrize("route", roles.SECRETARIAT, ids=lambda r: r.name)
async def test_a_secretariat_route_that_changes_anything_is_audited_with_its_actor(
        bot, route: roles.Guarded) -> None:
    world = await roles.prepare(bot, route)
    with Session(bot.engine) as s:
        active = s.exec(select(Member).where(Member.aad_object_id == roles.ACTIVE.aad)).one()
    before, last = roles.snapshot(bot.engine), _last_audit_id(bot.engine)
    answer = await roles.send(bot, roles.ACTIVE, route, world, **ACTING.get(route.name, {}))
    changed = _changed(before, roles.snapshot(bot.engine))
    rows = [r for r in _audit_rows(bot.engine, last) if r.outcome == "ok"
            and (r.actor_member_id == active.id or r.actor_aad_object_id == roles.ACTIVE.aad)]
    if route.name in ACTING:
        assert changed, f"{route.name} did nothing with its working data: {answer[:200]!r}"
    if route.name in READS:
        assert READS[route.name] in [r.action for r in rows], f"{route.name}: read not audited"
    if changed:
        assert rows, (f"{route.name} changed {sorted(changed)} with no audit row naming the "
                      f"secretariat member: {answer[:160]!r}")


# Routes that show or export personal data (the member list with e-mail addresses, answers
# and dietary needs, the audit log, the innspill export): each one is audited.
READS = {"medlemmer": "members.read", "members.unreachable": "members.read",
         "status": "rsvp.read", "meeting.status": "rsvp.read", "eksport": "attendance.read",
         "logg": "audit.read", "audit.show": "audit.read", "innspill.export": "innspill.export"}


# Card data that makes a verb act on the role table's seed (the rest act on plain data
# or are refused for it by the handler, which changes nothing).
# Ids are those of the seed's fresh database: meeting 1 with agenda item 1, the member
# Mona Medlem 3, the owner's two innspill entries 1 and 2.
ACTING: dict[str, dict[str, Any]] = {
    "meeting.save": {"group_id": "1", "title": "Nytt møte", "date": "2030-01-10",
                     "start": "09:00", "end": "10:00", "place": "Rom 4"},
    "rsvp.on_behalf": {"meeting_id": 1, "member_id": "3", "answer": "physical"},
    "innspill.open": {"questions": "Hva er viktigst for regionen?"},
    "innspill.merge": {"merge_source": "1", "merge_target": "2"},
    "minutes.save": {"meeting_id": 1, "item_id": 1, "notes": "Orientering gitt."},
    "minutes.followup": {"meeting_id": 1, "item_id": 1, "fu_what": "Sende presentasjonen",
                         "fu_who": "Mona Medlem", "fu_due": "10.01.2030"},
    "round.start": {"topic": "Runden rundt bordet", "minutes": "3"},
    "nomination.approve": {"nomination_id": 1},
    "nomination.reject": {"nomination_id": 1, "reason": "Asker har allerede et medlem."},
}
