"""Shared fixtures: applications on memory, on a SQLite file and on the real PostgreSQL server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import psycopg
import pytest

from lifecycle.application import Lifecycle

POSTGRES = os.environ.get("LIFECYCLE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture
def app() -> Iterator[Lifecycle]:
    """An application on in-memory storage."""
    application = Lifecycle("memory://")
    yield application
    application.close()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema on the real server, dropped afterwards; fails (never skips) without a server."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    yield f"{POSTGRES}?schema={schema}"
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: object) -> str:
    """The URL of an empty store of each real kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/lifecycle.db"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def open_app(store_url: str) -> Iterator[Callable[[], Lifecycle]]:
    """Opens applications on the same store (as separate processes would); closes them after."""
    opened: list[Lifecycle] = []

    def opener() -> Lifecycle:
        opened.append(Lifecycle(store_url))
        return opened[-1]

    yield opener
    for application in opened:
        application.close()
