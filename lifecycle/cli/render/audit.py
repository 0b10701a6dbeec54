"""Audit entries as CSV or as lines."""

from __future__ import annotations

import csv
import io
from typing import Any

from ...views.audit import AuditEntry


def audit_csv(rows: list[dict[str, Any]]) -> str:
    """Audit entries (as dicts) as CSV with a header."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(AuditEntry.__dataclass_fields__))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def audit_line(r: dict[str, Any]) -> str:
    """One audit entry as a line."""
    return (
        f"{r['at']}  {r['reference']}  v{r['version']}  {r['event']:<32} by {r['actor']:<8} "
        f"-> {r['state']}  {r['business']} / {r['complaint_type']}"
    )
