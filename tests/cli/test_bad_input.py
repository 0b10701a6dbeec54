"""Bad input across every command and the library: exit 2 (or the documented code), one line naming what is
at fault, no traceback, and the store byte for byte as it was (events, views, keys, positions)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from lifecycle import Lifecycle, LifecycleError
from lifecycle.cli.main import main

ROOT = Path(__file__).parents[2]
HEADER = (
    "Date received,Product,Sub-product,Issue,Sub-issue,Consumer complaint narrative,Company public response,"
    "Company,State,ZIP code,Tags,Consumer consent provided?,Submitted via,Date sent to company,"
    "Company response to consumer,Timely response?,Consumer disputed?,Complaint ID"
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store with complaints of two profiles, one reviewed and one with personal data, views caught up."""
    folder = tmp_path_factory.mktemp("bad-input")
    db = folder / "store.db"
    runner = CliRunner()
    for args in (
        ["file", "--business", "Acme Retail", "--type", "Billing Issues", "--at", "2024-03-04", "--ref", "A-1"],
        ["file", "--business", "Slow Movers", "--type", "Mortgage", "--at", "2024-03-04", "--profile", "cfpb"],
        ["record", "A-1", "responded", "--at", "2024-03-08"],
        ["file", "--business", "Acme Retail", "--type", "Billing Issues", "--at", "2024-03-05", "--consumer", "Jo"],
        ["advance", "--to", "2024-06-01"],
        ["report", "--as-of", "2024-06-01"],  # every view caught up
    ):
        result = runner.invoke(main, [*args, "--db", str(db)])
        assert result.exit_code == 0, result.output
    (folder / "binary.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 4)
    (folder / "utf16.csv").write_bytes((HEADER + "\n").encode("utf-16"))
    (folder / "bad.yaml").write_text("name: x\ncomplaints:\n  - id: 1\n    filed: 2024-13-01\n", encoding="utf-8")
    return db


def dump(db: Path) -> list[str]:
    """Every table of the store, row by row, as SQL."""
    with closing(sqlite3.connect(db)) as connection:  # closed here: its -wal and -shm files go with it
        return list(connection.iterdump())


CASES: list[tuple[str, list[str], int, str]] = [
    (
        "filed in year 1",
        ["file", "--business", "B", "--type", "Billing Issues", "--at", "0001-01-01"],
        2,
        "0001-01-01 is outside the plausible dates of profile bbb: 1990-01-01 to",
    ),
    (
        "filed in 2999",
        ["file", "--business", "B", "--type", "Billing Issues", "--at", "2999-01-01"],
        2,
        "2999-01-01 is outside the plausible dates",
    ),
    (
        "filed before 1990",
        ["file", "--business", "B", "--type", "Billing Issues", "--at", "1989-12-31"],
        2,
        "1989-12-31 is outside",
    ),
    ("advance to 9999", ["advance", "--to", "9999-12-31"], 2, "9999-12-31 is outside the plausible dates"),
    (
        "good faith on a response",
        ["record", "A-1", "accepted", "--at", "2024-06-02", "--good-faith"],
        2,
        "complaint A-1: 'accepted' takes no good_faith (its facts: none)",
    ),
    (
        "unknown event",
        ["record", "A-1", "bogus", "--at", "2024-06-02"],
        2,
        "complaint A-1 is answered: no event 'bogus' in bbb; allowed: accepted, rejected",
    ),
    (
        "event not allowed",
        ["record", "A-1", "forwarded", "--at", "2024-06-02"],
        2,
        "complaint A-1 is answered: 'forwarded' is not allowed; allowed now: accepted, rejected",
    ),
    ("unknown complaint", ["record", "C-404", "responded", "--at", "2024-06-02"], 2, "unknown complaint 'C-404'"),
    ("impossible date", ["record", "A-1", "accepted", "--at", "2024-13-01"], 2, "not an ISO 8601 date"),
    ("short date", ["record", "A-1", "accepted", "--at", "2024-1-1"], 2, "'2024-1-1'"),
    ("out of order", ["record", "C-000001", "sent", "--at", "2024-03-01"], 2, "is earlier than its last event"),
    (
        "blank recorder",
        ["record", "A-1", "reopened", "--at", "2024-06-02", "--by", " "],
        2,
        "who records events (by) must be a name, not ' '",
    ),
    ("extension of zero days", ["record", "A-1", "reopened", "--at", "2024-06-02", "--days", "0"], 2, "--days"),
    ("report over 5000 years", ["report", "--years", "5000"], 2, "--years takes a number of years from 1 to 100"),
    ("report over 10^20 years", ["report", "--years", "99999999999999999999"], 2, "--years"),
    ("report as of year 1", ["report", "--as-of", "0001-01-01"], 2, "0001-01-01 is outside"),
    ("report to a missing folder", ["report", "--out", "/missing/dir/x"], 2, "cannot write /missing/dir/x"),
    ("report json and csv", ["report", "--json", "--format", "csv"], 2, "--json and --format csv"),
    ("report unknown business", ["report", "--business", "acme retial"], 2, "did you mean 'Acme Retail'?"),
    ("audit limit 10^20", ["audit", "--limit", "99999999999999999999"], 2, "--limit"),
    ("audit limit 0", ["audit", "--limit", "0"], 2, "--limit"),
    ("audit json and csv", ["audit", "--json", "--csv"], 2, "--json and --csv cannot go together"),
    ("audit unknown status", ["audit", "--status", "Bogus"], 2, "no status 'Bogus'; known: Answered"),
    ("audit impossible day", ["audit", "--since", "2024-02-30"], 2, "2024-02-30"),
    ("audit unknown business", ["audit", "--business", "Slow Mover"], 2, "did you mean 'Slow Movers'?"),
    ("export to a missing folder", ["export", "--out", "/missing/dir/x"], 2, "cannot write /missing/dir/x"),
    ("history as of year 1", ["history", "A-1", "--as-of", "0001-01-01"], 2, "0001-01-01 is outside"),
    ("history before filing", ["history", "A-1", "--as-of", "2024-03-01"], 2, "was not yet filed"),
    ("history unknown", ["history", "nope"], 2, "unknown complaint 'nope'"),
    ("show unknown", ["show", "nope"], 2, "unknown complaint 'nope'"),
    ("due until nonsense", ["due", "--until", "soon"], 2, "'soon'"),
    ("due limit 0", ["due", "--limit", "0"], 2, "--limit"),
    ("due unknown business", ["due", "--business", "Acme Retial"], 2, "did you mean 'Acme Retail'?"),
    ("erase nothing", ["erase"], 2, "erase one complaint (reference) or one consumer"),
    ("erase both", ["erase", "--ref", "A-1", "--consumer", "Jo"], 2, "not both or neither"),
    ("erase without --yes", ["erase", "--consumer", "Jo"], 2, "for good: add --yes"),
    ("erase unknown", ["erase", "--ref", "nope", "--yes"], 2, "unknown complaint 'nope'"),
    (
        "unknown type",
        ["file", "--business", "B", "--type", "Bogus", "--at", "2024-03-04"],
        2,
        "unknown complaint type 'Bogus' for profile bbb",
    ),
    (
        "unknown profile",
        ["file", "--business", "B", "--type", "X", "--at", "2024-03-04", "--profile", "nope"],
        2,
        "nope",
    ),
    (
        "blank business",
        ["file", "--business", " ", "--type", "Billing Issues", "--at", "2024-03-04"],
        2,
        "a complaint needs a reference and a business",
    ),
    (
        "taken reference",
        ["file", "--business", "B", "--type", "Billing Issues", "--at", "2024-03-04", "--ref", "A-1"],
        2,
        "complaint 'A-1' already exists",
    ),
    (
        "blank reference",
        ["file", "--business", "B", "--type", "Billing Issues", "--at", "2024-03-04", "--ref", " "],
        2,
        "a complaint needs a reference and a business",
    ),
    ("rebuild unknown view", ["rebuild", "--view", "bogus"], 2, "--view"),
    ("import a missing file", ["import", "cfpb", "/missing.csv"], 2, "/missing.csv: no such file"),
    ("import a bad as-of", ["import", "cfpb", "{folder}/utf16.csv", "--as-of", "2024-02-30"], 2, "utf16.csv"),
    (
        "import a binary file",
        ["import", "cfpb", "{folder}/binary.csv"],
        2,
        "binary.csv: not UTF-8 (byte 0x1a at line 2)",
    ),
    ("import UTF-16", ["import", "cfpb", "{folder}/utf16.csv"], 2, "utf16.csv: not UTF-8 (byte 0x00 at line 1)"),
    ("replay a bad scenario", ["replay", "{folder}/bad.yaml", "--db", "{db}"], 2, "bad.yaml"),
    ("whatif unknown profile", ["whatif", "--profile", "nope"], 2, "nope"),
    ("an empty recorder", ["record", "A-1", "reopened", "--at", "2024-06-02", "--by", ""], 2, "must be a name"),
    (
        "import as of 2999",
        ["import", "cfpb", "{root}/tests/data/cfpb/cfpb-2014-12.csv", "--as-of", "2999-01-01"],
        2,
        "2999-01-01 is outside the plausible dates of profile cfpb",
    ),
    ("due overdue until", ["due", "--overdue", "--until", "2024-06-01"], 2, "--overdue and --until cannot go together"),
    ("a bad port", ["show", "A-1", "--db", "postgresql://u:pw@127.0.0.1:99999/x"], 2, "invalid database URL"),
    ("a mysql URL", ["show", "A-1", "--db", "mysql://u:hunter2xx@h/db"], 2, "'mysql://u:***@h/db'"),
]
"""(what, arguments, exit code, what the one line says): `{folder}` and `{db}` are filled in; --db is added."""


@pytest.mark.parametrize(("what", "args", "code", "says"), CASES, ids=[case[0] for case in CASES])
def test_bad_input_is_one_line_and_records_nothing(
    store: Path, what: str, args: list[str], code: int, says: str
) -> None:
    before, files = dump(store), sorted(store.parent.iterdir())
    filled = [a.format(folder=store.parent, db=store, root=ROOT) for a in args]
    result = CliRunner().invoke(main, [*filled, *([] if "--db" in filled else ["--db", str(store)])])
    assert result.exit_code == code, (what, result.output)
    told = error_lines(result)
    assert len(told) == 1 and says in told[0], (what, result.stderr)
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit | None)
    assert dump(store) == before and sorted(store.parent.iterdir()) == files


