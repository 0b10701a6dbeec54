"""The architecture, enforced: layers, sizes, one owner per concern, and a document that tells the truth.

Every module under lifecycle/ is parsed with `ast`; relative imports are resolved to absolute names
(`from ..stores import X` in lifecycle/views/x.py is `lifecycle.stores`). Each rule has a checker
that returns its offenders, and each checker is also run on a synthetic source that breaks the rule,
so a checker that stops finding anything fails its own test.

`python -m tests.unit.test_layers --write` regenerates the block between `<!-- layers -->` and
`<!-- /layers -->` in docs/architecture.md from LAYERS and the modules' docstrings.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "lifecycle"
DOCUMENT = ROOT / "docs" / "architecture.md"
REGENERATE = "python -m tests.unit.test_layers --write"

# --------------------------------------------------------------------------------------------------
# The one table of allowed dependencies: a layer (a package under lifecycle/) -> the layers it may import.
# The package root (lifecycle/__init__.py: lazy re-exports for embedding) is a layer of its own that
# no module inside the package may import.

PACKAGE_ROOT = "lifecycle"
LAYERS: dict[str, frozenset[str]] = {
    "domain": frozenset({"domain"}),
    "stores": frozenset({"domain", "stores"}),
    "views": frozenset({"domain", "stores", "views"}),
    "profiles": frozenset({"domain", "profiles"}),
    "application": frozenset({"domain", "stores", "views", "profiles", "application"}),
    "scenarios": frozenset({"domain", "profiles", "application", "scenarios"}),
    "importers": frozenset({"domain", "stores", "profiles", "application", "importers"}),
    "cli": frozenset({"domain", "stores", "views", "profiles", "application", "scenarios", "importers", "cli"}),
    PACKAGE_ROOT: frozenset({"domain", "profiles", "application"}),
}

DOMAIN_IO = (
    "sqlite3",
    "psycopg",
    "psycopg_pool",
    "click",
    "os",
    "pathlib",
    "io",
    "socket",
    "subprocess",
    "shutil",
    "urllib",
    "csv",
    "yaml",
    "orjson",
    "tempfile",
    "glob",
    "http",
    "eventsourcing.persistence",
    "eventsourcing.application",
)
"""Modules the domain may not import (a name or anything under it); eventsourcing.domain is fine."""

LOADED_NEVER_BY_THE_DOMAIN = ("sqlite3", "_sqlite3", "psycopg", "psycopg_pool", "click")
DOMAIN_ENTRY_POINTS = ("lifecycle.domain.complaint", "lifecycle.domain.profile", "lifecycle.domain.windows")

MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 50
FACADE = "application/lifecycle.py"
MAX_FACADE_LINES = 150

STORED_SHAPE_OWNER = "stores/stored.py"
STORED_SHAPE = ("_data_", "_type_", "stored_events", "rowid", "lifecycle_json(state", "originator_version AS")

CALENDAR = "domain/calendar.py"
DAY_BOUNDARIES = ("start_of", "end_of", "after")


# --------------------------------------------------------------------------------------------------
# Modules and their imports


@dataclass(frozen=True)
class Module:
    """One parsed module: its dotted name, its path relative to lifecycle/, its source and tree."""

    name: str
    path: str
    is_package: bool
    source: str
    tree: ast.Module

    @property
    def layer(self) -> str:
        return layer_of(self.name) or "?"

    @property
    def docstring(self) -> str | None:
        return ast.get_docstring(self.tree)


def layer_of(name: str) -> str | None:
    """The layer of a dotted name inside the package (None outside it)."""
    parts = name.split(".")
    if parts[0] != PACKAGE_ROOT:
        return None
    return PACKAGE_ROOT if len(parts) == 1 else parts[1]


def parse(path: str, source: str) -> Module:
    """A module from its path relative to lifecycle/ (e.g. `views/chain.py`) and its source."""
    parts = [PACKAGE_ROOT, *path.removesuffix(".py").split("/")]
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return Module(".".join(parts), path, is_package, source, ast.parse(source, filename=path))


@cache
def project_modules() -> tuple[Module, ...]:
    """Every module under lifecycle/, in path order."""
    paths = sorted(PACKAGE.rglob("*.py"))
    return tuple(parse(p.relative_to(PACKAGE).as_posix(), p.read_text(encoding="utf-8")) for p in paths)


def project_names() -> frozenset[str]:
    return frozenset(m.name for m in project_modules())


@dataclass(frozen=True)
class Import:
    line: int
    target: str


def imports(module: Module, known: Collection[str]) -> Iterator[Import]:
    """Every module `module` imports, absolute, anywhere in its body (functions and TYPE_CHECKING too).

    `from X import name` names `X.name` when that is a module of the project, else `X`; outside the
    project it names both (so `from eventsourcing import persistence` names eventsourcing.persistence)."""
    package = module.name if module.is_package else module.name.rpartition(".")[0]
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = resolve(package, node.level, node.module)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if layer_of(base) is not None:
                    yield Import(node.lineno, sub if sub in known else base)
                else:
                    yield Import(node.lineno, base)
                    if alias.name != "*":
                        yield Import(node.lineno, sub)


def resolve(package: str, level: int, module: str | None) -> str:
    """The absolute name of `from <level dots><module> import ...` inside `package`."""
    if level == 0:
        return module or ""
    parts = package.split(".")
    if level - 1 >= len(parts):
        raise ValueError(f"relative import beyond the top of {package}")
    base = ".".join(parts[: len(parts) - (level - 1)])
    return f"{base}.{module}" if module else base


def within(name: str, prefixes: Iterable[str]) -> bool:
    """True when `name` is one of `prefixes` or a module under one."""
    return any(name == p or name.startswith(p + ".") for p in prefixes)


# --------------------------------------------------------------------------------------------------
# a. Layers


def unknown_layers(modules: Iterable[Module]) -> list[str]:
    return [f"{m.path}: in no layer of LAYERS ({m.layer})" for m in modules if m.layer not in LAYERS]


def layer_violations(modules: Iterable[Module], known: Collection[str]) -> list[str]:
    """Imports of a layer the table does not allow."""
    found = []
    for m in modules:
        allowed = LAYERS.get(m.layer, frozenset())
        for i in imports(m, known):
            target = layer_of(i.target)
            if target is not None and target not in allowed:
                found.append(f"{m.path}:{i.line}: {m.layer} imports {i.target} ({target})")
    return found


def edges(modules: Iterable[Module], known: Collection[str]) -> dict[tuple[str, str], list[str]]:
    """The layer dependencies the code has, each with the modules that make it."""
    found: dict[tuple[str, str], list[str]] = {}
    for m in modules:
        for i in imports(m, known):
            target = layer_of(i.target)
            if target is not None and target != m.layer:
                found.setdefault((m.layer, target), []).append(f"{m.path}:{i.line} -> {i.target}")
    return found


def cycles(table: Mapping[str, Collection[str]]) -> list[list[str]]:
    """Cycles of the allowed dependencies (a layer on itself does not count)."""
    found: list[list[str]] = []

    def walk(layer: str, path: list[str]) -> None:
        for dep in sorted(table.get(layer, ())):
            if dep == layer:
                continue
            if dep in path:
                found.append([*path[path.index(dep) :], dep])
            else:
                walk(dep, [*path, dep])

    for layer in table:
        walk(layer, [layer])
    return found


def domain_io(modules: Iterable[Module], known: Collection[str]) -> list[str]:
    """Imports of an I/O library by the domain."""
    return [
        f"{m.path}:{i.line}: the domain imports {i.target}"
        for m in modules
        if m.layer == "domain"
        for i in imports(m, known)
        if within(i.target, DOMAIN_IO)
    ]


def cli_importers(modules: Iterable[Module], known: Collection[str]) -> list[str]:
    """Imports of lifecycle.cli from outside it."""
    return [
        f"{m.path}:{i.line}: imports {i.target}"
        for m in modules
        if m.layer != "cli"
        for i in imports(m, known)
        if within(i.target, ["lifecycle.cli"])
    ]


def loaded_by(names: Sequence[str]) -> set[str]:
    """The modules a fresh interpreter has loaded after importing `names`."""
    code = "import sys\n" + "".join(f"import {n}\n" for n in names) + "print('\\n'.join(sorted(sys.modules)))\n"
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    return set(run.stdout.split())


def loaded_beyond_the_domain(loaded: Iterable[str]) -> list[str]:
    """Drivers, the CLI library and every project module outside the domain (the package root aside)."""
    return sorted(
        name
        for name in loaded
        if within(name, LOADED_NEVER_BY_THE_DOMAIN) or (layer_of(name) not in (None, PACKAGE_ROOT, "domain"))
    )


def test_every_module_is_in_a_layer() -> None:
    modules = project_modules()
    assert len(modules) > 40
    assert not unknown_layers(modules), "\n".join(unknown_layers(modules))


def test_the_checker_finds_a_module_outside_the_layers() -> None:
    assert unknown_layers([parse("helpers.py", '"""Loose."""\n')])


def test_dependencies_point_inward() -> None:
    assert not cycles(LAYERS), cycles(LAYERS)
    packages = [layer for layer in LAYERS if layer != PACKAGE_ROOT]
    assert all(layer in LAYERS[layer] for layer in packages), "a layer may import its own modules"
    assert all(PACKAGE_ROOT not in allowed for allowed in LAYERS.values()), "nothing imports the package root"
    assert LAYERS["domain"] == {"domain"}


def test_the_checker_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) and not cycles({"a": {"a", "b"}, "b": {"b"}})


@pytest.mark.parametrize(
    ("path", "level", "module", "expected"),
    [
        ("views/chain.py", 2, "stores", "lifecycle.stores"),
        ("views/chain.py", 1, "projector", "lifecycle.views.projector"),
        ("views/report/view.py", 3, "domain.complaint", "lifecycle.domain.complaint"),
        ("application/__init__.py", 1, "engine", "lifecycle.application.engine"),
        ("application/__init__.py", 2, None, "lifecycle"),
        ("__init__.py", 1, "application", "lifecycle.application"),
        ("views/x.py", 0, "eventsourcing.domain", "eventsourcing.domain"),
    ],
)
def test_relative_imports_resolve(path: str, level: int, module: str | None, expected: str) -> None:
    m = parse(path, "")
    assert resolve(m.name if m.is_package else m.name.rpartition(".")[0], level, module) == expected


def test_from_a_package_import_a_module_names_the_module() -> None:
    m = parse("views/x.py", "from .. import stores\nfrom . import chain\nfrom .report import view\n")
    known = {"lifecycle.stores", "lifecycle.views.chain", "lifecycle.views.report.view"}
    assert [i.target for i in imports(m, known)] == sorted(known)


def test_imports_follow_the_layer_table() -> None:
    found = layer_violations(project_modules(), project_names())
    assert not found, "imports the layer table does not allow:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("domain/x.py", "from ..stores import Stores\n"),
        ("domain/x.py", "def f() -> None:\n    from lifecycle.views.chain import verify\n"),
        ("stores/x.py", "from ..application import Lifecycle\n"),
        ("views/report/x.py", "from ...scenarios.replay import replay\n"),
        ("views/x.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..cli import main\n"),
        ("importers/cfpb/x.py", "from ...views import Projections\n"),
        ("application/x.py", "from .. import Lifecycle\n"),  # the package root, from inside
    ],
)
def test_the_checker_finds_a_forbidden_layer_import(path: str, source: str) -> None:
    assert layer_violations([parse(path, source)], project_names())


def test_the_checker_lets_allowed_imports_pass() -> None:
    source = "from ..domain.complaint import Complaint\nfrom ..stores import Stores\nfrom . import chain\n"
    assert not layer_violations([parse("views/x.py", source)], project_names())


def test_the_domain_imports_no_io_library() -> None:
    found = domain_io(project_modules(), project_names())
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        "import sqlite3\n",
        "import os.path\n",
        "from pathlib import Path\n",
        "from eventsourcing import persistence\n",
        "from eventsourcing.application import Application\n",
        "def f() -> None:\n    import psycopg\n",
        "from orjson import dumps\n",
    ],
)
def test_the_checker_finds_io_in_the_domain(source: str) -> None:
    assert domain_io([parse("domain/x.py", source)], project_names())


def test_the_checker_lets_the_domain_use_eventsourcing_domain() -> None:
    source = "from eventsourcing.domain import Aggregate, event\nimport re\nfrom datetime import date\n"
    assert not domain_io([parse("domain/x.py", source)], project_names())


def test_nothing_outside_the_cli_imports_it() -> None:
    found = cli_importers(project_modules(), project_names())
    assert not found, "\n".join(found)


def test_the_checker_finds_an_import_of_the_cli() -> None:
    assert cli_importers([parse("application/x.py", "from ..cli.base import engine\n")], project_names())
    assert cli_importers([parse("__init__.py", "import lifecycle.cli\n")], project_names())
    assert not cli_importers([parse("cli/x.py", "from .base import engine\n")], project_names())


def test_importing_the_domain_loads_no_driver_cli_or_outer_layer() -> None:
    loaded = loaded_by(DOMAIN_ENTRY_POINTS)
    assert set(DOMAIN_ENTRY_POINTS) <= loaded
    assert not loaded_beyond_the_domain(loaded), loaded_beyond_the_domain(loaded)


def test_the_runtime_checker_finds_what_an_outer_layer_loads() -> None:
    found = loaded_beyond_the_domain(loaded_by(["lifecycle.stores.view_store"]))
    assert "sqlite3" in found and "lifecycle.stores.view_store" in found


def test_importing_everything_but_the_cli_loads_no_cli() -> None:
    outside = [m.name for m in project_modules() if m.layer != "cli"]
    loaded = loaded_by(outside)
    assert set(outside) <= loaded
    assert not [n for n in loaded if within(n, ["click", "lifecycle.cli"])]


# --------------------------------------------------------------------------------------------------
# b. Sizes (a function's lines run from its `def` to its last line: decorators are not counted)


def lines_of(module: Module) -> int:
    return len(module.source.splitlines())


def long_modules(modules: Iterable[Module], limit: int = MAX_MODULE_LINES) -> list[str]:
    return [f"{m.path}: {lines_of(m)} lines" for m in modules if lines_of(m) > limit]


def long_functions(modules: Iterable[Module], limit: int = MAX_FUNCTION_LINES) -> list[str]:
    found = []
    for m in modules:
        for node in ast.walk(m.tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > limit:
                    found.append(f"{m.path}:{node.lineno} {node.name}: {length} lines")
    return found


def test_no_module_is_over_300_lines() -> None:
    found = long_modules(project_modules())
    assert not found, f"modules over {MAX_MODULE_LINES} lines:\n" + "\n".join(found)


def test_no_function_is_over_50_lines() -> None:
    found = long_functions(project_modules())
    assert not found, f"functions over {MAX_FUNCTION_LINES} lines (def to last line):\n" + "\n".join(found)


def test_the_facade_is_under_150_lines() -> None:
    facade = next(m for m in project_modules() if m.path == FACADE)
    assert lines_of(facade) < MAX_FACADE_LINES, f"{FACADE}: {lines_of(facade)} lines"


def test_the_size_checkers_find_long_code() -> None:
    body = "".join(f"    x{n} = {n}\n" for n in range(50))
    long, short = f"def f() -> None:\n{body}", f"@a\n@b\n@c\ndef f() -> None:\n{body[: -len('    x49 = 49') - 1]}"
    assert long_functions([parse("x/y.py", long)]) == ["x/y.py:1 f: 51 lines"]
    assert not long_functions([parse("x/y.py", short)])  # 50 lines, and 3 decorator lines not counted
    nested = "class C:\n    def m(self) -> None:\n        def g() -> None:\n" + body.replace("    ", " " * 12)
    assert len(long_functions([parse("x/y.py", nested)])) == 2
    assert long_modules([parse("x/y.py", "x = 1\n" * 301)]) and not long_modules([parse("x/y.py", "x = 1\n" * 300)])


# --------------------------------------------------------------------------------------------------
# c. One owner each


def stored_shape_leaks(modules: Iterable[Module]) -> list[str]:
    """Mentions of the stored JSON shape or the log table outside stores/stored.py (comments too)."""
    return [
        f"{m.path}:{number}: {word}"
        for m in modules
        if m.path != STORED_SHAPE_OWNER
        for number, line in enumerate(m.source.splitlines(), start=1)
        for word in STORED_SHAPE
        if word in line
    ]


SQL_STATEMENT = re.compile(
    r"\bSELECT\b[\s\S]*?\bFROM\b|\bINSERT\s+(?:OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\S+\s+SET\b|\bDELETE\s+FROM\b"
    r"|\b(?:CREATE|DROP|ALTER)\s+(?:TEMP(?:ORARY)?\s+|UNIQUE\s+)?(?:TABLE|INDEX|VIEW|SCHEMA|TRIGGER)\b",
    re.IGNORECASE,
)
SQL_START = re.compile(r"^\s*(?:SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|WITH)\b")
"""A string that starts with an upper-case SQL verb is a statement even without the rest."""


def docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring nodes of a module, its classes and functions."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def text_of(node: ast.AST) -> str | None:
    """The text of a string expression: a literal, an f-string, or `+` of them (`?` for what is computed)."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        return "".join(text_of(v) or "?" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = text_of(node.left), text_of(node.right)
        if left is not None or right is not None:
            return (left or "?") + (right or "?")
    return None


