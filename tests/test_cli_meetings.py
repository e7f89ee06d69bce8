"""`python app.py meetings …`: create with an agenda, import seed 002's plan, list, show."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

import cli
from cli import CliContext
from core.settings import Settings
from storage.meeting_models import AgendaItem, Meeting, MeetingGroup, MeetingStatus
from storage.models import WorkingGroup

FIXTURES = Path(__file__).parent / "fixtures"
GROUP = "Faggruppe for næringssamarbeid"


@pytest.fixture
def ctx(db_url, clock):
    return CliContext(settings=Settings.model_validate({"DATABASE_URL": db_url}), clock=clock)


def run(ctx, capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv), ctx)
    out, err = capsys.readouterr()
    return code, out, err


def test_create_prints_the_id_alone_and_stores_utc(ctx, capsys, tmp_path):
    agenda = tmp_path / "sakskart.txt"
    agenda.write_text("1. Godkjenning av innkalling\n2. Godkjenning av referat\n"
                      "3. Runden rundt bordet\n", encoding="utf-8")
    code, out, err = run(ctx, capsys, "meetings", "create", "--group", GROUP, "--title",
                         "Faggruppemøte", "--start", "2023-08-31 09:00", "--end",
                         "2023-08-31 10:30", "--place", "Klækken hotel", "--agenda", str(agenda))
    assert code == 0 and err == ""
    meeting_id = int(out)
    with Session(ctx.engine) as s:
        m = s.get(Meeting, meeting_id)
        assert m is not None and m.starts_at == datetime(2023, 8, 31, 7, 0, tzinfo=UTC)
        assert m.place == "Klækken hotel"
        items = s.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)).all()
        assert [i.title for i in items][-1] == "Runden rundt bordet"
        assert s.exec(select(WorkingGroup)).one().name == GROUP
    code, out, _ = run(ctx, capsys, "meetings", "show", str(meeting_id))
    assert "torsdag" not in out and "2023-08-31 09:00\tKlækken hotel" in out
    assert "3. Runden rundt bordet" in out


@pytest.mark.parametrize("argv, message", [
    (["--start", "31.08.2023 09:00", "--end", "2023-08-31 10:30"], "ÅÅÅÅ-MM-DD TT:MM"),
    (["--start", "2023-08-31 11:00", "--end", "2023-08-31 10:30"], "etter --start"),
])
def test_create_refuses_bad_times_in_norwegian(ctx, capsys, argv, message):
    code, out, err = run(ctx, capsys, "meetings", "create", "--group", GROUP, "--title", "X",
                         *argv)
    assert code == 1 and out == "" and message in err


def test_import_seed002_plan_twice_without_duplicates(ctx, capsys):
    with Session(ctx.engine) as s:
        from storage.groups import get_or_create_group
        for name in ("Faggruppe for areal og transport", "Faggruppe for klima og miljø"):
            get_or_create_group(s, name)
        s.commit()
    plan = str(FIXTURES / "seed002_meeting_plan.txt")
    code, out, _ = run(ctx, capsys, "meetings", "import", plan, "--group", GROUP)
    assert code == 0
    rows = [line.split("\t") for line in out.splitlines()]
    assert len(rows) == 9 and {r[0] for r in rows} == {"created"}
    code, out, _ = run(ctx, capsys, "meetings", "import", plan, "--group", GROUP)
    assert {line.split("\t")[0] for line in out.splitlines()} == {"updated"}
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
    code, _, err = run(ctx, capsys, "meetings", "show", "99")
    assert code == 1 and "fant ikke møte 99" in err
    code, _, err = run(ctx, capsys, "meetings", "list", "--group", "Finnes ikke")
    assert code == 1 and "fant ingen faggruppe" in err
