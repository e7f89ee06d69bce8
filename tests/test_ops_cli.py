"""`system check` and `db version|backup|restore`, as an administrator runs them."""

from __future__ import annotations

import asyncio
import base64
import json
import signal
import sqlite3
import sys
from pathlib import Path
from typing import Any

import aiohttp
import jwt
import msal
import pytest
from sqlalchemy import text

from cli import CliContext
from cli import main as cli_main
from core.settings import Settings
from services.system_check import GraphCheck, graph_lines
from storage.db import make_engine
from storage.migrate import head_revisions, upgrade
from tests.fakes.connector import FakeConnector
from tests.harness import activity
from tests.ops_support import ROOT, clean_env, cli, free_port, served, start_app, wait_ready

APP_ID = "00000000-0000-4000-8000-0000000000b0"
HEAD = ",".join(sorted(head_revisions()))


class FakeMsal:
    """Stands in for msal.ConfidentialClientApplication (as tests/test_delivery_tokens.py)."""

    answer: dict[str, Any] = {}
    made: list[FakeMsal] = []

    def __init__(self, client_id: str, *, client_credential: str, authority: str,
                 **_options: Any) -> None:  # timeout= and the like
        FakeMsal.made.append(self)

    def acquire_token_for_client(self, scopes: list[str]) -> dict[str, Any]:
        return dict(FakeMsal.answer)


@pytest.fixture
def fake_msal(monkeypatch):
    FakeMsal.made, FakeMsal.answer = [], {"access_token": "t", "expires_in": 3600}
    monkeypatch.setattr(msal, "ConfidentialClientApplication", FakeMsal)
    return FakeMsal


def _check(capsys, **values: str) -> tuple[int, list[str], str]:
    settings = Settings.model_validate(values)
    code = cli_main(["system", "check"], CliContext(settings=settings))
    out = capsys.readouterr()
    return code, out.out.splitlines(), out.err


def _failures(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("FEIL")]


def test_system_check_passes_on_a_migrated_local_install(capsys, engine):
    code, lines, _ = _check(capsys, MicrosoftAppId="", DATABASE_URL=str(engine.url))
    assert code == 0
    assert lines and all(line.startswith("OK") for line in lines), lines
    assert any("Databasen svarer" in line for line in lines)
    assert any(f"siste versjon ({HEAD})" in line for line in lines)


def test_system_check_fails_with_a_sentence_for_each_broken_setting(capsys, fake_msal):
    closed = free_port()  # nothing listens there: the database cannot answer
    code, lines, err = _check(
        capsys, MicrosoftAppId="ikke-en-guid", MicrosoftAppPassword="",
        MicrosoftAppType="SingleTenant", LOG_FORMAT="xml", PUBLIC_URL="ftp://bot.example.no",
        DATABASE_URL=f"postgresql://postgres@127.0.0.1:{closed}/faggruppe", HOST="0.0.0.0")
    assert code == 1 and "Oppsettet har feil" in err
    failures = _failures(lines)
    for needle in ("MicrosoftAppId=«ikke-en-guid» er ikke en GUID",
                   "MicrosoftAppPassword er tom",
                   "SingleTenant krever MicrosoftAppTenantId",
                   "LOG_FORMAT=«xml» er ukjent",
                   "PUBLIC_URL=«ftp://bot.example.no» er ingen gyldig adresse",
                   f"Databasen svarer ikke (PostgreSQL postgres@127.0.0.1:{closed}/faggruppe)",
                   "Token fra Entra ikke prøvd"):
        assert sum(needle in line for line in failures) == 1, (needle, lines)
    assert len(failures) == 7, lines
    assert fake_msal.made == [], "no token request with credentials known to be wrong"


def test_system_check_refuses_local_mode_on_an_open_address_unless_allowed(capsys, engine):
    code, lines, _ = _check(capsys, MicrosoftAppId="", HOST="0.0.0.0",
                            DATABASE_URL=str(engine.url))
    assert code == 1
    [failure] = _failures(lines)
    assert "Lokal modus (tom MicrosoftAppId) på HOST=0.0.0.0" in failure
    code, lines, _ = _check(capsys, MicrosoftAppId="", HOST="0.0.0.0",
                            ALLOW_UNAUTHENTICATED="true", DATABASE_URL=str(engine.url))
    assert code == 0
    assert [line for line in lines if not line.startswith("OK")] == [
        "ADVARSEL Lokal modus uten autentisering på HOST=0.0.0.0 (ALLOW_UNAUTHENTICATED): alle "
        "som når porten kan opptre som en hvilken som helst bruker."]


