"""The import's fast path stores, field by field, what the Complaint aggregate and the application's save store.

Two stores take the same export rows: one through the template fast path (`Templates.prepare`, then
`FastPath.append`), one through `file_row` (the aggregate) and `Lifecycle.save`. Their stored events,
read raw from each store and decoded from their JSON (key order aside), must agree in every field but
the time each was recorded and the ciphertext of sealed text; the sealed text must open to the same words.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
import psycopg
import pytest

from lifecycle import Lifecycle, LifecycleError
from lifecycle.domain.complaint import Complaint
from lifecycle.importers.cfpb.export import ExportRow, read
from lifecycle.importers.cfpb.importer import Importer
from lifecycle.importers.cfpb.mapping import RESPONSES, UNTIMELY, Moments, file_row, reading, shown
from lifecycle.profiles import CFPB
from lifecycle.stores.compact import plain

DATA = Path(__file__).parents[1] / "data" / "cfpb"
FILES = sorted(DATA.glob("*.csv"))
NOT_FROM_AN_EXPORT_ROW = {
    ("received", "routed", "routed"),  # the exports hold no routed complaint
    *(("in_progress", closing, closing) for closing in RESPONSES.values() if closing != "in_progress"),  # one response
}
"""Rows of the cfpb table that no export row can take: every other row is walked by the generated set."""


def exported_rows() -> list[ExportRow]:
    """Two rows of every outcome (as published, and as recorded), with and without narrative, from each export,
    each known up to its export's day as the import reads it; and every row imported with a quirk flagged."""
    samples: dict[tuple[Any, ...], list[ExportRow]] = {}
    moments = Moments(CFPB)
    for path in FILES:
        as_of = max(shown(row, moments) for row in read(path) if isinstance(row, ExportRow))  # as the importer does
        for row in read(path, as_of=as_of):
            if isinstance(row, ExportRow):
                published = (row.response, row.timely, row.disputed == "Yes")
                read_as = reading(row, moments)
                key = (*published, read_as.outcome, bool(read_as.quirks) and row.line, bool(row.narrative), path.name)
                group = samples.setdefault(key, [])
                if len(group) < 2:
                    group.append(row)
    assert len({key[:3] for key in samples}) == 20  # every (response, timely, disputed) the five exports hold
    assert sum(bool(key[4]) for key in samples) == 8  # the rows with a quirk: 6 sent before received, 1 short, 1 timely
    return [row for group in samples.values() for row in group]


DAYS = [
    (date(2014, 3, 7), date(2014, 3, 10)),  # sent after a weekend, the window across the start of summer time
    (date(2014, 10, 20), date(2014, 10, 21)),  # the window across the end of summer time
    (date(2016, 12, 30), date(2017, 1, 3)),  # across a year's end and a holiday
    (date(2017, 4, 10), date(2017, 4, 10)),  # a response by the window's end falls after the dispute cut-off
    (date(2017, 4, 13), date(2017, 4, 13)),  # a dispute placed the last moment before the cut-off
    (date(2017, 4, 20), date(2017, 4, 24)),  # received before the cut-off, sent on it: no dispute can be recorded
    (date(2017, 4, 25), date(2017, 4, 26)),  # disputes no longer accepted
    (date(2018, 5, 5), date(2018, 5, 4)),  # sent before received: sent kept at the filing, flagged
]
AS_OF = (None, timedelta(days=5), timedelta(days=90))
"""The export's day: the row's own newest (None), within the response window, after the 60-day window."""


def generated_rows() -> list[ExportRow]:
    """Every response the profile knows (and Untimely), timely or not, disputed or not, on awkward days,
    known up to three export days, some short rows among them."""
    rows = []
    responses = [*RESPONSES, UNTIMELY]
    for number, (response, timely, disputed, (received, sent), later) in enumerate(
        itertools.product(responses, (True, False), ("Yes", "No", "N/A", ""), DAYS, AS_OF)
    ):
        narrative = f"Story {number}: call me on 555-0100" if number % 3 == 0 else None
        company = None if number % 7 == 0 else f"Company {number % 11}"
        details = {"issue": f"Issue {number % 5}", "state": "NY"} if number % 2 else {}
        as_of = None if later is None else max(received, sent) + later
        quirks = ("13 fields where the header has 14: 'Consumer disputed?' read as empty",) if number % 5 == 0 else ()
        rows.append(
            ExportRow(
                number + 2,
                f"CFPB-G{number}",
                received,
                sent,
                company,
                "Mortgage",
                response,
                timely,
                disputed,
                narrative,
                details,
                as_of,
                quirks,
            )
        )
    return rows


