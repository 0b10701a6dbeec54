"""Train the zstd dictionary stored events are compressed with, from stores of representative events.

A dictionary, once released, is frozen: every store compressed with it needs it to be read. A new one takes a
new id (stores/compact.py keeps every released dictionary and picks the one each stored state names).

    python -m benchmarks.train_dictionary --id 32769 --out lifecycle/stores/dictionaries/events-32769.zdict \
        STORE.db [STORE.db ...]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
from pathlib import Path

import zstandard

SIZE = 32768
"""Bytes of dictionary: the knee of size against compression on the bundled stores."""


def samples(paths: list[str], per_store: int, seed: int) -> list[bytes | bytearray | memoryview]:
    """Up to `per_store` random stored states (uncompressed JSON) of each SQLite store."""
    rng = random.Random(seed)
    found: list[bytes | bytearray | memoryview] = []
    for path in paths:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            rows = [bytes(r[0]) for r in conn.execute("SELECT state FROM stored_events")]
        rows = [r for r in rows if r.startswith(b"{")]
        found += rng.sample(rows, min(per_store, len(rows)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stores", nargs="+")
    parser.add_argument("--id", type=int, required=True, help="the dictionary's id (32768-65535)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--per-store", type=int, default=30000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data = samples(args.stores, args.per_store, args.seed)
    trained = zstandard.train_dictionary(SIZE, data, dict_id=args.id, level=3)
    args.out.write_bytes(trained.as_bytes())
    print(f"{args.out}: {len(trained.as_bytes())} bytes from {len(data)} stored states of {len(args.stores)} stores")


if __name__ == "__main__":
    main()
