"""`regions import FIL | regions list`: the sub-regions (delregioner) the secretariat keeps
in `storage/data/regions.csv`, loaded into the database and checked against the regions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli import CliContext, CliError
from cli.common import print_rows
from core.i18n import t
from domain.subregions import RegionFileError, decode_regions_file, parse_regions_file
from services import coverage
from services.privacy import cli_actor
from storage import subregions
from storage.db import session_scope


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `regions` and its verbs."""
    parser = subparsers.add_parser("regions", help=t("cli.regions.regioner_og_delregioner"))
    verbs = parser.add_subparsers(dest="verb", required=True)
    load = verbs.add_parser("import", help=t("cli.regions.erstatt_delregionene"))
    load.add_argument("path")
    load.set_defaults(func=cmd_import)
    verbs.add_parser("list", help=t("cli.regions.list_regionene")).set_defaults(func=cmd_list)


def cmd_import(args: argparse.Namespace, ctx: CliContext) -> int:
    """Check the whole file first; then replace every sub-region with it (audited)."""
    try:
        rows = parse_regions_file(decode_regions_file(Path(args.path).read_bytes()))
    except RegionFileError as exc:
        raise CliError(t("cli.regions.ingenting_endret", path=args.path, error=str(exc))) from exc
    with session_scope(ctx.engine) as session:
        subs, orgs = coverage.import_file(session, rows, ctx.clock.now(), actor=cli_actor(),
                                          source=Path(args.path).name)
        unplaced = [r.name for r, _sub, known, _n in subregions.regions_with_parents(session)
                    if not known]
    print(f"{subs}\t{orgs}")
    sys.stderr.write(t("cli.regions.lest_inn", subs=subs, orgs=orgs))
    if unplaced:
        sys.stderr.write(t("cli.regions.uten_delregion", names=", ".join(unplaced)))
    return 0


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:  # noqa: ARG001
    """One row per region: id, name, its sub-region («-»: in none by the file, «ukjent»: not
    in the file), active members."""
    with session_scope(ctx.engine) as session:
        rows = subregions.regions_with_parents(session)
    unknown = t("cli.regions.ukjent")
    print_rows(("id", "region", "delregion", "medlemmer"),
               [(region.id, region.name, sub or ("-" if known else unknown), count)
                for region, sub, known, count in rows])
    return 0
