"""Every command's help: -h works, an example is given, and --db names its environment variable."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from lifecycle.cli.main import main


def commands() -> list[list[str]]:
    """Every command and subcommand, as the words that invoke it."""
    ctx = click.Context(main)
    found = []
    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        if isinstance(command, click.Group):
            found += [[name, sub] for sub in command.list_commands(ctx)]
        else:
            found.append([name])
    return found


@pytest.mark.parametrize("words", commands(), ids=" ".join)
def test_each_command_has_an_example_and_shows_its_environment(words: list[str]) -> None:
    result = CliRunner().invoke(main, [*words, "-h"], terminal_width=120)
    text = " ".join(result.stdout.split())  # click wraps the option texts
    assert result.exit_code == 0 and "Example" in text, words
    if "--db" in text and words != ["replay"]:  # replay keeps its events in memory unless told
        assert "env var: LIFECYCLE_DB" in text
    if "--by " in text and words != ["audit"]:  # audit's --by is a filter
        assert "env var: LIFECYCLE_USER" in text
