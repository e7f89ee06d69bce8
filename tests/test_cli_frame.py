"""The CLI's frame: argparse in bokmål, lists with a header on a terminal only, «(ingen)»."""

from __future__ import annotations

import contextlib
import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

import cli
from bot import build_router
from tests.cli_support import GROUP, Run, make_groups, make_runner

ROOT = Path(__file__).resolve().parents[1]
SEED000 = str(ROOT / "tests" / "fixtures" / "seed000_invitees.tsv")
ENGLISH = ("usage:", "options:", "positional arguments", "show this help", "error:",
           "the following", "invalid choice", "NAME_OR_EMAIL")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def on_tty(argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run app.py with stdout on a pseudo-terminal (stderr piped)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "app.py", *argv], cwd=ROOT, env=env, stdout=slave,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, b"".join(chunks).decode().replace("\r\n", "\n"), err


def piped(argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    proc = subprocess.run([sys.executable, "app.py", *argv], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def env(db_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": db_url}


def test_a_list_has_a_header_on_a_terminal_and_none_when_piped(env: dict[str, str]) -> None:
    assert piped(["groups", "create", GROUP], env)[0] == 0
    code, out, _ = on_tty(["groups", "list"], env)
    assert code == 0 and out == f"id\tnavn\tteam\tmedlemmer\n1\t{GROUP}\t-\t0\n"
    code, out, _ = piped(["groups", "list"], env)
    assert code == 0 and out == f"1\t{GROUP}\t-\t0\n"


def test_an_empty_list_says_ingen_on_a_terminal_and_stays_empty_when_piped(
        env: dict[str, str]) -> None:
    code, out, _ = on_tty(["innspill", "list"], env)
    assert code == 0 and out == "(ingen)\n"
    code, out, err = piped(["innspill", "list"], env)
    assert (code, out, err) == (0, "", "(ingen)\n")


@pytest.fixture
def run(db_url, clock, capsys) -> Run:
    return make_runner(db_url, clock, capsys)


@pytest.mark.parametrize("argv, header", [
    (["groups", "list"], "id\tnavn\tteam\tmedlemmer"),
    (["members", "list"], "id\tnavn\torganisasjon\tregion\te-post\trolle\taktiv\tnåbar"),
    (["meetings", "list"], "id\ttid\tstatus\tform\ttittel\tfaggrupper"),
    (["queue", "list"], "id\ttid\ttype\tbeskrivelse"),
    (["innspill", "list"], "id\tspørsmål\tstatus\tinnspill\tdeltakere"),
    (["round", "list"], "id\ttema\tstatus\tmøte"),
])
def test_every_list_has_its_header_only_on_a_terminal(run: Run, monkeypatch, argv: list[str],
                                                      header: str) -> None:
    make_groups(run, GROUP)
    run("members", "import", SEED000, "--group", GROUP)
    run("meetings", "create", "--group", GROUP, "--title", "Møte", "--start",
        "31.08.2027 09.00", "--end", "31.08.2027 10.30")
    code, out, err = run(*argv)
    assert code == 0 and not out.startswith("id\t")
    assert all(line.split("\t")[0].isdigit() for line in out.splitlines())
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert cli.main(argv, run.ctx) == 0  # type: ignore[attr-defined]
    first = terminal.getvalue().splitlines()[0]
    assert first in (header, "(ingen)")
    if out:
        assert first == header


def _help(parser, argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        parser.parse_args([*argv, "-h"])
    return out.getvalue()


def test_help_is_norwegian_throughout() -> None:
    parser = cli.build_parser()
    helps = [_help(parser, [])] + [_help(parser, [noun]) for noun in cli.NOUNS]
    helps += [_help(parser, argv) for argv in (
        ["members", "role"], ["members", "import"], ["meetings", "create"],
        ["meetings", "show"], ["meetings", "cancel"], ["queue", "move"], ["groups", "merge"])]
    text = "\n".join(helps)
    assert "bruk: python app.py" in text and "valg:" in text and "vis denne hjelpen" in text
    for word in ("NAVN_ELLER_EPOST", "MØTE-ID", "DATO", "FRA", "TIL", "--yes",
                 "fysisk|digitalt|hybrid|webinar|konferanse"):
        assert word in text, word
    for word in ENGLISH:
        assert word not in text, word


@pytest.mark.parametrize("argv, norwegian", [
    (["meetings", "create", "--title", "x"], "disse argumentene mangler: --group, --start, --end"),
    (["members", "list", "--bogus"], "ukjente argumenter: --bogus"),
    (["queue", "cancel", "abc"], "argumentet ID: 'abc' er ikke et heltall"),
    (["meetings", "frobnicate"], "argumentet HANDLING: ugyldig valg"),
    (["meetings", "create", "--group", "x", "--title", "x", "--start", "x", "--end", "x",
      "--format", "telefon"], "ukjent møteform «telefon»"),
])
def test_argparse_errors_are_norwegian(capsys, argv: list[str], norwegian: str) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    err = capsys.readouterr().err
    assert exited.value.code == 2 and norwegian in err and err.startswith("bruk: ")
    for word in ENGLISH:
        assert word not in err, word


def test_status_help_text_says_what_it_does() -> None:
    description = build_router().commands["status"].description
    assert "Svar på en innkalling" not in description
    assert description.startswith("Hvem som har svart")
