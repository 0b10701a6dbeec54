"""The work queue for output: what is due, how late, what is overdue; what the clock recorded."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ...application import Summary
from ...views.audit import Overdue
from .times import day, in_zone, local, moment_text, utc


def due_document(
    now: datetime,
    until: datetime,
    pending: list[Summary],
    late: list[Overdue],
    zones: Mapping[str, str],
    zone_name: str,
) -> dict[str, Any]:
    """What `due --json` prints: deadlines due by `until` (days past the due day: negative while some are
    left), then the complaints overdue now on an expected window."""
    rows = []
    for s in pending:
        if s.deadline is None:  # recorded since the index was read
            continue
        today = in_zone(now, zones[s.profile]).date()
        rows.append(
            {
                "reference": s.reference,
                "business": s.business,
                "complaint_type": s.complaint_type,
                "state": s.state,
                "deadline": s.deadline.name,
                "due_on": day(s.deadline.due_on),
                "lapses_at": utc(s.deadline.lapses_at),
                "zone": zones[s.profile],
                "days_late": (today - s.deadline.due_on).days,
            }
        )
    flagged = [
        {
            "reference": o.reference,
            "business": o.business,
            "state": o.state,
            "since": utc(o.since),
            "zone": zones[o.profile],
            "days_overdue": (now - o.since).days,
        }
        for o in late
    ]
    return {"now": utc(now), "until": utc(until), "zone": zone_name, "due": rows, "overdue": flagged}


def due_lines(document: dict[str, Any]) -> list[str]:
    """What `due` prints: a line per complaint due, then a line per complaint overdue."""
    lines = [f"{len(document['due'])} due by {moment_text(document['until'], document['zone'])}"]
    for d in document["due"]:
        late = d["days_late"]
        how = f"{late} days late" if late > 0 else "due today" if late == 0 else f"due in {-late} days"
        lines.append(f"  {d['due_on']}  {how:<14}  {d['reference']}  {d['deadline']} ({d['state']})  {d['business']}")
    lines.append(f"{len(document['overdue'])} overdue on an expected window")
    for o in document["overdue"]:
        since = local(o["since"], o["zone"])
        lines.append(f"  since {since}  {o['days_overdue']} days  {o['reference']}  ({o['state']})  {o['business']}")
    return lines


def advance_line(document: dict[str, Any]) -> str:
    """What `advance` prints: how many events, of which kinds."""
    verb = "would record" if document["dry_run"] else "recorded"
    kinds = ", ".join(f"{count} {event}" for event, count in document["events"].items())
    total = sum(document["events"].values())
    to = moment_text(document["to"], document["zone"])
    return f"{verb} {total} events up to {to}" + (f": {kinds}" if kinds else "")
