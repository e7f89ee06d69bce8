"""Load generator for bench/turns.py: Teams-shaped message activities at fixed concurrency."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp

TENANT_ID = "00000000-0000-4000-8000-0000000b3c4e"
USERS = 50  # distinct personal chats, so per-conversation state is spread as in real use


def message(seq: int, service_url: str, text: str = "hjelp") -> dict[str, Any]:
    """A personal-chat message as Teams sends it (tenant in channelData and conversation)."""
    user = seq % USERS
    return {
        "type": "message",
        "id": f"bench-{seq}",
        "timestamp": datetime.now(UTC).isoformat(),
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": {
            "id": f"29:bench-user-{user}",
            "aadObjectId": str(uuid.UUID(int=user + 1)),
            "name": f"Testbruker {user}",
        },
        "recipient": {"id": "28:bench-bot", "name": "Faggruppe-bot"},
        "conversation": {
            "id": f"a:bench-chat-{user}",
            "conversationType": "personal",
            "tenantId": TENANT_ID,
        },
        "channelData": {"tenant": {"id": TENANT_ID}},
        "locale": "nb-NO",
        "textFormat": "plain",
        "text": text,
    }


@dataclass
class Run:
    """Latencies (seconds) and failures of one measured run."""

    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    replies: int = 0

    @property
    def turns_per_s(self) -> float:
        """Successful message turns per wall-clock second."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile_ms(self, q: int) -> float:
        """The q-th percentile latency in milliseconds."""
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1] * 1000


async def drive(
    url: str, service_url: str, n: int, concurrency: int, run: Run, first: int, budget_s: float
) -> None:
    """POST n activities with `concurrency` in flight; after budget_s the rest count as errors."""
    next_seq = iter(range(first, first + n))
    deadline = time.perf_counter() + budget_s
    # Bot Service gives up on a turn after about 15 s; so do we.
    timeout = aiohttp.ClientTimeout(total=15)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:

        async def worker() -> None:
            for seq in next_seq:
                started = time.perf_counter()
                if started > deadline:
                    run.errors += 1
                    continue
                try:
                    async with session.post(url, json=message(seq, service_url)) as response:
                        await response.read()
                        ok = response.status < 300
                except (aiohttp.ClientError, TimeoutError):
                    ok = False
                if ok:
                    run.latencies.append(time.perf_counter() - started)
                else:
                    run.errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        run.seconds = time.perf_counter() - started


async def sink_count(session: aiohttp.ClientSession, sink_url: str) -> int:
    """How many activities the fake Bot Connector has received so far."""
    async with session.get(f"{sink_url}/count") as response:
        return int((await response.json())["received"])
