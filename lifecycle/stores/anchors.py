"""Anchors: a store's chain head (and links along the way) written outside it, signed, to check later."""

from __future__ import annotations

import hmac
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from ..domain.errors import InvalidInput
from .links import fingerprint

FORMAT = "lifecycle-anchor/1"
CHECKPOINTS = 1024
"""At most this many links along the chain besides the head: a rewrite is placed between two of them."""


@dataclass(frozen=True)
class Anchor:
    """A chain head as exported: its position, link and the links at checkpoints before it."""

    position: int
    link: str
    links: int
    """How many events the chain held."""
    key: str
    """The fingerprint of the chain's key ('none': not keyed)."""
    at: str
    store: str
    checkpoints: tuple[tuple[int, str], ...]
    signature: dict[str, str] | None = None
    source: str = ""
    """The file it was read from."""

    def body(self) -> dict[str, Any]:
        """What the signature covers."""
        return {
            "format": FORMAT,
            "store": self.store,
            "at": self.at,
            "position": self.position,
            "link": self.link,
            "links": self.links,
            "key": self.key,
            "checkpoints": [list(c) for c in self.checkpoints],
        }


def every(count: int) -> int:
    """The spacing of checkpoints for a chain of `count` links."""
    return max(1, math.ceil(count / CHECKPOINTS))


def canonical(body: dict[str, Any]) -> bytes:
    """The bytes a signature covers."""
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def signed(anchor: Anchor, private_key: Path | None, chain_key: bytes | None) -> dict[str, Any]:
    """The anchor as written: its body and an Ed25519 signature (a key file), else an HMAC under the chain key."""
    document: dict[str, Any] = {**anchor.body(), "signature": None}
    if private_key is not None:
        key = _private(private_key)
        public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
        document["signature"] = {
            "alg": "ed25519",
            "public_key": public,
            "value": key.sign(canonical(anchor.body())).hex(),
        }
    elif chain_key is not None:
        mac = hmac.digest(chain_key, canonical(anchor.body()), "sha256").hex()
        document["signature"] = {"alg": "hmac-sha256", "key": fingerprint(chain_key), "value": mac}
    return document


def _private(path: Path) -> Ed25519PrivateKey:
    try:
        key = load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise InvalidInput(f"{path}: not an unencrypted PEM private key ({error})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInput(f"{path}: not an Ed25519 key (make one: openssl genpkey -algorithm ed25519 -out {path})")
    return key


def load(path: Path) -> Anchor:
    """An anchor file, read; anything malformed is refused naming the file."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} file")
        return Anchor(
            int(document["position"]),
            str(document["link"]),
            int(document["links"]),
            str(document["key"]),
            str(document["at"]),
            str(document["store"]),
            tuple((int(p), str(link)) for p, link in document["checkpoints"]),
            document.get("signature"),
            str(path),
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InvalidInput(f"{path}: not a readable anchor ({error})") from None


def signature_problem(anchor: Anchor, public_key: Path | None, chain_key: bytes | None) -> str | None:
    """Why the anchor's signature does not hold (None when it holds, or when there is none to check)."""
    sig = anchor.signature
    if sig is None:
        return "it is not signed" if public_key is not None else None
    message = canonical(anchor.body())
    if sig.get("alg") == "ed25519":
        trusted = _public(public_key) if public_key else sig.get("public_key", "")
        try:
            Ed25519PublicKey.from_public_bytes(bytes.fromhex(trusted)).verify(bytes.fromhex(sig["value"]), message)
        except (InvalidSignature, ValueError, KeyError):
            return "its Ed25519 signature does not hold" + (" under the given public key" if public_key else "")
        return None
    if sig.get("alg") == "hmac-sha256":
        if chain_key is None:
            return None if public_key is None else "it is signed with an HMAC key, not an Ed25519 key"
        good = hmac.compare_digest(hmac.digest(chain_key, message, "sha256").hex(), sig.get("value", ""))
        return None if good else "its HMAC signature does not hold under the chain key"
    return f"unknown signature algorithm {sig.get('alg')!r}"


def _public(path: Path) -> str:
    try:
        key = load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as error:
        raise InvalidInput(f"{path}: not a PEM public key ({error})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput(f"{path}: not an Ed25519 public key")
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
