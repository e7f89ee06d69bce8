"""storage.db.open_database: the service's wait for a database that is still starting."""

from __future__ import annotations

import socket

import pytest

from storage.db import DatabaseStartError, describe, open_database


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_open_database_retries_with_back_off_until_the_timeout() -> None:
    now = [0.0]
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        now[0] += seconds

    with pytest.raises(DatabaseStartError, match="etter 10 sekunder"):
        open_database(f"postgresql://postgres@127.0.0.1:{free_port()}/x", wait_s=10,
                      sleep=sleep, monotonic=lambda: now[0])
    assert pauses[:4] == [0.25, 0.5, 1.0, 2.0] and sum(pauses) == pytest.approx(10)


def test_the_cli_does_not_wait() -> None:
    pauses: list[float] = []
    with pytest.raises(DatabaseStartError, match="får ikke kontakt"):
        open_database(f"postgresql://postgres@127.0.0.1:{free_port()}/x", sleep=pauses.append)
    assert pauses == []


def test_describe_never_shows_the_password() -> None:
    text = describe("postgresql://bruker:hemmelig@db.example:6543/faggruppe")
    assert text == "PostgreSQL på db.example:6543, database «faggruppe»"


def test_a_sqlite_file_that_cannot_be_opened_is_not_waited_for(tmp_path) -> None:
    (tmp_path / "fil").write_text("")
    pauses: list[float] = []
    with pytest.raises(DatabaseStartError, match="kan ikke åpne SQLite-filen"):
        open_database(f"sqlite:///{tmp_path}/fil/db.sqlite", wait_s=30, sleep=pauses.append)
    assert pauses == []


def test_an_unexpected_error_is_a_sentence_not_a_traceback(monkeypatch, capsys) -> None:
    import app
    import cli

    def broken(_argv):  # type: ignore[no-untyped-def]
        raise RuntimeError("noe brakk")

    monkeypatch.setattr(cli, "main", broken)
    monkeypatch.setattr(app.logging, "basicConfig", lambda **_kw: None)  # leave pytest's logging
    assert app.main(["groups", "list"]) == 1
    err = capsys.readouterr().err
    assert "Feil: noe uventet gikk galt (RuntimeError: noe brakk)" in err
    assert "Traceback" not in err
