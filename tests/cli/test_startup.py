"""The command line starts light: its table of commands stays true, and help, version and completion import none."""

from __future__ import annotations

import copy
import importlib
import importlib.metadata
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

import lifecycle
import lifecycle.cli
from lifecycle.cli.main import COMMANDS, INTERNAL_FAILURE, INTERRUPTED, LifecycleGroup, main

HEAVY = (
    *("eventsourcing", "psycopg", "pydantic", "cryptography", "yaml", "lifecycle.application", "lifecycle.cli.base"),
    *sorted({module for module, _, _ in COMMANDS.values()}),
)
"""What the group itself must not load: the engine's libraries and every module behind a command."""
SCRIPT = Path(sys.executable).with_name("lifecycle")
LOADED = """import sys
from lifecycle.cli.main import main
try:
    main(sys.argv[1:], prog_name="lifecycle")
finally:
    print("\\n".join(sorted(sys.modules)), file=sys.stderr)
"""


def fresh(*extra: click.Command) -> LifecycleGroup:
    """The group as a new process has it (no command imported yet), with `extra` commands added."""
    group = copy.copy(main)
    group.commands = {}
    for command in extra:
        group.add_command(command)
    return group


def run(group: click.Group, *args: str) -> Result:
    """`lifecycle ARGS` in this process."""
    return CliRunner().invoke(group, list(args), prog_name="lifecycle")


def loaded_by(*args: str, env: dict[str, str] | None = None) -> tuple[str, set[str]]:
    """What `lifecycle ARGS` prints in a new interpreter, and the modules it had loaded at exit."""
    done = subprocess.run(
        [sys.executable, "-c", LOADED, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}
    )
    return done.stdout, set(done.stderr.split())


def heavy(modules: set[str]) -> list[str]:
    """The modules of HEAVY, or under one, among `modules`."""
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def defined_commands() -> dict[tuple[str, str], click.Command]:
    """Each click command defined at the top of a module of lifecycle/cli/ that is no group's subcommand there."""
    found: dict[tuple[str, str], click.Command] = {}
    for info in pkgutil.iter_modules(lifecycle.cli.__path__, "lifecycle.cli."):
        module = importlib.import_module(info.name)
        for attribute, value in vars(module).items():
            home = getattr(getattr(value, "callback", None), "__module__", None)
            if isinstance(value, click.Command) and value is not main and home == info.name:
                found[(info.name, attribute)] = value
    nested = {id(sub) for group in found.values() if isinstance(group, click.Group) for sub in group.commands.values()}
    return {key: command for key, command in found.items() if id(command) not in nested}


def entry(module: str, attribute: str, command: click.Command) -> str:
    """The line of COMMANDS for `command`, to paste into lifecycle/cli/main.py."""
    words = [command.name, module, attribute, command.get_short_help_str(limit=10_000)]
    name, *rest = (json.dumps(word, ensure_ascii=False) for word in words)
    return f"    {name}: ({', '.join(rest)}),"


def test_the_table_names_every_command_the_modules_define_and_no_other() -> None:
    """A command added to a module, or removed from one, without the table fails here."""
    tabled = {(module, attribute) for module, attribute, _ in COMMANDS.values()}
    defined = defined_commands()
    missing = [entry(*key, command) for key, command in sorted(defined.items()) if key not in tabled]
    assert not missing, "commands missing from COMMANDS in lifecycle/cli/main.py:\n" + "\n".join(missing)
    assert not tabled - set(defined), f"COMMANDS entries no module defines: {sorted(tabled - set(defined))}"


@pytest.mark.parametrize("name", COMMANDS)
def test_the_tables_name_and_short_help_are_the_commands_own(name: str) -> None:
    """The listing says what the command's docstring says, at any width."""
    command = fresh().load(name)
    assert command.name == name
    module, attribute, short_help = COMMANDS[name]
    assert short_help == command.get_short_help_str(limit=10_000), f"in COMMANDS:\n{entry(module, attribute, command)}"
    stand_in = fresh().listed(name)
    assert all(stand_in.get_short_help_str(n) == command.get_short_help_str(n) for n in (20, 45, 60, 10_000))


def test_the_help_lists_every_command_as_an_eager_group_would() -> None:
    """The group's help, nothing imported, is the help of a group built from the imported commands."""
    lazy = fresh()
    commands = [lazy.load(name) for name in COMMANDS]
    eager = click.Group("lifecycle", commands, help=main.help, epilog=main.epilog, params=main.params)
    eager.context_settings = main.context_settings
    assert run(lazy, "--help").output == run(eager, "--help").output
    assert not lazy.commands, "the help imported a command"


def test_help_version_and_completion_import_no_command() -> None:
    """Help, version and completing a command's name load click and the group, not the engine."""
    for args, env in [
        (["--help"], {}),
        (["-h"], {}),
        (["--version"], {}),
        ([], {"_LIFECYCLE_COMPLETE": "bash_complete", "COMP_WORDS": "lifecycle sh", "COMP_CWORD": "1"}),
    ]:
        out, modules = loaded_by(*args, env=env)
        assert out and "lifecycle.cli.main" in modules, (args, out)
        assert not heavy(modules), f"lifecycle {' '.join(args)} loads {heavy(modules)}"


