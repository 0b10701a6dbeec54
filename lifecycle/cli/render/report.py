"""A report as a text table, JSON, CSV, or a self-contained HTML page with SVG charts."""

from __future__ import annotations

import csv
import io
import json
import math
from html import escape

from ...views.report.figures import Figures, Report

STATUS_COLOURS = {
    "Open": "#9e9e9e",
    "Resolved": "#2e7d32",
    "Answered": "#1565c0",
    "Unresolved": "#c62828",
    "Unanswered": "#ef6c00",
    "Unpursuable": "#6a1b9a",
}


def share(value: float | None) -> str:
    """A share as a percentage, or a dash."""
    return "-" if value is None else f"{value * 100:.1f}%"


def days(value: float | None) -> str:
    """Days with one decimal, or a dash."""
    return "-" if value is None else f"{value:.1f}"


def as_json(report: Report) -> str:
    """The report as one JSON document."""
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False)


SUMMARY = (
    "business",
    "complaints",
    "closed_12m",
    "response_rate",
    "median_days_to_response",
    "p90_days_to_response",
    "timely_share",
    "resolution_share",
    "reopen_count",
    "declined",
)


def as_csv(report: Report) -> str:
    """One row per business, then the whole store; status, state, timely and type counts as columns."""
    rows = [*report.businesses, report.total]
    statuses = sorted({s for f in rows for s in f.by_status})
    states = sorted({s for f in rows for s in f.by_state})
    types = sorted({t for f in rows for t in f.by_type})
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "as_of",
            "since",
            *SUMMARY,
            *(f"status:{s}" for s in statuses),
            *(f"state:{s}" for s in states),
            "timely:Yes",
            "timely:No",
            *(f"type:{t}" for t in types),
        ]
    )
    for f in rows:
        values = f.as_dict()
        writer.writerow(
            [
                report.as_of,
                f.since or "",
                *("(all)" if k == "business" and values[k] is None else values[k] for k in SUMMARY),
                *(f.by_status.get(s, 0) for s in statuses),
                *(f.by_state.get(s, 0) for s in states),
                f.timely_counts.get("Yes", 0),
                f.timely_counts.get("No", 0),
                *(f.by_type.get(t, 0) for t in types),
            ]
        )
    return out.getvalue()


