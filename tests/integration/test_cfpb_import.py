"""`import cfpb` on the real exports: counts equal a plain csv recount; re-import and kill -9 change nothing."""

from __future__ import annotations

import csv
import gzip
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest

from lifecycle import Lifecycle
from lifecycle.cli.render.report import as_json
from lifecycle.importers.cfpb.importer import Importer
from lifecycle.importers.cfpb.mapping import NO_COMPANY

DATA = Path(__file__).parents[1] / "data" / "cfpb"  # a copy of ../shared/data/cfpb (see its PROVENANCE.md)
FILES = sorted(DATA.glob("*.csv"))


def _day(text: str) -> date:
    """An independent reading of the three date layouts."""
    if "-" in text:
        return date.fromisoformat(text)
    a, b, c = (int(x) for x in text.split("/"))
    return date(a, b, c) if a > 31 else date(c, a, b)


def recount(paths: list[Path]) -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]:
    """Per company: rows by response and by timely flag, straight from the CSV module.

    Left out, as the import refuses them: rows with the wrong number of fields, rows sent before they
    were received, and 'Untimely response' rows marked timely."""
    responses: Counter[tuple[str, str]] = Counter()
    timely: Counter[tuple[str, str]] = Counter()
    for path in paths:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = csv.reader(handle)
            header = next(rows)
            for row in rows:
                if len(row) != len(header):
                    continue
                record = dict(zip(header, row, strict=True))
                response = record.get("Company response") or record.get("Company response to consumer") or ""
                if _day(record["Date sent to company"]) < _day(record["Date received"]):
                    continue
                if response == "Untimely response" and record["Timely response?"] == "Yes":
                    continue
                company = record.get("Company") or NO_COMPANY
                responses[company, response] += 1
                timely[company, record["Timely response?"]] += 1
    return responses, timely


def reported(app: Lifecycle) -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]:
    report = app.report(years=None)
    responses: Counter[tuple[str, str]] = Counter()
    timely: Counter[tuple[str, str]] = Counter()
    for figures in report.businesses:
        assert figures.business is not None
        for state, count in figures.by_state.items():
            responses[figures.business, state] += count
        for flag, count in figures.timely_counts.items():
            if count:
                timely[figures.business, flag] += count
    return responses, timely


def events(path: Path) -> list[tuple[Any, ...]]:
    """Every stored event in log order, without the time it was recorded."""
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid"
        ).fetchall()
    out = []
    for rowid, originator_id, version, topic, state in rows:
        data = orjson.loads(state)
        data.pop("timestamp")
        out.append((rowid, originator_id, version, topic, data))
    return out


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Lifecycle, Path]]:
    path = tmp_path_factory.mktemp("cfpb") / "cfpb.db"
    app = Lifecycle(str(path))
    result = Importer(app).run(FILES)
    assert result.rows == 57_848 and result.filed + len(result.bad) == result.rows
    yield app, path
    app.close()


def test_all_five_layouts_import_and_count_as_an_independent_recount(imported: tuple[Lifecycle, Path]) -> None:
    app, _ = imported
    assert len(FILES) == 5
    expected_responses, expected_timely = recount(FILES)
    responses, timely = reported(app)
    assert responses == expected_responses
    assert timely == expected_timely
    assert sum(expected_responses.values()) == 57_840


def test_a_second_import_records_nothing(imported: tuple[Lifecycle, Path]) -> None:
    app, path = imported
    before = app.recorder.max_notification_id()
    again = Importer(app).run(FILES)
    assert again.events == 0 and again.filed == 0 and again.unchanged == 57_840
    assert app.recorder.max_notification_id() == before