def test_the_runtime_check_sees_a_command_load_the_engine() -> None:
    """The check above would see a heavy import: a command's own help loads its module."""
    out, modules = loaded_by("show", "--help")
    assert "Usage: lifecycle show" in out
    assert {"lifecycle.cli.complaints", "eventsourcing", "cryptography"} <= modules
    assert "psycopg" not in modules  # loaded only for a PostgreSQL store (stores/linked_postgres.py)


def test_the_version_is_the_packages() -> None:
    """`--version` prints the installed metadata's version, which pyproject.toml takes from lifecycle.__version__."""
    assert importlib.metadata.version("lifecycle") == lifecycle.__version__, "reinstall: pip install -e '.[test]'"
    assert run(main, "--version").output == f"lifecycle, version {lifecycle.__version__}\n"


def every_command_path(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The words of every command and subcommand under `group`."""
    found = []
    for name in group.list_commands(click.Context(group)):
        command = group.get_command(click.Context(group), name)
        assert command is not None
        found.append((*path, name))
        if isinstance(command, click.Group):
            found += every_command_path(command, (*path, name))
    return found


def test_dash_h_is_help_everywhere() -> None:
    """-h works like --help on the group and on every command and subcommand."""
    assert run(main, "-h").output == run(main, "--help").output
    paths = every_command_path(main)
    assert ("import", "cfpb") in paths and len(paths) > len(COMMANDS)
    for path in paths:
        result = run(main, *path, "-h")
        assert result.exit_code == 0 and result.output.startswith(f"Usage: lifecycle {' '.join(path)} "), path
        assert "-h, --help" in result.output


def test_an_unknown_command_is_told_the_nearest_names() -> None:
    """Suggestions come from the table, though no command has been imported."""
    result = run(fresh(), "shw")
    assert result.exit_code == 2 and "No such command 'shw'. Did you mean 'show'?" in result.stderr


def failing(error: BaseException) -> click.Command:
    """A command `boom` that raises `error`."""

    def boom() -> None:
        """Fail."""
        raise error

    return click.Command("boom", callback=boom)


def test_an_unexpected_exception_is_one_line_and_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    """No traceback: the exception's type and first line."""
    monkeypatch.delenv("LIFECYCLE_DEBUG", raising=False)
    result = run(fresh(failing(ValueError("no good\nmore detail"))), "boom")
    assert result.exit_code == INTERNAL_FAILURE == 3
    assert result.stderr == "error: internal failure: ValueError: no good\n" and result.stdout == ""
    assert run(fresh(failing(KeyError())), "boom").stderr == "error: internal failure: KeyError\n"


def test_lifecycle_debug_lets_the_exception_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """With LIFECYCLE_DEBUG=1 the exception escapes, traceback and all."""
    monkeypatch.setenv("LIFECYCLE_DEBUG", "1")
    result = run(fresh(failing(ValueError("no good"))), "boom")
    assert isinstance(result.exception, ValueError) and "internal failure" not in result.stderr


def test_click_exits_and_errors_are_left_to_click(monkeypatch: pytest.MonkeyPatch) -> None:
    """A usage error stays exit 2 with click's words; sys.exit codes pass through."""
    monkeypatch.delenv("LIFECYCLE_DEBUG", raising=False)
    usage = run(fresh(failing(click.UsageError("bad option"))), "boom")
    assert usage.exit_code == 2 and "Error: bad option" in usage.stderr and "internal failure" not in usage.stderr
    assert run(fresh(failing(SystemExit(1))), "boom").exit_code == 1


def test_an_interrupt_is_one_line_and_exit_130() -> None:
    """Ctrl-C: `interrupted` on stderr, exit 130."""
    result = run(fresh(failing(KeyboardInterrupt())), "boom")
    assert result.exit_code == INTERRUPTED == 130 and result.stderr == "interrupted\n"


def test_the_epilog_documents_exit_codes_environment_and_completion() -> None:
    """The group's help says what each exit code means, the variables read, and how to enable completion."""
    text = run(main, "--help").output
    for word in (
        "0    done",
        "1    done in part",
        "2    bad input",
        "3    the database",
        "4    busy",
        "130  interrupted",
    ):
        assert word in text
    for name in ("LIFECYCLE_DB", "LIFECYCLE_USER", "LIFECYCLE_PROFILES", "LIFECYCLE_DEBUG"):
        assert f"  {name} " in text
    assert all(f"_LIFECYCLE_COMPLETE={shell}_source lifecycle" in text for shell in ("bash", "zsh", "fish"))


@pytest.mark.skipif(not SCRIPT.exists(), reason="the lifecycle script is not installed beside this Python")
def test_the_installed_script_completes_versions_and_sources_completion() -> None:
    """The console script completes `sh` to `show`, prints its version, and emits each shell's completion script."""
    env = {**os.environ, "_LIFECYCLE_COMPLETE": "bash_complete", "COMP_WORDS": "lifecycle sh", "COMP_CWORD": "1"}
    done = subprocess.run([str(SCRIPT)], capture_output=True, text=True, env=env)
    assert done.returncode == 0 and done.stdout.split() == ["plain,show"], done
    version = subprocess.run([str(SCRIPT), "--version"], capture_output=True, text=True)
    assert version.stdout == f"lifecycle, version {lifecycle.__version__}\n"
    for shell in ("bash", "zsh", "fish"):
        env = {**os.environ, "_LIFECYCLE_COMPLETE": f"{shell}_source"}
        source = subprocess.run([str(SCRIPT)], capture_output=True, text=True, env=env)
        assert source.returncode == 0 and "_lifecycle_completion" in source.stdout, shell
