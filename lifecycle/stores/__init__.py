"""Where events, views, keys and references are kept: one database URL opens them all."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from eventsourcing.persistence import JSONTranscoder, Mapper, Transcoder

from ..domain.errors import InvalidInput
from .database import Database, resolve
from .keys import KeyStore
from .mapper import SealingMapper
from .references import ReferenceSequence
from .transcodings import DateAsISO, DeadlineAsDict, SealedAsText
from .view_store import ViewStore


class Stores:
    """The tables kept beside eventsourcing's events: views, keys and the reference sequence."""

    def __init__(self, url: str | None = None, create: bool = True) -> None:
        self.database: Database = resolve(url)
        absent = InvalidInput(f"no store at {self.database.path or self.database.shown} (only commands that record "
                              "create one)")  # fmt: skip
        if not create and self.database.kind == "sqlite" and not Path(self.database.path).is_file():
            raise absent  # before connecting, which would create the file
        self.tables = ViewStore(self.database, create)
        self.tables.connection()  # creates the PostgreSQL schema before eventsourcing connects
        if not create and self.database.kind != "memory" and not self.tables.has_events():
            self.tables.close()
            raise absent
        self.keys = KeyStore(self.tables)
        self.sequence = ReferenceSequence(self.tables)

    @property
    def read_only(self) -> str:
        """Why the store is read-only ("" when writable): asked for, a file or folder that cannot be written, or
        a PostgreSQL session that cannot write."""
        return self.tables.read_only

    @property
    def env(self) -> dict[str, str]:
        """eventsourcing's settings for this store: no table is created on a read-only store, nor when this start
        makes no tables (they exist: see schema.py)."""
        makes = self.tables.creating and not self.read_only
        return {**self.database.env, **({} if makes else {"CREATE_TABLE": "false"})}

    @staticmethod
    def register(transcoder: JSONTranscoder) -> None:
        """The transcodings of the values events carry that JSON does not know."""
        for transcoding in (SealedAsText(), DateAsISO(), DeadlineAsDict()):
            transcoder.register(transcoding)

    def mapper(self, transcoder: Transcoder) -> Mapper[UUID]:
        """A mapper that seals personal data under the complaint's key."""
        return SealingMapper(transcoder, self.keys)

    def close(self) -> None:
        """Release the connection of the tables."""
        self.tables.close()