def sql_in_application(modules: Iterable[Module]) -> list[str]:
    """String expressions in the application layer that are SQL statements (docstrings are prose)."""
    found = []
    for m in modules:
        if m.layer != "application":
            continue
        skip = docstrings(m.tree)
        for node in ast.walk(m.tree):
            text = None if id(node) in skip else text_of(node)
            if text is not None and (SQL_STATEMENT.search(text) or SQL_START.match(text)):
                found.append(f"{m.path}:{getattr(node, 'lineno', 0)}: {text[:60]!r}")
    return sorted(set(found))


ONE_DAY, ONE_MICROSECOND = timedelta(days=1), timedelta(microseconds=1)
DAY_LENGTHS = frozenset({86_400, 86_400_000, 86_400_000_000})
"""A day in seconds, milliseconds and microseconds."""
DAY_HELPERS = re.compile(r"^(?:start_of|end_of|after|midnight|day_start|day_end|\w*(?:start|end)_of_(?:the_)?day)$")
TIME_FIELDS = frozenset({"hour", "minute", "second", "microsecond"})


def timedelta_value(node: ast.AST) -> timedelta | None:
    """The value of `timedelta(...)` called with literal numbers only."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    values = [*node.args, *(k.value for k in node.keywords)]
    numbers = [
        v.value
        for v in values
        if isinstance(v, ast.Constant) and isinstance(v.value, int | float) and not isinstance(v.value, bool)
    ]
    if name != "timedelta" or len(numbers) != len(values):
        return None
    args = numbers[: len(node.args)]
    kwargs = dict(zip([str(k.arg) for k in node.keywords], numbers[len(node.args) :], strict=True))
    try:
        return timedelta(*args, **kwargs)
    except (TypeError, ValueError):
        return None


def day_step(node: ast.AST, constants: Mapping[str, ast.AST]) -> str | None:
    """What makes `node` a step to a day boundary: one day or one microsecond, as a timedelta or a number."""
    if isinstance(node, ast.Name) and node.id in constants:
        node = constants[node.id]
    value = timedelta_value(node)
    if value in (ONE_DAY, ONE_MICROSECOND):
        return f"a step of {value!r}"
    if isinstance(node, ast.Constant) and type(node.value) is int and node.value in DAY_LENGTHS:
        return f"a day's length ({node.value})"
    return None


def datetime_time_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """The names bound to `datetime.time`, and to the `datetime` module itself."""
    times, modules = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "datetime":
            times |= {a.asname or a.name for a in node.names if a.name == "time"}
        elif isinstance(node, ast.Import):
            modules |= {a.asname or a.name for a in node.names if a.name == "datetime"}
    return times, modules


def is_time_of_day(node: ast.AST, times: set[str], modules: set[str]) -> bool:
    """`time`, bound to datetime.time, or `datetime.time` (the module's attribute)."""
    if isinstance(node, ast.Name):
        return node.id in times
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "time"
        and isinstance(node.value, ast.Name)
        and (node.value.id in modules)
    )


