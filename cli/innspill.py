"""`python app.py innspill list`: one row per session, id first."""

from __future__ import annotations

import argparse
import sys

from cli import CliContext
from core.i18n import t
from storage import innspill as repo
from storage.db import session_scope


def _status(status: str) -> str:
    return {"draft": t("cli.innspill.utkast"), "open": t("cli.innspill.apen"),
            "closed": t("cli.innspill.stengt"), "voting": t("cli.innspill.prioritering"),
            "done": t("cli.innspill.avsluttet")}.get(status, status)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `innspill` and its verbs."""
    parser = subparsers.add_parser("innspill", help=t("cli.innspill.innspill_fra_arbeidsmoter"))
    verbs = parser.add_subparsers(dest="verb", required=True)
    verbs.add_parser("list", help=t("cli.innspill.alle_innspillsokter")).set_defaults(func=cmd_list)


def cmd_list(_args: argparse.Namespace, ctx: CliContext) -> int:
    """Tab-separated: id, question, status, entries, participants."""
    with session_scope(ctx.engine) as db:
        rows = repo.list_sessions(db)
        sys.stdout.write(t("cli.innspill.id_sporsmal_status"))
        for s, count, people in rows:
            question = " / ".join(repo.questions(s)).replace("\t", " ").replace("\n", " ")
            sys.stdout.write(f"{s.id}\t{question}\t{_status(s.status)}\t"
                             f"{count}\t{people}\n")
    return 0
