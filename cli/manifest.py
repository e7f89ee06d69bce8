"""`python app.py manifest build`: the Teams app package to upload in Teams or Teams admin."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli import CliContext, CliError
from cli.common import NorwegianParser
from core.os_errors import os_error_text
from services.manifest import ManifestError, build_package, fill_manifest, is_guid, load_template

DEFAULT_OUTPUT = Path("build") / "faggruppe-bot.zip"


def register(subparsers: Any) -> None:
    """Add `manifest build` to the top-level parser."""
    noun = subparsers.add_parser("manifest", help="Teams-apppakken (manifest og ikoner)")
    verbs = noun.add_subparsers(
        dest="verb", required=True, parser_class=NorwegianParser, metavar="build"
    )
    build = verbs.add_parser(
        "build",
        help="Lag zip-filen som lastes opp i Teams",
        description="Lager Teams-apppakken: manifest.json, color.png og outline.png i én zip-fil.",
    )
    build.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        metavar="FIL",
        help=f"hvor zip-filen skrives (standard: {DEFAULT_OUTPUT})",
    )
    build.add_argument(
        "--app-id",
        dest="app_id",
        default=None,
        metavar="GUID",
        help="Microsoft App ID (GUID); standard er MicrosoftAppId fra miljøet",
    )
    build.add_argument(
        "--app-version",
        dest="app_version",
        default=None,
        metavar="VERSJON",
        help="appens versjon X.Y.Z; øk den for hver ny opplasting (standard: malens versjon)",
    )
    build.set_defaults(func=cmd_build)


def cmd_build(args: argparse.Namespace, ctx: CliContext) -> int:
    """Fill the manifest, zip it and print the path of the zip on stdout."""
    app_id = (args.app_id if args.app_id is not None else ctx.settings.app_id).strip()
    if not app_id:
        raise CliError(
            "Mangler app-id. Sett MicrosoftAppId i miljøet eller i .env, "
            "eller oppgi den med --app-id <GUID>."
        )
    if not is_guid(app_id):
        raise CliError(
            f"App-id-en «{app_id}» er ikke en gyldig GUID "
            "(forventet formen xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)."
        )
    try:
        manifest = fill_manifest(
            load_template(), app_id, ctx.settings.public_url, version=args.app_version
        )
        package = build_package(manifest)
    except ManifestError as exc:
        raise CliError(str(exc)) from exc
    output: Path = args.output
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(package)
    except OSError as exc:
        raise CliError(f"kunne ikke skrive {output}: {os_error_text(exc)}") from exc
    sys.stdout.write(f"{output}\n")
    return 0
