"""A read-only store: show, history, report and verify answer as on the writable store, with no DDL and no write;
a command that records is refused in one line (exit 2); a view behind the log is said to be, once."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner, Result

from lifecycle.cli import main
from lifecycle.stores.database import resolve

ROOT = Path(__file__).parents[2]
BUILD = [
    ["file", "--business", "Acme Retail", "--type", "Billing Issues", "--at", "2024-03-04", "--ref", "A-1"],
    ["file", "--business", "Slow Movers", "--type", "Mortgage", "--at", "2024-03-04", "--profile", "cfpb"],
    ["record", "A-1", "responded", "--at", "2024-03-08"],
    ["file", "--business", "Acme Retail", "--type", "Billing Issues", "--at", "2024-03-05", "--consumer", "Jo"],
    ["advance", "--to", "2024-06-01"],
    ["due", "--until", "2024-06-01"],  # every view caught up
]
READS = [
    ["show", "A-1"],
    ["show", "C-000001", "--json"],
    ["history", "A-1"],
    ["history", "C-000002", "--json"],
    ["history", "A-1", "--as-of", "2024-03-06"],
    ["report", "--as-of", "2024-06-01"],
    ["report", "--as-of", "2024-06-01", "--format", "json"],
    ["verify"],
    ["verify", "--json"],
]
WRITES = [
    ["file", "--business", "B", "--type", "Billing Issues", "--at", "2024-06-02"],
    ["record", "C-000002", "responded", "--at", "2024-06-02"],
    ["advance", "--to", "2024-09-01"],
    ["erase", "--consumer", "Jo", "--yes"],
    ["rebuild", "--view", "report"],
    ["import", "cfpb", str(ROOT / "tests/data/cfpb/cfpb-2014-12.csv")],
]


def run(db: str, args: list[str], **env: str) -> Result:
    return CliRunner(env=env or None).invoke(main, [*args, "--db", db])


def build(db: str) -> dict[str, str]:
    """The store's complaints, and what every read says on it while it is writable."""
    for args in BUILD:
        assert run(db, args).exit_code == 0
    return {" ".join(args): run(db, args).stdout for args in READS}


