"""How values that JSON does not know are stored: dates, deadlines and sealed personal data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from eventsourcing.persistence import Transcoding

from ..domain.profile import Deadline
from .keys import Sealed


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


class SealedAsText(Transcoding):
    """A sealed value in JSON."""

    type = Sealed
    name = "sealed"

    def encode(self, obj: Sealed) -> str:
        return obj.data

    def decode(self, data: str) -> Sealed:
        return Sealed(data)