def day_boundary_builders(modules: Iterable[Module]) -> list[str]:
    """Outside domain/calendar.py: helpers named like a day boundary, or code that builds one itself.

    Building one is: `datetime.combine(...)`; making a time of day (`time(...)`, `time.min`, `time.max`
    of datetime); `.replace(hour=|minute=|second=|microsecond=)`; or `+`/`-` (`+=`/`-=`) of one day or
    one microsecond, written as a `timedelta` of literals (directly or through a module constant) or as
    a day's length in seconds, milliseconds or microseconds. A timedelta of other lengths, and such a
    constant used otherwise (`x // MICROSECOND`), is not a day boundary."""
    found = []
    for m in modules:
        if m.path == CALENDAR:
            continue
        constants = {
            t.id: node.value
            for node in m.tree.body
            if isinstance(node, ast.Assign)
            for t in node.targets
            if isinstance(t, ast.Name)
        }
        times, datetime_modules = datetime_time_names(m.tree)
        for node in ast.walk(m.tree):
            why = None
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and DAY_HELPERS.match(node.name):
                why = f"defines {node.name}()"
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
                why = day_step(node.right, constants) or day_step(node.left, constants)
            elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add | ast.Sub):
                why = day_step(node.value, constants)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr == "combine":
                    why = "datetime.combine()"
                elif node.func.attr == "replace" and TIME_FIELDS & {k.arg for k in node.keywords}:
                    why = "a moment's time of day replaced"
            if isinstance(node, ast.Call) and is_time_of_day(node.func, times, datetime_modules):
                why = "a time of day made"
            elif (
                isinstance(node, ast.Attribute)
                and node.attr in ("min", "max")
                and is_time_of_day(node.value, times, datetime_modules)
            ):
                why = f"time.{node.attr}"
            if why:
                found.append(f"{m.path}:{getattr(node, 'lineno', 0)}: {why}")
    return found


