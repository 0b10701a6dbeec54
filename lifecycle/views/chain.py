"""Verify the hash chain: every event's link recomputed in position order, and every anchor's links found."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..stores.anchors import Anchor, every
from ..stores.links import GENESIS, Row, link
from ..stores.stored import Record

MAX_FINDINGS = 20
LinkReader = Callable[[int, int], Sequence[tuple[int, bytes]]]
"""Links after a position, up to a count: (position, link) pairs in position order."""


@dataclass(frozen=True)
class Finding:
    """Something that does not hold: where (position, complaint, version) and why."""

    position: int
    complaint_id: str | None
    version: int | None
    reason: str


@dataclass
class Scan:
    """What a scan of the chain found: events checked, the head, anchors held, and findings by position."""

    links: int = 0
    head: int = 0
    head_link: bytes = GENESIS
    findings: list[Finding] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    hit: set[int] = field(default_factory=set)
    """The anchors' positions the chain still holds."""

    def add(self, finding: Finding) -> None:
        """Keep the finding (the first MAX_FINDINGS, in position order)."""
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(finding)


def _links(read: LinkReader) -> Iterator[tuple[int, bytes]]:
    after = 0
    while rows := read(after, 10_000):
        yield from rows
        after = rows[-1][0]


def scan(
    records: Iterable[Record],
    read_links: LinkReader,
    key: bytes | None,
    anchors: Sequence[Anchor] = (),
    on_record: Callable[[Record], None] | None = None,
) -> Scan:
    """Merge the log and the links in position order; recompute each link from the event and the link before."""
    result, previous = Scan(), GENESIS
    expected = _expected(anchors)
    events, links = iter(records), _links(read_links)
    record, stored = next(events, None), next(links, None)
    while record is not None or stored is not None:
        if stored is None or (record is not None and record.id < stored[0]):
            assert record is not None
            result.add(Finding(record.id, record.originator_id, record.version, OUTSIDE))
            if on_record:
                on_record(record)
            record = next(events, None)
            continue
        position, stored_link = stored[0], bytes(stored[1])
        if record is None or position < record.id:
            result.add(Finding(position, None, None, REMOVED))
        else:
            row = Row(record.id, record.originator_id, record.version, record.topic, as_bytes(record.raw))
            if link(key, previous, row) != stored_link:
                result.add(Finding(position, record.originator_id, record.version, CHANGED))
            if on_record:
                on_record(record)
            record = next(events, None)
        previous = stored_link
        result.links += 1
        result.head, result.head_link = position, stored_link
        _checkpoint(result, expected, position, stored_link)
        stored = next(links, None)
    return result


OUTSIDE = "event recorded outside the write path (it has no link): added behind the application's back"
REMOVED = "event removed from the store (its link remains)"
CHANGED = "event or its link changed after it was recorded (the link does not follow from the event)"


def anchored(anchor: Anchor) -> list[tuple[int, str]]:
    """The positions an anchor recorded, with their links (none for an anchor of an empty store)."""
    return [(p, value) for p, value in (*anchor.checkpoints, (anchor.position, anchor.link)) if p > 0]


def _expected(anchors: Sequence[Anchor]) -> dict[int, list[tuple[Anchor, str]]]:
    wanted: dict[int, list[tuple[Anchor, str]]] = {}
    for anchor in anchors:
        for position, value in anchored(anchor):
            wanted.setdefault(position, []).append((anchor, value))
    return wanted


def _checkpoint(result: Scan, expected: dict[int, list[tuple[Anchor, str]]], position: int, stored: bytes) -> None:
    for anchor, value in expected.get(position, ()):
        result.hit.add(position)
        if stored.hex() != value:
            result.add(Finding(position, None, None, f"the store no longer holds what anchor {anchor.source} recorded"))


def checkpoints(read_links: LinkReader, count: int) -> list[tuple[int, str]]:
    """The links at every `every(count)`-th position of the chain (its last included): an anchor's checkpoints."""
    step, found = every(count), []
    for n, (position, value) in enumerate(_links(read_links), start=1):
        if n % step == 0 or n == count:
            found.append((position, bytes(value).hex()))
        if n == count:
            break
    return found


def anchor_findings(result: Scan, anchors: Sequence[Anchor]) -> None:
    """Anchors the store does not reach: truncated (or its checkpoints missing)."""
    for anchor in anchors:
        recorded = [p for p, _ in anchored(anchor)]
        gone = [p for p in recorded if p <= result.head and p not in result.hit]
        missing = [p for p in recorded if p > result.head]
        if gone:
            reason = f"the link anchor {anchor.source} recorded at this position is gone: events were removed"
            result.add(Finding(min(gone), None, None, reason))
        elif missing:
            reason = (
                f"the chain ends at position {result.head}, but anchor {anchor.source} recorded it up to position "
                f"{anchor.position}: events were removed from the end"
            )
            result.add(Finding(min(missing), None, None, reason))
        elif not any(f.reason.endswith(f"anchor {anchor.source} recorded") for f in result.findings):
            result.held.append(anchor.source)


def as_bytes(raw: Any) -> bytes:
    """A stored state as bytes (an edit in SQL may have left text)."""
    return raw.encode() if isinstance(raw, str) else bytes(raw)


def describe(finding: Finding, name: Any) -> str:
    """A finding in words: position, complaint and version where known."""
    where = f"position {finding.position}"
    if finding.complaint_id is not None:
        where += f" (complaint {name or finding.complaint_id} version {finding.version})"
    return f"{where}: {finding.reason}"
