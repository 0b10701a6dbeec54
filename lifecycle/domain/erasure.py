"""The Erasure aggregate: a certificate, in the event log, of one erase command's destroyed keys."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate, event


class Erasure(Aggregate):
    """One erase command: which complaints' keys it destroyed (ids and references only), by whom, how."""

    @event("Certified")
    def __init__(self, complaints: list[dict[str, Any]], scope: str, by: str | None, via: str | None) -> None:
        self.complaints, self.scope, self.by, self.via = complaints, scope, by, via


CERTIFIED_TOPIC = f"{Erasure.__module__}:{Erasure.__qualname__}.Certified"
"""The stored topic of a certificate (a reader of the whole log that wants complaints skips it)."""


def of_complaint(topic: str) -> bool:
    """True when a stored event's topic is a complaint's (not a certificate's)."""
    return topic != CERTIFIED_TOPIC
