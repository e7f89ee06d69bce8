"""What a handler gets for one turn: the activity, a DB session, the member, deps."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from botbuilder.core import InvokeResponse, MessageFactory, TurnContext
from botbuilder.schema import Activity, ActivityTypes, Attachment
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cards.common import CONTENT_TYPE
from core.clock import Clock
from core.i18n import Lang
from core.settings import Settings
from domain.throttle import MessageThrottle
from storage.models import Member, Role

if TYPE_CHECKING:
    from bot.router import Router

log = logging.getLogger(__name__)


@dataclass
class LookupBackoff:
    """Profile look-ups that Teams refused: not asked again on every turn for a while."""

    pause: timedelta = timedelta(minutes=10)
    _failed: dict[str, datetime] = field(default_factory=dict)

    def failed(self, aad: str, now: datetime) -> None:
        if len(self._failed) > 10_000:  # bounded: a flood of strangers cannot grow it forever
            self._failed.clear()
        self._failed[aad] = now

    def recently_failed(self, aad: str, now: datetime) -> bool:
        at = self._failed.get(aad)
        return at is not None and now - at < self.pause


class BackgroundTasks:
    """Work that leaves the request (a team's roster sync): held until done, drained at stop."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, work: Coroutine[Any, Any, Any], what: str) -> None:
        """Run `work` after the request; failures are logged, never raised into a turn."""
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)

        def finished(t: asyncio.Task[Any]) -> None:
            self._tasks.discard(t)
            if not t.cancelled() and t.exception() is not None:
                log.error("background %s failed: %s", what, type(t.exception()).__name__)

        task.add_done_callback(finished)

    async def drain(self, timeout: float = 30.0) -> None:
        """Wait for everything spawned so far (shutdown, tests)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._tasks and (left := deadline - loop.time()) > 0:
            await asyncio.wait(set(self._tasks), timeout=left)


@dataclass
class Deps:
    """Process-wide dependencies, passed in (never module globals)."""

    settings: Settings
    engine: Engine
    clock: Clock
    router: Router
    lookups: LookupBackoff = field(default_factory=LookupBackoff)
    throttle: MessageThrottle = field(default_factory=MessageThrottle)
    background: BackgroundTasks = field(default_factory=BackgroundTasks)


@dataclass
class Turn:
    context: TurnContext
    deps: Deps
    session: Session = field(default=None)  # type: ignore[assignment]  # set by middleware
    member: Member | None = None
    text: str = ""
    lang: Lang = "nb"
    invoke_response: InvokeResponse | None = None

    @property
    def activity(self) -> Activity:
        return self.context.activity

    @property
    def is_secretariat(self) -> bool:
        """The role as stored now: checked on the server every time."""
        m = self.member
        return bool(m and m.active and m.role == Role.secretariat)

    @property
    def channel_data(self) -> dict[str, Any]:
        data = self.activity.channel_data
        return data if isinstance(data, dict) else {}

    def release_db(self) -> None:
        """Commit before any network wait: a transaction held across an await would block
        every other turn (SQLite's write lock, PostgreSQL's row locks) inside the loop."""
        if self.session is not None:
            self.session.commit()

    async def say(self, text: str) -> None:
        """A plain text reply in the current conversation."""
        self.release_db()
        await self.context.send_activity(MessageFactory.text(text))

    async def send_card(self, card: dict[str, Any], text: str) -> str | None:
        """A card with a short text beside it, so a phone notification says something."""
        self.release_db()
        response = await self.context.send_activity(card_message(card, text))
        return response.id if response else None


def card_message(card: dict[str, Any], text: str) -> Activity:
    """A message activity carrying one Adaptive Card and a notification text."""
    return Activity(
        type=ActivityTypes.message,
        text=text,
        summary=text,
        attachments=[Attachment(content_type=CONTENT_TYPE, content=card)],
    )
