"""`lifecycle whatif`: totals and changed complaints as text, JSON and CSV; bad input is one line and exit 2."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lifecycle import Lifecycle
from lifecycle.cli import main


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def store(tmp_path: Path) -> str:
    """Three cfpb complaints sent 2024-03-01 and answered on days 8, 12 and 13, and one bbb complaint."""
    db = tmp_path / "store.db"
    app = Lifecycle(str(db))
    for reference, answered in (("day-8", "2024-03-09"), ("day-12", "2024-03-13"), ("day-13", "2024-03-14")):
        app.file("Example Bank", "Mortgage", "2024-03-01", reference=reference, profile="cfpb")
        app.record(reference, "sent", "2024-03-01")
        app.record(reference, "closed_with_explanation", answered)
    app.file("Example Retail", "Product Issues", "2024-03-04", reference="bbb-1")
    app.close()
    return str(db)


def test_text_prints_the_totals_then_a_line_per_changed_complaint(store: str) -> None:
    result = run("whatif", "--db", store, "--profile", "cfpb:response=10")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "what if every complaint ran under cfpb:response=10"
    totals = dict(line.split(":") for line in lines[1:8])
    assert {k: int(v) for k, v in totals.items()} == {
        "complaints compared": 3,
        "changed outcome": 0,
        "became late": 2,
        "became timely": 0,
        "undetermined": 0,
        "refused": 0,
        "skipped": 1,
    }
    assert lines[8] == "changed complaints: 2 (2 listed)"
    assert lines[9] == (
        "day-12  outcome Closed with explanation -> Closed with explanation; response timely -> late; "
        "lapses 0 -> 1; days late 0 -> 2"
    )
    assert lines[10].startswith("day-13  ") and lines[10].endswith("days late 0 -> 3") and len(lines) == 11
    assert "re-ran 3 complaints" in result.stderr
    limited = run("whatif", "--db", store, "--profile", "cfpb:response=10", "--limit", "1").stdout.splitlines()
    assert limited[8] == "changed complaints: 2 (1 listed)" and len(limited) == 10


def test_json_has_the_totals_and_each_changed_complaint_before_and_after(store: str) -> None:
    result = run("whatif", "--db", store, "--profile", "cfpb:response=10", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["profile"] == "cfpb:response=10" and document["as_of"] is None
    assert document["totals"]["became_late"] == 2 and document["totals"]["skipped"] == 1
    assert document["listed"] == 2
    first = document["complaints"][0]
    assert first["reference"] == "day-12" and first["refused"] is None
    assert first["before"] == {
        "status": "Closed with explanation",
        "timely": True,
        "timeliness": "timely",
        "lapses": 0,
        "days_late": 0,
    }
    assert first["after"] == {
        "status": "Closed with explanation",
        "timely": False,
        "timeliness": "late",
        "lapses": 1,
        "days_late": 2,
    }


def test_csv_has_a_row_per_changed_complaint(store: str) -> None:
    result = run("whatif", "--db", store, "--profile", "cfpb:response=10", "--csv", "--limit", "0")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["reference"] for r in rows] == ["day-12", "day-13"]
    assert rows[0] == {
        "reference": "day-12",
        "business": "Example Bank",
        "profile": "cfpb",
        "status_before": "Closed with explanation",
        "status_after": "Closed with explanation",
        "timely_before": "timely",
        "timely_after": "late",
        "lapses_before": "0",
        "lapses_after": "1",
        "days_late_before": "0",
        "days_late_after": "2",
        "refused": "",
    }


def test_as_of_runs_both_clocks(store: str) -> None:
    result = run("whatif", "--db", store, "--profile", "bbb:forwarding=1", "--as-of", "2024-03-06", "--json")
    document = json.loads(result.stdout)
    assert (document["as_of"], document["zone"]) == ("2024-03-07T04:59:59.999999Z", "America/New_York")
    [complaint] = document["complaints"]  # filed on a Monday: 1 business day ended on the 5th, 2 end on the 6th
    assert complaint["before"]["lapses"] == 0 and complaint["after"]["lapses"] == 1


def test_the_store_is_not_written(store: str) -> None:
    before = Path(store).read_bytes()
    assert run("whatif", "--db", store, "--profile", "cfpb:response=10").exit_code == 0
    assert Path(store).read_bytes() == before


def one_line_error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.stdout == ""
    [line] = result.stderr.splitlines()
    return line


def test_an_unknown_profile_is_one_line_and_exit_2(store: str) -> None:
    line = one_line_error(run("whatif", "--db", store, "--profile", "nosuch"))
    assert line.startswith("error: unknown profile 'nosuch'")
    assert one_line_error(run("whatif", "--db", store, "--profile", "cfpb:nosuch=3")).startswith("error: profile")


def test_a_missing_store_is_refused_and_not_created(tmp_path: Path) -> None:
    db = tmp_path / "missing.db"
    line = one_line_error(run("whatif", "--db", str(db), "--profile", "cfpb"))
    assert line == f"error: no store at {db} (only commands that record create one)" and not db.exists()


def test_bad_dates_and_both_formats_are_refused(store: str) -> None:
    assert "not an ISO 8601" in one_line_error(run("whatif", "--db", store, "--profile", "cfpb", "--as-of", "soon"))
    both = one_line_error(run("whatif", "--db", store, "--profile", "cfpb", "--json", "--csv"))
    assert both == "error: --json and --csv cannot go together: choose one"
