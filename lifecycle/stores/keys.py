"""Personal data sealed under a key per complaint; erasing the key makes it unreadable everywhere."""

from __future__ import annotations

import hashlib
import os
from base64 import b64decode, b64encode
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..domain.errors import InvalidInput
from .view_store import ViewStore

PERSONAL = ("consumer", "text", "desired_outcome")
ERASED = "[erased]"


@dataclass(frozen=True)
class Sealed:
    """A personal value as stored: AES-GCM ciphertext (nonce first), base64."""

    data: str


def consumer_digest(name: str | None) -> str | None:
    """How a consumer is found for erasure without storing the name in clear."""
    if not name:
        return None
    return hashlib.sha256(f"lifecycle-consumer:{' '.join(name.lower().split())}".encode()).hexdigest()


class KeyStore:
    """One 256-bit key per complaint, beside the consumer's digest; erasure deletes keys."""

    def __init__(self, store: ViewStore) -> None:
        self.store = store
        self._cache: dict[str, bytes | None] | None = None
        if store.read_only or not store.creating:  # read-only, or the table exists (checked on connecting)
            return
        with store.transaction() as cursor:
            blob = "BLOB" if store.dialect == "sqlite" else "BYTEA"
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS lifecycle_keys (complaint_id TEXT PRIMARY KEY, consumer TEXT, key {blob})"
            )
            cursor.execute("CREATE INDEX IF NOT EXISTS lifecycle_keys_by_consumer ON lifecycle_keys (consumer)")

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
            with self.store.transaction() as cursor:
                cursor.execute(
                    "INSERT INTO lifecycle_keys VALUES (?, ?, ?) ON CONFLICT (complaint_id) DO NOTHING",
                    (complaint_id, consumer_digest(consumer), os.urandom(32)),
                )
        rows = self.store.query("SELECT key FROM lifecycle_keys WHERE complaint_id = ?", (complaint_id,))
        return bytes(rows[0][0]) if rows and rows[0][0] is not None else None

    def keys_for(self, complaint_ids: list[str]) -> dict[str, bytes]:
        """Many complaints' keys at once, made where missing (a key left by a killed import is used again)."""
        if not complaint_ids:
            return {}
        with self.store.transaction() as cursor:
            cursor.executemany(
                "INSERT INTO lifecycle_keys VALUES (?, NULL, ?) ON CONFLICT (complaint_id) DO NOTHING",
                [(i, os.urandom(32)) for i in complaint_ids],
            )
        keys: dict[str, bytes] = {}
        for start in range(0, len(complaint_ids), 500):
            chunk = complaint_ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            for complaint_id, key in self.store.query(
                f"SELECT complaint_id, key FROM lifecycle_keys WHERE complaint_id IN ({marks})", chunk
            ):
                if key is None:
                    raise InvalidInput(f"the personal data of complaint {complaint_id} was erased; not imported again")
                keys[complaint_id] = bytes(key)
        return keys

    def held(self, consumer: str) -> list[str]:
        """The complaints (ids, hex) of this consumer whose key still exists: what erasing the consumer destroys."""
        rows = self.store.query(
            "SELECT complaint_id FROM lifecycle_keys WHERE consumer = ? AND key IS NOT NULL ORDER BY complaint_id",
            (consumer_digest(consumer),),
        )
        return [str(row[0]) for row in rows]

    def erase(self, complaint_ids: list[str] | None = None, consumer: str | None = None) -> int:
        """Destroy the keys of these complaints, or of every complaint of this consumer."""
        with self.store.transaction() as cursor:
            if consumer is not None:
                cursor.execute(
                    "UPDATE lifecycle_keys SET key = NULL WHERE consumer = ? AND key IS NOT NULL",
                    (consumer_digest(consumer),),
                )
                return int(cursor.rowcount)
            erased = 0
            for complaint_id in complaint_ids or []:
                cursor.execute(
                    "INSERT INTO lifecycle_keys VALUES (?, NULL, NULL) ON CONFLICT (complaint_id) "
                    "DO UPDATE SET key = NULL",
                    (complaint_id,),
                )
                erased += 1
            return erased


def seal(key: bytes, text: str, complaint_id: str) -> Sealed:
    """`text` under the complaint's key: AES-GCM with a fresh nonce, the complaint id as associated data."""
    nonce = os.urandom(12)
    return Sealed(b64encode(nonce + AESGCM(key).encrypt(nonce, text.encode(), complaint_id.encode())).decode())


def open_sealed(key: bytes, sealed: Sealed, complaint_id: str) -> str:
    """The text `seal` sealed."""
    data = b64decode(sealed.data)
    return AESGCM(key).decrypt(data[:12], data[12:], complaint_id.encode()).decode()
