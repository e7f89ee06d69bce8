"""`groups list|create`: the working groups the bot serves."""

from __future__ import annotations

import argparse
import sys

from cli import CliContext, CliError
from services.names import collapse_spaces
from storage.db import session_scope
from storage.groups import find_group, get_or_create_group, list_groups


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `groups` and its verbs."""
    parser = subparsers.add_parser("groups", help="faggrupper")
    verbs = parser.add_subparsers(dest="verb", required=True)
    verbs.add_parser("list", help="list faggrupper").set_defaults(func=cmd_list)
    create = verbs.add_parser("create", help="opprett en faggruppe")
    create.add_argument("name")
    create.set_defaults(func=cmd_create)


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    """One row per group: id, name, linked team or "-", member count."""
    with session_scope(ctx.engine) as session:
        rows = list_groups(session)
    for group, count in rows:
        print(f"{group.id}\t{group.name}\t{group.team_id or '-'}\t{count}")
    return 0


def cmd_create(args: argparse.Namespace, ctx: CliContext) -> int:
    """Create a group (or find the existing one) and print its id alone."""
    name = collapse_spaces(args.name)
    if not name:
        raise CliError("navnet på faggruppen kan ikke være tomt")
    with session_scope(ctx.engine) as session:
        existing = find_group(session, name)
        group = existing or get_or_create_group(session, name)
    print(group.id)
    if existing is not None:
        sys.stderr.write(f"Faggruppen «{group.name}» finnes allerede.\n")
    else:
        sys.stderr.write(f"Opprettet faggruppen «{group.name}».\n")
    return 0
