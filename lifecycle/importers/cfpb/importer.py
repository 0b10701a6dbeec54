"""`import cfpb`: each export row becomes the events its columns tell, written in batches, idempotently.

Speed: the first row of each outcome (response, timely, disputed) runs through the Complaint
aggregate and the application's mapper; its stored events become a template that later rows of the
same outcome fill in (see templates.py and the store's fast path). A test holds the two paths to the
same stored events, field by field, for every outcome in the bundled exports.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from ...application import Lifecycle
from ...domain.cfpb import CFPB
from ...domain.complaint import Complaint
from ...domain.errors import InvalidInput, LifecycleError
from ...stores.fast_path import FastPath
from .export import BadRow, Dates, ExportRow, read
from .mapping import ADVANCE, Command, Moments, apply, commands
from .templates import Prepared, Templates

BATCH = 2_000


@dataclass
class ImportResult:
    """What an import did."""

    files: int = 0
    rows: int = 0
    filed: int = 0
    updated: int = 0
    unchanged: int = 0
    events: int = 0
    bad: list[BadRow] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "files": self.files,
            "rows": self.rows,
            "filed": self.filed,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "events": self.events,
            "bad_rows": len(self.bad),
            "bad": [str(b) for b in self.bad],
            "seconds": round(self.seconds, 3),
        }


class Importer:
    """Imports CFPB exports into a Lifecycle application."""

    def __init__(self, app: Lifecycle, batch_size: int = BATCH) -> None:
        self.app, self.profile, self.batch_size = app, CFPB, batch_size
        self.moments = Moments(self.profile)
        self.fast = FastPath(app.mapper, app.keys, app.recorder, app.tables)
        self.templates = Templates(self.fast, self.moments)
        self.dates = Dates()

    def run(
        self,
        paths: Sequence[Path],
        progress: Callable[[int], None] | None = None,
        on_batch: Callable[[ImportResult], None] | None = None,
    ) -> ImportResult:
        """Import every file; rows already imported record nothing; views catch up at the end."""
        result = ImportResult()
        started = time.perf_counter()
        for path in paths:
            result.files += 1
            first_bad = len(result.bad)
            batch: list[ExportRow] = []
            for item in read(path, self.dates, progress):
                result.rows += 1
                if isinstance(item, BadRow):
                    result.bad.append(item)
                    continue
                batch.append(item)
                if len(batch) >= self.batch_size:
                    self._batch(path, batch, result)
                    batch = []
                    if on_batch:
                        on_batch(result)
            if batch:
                self._batch(path, batch, result)
            result.bad[first_bad:] = sorted(result.bad[first_bad:], key=lambda bad: bad.line)
        self.app.catch_up()
        result.seconds = time.perf_counter() - started
        return result

    def _batch(self, path: Path, rows: list[ExportRow], result: ImportResult) -> None:
        prepared: list[Prepared] = []
        for row in rows:
            try:
                prepared.append(self.templates.prepare(row))
            except LifecycleError as error:
                result.bad.append(BadRow(str(path), row.line, str(error)))
        unique: dict[str, Prepared] = {}
        later: list[Prepared] = []
        for p in prepared:  # the same complaint twice in one batch: the later row is an update
            if p.complaint_id in unique:
                later.append(p)
            else:
                unique[p.complaint_id] = p
        existing = self.fast.last_events(list(unique))
        new = [p for i, p in unique.items() if i not in existing]
        for complaint_id, (version, state) in existing.items():
            p = unique[complaint_id]
            if version == len(p.complaint.events) and state == p.final_state:
                result.unchanged += 1
            else:
                self._update(path, p, result)
        if new:
            result.events += self.fast.append([p.complaint for p in new])
            result.filed += len(new)
        for p in later:
            self._update(path, p, result)

    def _update(self, path: Path, p: Prepared, result: ImportResult) -> None:
        """A complaint already recorded: add what the row tells that its history lacks, or report the clash."""
        try:
            complaint: Complaint = self.app.repository.get(UUID(p.complaint_id))
            have = {step.event for step in self.app.history(p.row.reference)}
            for step in commands(p.row, self.moments):
                name = "response_deadline_lapsed" if step.event == ADVANCE else step.event
                if name in have:
                    continue
                at = max(step.at, complaint.last_at)
                timing = step.timing if at == step.at else "after"
                apply(complaint, Command(step.event, at, timing, step.slot), self.profile)
            pending = complaint.collect_events()
        except LifecycleError as error:
            result.bad.append(BadRow(str(path), p.row.line, f"does not follow from what is recorded: {error}"))
            return
        if not pending:
            result.unchanged += 1
            return
        self.app.save(*pending)
        result.updated += 1
        result.events += len(pending)


def check(paths: Iterable[Path]) -> None:
    """Refuse, before anything is recorded, a file that is missing or not a CFPB export."""
    for path in paths:
        if not path.is_file():
            raise InvalidInput(f"{path}: no such file")
        for _ in read(path):  # reading the header is enough: it raises for a file that is not an export
            break


def import_files(app: Lifecycle, paths: Iterable[Path], **options: Any) -> ImportResult:
    """Import CFPB exports into `app`; see Importer."""
    return Importer(app).run(list(paths), **options)
