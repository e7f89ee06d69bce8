"""Send-out to many members through two app instances on one PostgreSQL (not in CI).

python bench/sendout_pg.py --members 10000 --instances 2 [--admin-url postgresql://…/test]
A fresh database is created and dropped; the fake Bot Connector enforces Teams' limits.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import select  # noqa: E402

from core.clock import SystemClock  # noqa: E402
from delivery.sendout import notice_activity, start_sendout  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Member  # noqa: E402
from storage.scratch import fresh_postgres  # noqa: E402
from tests.fakes.connector import FakeConnector  # noqa: E402
from tests.test_delivery_support import seed_group  # noqa: E402


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def run(url: str, members: int, instances: int) -> dict[str, float]:
    """Record the send-out, start the app processes, wait until every member has it.

    The time includes starting the processes (a few seconds), so small runs understate the rate.
    """
    engine = make_engine(url)
    upgrade(engine)
    async with FakeConnector(enforce_limits=True, latency_s=0.05) as fc:
        seed_group(engine, fc.url, members)
        with session_scope(engine) as session:
            everyone = list(session.exec(select(Member)))
            start_sendout(session, "notice", "bench-pg", everyone,
                          lambda _m: notice_activity("Kunngjøring", ["Benchmark"]),
                          SystemClock().now())
        env = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            procs = [await asyncio.create_subprocess_exec(
                sys.executable, str(ROOT / "app.py"), cwd=tmp,
                env={**env, "DATABASE_URL": url, "PORT": str(_free_port()),
                     "PYTHONPATH": str(ROOT)},
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
                for _ in range(instances)]
            try:
                await fc.wait_for(members, timeout=60 + members / 30)
                elapsed = time.perf_counter() - started
                await asyncio.sleep(2.0)  # anything sent twice would arrive now
            finally:
                for proc in procs:
                    proc.terminate()
                    await proc.wait()
    per_chat = Counter(c.conversation_id for c in fc.accepted())
    engine.dispose()
    return {"members": members, "instances": instances, "seconds": round(elapsed, 1),
            "rate_fraction": round(len(fc.accepted()) / elapsed / 50.0, 3),
            "lost": members - len(per_chat), "duplicated": sum(per_chat.values()) - len(per_chat),
            "violations": len(fc.violations)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with fresh_postgres(args.admin_url, "faggruppe_bench") as url:
        print(asyncio.run(run(url, args.members, args.instances)))


if __name__ == "__main__":
    main()
