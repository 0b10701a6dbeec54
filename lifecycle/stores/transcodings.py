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
    """A deadline as a flat dict (its pause and extensions only when it has them)."""

    type = Deadline
    name = "deadline"

    def encode(self, obj: Deadline) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": obj.name,
            "event": obj.event,
            "due_on": obj.due_on.isoformat(),
            "lapses_at": obj.lapses_at.isoformat(),
        }
        if obj.extended:  # a window's changes are kept only when it has any, so most deadlines stay four texts
            data["extended"] = obj.extended
        if obj.paused_at is not None:
            data["paused_at"] = obj.paused_at.isoformat()
        if obj.held:
            data["held"] = obj.held
        if obj.started is not None:
            data["started"] = obj.started.isoformat()
        return data

    def decode(self, data: dict[str, Any]) -> Deadline:
        paused_at = data.get("paused_at")
        return Deadline(
            data["name"],
            data["event"],
            date.fromisoformat(data["due_on"]),
            datetime.fromisoformat(data["lapses_at"]),
            int(data.get("extended", 0)),
            datetime.fromisoformat(paused_at) if paused_at else None,
            int(data.get("held", 0)),
            date.fromisoformat(data["started"]) if "started" in data else None,
        )


class SealedAsText(Transcoding):
    """A sealed value in JSON."""

    type = Sealed
    name = "sealed"

    def encode(self, obj: Sealed) -> str:
        return obj.data

    def decode(self, data: str) -> Sealed:
        return Sealed(data)
