"""The five published CFPB exports imported once into a SQLite file, then the clock advanced to today."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from lifecycle import Lifecycle
from lifecycle.importers.cfpb.importer import Importer, ImportResult

DATA = Path(__file__).parents[1] / "data" / "cfpb"  # a copy of ../shared/data/cfpb (see its PROVENANCE.md)
FILES = sorted(DATA.glob("*.csv"))


@dataclass(frozen=True)
class Imported:
    """The store, what the import said and how many events the clock then recorded."""

    path: Path
    result: ImportResult
    recorded: int


@pytest.fixture(scope="session")
def cfpb_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    """The five exports in one SQLite store (`default_profile` cfpb), advanced to today."""
    db = tmp_path_factory.mktemp("published") / "cfpb.db"
    app = Lifecycle(f"sqlite:///{db}", default_profile="cfpb")
    try:
        result = Importer(app).run(FILES)
        recorded = app.advance(date.today().isoformat())
    finally:
        app.close()
    yield Imported(db, result, recorded)
