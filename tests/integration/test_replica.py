"""Issue 16, scale-out on PostgreSQL's own replication: a streaming replica of the local server, made with the
Debian server's binaries (`pg_basebackup -R`, `pg_ctl` on another port), serves `report`, `history`, `audit`
and `due` exactly as the primary does, while the primary alone takes writes: a command that records is refused
on the replica in one line (exit 2, nothing recorded anywhere), and what the primary records later is read there
once replayed. Views the primary has not caught up are read on the replica as they are, with one warning.

The primary must accept replication connections from 127.0.0.1 (Debian's pg_hba.conf does; `.ci/run` adds the
line to one that does not). The replica lives in a temporary folder owned by the `postgres` user (the server
refuses to run as root) and is stopped and removed after the module, also when a test fails."""

from __future__ import annotations

import csv
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from click.testing import CliRunner, Result

from lifecycle.cli import main
from tests.conftest import POSTGRES

pytestmark = pytest.mark.postgres

CFPB = Path(__file__).parents[1] / "data" / "cfpb" / "cfpb-2013-2017.csv"
AS_OF = "2024-06-01"
SETUP = [
    ["file", "--business", "Acme Retail", "--type", "Billing Issues", "--at", "2024-03-04", "--ref", "A-1"],
    ["file", "--business", "Slow Movers", "--type", "Mortgage", "--at", "2024-03-04", "--profile", "cfpb"],
    ["record", "A-1", "responded", "--at", "2024-03-08"],
    ["file", "--business", "Acme Retail", "--type", "Billing Issues", "--at", "2024-05-20", "--consumer", "Jo"],
    ["advance", "--to", AS_OF],
]
READS = [
    ["report", "--as-of", AS_OF, "--json"],
    ["report", "--as-of", AS_OF, "--business", "acme retail"],
    ["history", "A-1", "--json"],
    ["history", "C-000002"],
    ["history", "A-1", "--as-of", "2024-03-06", "--json"],
    ["audit", "--json", "--limit", "1000"],
    ["audit", "--business", "Acme Retail"],
    ["due", "--until", AS_OF, "--json"],
    ["due", "--until", "2024-12-31"],
    ["show", "C-000002", "--json"],
    ["verify", "--json"],
]
RECORDING = [
    ["file", "--business", "Acme Retail", "--type", "Billing Issues", "--at", "2024-06-02"],
    ["record", "C-000002", "responded", "--at", "2024-06-02"],
    ["advance", "--to", "2024-09-01"],
]
REFUSED = "is read-only (a standby server): nothing recorded\n"
WAIT = 120.0
"""Seconds to wait for the replica to start or to replay: a bound for a failure to be reported, not a measure."""


@dataclass(frozen=True)
class Replica:
    """A running standby of the primary: its data folder, port and log."""

    folder: Path
    port: int

    @property
    def log(self) -> str:
        path = self.folder / "log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else "(no log)"

    def url(self, primary: str) -> str:
        """The same store (database and schema) on the replica."""
        parts = urlsplit(primary)
        user, at, _ = parts.netloc.rpartition("@")
        return urlunsplit(parts._replace(netloc=f"{user}{at}{parts.hostname}:{self.port}"))


