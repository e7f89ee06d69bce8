"""`python app.py manifest build`: exit codes, messages and the written zip."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

import cli
from core.settings import load_settings

APP_ID = "0F8FAD5B-D9CB-469F-A165-70867728950E"


# The CLI tests must not depend on the other nouns' modules.
OUR_NOUNS = ("manifest",)


def run(argv: list[str], app_id: str = "") -> int:
    ctx = cli.CliContext(settings=load_settings(app_id=app_id, public_url=""))
    return cli.main(["manifest", "build", *argv], ctx, nouns=OUR_NOUNS)


def test_build_writes_default_path_with_app_id_from_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run([], app_id=APP_ID) == 0
    out = capsys.readouterr().out.strip()
    assert Path(out) == Path("build") / "faggruppe-bot.zip"
    manifest = json.loads(zipfile.ZipFile(tmp_path / out).read("manifest.json"))
    assert manifest["id"] == APP_ID.lower() and manifest["validDomains"] == []


def test_build_with_explicit_app_id_and_output_is_reproducible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a" / "app.zip", tmp_path / "b.zip"
    assert run(["--app-id", APP_ID, "--output", str(first), "--app-version", "1.2.3"]) == 0
    assert run(["--app-id", APP_ID, "--output", str(second), "--app-version", "1.2.3"]) == 0
    assert capsys.readouterr().out.split() == [str(first), str(second)]
    assert first.read_bytes() == second.read_bytes()
    assert json.loads(zipfile.ZipFile(first).read("manifest.json"))["version"] == "1.2.3"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "Mangler app-id"),
        (["--app-id", "ikke-en-guid"], "«ikke-en-guid» er ikke en gyldig GUID"),
        (["--app-id", APP_ID, "--app-version", "1.0"], "Versjonen «1.0» må ha formen X.Y.Z"),
    ],
)
def test_bad_input_exits_1_with_norwegian_message(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run([*argv, "--output", str(tmp_path / "x.zip")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("Feil: ") and message in captured.err
    assert not (tmp_path / "x.zip").exists()
