"""`python app.py innspill list`: one row per session, id first."""

from __future__ import annotations

import argparse

from cli import CliContext
from cli.common import add_link_verb, print_rows
from core.i18n import t
from storage import innspill as repo
from storage.db import session_scope
from storage.innspill_models import InnspillSession


def _status(status: str) -> str:
    return {"draft": t("cli.innspill.utkast"), "open": t("cli.innspill.apen"),
            "closed": t("cli.innspill.stengt"), "voting": t("cli.innspill.prioritering"),
            "done": t("cli.innspill.avsluttet")}.get(status, status)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `innspill` and its verbs."""
    parser = subparsers.add_parser("innspill", help=t("cli.innspill.innspill_fra_arbeidsmoter"))
    verbs = parser.add_subparsers(dest="verb", required=True)
    verbs.add_parser("list", help=t("cli.innspill.alle_innspillsokter")).set_defaults(func=cmd_list)
    add_link_verb(verbs, t("cli.innspill.knytt_innspillsokten_til"), InnspillSession)


def cmd_list(_args: argparse.Namespace, ctx: CliContext) -> int:
    """Tab-separated: id, question, status, entries, participants."""
    with session_scope(ctx.engine) as db:
        rows = [(s.id, " / ".join(repo.questions(s)), _status(s.status), count,
                 people) for s, count, people in repo.list_sessions(db)]
    print_rows(("id", t("cli.innspill.sporsmal"), "status", "innspill", "deltakere"), rows)
    return 0
