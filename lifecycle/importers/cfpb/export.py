"""Reading CFPB complaint exports: every published layout, one row at a time, each bad row named."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ...domain.errors import InvalidInput
from .encoding import Encoding, detect

COLUMNS = {
    "complaint id": "complaint_id",
    "date received": "received",
    "date sent to company": "sent",
    "product": "product",
    "sub-product": "sub_product",
    "issue": "issue",
    "sub-issue": "sub_issue",
    "consumer complaint narrative": "narrative",
    "company public response": "company_public_response",
    "company": "company",
    "state": "state",
    "zip code": "zip_code",
    "tags": "tags",
    "consumer consent provided?": "consumer_consent",
    "submitted via": "submitted_via",
    "company response": "response",
    "company response to consumer": "response",
    "timely response?": "timely",
    "consumer disputed?": "disputed",
}
"""Published column names (every layout) -> one name each; a leading unnamed index column is skipped."""

REQUIRED = ("received", "sent", "product", "response", "timely")
DETAILS = (
    "sub_product",
    "issue",
    "sub_issue",
    "state",
    "zip_code",
    "submitted_via",
    "tags",
    "consumer_consent",
    "company_public_response",
    "complaint_id",
)
"""Columns kept on the filing as published details (the narrative is personal data and sealed instead)."""
DETAIL_SET = frozenset(DETAILS)


@dataclass(frozen=True)
class ExportRow:
    """One complaint as an export shows it."""

    line: int
    reference: str
    received: date
    sent: date
    company: str | None
    product: str
    response: str
    timely: bool
    disputed: str
    narrative: str | None
    details: dict[str, str] = field(default_factory=dict)
    as_of: date | None = None
    """The day the export knows the row's history up to (None: the newest day the row itself shows)."""
    quirks: tuple[str, ...] = ()
    """What the reader had to make of the row (a short row's missing trailing columns read as empty)."""


@dataclass(frozen=True)
class BadRow:
    """A row that could not be read, and why."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


class FlaggedRow(BadRow):
    """A row imported with what the history could not hold as published flagged (its quirks)."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: warning: {self.reason}"


class FileWarning(FlaggedRow):
    """A file imported with what its reading had to assume flagged (line 0: before its rows)."""

    def __str__(self) -> str:
        return f"{self.path}: warning: {self.reason}"


class Dates:
    """M/D/YYYY, YYYY/M/D and ISO dates, each distinct text parsed once."""

    def __init__(self) -> None:
        self.seen: dict[str, date] = {}

    def __call__(self, text: str) -> date:
        found = self.seen.get(text)
        if found is None:
            found = self.seen[text] = parse_date(text)
        return found


def parse_date(text: str) -> date:
    """A date in any layout the exports use; anything else is refused."""
    value = text.strip()
    parts = [part.strip() for part in value.split("/")]
    if len(parts) == 3 and len(parts[0]) != 4 and parts[2].isdigit() and len(parts[2]) < 4:  # M/D/YY: 1916? 2016?
        digits = ("a one-digit", "a two-digit", "a three-digit")[len(parts[2]) - 1]
        raise InvalidInput(f"{text!r} has {digits} year: write the year with four digits")
    try:
        if "/" in value:
            a, b, c = parts
            return date(int(a), int(b), int(c)) if len(a) == 4 else date(int(c), int(a), int(b))
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"not a date: {text!r}") from None


def columns(path: Path, header: list[str]) -> dict[str, int]:
    """Where each known column is; a missing required column is an error naming the file."""
    found: dict[str, int] = {}
    for number, name in enumerate(header):
        key = COLUMNS.get(name.strip().lower())
        if key is not None and key not in found:
            found[key] = number
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        raise InvalidInput(f"{path}:1: not a CFPB export: no column {', '.join(missing)} (found: {', '.join(header)})")
    return found


