"""`export` streams: every complaint read a page at a time, on every store, the same as one `history` each."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lifecycle import BBB, Lifecycle
from lifecycle.application.queries import Queries
from lifecycle.cli import main
from lifecycle.cli.render.complaint import event_documents
from lifecycle.domain.errors import InvalidInput
from lifecycle.stores.pages import EventPages
from lifecycle.views.filings import in_filing_order
from tests.generated import populate

Opener = Callable[[], Lifecycle]


def one_history_each(app: Lifecycle) -> list[tuple[str, list[Any]]]:
    """What export read before it streamed: the references in filing order, then each one's history."""
    return [(reference, app.history(reference)) for reference in app.references()]


def with_ties(app: Lifecycle) -> list[str]:
    """Complaints of which several were filed at one moment (the filing order falls back on the reference), one
    of them erased, and some generated ones."""
    at = BBB.instant("2024-02-01T10:00")
    refs = [app.file("Acme Retail", "Billing Issues", at, reference=f"tie-{n}", consumer=f"Ann {n}",
                     text=f"Ann {n} was charged twice") for n in (5, 1, 4, 2, 3)]  # fmt: skip
    app.erase(reference="tie-4", by="test")
    return refs + populate(app, 12, seed=3)


def test_histories_are_every_complaint_in_filing_order_as_history_gives_them(open_app: Opener) -> None:
    app = open_app()
    refs = with_ties(app)
    for page in (1, 2, 3, 500):
        assert list(app.histories(page=page)) == one_history_each(app)
    found = dict(app.histories(page=2))
    assert sorted(found) == sorted(refs)
    assert found["tie-4"][0].facts["consumer"] == "[erased]" and found["tie-4"][0].text == "[erased]"
    assert found["tie-5"][0].facts["consumer"] == "Ann 5" and found["tie-5"][0].text == "Ann 5 was charged twice"


def test_histories_in_memory_are_as_history_gives_them(app: Lifecycle) -> None:
    with_ties(app)
    assert list(app.histories(page=2)) == one_history_each(app)


def test_the_filing_order_is_walked_a_page_at_a_time(open_app: Opener) -> None:
    app = open_app()
    with_ties(app)
    expected = app.references()  # the view caught up
    for size in (1, 2, 4, 17, 18):
        pages = list(in_filing_order(app.tables, size))
        assert all(len(p) == size for p in pages[:-1]) and 0 < len(pages[-1]) <= size
        assert [reference for p in pages for _, reference in p] == expected


def test_histories_hold_one_page_of_complaints_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = Lifecycle(f"{tmp_path}/pages.db")
    populate(app, 20, seed=4)
    asked: list[int] = []
    events = EventPages.events

    def counted(self: EventPages, complaint_ids: list[str]) -> dict[str, list[Any]]:
        asked.append(len(complaint_ids))
        return events(self, complaint_ids)

    monkeypatch.setattr(EventPages, "events", counted)
    histories = app.histories(page=6)
    next(histories)
    assert asked == [6]  # the first complaint comes before any other page is read
    rest = list(histories)
    assert asked == [6, 6, 6, 2] and len(rest) == 19
    app.close()


def old_export(app: Lifecycle, unredacted: bool, as_json: bool) -> str:
    """What `export` printed when it built every line in memory first."""
    events = []
    for reference, steps in one_history_each(app):
        zone = app.profile(str(steps[0].facts["profile"])).timezone
        events += event_documents(reference, steps, unredacted, zone)
    if as_json:
        return json.dumps({"events": events}, indent=2, ensure_ascii=False) + "\n"
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[str]:
    """A SQLite store of varied complaints: ties in filing time, an erased one, personal data in others."""
    db = f"{tmp_path}/export.db"
    app = Lifecycle(db)
    with_ties(app)
    app.close()
    yield db


@pytest.mark.parametrize("flags", [(), ("--json",), ("--unredacted",), ("--json", "--unredacted")])
def test_export_prints_what_it_printed_before_it_streamed(store: str, flags: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, ["export", *flags, "--db", store])
    assert result.exit_code == 0, result.output
    app = Lifecycle(store)
    expected = old_export(app, "--unredacted" in flags, "--json" in flags)
    app.close()
    assert result.stdout == expected
    assert ("Ann 5 was charged twice" in expected) == ("--unredacted" in flags)


def test_an_empty_store_exports_an_empty_document(tmp_path: Path) -> None:
    db = f"{tmp_path}/empty.db"
    Lifecycle(db).close()
    assert CliRunner().invoke(main, ["export", "--json", "--db", db]).stdout == '{\n  "events": []\n}\n'
    assert CliRunner().invoke(main, ["export", "--db", db]).stdout == ""


def test_export_to_a_file_replaces_it_whole_keeping_its_mode(store: str, tmp_path: Path) -> None:
    out = tmp_path / "events.json"
    out.write_text("old\n", encoding="utf-8")
    out.chmod(0o640)
    result = CliRunner().invoke(main, ["export", "--json", "--out", str(out), "--db", store])
    assert result.exit_code == 0, result.output
    events = json.loads(out.read_text(encoding="utf-8"))["events"]
    assert f"wrote {len(events)} events to {out}" in result.stderr and len(events) > 17
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.json", "export.db", *sorted(
        p.name for p in tmp_path.iterdir() if p.name.startswith("export.db-"))]  # fmt: skip


def test_an_export_that_fails_half_way_leaves_the_file_as_it_was(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    histories = Queries.histories

    def failing(self: Queries, page: int = 500) -> Iterator[tuple[str, list[Any]]]:
        first = next(histories(self, page=2))
        for _ in range(600):  # past the first page the command writes
            yield first
        raise InvalidInput("the store went away")

    monkeypatch.setattr(Queries, "histories", failing)
    out = tmp_path / "events.jsonl"
    out.write_text("kept\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["export", "--out", str(out), "--db", store])
    assert (result.exit_code, result.stderr) == (2, "error: the store went away\n")
    assert out.read_text(encoding="utf-8") == "kept\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
