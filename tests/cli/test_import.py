"""`lifecycle import cfpb` from the command line: bad rows, flagged rows, files that are not exports, as-of days,
later exports."""

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


def test_bad_rows_are_named_and_counted_flagged_rows_warned_and_the_rest_imports(tmp_path: Path) -> None:
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
        "8,Mortgage,,Servicing,,NY,10001,Web,11/3/2014,11/3/2014,Bank A,Closed",
        "9,Mortgage,,Servicing,,NY,10001,Web,11/3/2014,11/2/2014,Bank A,Closed,Yes,No",
    )
    db = str(tmp_path / "s.db")
    result = run("import", "cfpb", str(path), "--db", db, "--json")
    assert result.exit_code == 1 and "Traceback" not in result.output
    summary = json.loads(result.stdout)
    assert (summary["rows"], summary["filed"], summary["bad_rows"], summary["warned_rows"]) == (9, 5, 4, 4)
    lines = [line for line in result.stderr.splitlines() if line.startswith(str(path))]
    assert [line.split(":")[1] for line in lines] == ["3", "4", "5", "6", "7", "8", "9", "10"]
    assert all((": warning: " in line) == (line.split(":")[1] in ("3", "6", "7", "10")) for line in lines)
    assert "13 fields where the header has 14: 'Consumer disputed?' read as empty" in lines[0]
    assert "not a date" in lines[1] and "unknown company response 'Maybe later'" in lines[2]
    assert "'Untimely response' marked timely: recorded as the lapse" in lines[3]
    assert "disputed, not recorded: an interim response is not disputed" in lines[4]
    assert "'Timely response?' is 'Maybe'" in lines[5]
    assert "'Timely response?' is ''" in lines[6] and "read as empty" in lines[6]  # a required column missing
    assert "sent to the company on 2014-11-02, before it was received on 2014-11-03" in lines[7]
    assert summary["warnings"] == [line for line in lines if ": warning: " in line]
    app = Lifecycle(db)
    assert app.references() == ["CFPB-1", "CFPB-2", "CFPB-5", "CFPB-6", "CFPB-9"]
    assert app.status("CFPB-5") == "Untimely response" and app.summary("CFPB-6").state == "in_progress"
    sent = app.history("CFPB-9")[1]
    assert (sent.event, sent.timing, str(sent.at)) == ("sent", "unknown", "2014-11-03 00:00:00-05:00")
    app.close()
    history = json.loads(run("history", "CFPB-9", "--db", db, "--json").stdout)
    assert "before it was received" in history["events"][0]["details"]["quirks"]


def test_warnings_alone_exit_0(tmp_path: Path) -> None:
    path = export(tmp_path, "e.csv", "1,Mortgage,,Servicing,,NY,10001,Web,11/3/2014,11/3/2014,Bank A,Closed,Yes")
    result = run("import", "cfpb", str(path), "--db", str(tmp_path / "s.db"))
    assert result.exit_code == 0 and f"{path}:2: warning: 13 fields" in result.stderr
    assert "1 complaints filed" in result.stdout and "1 with warnings" in result.stdout


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


def test_a_later_export_observes_the_complaint_adds_what_happened_since_and_refuses_a_contradiction(
    tmp_path: Path,
) -> None:
    first = export(tmp_path, "first.csv", "9,Mortgage,,I,,NY,1,Web,11/3/2014,11/4/2014,Bank A,In progress,Yes,")
    later = export(tmp_path, "later.csv", "9,Mortgage,,I,,NY,1,Web,11/3/2014,11/4/2014,Bank A,Closed,Yes,Yes")
    clash = export(
        tmp_path, "clash.csv", "9,Mortgage,,I,,NY,1,Web,11/3/2014,11/4/2014,Bank A,Closed with monetary relief,Yes,"
    )
    db = str(tmp_path / "s.db")
    assert run("import", "cfpb", str(first), "--db", db).exit_code == 0  # known up to 2014-11-04
    updated = run("import", "cfpb", str(later), "--db", db, "--json", "--as-of", "2014-12-01")
    assert updated.exit_code == 0 and json.loads(updated.stdout)["updated"] == 1
    assert json.loads(updated.stdout)["as_of"] == {str(later): "2014-12-01"}
    history = json.loads(run("history", "CFPB-9", "--db", db, "--json").stdout)
    events = history["events"]
    assert [e["event"] for e in events] == ["filed", "sent", "in_progress", "observed", "closed", "disputed"]
    assert history["status"] == "Closed" and events[2]["timely"] is True
    # the first export knew the history up to the end of 2014-11-04: the closing came after that, by 2014-12-01
    assert events[2]["at"] == events[3]["at"] == "2014-11-05T04:59:59.999999Z"  # the day's end in New York
    assert events[3]["zone"] == "America/New_York"
    assert (events[4]["timing"], events[4]["at"]) == ("after", events[3]["at"])
    refused = run("import", "cfpb", str(clash), "--db", db, "--as-of", "2014-12-01")
    assert refused.exit_code == 1 and f"{clash}:2: does not follow from what is recorded" in refused.stderr
    again = run("import", "cfpb", str(later), "--db", db, "--json", "--as-of", "2014-12-01")
    assert json.loads(again.stdout)["events"] == 0 and json.loads(again.stdout)["unchanged"] == 1
    older = run("import", "cfpb", str(first), "--db", db, "--json")  # an older export: checked, nothing recorded
    assert older.exit_code == 0 and json.loads(older.stdout)["unchanged"] == 1


def test_the_as_of_day_is_the_newest_day_shown_or_given_and_a_row_after_it_is_refused(tmp_path: Path) -> None:
    path = export(
        tmp_path,
        "e.csv",
        "1,Mortgage,,I,,NY,1,Web,3/1/2016,3/2/2016,Bank A,Closed,Yes,",
        "2,Mortgage,,I,,NY,1,Web,3/1/2016,3/9/2016,Bank A,Closed,Yes,",
    )
    db = str(tmp_path / "s.db")
    given = run("import", "cfpb", str(path), "--db", db, "--json", "--as-of", "2016-03-05")
    assert given.exit_code == 1 and json.loads(given.stdout)["filed"] == 1
    assert f"{path}:3: the row shows 2016-03-09, after the day the export knows the history up to (2016-03-05)" in (
        given.stderr
    )
    shown = run("import", "cfpb", str(path), "--db", str(tmp_path / "t.db"), "--json")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["as_of"] == {str(path): "2016-03-09"}
    bad = run("import", "cfpb", str(path), "--db", str(tmp_path / "u.db"), "--as-of", "soon")
    assert bad.exit_code == 2 and "not a date: 'soon'" in bad.stderr and not (tmp_path / "u.db").exists()
