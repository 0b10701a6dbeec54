"""What a command plans before it records: the steps, and how much of an event's time is known."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .errors import InvalidInput
from .profile import Deadline

TIMINGS = {
    "day": "only the day is known: `at` is the start of that day",
    "by": "the time is not known: the event happened by `at`",
    "after": "the time is not known: the event happened after `at`",
    "unknown": "the time is not known at all: `at` only keeps the event after the ones before it",
}


@dataclass(frozen=True)
class Planned:
    """A step a command will record: its event, time, actor, target state and next deadline."""

    event: str
    at: datetime
    actor: str
    state: str
    deadline: Deadline | None
    facts: dict[str, Any] = field(default_factory=dict)


def check_timing(timing: str | None) -> None:
    """Refuse a timing that is not one of TIMINGS."""
    if timing is not None and timing not in TIMINGS:
        raise InvalidInput(f"unknown timing {timing!r}; known: {', '.join(TIMINGS)}")
