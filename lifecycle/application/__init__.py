"""The application layer: the `Lifecycle` facade over commands and queries."""

from __future__ import annotations

from .engine import ConcurrentChange, Moment
from .history import HistoryEntry, Summary
from .lifecycle import Lifecycle

__all__ = ["ConcurrentChange", "HistoryEntry", "Lifecycle", "Moment", "Summary"]
