"""CSV rows shaped like the CFPB exports, any number of them, for `benchmarks/scale.py`.

Everything is derived at start from the real exports (`/work/shared/data/cfpb/*.csv`, or the copy in
tests/data/cfpb) and then drawn with a seeded generator, so a size always gives the same rows:

- companies: the 200 largest of the exports with their real names and shares, then a power-law tail
  (exponent 1.75, continuous with the 200th) up to 7,500 companies. Drawn independently per row, a
  sample of the exports' size (29,692 rows naming a company) then names about as many companies as
  they do (1,657 against 1,776), and larger stores name more: about 5,300 at 0.5M, 6,900 at 2M,
  7,000 at 5M (the tail's length is an assumption: a few thousand, as in the published database).
- received days: every day from 2015-01-01 to 2024-12-31, each weekday weighted as in the exports,
  rows in received order (the store a bureau fills over ten years); sent: the received day plus a lag
  drawn from the exports' (negative lags left out: those rows are flagged quirks).
- outcome: company response and timeliness drawn from the exports' mix of closed rows; a dispute, for
  rows received before May 2017 (the CFPB took none after April 2017), at the exports' rate per
  response, "N/A" after (May 2017 is a margin: a dispute must follow a response before 2017-04-24);
  rows received in the last 30 days are "In progress" at the rate of rows that young in their export,
  and none of them is late (a late response would show a lapse after the export's day).
- product, sub-product, issue, sub-issue, state, ZIP, submitted via, tags, consent, public response:
  together from one real row; a narrative (a real one) at the share of the export that has the column.
"""

from __future__ import annotations

import bisect
import csv
import glob
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

from lifecycle.importers.cfpb.export import parse_date

SOURCES = ("/work/shared/data/cfpb/*.csv", str(Path(__file__).parents[1] / "tests" / "data" / "cfpb" / "*.csv"))
START, END = date(2015, 1, 1), date(2024, 12, 31)
"""The received days; END is also the day the generated exports know the history up to (`as_of`)."""
HEAD, TAIL_EXPONENT, COMPANIES = 200, 1.75, 7_500
DISPUTES_UNTIL = date(2017, 4, 1)
"""Rows received before it may be disputed (a margin before the CFPB's last day for disputes, 2017-04-24)."""
YOUNG = 30
FILE = "\x00file"
UNDISPUTED = ("In progress", "Untimely response")
"""Rows received this many days before END or fewer may be 'In progress'."""
HEADER = [
    "Date received",
    "Product",
    "Sub-product",
    "Issue",
    "Sub-issue",
    "Consumer complaint narrative",
    "Company public response",
    "Company",
    "State",
    "ZIP code",
    "Tags",
    "Consumer consent provided?",
    "Submitted via",
    "Date sent to company",
    "Company response to consumer",
    "Timely response?",
    "Consumer disputed?",
    "Complaint ID",
]
DETAIL_COLUMNS = (
    ("Product",),
    ("Sub-product",),
    ("Issue",),
    ("Sub-issue",),
    ("Company public response",),
    ("State",),
    ("ZIP code",),
    ("Tags",),
    ("Consumer consent provided?",),
    ("Submitted via",),
)


@dataclass
class Shape:
    """What the real exports look like, as weights to draw from."""

    companies: list[str] = field(default_factory=list)
    company_weights: list[float] = field(default_factory=list)
    outcomes: list[tuple[str, str]] = field(default_factory=list)
    outcome_weights: list[int] = field(default_factory=list)
    disputed: dict[str, float] = field(default_factory=dict)
    in_progress: float = 0.0
    details: list[tuple[str, ...]] = field(default_factory=list)
    narratives: list[str] = field(default_factory=list)
    narrative_share: float = 0.0
    lags: list[int] = field(default_factory=list)
    weekdays: list[float] = field(default_factory=list)
    rows: int = 0

    def describe(self) -> str:
        """One paragraph: what the generator draws from."""
        closed = sum(self.outcome_weights)
        top = ", ".join(
            f"{c} {w * 100:.1f}%" for c, w in zip(self.companies[:3], self.company_weights[:3], strict=True)
        )
        mix = "; ".join(
            f"{r} ({'timely' if t == 'Yes' else 'late'}) {w / closed * 100:.1f}%"
            for (r, t), w in sorted(zip(self.outcomes, self.outcome_weights, strict=True), key=lambda x: -x[1])[:5]
        )
        return (
            f"Rows drawn from the shape of {self.rows:,} real export rows: {len(self.companies):,} companies "
            f"(largest {top}; the 200 largest real, then a power-law tail of exponent {TAIL_EXPONENT}); "
            f"outcomes {mix} ...; disputed (before {DISPUTES_UNTIL}) "
            f"{self.disputed.get('Closed with explanation', 0) * 100:.0f}% of 'Closed with explanation'; "
            f"'In progress' {self.in_progress * 100:.0f}% of the last {YOUNG} days' rows; narratives on "
            f"{self.narrative_share * 100:.0f}% of rows; received {START} to {END} in order, each export known "
            f"up to {END}."
        )


def real_rows() -> list[dict[str, str]]:
    """Every row of the real exports (the first source folder that has them)."""
    for pattern in SOURCES:
        paths = sorted(glob.glob(pattern))
        if paths:
            out: list[dict[str, str]] = []
            for path in paths:
                with open(path, newline="", encoding="utf-8-sig") as handle:
                    for row in csv.DictReader(handle):
                        out.append({k: (v or "").strip() for k, v in row.items() if k} | {FILE: path})
            return out
    raise SystemExit(f"no CFPB exports found in {' or '.join(SOURCES)}")


