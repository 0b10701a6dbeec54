"""`import cfpb` on the real exports: every row imported, counts equal a plain csv recount; re-import, advance
and kill -9 change nothing."""

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
from pathlib import Path
from typing import Any

import orjson
import pytest

from lifecycle import Lifecycle
from lifecycle.cli.render.report import as_json
from lifecycle.importers.cfpb.importer import Importer
from lifecycle.importers.cfpb.mapping import NO_COMPANY
from lifecycle.stores.compact import plain

DATA = Path(__file__).parents[1] / "data" / "cfpb"  # a copy of ../shared/data/cfpb (see its PROVENANCE.md)
FILES = sorted(DATA.glob("*.csv"))


def company(name: str) -> str:
    """A company as reports count it: case and runs of spaces aside (rows without one apart, as NO_COMPANY)."""
    return " ".join(name.split()).casefold() or NO_COMPANY


def recount(paths: list[Path]) -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]:
    """Per company: rows by response and by timely flag, straight from the CSV module.

    Every row counts: a short row's missing trailing columns read as empty, and an 'Untimely response'
    counts as not timely whatever its flag says (the import records it as the lapse and flags the row)."""
    responses: Counter[tuple[str, str]] = Counter()
    timely: Counter[tuple[str, str]] = Counter()
    for path in paths:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = csv.reader(handle)
            header = next(rows)
            for row in rows:
                record = dict(zip(header, row + [""] * (len(header) - len(row)), strict=True))
                response = record.get("Company response") or record.get("Company response to consumer") or ""
                name = company(record.get("Company", ""))
                responses[name, response] += 1
                timely[name, "No" if response == "Untimely response" else record["Timely response?"]] += 1
    return responses, timely


def reported(app: Lifecycle) -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]:
    report = app.report(years=None)
    responses: Counter[tuple[str, str]] = Counter()
    timely: Counter[tuple[str, str]] = Counter()
    sections = [(company(figures.business or ""), figures) for figures in report.businesses]
    if report.unattributed is not None:  # rows of layouts without a Company column
        sections.append((NO_COMPANY, report.unattributed))
    for name, figures in sections:
        for state, count in figures.by_state.items():
            responses[name, state] += count
        for flag, count in figures.timely_counts.items():
            if count:
                timely[name, flag] += count
    return responses, timely


def events(path: Path) -> list[tuple[Any, ...]]:
    """Every stored event in log order, without the time it was recorded."""
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid"
        ).fetchall()
    out = []
    for rowid, originator_id, version, topic, state in rows:
        data = orjson.loads(plain(state))
        data.pop("timestamp")
        out.append((rowid, originator_id, version, topic, data))
    return out


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Lifecycle, Path]]:
    path = tmp_path_factory.mktemp("cfpb") / "cfpb.db"
    app = Lifecycle(str(path))
    result = Importer(app).run(FILES)
    assert result.rows == result.filed == 57_848 and result.bad == [] and len(result.warnings) == 8
    yield app, path
    app.close()


def test_all_five_layouts_import_and_count_as_an_independent_recount(imported: tuple[Lifecycle, Path]) -> None:
    app, _ = imported
    assert len(FILES) == 5
    expected_responses, expected_timely = recount(FILES)
    responses, timely = reported(app)
    assert responses == expected_responses
    assert timely == expected_timely
    assert sum(expected_responses.values()) == 57_848


def test_a_second_import_records_nothing(imported: tuple[Lifecycle, Path]) -> None:
    app, path = imported
    before = app.recorder.max_notification_id()
    again = Importer(app).run(FILES)
    assert again.events == 0 and again.filed == 0 and again.unchanged == 57_848
    assert app.recorder.max_notification_id() == before


def test_the_rows_with_quirks_are_imported_flagged_and_named_by_file_and_line(imported: tuple[Lifecycle, Path]) -> None:
    app, _ = imported
    again = Importer(app).run(FILES)
    assert again.bad == []
    named = {(Path(w.path).name, w.line): w.reason for w in again.warnings}
    assert len(named) == 8
    assert "'Consumer disputed?' read as empty" in named["cfpb-2014-10-11.csv", 8341]  # 13 fields, header 14
    assert "'Untimely response' marked timely" in named["cfpb-2015-q1.csv", 17215]
    sent_early = [reason for (name, _), reason in named.items() if name == "cfpb-2013-2017.csv"]
    assert len(sent_early) == 6 and all("before it was received" in reason for reason in sent_early)
    short = app.history("CFPB-1066397")  # the short row: In progress, timely, its dispute column missing
    assert [s.event for s in short] == ["filed", "sent", "in_progress"]
    assert "read as empty" in short[0].facts["details"]["quirks"]
    untimely = app.history("CFPB-1214199")  # 'Untimely response' marked timely: the lapse, the contradiction flagged
    assert [s.event for s in untimely] == ["filed", "sent", "response_deadline_lapsed"]
    assert all("timely" not in s.facts for s in untimely) and app.status("CFPB-1214199") == "Untimely response"
    assert "marked timely" in untimely[0].facts["details"]["quirks"]


