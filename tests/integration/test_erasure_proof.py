"""Erasure provable: no destroyed key or consumer digest left in the store's files, and a certificate for each."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from lifecycle import InvalidInput, Lifecycle
from lifecycle.cli import main
from lifecycle.stores.pepper import legacy_digest
from tests.conftest import POSTGRES

Opener = Callable[[], Lifecycle]
NAME = "Jane Roe"


def cli(url: str, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, [*args, "--db", url])
    assert result.exit_code == code, result.output
    return result.output


def file_many(app: Lifecycle, count: int = 60) -> list[str]:
    """Enough complaints to split the keys table's pages; every fifth one Jane Roe's; returns hers."""
    hers = []
    for n in range(count):
        name = NAME if n % 5 == 0 else f"Consumer {n}"
        app.file("Shop", "Billing Issues", "2024-03-04", f"c-{n}", consumer=name, text=f"text of {name}")
        hers += [f"c-{n}"] if name == NAME else []
    return hers


def secrets(app: Lifecycle, name: str = NAME) -> list[bytes]:
    """Jane Roe's keys (raw and hex) and every digest of her name (unsalted and keyed, hex text and raw)."""
    digests = [legacy_digest(name), str(app.keys.pepper.digest(name)).removeprefix("hmac:")]
    rows = app.tables.query("SELECT key FROM lifecycle_keys WHERE consumer = ?", (app.keys.pepper.digest(name),))
    keys = [bytes(row[0]) for row in rows]
    assert keys and all(len(k) == 32 for k in keys)
    return [*keys, *(k.hex().encode() for k in keys), *(d.encode() for d in digests), *map(bytes.fromhex, digests)]


def files(app: Lifecycle) -> bytes:
    """Everything the store keeps on disk: the SQLite file with its -wal and -shm, or a pg_dump of the schema
    with the raw files of lifecycle_keys and its indexes (read by the server after a CHECKPOINT)."""
    db = app.database
    if db.kind == "sqlite":
        return b"".join(Path(db.path + s).read_bytes() for s in ("", "-wal", "-shm") if Path(db.path + s).exists())
    dump = subprocess.run(["pg_dump", "-n", db.schema, "-d", db.conninfo], check=True, capture_output=True).stdout
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        conn.execute("CHECKPOINT")
        relations = conn.execute(
            "SELECT pg_relation_filepath(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND (c.relname = 'lifecycle_keys' OR c.oid IN "
            "(SELECT indexrelid FROM pg_index WHERE indrelid = %s::regclass))",
            (db.schema, f'"{db.schema}".lifecycle_keys'),
        ).fetchall()
        raw = [conn.execute("SELECT pg_read_binary_file(%s)", (r[0],)).fetchone() for r in relations]
    assert len(raw) == 3  # the table, its primary key, the index of digests
    return dump + b"".join(bytes(r[0]) for r in raw if r)


