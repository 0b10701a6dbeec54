"""A report as a text table, JSON, CSV, or a self-contained HTML page with SVG charts."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Iterable

from ...views.report.figures import Figures, Report
from .times import moment_text

STATUS_COLOURS = {
    "Open": "#9e9e9e",
    "Resolved": "#2e7d32",
    "Answered": "#1565c0",
    "Unresolved": "#c62828",
    "Unanswered": "#ef6c00",
    "Unpursuable": "#6a1b9a",
    "Closed with explanation": "#00838f",
    "Closed with monetary relief": "#558b2f",
    "Closed with non-monetary relief": "#827717",
    "Closed": "#5d4037",
    "Closed with relief": "#0288d1",
    "Closed without relief": "#ad1457",
    "Untimely response": "#d84315",
}
"""Colours of the outcomes the built-in profiles publish; a section shows only the outcomes of its own profiles."""
PALETTE = ("#37474f", "#0277bd", "#7cb342", "#f9a825", "#8e24aa", "#e53935")
"""Colours for the outcomes of other profiles, in turn."""


def colours(statuses: Iterable[str]) -> dict[str, str]:
    """A colour for each of `statuses`, in their order."""
    found = {}
    for i, status in enumerate(statuses):
        found[status] = STATUS_COLOURS.get(status) or PALETTE[i % len(PALETTE)]
    return found


def prefixes(f: Figures) -> dict[str, str]:
    """Each `by_status` key -> the vocabulary it belongs to (`Open`, common to every profile: `outcome`)."""
    found: dict[str, str] = {}
    for vocabulary, names in f.vocabularies.items():
        for name in names:
            found.setdefault(name, vocabulary)
    return {s: found.get(s, "outcome") for s in f.by_status}


def vocabulary_lines(f: Figures) -> list[str]:
    """One line per vocabulary: what it is called and its outcomes."""
    return [f"{vocabulary}: {', '.join(names)}" for vocabulary, names in f.vocabularies.items()]


def sections(report: Report) -> list[Figures]:
    """The businesses, the complaints naming no company, then the whole store."""
    return [*report.businesses, *([report.unattributed] if report.unattributed else []), report.total]


def share(value: float | None) -> str:
    """A share as a percentage, or a dash."""
    return "-" if value is None else f"{value * 100:.1f}%"


def days(value: float | None) -> str:
    """Days with one decimal, or a dash."""
    return "-" if value is None else f"{value:.1f}"


def as_json(report: Report) -> str:
    """The report as one JSON document."""
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n"


SUMMARY = (
    "business",
    "aliases",
    "complaints",
    "last_12m",
    "prior_12m",
    "change",
    "closed_12m",
    "response_rate",
    "median_days",
    "median_days_basis",
    "median_days_to_response",
    "p90_days_to_response",
    "median_days_at_most",
    "p90_days_at_most",
    "timely_share",
    "relief_share",
    "unanswered_share",
    "disputes",
    "resolution_share",
    "reopen_count",
    "overdue",
    "unpublished",
    "declined",
)


def _summary(f: Figures) -> list[object]:
    values = {**f.as_dict(), "business": f.business or "(all)", "aliases": " | ".join(f.aliases)}
    habit = f.habit or {}
    return [values[k] for k in SUMMARY] + [habit.get("line", ""), habit.get("share", "")]


def as_csv(report: Report) -> str:
    """One row per business, the complaints naming no company, the whole store; counts as columns.

    Outcome columns are named by vocabulary: `status:Resolved`, `company response:Closed`; `outcome:Open`."""
    rows = sections(report)
    statuses = prefixes(report.total)
    states = sorted({s for f in rows for s in f.by_state})
    types = sorted({t for f in rows for t in f.by_type})
    subs = sorted({(t, s) for f in rows for t, c in f.by_sub_type.items() for s in c})
    issues = sorted({i for f in rows for i in f.by_issue})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "as_of",
            "window",
            "since",
            *SUMMARY,
            "habit",
            "habit_share",
            *(f"{prefix}:{s}" for s, prefix in statuses.items()),
            *(f"state:{s}" for s in states),
            "timely:Yes",
            "timely:No",
            *(f"type:{t}" for t in types),
            *(f"sub-type:{t} / {s}" for t, s in subs),
            *(f"issue:{i}" for i in issues),
        ]
    )
    for f in rows:
        writer.writerow(
            [
                report.as_of,
                f.window,
                f.since or "",
                *_summary(f),
                *(f.by_status.get(s, "") for s in statuses),  # empty: not an outcome of its profiles
                *(f.by_state.get(s, 0) for s in states),
                f.timely_counts.get("Yes", 0),
                f.timely_counts.get("No", 0),
                *(f.by_type.get(t, 0) for t in types),
                *(f.by_sub_type.get(t, {}).get(s, 0) for t, s in subs),
                *(f.by_issue.get(i, 0) for i in issues),
            ]
        )
    return out.getvalue()


WINDOW_WORDS = {"filed": "filed", "closed": "open or closed"}
WIDTH = 120
"""A terminal's width the table fits."""
NAME = 34
"""The widest business name shown whole (longer ones end in an ellipsis; JSON and CSV have them whole)."""
HABIT_WORDS = {"typically responds": "yes", "does not typically respond": "no"}

