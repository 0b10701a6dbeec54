"""Every command's JSON output against its JSON Schema in docs/schemas/, and one vocabulary for events.

One store is built through the command line (the bundled scenarios replayed, two complaints filed, a CFPB
export imported); every command with a JSON output is run on it, and what it prints is checked: against its
schema, for its line endings, and for naming an event's fields as show, history, export and audit do."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from lifecycle.cli.main import main

ROOT = Path(__file__).parents[2]
SCHEMAS = ROOT / "docs" / "schemas"
EVENT = "event.schema.json"
LINE = "export.schema.json#/$defs/line"
CFPB = ROOT / "tests" / "data" / "cfpb" / "cfpb-2014-12.csv"
PROFILES = sorted((ROOT / "lifecycle" / "profiles").glob("*.yaml"))
ENV: dict[str, str | None] = {"LIFECYCLE_USER": "schema-test", "LIFECYCLE_PROFILES": None, "LIFECYCLE_DB": None}
TODAY = datetime.now(UTC).date()
FAILING = """\
name: a scenario whose expectation fails, so that its timeline is printed
profile: bbb
complaints:
  - id: failing-1
    business: Shop
    type: Product Issues
    filed: 2024-03-04
    events:
      - {at: 2024-03-05, event: forwarded}
      - {at: 2024-03-06, event: responded}
    expect: {status: Resolved}