def as_table(report: Report) -> str:
    """A fixed-width table for a terminal."""
    head = (
        "business",
        "filed",
        "closed 12m",
        "open",
        "Resolved",
        "Answered",
        "Unresolved",
        "Unanswered",
        "Unpursuable",
        "responded",
        "median d",
        "p90 d",
        "timely",
        "resolved",
    )
    since = report.total.since
    lines = [f"as of {report.as_of}; complaints filed " + (f"since {since}" if since else "at any time")]
    rows: list[tuple[str, ...]] = [head]
    for f in [*report.businesses, report.total]:
        s = f.by_status
        rows.append(
            (
                f.business or "(all)",
                str(f.complaints),
                str(f.closed_12m),
                str(s.get("Open", 0)),
                *(str(s.get(k, 0)) for k in head[4:9]),
                share(f.response_rate),
                days(f.median_days_to_response),
                days(f.p90_days_to_response),
                share(f.timely_share),
                share(f.resolution_share),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    for row in rows:
        lines.append(
            "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    return "\n".join(lines) + "\n"


def _bars(title: str, counts: dict[str, int], colours: dict[str, str] | None = None) -> str:
    """A horizontal bar chart as inline SVG."""
    items = list(counts.items())
    top = max((v for _, v in items), default=0) or 1
    height = 24 * len(items) + 30
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="560" height="{height}" '
        f'viewBox="0 0 560 {height}"><text x="0" y="16" class="title">{escape(title)}</text>'
    ]
    for i, (label, value) in enumerate(items):
        y = 28 + 24 * i
        width = 300 * value / top
        colour = (colours or {}).get(label, "#1565c0")
        parts.append(
            f'<text x="0" y="{y + 14}">{escape(label)}</text>'
            f'<rect x="200" y="{y}" width="{width:.1f}" height="18" fill="{colour}"/>'
            f'<text x="{205 + width:.1f}" y="{y + 14}">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _months(title: str, by_month: dict[str, dict[str, int]]) -> str:
    """Stacked columns: complaints filed per month, by their status as of the report."""
    months = list(by_month)
    top = max((sum(c.values()) for c in by_month.values()), default=0) or 1
    step = max(8, min(40, 520 // max(1, len(months))))
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{max(480, 60 + step * len(months))}" '
        f'height="260"><text x="0" y="16" class="title">{escape(title)}</text>'
    ]
    for i, month in enumerate(months):
        x, base = 40 + step * i, 220.0
        for status, colour in STATUS_COLOURS.items():
            value = by_month[month].get(status, 0)
            h = 180 * value / top
            if value:
                parts.append(
                    f'<rect x="{x}" y="{base - h:.1f}" width="{step - 2}" height="{h:.1f}" '
                    f'fill="{colour}"><title>{month} {status}: {value}</title></rect>'
                )
            base -= h
        if i % max(1, math.ceil(50 / step), len(months) // 12) == 0:
            parts.append(f'<text x="{x}" y="240" class="small">{month}</text>')
    legend = "".join(f'<tspan fill="{c}">■ {s} </tspan>' for s, c in STATUS_COLOURS.items())
    parts.append(f'<text x="40" y="256" class="small">{legend}</text></svg>')
    return "".join(parts)


def _section(f: Figures) -> str:
    name = escape(f.business or "All businesses")
    facts = [
        ("complaints filed" + (f" since {f.since[:10]}" if f.since else ""), str(f.complaints)),
        ("closed, last 12 months", str(f.closed_12m)),
        ("response rate", share(f.response_rate)),
        ("median days to first response", days(f.median_days_to_response)),
        ("90th percentile days", days(f.p90_days_to_response)),
        ("timely first responses", share(f.timely_share)),
        (
            "timely: yes / no (late or none in time)",
            f"{f.timely_counts.get('Yes', 0)} / {f.timely_counts.get('No', 0)}",
        ),
        ("resolved among closed", share(f.resolution_share)),
        ("re-opened by a late response", str(f.reopen_count)),
    ]
    rows = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in facts)
    states = "".join(f"<tr><td>{escape(k)}</td><td>{v}</td></tr>" for k, v in f.by_state.items())
    state_table = f"<h3>By state</h3><table><tr><th>state</th><th>complaints</th></tr>{states}</table>"
    open_rows = "".join(
        f"<tr><td>{escape(str(o['reference']))}</td><td>{escape(str(o['state']))}</td>"
        f"<td>{escape(str(o['deadline'] or '-'))}</td><td>{escape(str(o['due_on'] or '-'))}</td></tr>"
        for o in f.open[:50]
    )
    open_table = (
        (
            f"<h3>Open complaints ({len(f.open)})</h3><table><tr><th>reference</th><th>state</th>"
            f"<th>next deadline</th><th>due</th></tr>{open_rows}</table>"
        )
        if f.open
        else ""
    )
    return (
        f"<section><h2>{name}</h2><table>{rows}</table>{state_table}<div class='charts'>"
        f"{_months('Complaints per month by status', f.by_month)}"
        f"{_bars('By status', f.by_status, STATUS_COLOURS)}{_bars('By type', f.by_type)}"
        f"{_bars('Days from filing to first response', f.response_days_histogram)}</div>{open_table}</section>"
    )


def as_html(report: Report) -> str:
    """A self-contained page: no scripts, no external files; opens offline in any browser."""
    sections = [_section(report.total), *(_section(f) for f in report.businesses)]
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Complaint report</title><style>"
        "body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0}"
        "th,td{padding:2px 10px;text-align:left;border-bottom:1px solid #ddd}section{margin-bottom:40px}"
        ".charts{display:flex;flex-wrap:wrap;gap:24px}.chart text{font-size:12px}.chart .title{font-weight:bold}"
        ".chart .small{font-size:10px}</style></head><body>"
        f"<h1>Complaint report</h1><p>As of {escape(report.as_of)}. Counts use the effective times of events; "
        "no personal data is shown.</p>" + "".join(sections) + "</body></html>\n"
    )
