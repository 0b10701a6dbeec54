"""The application tier's fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lifecycle import Lifecycle


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Lifecycle]:
    """An application on each kind of store (the as-of query runs on SQLite and PostgreSQL alike)."""
    urls = {"memory": "memory://", "sqlite": f"sqlite:///{tmp_path}/store.db"}
    application = Lifecycle(urls.get(request.param) or request.getfixturevalue("postgres_url"))
    yield application
    application.close()