def read(
    path: Path,
    dates: Dates | None = None,
    progress: Callable[[int], None] | None = None,
    as_of: date | None = None,
    encoding: Encoding | None = None,
) -> Iterator[ExportRow | BadRow]:
    """Every row of an export, in file order, streamed; rows that cannot be read come as BadRow.

    A row with fewer fields than the header (the bundled exports have one) is read with its missing
    trailing columns empty, and says so in its `quirks`; a row with more is refused. `as_of` is given to
    every row; `progress` is told how many characters each line took, for a progress bar. The file is
    read in `encoding` (see encoding.detect, which raises for a file that is not text, when not given)."""
    dates, encoding = dates or Dates(), encoding or detect(path)
    with path.open(newline="", encoding=encoding.codec, errors=encoding.errors) as handle:
        reader = csv.reader(_counted(handle, progress) if progress else handle)
        try:
            header = next(reader)
        except StopIteration:
            raise InvalidInput(f"{path}:1: empty file, not a CFPB export") from None
        except csv.Error as error:
            raise InvalidInput(f"{path}:1: {error}") from None
        where = columns(path, header)
        width = len(header)
        seen: dict[str, int] = {}  # rows without a Complaint ID: content digest -> times seen in this file
        line = reader.line_num + 1
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield BadRow(str(path), line, f"unreadable CSV: {error}")
                line = reader.line_num + 1
                continue
            start, line = line, reader.line_num + 1
            quirks: tuple[str, ...] = ()
            if len(fields) > width:
                spans = f" (one record over lines {start}-{line - 1}: a quote left open?)" if line - 1 > start else ""
                yield BadRow(str(path), start, f"{len(fields)} fields where the header has {width}{spans}")
                continue
            if len(fields) < width:
                missing = ", ".join(repr(name) for name in header[len(fields) :])
                quirks = (f"{len(fields)} fields where the header has {width}: {missing} read as empty",)
            try:
                yield _row(fields, where, start, dates, seen, as_of, quirks)
            except InvalidInput as error:
                yield BadRow(str(path), start, str(error) + (f" ({quirks[0]})" if quirks else ""))


def _counted(lines: Iterable[str], progress: Callable[[int], None]) -> Iterator[str]:
    for line in lines:
        progress(len(line))
        yield line


def _row(
    fields: list[str],
    where: dict[str, int],
    line: int,
    dates: Dates,
    seen: dict[str, int],
    as_of: date | None,
    quirks: tuple[str, ...],
) -> ExportRow:
    """One row; `where` maps names to columns, and a missing column (or a short row's) reads as "" (the sentinel
    at -1, after the fields a short row lacks)."""
    complaint_id = fields[where["complaint_id"]].strip() if "complaint_id" in where else ""
    if complaint_id:
        reference = f"CFPB-{complaint_id}"
    else:  # the export has no id: the row's content names it (identical rows in one file are told apart)
        digest = hashlib.sha256("\x1f".join(fields).encode()).hexdigest()[:20]
        seen[digest] = seen.get(digest, 0) + 1
        reference = f"CFPB-R{digest}" + (f"-{seen[digest]}" if seen[digest] > 1 else "")
    fields += [""] * (max(where.values()) + 1 - len(fields)) + [""]
    received, sent = fields[where["received"]].strip(), fields[where["sent"]].strip()
    if not received or not sent:
        raise InvalidInput("no 'Date received'" if not received else "no 'Date sent to company'")
    timely = fields[where["timely"]].strip()
    if timely not in ("Yes", "No"):
        raise InvalidInput(f"'Timely response?' is {timely!r}, not Yes or No")
    product, response = fields[where["product"]].strip(), fields[where["response"]].strip()
    if not product or not response:
        raise InvalidInput("no 'Product'" if not product else "no company response")
    return ExportRow(
        line,
        reference,
        dates(received),
        dates(sent),
        fields[where.get("company", -1)].strip() or None,
        product,
        response,
        timely == "Yes",
        fields[where.get("disputed", -1)].strip(),
        fields[where.get("narrative", -1)].strip() or None,
        {name: value for name, number in where.items() if name in DETAIL_SET and (value := fields[number].strip())},
        as_of,
        quirks,
    )