def test_system_check_names_a_database_that_was_never_migrated(capsys, tmp_path):
    code, lines, _ = _check(capsys, MicrosoftAppId="", DATABASE_URL=f"sqlite:///{tmp_path}/n.db")
    assert code == 1
    [failure] = _failures(lines)
    assert f"skjemaversjon tom, koden {HEAD}. Kjør `python app.py db upgrade`" in failure


def test_system_check_asks_entra_for_a_bot_connector_token_in_auth_mode(capsys, fake_msal,
                                                                       engine):
    auth = {"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "hemmelig", "HOST": "0.0.0.0",
            "DATABASE_URL": str(engine.url),
            # Loopback and closed: unreachable from here is only a warning (hairpin).
            "PUBLIC_URL": f"https://127.0.0.1:{free_port()}"}
    fake_msal.answer = {"error": "invalid_client",
                        "error_description": "AADSTS7000215: Invalid client secret provided."}
    code, lines, _ = _check(capsys, **auth)
    assert code == 1
    [failure] = _failures(lines)
    assert "Fikk ikke token fra Entra for Bot Connector" in failure
    assert "AADSTS7000215" in failure and "MicrosoftAppPassword" in failure
    fake_msal.answer = {"access_token": "t", "expires_in": 3600}
    code, lines, _ = _check(capsys, **auth)
    assert code == 0, lines
    assert "OK       Token fra Entra for Bot Connector" in lines
    [warning] = [line for line in lines if line.startswith("ADVARSEL")]
    assert "/healthz svarte ikke herfra" in warning


async def test_system_check_finds_public_url_answering(capsys, engine):
    from app import create_app

    settings = {"MicrosoftAppId": "", "DATABASE_URL": str(engine.url)}
    async with served(create_app(Settings.model_validate(settings), engine=engine)) as url:
        # The check blocks on its HTTP request: off the loop that serves the answer.
        code, lines, _ = await asyncio.to_thread(_check, capsys, PUBLIC_URL=url, **settings)
    assert code == 0
    assert f"OK       {url}/healthz svarer" in lines


def test_graph_check_lists_the_permissions_the_token_lacks():
    token = jwt.encode({"roles": ["Calendars.ReadWrite"]}, "k" * 32, algorithm="HS256")
    lines = graph_lines(GraphCheck(
        acquire=lambda: {"access_token": token},
        needed={"Calendars.ReadWrite": "Outlook-invitasjonen",
                "OnlineMeetingArtifact.Read.All": "oppmøtelisten"}))
    assert [line.level for line in lines] == ["OK", "FEIL"]
    assert "Calendars.ReadWrite" in lines[0].text
    assert "OnlineMeetingArtifact.Read.All mangler (trengs for oppmøtelisten)" in lines[1].text
    refused = graph_lines(GraphCheck(acquire=lambda: {"error_description": "AADSTS700016"},
                                     needed={}))
    assert [(line.level, "AADSTS700016" in line.text) for line in refused] == [("FEIL", True)]


