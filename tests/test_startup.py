"""Setup mistakes end in one Norwegian sentence and exit 1, never a traceback (as subprocesses)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import make_engine

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


def app(*argv: str, cwd: Path, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
    """`python app.py …` in `cwd` with only these settings (no .env from the checkout)."""
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PORT", "HOST")}
    return subprocess.run([sys.executable, APP, *argv], cwd=cwd, env={**clean, **env},
                          capture_output=True, text=True, timeout=timeout)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr and "Error:" not in proc.stderr, proc.stderr


def test_sqlite_file_in_a_missing_folder_creates_the_folder_and_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "ny" / "mappe"
    proc = app("groups", "list", cwd=tmp_path, DATABASE_URL=f"sqlite:///{folder}/f.db")
    assert proc.returncode == 0, proc.stderr
    assert f"Opprettet mappen {folder}" in proc.stderr
    assert (folder / "f.db").exists()


def test_sqlite_folder_that_cannot_be_created_is_a_sentence(tmp_path: Path) -> None:
    (tmp_path / "fil").write_text("")
    proc = app("groups", "list", cwd=tmp_path,
               DATABASE_URL=f"sqlite:///{tmp_path}/fil/under/f.db")
    assert proc.returncode == 1
    no_traceback(proc)
    assert "kan ikke opprette mappen" in proc.stderr


@pytest.mark.parametrize("url, words", [
    ("mysql://bruker@vert/db", "«mysql», som ikke støttes"),
    ("ikke-en-url", "kan ikke leses"),
])
def test_unsupported_database_url_is_a_sentence(tmp_path: Path, url: str, words: str) -> None:
    proc = app("groups", "list", cwd=tmp_path, DATABASE_URL=url)
    assert proc.returncode == 1
    no_traceback(proc)
    assert words in proc.stderr and proc.stderr.startswith("Feil: DATABASE_URL")


def test_postgres_not_answering_names_where_and_hides_the_password(tmp_path: Path) -> None:
    port = free_port()
    proc = app("groups", "list", cwd=tmp_path,
               DATABASE_URL=f"postgresql://postgres:hemmelig@127.0.0.1:{port}/faggruppe")
    assert proc.returncode == 1
    no_traceback(proc)
    assert f"PostgreSQL på 127.0.0.1:{port}, database «faggruppe»" in proc.stderr
    assert "hemmelig" not in proc.stderr
    assert "Venter" not in proc.stderr, "the CLI does not wait"


def test_service_waits_for_postgres_then_gives_up_with_a_sentence(tmp_path: Path) -> None:
    port = free_port()
    proc = app(cwd=tmp_path, DATABASE_URL=f"postgresql://postgres:hemmelig@127.0.0.1:{port}/x",
               DB_START_TIMEOUT_S="1", PORT=str(free_port()))
    assert proc.returncode == 1
    no_traceback(proc)
    assert "Venter på databasen" in proc.stderr and "etter 1 sekunder" in proc.stderr
    assert "lytter på" not in proc.stderr and "hemmelig" not in proc.stderr


def test_busy_port_is_a_sentence_and_never_says_it_listens(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = app(cwd=tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/s.db", PORT=str(port))
    assert proc.returncode == 1
    no_traceback(proc)
    assert f"kan ikke lytte på 127.0.0.1:{port}: adressen er allerede i bruk" in proc.stderr
    assert "lytter på" not in proc.stderr


def test_malformed_env_file_value_is_a_sentence(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("PORT=tretti\nDB_START_TIMEOUT_S=lenge\n", encoding="utf-8")
    proc = app("groups", "list", cwd=tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/s.db")
    assert proc.returncode == 1
    no_traceback(proc)
    assert "PORT må være et heltall, ikke «tretti»" in proc.stderr
    assert "DB_START_TIMEOUT_S må være et tall, ikke «lenge»" in proc.stderr


def test_database_from_a_newer_version_is_refused_and_left_alone(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/ny.db"
    assert app("groups", "list", cwd=tmp_path, DATABASE_URL=url).returncode == 0
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    proc = app("groups", "list", cwd=tmp_path, DATABASE_URL=url)
    assert proc.returncode == 1
    no_traceback(proc)
    assert "skjemaversjon 9999, som er nyere enn denne versjonen" in proc.stderr
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).all() == [("9999",)]
    engine.dispose()


def test_os_error_on_output_is_a_norwegian_sentence(tmp_path: Path) -> None:
    (tmp_path / "fil").write_text("")
    proc = app("cards", "dump", str(tmp_path / "fil" / "kort"), cwd=tmp_path,
               DATABASE_URL=f"sqlite:///{tmp_path}/s.db")
    assert proc.returncode == 1
    no_traceback(proc)
    assert proc.stderr == f"Feil: kan ikke opprette mappen: {tmp_path}/fil/kort: en del av " \
        "stien er ikke en mappe\n"