def test_imported_history_says_what_is_known_and_no_more(imported: tuple[Lifecycle, Path]) -> None:
    app, _ = imported
    steps = app.history("CFPB-1114245")  # Closed with explanation, timely, received and sent 11/13/2014
    assert [(s.event, s.timing) for s in steps] == [
        ("filed", "day"),
        ("sent", "day"),
        ("closed_with_explanation", "by"),
    ]
    # the window ends 2014-11-28, but the export (its newest day 2014-11-13) knew the response by its own day's end
    assert steps[2].facts["timely"] is True and str(steps[2].at) == "2014-11-13 23:59:59.999999-05:00"
    assert str(steps[0].facts["known_until"]) == "2014-11-13 23:59:59.999999-05:00"
    assert (
        steps[0].facts["business"] == "Choice Recovery, Inc." and steps[0].facts["complaint_type"] == "Debt collection"
    )
    assert app.summary("CFPB-1114245").status == "Closed with explanation"


def test_each_export_is_known_up_to_its_newest_day_and_the_clock_records_nothing_past_it(
    imported: tuple[Lifecycle, Path],
) -> None:
    app, _ = imported
    again = Importer(app).run(FILES)
    assert {Path(name).name: day for name, day in again.as_of.items()} == {
        "cfpb-2013-2017.csv": "2017-02-23",
        "cfpb-2014-10-11.csv": "2014-11-13",
        "cfpb-2014-12.csv": "2015-01-28",  # newest date 2015-01-26, but two late rows show a window lapsed on 01-28
        "cfpb-2015-q1.csv": "2015-03-19",
        "cfpb-sample-2015-2020.csv": "2020-03-20",
    }
    late = app.history("CFPB-1145925")  # Untimely, sent 2015-01-12: its window lapsed 2015-01-28
    assert [s.event for s in late][-1] == "response_deadline_lapsed" and str(late[-1].at)[:10] == "2015-01-28"
    open_one = app.summary("CFPB-1066397")  # In progress on 2014-11-13: its 60-day window lapses later
    assert open_one.state == "in_progress" and open_one.deadline is None
    before = app.recorder.max_notification_id()
    assert app.advance("2026-11-24") == 0  # nothing the exports contradict or could not know
    assert app.recorder.max_notification_id() == before


def test_a_killed_import_resumed_equals_one_clean_run(tmp_path: Path) -> None:
    source = DATA / "cfpb-2015-q1.csv"
    clean, killed = tmp_path / "clean.db", tmp_path / "killed.db"
    command = [sys.executable, "-c", "from lifecycle.cli import main; main()", "import", "cfpb", str(source), "--db"]
    assert subprocess.run([*command, str(clean)], capture_output=True, check=False).returncode == 0  # a warning
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
    assert subprocess.run([*command, str(killed)], capture_output=True, check=False).returncode == 0
    assert [e[1:] for e in events(killed)] == [e[1:] for e in events(clean)]
    apps = Lifecycle(str(clean)), Lifecycle(str(killed))
    reports = [app.report(as_of="2026-01-01", years=None).as_dict() for app in apps]
    assert reports[0] == reports[1]
    assert [app.verify().findings for app in apps] == [[], []]
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
        assert first.filed == 3_186 and first.bad == [] and len(first.warnings) == 6
        assert reported(app) == recount([path])
        again = Importer(app).run([path])
        assert again.events == 0 and again.unchanged == 3_186
    finally:
        app.close()


GOLDEN = Path(__file__).parents[1] / "data" / "golden"


@pytest.mark.parametrize(
    ("as_of", "years", "name"),
    [("2026-01-01", None, "report-all-2026-01-01"), ("2016-06-30", 3, "report-3y-2016-06-30")],
)
def test_the_report_json_is_byte_identical_to_the_one_recorded(
    imported: tuple[Lifecycle, Path], as_of: str, years: int | None, name: str, tmp_path: Path
) -> None:
    """`lifecycle report --format json` of the five exports, as recorded after issue 11 (each body's own
    vocabulary, companies folded by name, every published row imported); re-record only for an intended change."""
    app, _ = imported
    actual = as_json(app.report(as_of=as_of, years=years))
    expected = gzip.decompress((GOLDEN / f"{name}.json.gz").read_bytes()).decode()
    if actual != expected:
        (tmp_path / f"{name}.json").write_text(actual, encoding="utf-8")
    assert actual == expected, f"report differs from {name}; the new one is in {tmp_path}"
