"""lifecycle: an event-sourced complaint lifecycle engine."""

from .application import ConcurrentChange, Lifecycle, Step, Summary
from .domain.bbb import BBB, PROFILES
from .domain.errors import (
    DuplicateComplaint,
    IllegalEvent,
    InvalidInput,
    LifecycleError,
    OutOfOrder,
    UnknownComplaint,
)

__all__ = [
    "BBB",
    "PROFILES",
    "ConcurrentChange",
    "DuplicateComplaint",
    "IllegalEvent",
    "InvalidInput",
    "Lifecycle",
    "LifecycleError",
    "OutOfOrder",
    "Step",
    "Summary",
    "UnknownComplaint",
]
