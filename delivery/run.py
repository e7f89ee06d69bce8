"""Deliver one send-out to the end from a CLI process, reporting progress as it goes."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import TextIO

from sqlalchemy.engine import Engine

from core.clock import Clock
from core.i18n import t
from core.settings import Settings
from delivery.policy import DEFAULT, RetryPolicy
from delivery.sendout import Progress, progress
from delivery.worker import DeliveryWorker
from storage.db import session_scope

ProgressHook = Callable[[Progress], None]


def current(engine: Engine, sendout_id: int) -> Progress:
    """The send-out's progress right now."""
    with session_scope(engine) as session:
        return progress(session, sendout_id)


async def deliver_sendout(engine: Engine, settings: Settings, sendout_id: int,
                          clock: Clock | None = None, hook: ProgressHook | None = None,
                          every_s: float = 0.5, policy: RetryPolicy = DEFAULT) -> Progress:
    """Help deliver the send-out (a running app may too: claims are atomic) until none is open."""
    worker = DeliveryWorker(engine, settings, clock, sendout_id=sendout_id, policy=policy)
    runner = asyncio.create_task(worker.run(until_idle=True))
    while not runner.done():
        if hook:
            hook(await asyncio.to_thread(current, engine, sendout_id))
        await asyncio.wait([runner], timeout=every_s)
    await runner
    final = current(engine, sendout_id)
    final.in_doubt = max(final.in_doubt, worker.in_doubt)
    if hook:
        hook(final)
    return final


class Bar:
    """A one-line progress bar on a terminal; silent when stderr is a file or a pipe."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        # sys.stderr looked up per bar, not bound at import (it may be swapped and closed since).
        self.stream: TextIO = stream if stream is not None else sys.stderr
        self.width = width
        self.enabled = self.stream.isatty()

    def __call__(self, p: Progress) -> None:
        if not self.enabled or not p.total:
            return
        filled = int(self.width * p.finished / p.total)
        self.stream.write(t("delivery.run.levert_eller_avsluttet", value1='#' * filled,
                            value2='.' * (self.width - filled), finished=p.finished, total=p.total))
        if p.done:
            self.stream.write("\n")
        self.stream.flush()
