"""Every complaint in filing order, a page at a time, from the report view: what `export` walks.

Each page starts after the last complaint of the one before (by filing time, then reference), so a reader
holds one page, and no statement stays open between pages.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..stores.view_store import ViewStore

FIRST = "SELECT complaint_id, reference, filed_at FROM report_complaints ORDER BY filed_at, reference LIMIT ?"
NEXT = (
    "SELECT complaint_id, reference, filed_at FROM report_complaints WHERE filed_at >= ? "
    "AND (filed_at > ? OR reference > ?) ORDER BY filed_at, reference LIMIT ?"
)
"""The page after a complaint (its filing time, its reference): the filing index walked from there."""


def in_filing_order(store: ViewStore, page: int = 500) -> Iterator[list[tuple[str, str]]]:
    """Pages of (complaint id in hex, reference), every complaint once, in the order of `references`."""
    rows = store.query(FIRST, (page,))
    while rows:
        yield [(str(r[0]), str(r[1])) for r in rows]
        if len(rows) < page:
            return
        filed_at, reference = rows[-1][2], rows[-1][1]
        rows = store.query(NEXT, (filed_at, filed_at, reference, page))
