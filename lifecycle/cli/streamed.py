"""Output written as it is made: to stdout, or to a file that takes its place whole once every part is written.

`export` writes every event of a store; holding its text until the end would hold the store. The JSON document
is written in parts that make, together, the same text as `json.dumps(document, indent=2)`.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

import click

from .base import fail

Write = Callable[[str], Any]
T = TypeVar("T")


@contextmanager
def streamed(out: Path | None) -> Iterator[Write]:
    """Where text goes as it is made: stdout, or `out` (written beside it and moved in place at the end, so a
    command that fails leaves the file as it was; a device, a pipe or a link is written through)."""
    if out is None:
        yield lambda text: click.echo(text, nl=False)
        return
    through = out.is_symlink() or (out.exists() and not out.is_file())
    target = out if through else out.with_name(f".{out.name}.{os.getpid()}.part")
    try:
        handle = open(target, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 - closed below, then moved
    except OSError as error:
        fail(f"cannot write {out}: {error.strerror or error}")
    try:
        with handle:
            yield handle.write
        if not through:
            if out.exists():
                shutil.copymode(out, target)
            os.replace(target, out)
    except OSError as error:
        fail(f"cannot write {out}: {error.strerror or error}")
    finally:
        if not through:
            target.unlink(missing_ok=True)


def pages(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Items in lists of `size` (the last may be shorter)."""
    found = iter(items)
    while page := list(islice(found, size)):
        yield page


class JsonLines:
    """Documents written as JSON lines, a part at a time."""

    def __init__(self, write: Write) -> None:
        self.write = write

    def add(self, documents: Iterable[dict[str, Any]]) -> None:
        """Documents, a line each."""
        self.write("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents))

    def close(self) -> None:
        """Nothing ends JSON lines."""


class JsonList:
    """`{"name": [...]}` written a part at a time, the same text as `json.dumps` with `indent=2` and a newline."""

    def __init__(self, write: Write, name: str) -> None:
        self.write, self.name, self.count = write, name, 0

    def add(self, documents: Iterable[dict[str, Any]]) -> None:
        """Documents appended to the list."""
        parts = []
        for d in documents:
            head = f"{{\n  {json.dumps(self.name)}: [\n    " if self.count == 0 else ",\n    "
            parts.append(head + json.dumps(d, indent=2, ensure_ascii=False).replace("\n", "\n    "))
            self.count += 1
        self.write("".join(parts))

    def close(self) -> None:
        """The end of the list and of the document."""
        self.write(f"{{\n  {json.dumps(self.name)}: []\n}}\n" if self.count == 0 else "\n  ]\n}\n")