def test_only_stored_py_knows_the_stored_shape() -> None:
    owner = next(m for m in project_modules() if m.path == STORED_SHAPE_OWNER)
    assert all(word in owner.source for word in STORED_SHAPE)
    found = stored_shape_leaks(project_modules())
    assert not found, f"the stored shape outside {STORED_SHAPE_OWNER}:\n" + "\n".join(found)


def test_the_checker_finds_the_stored_shape_elsewhere() -> None:
    assert stored_shape_leaks([parse("views/x.py", 'def f(d: dict) -> object:\n    return d["_data_"]\n')])
    assert stored_shape_leaks([parse("importers/x.py", "# reads stored_events directly\n")])
    assert not stored_shape_leaks([parse(STORED_SHAPE_OWNER, 'X = "_type_"\n')])


def test_no_sql_in_the_application_layer() -> None:
    found = sql_in_application(project_modules())
    assert not found, "SQL in the application layer (it belongs in stores/ or views/):\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        'def f(c: object) -> None:\n    c.execute("SELECT key FROM lifecycle_keys WHERE id = ?")\n',
        'def f(t: str) -> str:\n    return f"DELETE FROM {t} WHERE id = ?"\n',
        'def f(t: str) -> str:\n    return "INSERT INTO " + t + " VALUES (?)"\n',
        'Q = (\n    "update lifecycle_positions "\n    "set position = 0"\n)\n',
        'DDL = "CREATE TABLE IF NOT EXISTS x (a TEXT)"\n',
        'COUNT = "SELECT COUNT(*)"\n',
    ],
)
def test_the_checker_finds_sql_in_the_application(source: str) -> None:
    assert sql_in_application([parse("application/x.py", source)])


