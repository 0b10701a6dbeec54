"""kill -9 during writes, on SQLite and PostgreSQL: `verify` right after the crash never reports tampering."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lifecycle import Lifecycle

DATA = Path(__file__).parents[1] / "data" / "cfpb"
SCENARIOS = Path(__file__).parents[2] / "scenarios"
CLI = [sys.executable, "-c", "from lifecycle.cli import main; main()"]
TRIALS = [  # (store, command, delay after the first event, in seconds); each command runs 1-3 s past its first event
    ("sqlite", ["import", "cfpb", str(DATA / "cfpb-2015-q1.csv")], 0.0),
    ("sqlite", ["import", "cfpb", str(DATA / "cfpb-2015-q1.csv")], 0.15),
    ("sqlite", ["import", "cfpb", str(DATA / "cfpb-2015-q1.csv")], 0.3),
    ("sqlite", ["import", "cfpb", str(DATA / "cfpb-2015-q1.csv")], 0.6),
    ("sqlite", ["replay", str(SCENARIOS)], 0.0),
    ("sqlite", ["replay", str(SCENARIOS)], 0.1),
    ("postgres", ["import", "cfpb", str(DATA / "cfpb-2015-q1.csv")], 0.0),
    ("postgres", ["import", "cfpb", str(DATA / "cfpb-2015-q1.csv")], 0.4),
    ("postgres", ["replay", str(SCENARIOS)], 0.0),
    ("postgres", ["replay", str(SCENARIOS)], 0.1),
]


def recorded(url: str) -> int:
    """How many events the store holds (0 before it exists)."""
    try:
        app = Lifecycle(url, create=False)
    except Exception:  # noqa: BLE001 - not created yet, or its tables half made by the killed process
        return 0
    try:
        return app.recorder.max_notification_id() or 0
    finally:
        app.close()


@pytest.mark.postgres
@pytest.mark.parametrize(("kind", "command", "delay"), TRIALS, ids=[f"{t[0]}-{t[1][0]}-{t[2]}" for t in TRIALS])
def test_verify_after_a_kill_reports_no_tampering(
    kind: str, command: list[str], delay: float, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = f"sqlite:///{tmp_path}/crash.db" if kind == "sqlite" else str(request.getfixturevalue("postgres_url"))
    process = subprocess.Popen([*CLI, *command, "--db", url], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None and recorded(url) == 0:
        time.sleep(0.01)
    time.sleep(delay)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the kill must land before the command ends"
    assert recorded(url) > 0
    verify = subprocess.run([*CLI, "verify", "--db", url], capture_output=True, text=True, check=False)
    assert verify.returncode == 0, verify.stderr
    assert "the store is intact" in verify.stdout
