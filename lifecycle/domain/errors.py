"""Errors the domain raises: each names the complaint, its state and what is allowed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime


class LifecycleError(ValueError):
    """Base of every error a caller can cause with bad input."""


class IllegalEvent(LifecycleError):
    """An event the rule table does not allow in the complaint's current state."""

    def __init__(self, reference: str, state: str, event: str, allowed: Sequence[str], why: str = "") -> None:
        self.reference, self.state, self.event, self.allowed = reference, state, event, tuple(allowed)
        allowed_text = ", ".join(allowed) if allowed else "nothing (the complaint is closed)"
        because = f" ({why})" if why else ""
        super().__init__(
            f"complaint {reference} is {state}: '{event}' is not allowed{because}; allowed now: {allowed_text}"
        )


class OutOfOrder(LifecycleError):
    """An event whose effective time is earlier than the complaint's last event."""

    def __init__(self, reference: str, event: str, at: datetime, last_at: datetime) -> None:
        self.reference, self.event, self.at, self.last_at = reference, event, at, last_at
        super().__init__(
            f"complaint {reference}: '{event}' at {at.isoformat()} is earlier than its last "
            f"event at {last_at.isoformat()}; events are recorded in time order"
        )


class UnknownComplaint(LifecycleError):
    """A reference that names no complaint in the store."""

    def __init__(self, reference: str) -> None:
        self.reference = reference
        super().__init__(f"unknown complaint {reference!r}")


class DuplicateComplaint(LifecycleError):
    """A filing under a reference that is already taken."""

    def __init__(self, reference: str) -> None:
        self.reference = reference
        super().__init__(f"complaint {reference!r} already exists")


class InvalidInput(LifecycleError):
    """A value a command cannot take: an unknown type, profile or missing finding."""
