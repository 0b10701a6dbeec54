"""Stored states: compressed under the released dictionary, and older JSON states read as they are."""

from __future__ import annotations

import threading

import orjson
import pytest
import zstandard

from lifecycle.stores.compact import CURRENT, MAGIC, packed, plain
from lifecycle.stores.stored import Record

STATE = orjson.dumps(
    {
        "at": {"_type_": "datetime_iso", "_data_": "2024-03-04T09:00:00-05:00"},
        "deadline": None,
        "actor": "business",
        "state": "answered",
        "event": "responded",
        "facts": {},
        "by": "clerk",
        "timestamp": {"_type_": "datetime_iso", "_data_": "2026-11-25T03:16:02.752212+00:00"},
    }
)


def test_a_state_packs_into_far_fewer_bytes_and_opens_to_the_same_json() -> None:
    stored = packed(STATE)
    assert stored.startswith(MAGIC) and len(stored) * 3 < len(STATE)
    assert zstandard.get_frame_parameters(stored).dict_id == CURRENT
    assert plain(stored) == STATE


def test_a_json_state_of_an_older_store_reads_as_it_is() -> None:
    assert plain(STATE) == STATE
    assert plain(memoryview(STATE)) == STATE and plain(STATE.decode()) == STATE
    old, new = Record(1, "ab" * 16, 1, "t", STATE), Record(2, "ab" * 16, 2, "t", packed(STATE))
    assert old.data == new.data == orjson.loads(STATE) and old.json == new.json == STATE


def test_a_state_under_an_unknown_dictionary_is_refused_not_misread() -> None:
    other = zstandard.ZstdCompressor(dict_data=zstandard.train_dictionary(1024, [STATE * (n + 1) for n in range(200)],
                                                                          dict_id=40000))  # fmt: skip
    with pytest.raises(ValueError, match="unknown dictionary 40000"):
        plain(other.compress(STATE))


def test_threads_pack_and_open_states_at_once_without_mixing_them_up() -> None:
    """zstd's compressor and decompressor objects are not safe to share: each thread has its own."""
    states = [STATE.replace(b"clerk", f"clerk {n}".encode() * (n % 7 + 1)) for n in range(64)]
    failures: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for round_ in range(300):
                state = states[(offset + round_) % len(states)]
                assert plain(packed(state)) == state
        except BaseException as error:  # noqa: BLE001 (collected for the main thread)
            failures.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
