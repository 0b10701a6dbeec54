"""No poisoned stores: a scenario file or an export refused as a whole records nothing of it, on every store; a
two-digit year is named as such; a date outside the profile's plausible dates is refused at every entry point."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner, Result

from lifecycle import Lifecycle, LifecycleError
from lifecycle.cli import main
from lifecycle.stores.database import resolve

GOOD = """\
name: {name}
{top}complaints:
  - id: {first}
    business: Good Co
    type: Billing Issues
    filed: 2024-03-04
    events:
      - {{at: 2024-03-05, event: responded}}
  - id: {second}
    business: {business}
    type: Billing Issues
    filed: {filed}
"""
HEADER = (
    "Complaint ID,Product,Sub-product,Issue,Sub-issue,State,ZIP code,Submitted via,Date received,"
    "Date sent to company,Company,Company response,Timely response?,Consumer disputed?\n"
)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def scenario(folder: Path, name: str, first: str = "G-1", business: str = "Other Co", **fields: str) -> Path:
    """Two complaints; the second's business, filing day or the file's `until` can be made refusable."""
    text = GOOD.format(
        name=name,
        top=fields.get("top", ""),
        first=first,
        second=fields.get("second", "B-2"),
        business=business,
        filed=fields.get("filed", "2024-03-05"),
    )
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def events(url: str) -> int:
    """How many events the store holds, counted in its own table (0 when it has none yet)."""
    database = resolve(url)
    if database.kind == "postgres":
        with psycopg.connect(database.conninfo) as conn:
            found = conn.execute("SELECT to_regclass(%s)", (f'"{database.schema}".lifecycle_events',)).fetchone()
            if not found or found[0] is None:
                return 0
            counted = conn.execute(f'SELECT count(*) FROM "{database.schema}".lifecycle_events').fetchone()
            return int(counted[0]) if counted else 0
    if not Path(database.path).exists():
        return 0
    with sqlite3.connect(database.path) as conn:
        table = conn.execute("SELECT name FROM sqlite_master WHERE name = 'stored_events'").fetchone()
        return int(conn.execute("SELECT count(*) FROM stored_events").fetchone()[0]) if table else 0


REFUSED = {
    "a blank business": ({"business": '" "'}, r":9: complaint 'B-2': a complaint needs a reference and a business"),
    "filed in 1800": ({"filed": "1800-01-01"}, ":9: complaint 'B-2': 1800-01-01 is outside the plausible dates"),
    "an end in 1800": ({"top": "until: 1800-01-01\n"}, ":2: until: 1800-01-01 is outside the plausible dates"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_refused_scenario_file_records_nothing_of_it_the_others_are_kept(
    case: str, store_url: str, tmp_path: Path
) -> None:
    fields, says = REFUSED[case]
    good = scenario(tmp_path, "a-good", first="K-1", second="K-2")
    bad = scenario(tmp_path, "b-bad", **fields)
    failing = scenario(tmp_path, "c-failing", first="F-1", second="F-2", filed="2024-03-06")
    failing.write_text(failing.read_text() + "    expect: {status: Resolved}\n", encoding="utf-8")
    result = run("replay", str(good), str(bad), str(failing), "--db", store_url)
    assert result.exit_code == 2 and "Traceback" not in result.output
    told = result.stderr.strip().splitlines()
    assert len(told) == 1 and told[0].startswith(f"error: {bad}{says}"), told
    assert "PASS" in result.stdout and "FAIL" in result.stdout  # an expectation that fails is recorded as before
    app = Lifecycle(store_url, create=False)
    try:
        kept = [r for r in ("K-1", "K-2", "G-1", "B-2", "F-1", "F-2") if app.exists(r)]
    finally:
        app.close()
    assert kept == ["K-1", "K-2", "F-1", "F-2"]
    alone = f"sqlite:///{tmp_path}/alone.db"  # the two other files replayed without the refused one
    assert run("replay", str(good), str(failing), "--db", alone).exit_code == 1
    assert events(store_url) == events(alone) > 0


def test_a_refused_file_counts_no_event_and_a_fresh_store_stays_empty(store_url: str, tmp_path: Path) -> None:
    bad = scenario(tmp_path, "bad", business='" "')
    result = run("replay", str(bad), "--db", store_url)
    assert result.exit_code == 2 and events(store_url) == 0
    assert result.stderr == f"error: {bad}:9: complaint 'B-2': a complaint needs a reference and a business\n"


def test_in_memory_a_refused_file_leaves_nothing_for_the_next_file(tmp_path: Path) -> None:
    bad = scenario(tmp_path, "a-bad", filed="1800-01-01")
    again = scenario(tmp_path, "b-again")  # the same ids: refused as taken if the first file had left G-1
    result = run("replay", str(bad), str(again))
    assert result.exit_code == 2 and "already exists" not in result.stderr
    assert "2 complaints: 2 passed" in result.stdout


def export(tmp_path: Path, name: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def row(number: int, received: str = "11/3/2014", company: str = "Bank A") -> str:
    return f"{number},Mortgage,,Servicing,,NY,10001,Web,{received},{received},{company},Closed,Yes,"


def test_an_export_whose_quote_never_closes_is_refused_whole_and_records_nothing(tmp_path: Path) -> None:
    good = export(tmp_path, "good.csv", row(1))
    bad = export(tmp_path, "bad.csv", row(2), row(3, company='"Bank B'), row(4), row(5))
    db = f"sqlite:///{tmp_path}/s.db"
    result = run("import", "cfpb", str(good), str(bad), "--db", db)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr == (
        f"error: {bad}:3: a quote opens here that nothing closes: the rest of the file reads as one field: rows "
        "would merge; nothing of this file is imported\n"
    )
    assert events(db) == 0 and not (tmp_path / "s.db").exists()


def test_an_export_with_a_control_byte_past_the_first_batch_records_nothing(tmp_path: Path) -> None:
    rows = [row(n, company="Bank\x0cB" if n == 2500 else "Bank A") for n in range(1, 3001)]  # batches of 2,000
    bad = export(tmp_path, "bad.csv", *rows)
    db = f"sqlite:///{tmp_path}/s.db"
    result = run("import", "cfpb", str(bad), "--db", db)
    assert result.exit_code == 2 and events(db) == 0
    assert result.stderr == f"error: {bad}: not UTF-8 (byte 0x0c at line 2501)\n"
    assert run("import", "cfpb", str(export(tmp_path, "good.csv", *rows[:2400])), "--db", db).exit_code == 0
    assert events(db) > 2400  # the same rows, without the byte, import


def test_a_quote_that_closes_rows_later_refuses_the_file_a_narrative_over_lines_imports(tmp_path: Path) -> None:
    merged = export(tmp_path, "merged.csv", row(1), row(2, company='"Bank B'), row(3), row(4, company='Bank" D'))
    db = f"sqlite:///{tmp_path}/s.db"
    result = run("import", "cfpb", str(merged), "--db", db)
    assert result.exit_code == 2 and events(db) == 0
    assert result.stderr.startswith(f"error: {merged}:3: a quoted field runs over lines 3-5 and is not closed: ")
    assert result.stderr.endswith(": rows would merge; nothing of this file is imported\n")
    narrative = export(tmp_path, "narrative.csv", row(1), row(2, company='"Bank\nB"'), row(3))
    assert run("import", "cfpb", str(narrative), "--db", db).exit_code == 0
    shown = run("show", "CFPB-2", "--db", db, "--json")
    assert shown.exit_code == 0 and '"business": "Bank\\nB"' in shown.stdout


def test_a_record_with_more_fields_names_the_lines_it_runs_over(tmp_path: Path) -> None:
    path = export(tmp_path, "e.csv", row(1), row(2, company='"Bank B'), row(3, company='Bank", D'), row(4))
    db = f"sqlite:///{tmp_path}/s.db"
    result = run("import", "cfpb", str(path), "--db", db)
    assert result.exit_code == 1
    assert f"{path}:3: 15 fields where the header has 14 (one record over lines 3-4: a quote left open?)" in (
        result.stderr
    )


def test_a_two_digit_year_is_named_as_such_in_a_row_and_in_as_of(tmp_path: Path) -> None:
    path = export(tmp_path, "e.csv", row(1), row(2, received="3/1/16"))
    db = f"sqlite:///{tmp_path}/s.db"
    result = run("import", "cfpb", str(path), "--db", db)
    assert result.exit_code == 1
    assert f"{path}:3: '3/1/16' has a two-digit year: write the year with four digits" in result.stderr
    as_of = run("import", "cfpb", str(path), "--db", db, "--as-of", "3/1/16")
    assert as_of.exit_code == 2
    assert as_of.stderr == "error: '3/1/16' has a two-digit year: write the year with four digits\n"


def test_an_export_row_in_1800_is_refused_and_the_rest_imports(tmp_path: Path) -> None:
    path = export(tmp_path, "e.csv", row(1), row(2, received="1/1/1800"))
    db = f"sqlite:///{tmp_path}/s.db"
    result = run("import", "cfpb", str(path), "--db", db)
    assert result.exit_code == 1 and f"{path}:3: 1800-01-01 is outside the plausible dates" in result.stderr
    assert events(db) > 0 and "CFPB-2" not in run("show", "CFPB-2", "--db", db).stdout


def dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return list(connection.iterdump())


@pytest.fixture
def store(tmp_path: Path) -> Path:
    db = tmp_path / "s.db"
    for args in (
        ["file", "--business", "Acme", "--type", "Billing Issues", "--at", "2024-03-04", "--ref", "A-1"],
        ["report", "--as-of", "2024-06-01"],
    ):
        assert run(*args, "--db", str(db)).exit_code == 0
    return db


OLD = "1800-01-01"
CLI = {
    "file": ["file", "--business", "B", "--type", "Billing Issues", "--at", OLD],
    "record": ["record", "A-1", "responded", "--at", OLD],
    "advance": ["advance", "--to", OLD],
    "history": ["history", "A-1", "--as-of", OLD],
    "report": ["report", "--as-of", OLD],
    "due": ["due", "--until", OLD],
}


@pytest.mark.parametrize("command", sorted(CLI))
def test_every_command_refuses_1800_before_anything_is_recorded(command: str, store: Path) -> None:
    before = dump(store)
    result = run(*CLI[command], "--db", str(store))
    assert result.exit_code == 2 and result.stderr.startswith(f"error: {OLD} is outside the plausible dates")
    assert len(result.stderr.splitlines()) == 1 and dump(store) == before


LIBRARY: dict[str, Callable[[Lifecycle], Any]] = {
    "file": lambda app: app.file("B", "Billing Issues", OLD),
    "record": lambda app: app.record("A-1", "responded", OLD),
    "respond": lambda app: app.respond("A-1", OLD),
    "advance": lambda app: app.advance(OLD),
    "history": lambda app: app.history("A-1", as_of=OLD),
    "report": lambda app: app.report(as_of=OLD),
    "due": lambda app: app.due(OLD),
    "audit since": lambda app: app.audit(since=OLD),
    "overdue": lambda app: app.overdue(OLD),
}


@pytest.mark.parametrize("method", sorted(LIBRARY))
def test_every_library_method_refuses_1800_before_anything_is_recorded(method: str, store: Path) -> None:
    before = dump(store)
    app = Lifecycle(str(store), create=False)
    try:
        with pytest.raises(LifecycleError, match=f"{OLD} is outside the plausible dates"):
            LIBRARY[method](app)
    finally:
        app.close()
    assert dump(store) == before
