"""What to do after an attempt: done, retry when, or give up (and why, in Norwegian)."""

from __future__ import annotations

import random
from dataclasses import dataclass

RETRYABLE = frozenset({0, 401, 412, 429, 500, 502, 503, 504})  # 0: no answer (network, timeout)
UNREACHABLE = frozenset({403, 404})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a delivery is retried (passed in; tests shorten it)."""

    max_attempts: int = 6
    base_delay_s: float = 1.0
    max_delay_s: float = 120.0


DEFAULT = RetryPolicy()


@dataclass(frozen=True)
class Decision:
    status: str  # sent | pending | failed | unreachable
    delay_s: float = 0.0
    error: str = ""


def backoff(attempts: int, rng: random.Random | None = None,
            policy: RetryPolicy = DEFAULT) -> float:
    """Exponential back-off with jitter (between half and the whole step)."""
    step = min(policy.max_delay_s, policy.base_delay_s * 2 ** max(0, attempts - 1))
    return step * (rng or random).uniform(0.5, 1.0)


def decide(status: int, attempts: int, retry_after: float | None = None,
           code: str = "", rng: random.Random | None = None,
           policy: RetryPolicy = DEFAULT) -> Decision:
    """Map an HTTP status (0 for no answer) and the attempt count to the next step."""
    if 200 <= status < 300:
        return Decision("sent")
    if status in UNREACHABLE:
        why = "blokkert eller appen er ikke installert" if status == 403 else "fant ikke samtalen"
        return Decision("unreachable", error=f"HTTP {status} {code}: {why}".replace("  ", " "))
    if status in RETRYABLE:
        if attempts >= policy.max_attempts:
            return Decision("failed", error=f"ga opp etter {attempts} forsøk (sist HTTP {status})")
        # Never earlier than Teams asked for, never without jitter (instances would march in step).
        wait = (retry_after or 0.0) * (rng or random).uniform(1.0, 1.2)
        delay = max(backoff(attempts, rng, policy), wait)
        return Decision("pending", delay_s=delay, error=f"HTTP {status}, prøver igjen")
    return Decision("failed", error=f"HTTP {status} {code}: Teams avviste meldingen")