def as_server_user(command: list[str]) -> list[str]:
    """The command run as the `postgres` user when the tests run as root (the server refuses root)."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def primary_settings() -> tuple[Path, dict[str, str]]:
    """The primary's server binaries (its major version's), and the settings a standby may not have lower."""
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT name, setting FROM pg_settings WHERE name IN ('server_version_num', 'wal_level', "
            "'max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions', "
            "'max_locks_per_transaction')"
        ).fetchall()
    settings: dict[str, str] = dict(rows)
    binaries = Path(f"/usr/lib/postgresql/{int(settings.pop('server_version_num')) // 10000}/bin")
    if settings.pop("wal_level") == "minimal":
        pytest.fail("the primary has wal_level = minimal: no replica can stream from it")
    if not (binaries / "pg_ctl").exists():
        pytest.fail(f"no server binaries at {binaries}: install Debian's postgresql package of the primary's version")
    return binaries, settings


def start(folder: Path) -> Replica:
    """Copy the primary with pg_basebackup -R and start the copy as a hot standby on a free port."""
    binaries, settings = primary_settings()
    data, replica = folder / "data", Replica(folder, free_port())
    backup = as_server_user([str(binaries / "pg_basebackup"), "-d", POSTGRES, "-D", str(data), "-R"])
    done = subprocess.run([*backup, "-X", "stream", "-c", "fast", "-N"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"pg_basebackup from the primary failed (does pg_hba.conf allow replication from 127.0.0.1? "
                    f".ci/run adds the line): {done.stderr.strip()}")  # fmt: skip
    (data / "postgresql.conf").write_text("hot_standby = on\n")  # Debian keeps the primary's in /etc
    (data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        for path in (data / "postgresql.conf", data / "pg_hba.conf"):
            os.chown(path, user.pw_uid, user.pw_gid)
    options = {**settings, "port": str(replica.port), "listen_addresses": "127.0.0.1", "fsync": "off"}
    options |= {"unix_socket_directories": str(folder), "shared_buffers": "32MB"}
    server = " ".join(f"-c {name}={value}" for name, value in options.items())
    pg_ctl = [str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-t", str(int(WAIT))]
    done = subprocess.run([*as_server_user(pg_ctl), "-o", server, "start"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"the replica did not start: {done.stdout}{done.stderr}\n{replica.log}")
    return replica


def stop(replica: Replica, binaries: Path) -> None:
    pg_ctl = [str(binaries / "pg_ctl"), "-D", str(replica.folder / "data"), "-m", "immediate", "stop"]
    subprocess.run(as_server_user(pg_ctl), capture_output=True, check=False)


@pytest.fixture(scope="module")
def replica() -> Iterator[Replica]:
    """A hot standby of the local server on a free port, stopped and removed afterwards (also on failure)."""
    binaries = primary_settings()[0]
    folder = Path(tempfile.mkdtemp(prefix="lifecycle-replica-"))
    made = Replica(folder, 0)
    try:
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(folder, user.pw_uid, user.pw_gid)
        made = start(folder)
        deadline = time.monotonic() + WAIT
        while not standby(made):
            if time.monotonic() > deadline:
                pytest.fail(f"the replica on port {made.port} never answered as a standby:\n{made.log}")
            time.sleep(0.1)
        yield made
    finally:
        stop(made, binaries)
        shutil.rmtree(folder, ignore_errors=True)


def standby(replica: Replica) -> bool:
    """Whether the replica accepts connections and says it is in recovery."""
    try:
        with psycopg.connect(replica.url(POSTGRES), autocommit=True, connect_timeout=5) as conn:
            return conn.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
    except psycopg.OperationalError:
        return False


def replay(replica: Replica) -> None:
    """Wait until the replica has replayed everything the primary has written so far. The insert position, not
    pg_current_wal_lsn(): views commit with synchronous_commit off, so their last commit may still be in the
    primary's WAL buffers (its WAL writer sends it on within a moment)."""
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        (lsn,) = conn.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone() or ("",)
    deadline = time.monotonic() + WAIT
    with psycopg.connect(replica.url(POSTGRES), autocommit=True) as conn:
        while conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (lsn,)).fetchone() != (True,):
            if time.monotonic() > deadline:
                pytest.fail(f"the replica did not replay up to {lsn}:\n{replica.log}")
            time.sleep(0.05)


def run(db: str, args: list[str]) -> Result:
    return CliRunner(env={"LIFECYCLE_USER": "desk"}).invoke(main, [*args, "--db", db])


def recorded_on(db: str, args: list[str]) -> None:
    result = run(db, args)
    assert result.exit_code == 0, (args, result.output)