def error_lines(result: Result) -> list[str]:
    """The lines that tell the error: ours are one line; click's usage errors add a usage line and a hint above."""
    lines = result.stderr.strip().splitlines()
    if lines and lines[0].startswith("Usage:"):  # click's own: usage, hint, blank, then the one line that matters
        return [line for line in lines if line.startswith("Error:")]
    return lines


def test_a_read_command_never_creates_a_store(tmp_path: Path) -> None:
    for args in (["show", "X"], ["history", "X"], ["audit"], ["report"], ["due"], ["verify"], ["export"]):
        result = CliRunner().invoke(main, [*args, "--db", str(tmp_path / "typo.db")])
        assert (
            result.exit_code == 2
            and result.stderr == f"error: no store at {tmp_path / 'typo.db'} (only commands that record create one)\n"
        )
    assert list(tmp_path.iterdir()) == []


def test_a_refused_write_leaves_no_store_behind(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    for args in (["file", "--business", "B", "--type", "Nope", "--at", "2024-03-04"],
                 ["file", "--business", "B", "--type", "Billing Issues", "--at", "1800-01-01"],
                 ["import", "cfpb", str(ROOT / "tests/data/cfpb/cfpb-2014-12.csv"), "--profile", "nope"]):  # fmt: skip
        result = CliRunner().invoke(main, [*args, "--db", str(db)])
        assert result.exit_code == 2 and list(tmp_path.iterdir()) == [], result.output


def test_a_password_in_a_database_url_is_never_shown() -> None:
    for url in (
        "postgresql://user:s3cret-pw@127.0.0.1:1/x",
        "postgresql://user:s3cret-pw@127.0.0.1:1/x?schema=Bad-",
        "postgresql://user:p@ss-w0rd@127.0.0.1:1/x",
    ):
        result = CliRunner().invoke(main, ["show", "X", "--db", url])
        assert result.exit_code == 2 and "s3cret" not in result.output and "ss-w0rd" not in result.output
        assert "***" in result.stderr
        assert len(result.stderr.splitlines()) == 1


LIBRARY: list[tuple[str, Callable[[Lifecycle], Any], str]] = [
    ("a number for a date", lambda app: app.file("X", "Product Issues", 20240101), "not a date"),  # type: ignore[arg-type]
    ("year 1800", lambda app: app.file("X", "Product Issues", "1800-01-01"), "1800-01-01 is outside"),
    (
        "a fact the event takes not",
        lambda app: app.record("A-1", "accepted", "2024-06-02", good_faith=True),
        "takes no good_faith",
    ),
    ("5000 years", lambda app: app.report(years=5000), "1 to 100 years"),
    ("a limit of 10^20", lambda app: app.audit(limit=10**20), "an audit limit is 1 to"),
    ("advance to 9999", lambda app: app.advance("9999-12-31"), "9999-12-31 is outside"),
    ("history as of an object", lambda app: app.history("A-1", as_of=object()), "not a date"),  # type: ignore[arg-type]
    ("a blank recorder", lambda app: app.record("A-1", "reopened", "2024-06-02", by=""), "must be a name"),
    ("a number for a recorder", lambda app: app.record("A-1", "reopened", "2024-06-02", by=5), "must be a name"),  # type: ignore[arg-type]
    ("a due limit of -1", lambda app: app.due("2024-06-01", limit=-1), "a limit is 1 to"),
    ("an unknown business", lambda app: app.due("2024-06-01", business="nobody"), "no business 'nobody'"),
]


@pytest.mark.parametrize(("what", "call", "says"), LIBRARY, ids=[case[0] for case in LIBRARY])
def test_the_library_raises_lifecycle_error_for_every_caller_error(
    store: Path, what: str, call: Callable[[Lifecycle], Any], says: str
) -> None:
    before = dump(store)
    app = Lifecycle(str(store), create=False)
    try:
        with pytest.raises(LifecycleError, match=None) as raised:
            call(app)
        assert says in str(raised.value) and len(str(raised.value).splitlines()) == 1, what
    finally:
        app.close()
    assert dump(store) == before


def test_the_table_holds_at_least_forty_bad_inputs() -> None:
    assert len(CASES) + len(LIBRARY) >= 40 and len({case[0] for case in CASES}) == len(CASES)