def test_the_checker_lets_prose_and_other_layers_pass() -> None:
    prose = '"""Select the complaints from the log; delete nothing."""\nX = "updated the report"\n'
    assert not sql_in_application([parse("application/x.py", prose)])
    assert not sql_in_application([parse("views/x.py", 'Q = "SELECT a FROM b"\n')])


def test_day_boundaries_are_defined_in_the_calendar() -> None:
    calendar = next(m for m in project_modules() if m.path == CALENDAR)
    classes = [n for n in calendar.tree.body if isinstance(n, ast.ClassDef)]
    methods = {f.name for c in classes for f in c.body if isinstance(f, ast.FunctionDef)}
    assert set(DAY_BOUNDARIES) <= methods, f"{CALENDAR} defines {sorted(methods)}"


def test_no_module_but_the_calendar_builds_a_day_boundary() -> None:
    found = day_boundary_builders(project_modules())
    assert not found, f"day boundaries built outside {CALENDAR} (use its start_of/after/end_of):\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import timedelta\ndef f(c, d):\n    return c.start_of(d + timedelta(days=1))\n",
        "from datetime import timedelta\ndef f(c, d):\n    return c.after(d) - timedelta(microseconds=1)\n",
        "from datetime import timedelta\nDAY = timedelta(hours=24)\ndef f(m):\n    return m + DAY\n",
        "import datetime\ndef f(d):\n    return datetime.datetime.combine(d, datetime.time.min)\n",
        "from datetime import time as t\nNOON = t(12)\n",
        "def f(m):\n    return m.replace(hour=0, minute=0)\n",
        "def f(m):\n    m += 86_400_000_000\n    return m\n",
        "class C:\n    def end_of(self, day):\n        return day\n",
        "def end_of_day(day):\n    return day\n",
    ],
)
def test_the_checker_finds_a_day_boundary_built_elsewhere(source: str) -> None:
    assert day_boundary_builders([parse("views/x.py", source)])


