"""What one RSVP click walks through: our functions, SQL statements, private SDK members.

Run from the repository root:  python bench/rsvp_path.py [--root OTHER_CHECKOUT]
The app runs in this process on a loopback port with a fresh SQLite database; one warm-up
click, then one `rsvp.answer` Action.Execute is measured: distinct project functions entered
(sys.setprofile, project files only), SQL statements sent (before_cursor_execute), and the
private botbuilder/botframework/msrest names our bot/ and app.py code touch (static: names
starting with one underscore that the SDK defines and our code writes).
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import re
import socket
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any


def private_sdk_names(root: Path) -> list[str]:
    """Single-underscore names our botbuilder layer uses that the SDK itself defines."""
    import botbuilder
    import botframework

    sdk_dirs = [Path(botbuilder.__path__[0]).parent / "botbuilder",
                Path(botframework.__path__[0]).parent / "botframework"]
    ours: Counter[str] = Counter()
    for path in [root / "app.py", *sorted((root / "bot").glob("*.py"))]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Attribute):
                names = [node.attr]
            elif isinstance(node, ast.ImportFrom):
                names = [a.name for a in node.names] + (node.module or "").split(".")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names = [node.value]
            for name in names:
                if re.fullmatch(r"_[A-Za-z][A-Za-z0-9_]*", name) and not name.endswith("__"):
                    ours[name] += 1
    defined: set[str] = set()
    pattern = re.compile(r"\b(_[A-Za-z][A-Za-z0-9_]*)\b")
    for d in sdk_dirs:
        for path in d.rglob("*.py"):
            defined.update(pattern.findall(path.read_text(encoding="utf-8", errors="ignore")))
            defined.add(path.stem)
    return sorted(n for n in ours if n in defined)


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def measure(root: Path, tmp: str) -> dict[str, Any]:
    """Start the app from `root`, click twice, measure the second click."""
    import aiohttp
    from aiohttp import web
    from sqlalchemy import event

    sys.path.insert(0, str(root / "bench"))
    import rsvp  # bench/rsvp.py of that tree: seed() and invoke()

    from app import create_app
    from core.settings import Settings
    from storage.db import make_engine

    url = f"sqlite:///{tmp}/path.db"
    meeting_id = rsvp.seed(url, 40)
    engine = make_engine(url)
    statements: list[str] = []
    turn_task: list[Any] = [None]  # the request's task: background pollers are not counted

    def on_sql(conn: Any, cur: Any, stmt: str, *a: Any) -> None:
        try:
            task = asyncio.current_task()
        except RuntimeError:
            task = None
        if turn_task[0] is not None and task is turn_task[0]:
            statements.append(stmt)

    event.listen(engine, "before_cursor_execute", on_sql)
    settings = Settings.model_validate({"MicrosoftAppId": "", "DATABASE_URL": url})
    app = create_app(settings, engine=engine)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    sink = web.Application()  # nothing is posted on an invoke, but answer if it is

    async def posted(_request: web.Request) -> web.Response:
        return web.json_response({"id": "1"})

    sink.router.add_route("*", "/{tail:.*}", posted)
    sink_runner = web.AppRunner(sink, access_log=None)
    await sink_runner.setup()
    sink_port = free_port()
    await web.TCPSite(sink_runner, "127.0.0.1", sink_port).start()
    api = f"http://127.0.0.1:{port}/api/messages"
    service = f"http://127.0.0.1:{sink_port}/"
    funcs: Counter[str] = Counter()
    prefix = str(root.resolve()) + "/"
    skip = (prefix + "bench/", prefix + "tests/", prefix + ".venv/")

    def profile(frame: Any, what: str, arg: Any) -> None:
        if what == "call":
            f = frame.f_code.co_filename
            if f.startswith(prefix) and not f.startswith(skip):
                task = asyncio.current_task()
                if f.endswith("/app.py") and frame.f_code.co_name == "messages":
                    turn_task[0] = task
                if task is not turn_task[0]:
                    return
                funcs[f"{f[len(prefix):]}:{frame.f_code.co_name}"] += 1

    try:
        async with aiohttp.ClientSession() as http:
            for seq in (1, 41):  # the same member twice: the second is not a first contact
                statements.clear()
                turn_task[0] = None
                body = rsvp.invoke(seq, service, meeting_id, 40)
                if seq == 41:
                    sys.setprofile(profile)
                async with http.post(api, json=body) as resp:
                    answer = await resp.json()
                sys.setprofile(None)
                assert answer.get("type") == "application/vnd.microsoft.card.adaptive", answer
    finally:
        sys.setprofile(None)
        await runner.cleanup()
        await sink_runner.cleanup()
    return {"functions": funcs, "statements": list(statements),
            "private": private_sdk_names(root)}


def main() -> None:
    """Print the figures for this tree (or --root)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    root = args.root.resolve()
    sys.path.insert(0, str(root))
    with tempfile.TemporaryDirectory(prefix="bench-rsvp-path-") as tmp:
        out = asyncio.run(measure(root, tmp))
    funcs: Counter[str] = out["functions"]
    print(f"tree: {root}")
    print(f"project functions entered: {len(funcs)} distinct, {sum(funcs.values())} calls")
    print(f"SQL statements: {len(out['statements'])}")
    print(f"private SDK names used in bot/ and app.py: {len(out['private'])}: "
          + ", ".join(out["private"]))
    if args.verbose:
        for stmt in out["statements"]:
            print("  SQL", " ".join(stmt.split())[:160])
        for name, n in sorted(funcs.items()):
            print(f"  {n:4} {name}")


if __name__ == "__main__":
    main()
