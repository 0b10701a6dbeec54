"""Commands on profile files: check one before it is used, show what a profile holds."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ..domain.errors import LifecycleError
from ..domain.profile import Profile
from ..domain.rules import simple_paths
from ..profiles import available, find
from ..profiles.build import profile as built
from ..profiles.files import checked
from ..profiles.schema import ProfileSpec
from .base import BAD_INPUT, fail, print_json


@click.group("profile")
def profile_group() -> None:
    """Check and show profiles: a body's states, rows and windows, bundled or written as a YAML file."""


@profile_group.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON document: each file, ok or its problems.")
def check(files: tuple[Path, ...], as_json: bool) -> None:
    """Check profile FILES: every problem as FILE:LINE: reason on stderr; exit 2 when any file has one.

    \b
    Example:
      lifecycle profile check my-bureau.yaml
    """
    found = []
    for path in files:
        spec, problems = checked(path)
        for problem in problems:
            click.echo(f"error: {problem}", err=True)
        profile = None if spec is None else built(spec)
        found.append({"file": str(path), "ok": profile is not None, "profile": profile and profile.name,
                      "shape": profile and shape(profile), "problems": [str(p) for p in problems]})  # fmt: skip
        if profile is not None and not as_json:
            click.echo(f"{path}: ok: profile {profile.name}, {shape(profile)}")
    if as_json:
        print_json({"files": found})
    sys.exit(BAD_INPUT if any(not f["ok"] for f in found) else 0)


def shape(profile: Profile) -> str:
    """States, rows, windows and paths in one phrase."""
    rules = profile.rules
    paths = len(simple_paths(rules, first_final=True))
    return f"{len(rules.states)} states, {len(rules.rules)} rows, {len(profile.deadlines)} windows, {paths} paths"


@profile_group.command("schema")
def schema() -> None:
    """Print the JSON Schema of profile files (docs/profile.schema.json is this output).

    \b
    Example:
      lifecycle profile schema > profile.schema.json
    """
    click.echo(schema_text(), nl=False)


def schema_text() -> str:
    """The JSON Schema of the profile file format, generated from its pydantic models."""
    document = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **ProfileSpec.model_json_schema(by_alias=True),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@profile_group.command("show")
@click.argument("profile")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON document instead of lines.")
def show(profile: str, as_json: bool) -> None:
    """Show PROFILE (a name such as bbb, or a profile file): states, published outcomes, windows, paths.

    \b
    Example:
      lifecycle profile show fca-disp --json
    """
    try:
        found = find(profile, available())
    except LifecycleError as error:
        fail(str(error))
    document = described(found)
    if as_json:
        print_json(document)
        return
    click.echo(f"{found.name}: {found.title} ({shape(found)})")
    click.echo(
        f"time zone {found.timezone}, holidays of {found.country}{'-' + found.subdivision if found.subdivision else ''}"
    )
    for state in document["states"]:
        mark = (
            f" => {state['published']}" if state["published"] else " (final, not published)" if state["final"] else ""
        )
        click.echo(f"  state {state['name']}{mark}")
    for window in document["windows"]:
        click.echo(f"  window {window['name']}: {window['text']}")
    for name, choice in found.options.items():
        click.echo(f"  option {name} = {choice}")


def described(profile: Profile) -> dict[str, Any]:
    """What `show` prints, as data."""
    rules = profile.rules
    states = [
        {"name": s, "label": rules.label(s), "final": rules.is_final(s), "published": rules.status(s)}
        for s in rules.states
    ]
    windows = []
    for w in profile.deadlines:
        text = f"{w.days} {w.unit.replace('_', ' ')} in {w.state}"
        text += f" from entering {w.counted_from}" if w.counted_from else ""
        text += f", then {w.lapse}" + (" (flags overdue)" if w.flags else "")
        text += f"; for {', '.join(sorted(w.types))}" if w.types else ""
        text += "".join(f"; {length} for complaints received from {day}" for day, length in w.versions)
        text += f"; paused by {', '.join(sorted(w.pause))}, resumed by {', '.join(sorted(w.resume))}" if w.pause else ""
        text += f"; extended by {w.extend} up to {w.extend_max}" if w.extend else ""
        windows.append({"name": w.name, "state": w.state, "length": w.days, "unit": w.unit, "text": text})
    paths = len(simple_paths(rules, first_final=True))
    return {"name": profile.name, "title": profile.title, "states": states, "windows": windows, "paths": paths}
