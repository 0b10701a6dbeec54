"""A click group whose commands are imported only when one is run or its own help is asked: a table lists them."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from typing import Any, NamedTuple

import click
from click.exceptions import NoSuchCommand
from click.shell_completion import CompletionItem


class Lazy(NamedTuple):
    """Where a command lives and what the group's listing says of it before it is imported."""

    module: str
    attribute: str
    short_help: str


class LazyGroup(click.Group):
    """A group that lists its commands from a table and imports a command's module on first use."""

    def __init__(self, *args: Any, lazy: Mapping[str, tuple[str, str, str]], **kwargs: Any) -> None:
        """A click group; `lazy` maps each command's name to (module, attribute, short help)."""
        super().__init__(*args, **kwargs)
        self.lazy = {name: Lazy(*entry) for name, entry in lazy.items()}

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command's name, those of the table and any added eagerly, sorted as click sorts them."""
        return sorted({*self.lazy, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command named `cmd_name`, its module imported the first time (None when there is none)."""
        if cmd_name not in self.commands and cmd_name in self.lazy:
            self.add_command(self.load(cmd_name), cmd_name)
        return self.commands.get(cmd_name)

    def load(self, name: str) -> click.Command:
        """Import the command the table names `name`."""
        module, attribute, _ = self.lazy[name]
        command = getattr(import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module}.{attribute} is not a click command")
        return command

    def listed(self, name: str) -> click.Command:
        """What the listing shows for `name`: the command if imported, else a stand-in with the table's short help."""
        if name in self.commands:
            return self.commands[name]
        return click.Command(name, help=self.lazy[name].short_help)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The Commands section of the help, as click writes it, without importing a command."""
        shown = [(name, self.listed(name)) for name in self.list_commands(ctx)]
        shown = [(name, command) for name, command in shown if not command.hidden]
        if not shown:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in shown)
        with formatter.section("Commands"):
            formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in shown])

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[CompletionItem]:
        """Command names that start with `incomplete` (with their short help), then the group's options."""
        named = [(name, self.listed(name)) for name in self.list_commands(ctx) if name.startswith(incomplete)]
        found = [CompletionItem(name, help=cmd.get_short_help_str()) for name, cmd in named if not cmd.hidden]
        return found + click.Command.shell_complete(self, ctx, incomplete)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """Resolve as click does; an unknown name is told the nearest names of the table, imported or not."""
        try:
            return super().resolve_command(ctx, args)
        except NoSuchCommand as error:
            raise NoSuchCommand(error.command_name, possibilities=self.list_commands(ctx), ctx=ctx) from None