def test_the_checker_lets_other_time_arithmetic_pass() -> None:
    source = (
        "from datetime import UTC, datetime, timedelta\nimport time\n"
        "MICROSECOND = timedelta(microseconds=1)\nDAY = 86_400_000_000\n"
        "FOREVER = datetime.max.replace(tzinfo=UTC) - timedelta(days=2)\n"
        "def f(c, d, v, a, b):\n    time.perf_counter()\n"
        "    return c.after(d), c.end_of(d), (v - FOREVER) // MICROSECOND, (a - b) / DAY\n"
    )
    assert not day_boundary_builders([parse("views/x.py", source)])
    calendar = next(m for m in project_modules() if m.path == CALENDAR)
    assert day_boundary_builders([parse("domain/other.py", calendar.source)])  # the calendar's own code, moved


# --------------------------------------------------------------------------------------------------
# d. Docstrings, and the generated block of docs/architecture.md

START, END = "<!-- layers -->", "<!-- /layers -->"


def missing_docstrings(modules: Iterable[Module]) -> list[str]:
    return [m.path for m in modules if not (m.docstring or "").strip()]


def first_line(module: Module) -> str:
    return (module.docstring or "").strip().splitlines()[0] if (module.docstring or "").strip() else "(no docstring)"


def layers_block(modules: Sequence[Module]) -> str:
    """The block: the allowed dependencies as a Mermaid graph, then each layer's modules and docstrings."""
    order = list(LAYERS)
    lines = [
        START,
        f"<!-- Generated from LAYERS in tests/unit/test_layers.py and the module docstrings: `{REGENERATE}` -->",
        "",
        "```mermaid",
        "graph TD",
    ]
    for layer in order:
        deps = [dep for dep in order if dep != layer and dep in LAYERS[layer]]
        if deps:
            lines.append(f"    {layer} --> {' & '.join(deps)}")
    lines += ["```", ""]
    for layer in order:
        members = [m for m in modules if m.layer == layer]
        home = "__init__.py" if layer == PACKAGE_ROOT else f"{layer}/"
        allowed = ", ".join(d for d in order if d in LAYERS[layer]) or "nothing"
        lines += [f"**`{home}`**: may import {allowed}.", ""]
        lines += [f"- `{m.path}`: {first_line(m)}" for m in members]
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def with_block(document: str, block: str) -> str:
    """`document` with its layers block replaced by `block`."""
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(document):
        raise ValueError(f"no {START} ... {END} block in the document")
    return pattern.sub(lambda _: block, document)


