"""A complaint for output: its show document and lines, and history entries redacted unless asked."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...application import HistoryEntry, Summary
from ...domain.redaction import redact, stars
from ...stores.keys import ERASED
from ...views.audit import Overdue


def event_document(reference: str, h: HistoryEntry, unredacted: bool, consumer: str | None) -> dict[str, Any]:
    """One history entry for output: personal data redacted unless asked for."""
    names = [] if unredacted else [consumer]
    document = {
        "reference": reference,
        "version": h.version,
        "event": h.event,
        "at": h.at.isoformat(),
        "recorded_at": h.recorded_at.isoformat(),
        "actor": h.actor,
        "state_before": h.state_before,
        "state_after": h.state_after,
        "text": h.text if unredacted else redact(h.text, names),
    }
    if h.event == "filed":
        document["business"] = h.facts.get("business")
        document["complaint_type"] = h.facts.get("complaint_type")
        document["consumer"] = consumer if unredacted or consumer in (None, ERASED) else stars(consumer)
    for fact in ("good_faith", "timely"):
        if fact in h.facts:
            document[fact] = h.facts[fact]
    if h.timing:
        document["timing"] = h.timing
    if h.event == "filed" and h.facts.get("details"):
        document["details"] = h.facts["details"]
    return document


def event_documents(reference: str, steps: list[HistoryEntry], unredacted: bool) -> list[dict[str, Any]]:
    """A complaint's history for output, the consumer's name (from the filing) redacted unless asked for."""
    consumer = steps[0].facts.get("consumer")
    return [event_document(reference, h, unredacted, consumer) for h in steps]


def when(event: dict[str, Any]) -> str:
    """The effective time as far as it is known: exact, the day only, or a bound."""
    timing, at = event.get("timing"), str(event["at"])
    if timing == "day":
        return f"{at[:10]} (day only)"
    return f"{timing} {at}" if timing else at


def history_document(
    reference: str, as_of: str | None, steps: list[HistoryEntry], status: str | None, unredacted: bool
) -> dict[str, Any]:
    """What `history --json` prints: the state and status reached, and every event, redacted unless asked."""
    events = event_documents(reference, steps, unredacted)
    return {"reference": reference, "as_of": as_of, "state": steps[-1].state_after, "status": status, "events": events}


def history_lines(document: dict[str, Any]) -> list[str]:
    """What `history` prints: a heading, then a line per event."""
    as_of = document["as_of"]
    head = f"{document['reference']}: {document['state']} ({document['status'] or 'open'})"
    return [head + (f" as of {as_of}" if as_of else ""), *(history_line(e) for e in document["events"])]


def history_line(e: dict[str, Any]) -> str:
    """One history entry as a line of `history`."""
    text = f"  {e['text']}" if e["text"] else ""
    return (
        f"  {e['version']:>3}  {when(e)}  recorded {e['recorded_at']}  {e['event']:<32} by {e['actor']:<8} "
        f"{e['state_before'] or '-'} -> {e['state_after']}{text}"
    )


def show_document(s: Summary, steps: list[HistoryEntry]) -> dict[str, Any]:
    """What `show --json` prints."""
    deadline = s.deadline
    return {
        "reference": s.reference,
        "business": s.business,
        "type": s.complaint_type,
        "profile": s.profile,
        "state": s.state,
        "status": s.status,
        "closed": s.closed,
        "overdue": s.overdue,
        "deadline": None
        if deadline is None
        else {
            "name": deadline.name,
            "due_on": deadline.due_on.isoformat(),
            "lapses_at": deadline.lapses_at.isoformat(),
            "extended": deadline.extended,
            "paused_at": deadline.paused_at.isoformat() if deadline.paused_at else None,
            "held": deadline.held,
            "derivation": list(s.derivation),
        },
        "history": [
            {
                "version": h.version,
                "event": h.event,
                "at": h.at.isoformat(),
                "actor": h.actor,
                "state_before": h.state_before,
                "state_after": h.state_after,
            }
            for h in steps
        ],
    }


def show_lines(s: Summary, steps: list[HistoryEntry]) -> list[str]:
    """What `show` prints."""
    label = s.status or ("not published" if s.closed else "open")
    lines = [f"{s.reference}  {s.business}  {s.complaint_type}  {s.state} ({label})"]
    if s.deadline:
        lines.append(f"pending: {s.deadline.name} due {s.deadline.due_on} (lapses {s.deadline.lapses_at.isoformat()})")
        lines.extend(f"  how: {step}" for step in s.derivation)
    quirks = (steps[0].facts.get("details") or {}).get("quirks") if steps else None
    if quirks:
        lines.append(f"flagged: {quirks}")
    if s.overdue:
        lines.append(f"overdue: the {s.overdue} window lapsed (an expectation: the complaint stays {s.state})")
    for h in steps:
        moved = f"{h.state_before or '-'} -> {h.state_after}"
        lines.append(f"  {h.version:>3}  {h.at.isoformat()}  {h.event:<32} by {h.actor:<8} {moved}")
    return lines


def due_document(at: datetime, pending: list[Summary], late: list[Overdue]) -> dict[str, Any]:
    """What `due --json` prints: deadlines lapsing by `at`, then complaints overdue at `at`."""
    return {
        "by": at.isoformat(),
        "due": [
            {
                "reference": s.reference,
                "business": s.business,
                "state": s.state,
                "deadline": s.deadline.name if s.deadline else None,
                "lapses_at": s.deadline.lapses_at.isoformat() if s.deadline else None,
            }
            for s in pending
        ],
        "overdue": [o.as_dict() for o in late],
    }


def due_lines(document: dict[str, Any]) -> list[str]:
    """What `due` prints."""
    lines = [f"{len(document['due'])} due by {document['by']}"]
    lines += [f"  {d['lapses_at']}  {d['reference']}  {d['deadline']}  ({d['state']})" for d in document["due"]]
    lines.append(f"{len(document['overdue'])} overdue")
    lines += [f"  since {o['since']}  {o['reference']}  ({o['state']})" for o in document["overdue"]]
    return lines