def shape(rows: list[dict[str, str]] | None = None) -> Shape:
    """The real exports' shape."""
    rows = real_rows() if rows is None else rows
    out = Shape(rows=len(rows))
    _companies(out, rows)
    _outcomes(out, rows)
    for row in rows:
        out.details.append(tuple(row.get(c[0], "") for c in DETAIL_COLUMNS))
        received, sent = parse_date(row["Date received"]), parse_date(row["Date sent to company"])
        if sent >= received:
            out.lags.append((sent - received).days)
    with_column = [r for r in rows if "Consumer complaint narrative" in r]
    out.narratives = [n for r in with_column if (n := r["Consumer complaint narrative"])]
    out.narrative_share = len(out.narratives) / max(1, len(with_column))
    days = Counter(parse_date(r["Date received"]).weekday() for r in rows)
    out.weekdays = [days[d] / max(days.values()) for d in range(7)]
    return out


def _companies(out: Shape, rows: list[dict[str, str]]) -> None:
    spellings: dict[str, Counter[str]] = {}
    for row in rows:
        if name := row.get("Company"):
            spellings.setdefault(name.lower(), Counter())[name] += 1
    ranked = sorted(spellings.values(), key=lambda c: -sum(c.values()))[:HEAD]
    weights = [float(sum(c.values())) for c in ranked]
    names = [c.most_common(1)[0][0] for c in ranked]
    base = weights[-1]
    for rank in range(len(ranked) + 1, COMPANIES + 1):
        names.append(f"Company {rank:05d} LLC")
        weights.append(base * (rank / len(ranked)) ** -TAIL_EXPONENT)
    total = sum(weights)
    out.companies, out.company_weights = names, [w / total for w in weights]


def _outcomes(out: Shape, rows: list[dict[str, str]]) -> None:
    response = [r.get("Company response") or r.get("Company response to consumer", "") for r in rows]
    mix = Counter(
        (resp, r["Timely response?"]) for resp, r in zip(response, rows, strict=True) if resp != "In progress"
    )
    out.outcomes, out.outcome_weights = list(mix), list(mix.values())
    asked: Counter[str] = Counter()
    yes: Counter[str] = Counter()
    for resp, row in zip(response, rows, strict=True):
        if row.get("Consumer disputed?", "N/A") in ("Yes", "No", "") and resp not in UNDISPUTED:
            asked[resp] += 1  # (a blank in the 2014-2015 exports: not disputed)
            yes[resp] += row["Consumer disputed?"] == "Yes"
    out.disputed = {resp: yes[resp] / asked[resp] for resp in asked}
    young = total = 0  # rows received in the YOUNG days before the newest day of their export
    newest: dict[str, date] = {}
    for row in rows:
        newest[row[FILE]] = max(newest.get(row[FILE], START), parse_date(row["Date received"]))
    for resp, row in zip(response, rows, strict=True):
        if (newest[row[FILE]] - parse_date(row["Date received"])).days <= YOUNG:
            total, young = total + 1, young + (resp == "In progress")
    out.in_progress = young / max(1, total)


def per_day(shape: Shape, n: int) -> Iterator[tuple[date, int]]:
    """How many rows each day from START to END receives: `n` in all, in proportion to its weekday's weight."""
    days = [START + timedelta(d) for d in range((END - START).days + 1)]
    cumulative = list(accumulate(shape.weekdays[d.weekday()] for d in days))
    before = 0
    for day, upto in zip(days, cumulative, strict=True):
        count = int(n * upto / cumulative[-1]) - before
        before += count
        yield day, count


def rows(shape: Shape, n: int, seed: int = 16, drawn: Counter[str] | None = None) -> Iterator[list[str]]:
    """`n` export rows in received order; `drawn` counts the rows per company."""
    rng = random.Random(seed)
    company_cum = list(accumulate(shape.company_weights))
    outcome_cum = list(accumulate(shape.outcome_weights))
    number = 10_000_000
    for day, count in per_day(shape, n):
        companies = [shape.companies[bisect.bisect(company_cum, rng.random() * company_cum[-1])] for _ in range(count)]
        if drawn is not None:
            drawn.update(companies)
        young = (END - day).days <= YOUNG
        for company in companies:
            number += 1
            response, timely = shape.outcomes[bisect.bisect(outcome_cum, rng.random() * outcome_cum[-1])]
            while young and timely == "No":  # a late response shows a lapse after END: not in an export of END
                response, timely = shape.outcomes[bisect.bisect(outcome_cum, rng.random() * outcome_cum[-1])]
            if young and rng.random() < shape.in_progress:
                response, timely = "In progress", "Yes"
            disputed = "N/A"
            if day < DISPUTES_UNTIL and response in shape.disputed:
                disputed = "Yes" if rng.random() < shape.disputed[response] else "No"
            sent = min(END, day + timedelta(rng.choice(shape.lags)))
            detail = rng.choice(shape.details)
            narrative = rng.choice(shape.narratives) if rng.random() < shape.narrative_share else ""
            yield [
                day.isoformat(),
                *detail[:4],
                narrative,
                detail[4],
                company,
                *detail[5:],
                sent.isoformat(),
                response,
                timely,
                disputed,
                str(number),
            ]


def write_chunks(shape: Shape, n: int, folder: Path, chunk: int, drawn: Counter[str]) -> Iterator[tuple[Path, int]]:
    """Write the rows of `rows(shape, n)` into CSV files of `chunk` rows each, one at a time: each is yielded
    (with its row count) before the next is written, so the caller can import and delete it."""
    stream = rows(shape, n, drawn=drawn)
    part = 0
    while True:
        path = folder / f"rows-{part:04d}.csv"
        count = 0
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            for row in stream:
                writer.writerow(row)
                count += 1
                if count == chunk:
                    break
        if not count:
            path.unlink()
            return
        yield path, count
        part += 1
