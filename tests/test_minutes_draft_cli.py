"""`python app.py export minutes MØTE-ID --format md|docx [--output FIL] [--sort …]`."""

from __future__ import annotations

import docx
import pytest
from sqlmodel import Session, select

import cli
from cli import CliContext
from core.settings import Settings
from storage.models import AuditEntry
from tests.minutes_draft_support import FIXTURES, setup_seed003

EXPECTED = (FIXTURES / "seed003_minutes_draft.md").read_text(encoding="utf-8")


@pytest.fixture
def ctx(db_url, clock):
    return CliContext(settings=Settings.model_validate({"DATABASE_URL": db_url}), clock=clock)


def run(ctx, capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv), ctx)
    out, err = capsys.readouterr()
    return code, out, err


def test_export_minutes_md_prints_the_seed003_draft_and_audits_the_read(ctx, capsys) -> None:
    seed = setup_seed003(ctx.engine)
    code, out, err = run(ctx, capsys, "export", "minutes", str(seed.meeting_id))
    assert code == 0, err
    assert out == EXPECTED
    with Session(ctx.engine) as s:
        actions = [a.action for a in s.exec(select(AuditEntry))]
    assert "minutes.draft.read" in actions


def test_export_minutes_docx_to_a_file_opens_in_python_docx(ctx, capsys, tmp_path) -> None:
    seed = setup_seed003(ctx.engine)
    target = tmp_path / "ut" / "referat.docx"
    code, out, err = run(ctx, capsys, "export", "minutes", str(seed.meeting_id),
                         "--format", "docx", "--output", str(target))
    assert code == 0 and out == "" and str(target) in err
    doc = docx.Document(str(target))
    style = doc.paragraphs[0].style
    assert style is not None and style.name == "Heading 1"
    assert len(doc.tables[0].rows) == 21


def test_export_minutes_sort_name_orders_frammotte_by_name(ctx, capsys) -> None:
    seed = setup_seed003(ctx.engine)
    code, out, _ = run(ctx, capsys, "export", "minutes", str(seed.meeting_id), "--sort", "name")
    rows = [line for line in out.splitlines() if line.startswith("| ") and "NAVN" not in line]
    assert code == 0 and rows[0].startswith("| Anne Kristine Feltman")
    assert rows[1].startswith("| Arve Magne Vannebo")


def test_export_minutes_of_an_unknown_meeting_says_so_in_norwegian(ctx, capsys) -> None:
    code, out, err = run(ctx, capsys, "export", "minutes", "999")
    assert code == 1 and out == ""
    assert "999" in err and "Traceback" not in err


def test_export_minutes_docx_refuses_a_terminal(ctx, capsys, monkeypatch) -> None:
    seed = setup_seed003(ctx.engine, with_input=False)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    code, out, err = run(ctx, capsys, "export", "minutes", str(seed.meeting_id),
                         "--format", "docx")
    assert code == 1 and "--output" in err
