"""Views of the event log (the report, the deadline index), each kept by its projector."""

from __future__ import annotations

from typing import Any

from ..stores.view_store import ViewStore
from .deadlines import DeadlineView
from .projector import Projector
from .report.view import ReportView


class Projections:
    """The two views of an application, each caught up from the notification log in batches."""

    def __init__(self, app: Any, store: ViewStore) -> None:
        self.deadlines = Projector(app, store, DeadlineView())
        self.report = Projector(app, store, ReportView())

    def by_name(self) -> dict[str, Projector]:
        """Each projector under its view's name."""
        return {p.view.name: p for p in (self.report, self.deadlines)}

    def catch_up(self) -> None:
        """Take every recorded event into every view."""
        for projector in (self.report, self.deadlines):
            projector.catch_up()
