"""The facade: `Lifecycle`, the one class an embedding service or the command line needs."""

from __future__ import annotations

from .commands import Commands
from .erasing import Erasing
from .queries import Queries


class Lifecycle(Commands, Queries, Erasing):
    """The engine: complaints as event-sourced aggregates run by their profile's rule table.

    `Lifecycle(db)` opens a store by URL (a SQLite file, `postgresql://...`, `memory://`; default
    `$LIFECYCLE_DB` or `./lifecycle.db`). Commands (`file`, `record`, `respond`, `advance`, `erase`,
    ...) are in `commands.py`; queries (`summary`, `history`, `report`, `audit`, `verify`, ...) in
    `queries.py`; the wiring of stores, views and profiles in `engine.py`.
    """

    name = "Lifecycle"
