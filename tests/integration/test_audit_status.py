"""`audit --status S`: a complaint's state now read from its last step on the steps' primary key, once per complaint
the other filters leave, not by a pass over every step of the store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from lifecycle import BBB, Lifecycle
from lifecycle.views.audit import labels
from tests.generated import BUSINESSES, populate
from tests.integration.conftest import Imported

Opener = Callable[[], Lifecycle]
MAX = 1_000_000


@pytest.mark.parametrize("status", ["Answered", "Unresolved", "Resolved", "Unanswered"])
def test_status_and_business_match_a_scan_of_all_histories(open_app: Opener, status: str) -> None:
    app = open_app()
    refs = populate(app, 60, seed=9)
    now = {ref: labels(BBB)[app.state(ref)] for ref in refs}
    for business in BUSINESSES[:3]:
        expected = sorted(
            (s.at, ref, s.version)
            for ref in refs
            if app.get(ref).business == business and now[ref] == status
            for s in app.history(ref)
        )
        found = app.audit(limit=100_000, status=status, business=business)
        assert sorted((e.at, e.reference, e.version) for e in found) == expected
    assert any(app.audit(limit=1, status=status, business=b) for b in BUSINESSES)


def test_status_with_business_walks_the_business_index_and_the_primary_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = Lifecycle(f"{tmp_path}/plan.db")
    business = app.get(populate(app, 5)[0]).business
    app.projections.report.catch_up()
    asked: list[tuple[str, Sequence[Any]]] = []
    query = app.tables.query

    def recorded(sql: str, params: Sequence[Any] = ()) -> list[Any]:
        asked.append((sql, params))
        return query(sql, params)

    monkeypatch.setattr(app.tables, "query", recorded)
    app.audit(status="Unresolved", business=business)
    sql, params = asked[-1]
    plan = " | ".join(str(row[-1]) for row in query("EXPLAIN QUERY PLAN " + sql, params))
    assert "USING INDEX report_cases_by_business" in plan, plan
    assert "SCAN" not in plan.replace("USING INDEX", ""), plan  # no step of another business is read
    app.close()


def name(business: str) -> str:
    """A business name as reports match it: case and spaces aside."""
    return " ".join(business.split()).casefold()


def test_with_a_business_a_status_finds_what_it_finds_without_one(cfpb_store: Imported) -> None:
    app = Lifecycle(f"sqlite:///{cfpb_store.path}", default_profile="cfpb")
    everywhere = app.audit(limit=MAX, status="Closed with explanation")
    businesses = sorted({e.business for e in everywhere})
    assert len(businesses) > 100
    for business in businesses[:5] + businesses[-5:]:
        found = app.audit(limit=MAX, business=business, status="Closed with explanation")
        assert found == [e for e in everywhere if name(e.business) == name(business)] != [], business
    app.close()


def test_with_a_business_overdue_finds_what_it_finds_without_one(open_app: Opener) -> None:
    app = open_app()
    at = BBB.instant("2024-01-02")
    for n, business in enumerate(["A", "B", "A", "C", "A"]):
        ref = app.file(business, "Mortgage", at + timedelta(days=n), reference=f"x{n}", profile="cfpb")
        app.record(ref, "sent", at + timedelta(days=n, hours=1))
        app.record(ref, "in_progress", at + timedelta(days=n, hours=2))
    app.record("x2", "closed_with_explanation", at + timedelta(days=80))  # overdue, then no longer
    app.advance(at + timedelta(days=200))
    late = app.audit(limit=MAX, overdue=True)
    assert {e.reference for e in late} == {"x0", "x1", "x3", "x4"}
    for business in ("A", "B", "C"):
        assert app.audit(limit=MAX, overdue=True, business=business) == [e for e in late if e.business == business]
