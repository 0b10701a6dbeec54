"""Commands on rule tables: replay scenario files, draw the lifecycle."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..domain.diagram import mermaid, replace_block
from ..domain.errors import LifecycleError
from ..profiles import available
from ..profiles import find as find_profile
from ..scenarios.format import ScenarioError, find, load
from ..scenarios.replay import FileResult, replay
from .base import BAD_INPUT, engine, fail, print_json
from .render.results import print_results, summary_line, summary_of


@click.command("replay")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--db",
    default="memory://",
    show_default=True,
    help="Where to keep the replayed events (default: in memory, kept nowhere).",
)
@click.option(
    "--profile",
    "profiles",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A profile file the scenarios may name (repeatable); bundled profiles are always known.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON document instead of lines.")
def replay_command(paths: tuple[Path, ...], db: str, profiles: tuple[Path, ...], as_json: bool) -> None:
    """Replay scenario files (or folders of *.yaml) and check their expectations.

    Exit 0 when every expectation holds, 1 when one fails, 2 when a file is not a valid scenario.

    \b
    Examples:
      lifecycle replay scenarios/
      lifecycle replay my-bureau.yaml --profile my-bureau-profile.yaml --json
    """
    results: list[FileResult] = []
    files = find(paths)
    if not files:
        fail(f"no scenario files (*.yaml, *.yml) under {', '.join(map(str, paths))}")
    with engine(db, create=True) as app:
        for file in profiles:
            app.use(str(file))
        for path in files:
            try:
                scenario = load(path, app.profiles)
                results.append(replay(app, scenario, path))
            except ScenarioError as error:
                click.echo(f"error: {error}", err=True)
                results.append(FileResult(str(path), None, error=str(error)))
            except LifecycleError as error:
                click.echo(f"error: {path}: {error}", err=True)
                results.append(FileResult(str(path), None, error=f"{path}: {error}"))
    summary = summary_of(results)
    if as_json:
        print_json({"files": [r.as_dict() for r in results], "summary": summary})
    else:
        print_results(results)
        click.echo(summary_line(summary))
    sys.exit(BAD_INPUT if summary["invalid_files"] else 1 if summary["failed"] else 0)


@click.command()
@click.option(
    "--profile",
    "--policy",
    "profile_name",
    default="bbb",
    show_default=True,
    help="The profile whose rule table to draw: a name (bbb, cfpb, fca-disp, asic-rg271) or a profile file.",
)
@click.option(
    "--write",
    "document",
    type=click.Path(exists=True, path_type=Path),
    help="Regenerate the diagram block in this Markdown file instead of printing.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the rule table and the diagram as JSON.")
def diagram(profile_name: str, document: Path | None, as_json: bool) -> None:
    """Print the lifecycle as a Mermaid state diagram generated from the rule table.

    \b
    Examples:
      lifecycle diagram --profile cfpb
      lifecycle diagram --profile fca-disp --write docs/lifecycle.md
    """
    try:
        profile = find_profile(profile_name, available())
    except LifecycleError as error:
        fail(str(error))
    if as_json and document is not None:
        fail("--json and --write cannot go together: choose one")
    if as_json:
        rules = profile.rules
        rows = [{"source": r.source, "event": r.event, "dest": r.dest, "guard": r.guard} for r in rules.rules]
        table = {"profile": profile.name, "initial": rules.initial, "states": list(rules.states), "rows": rows}
        print_json({**table, "mermaid": mermaid(profile)})
        return
    if document is None:
        click.echo(mermaid(profile), nl=False)
        return
    try:
        document.write_text(
            replace_block(document.read_text(encoding="utf-8"), profile.name, profile), encoding="utf-8"
        )
    except ValueError as error:
        fail(f"{document}: {error}")
    click.echo(f"updated the {profile.name} diagram in {document}", err=True)
