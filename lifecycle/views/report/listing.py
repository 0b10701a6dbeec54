"""Complaints a report lists by name: the latest filed per business, and every step of some, from the view."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ...stores.stored import micros
from ...stores.view_store import ViewStore

CHUNK = 500
"""References per query."""


@dataclass(frozen=True)
class Step:
    """One step of a complaint as the report view keeps it: nothing personal."""

    version: int
    at: int
    event: str
    state: str
    actor: str
    timing: str | None
    by: str | None
    deadline: str | None
    due_on: str | None


@dataclass
class Listed:
    """A complaint with every step it took up to a moment."""

    reference: str
    business: str
    complaint_type: str
    profile: str
    filed_at: int
    steps: list[Step] = field(default_factory=list)


def latest(store: ViewStore, at: datetime, count: int) -> dict[str, list[str]]:
    """The references of each business's (as spelled) last `count` complaints filed by `at`, newest first."""
    rows = store.query(
        "SELECT b.name, ranked.reference FROM (SELECT business, reference, ROW_NUMBER() OVER "
        "(PARTITION BY business ORDER BY filed_at DESC, reference DESC) AS n FROM report_cases "
        "WHERE filed_at <= ?) AS ranked JOIN report_names b ON b.id = ranked.business "
        "WHERE ranked.n <= ? ORDER BY b.name, ranked.n",
        (micros(at), count),
    )
    found: dict[str, list[str]] = {}
    for business, reference in rows:
        found.setdefault(str(business), []).append(str(reference))
    return found


def listed(store: ViewStore, references: Sequence[str], at: datetime) -> dict[str, Listed]:
    """The complaints of `references` with their steps in effect by `at`, by reference."""
    found: dict[str, Listed] = {}
    t = micros(at)
    for i in range(0, len(references), CHUNK):
        chunk = list(references[i : i + CHUNK])
        marks = ", ".join("?" for _ in chunk)
        rows = store.query(
            "SELECT c.reference, c.business, c.complaint_type, c.profile, c.filed_at, s.version, s.at, s.event, "
            "s.state, s.actor, s.timing, s.by_whom, s.deadline, s.due_on FROM report_complaints c "
            "JOIN report_steps s ON s.complaint_id = c.complaint_id "
            f"WHERE c.reference IN ({marks}) AND s.at <= ? ORDER BY c.reference, s.version",
            (*chunk, t),
        )
        for r in rows:
            complaint = found.get(r[0])
            if complaint is None:
                complaint = found[r[0]] = Listed(r[0], r[1], r[2], r[3], int(r[4]))
            complaint.steps.append(Step(int(r[5]), int(r[6]), *r[7:14]))
    return found
