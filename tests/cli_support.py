"""Running CLI commands in-process against the test database, with a frozen clock."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import Session

import cli
from core.clock import FrozenClock
from core.settings import load_settings
from storage.groups import get_or_create_group

GROUP = "Faggruppe for næringssamarbeid"
Run = Callable[..., tuple[int, str, str]]


def make_runner(db_url: str, clock: FrozenClock, capsys: pytest.CaptureFixture[str]) -> Run:
    """run("groups", "list") -> (exit code, stdout, stderr)."""
    ctx = cli.CliContext(settings=load_settings(database_url=db_url), clock=clock)

    def run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv), ctx)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    run.ctx = ctx  # type: ignore[attr-defined]
    return run


def make_groups(run: Run, *names: str) -> None:
    """Groups made directly (not through the commands under test)."""
    with Session(run.ctx.engine) as session:  # type: ignore[attr-defined]
        for name in names:
            get_or_create_group(session, name)
        session.commit()