def test_db_version_shows_both_versions_and_migrates_nothing(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0008'"))
    code = cli_main(["db", "version"], CliContext(settings=Settings.model_validate(
        {"DATABASE_URL": url})))
    out = capsys.readouterr()
    assert code == 0
    assert out.out == f"database 0008\nkode {HEAD}\n"
    assert "eldre enn koden" in out.err
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0008"
    engine.dispose()


def _rows(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, conversation_id, tenant_id FROM conversation_ref "
                            "ORDER BY id").fetchall()


async def test_backup_while_the_app_writes_then_restore_gives_the_same_rows(tmp_path):
    db = tmp_path / "bot.db"
    env = {"DATABASE_URL": f"sqlite:///{db}"}
    port = free_port()
    app = start_app(tmp_path, port, **env)
    backup = tmp_path / "kopi.db"
    try:
        await asyncio.to_thread(wait_ready, port, app)
        async with FakeConnector() as fc, aiohttp.ClientSession() as http:
            async def install(i: int) -> None:
                body = activity("personal_install", fc.url)
                user = {"id": f"29:user-{i}", "aadObjectId": f"aad-{i}"}
                body.update({"from": user, "membersAdded": [user, body["recipient"]]})
                body["conversation"] = {**body["conversation"], "id": f"a:personal-{i}"}
                async with http.post(f"http://127.0.0.1:{port}/api/messages",
                                     json=body) as resp:
                    assert resp.status in (200, 201)

            for i in range(20):  # rows before the backup starts
                await install(i)
            backup_run = await asyncio.create_subprocess_exec(
                sys.executable, str(ROOT / "app.py"), "db", "backup", "--output", str(backup),
                cwd=tmp_path, env=clean_env(**env), stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE)
            i = 20
            while backup_run.returncode is None:  # the app keeps writing during the backup
                await install(i)
                i += 1
                try:
                    await asyncio.wait_for(asyncio.shield(backup_run.wait()), 0.01)
                except TimeoutError:
                    pass
            out, err = await backup_run.communicate()
            assert backup_run.returncode == 0, err
            assert out.decode().strip() == str(backup)
            for j in range(i, i + 10):  # and after it
                await install(j)
        refused = cli("db", "restore", str(backup), "--yes", cwd=tmp_path, **env)
        assert refused.returncode == 1
        assert "Appen kjører mot" in refused.stderr and "Traceback" not in refused.stderr
    finally:
        app.send_signal(signal.SIGTERM)
        app.wait(timeout=15)
    copied, written = _rows(backup), _rows(db)
    assert 20 <= len(copied) < len(written)
    assert copied == written[:len(copied)], "the backup is one consistent snapshot"
    restored = cli("db", "restore", str(backup), "--yes", cwd=tmp_path, **env)
    assert restored.returncode == 0, restored.stderr
    assert _rows(db) == copied
    version = cli("db", "version", cwd=tmp_path, **env)
    assert version.stdout.splitlines()[0] == f"database {HEAD}"


def test_restore_refuses_a_backup_from_newer_code_and_files_that_are_no_backup(tmp_path):
    db = tmp_path / "bot.db"
    env = {"DATABASE_URL": f"sqlite:///{db}"}
    assert cli("db", "upgrade", cwd=tmp_path, **env).stdout == f"database {HEAD}\n"
    assert cli("db", "backup", "--output", str(tmp_path / "b.db"), cwd=tmp_path,
               **env).returncode == 0
    with sqlite3.connect(tmp_path / "b.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    newer = cli("db", "restore", str(tmp_path / "b.db"), "--yes", cwd=tmp_path, **env)
    assert newer.returncode == 1 and "skjemaversjon 9999" in newer.stderr
    (tmp_path / "notes.txt").write_text("ikke en database", encoding="utf-8")
    junk = cli("db", "restore", str(tmp_path / "notes.txt"), "--yes", cwd=tmp_path, **env)
    assert junk.returncode == 1 and "ikke en lesbar SQLite-database" in junk.stderr
    unconfirmed = cli("db", "restore", str(tmp_path / "b.db"), cwd=tmp_path, **env)
    assert unconfirmed.returncode == 1 and "--yes" in unconfirmed.stderr
    for run in (newer, junk, unconfirmed):
        assert "Traceback" not in run.stderr


def test_backup_of_postgresql_prints_the_pg_dump_line_without_the_password(tmp_path):
    url = f"postgresql://bot:hemmelig@127.0.0.1:{free_port()}/faggruppe"
    run = cli("db", "backup", "--output", "kopi.dump", cwd=tmp_path, DATABASE_URL=url)
    assert run.returncode == 0
    assert run.stdout.strip() == ("pg_dump --format=custom --file=kopi.dump "
                                  f"'postgresql://bot@{url.split('@')[1]}'")
    assert "hemmelig" not in run.stdout + run.stderr


def _jwt(claims: dict[str, Any]) -> str:
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"e30.{body}.c2ln"


def test_system_check_asks_for_a_graph_token_and_names_missing_permissions(capsys, fake_msal,
                                                                           engine):
    settings = {"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "hemmelig",
                "MicrosoftAppTenantId": "5f0c3a0e-1111-4c1e-9a1a-0000000000aa",
                "DATABASE_URL": str(engine.url), "GRAPH_ORGANIZER": "sekretariat@oslo.kommune.no",
                "GRAPH_FEATURES": "calendar,attendance"}
    fake_msal.answer = {"access_token": _jwt({"roles": ["Calendars.ReadWrite"]}),
                        "expires_in": 3600}
    code, lines, _ = _check(capsys, **settings)
    assert code == 1
    assert "OK       Token fra Entra for Microsoft Graph; tillatelser: Calendars.ReadWrite" in lines
    missing = [line for line in _failures(lines) if "Graph-tillatelsen" in line]
    assert [line.split()[2] for line in missing] == [
        "OnlineMeetingArtifact.Read.All", "OnlineMeetings.Read.All"]
    assert all("attendance" in line for line in missing)
