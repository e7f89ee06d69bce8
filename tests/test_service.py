"""The service as a process: default SQLite file, /healthz, SIGTERM, concurrent migrations."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp
from alembic.script import ScriptDirectory
from sqlalchemy import text

from core.settings import Settings
from tests.ops_support import wait_ready
from tests.serving import serve

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MicrosoftAppId")}
    env.update(PYTHONPATH=str(ROOT), **extra)
    return env


def _serve_then_signal(tmp_path, sig: signal.Signals, **env: str) -> tuple[int, str]:
    """`python app.py` until /healthz answers, then `sig`; its exit code and stderr."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=tmp_path,
                            env=_env(PORT=str(port), **env), stderr=subprocess.PIPE, text=True)
    try:
        wait_ready(port, proc, path="/healthz")
        assert (tmp_path / "data" / "faggruppe.db").exists(), "default: SQLite under ./data/"
        proc.send_signal(sig)
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    return code, proc.stderr.read() if proc.stderr else ""


def test_python_app_py_serves_on_default_sqlite_and_stops_on_sigterm(tmp_path):
    code, stderr = _serve_then_signal(tmp_path, signal.SIGTERM)
    assert code == 0
    assert "lytter på http://127.0.0.1" in stderr


def test_ctrl_c_stops_the_service_cleanly_without_a_traceback(tmp_path):
    # Ticks back to back, so the signal lands while one is in flight (the case that logged
    # the tick's CancelledError with a traceback).
    code, stderr = _serve_then_signal(tmp_path, signal.SIGINT, SCHEDULER_TICK_S="0.01")
    assert code in (0, 130), stderr[-500:]
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr[-500:]


async def test_healthz_answers_503_when_the_database_is_gone(tmp_path):
    from app import create_app
    from storage.db import make_engine

    folder = tmp_path / "db"
    folder.mkdir()
    engine = make_engine(f"sqlite:///{folder / 'bot.db'}")
    app = create_app(Settings.model_validate({"MicrosoftAppId": ""}), engine=engine)
    runner, base = await serve(app)
    url = f"{base}/healthz"
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(url) as resp:
                assert resp.status == 200
            engine.dispose()
            shutil.rmtree(folder)
            async with http.get(url) as resp:
                assert resp.status == 503
    finally:
        await runner.cleanup()


def test_two_processes_migrate_one_fresh_database_at_once(db_url, tmp_path):
    from storage.db import make_engine
    from storage.migrate import alembic_config

    url = db_url if not db_url.startswith("sqlite") else f"sqlite:///{tmp_path / 'race.db'}"
    if url.startswith("postgresql"):
        engine = make_engine(url)
        with engine.begin() as conn:  # back to an empty database: both starts must migrate
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    procs = [subprocess.Popen([sys.executable, str(ROOT / "app.py"), "groups", "list"],
                              cwd=tmp_path, env=_env(DATABASE_URL=url),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    # The timeout is for a hang: three starts at once on a loaded machine are slow.
    results = [(p.wait(timeout=180), p.stderr.read() if p.stderr else "") for p in procs]
    assert [code for code, _ in results] == [0, 0, 0], results
    engine = make_engine(url)
    with engine.connect() as conn:
        versions = {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
        assert versions == set(ScriptDirectory.from_config(alembic_config()).get_heads())
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar() if url.startswith(
            "sqlite") else "wal"
        assert mode == "wal"
    engine.dispose()
