"""Request times under the hostile body: 240 KB of repeated «<at>» against the real app.

The app (local mode, SQLite in a temp dir) and a fake Bot Connector run in this process on
127.0.0.1. Hostile posts go in at a fixed concurrency while /healthz is probed every 50 ms;
the worst hostile request and the worst health probe are printed, with p50.
Run from the repository root:  python bench/hostile.py [--n 40] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.settings import Settings  # noqa: E402
from tests.fakes.connector import FakeConnector  # noqa: E402
from tests.harness import activity  # noqa: E402
from tests.serving import serve  # noqa: E402


async def main(n: int, concurrency: int) -> None:
    from app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        async with FakeConnector() as connector:
            settings = Settings.model_validate({"DATABASE_URL": url,
                                                "USER_MESSAGES_PER_MINUTE": "100000"})
            runner, base = await serve(create_app(settings))
            body = activity("channel_message", connector.url, text="<at>" * 60_000)
            posts: list[float] = []
            probes: list[float] = []
            done = asyncio.Event()
            timeout = aiohttp.ClientTimeout(total=120)
            async with aiohttp.ClientSession(timeout=timeout) as http:
                async def hostile(queue: asyncio.Queue[int]) -> None:
                    while not queue.empty():
                        queue.get_nowait()
                        started = time.perf_counter()
                        async with http.post(f"{base}/api/messages", json=body) as resp:
                            await resp.read()
                            assert resp.status == 201, resp.status
                        posts.append(time.perf_counter() - started)

                async def probe() -> None:
                    while not done.is_set():
                        started = time.perf_counter()
                        async with http.get(f"{base}/healthz") as resp:
                            await resp.read()
                        probes.append(time.perf_counter() - started)
                        await asyncio.sleep(0.05)

                queue: asyncio.Queue[int] = asyncio.Queue()
                for i in range(n):
                    queue.put_nowait(i)
                prober = asyncio.create_task(probe())
                await asyncio.gather(*[hostile(queue) for _ in range(concurrency)])
                done.set()
                await prober
            await runner.cleanup()
    size = len(json.dumps(body).encode())
    print(f"hostile body: {len(body['text']):,} characters of <at> ({size:,} bytes of JSON), "
          f"{n} posts at concurrency {concurrency}")
    print(f"hostile request: p50 {statistics.median(posts) * 1000:.1f} ms, "
          f"worst {max(posts) * 1000:.1f} ms")
    print(f"/healthz meanwhile ({len(probes)} probes): p50 "
          f"{statistics.median(probes) * 1000:.1f} ms, worst {max(probes) * 1000:.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    asyncio.run(main(args.n, args.concurrency))
