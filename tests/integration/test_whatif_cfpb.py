"""What if on the real exports: the five bundled CFPB exports imported, re-run under `cfpb:response=10`, and the
complaints it finds late, timely and undetermined compared, as sets of references, with a csv-module recount.

The recount rule, from what each row publishes (docs/importing.md, "What each row becomes"): the response
window counts from the day sent (the day received when the row says it was sent before that). A row
published late (`Timely response?` No) or 'Untimely response' is late under 10 days too: its response, if
any, came after the 15th day, and with none the window lapsed. A timely row's response is known only to
have come by the end of a day: the 15th, or the export's day when that is earlier, or 2017-04-23 for a
recorded dispute (disputes ended 2017-04-24); it is timely under 10 days when that day is at most the
10th, else undetermined (it may have come on any day up to it). A row's export day is its file's newest
day shown: the latest received or sent day, or for a late row the day after its 15 days.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from lifecycle import Lifecycle
from lifecycle.application.whatif import LATE, TIMELY, UNDETERMINED, WhatIf, whatif
from lifecycle.importers.cfpb.importer import Importer

DATA = Path(__file__).parents[1] / "data" / "cfpb"  # a copy of ../shared/data/cfpb (see its PROVENANCE.md)
FILES = sorted(DATA.glob("*.csv"))
PUBLISHED_ROWS = 57_848
UNTIMELY = "Untimely response"
DISPUTES_END = date(2017, 4, 24)


@dataclass(frozen=True)
class Row:
    reference: str
    start: date
    """The day the response window counts from."""
    response: str
    timely: bool
    disputed: bool

    @property
    def late(self) -> bool:
        return self.response == UNTIMELY or not self.timely

    def shown(self) -> date:
        """The newest day the row shows."""
        return self.start + timedelta(days=16) if self.late else self.start

    def by_day(self, export_day: date) -> date:
        """For a timely row: the day by whose end its response came."""
        days = [self.start + timedelta(days=15), export_day]
        if self.disputed and self.response != "In progress" and self.start < DISPUTES_END:
            days.append(DISPUTES_END - timedelta(days=1))
        return min(days)


def day(text: str) -> date:
    """The three date layouts, read independently of the importer."""
    if "-" in text:
        return date.fromisoformat(text)
    a, b, c = (int(x) for x in text.split("/"))
    return date(a, b, c) if a > 31 else date(c, a, b)


def rows(path: Path) -> Iterator[Row]:
    """A file's rows; a row without a Complaint ID is named as the import names it, by a digest of its fields
    (identical rows of a file numbered -2, -3, ...)."""
    seen: dict[str, int] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [name.strip().lower() for name in next(reader)]
        for fields in reader:
            record = dict(zip(header, fields + [""] * (len(header) - len(fields)), strict=True))
            reference = f"CFPB-{record['complaint id'].strip()}" if record.get("complaint id", "").strip() else ""
            if not reference:
                digest = hashlib.sha256("\x1f".join(fields).encode()).hexdigest()[:20]
                seen[digest] = seen.get(digest, 0) + 1
                reference = f"CFPB-R{digest}" + (f"-{seen[digest]}" if seen[digest] > 1 else "")
            response = record.get("company response") or record.get("company response to consumer") or ""
            start = max(day(record["date received"]), day(record["date sent to company"]))
            timely, disputed = record["timely response?"] == "Yes", record["consumer disputed?"] == "Yes"
            yield Row(reference, start, response, timely, disputed)


def recount(paths: list[Path]) -> dict[str, set[str]]:
    """References late, timely and undetermined under a 10-day response window, by the rule above."""
    found: dict[str, set[str]] = {LATE: set(), TIMELY: set(), UNDETERMINED: set()}
    for path in paths:
        read = list(rows(path))
        export_day = max(row.shown() for row in read)
        for row in read:
            if row.late:
                found[LATE].add(row.reference)
            elif row.by_day(export_day) <= row.start + timedelta(days=10):
                found[TIMELY].add(row.reference)
            else:
                found[UNDETERMINED].add(row.reference)
    return found


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WhatIf]:
    """The five exports imported into a SQLite file, then re-run under cfpb:response=10."""
    db = tmp_path_factory.mktemp("whatif") / "cfpb.db"
    app = Lifecycle(f"sqlite:///{db}", default_profile="cfpb")
    imported = Importer(app).run(FILES)
    assert imported.rows == PUBLISHED_ROWS and imported.bad == []
    yield whatif(app, "cfpb:response=10")
    app.close()


def test_late_timely_and_undetermined_are_the_recounted_complaints(result: WhatIf) -> None:
    expected = recount(FILES)
    assert sum(len(references) for references in expected.values()) == PUBLISHED_ROWS
    found: dict[str, set[str]] = {LATE: set(), TIMELY: set(), UNDETERMINED: set()}
    for c in result.complaints:
        assert c.after is not None, c.refused
        found[str(c.after.timeliness)].add(c.reference)
    assert found[LATE] == expected[LATE]
    assert found[UNDETERMINED] == expected[UNDETERMINED]
    assert found[TIMELY] == expected[TIMELY]
    assert len(expected[UNDETERMINED]) > 50_000 and len(expected[TIMELY]) > 3_000  # both rules are exercised


def test_nothing_was_late_that_was_timely_and_no_outcome_changes(result: WhatIf) -> None:
    totals = result.totals()
    assert (totals["compared"], totals["skipped"], totals["refused"]) == (PUBLISHED_ROWS, 0, 0)
    assert totals["became_late"] == totals["became_timely"] == totals["changed_outcome"] == 0
    before = {c.reference for c in result.complaints if c.before.timeliness == LATE}
    assert before == recount(FILES)[LATE]  # the published flags, as imported
    assert all(c.before.timeliness == TIMELY for c in result.complaints if c.reference not in before)
