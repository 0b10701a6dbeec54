"""`lifecycle import cfpb` from the command line: bad rows, files that are not exports, later exports."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from lifecycle import Lifecycle
from lifecycle.cli import main

HEADER = (
    "Complaint ID,Product,Sub-product,Issue,Sub-issue,State,ZIP code,Submitted via,Date received,"
    "Date sent to company,Company,Company response,Timely response?,Consumer disputed?\n"
)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def export(tmp_path: Path, name: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def test_bad_rows_are_named_and_counted_and_the_rest_imports(tmp_path: Path) -> None:
    path = export(
        tmp_path,
        "e.csv",
        "1,Mortgage,,Servicing,,NY,10001,Web,11/3/2014,11/3/2014,Bank A,Closed with explanation,Yes,",
        "2,Mortgage,,Servicing,,NY,10001,Web,11/3/2014,11/3/2014,Bank A,Closed,Yes",
        "3,Mortgage,,Servicing,,NY,10001,Web,13/3/2014,11/3/2014,Bank A,Closed,Yes,",
        "4,Mortgage,,Servicing,,NY,10001,Web,11/3/2014,11/3/2014,Bank A,Maybe later,Yes,",
        "5,Mortgage,,Servicing,,NY,10001,Web,11/3/2014,11/3/2014,Bank A,Untimely response,Yes,",
        "6,Mortgage,,Servicing,,NY,10001,Web,11/3/2014,11/3/2014,Bank A,In progress,Yes,Yes",
        "7,Mortgage,,Servicing,,NY,10001,Web,11/3/2014,11/3/2014,Bank A,Closed,Maybe,",
    )
    db = str(tmp_path / "s.db")
    result = run("import", "cfpb", str(path), "--db", db, "--json")
    assert result.exit_code == 1 and "Traceback" not in result.output
    summary = json.loads(result.stdout)
    assert (summary["rows"], summary["filed"], summary["bad_rows"]) == (7, 1, 6)
    lines = [line for line in result.stderr.splitlines() if line.startswith(str(path))]
    assert [line.split(":")[1] for line in lines] == ["3", "4", "5", "6", "7", "8"]
    assert "13 fields where the header has 14" in lines[0] and "not a date" in lines[1]
    assert "unknown company response 'Maybe later'" in lines[2] and "contradicts itself" in lines[3]
    assert "no response to dispute" not in lines[4] and "'disputed' is not allowed" in lines[4]
    assert "'Timely response?' is 'Maybe'" in lines[5]
    app = Lifecycle(db)
    assert app.references() == ["CFPB-1"]
    app.close()


def test_a_file_that_is_not_an_export_records_nothing(tmp_path: Path) -> None:
    good = export(tmp_path, "good.csv", "1,Mortgage,,I,,NY,1,Web,11/3/2014,11/3/2014,Bank A,Closed,Yes,")
    other = tmp_path / "other.csv"
    other.write_text("name,amount\nx,1\n", encoding="utf-8")
    db = tmp_path / "s.db"
    result = run("import", "cfpb", str(good), str(other), "--db", str(db))
    assert result.exit_code == 2 and result.stderr.startswith(f"error: {other}:1: not a CFPB export")
    assert "Traceback" not in result.output and not db.exists()
    missing = run("import", "cfpb", str(tmp_path / "nope.csv"), "--db", str(db))
    assert missing.exit_code == 2 and "no such file" in missing.stderr


def test_a_later_export_adds_what_happened_since_and_refuses_a_contradiction(tmp_path: Path) -> None:
    first = export(tmp_path, "first.csv", "9,Mortgage,,I,,NY,1,Web,11/3/2014,11/4/2014,Bank A,In progress,Yes,")
    later = export(tmp_path, "later.csv", "9,Mortgage,,I,,NY,1,Web,11/3/2014,11/4/2014,Bank A,Closed,Yes,Yes")
    clash = export(
        tmp_path, "clash.csv", "9,Mortgage,,I,,NY,1,Web,11/3/2014,11/4/2014,Bank A,Closed with monetary relief,Yes,"
    )
    db = str(tmp_path / "s.db")
    assert run("import", "cfpb", str(first), "--db", db).exit_code == 0
    updated = run("import", "cfpb", str(later), "--db", db, "--json")
    assert updated.exit_code == 0 and json.loads(updated.stdout)["updated"] == 1
    history = json.loads(run("history", "CFPB-9", "--db", db, "--json").stdout)
    assert [e["event"] for e in history["events"]] == ["filed", "sent", "in_progress", "closed", "disputed"]
    assert history["status"] == "Answered" and history["events"][2]["timely"] is True
    refused = run("import", "cfpb", str(clash), "--db", db)
    assert refused.exit_code == 1 and f"{clash}:2: does not follow from what is recorded" in refused.stderr
    assert run("import", "cfpb", str(later), "--db", db, "--json").stdout.count('"events": 0') == 1
