"""Personal data sealed under a key per complaint; erasing the key makes it unreadable everywhere."""

from __future__ import annotations

import os
from base64 import b64decode, b64encode
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..domain.errors import InvalidInput
from .pepper import PREFIX, Pepper, legacy_digest
from .scrub import durable, scrub, synchronous
from .view_store import Cursor, ViewStore

PERSONAL = ("consumer", "text", "desired_outcome")
ERASED = "[erased]"


@dataclass(frozen=True)
class Sealed:
    """A personal value as stored: AES-GCM ciphertext (nonce first), base64."""

    data: str


class KeyStore:
    """One 256-bit key per complaint, beside the consumer's keyed digest; erasure destroys keys and digests.

    A destroyed key's row stays, keyless, naming the certificate (`erased_by`) of the erasure that destroyed it."""

    def __init__(self, store: ViewStore) -> None:
        self.store, self.pepper = store, Pepper(store)
        self._cache: dict[str, bytes | None] | None = None
        if store.read_only or not store.creating:  # read-only, or the table exists (checked on connecting)
            return
        with store.transaction() as cursor:
            blob = "BLOB" if store.dialect == "sqlite" else "BYTEA"
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS lifecycle_keys (complaint_id TEXT PRIMARY KEY, consumer TEXT, key {blob}, "
                "erased_by TEXT)"
            )
            cursor.execute("CREATE INDEX IF NOT EXISTS lifecycle_keys_by_consumer ON lifecycle_keys (consumer)")
            cursor.execute(f"CREATE TABLE IF NOT EXISTS lifecycle_pepper (pepper {blob}, checked TEXT NOT NULL)")
            if "erased_by" not in self._columns(cursor):  # a store before erasure certificates
                cursor.execute("ALTER TABLE lifecycle_keys ADD COLUMN erased_by TEXT")

    def _columns(self, cursor: Cursor) -> set[str]:
        """The columns of lifecycle_keys."""
        if self.store.dialect == "sqlite":
            cursor.execute("PRAGMA table_info(lifecycle_keys)")
            return {str(row[1]) for row in cursor.fetchall()}
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?",
            (self.store.database.schema, "lifecycle_keys"),
        )
        return {str(row[0]) for row in cursor.fetchall()}

    @contextmanager
    def cached(self) -> Iterator[None]:
        """Within one command, look each complaint's key up once (erasure elsewhere applies to the next)."""
        outer = self._cache is not None
        if not outer:
            self._cache = {}
        try:
            yield
        finally:
            if not outer:
                self._cache = None

    def key(self, complaint_id: str, consumer: str | None = None, create: bool = False) -> bytes | None:
        """The complaint's key (made when first needed); None once erased (the row stays, keyless)."""
        if self._cache is not None and self._cache.get(complaint_id) is not None:
            return self._cache[complaint_id]
        found = self._key(complaint_id, consumer, create)
        if self._cache is not None:
            self._cache[complaint_id] = found
        return found

    def _key(self, complaint_id: str, consumer: str | None, create: bool) -> bytes | None:
        if create:
            digest = self.pepper.digest(consumer)
            with self.store.transaction() as cursor:
                synchronous(cursor, self.store.dialect)
                cursor.execute(
                    "INSERT INTO lifecycle_keys VALUES (?, ?, ?, NULL) ON CONFLICT (complaint_id) DO NOTHING",
                    (complaint_id, digest, os.urandom(32)),
                )
        rows = self.store.query("SELECT key FROM lifecycle_keys WHERE complaint_id = ?", (complaint_id,))
        return bytes(rows[0][0]) if rows and rows[0][0] is not None else None

    def prefetch(self, consumers: dict[str, str | None]) -> None:
        """Within `cached`: the keys of many complaints (id in hex -> consumer named at filing, if any) looked up
        at once, made where missing, as a bulk save needs them (one transaction, not one per complaint)."""
        if self._cache is None or not consumers:
            return
        wanted = [i for i in consumers if self._cache.get(i) is None]
        rows = [(i, self.pepper.digest(consumers[i]), os.urandom(32)) for i in wanted]  # digests first: the pepper
        with self.store.transaction() as cursor:  # may be read in a transaction of its own
            synchronous(cursor, self.store.dialect)
            cursor.executemany(
                "INSERT INTO lifecycle_keys VALUES (?, ?, ?, NULL) ON CONFLICT (complaint_id) DO NOTHING", rows
            )
        for complaint_id, key, _ in self._rows(wanted):
            self._cache[str(complaint_id)] = None if key is None else bytes(key)

    def existing(self, complaint_ids: list[str]) -> dict[str, bytes]:
        """The keys of these complaints that exist and are not destroyed (none made)."""
        return {str(i): bytes(key) for i, key, _ in self._rows(complaint_ids) if key is not None}

    def _rows(self, complaint_ids: list[str]) -> Iterator[tuple[str, bytes | None, str | None]]:
        """The rows (complaint id, key, consumer digest) of these complaints that have one, read 500 ids a query."""
        for start in range(0, len(complaint_ids), 500):
            chunk = complaint_ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            yield from self.store.query(
                f"SELECT complaint_id, key, consumer FROM lifecycle_keys WHERE complaint_id IN ({marks})", chunk
            )

    def keys_for(self, complaint_ids: list[str]) -> dict[str, bytes]:
        """Many complaints' keys at once, made where missing (a key left by a killed import is used again)."""
        if not complaint_ids:
            return {}
        with self.store.transaction() as cursor:
            synchronous(cursor, self.store.dialect)
            cursor.executemany(
                "INSERT INTO lifecycle_keys VALUES (?, NULL, ?, NULL) ON CONFLICT (complaint_id) DO NOTHING",
                [(i, os.urandom(32)) for i in complaint_ids],
            )
        keys: dict[str, bytes] = {}
        for complaint_id, key, _ in self._rows(complaint_ids):
            if key is None:
                raise InvalidInput(f"the personal data of complaint {complaint_id} was erased; not imported again")
            keys[complaint_id] = bytes(key)
        return keys

    def held(self, consumer: str) -> list[str]:
        """The complaints (ids, hex) of this consumer whose key still exists: what erasing the consumer destroys.

        Found by the keyed digest, and by the unsalted one of stores before 0.3 until `rekeyed` replaces it."""
        rows = self.store.query(
            "SELECT complaint_id FROM lifecycle_keys WHERE consumer IN (?, ?) AND key IS NOT NULL "
            "ORDER BY complaint_id",
            (self.pepper.digest(consumer), legacy_digest(consumer)),
        )
        return [str(row[0]) for row in rows]

    def standing(self, complaint_ids: list[str]) -> dict[str, bool]:
        """Of these complaints, those whose key is not destroyed (none made yet counts), each with whether a
        consumer digest is kept beside it."""
        found: dict[str, bool] = dict.fromkeys(complaint_ids, False)
        for complaint_id, key, consumer in self._rows(complaint_ids):
            if key is None:
                del found[complaint_id]
            else:
                found[complaint_id] = consumer is not None
        return found

    def destroy(self, complaint_ids: list[str], certificate: str) -> list[str]:
        """Destroy these complaints' keys and consumer digests (durably), naming the certificate, then scrub the
        store's files of the old bytes; what is left for the operator to do, said in words."""
        with durable(self.store) as cursor:
            cursor.executemany(
                "INSERT INTO lifecycle_keys VALUES (?, NULL, NULL, ?) ON CONFLICT (complaint_id) "
                "DO UPDATE SET key = NULL, consumer = NULL, erased_by = excluded.erased_by",
                [(complaint_id, certificate) for complaint_id in complaint_ids],
            )
            # keys destroyed before 0.3 left their (unsalted) digest: nothing may confirm an erased name
            cursor.execute("UPDATE lifecycle_keys SET consumer = NULL WHERE key IS NULL AND consumer IS NOT NULL")
        if self._cache is not None:
            self._cache.clear()
        return scrub(self.store)

    def unsalted(self) -> list[str]:
        """The complaints whose consumer digest is still the unsalted one of stores before 0.3."""
        rows = self.store.query(
            "SELECT complaint_id FROM lifecycle_keys WHERE consumer IS NOT NULL AND consumer NOT LIKE ? "
            "AND key IS NOT NULL",
            (PREFIX + "%",),
        )
        return [str(row[0]) for row in rows]

    def rekeyed(self, consumers: dict[str, str | None]) -> None:
        """Replace unsalted digests by keyed ones (complaint id -> the consumer's name, opened with its key)."""
        with self.store.transaction() as cursor:
            synchronous(cursor, self.store.dialect)
            cursor.executemany(
                "UPDATE lifecycle_keys SET consumer = ? WHERE complaint_id = ?",
                [(self.pepper.digest(name), complaint_id) for complaint_id, name in consumers.items()],
            )

    def destroyed(self) -> list[tuple[str, str | None]]:
        """Every destroyed key's complaint (id, hex), with the certificate that destroyed it (None before 0.3)."""
        rows = self.store.query(
            "SELECT complaint_id, erased_by FROM lifecycle_keys WHERE key IS NULL ORDER BY complaint_id"
        )
        return [(str(row[0]), None if row[1] is None else str(row[1])) for row in rows]


def seal(key: bytes, text: str, complaint_id: str) -> Sealed:
    """`text` under the complaint's key: AES-GCM with a fresh nonce, the complaint id as associated data."""
    nonce = os.urandom(12)
    return Sealed(b64encode(nonce + AESGCM(key).encrypt(nonce, text.encode(), complaint_id.encode())).decode())


def open_sealed(key: bytes, sealed: Sealed, complaint_id: str) -> str:
    """The text `seal` sealed."""
    data = b64decode(sealed.data)
    return AESGCM(key).decrypt(data[:12], data[12:], complaint_id.encode()).decode()
