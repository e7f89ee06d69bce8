"""The route table: messages by command word, card actions by verb, events by name."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.turn import Turn

Handler = Callable[[Turn], Awaitable[None]]
# An action handler may return a card: Action.Execute shows it to the clicker.
ActionHandler = Callable[[Turn, Any], Awaitable[dict[str, Any] | None]]


class ActionData(BaseModel):
    """Card data as it comes back: the verb plus whatever that verb's model declares."""

    model_config = ConfigDict(extra="ignore")
    verb: str


@dataclass(frozen=True)
class CommandRoute:
    names: tuple[str, ...]
    handler: Handler
    description: str
    secretariat: bool = False


@dataclass(frozen=True)
class ActionRoute:
    verb: str
    model: type[BaseModel]
    handler: ActionHandler
    secretariat: bool = False
    button: str | None = None  # title of a button on the secretariat's help card
    # The handler lets only the owner of what the verb changes, or the active secretariat, on.
    owner: bool = False


@dataclass
class Router:
    commands: dict[str, CommandRoute] = field(default_factory=dict)
    actions: dict[str, ActionRoute] = field(default_factory=dict)
    events: dict[str, list[Handler]] = field(default_factory=dict)

    def command(self, *names: str, description: str, secretariat: bool = False,
                ) -> Callable[[Handler], Handler]:
        """Register a chat command under one or more words (first is the one shown)."""
        def add(handler: Handler) -> Handler:
            route = CommandRoute(tuple(names), handler, description, secretariat)
            for name in names:
                if name.casefold() in self.commands:
                    raise ValueError(f"command {name!r} registered twice")
                self.commands[name.casefold()] = route
            return handler
        return add

    def action(self, verb: str, model: type[BaseModel] = ActionData, *,
               secretariat: bool = False, button: str | None = None, owner: bool = False,
               ) -> Callable[[ActionHandler], ActionHandler]:
        """Register a card action by its typed verb ("rsvp.answer")."""
        def add(handler: ActionHandler) -> ActionHandler:
            if verb in self.actions:
                raise ValueError(f"action {verb!r} registered twice")
            self.actions[verb] = ActionRoute(verb, model, handler, secretariat, button, owner)
            return handler
        return add

    def on(self, event: str) -> Callable[[Handler], Handler]:
        """Register a lifecycle handler ("installed", "uninstalled", "members_added")."""
        def add(handler: Handler) -> Handler:
            self.events.setdefault(event, []).append(handler)
            return handler
        return add

    def visible_commands(self, secretariat: bool) -> list[CommandRoute]:
        """Distinct commands a role may use, in registration order."""
        seen: list[CommandRoute] = []
        for route in self.commands.values():
            if route not in seen and (secretariat or not route.secretariat):
                seen.append(route)
        return seen

    def buttons(self) -> list[ActionRoute]:
        """Secretariat actions that want a button on the help card."""
        return [r for r in self.actions.values() if r.button]


@dataclass(frozen=True)
class Guarded:
    """A route someone may be refused: a command word, or a card verb with its data model."""

    kind: str  # "command" or "action"
    name: str
    model: type[BaseModel] | None = None


def secretariat_routes(router: Router) -> list[Guarded]:
    """Every command and card verb only the active secretariat may use (the role table)."""
    commands = {route.names[0]: route for route in router.commands.values() if route.secretariat}
    return ([Guarded("command", name) for name in commands]
            + [Guarded("action", r.verb, r.model) for r in router.actions.values()
               if r.secretariat])


def owner_routes(router: Router) -> list[Guarded]:
    """Card verbs only the owner of what they change and the active secretariat may use."""
    return [Guarded("action", r.verb, r.model) for r in router.actions.values() if r.owner]