def digest(folder: Path) -> dict[str, str]:
    """Every file of the folder, by content."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def folder() -> Iterator[Path]:
    """A folder anyone can read (the non-root reader needs to), removed afterwards."""
    made = Path(tempfile.mkdtemp(prefix="lifecycle-ro-"))
    made.chmod(0o755)
    yield made
    made.chmod(0o755)
    for path in made.iterdir():
        subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=False)
        path.chmod(0o644)
    shutil.rmtree(made)


@pytest.mark.parametrize("how", ["mode=ro in the URL", "LIFECYCLE_READ_ONLY=1", "chattr +i"])
def test_reads_on_a_read_only_sqlite_store_equal_the_writable_ones_and_writes_are_refused(
    how: str, folder: Path
) -> None:
    db = str(folder / "s.db")
    writable = build(db)
    url, env = db, {}
    if how == "mode=ro in the URL":
        url = f"{db}?mode=ro"
    elif how == "LIFECYCLE_READ_ONLY=1":
        env = {"LIFECYCLE_READ_ONLY": "1"}
    elif subprocess.run(["chattr", "+i", db], capture_output=True, check=False).returncode != 0:
        pytest.skip("chattr +i is not available on this file system")
    before = digest(folder)
    for args in READS:
        result = run(url, args, **env)
        assert (result.exit_code, result.stdout, result.stderr) == (0, writable[" ".join(args)], ""), args
    for args in WRITES:
        result = run(url, args, **env)
        assert result.exit_code == 2 and "Traceback" not in result.output, (args, result.output)
        assert result.stderr.startswith(f"error: the store {db} is read-only ("), (args, result.stderr)
        assert result.stderr.endswith("): nothing recorded\n") and len(result.stderr.splitlines()) == 1
    after = digest(folder)
    assert after[Path(db).name] == before[Path(db).name]  # the store itself is byte for byte the same


def test_a_store_the_user_cannot_write_opens_read_only_as_a_non_root_user(folder: Path) -> None:
    db = str(folder / "s.db")
    writable = build(db)
    (folder / "s.db").chmod(0o444)
    folder.chmod(0o555)
    before = digest(folder)
    as_user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
    command = [*as_user, str(Path(sys.executable).parent / "lifecycle")]
    env = {**os.environ, "LIFECYCLE_USER": "reader"}
    for args in READS:
        done = subprocess.run([*command, *args, "--db", db], capture_output=True, text=True, env=env, check=False)
        assert (done.returncode, done.stdout, done.stderr) == (0, writable[" ".join(args)], ""), args
    done = subprocess.run([*command, *WRITES[1], "--db", db], capture_output=True, text=True, env=env, check=False)
    assert (done.returncode, done.stderr) == (2, f"error: the store {db} is read-only ({db} is not writable): "
                                                  "nothing recorded\n")  # fmt: skip
    assert digest(folder) == before


def test_a_view_behind_the_log_answers_as_it_is_and_says_so_once(folder: Path) -> None:
    db = str(folder / "s.db")
    build(db)
    assert run(db, ["record", "A-1", "accepted", "--at", "2024-06-02"]).exit_code == 0  # the report view lags
    result = run(f"{db}?mode=ro", ["report", "--as-of", "2024-06-03", "--format", "json"])
    assert result.exit_code == 0
    assert result.stderr == (
        "warning: the store is read-only and its report view has taken in 9 of 10 recorded events: it answers as "
        "of then (a command that records, on a writable store, brings it up to date)\n"
    )
    assert (
        run(f"{db}?mode=ro", ["verify"]).stdout
        == "10 links verified up to position 10 (chain not keyed); the store is intact\n"
    )
    caught_up = run(db, ["report", "--as-of", "2024-06-03", "--format", "json"])  # writable: catches up
    assert caught_up.stderr == "" and caught_up.stdout != result.stdout


@pytest.fixture
def reader_role(postgres_url: str) -> Iterator[tuple[str, str]]:
    """A role that may only read the store's schema: (its name, the URL of the store as that role)."""
    database, role = resolve(postgres_url), f"ro_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(database.conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
    yield role, postgres_url.replace("postgres@", f"{role}@", 1)
    with psycopg.connect(database.conninfo, autocommit=True) as conn:
        conn.execute(f'DROP OWNED BY "{role}"')
        conn.execute(f'DROP ROLE "{role}"')


@pytest.mark.parametrize("how", ["SELECT only", "default_transaction_read_only"])
def test_a_read_only_postgres_role_reads_as_the_writer_and_records_nothing(
    how: str, postgres_url: str, reader_role: tuple[str, str]
) -> None:
    writable = build(postgres_url)
    role, url = reader_role
    database = resolve(postgres_url)
    with psycopg.connect(database.conninfo, autocommit=True) as conn:
        conn.execute(f'GRANT USAGE ON SCHEMA "{database.schema}" TO "{role}"')
        if how == "SELECT only":
            conn.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{database.schema}" TO "{role}"')
        else:
            conn.execute(f'GRANT ALL ON ALL TABLES IN SCHEMA "{database.schema}" TO "{role}"')
            conn.execute(f'ALTER ROLE "{role}" SET default_transaction_read_only = on')
        count = conn.execute(f'SELECT count(*) FROM "{database.schema}".lifecycle_events').fetchone()
    for args in READS:
        result = run(url, args)
        assert (result.exit_code, result.stdout, result.stderr) == (0, writable[" ".join(args)], ""), args
    result = run(url, WRITES[1])
    why = "this role cannot insert into its events" if how == "SELECT only" else "default_transaction_read_only is on"
    assert result.exit_code == 2 and result.stderr.endswith(f"is read-only ({why}): nothing recorded\n")
    with psycopg.connect(database.conninfo, autocommit=True) as conn:
        assert conn.execute(f'SELECT count(*) FROM "{database.schema}".lifecycle_events').fetchone() == count
