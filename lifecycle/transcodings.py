"""How domain values that JSON does not know are stored: dates and deadlines."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from eventsourcing.persistence import Transcoding

from .domain.profile import Deadline


class DateAsISO(Transcoding):
    """A date as its ISO text."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class DeadlineAsDict(Transcoding):
    """A deadline as a flat dict of texts."""

    type = Deadline
    name = "deadline"

    def encode(self, obj: Deadline) -> dict[str, str]:
        return {
            "name": obj.name,
            "event": obj.event,
            "due_on": obj.due_on.isoformat(),
            "lapses_at": obj.lapses_at.isoformat(),
        }

    def decode(self, data: dict[str, Any]) -> Deadline:
        return Deadline(
            data["name"],
            data["event"],
            date.fromisoformat(data["due_on"]),
            datetime.fromisoformat(data["lapses_at"]),
        )
