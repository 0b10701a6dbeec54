"""Audit entries for output: the fields `history --json` gives an event, as JSON, CSV or lines."""

from __future__ import annotations

import csv
import io
from typing import Any

from ...views.audit import AuditEntry
from .times import local, utc

FIELDS = (
    "reference",
    "version",
    "event",
    "at",
    "zone",
    "timing",
    "actor",
    "by",
    "state_after",
    "business",
    "complaint_type",
)
"""An audit row's fields, named as in `history --json` and `export`."""


def audit_document(e: AuditEntry, zone_name: str) -> dict[str, Any]:
    """One audit entry for output."""
    document = {name: getattr(e, name, None) for name in FIELDS}
    return {**document, "at": utc(e.at), "zone": zone_name}


def audit_csv(rows: list[dict[str, Any]]) -> str:
    """Audit entries (as documents) as CSV with a header, LF line endings."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def audit_line(r: dict[str, Any]) -> str:
    """One audit entry as a line, its time in its profile's zone."""
    when = local(r["at"], r["zone"], r["timing"])
    return (
        f"{when:<22}  {r['reference']}  v{r['version']}  {r['event']:<28} {r['actor']:<8} by {r['by'] or '-'}  "
        f"-> {r['state_after']}  {r['business']} / {r['complaint_type']}"
    )