SORTS = (
    "business",
    "complaints",
    "last_12m",
    "change",
    "closed_12m",
    "open",
    "overdue",
    "response_rate",
    "timely_share",
    "relief_share",
    "unanswered_share",
    "disputes",
    "median_days",
    "resolution_share",
)
"""What `--sort` takes: the business name (A to Z) or a figure (highest first; no figure last)."""


def sort_value(f: Figures, key: str) -> object:
    """A business's value of a sort key."""
    return len(f.open) if key == "open" else getattr(f, key)


def ordered(businesses: list[Figures], key: str | None, top: int | None) -> list[Figures]:
    """The businesses by `key` (see SORTS; None: as they are), the first `top` of them."""
    found = list(businesses)
    if key is not None:
        found.sort(key=lambda f: (f.business or "").casefold())
        if key != "business":
            known = [f for f in found if sort_value(f, key) is not None]
            known.sort(key=lambda f: sort_value(f, key), reverse=True)  # type: ignore[arg-type,return-value]
            found = known + [f for f in found if sort_value(f, key) is None]
    return found[:top] if top is not None else found


def change(value: float | None) -> str:
    """A change as a signed whole percentage, or a dash."""
    return "-" if value is None else f"{value * 100:+.0f}%"


def median(f: Figures) -> str:
    """The median days a comparison shows, `≤` where it is a bound."""
    text = days(f.median_days)
    return f"≤{text}" if f.median_days_basis == "at most" and f.median_days is not None else text


def cut(name: str) -> str:
    """A name at most NAME characters wide."""
    return name if len(name) <= NAME else name[: NAME - 1] + "…"


TABLE_HEAD: tuple[str, ...] = ("business", "complaints", "12m", "change", "open", "overdue", "timely", "relief")
TABLE_HEAD += ("no resp", "disputes", "median d", "habit")


def window_text(report: Report) -> str:
    """Which complaints the report counts, for people: `complaints filed since the start of ...` or `at any time`."""
    since, words = report.total.since, WINDOW_WORDS.get(report.window, report.window)
    return f"complaints {words} " + (f"since {moment_text(since, report.zone)}" if since else "at any time")


def as_table(report: Report) -> str:
    """A table that fits 120 columns: one row per business, then the whole store; the outcomes listed above it."""
    lines = [f"as of {moment_text(report.as_of, report.zone)}; {window_text(report)}"]
    for outcomes in vocabulary_lines(report.total):
        lines += textwrap.wrap(outcomes, WIDTH, initial_indent="  ", subsequent_indent="    ")
    rows: list[tuple[str, ...]] = [TABLE_HEAD]
    for f in sections(report):
        rows.append(
            (
                cut(f.business or "(all)"),
                str(f.complaints),
                str(f.last_12m),
                change(f.change),
                str(len(f.open)),
                str(f.overdue),
                share(f.timely_share),
                share(f.relief_share),
                share(f.unanswered_share),
                str(f.disputes),
                median(f),
                HABIT_WORDS.get((f.habit or {}).get("line", ""), "-"),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(TABLE_HEAD))]
    for row in rows:
        cells = (c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        lines.append(" ".join(cells).rstrip())
    lines.append("12m: filed in the last 12 months; change: against the 12 before; ≤: at most (see --format json)")
    lines += [f"{cut(f.business or '')} also spelled: {'; '.join(f.aliases)}" for f in report.businesses if f.aliases]
    return "\n".join(lines) + "\n"
