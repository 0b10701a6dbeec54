"""Generated references C-000001, C-000002, ...: each number taken once, atomically, in the store."""

from __future__ import annotations

from .view_store import ViewStore


class ReferenceSequence:
    """A counter row per prefix; taking a number is one statement, whatever the store holds."""

    def __init__(self, store: ViewStore, prefix: str = "C") -> None:
        self.store, self.prefix = store, prefix
        if store.read_only or not store.creating:  # read-only, or the table exists (checked on connecting)
            return
        with store.transaction() as cursor:
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS lifecycle_sequences (name TEXT PRIMARY KEY, last BIGINT NOT NULL)"
            )

    def next(self) -> str:
        """The next reference; a number is never handed out twice (a refused filing may leave a gap)."""
        with self.store.transaction() as cursor:
            cursor.execute(
                "INSERT INTO lifecycle_sequences VALUES (?, 1) ON CONFLICT (name) "
                "DO UPDATE SET last = lifecycle_sequences.last + 1 RETURNING last",
                (self.prefix,),
            )
            number = int(cursor.fetchone()[0])
        return f"{self.prefix}-{number:06d}"