def ok(db: str, args: list[str]) -> tuple[str, str]:
    """What a read prints on stdout and on stderr (a count, never a warning)."""
    result = run(db, args)
    assert result.exit_code == 0 and "warning" not in result.stderr, (args, result.output)
    return re.sub(r'^  "now": "[^"]*",$', "", result.stdout, count=1, flags=re.M), result.stderr


def answers(db: str) -> dict[str, tuple[str, str]]:
    """What every read prints (the moment `due --json` was asked left out)."""
    return {" ".join(args): ok(db, args) for args in READS}


def events(url: str) -> int:
    """How many events the store holds (counted on the server the URL names)."""
    schema = url.rsplit("schema=", 1)[1]
    with psycopg.connect(url.split("?", 1)[0], autocommit=True) as conn:
        row = conn.execute(f'SELECT count(*) FROM "{schema}".lifecycle_events').fetchone()
    return int(row[0]) if row else -1


def small_export(folder: Path, rows: int = 25) -> Path:
    """The first rows of a published CFPB export (whole records, narratives with line breaks kept)."""
    with CFPB.open(newline="", encoding="utf-8") as source, (folder / "few.csv").open("w", newline="") as out:
        reader, writer = csv.reader(source), csv.writer(out)
        for n, record in enumerate(reader):
            if n > rows:
                break
            writer.writerow(record)
    return folder / "few.csv"


def test_the_replica_answers_as_the_primary_refuses_to_record_and_follows_later_writes(
    replica: Replica, postgres_url: str, tmp_path: Path
) -> None:
    standby_url = replica.url(postgres_url)
    for args in [*SETUP, ["import", "cfpb", str(small_export(tmp_path))]]:
        recorded_on(postgres_url, args)
    before = answers(postgres_url)  # every read once on the primary: it catches its views up
    replay(replica)
    assert answers(standby_url) == answers(postgres_url) == before
    recorded = events(postgres_url)
    for args in RECORDING:
        result = run(standby_url, args)
        assert (result.exit_code, result.stdout) == (2, ""), (args, result.output)
        assert result.stderr.startswith("error: the store postgresql://") and result.stderr.endswith(REFUSED), args
        assert len(result.stderr.splitlines()) == 1, result.stderr
    assert events(postgres_url) == events(standby_url) == recorded  # nothing recorded, on either server
    for args in RECORDING:
        recorded_on(postgres_url, args)  # the same commands on the primary record
    later = answers(postgres_url)
    assert later != before
    replay(replica)
    assert events(standby_url) == events(postgres_url) > recorded
    assert answers(standby_url) == answers(postgres_url) == later


def test_views_the_primary_has_not_caught_up_are_read_on_the_replica_as_they_are_with_one_warning(
    replica: Replica, postgres_url: str
) -> None:
    standby_url = replica.url(postgres_url)
    for args in SETUP:
        recorded_on(postgres_url, args)
    report = ["report", "--as-of", AS_OF, "--json"]
    caught_up = ok(postgres_url, report)
    recorded_on(postgres_url, ["record", "A-1", "accepted", "--at", "2024-05-02"])  # recorded; the report view lags
    recorded = events(postgres_url)
    replay(replica)
    result = run(standby_url, report)
    assert (result.exit_code, result.stdout) == (0, caught_up[0])  # as of the view's last catch-up
    assert result.stderr == (
        f"warning: the store is read-only and its report view has taken in {recorded - 1} of {recorded} recorded "
        "events: it answers as of then (a command that records, on a writable store, brings it up to date)\n"
    )
    assert ok(standby_url, ["history", "A-1"]) == ok(postgres_url, ["history", "A-1"])  # read from the events
    due = ["due", "--until", "2024-12-31", "--json"]
    ok(postgres_url, due)  # `due` on the primary takes every recorded event into every view ...
    replay(replica)
    assert ok(standby_url, report) == ok(postgres_url, report) != caught_up  # ... and the replica reads them
    assert ok(standby_url, due) == ok(postgres_url, due)  # without a warning (`ok` asserts it)
