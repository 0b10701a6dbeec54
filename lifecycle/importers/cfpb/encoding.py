"""An export's text encoding, told before a row is read: UTF-8 (with a BOM or not), else plausible cp1252, else refused.

One pass over the bytes, in blocks: control characters are looked for in every block (a C-speed
`translate`), and the blocks are decoded as UTF-8 until the first byte that is not (then no more).
A file with a C0 control character other than tab, CR and LF (NUL: binary, UTF-16) is no reading's
text and is refused, naming that byte; one that is not UTF-8 but has none is read as cp1252 (the
bytes cp1252 leaves undefined as latin-1), with a warning naming its first non-UTF-8 byte.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from ...domain.errors import InvalidInput

BLOCK = 1 << 20
"""Bytes read at a time: the whole file is never held in memory."""
LATIN1_FALLBACK = "lifecycle-cfpb-latin1"
"""The error handler cp1252 is read with: a byte it leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) reads as latin-1."""
TEXT_BYTES = bytes(b for b in range(256) if b >= 0x20 or b in b"\t\n\r")
CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _as_latin1(error: UnicodeError) -> tuple[str, int]:
    """The bytes cp1252 cannot decode, read as latin-1 (each byte the code point of its value)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error(LATIN1_FALLBACK, _as_latin1)


@dataclass(frozen=True)
class Encoding:
    """How to open one export: the codec, its error handler, and the warning a fallback earns (None for UTF-8)."""

    codec: str = "utf-8-sig"
    errors: str = "strict"
    warning: str | None = None


UTF8 = Encoding()


@dataclass
class _Scan:
    """What the blocks read so far showed: their bytes and lines, and the first byte that is not UTF-8."""

    path: Path
    lines: int = 0
    carry: bytes = b""
    """The start of a UTF-8 sequence the last block cut off (it has no newline: its bytes are all >= 0x80)."""
    carry_line: int = 0
    not_utf8: tuple[int, int] | None = None
    """The first byte that is not UTF-8, and its line."""

    def feed(self, block: bytes) -> None:
        """One more block: refused at a control character, decoded as UTF-8 while it still is."""
        if block.translate(None, TEXT_BYTES):
            found = CONTROL.search(block)
            assert found is not None
            line = self.lines + block.count(b"\n", 0, found.start()) + 1
            raise InvalidInput(f"{self.path}: not UTF-8 (byte 0x{block[found.start()]:02x} at line {line})")
        if self.not_utf8 is None:
            self._decode(self.carry + block)
        self.lines += block.count(b"\n")

    def _decode(self, data: bytes) -> None:
        """Decode `data` as UTF-8, keeping a sequence cut off at its end for the next block."""
        self.carry = b""
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = self.lines + data.count(b"\n", 0, error.start) + 1
            if error.reason == "unexpected end of data" and error.end == len(data):
                self.carry, self.carry_line = data[error.start :], line
            else:
                self.not_utf8 = data[error.start], line

    def encoding(self) -> Encoding:
        """UTF-8 when every byte was, else cp1252 with a warning naming the first byte that was not."""
        if self.not_utf8 is None and self.carry:  # the file ends inside a UTF-8 sequence
            self.not_utf8 = self.carry[0], self.carry_line
        if self.not_utf8 is None:
            return UTF8
        byte, line = self.not_utf8
        return Encoding("cp1252", LATIN1_FALLBACK, f"read as cp1252 (not UTF-8: byte 0x{byte:02x} at line {line})")


def detect(path: Path, block: int = BLOCK) -> Encoding:
    """How to read `path`: UTF-8 when it is, cp1252 (with a warning) when it is plausible text; else InvalidInput
    naming the first control character: `FILE: not UTF-8 (byte 0x00 at line 3)`."""
    scan = _Scan(path)
    with path.open("rb") as handle:
        while data := handle.read(block):
            scan.feed(data)
    return scan.encoding()
