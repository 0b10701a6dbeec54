"""Stored states compressed with zstd under a dictionary trained on events; older JSON states read as they are.

A state of several hundred bytes of JSON takes a few dozen compressed. States written before compression
(JSON, `{` first) stay as they are and are read as they are."""

from __future__ import annotations

import threading
from functools import cache
from importlib.resources import files

import zstandard
from eventsourcing.persistence import Compressor

CURRENT = 32769
"""The id of the dictionary new states are compressed with (benchmarks/train_dictionary.py made it)."""
RELEASED = (CURRENT,)
"""Every dictionary ever used to write a store: each stays, since the states it compressed need it."""
MAGIC = b"\x28\xb5\x2f\xfd"
"""How every zstd frame begins (a JSON state begins with `{`)."""


_mine = threading.local()
"""zstd's compressors and decompressors are not safe to share between threads: each thread makes its own."""


@cache
def _dictionary_bytes(dict_id: int) -> bytes:
    return files("lifecycle.stores").joinpath(f"dictionaries/events-{dict_id}.zdict").read_bytes()


def _compressor() -> zstandard.ZstdCompressor:
    made: zstandard.ZstdCompressor | None = getattr(_mine, "compressor", None)
    if made is None:
        dictionary = zstandard.ZstdCompressionDict(_dictionary_bytes(CURRENT))
        made = _mine.compressor = zstandard.ZstdCompressor(
            level=3, dict_data=dictionary, write_checksum=False, write_content_size=True, write_dict_id=True
        )
    return made


def _decompressor(dict_id: int) -> zstandard.ZstdDecompressor:
    found: dict[int, zstandard.ZstdDecompressor] = getattr(_mine, "decompressors", None) or {}
    _mine.decompressors = found
    if dict_id not in found:
        found[dict_id] = zstandard.ZstdDecompressor(dict_data=zstandard.ZstdCompressionDict(_dictionary_bytes(dict_id)))
    return found[dict_id]


def packed(state: bytes) -> bytes:
    """A stored state (JSON) compressed under the current dictionary."""
    return _compressor().compress(state)


def plain(state: bytes | memoryview | str) -> bytes:
    """The JSON of a stored state, compressed or not (text left by an edit in SQL is taken as it is)."""
    state = state.encode() if isinstance(state, str) else bytes(state)
    if not state.startswith(MAGIC):
        return state
    dict_id = zstandard.get_frame_parameters(state).dict_id
    if dict_id not in RELEASED:
        raise ValueError(f"stored state compressed with unknown dictionary {dict_id}")
    return _decompressor(dict_id).decompress(state)


def plain_text(state: bytes | None) -> str | None:
    """The JSON text of a stored state (for SQLite's `lifecycle_json()`; NULL stays NULL)."""
    return None if state is None else plain(state).decode()


class EventCompressor(Compressor):
    """eventsourcing's compressor interface over `packed` and `plain`."""

    def compress(self, data: bytes) -> bytes:
        return packed(data)

    def decompress(self, data: bytes) -> bytes:
        return plain(data)
