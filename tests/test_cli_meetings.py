"""`python app.py meetings …`: create with an agenda, import seed 002's plan, list, show."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

import cli
from cli import CliContext
from core.clock import FrozenClock
from core.settings import Settings
from storage.meeting_models import AgendaItem, Meeting, MeetingGroup, MeetingStatus
from storage.models import WorkingGroup

FIXTURES = Path(__file__).parent / "fixtures"
GROUP = "Faggruppe for næringssamarbeid"


@pytest.fixture
def ctx(db_url, clock):
    return CliContext(settings=Settings.model_validate({"DATABASE_URL": db_url}), clock=clock)


def make_group(ctx, *names: str) -> None:
    from storage.groups import get_or_create_group
    with Session(ctx.engine) as s:
        for name in names:
            get_or_create_group(s, name)
        s.commit()


def run(ctx, capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv), ctx)
    out, err = capsys.readouterr()
    return code, out, err


def test_create_prints_the_id_alone_and_stores_utc(ctx, capsys, tmp_path):
    agenda = tmp_path / "sakskart.txt"
    agenda.write_text("1. Godkjenning av innkalling\n2. Godkjenning av referat\n"
                      "3. Runden rundt bordet\n", encoding="utf-8")
    make_group(ctx, GROUP)
    code, out, err = run(ctx, capsys, "meetings", "create", "--group", GROUP, "--title",
                         "Faggruppemøte", "--start", "2027-08-31 09:00", "--end",
                         "2027-08-31 10:30", "--place", "Klækken hotel", "--agenda", str(agenda))
    assert code == 0 and err == ""
    meeting_id = int(out)
    with Session(ctx.engine) as s:
        m = s.get(Meeting, meeting_id)
        assert m is not None and m.starts_at == datetime(2027, 8, 31, 7, 0, tzinfo=UTC)
        assert m.place == "Klækken hotel"
        items = s.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)).all()
        assert [i.title for i in items][-1] == "Runden rundt bordet"
        assert s.exec(select(WorkingGroup)).one().name == GROUP
    code, out, _ = run(ctx, capsys, "meetings", "show", str(meeting_id))
    assert "torsdag" not in out and "start\t2027-08-31 09:00\n" in out
    assert "sted\tKlækken hotel\n" in out
    assert "3. Runden rundt bordet" in out


@pytest.mark.parametrize("argv, message", [
    (["--start", "31/08/2027 09:00", "--end", "2027-08-31 10:30"], "2023-08-31 09:00"),
    (["--start", "2027-08-31 11:00", "--end", "2027-08-31 10:30"], "etter --start"),
])
def test_create_refuses_bad_times_in_norwegian(ctx, capsys, argv, message):
    make_group(ctx, GROUP)
    code, out, err = run(ctx, capsys, "meetings", "create", "--group", GROUP, "--title", "X",
                         *argv)
    assert code == 1 and out == "" and message in err


def test_import_seed002_plan_twice_without_duplicates(ctx, capsys):
    ctx.clock = FrozenClock(datetime(2021, 12, 1, 8, 0, tzinfo=UTC))  # before the plan's year
    make_group(ctx, GROUP, "Faggruppe for areal og transport", "Faggruppe for klima og miljø")
    plan = str(FIXTURES / "seed002_meeting_plan.txt")
    code, out, _ = run(ctx, capsys, "meetings", "import", plan, "--group", GROUP)
    assert code == 0
    rows = [line.split("\t") for line in out.splitlines()]
    assert len(rows) == 9 and {r[0] for r in rows} == {"opprettet"}
    code, out, _ = run(ctx, capsys, "meetings", "import", plan, "--group", GROUP)
    assert {line.split("\t")[0] for line in out.splitlines()} == {"oppdatert"}
    with Session(ctx.engine) as s:
        meetings = s.exec(select(Meeting)).all()
        assert len(meetings) == 9
        statuses = [m.status for m in meetings]
        assert statuses.count(MeetingStatus.date_tba) == 1
        assert statuses.count(MeetingStatus.tentative) == 1
        joint = s.exec(select(Meeting).where(Meeting.comment == "Kongsvingerregionen?")).one()
        links = s.exec(select(MeetingGroup).where(MeetingGroup.meeting_id == joint.id)).all()
        assert len(links) == 3, "a joint meeting belongs to all three groups"
    code, out, _ = run(ctx, capsys, "meetings", "list", "--group", GROUP)
    lines = out.splitlines()
    assert lines[0].split("\t")[1] == "2022-01-14 09:00"
    assert all(line.split("\t")[0].isdigit() for line in lines)
    assert "juni 2022" in lines[-2] or "juni 2022" in lines[-1]


def test_unknown_meeting_and_group_are_norwegian_errors(ctx, capsys):
    make_group(ctx, GROUP)
    code, _, err = run(ctx, capsys, "meetings", "show", "99")
    assert code == 1 and "fant ikke møte 99" in err
    code, _, err = run(ctx, capsys, "meetings", "list", "--group", "Finnes ikke")
    assert code == 1 and "fant ingen faggruppe" in err
