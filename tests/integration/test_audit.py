"""Audit queries on SQLite and PostgreSQL: history as of any time, filtered events across complaints."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Protocol, cast

from lifecycle import BBB, HistoryEntry, Lifecycle
from lifecycle.domain.complaint import Complaint
from tests.generated import populate

Opener = Callable[[], Lifecycle]


class Stored(Protocol):
    """A stored event of a complaint, Filed included: when it happened and how it evolves the aggregate."""

    at: datetime

    def mutate(self, aggregate: Complaint | None) -> Complaint | None: ...


def replayed_state(app: Lifecycle, reference: str, moment: datetime) -> str | None:
    """The state from replaying the complaint's own events up to `moment`, with no index."""
    stored = cast("Iterator[Stored]", app.events.get(Complaint.create_id(reference)))
    events = [e for e in stored if e.at <= moment]
    if not events:
        return None
    complaint: Complaint | None = None
    for e in events:
        complaint = e.mutate(complaint)
    return complaint.state if complaint else None


def test_history_as_of_equals_replaying_the_events_up_to_then(open_app: Opener) -> None:
    app = open_app()
    refs = populate(app, 40, seed=5)
    checked = 0
    for ref in refs[:20]:
        full = app.history(ref)
        for step in full:
            for moment in (step.at, step.at - timedelta(microseconds=1)):
                partial = app.history(ref, as_of=moment)
                assert partial == [s for s in full if s.at <= moment]
                assert (partial[-1].state_after if partial else None) == replayed_state(app, ref, moment)
                checked += 1
    assert checked > 100


def test_audit_filters_each_match_a_scan_of_all_histories(open_app: Opener) -> None:
    app = open_app()
    refs = populate(app, 60, seed=9)
    rows = [(ref, s) for ref in refs for s in app.history(ref)]
    business = {ref: app.get(ref).business for ref in refs}
    kind = {ref: app.get(ref).complaint_type for ref in refs}
    status = {ref: BBB.rules.status(app.state(ref)) or "Open" for ref in refs}
    since, until = BBB.instant("2023-06-01"), BBB.instant("2024-01-31")
    cases: list[tuple[dict[str, object], Callable[[str, HistoryEntry], bool]]] = [
        ({"business": "Cedar Bank"}, lambda r, s: business[r] == "Cedar Bank"),
        ({"complaint_type": "Billing Issues"}, lambda r, s: kind[r] == "Billing Issues"),
        ({"event": "rejected"}, lambda r, s: s.event == "rejected"),
        ({"actor": "clock"}, lambda r, s: s.actor == "clock"),
        ({"status": "Answered"}, lambda r, s: status[r] == "Answered"),
        ({"since": since, "until": until}, lambda r, s: since <= s.at <= until),
        (
            {"business": "Acme Retail", "actor": "business", "since": since},
            lambda r, s: business[r] == "Acme Retail" and s.actor == "business" and s.at >= since,
        ),
    ]
    for filters, keep in cases:
        expected = sorted(((s.at, r, s.version) for r, s in rows if keep(r, s)), reverse=True)
        found = [(e.at, e.reference, e.version) for e in app.audit(limit=100_000, **filters)]
        assert sorted(found, reverse=True) == expected, filters
        assert [f[0] for f in found] == sorted((f[0] for f in found), reverse=True)  # newest first
        assert expected, filters
    assert len(app.audit(limit=5)) == 5


def test_the_audit_query_is_served_by_indexes(tmp_path: object) -> None:
    app = Lifecycle(f"{tmp_path}/plan.db")
    populate(app, 5)
    app.projections.report.catch_up()
    plan = app.tables.query(
        "EXPLAIN QUERY PLAN SELECT * FROM report_steps s JOIN report_complaints c "
        "ON c.complaint_id = s.complaint_id WHERE c.business = ? ORDER BY s.at DESC LIMIT 10",
        ("Cedar Bank",),
    )
    text = " | ".join(str(row[-1]) for row in plan)
    assert "INDEX" in text and "SCAN s" not in text.replace("USING INDEX", ""), text
    app.close()
