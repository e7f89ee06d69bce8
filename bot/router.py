"""Routers: one per feature, with child routers whose guard checks every call.

Chat commands by word, card actions by their typed class (cards/actions.py), events by name.
A feature's `register(root)` takes `root.feature(name)` and, for what only some may do,
`.secretariat()` (the stored role and `active`, checked on every call) or `.owner(check)`
(the owner of the thing pressed, or an active secretariat member). No route carries a flag.
All routers of one tree share the root's tables, so a verb or word is registered once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.turn import Turn
from cards.actions import CardAction
from core.i18n import t

Handler = Callable[[Turn], Awaitable[None]]


@dataclass(frozen=True)
class CardReply:
    """A card shown to the clicker (Execute) or posted with `text` beside it (Submit)."""

    card: dict[str, Any]
    text: str = ""


Shown = dict[str, Any] | CardReply | None
ActionHandler = Callable[[Turn, Any], Awaitable[Shown]]


@dataclass(frozen=True)
class Guard:
    """Who may use a router's routes; `allows` runs on every call, never cached."""

    name: str
    allows: Callable[[Turn, CardAction | None], bool]
    refusal: Callable[[str], str]  # the refusal text for a command or verb (core/i18n.py)
    answer: Callable[[Turn, Any], Shown] | None = None  # a card instead of the plain refusal


def _is_secretariat(turn: Turn, _action: CardAction | None) -> bool:
    return turn.is_secretariat


def _secretariat_only(command: str) -> str:
    return t("secretariat_only", command=command)


def _owner_only(command: str) -> str:
    return t("owner_only", command=command)


SECRETARIAT = Guard("secretariat", _is_secretariat, _secretariat_only)


def owner_guard(is_owner: Callable[[Turn, Any], bool],
                answer: Callable[[Turn, Any], Shown] | None = None) -> Guard:
    """The owner of what the press names (an active member), or an active secretariat member."""
    def allows(turn: Turn, action: CardAction | None) -> bool:
        member = turn.member
        if member is None or not member.active:
            return False
        return turn.is_secretariat or (action is not None and is_owner(turn, action))
    return Guard("owner", allows, _owner_only, answer)


Text = Callable[[], str] | str  # `lambda: t("key")`, looked up when drawn; a str stays as is


def shown(text: Text | None) -> str:
    """The text as the reader sees it now."""
    return (text() if callable(text) else text) or ""


@dataclass(frozen=True)
class CommandRoute:
    names: tuple[str, ...]
    handler: Handler
    description: Text  # drawn when shown, so it follows the reader's language
    router: Router
    guards: tuple[Guard, ...]  # the router's and its parents', outermost first


@dataclass(frozen=True)
class ActionRoute:
    action: type[CardAction]
    verb: str
    handler: ActionHandler
    router: Router
    guards: tuple[Guard, ...]
    button: Text | None = None  # title of a button on the secretariat's help card


@dataclass(eq=False)
class Router:
    """A named router; its guard (and its parents') runs before each of its routes.

    Every router of one tree holds the same four tables (plain attributes, shared objects).
    """

    name: str = "root"
    guard: Guard | None = None
    parent: Router | None = None
    children: list[Router] = field(default_factory=list)
    commands: dict[str, CommandRoute] = field(default_factory=dict)
    actions: dict[str, ActionRoute] = field(default_factory=dict)
    events: dict[str, list[Handler]] = field(default_factory=dict)
    # activity type -> handlers run before the turn's transaction opens
    prefetch: dict[str, list[Handler]] = field(default_factory=dict)

    @property
    def guards(self) -> tuple[Guard, ...]:
        """This router's guard after its parents', outermost first."""
        above = self.parent.guards if self.parent else ()
        return above + ((self.guard,) if self.guard else ())

    def child(self, name: str, guard: Guard | None = None) -> Router:
        """A router under this one, sharing its tables; its routes pass both guards."""
        sub = Router(f"{self.name}.{name}" if self.parent else name, guard, self, [],
                     self.commands, self.actions, self.events, self.prefetch)
        self.children.append(sub)
        return sub

    def feature(self, name: str) -> Router:
        """The router of one feature (rsvp, round, …)."""
        return self.child(name)

    def secretariat(self) -> Router:
        """Routes for active secretariat members only (the stored role, every call)."""
        return self.child("secretariat", SECRETARIAT)

    def owner(self, is_owner: Callable[[Turn, Any], bool],
              answer: Callable[[Turn, Any], Shown] | None = None) -> Router:
        """Routes for the owner of what is pressed, or an active secretariat member;
        `answer` draws the refusal as a card (else a plain message)."""
        return self.child("owner", owner_guard(is_owner, answer))

    def command(self, *names: str, description: Text) -> Callable[[Handler], Handler]:
        """Register a chat command under one or more words (first is the one shown)."""
        def add(handler: Handler) -> Handler:
            route = CommandRoute(tuple(names), handler, description, self, self.guards)
            for name in names:
                if name.casefold() in self.commands:
                    raise ValueError(f"command {name!r} registered twice")
                self.commands[name.casefold()] = route
            return handler
        return add

    def action(self, action: type[CardAction], *, button: Text | None = None,
               ) -> Callable[[ActionHandler], ActionHandler]:
        """Register the handler of one card verb, parsed with its typed class."""
        def add(handler: ActionHandler) -> ActionHandler:
            if action.verb in self.actions:
                raise ValueError(f"action {action.verb!r} registered twice")
            self.actions[action.verb] = ActionRoute(action, action.verb, handler, self,
                                                    self.guards, button)
            return handler
        return add

    def on(self, event: str) -> Callable[[Handler], Handler]:
        """Register a lifecycle handler ("installed", "uninstalled", "members_added")."""
        def add(handler: Handler) -> Handler:
            self.events.setdefault(event, []).append(handler)
            return handler
        return add

    def before_transaction(self, *activity_types: str) -> Callable[[Handler], Handler]:
        """Run the handler, for these activity types, before the turn's transaction opens
        (Teams look-ups, left in turn.fetched)."""
        def add(handler: Handler) -> Handler:
            for kind in activity_types:
                self.prefetch.setdefault(kind, []).append(handler)
            return handler
        return add

    def visible_commands(self, secretariat: bool) -> list[CommandRoute]:
        """Distinct commands a role may use, in registration order."""
        seen: list[CommandRoute] = []
        for route in self.commands.values():
            if route not in seen and (secretariat or SECRETARIAT not in route.guards):
                seen.append(route)
        return seen

    def buttons(self) -> list[ActionRoute]:
        """Secretariat actions that want a button on the help card."""
        return [r for r in self.actions.values() if r.button]


Route = CommandRoute | ActionRoute


def secretariat_routes(router: Router) -> list[Route]:
    """Every command and action behind the secretariat's guard, from the registry."""
    return _guarded(router, "secretariat")


def owner_routes(router: Router) -> list[Route]:
    """Every action behind an owner guard (owner or active secretariat), from the registry."""
    return _guarded(router, "owner")


def _guarded(router: Router, name: str) -> list[Route]:
    routes: list[Route] = list(dict.fromkeys(router.commands.values()))
    routes += list(router.actions.values())
    return [r for r in routes if any(g.name == name for g in r.guards)]
