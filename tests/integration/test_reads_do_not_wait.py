"""Reads never wait behind a writer on SQLite: views already up to date are read without a write lock."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from lifecycle import Lifecycle

CLI = [sys.executable, "-c", "from lifecycle.cli import main; main()"]
READS = (["show", "R-1"], ["history", "R-1"], ["report", "--format", "json"], ["due"], ["audit", "--limit", "5"])


def test_reads_finish_while_another_process_holds_the_write_lock(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    app = Lifecycle(f"sqlite:///{db}")
    app.file("Acme", "Billing Issues", "2024-03-04", "R-1")
    app.respond("R-1", "2024-03-05", "Refunded")
    app.catch_up()
    app.close()
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a writer mid-transaction (SQLite would make a locked reader wait 30 s)
    try:
        for args in READS:
            done = subprocess.run([*CLI, *args, "--db", str(db)], capture_output=True, text=True, timeout=20)
            assert done.returncode == 0, (args, done.stderr)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