"""
INVALID = "name: not a scenario\ncomplaints: 3\n"
BAD_PROFILE = "name: half-a-profile\n"


def schema_names() -> list[str]:
    """Every command schema's name (its file's stem): the schemas but the shared event's."""
    return sorted(p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.schema.json") if p.name != EVENT)


@cache
def registry() -> Registry[Any]:
    """Every schema file, under its file name: the relative `$ref`s between them resolve here."""
    paths = sorted(SCHEMAS.glob("*.schema.json"))
    return Registry().with_resources(
        (path.name, Resource.from_contents(json.loads(path.read_text(encoding="utf-8")))) for path in paths
    )


@cache
def validator(ref: str) -> Draft202012Validator:
    """A validator, formats checked, for a schema file or a definition in one (`file#/pointer`)."""
    return Draft202012Validator({"$ref": ref}, registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER)


FREE = ("business", "complaint_type", "consumer", "text", "by")
"""An event's free-text fields: the event schema checks only their type."""
DIGITS = str.maketrans("123456789", "000000000")


def shape(event: dict[str, Any]) -> str:
    """Everything the event schema checks of an event: its keys, their types, the filing, timing and zone,
    names and times with their digits masked, whether free text is empty, a version or a count as 1 or more."""

    def part(key: str, value: Any) -> Any:
        """One field's part of the shape."""
        if isinstance(value, str):
            return value != "" if key in FREE else value.translate(DIGITS)
        if isinstance(value, int) and not isinstance(value, bool):
            return min(value, 2)
        if isinstance(value, dict):
            return sorted({type(v).__name__ for v in value.values()})
        return value if value is None or isinstance(value, bool) else type(value).__name__

    return json.dumps({key: part(key, value) for key, value in event.items()}, sort_keys=True)


def one_of_each_shape(events: list[Any]) -> list[Any]:
    """The first event of each shape: the lines of an export alike in all the schema checks are checked once."""
    return list({shape(e) if isinstance(e, dict) else repr(e): e for e in reversed(events)}.values())


def described(error: ValidationError) -> str:
    """Where in the document a schema error is, and what it is."""
    closest = error
    while closest.context:  # an anyOf: the alternative that came closest (not merely of another type)
        closest = min(closest.context, key=lambda e: (e.validator == "type", -len(e.absolute_path)))
    where = "/".join(map(str, closest.absolute_path)) or "(top)"
    return f"{where}: {closest.message[:200]}"


@dataclass(frozen=True)
class Output:
    """What one command printed on stdout, and the schema (a file, or a definition in one) it must match."""

    ref: str
    args: tuple[str, ...]
    stdout: str

    @property
    def schema(self) -> str:
        """The schema file's stem: the command's name (`import-cfpb`, `profile-show`)."""
        return self.ref.split("#")[0].removesuffix(".schema.json")

    @property
    def command(self) -> str:
        """The command line, for messages (without --db)."""
        return "lifecycle " + " ".join(self.args)

    @cached_property
    def documents(self) -> list[Any]:
        """The JSON documents printed: one, or one per line for JSON lines."""
        if self.ref == LINE:
            return [json.loads(line) for line in self.stdout.splitlines()]
        return [json.loads(self.stdout)]


@dataclass
class Store:
    """A store built through the command line, and what every command run on it printed."""

    db: str
    runner: CliRunner = field(default_factory=lambda: CliRunner(env=ENV))
    outputs: list[Output] = field(default_factory=list)

    def run(self, ref: str, *args: str, code: int = 0, db: bool = True) -> Output:
        """Run `lifecycle ARGS` (on the store unless not `db`), check its exit code and keep its stdout."""
        argv = [*args, *(["--db", self.db] if db else [])]
        result = self.runner.invoke(main, argv)
        assert result.exit_code == code, f"lifecycle {' '.join(argv)}: exit {result.exit_code}\n{result.output}"
        output = Output(ref if "." in ref else f"{ref}.schema.json", args, result.stdout)
        self.outputs.append(output)
        return output

    def printed(self, *args: str) -> Output:
        """What the command run with exactly `args` printed."""
        return next(o for o in self.outputs if o.args == args)

    def of(self, schema: str) -> list[Output]:
        """Every output that must match the schema of that name."""
        return [o for o in self.outputs if o.schema == schema]


def day(days: int) -> str:
    """The day `days` from today (UTC), as the commands take it."""
    return (TODAY + timedelta(days=days)).isoformat()


def file_and_record(store: Store) -> None:
    """Two complaints of the operator's own, of two profiles, with deadlines pending: file, record, show."""
    store.run("file", "file", "--business", "Acme Retail", "--type", "Billing Issues", "--at", day(-3), "--ref", "T-1",
              "--consumer", "Ann Smith", "--text", "Ann Smith was charged twice", "--json")  # fmt: skip
    store.run("record", "record", "T-1", "forwarded", "--at", day(-2), "--text", "sent on", "--json")
    store.run("file", "file", "--business", "Harbour Bank", "--type", "General", "--at", day(-3), "--ref", "T-2",
              "--profile", "fca-disp", "--consumer", "Jane Doe", "--text", "Jane Doe, 1 High St", "--json")  # fmt: skip
    store.run("history", "history", "T-1", "--as-of", day(-3), "--json")
    store.run("history", "history", "T-2", "--unredacted", "--json")


def profiles_and_scenarios(store: Store, folder: Path) -> None:
    """The commands on profiles and scenarios: show, check and draw each bundled profile; replay bad files."""
    for path in PROFILES:
        store.run("profile-show", "profile", "show", path.stem, "--json", db=False)
        store.run("diagram", "diagram", "--profile", path.stem, "--json", db=False)
    store.run("profile-check", "profile", "check", *map(str, PROFILES), "--json", db=False)
    (folder / "half.yaml").write_text(BAD_PROFILE, encoding="utf-8")
    store.run("profile-check", "profile", "check", str(PROFILES[0]), str(folder / "half.yaml"), "--json",
              code=2, db=False)  # fmt: skip
    scenarios = folder / "scenarios"
    scenarios.mkdir()
    (scenarios / "failing.yaml").write_text(FAILING, encoding="utf-8")
    (scenarios / "invalid.yaml").write_text(INVALID, encoding="utf-8")
    store.run("replay", "replay", str(scenarios), "--json", code=2, db=False)


def small_store_commands(store: Store) -> None:
    """What is quick on the store before the import: export --json, whatif, report, verify, rebuild."""
    store.run("export", "export", "--json")
    store.run("whatif", "whatif", "--profile", "bbb", "--limit", "0", "--json")
    store.run("whatif", "whatif", "--profile", "cfpb:response=10", "--as-of", day(-1), "--json")
    store.run("report", "report", "--format", "json")
    store.run("report", "report", "--years", "all", "--json")
    anchor = str(Path(store.db).with_suffix(".anchor.json"))
    store.run("anchor", "anchor", "--out", anchor, "--json")
    store.run("verify", "verify", "--anchor", anchor, "--json")
    store.run("rebuild", "rebuild", "--json")


def compared(store: Store) -> list[str]:
    """Complaints whose events show every optional field and every timing; show and history print them."""
    events = store.printed("export").documents
    schema = json.loads((SCHEMAS / EVENT).read_text(encoding="utf-8"))
    optional = set(schema["properties"]) - set(schema["required"])
    wanted = [("T-1", None), ("T-2", None), *((None, key) for key in sorted(optional))]
    wanted += [(None, f"timing={timing}") for timing in ("day", "by", "after", "unknown")]
    references = []
    for reference, key in wanted:
        found = reference or next((e["reference"] for e in events if key in e or key == f"timing={e['timing']}"), None)
        assert found is not None, f"no event in the store shows {key}"
        references.append(found)
    return list(dict.fromkeys(references))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The store, every command run on it (in an order that keeps the compared outputs from one moment)."""
    folder = tmp_path_factory.mktemp("schemas")
    built = Store(str(folder / "lifecycle.db"))
    built.run("replay", "replay", str(ROOT / "scenarios"), "--json")
    file_and_record(built)
    profiles_and_scenarios(built, folder)
    small_store_commands(built)
    built.run("import-cfpb", "import", "cfpb", str(CFPB), "--json")
    built.run("erase", "erase", "--consumer", "Jane Doe", "--yes", "--json")
    built.run("erase", "erase", "--consumer", "Nobody At All", "--yes", "--json")
    built.run("erasures", "erasures", "--json")
    built.run(LINE, "export")
    for reference in compared(built):
        built.run("show", "show", reference, "--json")
        built.run("history", "history", reference, "--json")
    built.run("audit", "audit", "--limit", "1000", "--json")
    built.run("audit", "audit", "--by", "schema-test", "--json")
    built.run("due", "due", "--until", day(30), "--json")
    built.run("due", "due", "--overdue", "--json")
    built.run("advance", "advance", "--to", day(30), "--dry-run", "--json")
    built.run("advance", "advance", "--to", day(30), "--json")
    return built


def json_commands(group: click.Group, ctx: click.Context, prefix: str = "") -> set[str]:
    """Every command under `group` with a --json flag, named as its schema is (`import-cfpb`)."""
    found = set()
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            found |= json_commands(command, click.Context(command, parent=ctx, info_name=name), f"{prefix}{name}-")
        elif any("--json" in p.opts for p in command.params if isinstance(p, click.Option)):
            found.add(prefix + name)
    return found


@pytest.mark.parametrize("path", sorted(SCHEMAS.glob("*.schema.json")), ids=lambda p: p.name)
def test_each_schema_is_a_valid_draft_2020_12_schema_in_the_docs_conventions(path: Path) -> None:
    raw = path.read_bytes()
    schema = json.loads(raw)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] and schema["description"]
    assert b"\r" not in raw and raw.endswith(b"\n") and not raw.endswith(b"\n\n")


def test_every_command_with_a_json_flag_has_a_schema_and_is_checked_here(store: Store) -> None:
    commands = json_commands(main, click.Context(main, info_name="lifecycle"))
    assert commands == set(schema_names()), "a command with --json and its schema in docs/schemas/ go together"
    assert {o.schema for o in store.outputs} == commands, "every command with --json is run by this test"
    assert (SCHEMAS / "README.md").is_file()
    readme = (SCHEMAS / "README.md").read_text(encoding="utf-8")
    assert all(f"{name}.schema.json" in readme for name in [*schema_names(), "event"])


@pytest.mark.parametrize("name", schema_names())
def test_the_json_output_matches_its_schema(store: Store, name: str) -> None:
    outputs = store.of(name)
    assert outputs, f"no command was run whose output must match {name}.schema.json"
    problems = []
    for output in outputs:
        check = validator(output.ref)
        documents = one_of_each_shape(output.documents) if output.ref == LINE else output.documents
        for document in documents:
            for error in sorted(check.iter_errors(document), key=lambda e: list(e.absolute_path))[:3]:
                problems.append(f"{output.command}: {described(error)}")
    assert not problems, f"{len(problems)} problems, the first ones:\n" + "\n".join(problems[:20])


def test_the_json_output_ends_with_one_newline_and_has_no_carriage_return(store: Store) -> None:
    wrong = [o.command for o in store.outputs if "\r" in o.stdout or not o.stdout.endswith("\n") or "\n\n" in o.stdout]
    assert not wrong, f"not LF-terminated with one final newline: {wrong}"


def test_an_event_has_the_same_fields_in_show_history_and_export(store: Store) -> None:
    exported: dict[str, list[dict[str, Any]]] = {}
    for event in store.printed("export").documents:
        exported.setdefault(event["reference"], []).append(event)
    for reference in compared(store):
        shown = store.printed("show", reference, "--json").documents[0]["events"]
        told = store.printed("history", reference, "--json").documents[0]["events"]
        for e in exported[reference]:
            s, h = shown[e["version"] - 1], told[e["version"] - 1]
            assert set(s) == set(h) == set(e), (
                f"{reference} v{e['version']}: show {set(s) ^ set(e)}, history {set(h) ^ set(e)}"
            )
            assert s == h == e, f"{reference} v{e['version']}: the same event told differently"
        assert len(shown) == len(told) == len(exported[reference]), reference


def test_audit_names_the_fields_it_shares_with_an_event_as_the_event_does(store: Store) -> None:
    names = set(json.loads((SCHEMAS / EVENT).read_text(encoding="utf-8"))["properties"])
    events = {(e["reference"], e["version"]): e for e in store.printed("export").documents}
    rows = [r for o in store.of("audit") for r in o.documents[0]["events"]]
    assert rows and {r["reference"] for r in rows} >= {"T-1", "T-2"}
    for row in rows:
        assert set(row) <= names, f"audit fields no event has: {set(row) - names}"
        event, filing = events[row["reference"], row["version"]], events[row["reference"], 1]
        shared = {k: v for k, v in row.items() if k in event}
        assert shared == {k: event[k] for k in shared}, f"{row['reference']} v{row['version']}"
        assert (row["business"], row["complaint_type"]) == (filing["business"], filing["complaint_type"])
