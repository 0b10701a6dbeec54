"""Consumers found by a keyed digest of their name: HMAC-SHA256 under a pepper ($LIFECYCLE_PEPPER or the store's)."""

from __future__ import annotations

import hashlib
import hmac
import os

from ..domain.errors import InvalidInput
from .view_store import ViewStore

PEPPER_VARIABLE = "LIFECYCLE_PEPPER"
PREFIX = "hmac:"
"""What a keyed digest starts with; a digest without it is the unsalted SHA-256 of stores before 0.3."""
CHECK = b"lifecycle-pepper-check"


def normalised(name: str) -> str:
    """A consumer's name as digests see it: lower case, spaces collapsed."""
    return " ".join(name.lower().split())


def legacy_digest(name: str) -> str:
    """The unsalted SHA-256 older stores kept (anyone guessing a name could confirm it): looked up, never written."""
    return hashlib.sha256(f"lifecycle-consumer:{normalised(name)}".encode()).hexdigest()


class Pepper:
    """The pepper of a store's consumer digests, resolved when first needed and checked against the store's."""

    def __init__(self, store: ViewStore) -> None:
        self.store = store
        self._pepper: bytes | None = None

    def digest(self, name: str | None) -> str | None:
        """The keyed digest a consumer's complaints are found by (None without a name)."""
        if not name:
            return None
        return PREFIX + hmac.new(self.pepper(), normalised(name).encode(), hashlib.sha256).hexdigest()

    def pepper(self) -> bytes:
        """$LIFECYCLE_PEPPER when set, else the store's own (made on first use); refused if not the store's."""
        if self._pepper is None:
            given = os.environ.get(PEPPER_VARIABLE) or None
            with self.store.transaction() as cursor:  # its table is made with the keys' (KeyStore)
                cursor.execute("SELECT pepper, checked FROM lifecycle_pepper")
                row = cursor.fetchone()
                kept = None if row is None or row[0] is None else bytes(row[0])
                pepper = given.encode() if given else kept or os.urandom(32)
                checked = hmac.new(pepper, CHECK, hashlib.sha256).hexdigest()
                if row is None:
                    cursor.execute("INSERT INTO lifecycle_pepper VALUES (?, ?)", (None if given else pepper, checked))
                elif row[1] != checked:
                    raise InvalidInput(
                        f"${PEPPER_VARIABLE} is not the pepper this store's consumer digests were made with: "
                        + ("set it as it was" if kept is None else "unset it (the store keeps its own)")
                    )
            self._pepper = pepper
        return self._pepper