def test_the_bad_rows_are_named_by_file_and_line(imported: tuple[Lifecycle, Path]) -> None:
    app, _ = imported
    again = Importer(app).run(FILES)
    named = {(Path(b.path).name, b.line) for b in again.bad}
    assert ("cfpb-2014-10-11.csv", 8341) in named  # 13 fields where the header has 14
    assert ("cfpb-2015-q1.csv", 17215) in named  # 'Untimely response' marked timely
    assert sum(Path(b.path).name == "cfpb-2013-2017.csv" for b in again.bad) == 6  # sent before received
    assert all("sent to the company" in b.reason for b in again.bad if b.path.endswith("2013-2017.csv"))


def test_imported_history_says_what_is_known_and_no_more(imported: tuple[Lifecycle, Path]) -> None:
    app, _ = imported
    steps = app.history("CFPB-1114245")  # Closed with explanation, timely, received and sent 11/13/2014
    assert [(s.event, s.timing) for s in steps] == [
        ("filed", "day"),
        ("sent", "day"),
        ("closed_with_explanation", "by"),
    ]
    assert steps[2].facts["timely"] is True and str(steps[2].at) == "2014-11-28 23:59:59.999999-05:00"
    assert (
        steps[0].facts["business"] == "Choice Recovery, Inc." and steps[0].facts["complaint_type"] == "Debt collection"
    )
    assert app.summary("CFPB-1114245").status == "Answered"


def test_a_killed_import_resumed_equals_one_clean_run(tmp_path: Path) -> None:
    source = DATA / "cfpb-2015-q1.csv"
    clean, killed = tmp_path / "clean.db", tmp_path / "killed.db"
    command = [sys.executable, "-c", "from lifecycle.cli import main; main()", "import", "cfpb", str(source), "--db"]
    assert subprocess.run([*command, str(clean)], capture_output=True, check=False).returncode == 1  # one bad row
    process = subprocess.Popen([*command, str(killed)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if killed.exists() and _count(killed) > 0:
            break
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    partial = _count(killed)
    assert 0 < partial < _count(clean), "the kill must land in the middle of the import"
    assert subprocess.run([*command, str(killed)], capture_output=True, check=False).returncode == 1
    assert [e[1:] for e in events(killed)] == [e[1:] for e in events(clean)]
    apps = Lifecycle(str(clean)), Lifecycle(str(killed))
    reports = [app.report(as_of="2026-01-01", years=None).as_dict() for app in apps]
    assert reports[0] == reports[1]
    assert [app.verify()[1] for app in apps] == [None, None]
    for app in apps:
        app.close()


def _count(path: Path) -> int:
    try:
        with sqlite3.connect(path, timeout=5) as db:
            return int(db.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0])
    except sqlite3.OperationalError:  # the table is not created yet
        return 0


def test_import_on_postgresql_counts_the_same_and_is_idempotent(postgres_url: str) -> None:
    path = DATA / "cfpb-2013-2017.csv"
    app = Lifecycle(postgres_url)
    try:
        first = Importer(app).run([path])
        assert first.filed == 3_180 and len(first.bad) == 6
        assert reported(app) == recount([path])
        again = Importer(app).run([path])
        assert again.events == 0 and again.unchanged == 3_180
    finally:
        app.close()


GOLDEN = Path(__file__).parents[1] / "data" / "golden"


@pytest.mark.parametrize(
    ("as_of", "years", "name"),
    [("2026-01-01", None, "report-all-2026-01-01"), ("2016-06-30", 3, "report-3y-2016-06-30")],
)
def test_the_report_json_is_byte_identical_to_the_one_recorded_before_the_refactor(
    imported: tuple[Lifecycle, Path], as_of: str, years: int | None, name: str, tmp_path: Path
) -> None:
    """`lifecycle report --format json` of the five exports, as written by commit 8b76a73 (before the layers)."""
    app, _ = imported
    actual = as_json(app.report(as_of=as_of, years=years))
    expected = gzip.decompress((GOLDEN / f"{name}.json.gz").read_bytes()).decode()
    if actual != expected:
        (tmp_path / f"{name}.json").write_text(actual, encoding="utf-8")
    assert actual == expected, f"report differs from {name}; the new one is in {tmp_path}"
