"""lifecycle: an event-sourced complaint lifecycle engine."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.4.0"
"""The version: pyproject.toml reads it from here (`lifecycle --version` prints it from the installed metadata)."""

if TYPE_CHECKING:
    from .application import ConcurrentChange, HistoryEntry, Lifecycle, Summary
    from .domain.errors import (
        DuplicateComplaint,
        IllegalEvent,
        InvalidInput,
        LifecycleError,
        OutOfOrder,
        UnknownComplaint,
    )
    from .profiles import BBB, CFPB, PROFILES

_HOMES = {
    "ConcurrentChange": "application",
    "Lifecycle": "application",
    "HistoryEntry": "application",
    "Summary": "application",
    "BBB": "profiles",
    "CFPB": "profiles",
    "PROFILES": "profiles",
    "DuplicateComplaint": "domain.errors",
    "IllegalEvent": "domain.errors",
    "InvalidInput": "domain.errors",
    "LifecycleError": "domain.errors",
    "OutOfOrder": "domain.errors",
    "UnknownComplaint": "domain.errors",
}
__all__ = [
    "BBB",
    "CFPB",
    "ConcurrentChange",
    "DuplicateComplaint",
    "HistoryEntry",
    "IllegalEvent",
    "InvalidInput",
    "Lifecycle",
    "LifecycleError",
    "OutOfOrder",
    "PROFILES",
    "Summary",
    "UnknownComplaint",
]


def __getattr__(name: str) -> Any:
    """Import on first use, so that importing the domain alone loads no storage or CLI."""
    if name not in _HOMES:
        raise AttributeError(f"module 'lifecycle' has no attribute {name!r}")
    return getattr(import_module(f".{_HOMES[name]}", __name__), name)