def stored(app: Lifecycle, reference: str) -> list[dict[str, Any]]:
    """A complaint's stored events, raw: id, version, topic and every field of the state but the recorded time,
    with sealed values reduced to their type (the ciphertext differs by its nonce)."""
    out = []
    for event in app.recorder.select_events(Complaint.create_id(reference)):
        state = orjson.loads(plain(event.state))
        del state["timestamp"]
        for name, value in state.items():
            if isinstance(value, dict) and value.get("_type_") == "sealed":
                state[name] = {"_type_": "sealed"}
        out.append(
            {
                "originator_id": str(event.originator_id),
                "version": event.originator_version,
                "topic": event.topic,
                **state,
            }
        )
    return out


def texts(app: Lifecycle, reference: str) -> list[str | None]:
    """The text of each event as the application opens it (the sealed narrative in the clear)."""
    return [entry.text for entry in app.history(reference)]


@pytest.fixture
def two_stores(store_url: str, tmp_path: Path) -> Iterator[tuple[Lifecycle, Lifecycle]]:
    """A store for each path, of the same kind (SQLite files, or two PostgreSQL schemas)."""
    if store_url.startswith("sqlite"):
        fast, slow = Lifecycle(str(tmp_path / "fast.db")), Lifecycle(str(tmp_path / "slow.db"))
    else:
        fast, slow = Lifecycle(store_url), Lifecycle(store_url.replace("schema=", "schema=s"))
    yield fast, slow
    fast.close()
    slow.close()
    if not store_url.startswith("sqlite"):
        with psycopg.connect(store_url.split("?")[0], autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "s{store_url.split("schema=")[1]}" CASCADE')


def both_paths(fast: Lifecycle, slow: Lifecycle, rows: list[ExportRow]) -> tuple[list[str], set[tuple[str, str, str]]]:
    """Store `rows` on both paths; the references refused by both, and the table rows the aggregate walked."""
    importer = Importer(fast)
    moments = Moments(CFPB, importer.moments.who)  # the same principal and run on both paths
    refused: list[str] = []
    walked: set[tuple[str, str, str]] = set()
    for row in rows:
        try:
            complaint = file_row(row, moments)
        except LifecycleError:
            with pytest.raises(LifecycleError):
                importer.templates.prepare(row)
            refused.append(row.reference)
            continue
        slow.save(complaint)
        importer.fast.append([importer.templates.prepare(row).complaint])
        walked |= {(str(h.state_before), h.event, h.state_after) for h in slow.history(row.reference)[1:]}
    return refused, walked


def test_the_fast_path_stores_what_the_aggregate_stores_for_every_exported_outcome(tmp_path: Path) -> None:
    fast, slow = Lifecycle(str(tmp_path / "fast.db")), Lifecycle(str(tmp_path / "slow.db"))
    rows = exported_rows()
    refused, _ = both_paths(fast, slow, rows)
    assert refused == []  # every published row is imported
    kept = rows
    assert any(row.narrative for row in kept) and any(row.details for row in kept)
    flagged = [row for row in rows if "quirks" in (fast.history(row.reference)[0].facts["details"] or {})]
    assert len(flagged) == 8  # the rows with a quirk, each once
    for row in kept:
        assert stored(fast, row.reference) == stored(slow, row.reference), row
        assert (
            texts(fast, row.reference)
            == texts(slow, row.reference)
            == [row.narrative] + [None] * (len(texts(slow, row.reference)) - 1)
        )
    fast.close()
    slow.close()


def test_the_fast_path_stores_what_the_aggregate_stores_for_every_row_of_the_table(
    two_stores: tuple[Lifecycle, Lifecycle],
) -> None:
    fast, slow = two_stores
    rows = generated_rows()
    refused, walked = both_paths(fast, slow, rows)
    table = {(rule.source, rule.event, rule.dest) for rule in CFPB.rules.rules}
    assert table - walked == NOT_FROM_AN_EXPORT_ROW
    outcomes = {reading(row, Moments(CFPB)).outcome for row in rows if row.reference not in refused}
    for flag in ("timely", "disputed", "sent_unknown", "overdue"):  # every way an outcome varies, both ways
        assert {getattr(o, flag) for o in outcomes} == {True, False}, flag
    in_progress = {(o.overdue, o.timely) for o in outcomes if o.response == "In progress"}
    assert in_progress == set(itertools.product((False, True), repeat=2))
    # refused by both: only a late row whose window had not lapsed by the export's day (5 days on)
    assert refused and all(not row.timely or row.response == UNTIMELY for row in rows if row.reference in refused)
    for row in rows:
        if row.reference not in refused:
            assert stored(fast, row.reference) == stored(slow, row.reference), row
            assert texts(fast, row.reference) == texts(slow, row.reference), row
            assert texts(fast, row.reference)[0] == row.narrative
