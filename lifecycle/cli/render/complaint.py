"""A complaint for output: its show document and lines, and history entries redacted unless asked."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...application import HistoryEntry, Summary
from ...application.erasing import Certificate
from ...domain.redaction import redact, stars
from ...stores.keys import ERASED
from .times import day, local, moment_text, utc

FACTS = ("good_faith", "timely", "days", "window", "known_until")
"""Facts an event may carry, shown under their own names."""


def event_document(
    reference: str, h: HistoryEntry, unredacted: bool, consumer: str | None, zone_name: str
) -> dict[str, Any]:
    """One history entry for output (the same fields in show, history, audit and export); personal data
    redacted unless asked for."""
    names = [] if unredacted else [consumer]
    document: dict[str, Any] = {
        "reference": reference,
        "version": h.version,
        "event": h.event,
        "at": utc(h.at),
        "zone": zone_name,
        "timing": h.timing,
        "recorded_at": utc(h.recorded_at),
        "actor": h.actor,
        "by": h.by,
        "state_before": h.state_before,
        "state_after": h.state_after,
        "text": h.text if unredacted else redact(h.text, names),
    }
    if h.event == "filed":
        document["business"] = h.facts.get("business")
        document["complaint_type"] = h.facts.get("complaint_type")
        document["consumer"] = consumer if unredacted or consumer in (None, ERASED) else stars(consumer)
        if h.facts.get("details"):
            document["details"] = h.facts["details"]
    for fact in FACTS:
        value = h.facts.get(fact)
        if value is not None:
            document[fact] = utc(value) if isinstance(value, datetime) else value
    return document


def event_documents(
    reference: str, steps: list[HistoryEntry], unredacted: bool, zone_name: str
) -> list[dict[str, Any]]:
    """A complaint's history for output, the consumer's name (from the filing) redacted unless asked for."""
    consumer = steps[0].facts.get("consumer")
    return [event_document(reference, h, unredacted, consumer, zone_name) for h in steps]


def when(event: dict[str, Any]) -> str:
    """An event's effective time for people, in its zone, as far as it is known."""
    return local(event["at"], event["zone"], event["timing"])


def history_document(
    reference: str,
    as_of: datetime | None,
    steps: list[HistoryEntry],
    status: str | None,
    unredacted: bool,
    zone_name: str,
) -> dict[str, Any]:
    """What `history --json` prints: the state and status reached, and every event, redacted unless asked."""
    return {
        "reference": reference,
        "as_of": utc(as_of),
        "zone": zone_name,
        "state": steps[-1].state_after,
        "status": status,
        "events": event_documents(reference, steps, unredacted, zone_name),
    }


def history_lines(document: dict[str, Any]) -> list[str]:
    """What `history` prints: a heading, then a line per event."""
    as_of = document["as_of"]
    head = f"{document['reference']}: {document['state']} ({document['status'] or 'open'})"
    if as_of:
        head += f" as of {moment_text(as_of, document['zone'])}"
    erased = document.get("erased")
    tail = [f"  personal data erased {local(erased['at'], document['zone'])} by {erased['by'] or '-'} via "
            f"{erased['via'] or '-'} (certificate {erased['certificate']})"] if erased else []  # fmt: skip
    return [head, *(event_line(e, recorded=True) for e in document["events"]), *tail]


def erased_document(c: Certificate | None) -> dict[str, Any] | None:
    """When and by whom a complaint's personal data was erased (its certificate), for `history`; None if not."""
    return None if c is None else {"at": utc(c.at), "by": c.by, "via": c.via, "certificate": c.id}


def event_line(e: dict[str, Any], recorded: bool = False) -> str:
    """One event as a line: version, time, event, actor and who recorded it, the move, text."""
    text = f"  {e['text']}" if e["text"] else ""
    when_recorded = f"  recorded {local(e['recorded_at'], e['zone'])}" if recorded else ""
    return (
        f"  {e['version']:>3}  {when(e):<22}  {e['event']:<28} {e['actor']:<8} by {e['by'] or '-'}  "
        f"{e['state_before'] or '-'} -> {e['state_after']}{when_recorded}{text}"
    )


def show_document(s: Summary, steps: list[HistoryEntry], zone_name: str) -> dict[str, Any]:
    """What `show --json` prints: the complaint now, its pending deadline and its events (redacted)."""
    deadline = s.deadline
    return {
        "reference": s.reference,
        "business": s.business,
        "complaint_type": s.complaint_type,
        "profile": s.profile,
        "zone": zone_name,
        "state": s.state,
        "status": s.status,
        "closed": s.closed,
        "overdue": s.overdue,
        "deadline": None
        if deadline is None
        else {
            "name": deadline.name,
            "due_on": day(deadline.due_on),
            "lapses_at": utc(deadline.lapses_at),
            "extended": deadline.extended,
            "paused_at": utc(deadline.paused_at),
            "held": deadline.held,
            "derivation": list(s.derivation),
        },
        "events": event_documents(s.reference, steps, False, zone_name),
    }


def show_lines(document: dict[str, Any]) -> list[str]:
    """What `show` prints: the complaint, its deadline and how it was derived, its quirks, its events."""
    d = document
    quirks = (d["events"][0].get("details") or {}).get("quirks")
    label = d["status"] or ("not published" if d["closed"] else "open")
    lines = [f"{d['reference']}  {d['business']}  {d['complaint_type']}  {d['state']} ({label})"]
    deadline = d["deadline"]
    if deadline:
        lapses = local(deadline["lapses_at"], d["zone"])
        lines.append(f"pending: {deadline['name']} due {deadline['due_on']} (lapses {lapses})")
        lines.extend(f"  how: {step}" for step in deadline["derivation"])
    if quirks:
        lines.append(f"flagged: {quirks}")
    if d["overdue"]:
        lines.append(f"overdue: the {d['overdue']} window lapsed (an expectation: the complaint stays {d['state']})")
    lines.extend(event_line(e) for e in d["events"])
    return lines