@pytest.fixture(params=["sqlite", "postgres"])
def alone(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store no other session shares: a SQLite file, or a database of its own on the PostgreSQL server (VACUUM
    keeps what any older transaction of the same database may still see, and other tests run beside this one)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/lifecycle.db"
        return
    name = f"erasure_{uuid.uuid4().hex[:12]}"
    server = POSTGRES.rpartition("/")[0]
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_erased_keys_and_digests_leave_the_files(alone: str) -> None:
    app, reader = Lifecycle(alone), Lifecycle(alone)  # a second connection stays open, as another process's would
    try:
        keys_leave_the_files(app, reader, alone)
    finally:
        app.close()
        reader.close()


def keys_leave_the_files(app: Lifecycle, reader: Lifecycle, store_url: str) -> None:
    """Jane Roe's keys and digests are in the files before her erasure, and nowhere in them after."""
    file_many(app)
    found = secrets(app)
    assert reader.history("c-0")[0].text == f"text of {NAME}"
    before = files(app)
    assert all(s in before for s in found[:2])  # the test can fail: the keys are there before
    assert str(app.keys.pepper.digest(NAME)).encode() in before
    output = cli(store_url, "erase", "--consumer", NAME.upper(), "--yes")
    assert "erased the personal data of 12 complaint(s)" in output and "warning" not in output
    after = files(app)
    assert [s for s in found if s in after] == []
    assert reader.history("c-0")[0].text == "[erased]" and reader.get("c-1").consumer == "Consumer 1"


def test_a_certificate_names_what_was_destroyed(open_app: Opener, store_url: str) -> None:
    app = open_app()
    hers = file_many(app, 12)
    app.file("Shop", "Billing Issues", "2024-03-05", "no-text")  # no personal data: no key yet
    started = datetime.now(UTC)
    cli(store_url, "erase", "--consumer", NAME, "--yes", "--by", "dpo@example.com")
    cli(store_url, "erase", "--ref", "no-text", "--yes", "--by", "dpo@example.com")
    ended = datetime.now(UTC)
    first, second = app.erasures()
    assert sorted(first.references) == sorted(hers) and first.scope == "consumer"
    assert all(c["consumer_digest"] for c in first.complaints) and NAME not in json.dumps(first.complaints)
    assert second.references == ["no-text"] and second.complaints[0]["consumer_digest"] is False
    assert started <= first.at <= second.at <= ended
    assert (first.by, first.via) == ("dpo@example.com", "lifecycle erase")
    assert app.unproven() == [] and app.verify().intact
    history = cli(store_url, "history", hers[0])
    assert (
        "personal data erased" in history
        and f"by dpo@example.com via lifecycle erase (certificate {first.id})" in history
    )
    assert json.loads(cli(store_url, "history", "c-1", "--json"))["erased"] is None
    listed = json.loads(cli(store_url, "erasures", "--json"))
    assert [c["certificate"] for c in listed["certificates"]] == [first.id, second.id] and listed["unproven"] == []
    assert "nothing to erase" in cli(store_url, "erase", "--ref", hers[0], "--yes")
    assert app.erase(consumer=NAME) == 0 and len(app.erasures()) == 2
    with pytest.raises(InvalidInput, match="was erased"):
        app.respond("no-text", "2024-03-06", "personal text")


def test_every_reader_of_the_log_skips_certificates(open_app: Opener, store_url: str) -> None:
    app = open_app()
    file_many(app, 10)
    app.erase(reference="c-0")
    for args in (
        ("rebuild",),
        ("verify",),
        ("whatif", "--profile", "cfpb"),
        ("advance", "--to", "2024-06-30"),
        ("due", "--until", "2024-12-31"),
    ):
        cli(store_url, *args)
    report = json.loads(cli(store_url, "report", "--format", "json", "--as-of", "2024-12-31", "--years", "1"))
    assert [b["complaints"] for b in report["businesses"]] == [10]
    audited = json.loads(cli(store_url, "audit", "--limit", "1000", "--json"))["events"]
    assert {row["reference"] for row in audited} == {f"c-{n}" for n in range(10)}
    assert len(cli(store_url, "export").splitlines()) == len(audited)


def test_unsalted_digests_of_older_stores_are_found_then_cleared(alone: str) -> None:
    app = Lifecycle(alone)
    try:
        unsalted_digests_go(app, alone)
    finally:
        app.close()


def unsalted_digests_go(app: Lifecycle, store_url: str) -> None:
    """A store's unsalted digests: an erased complaint's cleared, a living one's replaced by a keyed one."""
    file_many(app, 10)
    ids = {ref: app.get(ref).id.hex for ref in ("c-0", "c-1", "c-5")}
    with app.tables.transaction() as cursor:  # as a store before 0.3 kept them
        for name, ref in ((NAME, "c-0"), (NAME, "c-5"), ("Consumer 1", "c-1")):
            cursor.execute(
                "UPDATE lifecycle_keys SET consumer = ? WHERE complaint_id = ?", (legacy_digest(name), ids[ref])
            )
        cursor.execute(  # and one erased before 0.3: keyless, its digest left behind
            "UPDATE lifecycle_keys SET key = NULL WHERE complaint_id = ?", (ids["c-5"],)
        )
    assert app.erasable(consumer=NAME) == ["c-0"]
    erased = app.erase_certified(consumer=NAME)
    assert erased.certificate and erased.certificate.references == ["c-0"] and erased.notes == ()
    left = {row[0] for row in app.tables.query("SELECT consumer FROM lifecycle_keys WHERE consumer IS NOT NULL")}
    assert legacy_digest(NAME) not in left and legacy_digest("Consumer 1") not in left  # re-keyed with its pepper
    assert app.keys.pepper.digest("Consumer 1") in left and app.erasable(consumer="consumer 1") == ["c-1"]
    assert legacy_digest(NAME).encode() not in files(app)
    assert app.unproven() == ["complaint c-5: key destroyed before erasure certificates (0.3), none names it"]
    assert "c-5: key destroyed before" in cli(store_url, "erasures", code=1)


def test_the_pepper_from_the_environment(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIFECYCLE_PEPPER", "outside the store")
    app = Lifecycle(store_url)
    try:
        app.file("Shop", "Billing Issues", "2024-03-04", "p-1", consumer=NAME)
        digest = app.keys.pepper.digest(NAME)
        assert digest is not None and digest.removeprefix("hmac:") != hashlib.sha256(NAME.encode()).hexdigest()
        assert app.tables.query("SELECT pepper FROM lifecycle_pepper") == [(None,)]  # not kept in the store
    finally:
        app.close()
    monkeypatch.setenv("LIFECYCLE_PEPPER", "another one")
    assert "is not the pepper this store's consumer digests were made with" in cli(
        store_url, "erase", "--consumer", NAME, "--yes", code=2
    )
    monkeypatch.delenv("LIFECYCLE_PEPPER")
    assert "set it as it was" in cli(store_url, "erase", "--consumer", NAME, "--yes", code=2)


def test_a_reader_holding_the_sqlite_log_is_named(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/s.db"
    app = Lifecycle(url)
    file_many(app, 5)
    reader = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM stored_events").fetchone()  # a read snapshot the checkpoint must wait for
    try:
        result = CliRunner().invoke(main, ["erase", "--ref", "c-0", "--yes", "--db", url])
    finally:
        reader.execute("COMMIT")
        reader.close()
        app.close()
    assert result.exit_code == 0, result.output
    assert "another connection is reading" in result.stderr and "PRAGMA wal_checkpoint(TRUNCATE)" in result.stderr
