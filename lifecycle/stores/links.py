"""The keyed hash chain: each event's link covers its position, its stored bytes and the link before it.

Links are written only by the write path, in the transaction that inserts the events, so a crash leaves
events and links together or neither; an event without a link was recorded outside the write path. With
$LIFECYCLE_CHAIN_KEY set, links are HMAC-SHA256 under that key, and no one without it can link a forged
or edited event; without it they are the same HMAC under a public key, and only anchors (`lifecycle
anchor`) kept outside the store can contradict a rewrite.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..domain.errors import LifecycleError

KEY_ENV = "LIFECYCLE_CHAIN_KEY"
PUBLIC = b"lifecycle hash chain, version 2"
"""The HMAC key of a store whose chain is not keyed (public: anyone can recompute such links)."""
GENESIS = bytes(32)
UNKEYED = "none"
LINKS = "lifecycle_links"
META = "lifecycle_chain_meta"


class ChainRefused(LifecycleError):
    """The write path cannot link: the key differs from the store's, or the chain already holds a position."""


def chain_key() -> bytes | None:
    """The chain's key from $LIFECYCLE_CHAIN_KEY (None when unset or empty)."""
    value = os.environ.get(KEY_ENV, "")
    return value.encode() if value else None


def fingerprint(key: bytes | None) -> str:
    """A short name of a key that reveals nothing of it ('none' for the public key)."""
    if key is None:
        return UNKEYED
    return hmac.digest(key, b"lifecycle chain key fingerprint", "sha256").hex()[:16]


@dataclass(frozen=True, slots=True)
class Row:
    """An event as the chain covers it: its position (notification id) and its stored form."""

    position: int
    originator_id: str
    """32 hex digits."""
    version: int
    topic: str
    state: bytes


def link(key: bytes | None, previous: bytes, row: Row) -> bytes:
    """The link of `row` after the link `previous`."""
    head = f"{row.position}\x1f{row.originator_id}\x1f{row.version}\x1f{row.topic}\x1f".encode()
    return hmac.digest(key or PUBLIC, previous + head + bytes(row.state), "sha256")


def create_statements(table: str = LINKS, meta: str = META, postgres: bool = False) -> list[str]:
    """The chain's tables: one link per position (on SQLite the table's own key, no index beside), and the key's
    fingerprint."""
    position, blob = ("BIGINT", "BYTEA") if postgres else ("INTEGER", "BLOB")
    return [
        f"CREATE TABLE IF NOT EXISTS {table} (position {position} PRIMARY KEY, link {blob} NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {meta} (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ]


def _value(row: Any, index: int, name: str) -> Any:
    return row[name] if isinstance(row, dict) else row[index]


class Linker:
    """Links the events one write transaction inserts, inside that transaction."""

    def __init__(self, mark: str = "?", table: str = LINKS, meta: str = META) -> None:
        self.mark, self.table, self.meta = mark, table, meta
        self.key = chain_key()
        self.checked = False

    def link(self, cursor: Any, rows: Sequence[Row]) -> None:
        """Write the links of `rows` (this transaction's events, in position order) after the last link."""
        if not rows:
            return
        cursor.execute(self.last_link)
        self.link_after(cursor, cursor.fetchone(), rows)

    @property
    def last_link(self) -> str:
        """The statement that reads the chain's last link (position, link), none before the first."""
        return f"SELECT position, link FROM {self.table} ORDER BY position DESC LIMIT 1"

    def link_after(self, cursor: Any, last: Any, rows: Sequence[Row]) -> None:
        """Write the links of `rows` after `last`, the chain's last link as `last_link` read it in this
        transaction (None before the first)."""
        if not rows:
            return
        self._check_key(cursor)
        previous = bytes(_value(last, 1, "link")) if last else GENESIS
        if last and int(_value(last, 0, "position")) >= rows[0].position:
            raise ChainRefused(
                f"the hash chain already reaches position {_value(last, 0, 'position')}: events after it were "
                "removed; nothing recorded (run `lifecycle verify`)"
            )
        links = []
        for row in rows:
            previous = link(self.key, previous, row)
            links.append((row.position, previous))
        marks = f"({self.mark}, {self.mark})"
        cursor.executemany(f"INSERT INTO {self.table} (position, link) VALUES {marks}", links)

    def _check_key(self, cursor: Any) -> None:
        if self.checked:
            return
        cursor.execute(f"SELECT value FROM {self.meta} WHERE name = 'key'")
        found = cursor.fetchone()
        mine = fingerprint(self.key)
        if found is None:
            cursor.execute(f"INSERT INTO {self.meta} (name, value) VALUES ('key', {self.mark})", (mine,))
        elif _value(found, 0, "value") != mine:
            raise ChainRefused(f"{key_mismatch(_value(found, 0, 'value'), mine)} (nothing recorded)")
        self.checked = True


Query = Callable[[str, Sequence[Any]], Sequence[Any]]
"""Rows of a read-only statement on the store that holds the links."""


def read_links(query: Query, after: int, limit: int) -> list[tuple[int, bytes]]:
    """Links after a position, in position order."""
    rows = query(f"SELECT position, link FROM {LINKS} WHERE position > ? ORDER BY position LIMIT ?", (after, limit))
    return [(int(p), bytes(v)) for p, v in rows]


def stored_fingerprint(query: Query) -> str | None:
    """The fingerprint of the key the store's chain is linked with (None before its first link)."""
    rows = query(f"SELECT value FROM {META} WHERE name = 'key'", ())
    return str(rows[0][0]) if rows else None


def key_mismatch(store: str, given: str) -> str:
    """Why a key does not fit a store's chain, in words."""
    if store == UNKEYED:
        return f"this store's hash chain is not keyed: unset {KEY_ENV} to record or verify"
    if given == UNKEYED:
        return f"this store's hash chain is keyed (key {store}): set {KEY_ENV} to its key"
    return f"{KEY_ENV} is key {given}, but this store's hash chain is keyed with key {store}"
