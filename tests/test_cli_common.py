"""cli/common.py's pure helpers."""

from __future__ import annotations

import io

from cli.common import print_rows, translate_argparse


def test_print_rows_keeps_cells_on_one_line() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert print_rows(("id", "x"), [(1, "a\tb\nc"), (2, "")], out, err) == 2
    assert out.getvalue() == "1\ta b c\n2\t-\n" and err.getvalue() == ""


def test_an_empty_piped_list_writes_ingen_to_stderr_only() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert print_rows(("id",), [], out, err) == 0
    assert (out.getvalue(), err.getvalue()) == ("", "(ingen)\n")


def test_unknown_argparse_sentence_passes_through() -> None:
    assert translate_argparse("something new") == "something new"
