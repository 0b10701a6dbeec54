"""The five published CFPB exports imported once into a SQLite file (and, for the cross-store test, into a
PostgreSQL schema), then the clock advanced to today."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg
import pytest

from lifecycle import Lifecycle
from lifecycle.importers.cfpb.importer import Importer, ImportResult
from tests.conftest import POSTGRES

DATA = Path(__file__).parents[1] / "data" / "cfpb"  # a copy of ../shared/data/cfpb (see its PROVENANCE.md)
FILES = sorted(DATA.glob("*.csv"))
ADVANCED_TO = date.today().isoformat()
"""The one day every imported store of a session is advanced to (read once, so two stores never straddle
midnight)."""


@dataclass(frozen=True)
class Imported:
    """The store, what the import said and how many events the clock then recorded."""

    path: Path
    result: ImportResult
    recorded: int


@dataclass(frozen=True)
class ImportedPostgres:
    """A PostgreSQL store of the same import: its URL, what the import said, what the clock recorded, and
    how long the import and the advance took (seconds)."""

    url: str
    result: ImportResult
    recorded: int
    seconds: float


@pytest.fixture(scope="session")
def cfpb_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    """The five exports in one SQLite store (`default_profile` cfpb), advanced to today."""
    db = tmp_path_factory.mktemp("published") / "cfpb.db"
    app = Lifecycle(f"sqlite:///{db}", default_profile="cfpb")
    try:
        result = Importer(app).run(FILES)
        recorded = app.advance(ADVANCED_TO)
    finally:
        app.close()
    yield Imported(db, result, recorded)


@pytest.fixture(scope="session")
def cfpb_postgres() -> Iterator[ImportedPostgres]:
    """The twin of `cfpb_store` on the real PostgreSQL server, in a fresh schema dropped afterwards (~20 s)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    url = f"{POSTGRES}?schema={schema}"
    started = time.perf_counter()
    app = Lifecycle(url, default_profile="cfpb")
    try:
        result = Importer(app).run(FILES)
        recorded = app.advance(ADVANCED_TO)
    finally:
        app.close()
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        # Without statistics on the freshly bulk-written tables the planner takes minutes per as-of query.
        tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)).fetchall()
        for (table,) in tables:
            conn.execute(f'ANALYZE "{schema}"."{table}"')
    yield ImportedPostgres(url, result, recorded, time.perf_counter() - started)
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
