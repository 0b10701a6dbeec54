"""Integrity: verify the chain, the views and the keys against the log; export the chain's head as an anchor."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..domain.errors import InvalidInput
from ..stores import anchors
from ..stores.anchors import Anchor
from ..stores.linked import settled
from ..stores.links import chain_key, fingerprint, key_mismatch, read_links, stored_fingerprint
from ..stores.stored import Record
from ..views.chain import Finding, Scan, anchor_findings, checkpoints, describe, scan
from ..views.integrity import KeyCheck, ViewCheck
from ..views.report.query import reference_of
from .erasing import Erasing


@dataclass
class Verdict:
    """What `verify` found: links checked, the chain's head, anchors that hold, and problems by position."""

    links: int
    head: int
    head_link: str
    key: str
    findings: list[str] = field(default_factory=list)
    first_bad: int | None = None
    anchors_held: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        """True when nothing was found."""
        return not self.findings


class Integrity(Erasing):
    """Tamper evidence for auditors: a chain no one can rewrite unnoticed past an anchor kept elsewhere."""

    def _links_query(self, sql: str, params: Sequence[Any] = ()) -> Sequence[Any]:
        links = getattr(self.recorder, "links", None)  # in memory: kept beside the recorder
        return list(links.execute(sql, params).fetchall()) if links is not None else self.tables.query(sql, params)

    def read_links(self, after: int, limit: int) -> Sequence[tuple[int, bytes]]:
        """Links after a position, in position order."""
        return read_links(self._links_query, after, limit)

    def chain_fingerprint(self) -> str:
        """The fingerprint of the key the store's chain is linked with ('none': not keyed)."""
        return stored_fingerprint(self._links_query) or fingerprint(chain_key())

    def _records(self) -> Iterator[Record]:
        position, reader = 0, self.projections.report
        while batch := reader.read(position):
            yield from batch
            position = batch[-1].id

    def verify(self, anchor_files: Sequence[Path | str] = (), public_key: Path | None = None) -> Verdict:
        """Recompute every link, check every anchor, the views and the keys; problems named by position."""
        key, loaded = chain_key(), [anchors.load(Path(f)) for f in anchor_files]
        signature = [(a, anchors.signature_problem(a, public_key, key)) for a in loaded]
        store_key = self.chain_fingerprint()
        verdict = Verdict(0, 0, "", store_key)
        try:  # what the write path committed reaches the views before they are judged
            self.projections.catch_up()
        except Exception as error:  # noqa: BLE001 - a tampered event need not decode; the chain names it
            verdict.notes.append(f"the views could not take in the log ({type(error).__name__}: {error})")
        if store_key != fingerprint(key):
            verdict.findings.append(f"position 1: {key_mismatch(store_key, fingerprint(key))}")
            verdict.first_bad = 1
            return verdict
        views, keys = ViewCheck(), KeyCheck(self.keys)
        if self._views_behind():
            views.stopped = "views not compared: the store is read-only and its views are behind the log"

        def take(record: Record) -> None:
            views.take(record)
            keys.take(record)

        with self.keys.cached():
            result = scan(self._records(), self.read_links, key, loaded, take)
        anchor_findings(result, loaded)
        derived = views.compare(self.tables) + keys.findings  # after the chain's: a broken log breaks views too
        verdict.notes += [views.stopped] if views.stopped else []
        self._conclude(verdict, result, derived, signature)
        verdict.findings += [f"{problem} (an erasure outside `lifecycle erase`)" for problem in self.unproven()]
        return verdict

    def _views_behind(self) -> bool:
        """True on a read-only store whose views have not taken in every event (they cannot catch up)."""
        if not self.tables.read_only:
            return False
        last = self.recorder.max_notification_id() or 0
        try:
            return any(p.position() < last for p in self.projections.by_name().values())
        except (IndexError, LookupError):  # a view never made in this store
            return True

    def _conclude(
        self, verdict: Verdict, result: Scan, derived: list[Finding], signature: list[tuple[Anchor, str | None]]
    ) -> None:
        verdict.links, verdict.head, verdict.head_link = result.links, result.head, result.head_link.hex()
        found = sorted(result.findings, key=lambda f: f.position) + sorted(derived, key=lambda f: f.position)
        verdict.findings = [f"anchor {a.source}: {problem}" for a, problem in signature if problem]
        verdict.findings += [describe(f, self._name(f)) for f in found]
        verdict.first_bad = found[0].position if found else (1 if verdict.findings else None)
        verdict.anchors_held = [s for s in result.held if not any(a.source == s and p for a, p in signature)]
        if result.links == 0 and found:
            verdict.notes.append(
                "no event of this store is linked: every link was deleted, or the store was written by lifecycle 0.2 "
                "or earlier, whose chain was a view (its events cannot be vouched for now)"
            )

    def _name(self, finding: Finding) -> Any:
        if finding.complaint_id is None:
            return None
        with suppress(Exception):  # a damaged store may not answer: the id names the complaint
            return reference_of(self.tables, finding.complaint_id)
        return None

    def anchor(self, out: Path, private_key: Path | None = None) -> dict[str, Any]:
        """Verify, then write the chain's head and checkpoints to `out`, signed; refused when the chain is broken."""
        verdict = self.verify()
        if not verdict.intact:
            raise InvalidInput(f"not anchored: the store does not verify ({verdict.findings[0]})")
        settled(self.recorder)  # the head it read is on disk before the anchor names it
        anchor = Anchor(
            verdict.head,
            verdict.head_link,
            verdict.links,
            verdict.key,
            datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            self.database.shown or self.database.path or self.database.kind,
            tuple(checkpoints(self.read_links, verdict.links)),
        )
        document = anchors.signed(anchor, private_key, chain_key())
        text = json.dumps(document) + "\n"
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as error:
            raise InvalidInput(f"cannot write {out}: {error.strerror or error}") from None
        return document
