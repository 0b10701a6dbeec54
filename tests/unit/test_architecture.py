"""Dependencies point inward: the domain imports no I/O, CLI or database driver."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

DOMAIN = Path(__file__).parents[2] / "lifecycle" / "domain"
FORBIDDEN = {
    "click",
    "sqlite3",
    "psycopg",
    "psycopg_pool",
    "lifecycle.stores",
    "lifecycle.cli",
    "os",
    "pathlib",
}


def imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_domain_source_names_no_io_module() -> None:
    modules = sorted(DOMAIN.glob("*.py"))
    assert len(modules) >= 5
    for module in modules:
        clash = {n for n in imported_names(module) if n.split(".")[0] in FORBIDDEN or n in FORBIDDEN}
        assert not clash, f"{module.name} imports {clash}"


def test_importing_the_domain_loads_no_driver_or_cli() -> None:
    code = (
        "import sys, lifecycle.domain.complaint, lifecycle.domain.bbb, lifecycle.domain.rules;"
        "print(' '.join(sorted(m for m in sys.modules)))"
    )
    loaded = set(
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
    )
    assert "lifecycle.domain.complaint" in loaded
    assert not loaded & {"click", "sqlite3", "_sqlite3", "psycopg", "lifecycle.stores", "lifecycle.cli"}
