"""`audit --status S`: a complaint's state now read from its last step on the steps' primary key, once per complaint
the other filters leave, not by a pass over every step of the store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from lifecycle import BBB, Lifecycle
from lifecycle.views.audit import labels
from tests.generated import BUSINESSES, populate

Opener = Callable[[], Lifecycle]


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
    assert "USING INDEX report_complaints_by_business" in plan, plan
    assert "SCAN" not in plan.replace("USING INDEX", ""), plan  # no step of another business is read
    app.close()
