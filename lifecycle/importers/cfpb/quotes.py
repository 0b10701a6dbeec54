"""Quotes that would merge rows: an export whose quoted field never closes is refused whole, before any row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from .encoding import Encoding


def merged_rows(path: Path, encoding: Encoding) -> str | None:
    """What is wrong when a quote would make one record of several rows: a record over several lines (a quoted
    field with line breaks, as narratives have) that a strict reading refuses, or a quote still open at the end
    of the file; None when there is none. One pass of the C reader (a few % of an import)."""
    with path.open(newline="", encoding=encoding.codec, errors=encoding.errors) as handle:
        kept: list[str] = []

        def lines() -> Iterator[str]:
            for text in handle:
                kept.append(text)
                yield text

        reader, start = csv.reader(lines()), 1
        for _ in reader:
            if len(kept) > 1 and (problem := _strictly(kept)) is not None:
                if "unexpected end of data" in problem:
                    return f"{start}: a quote opens here that nothing closes: the rest of the file reads as one field"
                return f"{start}: a quoted field runs over lines {start}-{reader.line_num} and is not closed: {problem}"
            start = reader.line_num + 1
            kept.clear()
    return None


def _strictly(lines: list[str]) -> str | None:
    """What a strict CSV reading of these lines refuses (None: nothing)."""
    try:
        for _ in csv.reader(io.StringIO("".join(lines), newline=""), strict=True):
            pass
    except csv.Error as error:
        return str(error)
    return None