def test_every_module_has_a_docstring() -> None:
    found = missing_docstrings(project_modules())
    assert not found, "modules without a docstring:\n" + "\n".join(found)


def test_the_checker_finds_a_module_without_a_docstring() -> None:
    assert missing_docstrings([parse("x/y.py", "import os\n"), parse("x/z.py", '""""""\n')]) == ["x/y.py", "x/z.py"]


def test_the_architecture_document_is_true() -> None:
    document = DOCUMENT.read_text(encoding="utf-8")
    assert with_block(document, layers_block(project_modules())) == document, (
        f"the layers block of {DOCUMENT.relative_to(ROOT)} is stale: run `{REGENERATE}`"
    )


def test_the_block_follows_the_tree() -> None:
    modules = list(project_modules())
    block = layers_block(modules)
    assert "    application --> domain & stores & views & profiles\n" in block and "views --> application" not in block
    assert all(f"- `{m.path}`: {first_line(m)}" in block for m in modules)
    document = f"# Title\n\n{START}\nold\n{END}\n\nafter\n"
    assert with_block(document, block) == f"# Title\n\n{block}\n\nafter\n"
    changed = [parse(modules[0].path, '"""Something else."""\n'), *modules[1:]]
    assert with_block(with_block(document, block), layers_block(changed)) != with_block(document, block)
    with pytest.raises(ValueError):
        with_block("# no block\n", block)


def write() -> None:
    """Regenerate the layers block of docs/architecture.md."""
    document = DOCUMENT.read_text(encoding="utf-8")
    DOCUMENT.write_text(with_block(document, layers_block(project_modules())), encoding="utf-8")
    print(f"updated the layers block of {DOCUMENT.relative_to(ROOT)}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit(f"usage: {REGENERATE}")
    write()
