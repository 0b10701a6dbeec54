"""Personal data sealed under a key per complaint; erasing the key makes it unreadable everywhere."""

from __future__ import annotations

import hashlib
import os
from base64 import b64decode, b64encode
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder, Transcoding

from .domain.errors import InvalidInput
from .storage import ViewStore

PERSONAL = ("consumer", "text", "desired_outcome")
ERASED = "[erased]"


@dataclass(frozen=True)
class Sealed:
    """A personal value as stored: AES-GCM ciphertext (nonce first), base64."""

    data: str


class SealedAsText(Transcoding):
    """A sealed value in JSON."""

    type = Sealed
    name = "sealed"

    def encode(self, obj: Sealed) -> str:
        return obj.data

    def decode(self, data: str) -> Sealed:
        return Sealed(data)


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


class SealingMapper(Mapper[Any]):
    """Seals personal fields on the way to the store and opens them (or marks them erased) on the way back."""

    def __init__(self, transcoder: Transcoder, keys: KeyStore) -> None:
        super().__init__(transcoder)
        self.keys = keys

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        state = vars(domain_event)
        present = [f for f in PERSONAL if isinstance(state.get(f), str)]
        if not present:
            return super().to_stored_event(domain_event)
        complaint_id = domain_event.originator_id.hex
        key = self.keys.key(complaint_id, state.get("consumer"), create=True)
        if key is None:
            raise InvalidInput(
                f"the personal data of complaint {state.get('reference') or complaint_id} was erased; "
                "record the event without text"
            )
        sealed = dict(state)
        for name in present:
            sealed[name] = seal(key, state[name], complaint_id)
        copy = object.__new__(type(domain_event))
        object.__setattr__(copy, "__dict__", sealed)
        return super().to_stored_event(copy)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        event = super().to_domain_event(stored_event)
        state = vars(event)
        present = [f for f in PERSONAL if isinstance(state.get(f), Sealed)]
        if present:
            complaint_id = event.originator_id.hex
            key = self.keys.key(complaint_id)
            for name in present:
                state[name] = ERASED if key is None else self._open(key, state[name], complaint_id)
        return event

    @staticmethod
    def _open(key: bytes, sealed: Sealed, complaint_id: str) -> str:
        data = b64decode(sealed.data)
        return AESGCM(key).decrypt(data[:12], data[12:], complaint_id.encode()).decode()
