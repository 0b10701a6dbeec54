"""The `lifecycle` command line: one group, its commands in a module per kind of work."""

from __future__ import annotations

import click

from .complaints import advance, due, file_command, history, record, show
from .imports import import_group
from .maintenance import erase, rebuild, verify
from .profiles import profile_group
from .reports import audit_command, export, report
from .scenarios import diagram, replay_command
from .whatif import whatif_command


@click.group()
@click.version_option(package_name="lifecycle")
def main() -> None:
    """An event-sourced complaint lifecycle engine."""


for command in (
    replay_command,
    diagram,
    profile_group,
    whatif_command,
    report,
    import_group,
    rebuild,
    file_command,
    record,
    advance,
    show,
    due,
    history,
    audit_command,
    export,
    erase,
    verify,
):
    main.add_command(command)
