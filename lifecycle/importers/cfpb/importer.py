"""`import cfpb`: each export row becomes the events its columns tell, written in batches, idempotently.

Each file is a snapshot known up to its day (`as_of`: given, or the newest day the file shows); rows
the history cannot hold as published are imported with their quirks flagged and listed as warnings.

Speed: the first row of each outcome (mapping.Outcome) runs through the Complaint
aggregate and the application's mapper; its stored events become a template that later rows of the
same outcome fill in (see templates.py and the store's fast path). A test holds the two paths to the
same stored events, field by field, for every outcome in the bundled exports.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import RecordConflictError

from ...application import ConcurrentChange, Lifecycle
from ...domain.complaint import Complaint
from ...domain.errors import InvalidInput, LifecycleError
from ...domain.planned import Who
from ...domain.profile import Profile
from ...profiles import CFPB
from ...stores.fast_path import FastPath
from ...stores.retry import attempts
from .encoding import Encoding, detect
from .export import BadRow, Dates, ExportRow, FileWarning, FlaggedRow, read
from .mapping import ADVANCE, DISPUTES_END, Command, Moments, apply, commands, shown
from .quotes import merged_rows
from .templates import KNOWN_UNTIL, Prepared, Templates

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
    warnings: list[FlaggedRow] = field(default_factory=list)
    """Rows imported with a quirk flagged (what the history could not hold as published), and files read in a
    fallback encoding (FileWarning, line 0)."""
    as_of: dict[str, str] = field(default_factory=dict)
    """Each file -> the day its history is known up to."""
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
            "warned_rows": sum(not isinstance(w, FileWarning) for w in self.warnings),
            "warnings": [str(w) for w in self.warnings],
            "as_of": self.as_of,
            "seconds": round(self.seconds, 3),
        }


class Importer:
    """Imports CFPB exports into a Lifecycle application."""

    def __init__(self, app: Lifecycle, batch_size: int = BATCH, profile: Profile = CFPB) -> None:
        app.tables.writable()
        missing = sorted(set(CFPB.rules.events) - set(profile.rules.events))
        if missing:
            raise InvalidInput(f"profile {profile.name} cannot take CFPB exports: it has no event {', '.join(missing)}")
        self.app, self.profile, self.batch_size = app, profile, batch_size
        run = app.run or "Lifecycle import"
        self.moments = Moments(self.profile, Who(f"{app.by} via {run}"))
        self.fast = FastPath(app.mapper, app.keys, app.recorder, app.tables)
        self.templates = Templates(self.fast, self.moments)
        self.dates = Dates()

    def run(
        self,
        paths: Sequence[Path],
        progress: Callable[[int], None] | None = None,
        on_batch: Callable[[ImportResult], None] | None = None,
        as_of: date | None = None,
        encodings: Mapping[Path, Encoding] | None = None,
    ) -> ImportResult:
        """Import every file, each known up to `as_of` (default: the newest day it shows); rows already
        imported record nothing; views catch up at the end. Each file is read in its encoding from
        `encodings` (what check returned), else as detected here; a fallback is warned of."""
        result = ImportResult()
        started = time.perf_counter()
        for path in paths:
            result.files += 1
            first_bad, first_warning = len(result.bad), len(result.warnings)
            encoding = (encodings or {}).get(path) or detect(path)
            if encoding.warning:
                result.warnings.append(FileWarning(str(path), 0, encoding.warning))
            known = as_of or self.newest(path, encoding)
            if known is not None:
                result.as_of[str(path)] = known.isoformat()
            batch: list[ExportRow] = []
            for item in read(path, self.dates, progress, known, encoding):
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
            result.warnings[first_warning:] = sorted(result.warnings[first_warning:], key=lambda w: w.line)
        self.app.catch_up()
        self.app.tables.analyze(result.events, self.app.recorder.max_notification_id() or 0)
        result.seconds = time.perf_counter() - started
        return result

    def newest(self, path: Path, encoding: Encoding | None = None) -> date | None:
        """The newest day an export shows (see mapping.shown); None when it has no readable row."""
        rows = read(path, self.dates, encoding=encoding)
        days = [shown(row, self.moments) for row in rows if isinstance(row, ExportRow)]
        return max(days, default=None)

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
        self._recorded(path, {i: unique[i] for i in existing}, existing, result)
        self._new(path, [p for i, p in unique.items() if i not in existing], result)
        for p in later:
            self._update(path, p, result)

    def _recorded(
        self, path: Path, known: dict[str, Prepared], existing: dict[str, tuple[int, str]], result: ImportResult
    ) -> None:
        """Complaints already recorded (with their last version and state): unchanged, or updated."""
        alike = [i for i, (version, state) in existing.items() if (version, state) == _last(known[i])]
        same: set[str] = set()
        for day in {known[i].reading.known_until for i in alike}:  # an Observed adds an event: never alike
            same |= self.fast.filed_with([i for i in alike if known[i].reading.known_until == day], KNOWN_UNTIL, day)
        for complaint_id in existing:
            if complaint_id in same:
                result.unchanged += 1
                self._flag(path, known[complaint_id], result)
            else:
                self._update(path, known[complaint_id], result)

    def _new(self, path: Path, new: list[Prepared], result: ImportResult) -> None:
        """Store new complaints in one transaction; those another writer recorded meanwhile (a unique violation
        undoes the whole transaction) are taken as recorded ones, and the rest are tried again after a pause."""
        for _ in attempts():
            if not new:
                return
            try:
                result.events += self.fast.append([p.complaint for p in new])
            except RecordConflictError:
                taken = self.fast.last_events([p.complaint_id for p in new])
                self._recorded(path, {p.complaint_id: p for p in new if p.complaint_id in taken}, taken, result)
                new = [p for p in new if p.complaint_id not in taken]
                continue
            result.filed += len(new)
            for p in new:
                self._flag(path, p, result)
            return
        if new:  # (the last try may have found every one of them recorded by the other writer)
            raise busy(path, new)

    @staticmethod
    def _flag(path: Path, p: Prepared, result: ImportResult, notes: Sequence[str] = ()) -> None:
        """A warning for a row imported with quirks flagged (and what an update could not record)."""
        if p.reading.quirks or notes:
            result.warnings.append(FlaggedRow(str(path), p.row.line, "; ".join((*p.reading.quirks, *notes))))

    def _update(self, path: Path, p: Prepared, result: ImportResult) -> None:
        """A complaint already recorded: add what the row tells that its history lacks, or report the clash; when
        another writer changes it meanwhile, read it again after a pause."""
        for _ in attempts():
            try:
                complaint: Complaint = self.app.repository.get(UUID(p.complaint_id))
                notes = self._extend(complaint, p)
                pending = complaint.collect_events()
            except LifecycleError as error:
                result.bad.append(BadRow(str(path), p.row.line, f"does not follow from what is recorded: {error}"))
                return
            try:
                if pending:
                    self.app.save(*pending)
            except RecordConflictError:
                continue
            self._flag(path, p, result, notes)
            result.unchanged += not pending
            result.updated += bool(pending)
            result.events += len(pending)
            return
        raise busy(path, [p])

    def _extend(self, complaint: Complaint, p: Prepared) -> list[str]:
        """A later export's day observed first, then the steps the row tells that the history lacks (after
        what the history knew), then the lapses known by the export's day; an older export only checked.
        Returns what could not be recorded."""
        have = {step.event for step in self.app.history(p.row.reference)}
        known = complaint.known_until
        if known is not None and p.reading.known_until < known:  # an older snapshot: its steps must be there
            missing = [s.event for s in commands(p.reading) if s.event not in have and s.event != ADVANCE]
            if missing:
                raise InvalidInput(f"an older export tells {', '.join(missing)}, not in the history")
            return []
        complaint.observe(self.profile, p.reading.known_until, self.moments.who)
        notes = []
        responded = bool(have & self.profile.responses)
        for step in commands(p.reading):
            if step.event in have:
                continue
            after = max(complaint.last_at, known or complaint.last_at)  # what the history already knew
            at = max(step.at, after)
            if responded and step.event in self.profile.responses:  # a final response: not bound by the window
                at = after
            if step.event == "disputed" and self.profile.refuses(step.event, at):
                notes.append(
                    f"disputed, not recorded: the response came after {at.date()}; disputes ended {DISPUTES_END}"
                )
                continue
            timing = step.timing if at == step.at else "after"
            apply(complaint, Command(step.event, at, timing, step.slot), self.profile, self.moments.who)
        if complaint.state != p.final_state:
            raise InvalidInput(f"the row ends {p.final_state}, the history {complaint.state}")
        return notes


def check(paths: Iterable[Path]) -> dict[Path, Encoding]:
    """Refuse, before anything is recorded, a file that is missing, not text or not a CFPB export; each file's
    encoding (for Importer.run, which then need not detect it again)."""
    found: dict[Path, Encoding] = {}
    for path in paths:
        if not path.is_file():
            raise InvalidInput(f"{path}: no such file")
        found[path] = detect(path)  # every byte: a file that is not text is refused here, whole
        for _ in read(path, encoding=found[path]):  # the header is enough: it raises for a file that is not an export
            break
        merged = merged_rows(path, found[path])
        if merged is not None:
            raise InvalidInput(f"{path}:{merged}: rows would merge; nothing of this file is imported")
    return found


def busy(path: Path, lost: Sequence[Prepared]) -> ConcurrentChange:
    """The error when another writer kept recording the same complaints through every retry."""
    lines = sorted(p.row.line for p in lost)
    return ConcurrentChange(
        f"{path}: another writer kept recording the same complaints through every retry; {len(lines)} rows from "
        f"line {lines[0]} not recorded (what was recorded before stays; importing again records the rest)"
    )


def _last(p: Prepared) -> tuple[int, str]:
    """The version and state a row's complaint ends with when imported on its own."""
    return len(p.complaint.events), p.final_state


def import_files(app: Lifecycle, paths: Iterable[Path], **options: Any) -> ImportResult:
    """Import CFPB exports into `app`; see Importer."""
    return Importer(app).run(list(paths), **options)
