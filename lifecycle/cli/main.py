"""The `lifecycle` command line: one group, its commands in a module per kind of work, each imported when run."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from .lazy import LazyGroup

COMMANDS: dict[str, tuple[str, str, str]] = {
    "replay": (
        "lifecycle.cli.scenarios",
        "replay_command",
        "Replay scenario files (or folders of *.yaml) and check their expectations.",
    ),
    "diagram": (
        "lifecycle.cli.scenarios",
        "diagram",
        "Print the lifecycle as a Mermaid state diagram generated from the rule table.",
    ),
    "profile": (
        "lifecycle.cli.profiles",
        "profile_group",
        "Check and show profiles: a body's states, rows and windows, bundled or written as a YAML file.",
    ),
    "whatif": (
        "lifecycle.cli.whatif",
        "whatif_command",
        "Re-run every stored complaint under another profile, in memory, and report what would change.",
    ),
    "report": (
        "lifecycle.cli.reports",
        "report",
        "Business profile figures from the event history: counts, shares, days to respond, habits, topics; "
        "a table, JSON, CSV, or a static site to open in a browser (html).",
    ),
    "import": ("lifecycle.cli.imports", "import_group", "Import complaints from the exports users already have."),
    "rebuild": ("lifecycle.cli.maintenance", "rebuild", "Recompute views from scratch from the notification log."),
    "file": (
        "lifecycle.cli.complaints",
        "file_command",
        "File a complaint and print its reference (creates the store if there is none).",
    ),
    "record": (
        "lifecycle.cli.complaints",
        "record",
        "Record EVENT (responded, rejected, accepted, reviewed, ...) on complaint REFERENCE; print its state.",
    ),
    "advance": (
        "lifecycle.cli.queue",
        "advance",
        "Record every deadline that lapses up to a time, across the store; print what, per event.",
    ),
    "show": (
        "lifecycle.cli.complaints",
        "show",
        "Show a complaint: state, published status, pending deadline and how it was derived, history.",
    ),
    "due": (
        "lifecycle.cli.queue",
        "due",
        "The work queue: complaints with their next deadline and how late they are, "
        "then those overdue on an expected window (flagged, still open).",
    ),
    "history": (
        "lifecycle.cli.complaints",
        "history",
        "Every event of a complaint: when, who recorded it, the actor, the move between states, text.",
    ),
    "audit": (
        "lifecycle.cli.reports",
        "audit_command",
        "Events across complaints that match every filter, newest first: who recorded what, when.",
    ),
    "export": (
        "lifecycle.cli.reports",
        "export",
        "Every event of every complaint as JSON lines (the fields of `history --json`), "
        "personal data redacted by default.",
    ),
    "erase": (
        "lifecycle.cli.maintenance",
        "erase",
        "Make personal data unreadable everywhere by destroying its keys; the history stays verifiable.",
    ),
    "erasures": (
        "lifecycle.cli.erasures",
        "erasures",
        "List the erasure certificates: whose keys each destroyed, when, by whom; check every destroyed key has one.",
    ),
    "verify": (
        "lifecycle.cli.maintenance",
        "verify",
        "Recompute the hash chain, check anchors, views and keys; name the first bad position (exit 1 when bad).",
    ),
    "anchor": (
        "lifecycle.cli.maintenance",
        "anchor",
        "Verify the store, then write its chain head (and checkpoints) to a signed anchor file.",
    ),
}
"""Every command: name -> (module, attribute, the first line of its help); tests/cli/test_startup.py keeps it true."""

INTERNAL_FAILURE, INTERRUPTED = 3, 130
BUSY = 4  # the same as cli/base.py's, which this module does not import: start-up stays light
DEBUG = "LIFECYCLE_DEBUG"

EPILOG = f"""\b
Exit codes:
  0    done
  1    done in part: an import with refused rows, a scenario whose
       expectations failed, a verify that found a broken link
  2    bad input: nothing recorded
  {INTERNAL_FAILURE}    the database, or an internal failure (one line on stderr;
       {DEBUG}=1 shows the traceback)
  {BUSY}    busy: other writers kept changing the same complaints (or
       held a lock) through every retry; nothing of the last step
       recorded: run the command again
  {INTERRUPTED}  interrupted

\b
Environment:
  LIFECYCLE_DB        the database when --db is not given
  LIFECYCLE_USER      who records events (default: the OS user)
  LIFECYCLE_PROFILES  extra profile files or folders of them, ':'-separated
  LIFECYCLE_CHAIN_KEY the hash chain's HMAC key (set it from a store's start)
  LIFECYCLE_READ_ONLY 1: open the store read-only (commands that record exit 2)
  LIFECYCLE_PEPPER    the secret consumer digests are keyed with (default:
                      one kept in the store)
  {DEBUG}     1: let an internal failure raise, with its traceback

\b
Shell completion (add the line to the shell's start-up file):
  bash  eval "$(_LIFECYCLE_COMPLETE=bash_source lifecycle)"
  zsh   eval "$(_LIFECYCLE_COMPLETE=zsh_source lifecycle)"
  fish  _LIFECYCLE_COMPLETE=fish_source lifecycle | source
"""


def internal_failure(error: Exception) -> str:
    """The one line told for an exception no command expected, passwords masked."""
    from ..domain.redaction import masked  # only on failure: start-up stays light

    lines = str(error).strip().splitlines()
    return f"error: internal failure: {type(error).__name__}" + (f": {masked(lines[0])}" if lines else "")


class LifecycleGroup(LazyGroup):
    """The lazy group, with the exit codes of its epilog for what escapes a command."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; an interrupt is one line and exit 130 (click would say 'Aborted!' and exit 1)."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            raise click.exceptions.Exit(INTERRUPTED) from None

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Run as click does; an unexpected exception is one line and exit 3 (re-raised when $LIFECYCLE_DEBUG=1)."""
        try:
            return super().main(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as error:
            if os.environ.get(DEBUG) == "1" or not kwargs.get("standalone_mode", True):
                raise
            click.echo(internal_failure(error), err=True)
            sys.exit(INTERNAL_FAILURE)


@click.group(
    "lifecycle",
    cls=LifecycleGroup,
    lazy=COMMANDS,
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="lifecycle", prog_name="lifecycle")
def main() -> None:
    """An event-sourced complaint lifecycle engine."""
