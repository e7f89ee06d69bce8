"""Helpers for the operations tests: the app on a loopback port, log lines as JSON."""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from aiohttp import web

from core.logs import CorrelationFilter, JsonFormatter

ROOT = Path(__file__).resolve().parent.parent


@asynccontextmanager
async def served(app: web.Application) -> AsyncIterator[str]:
    """Run an aiohttp app on 127.0.0.1 and a free port; yields its base URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@contextmanager
def captured_logs(level: int = logging.INFO) -> Iterator[list[dict[str, Any]]]:
    """Every log record from here on, formatted exactly as LOG_FORMAT=json writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(CorrelationFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(level)
    lines: list[dict[str, Any]] = []
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        lines.extend(json.loads(line) for line in stream.getvalue().splitlines() if line)


def free_port() -> int:
    """A port nobody listens on right now (loopback)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    """The test process's environment without the bot's own settings, plus `extra`."""
    drop = ("DATABASE_URL", "MicrosoftAppId", "LOG_FORMAT", "METRICS_TOKEN", "PUBLIC_URL")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(PYTHONPATH=str(ROOT), **extra)
    return env


def start_app(cwd: Path, port: int, **env: str) -> subprocess.Popen[str]:
    """`python app.py` as a subprocess, stderr captured."""
    return subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=cwd,
                            env=clean_env(PORT=str(port), **env), stderr=subprocess.PIPE,
                            text=True)


def wait_ready(port: int, proc: subprocess.Popen[str] | None = None, path: str = "/readyz",
               timeout_s: float = 120) -> None:
    """Until `path` answers 200 (/readyz: the scheduler has ticked, the worker runs).

    A process that exits fails at once with its stderr. The deadline is for a start that
    hangs: a fresh app migrates its database first, and under load (CI beside other suites)
    that took more than 30 s, so a short deadline failed a start that was only slow.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            err = proc.stderr.read() if proc.stderr else ""
            raise AssertionError(f"the app on port {port} exited with {proc.returncode}: {err}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            pass
        time.sleep(0.1)
    raise AssertionError(f"the app on port {port} was not ready after {timeout_s:g} s")


def cli(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`python app.py ARGS` as a subprocess."""
    return subprocess.run([sys.executable, str(ROOT / "app.py"), *args], cwd=cwd,
                          env=clean_env(**env), capture_output=True, text=True, timeout=60)
