"""What a complaint is and was: its summary now, and the entries of its history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.profile import Deadline

HIDDEN = {"originator_id", "originator_version", "timestamp", "originator_topic"}
SHOWN = {"at", "actor", "text", "deadline", "timing", "by"}


@dataclass(frozen=True)
class HistoryEntry:
    """One entry of a complaint's history."""

    version: int
    event: str
    at: datetime
    recorded_at: datetime
    actor: str
    state_before: str | None
    state_after: str
    text: str | None
    facts: Mapping[str, Any]
    timing: str | None = None
    """None when `at` is exact; else how much of it is known: see domain.planned.TIMINGS."""
    by: str | None = None
    """Who recorded it (an operator or a system; the clock's steps name the run); None in stores before 0.2."""


@dataclass(frozen=True)
class Summary:
    """What a complaint is now."""

    reference: str
    profile: str
    business: str
    complaint_type: str
    filed_at: datetime
    last_at: datetime
    state: str
    status: str | None
    closed: bool
    deadline: Deadline | None
    overdue: str | None = None
    """The expected window the complaint is overdue on (it flags; it does not close), if any."""
    derivation: tuple[str, ...] = ()
    """How the pending deadline was derived: start, length, days skipped, pauses, extensions, due day."""


def entries(events: Iterable[Any]) -> list[HistoryEntry]:
    """The complaint's events as history entries, each with the state before and after it."""
    found: list[HistoryEntry] = []
    before: str | None = None
    for e in events:
        payload = {k: v for k, v in vars(e).items() if k not in HIDDEN}
        after = payload.pop("state")
        name = payload.pop("event", None) or getattr(type(e), "name", "") or "filed"
        nested = payload.pop("facts", None) or {}  # a generic event keeps its facts in one field
        facts = {**{k: v for k, v in payload.items() if k not in SHOWN}, **nested}
        text, timing, by = getattr(e, "text", None), getattr(e, "timing", None), getattr(e, "by", None)
        found.append(
            HistoryEntry(e.originator_version, name, e.at, e.timestamp, e.actor, before, after, text, facts, timing, by)
        )
        before = after
    return found
