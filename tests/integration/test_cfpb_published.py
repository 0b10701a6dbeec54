"""Issue 11's acceptance on the real exports: every published row counted as the CFPB published it, after
the clock has run to today, against an independent csv-module recount; none in another body's vocabulary."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from lifecycle import Lifecycle
from lifecycle.cli.render.report import as_csv, as_json, as_table
from lifecycle.cli.render.site import write_site
from lifecycle.importers.cfpb.importer import ImportResult
from lifecycle.views.report.figures import Figures, Report

from .conftest import FILES, Imported

BBB_STATUSES = ("Resolved", "Unresolved", "Answered", "Unanswered", "Unpursuable")
PUBLISHED_ROWS = 57_848  # data rows of the five files (wc -l less headers and the quoted newlines)
UNTIMELY = "Untimely response"

Counts = Counter[tuple[str, str]]


def key(name: str) -> str:
    """An independent folding of company spellings: case and runs of spaces do not make a company."""
    return " ".join(name.split()).casefold() or "-"


def recount(paths: list[Path]) -> tuple[Counts, Counts, int, int]:
    """Per company: rows by published response and by published timely flag, from the csv module alone.

    Every row counts (a short row is read as far as it goes). The one rule applied: an 'Untimely
    response' row marked timely Yes contradicts itself; the bureau's own response says none came in
    the window, so it counts as timely No (the import flags it). Returns the counts, the number of
    rows and the number of such contradictions."""
    responses: Counts = Counter()
    timely: Counts = Counter()
    rows = contradictions = 0
    for path in paths:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = [name.strip().lower() for name in next(reader)]
            for fields in reader:
                rows += 1
                record = dict(zip(header, fields + [""] * (len(header) - len(fields)), strict=True))
                response = record.get("company response") or record.get("company response to consumer") or ""
                flag = record["timely response?"]
                if response == UNTIMELY and flag == "Yes":
                    contradictions += 1
                    flag = "No"
                company = key(record.get("company", ""))
                responses[company, response] += 1
                timely[company, flag] += 1
    return responses, timely, rows, contradictions


def reported(report: Report) -> tuple[Counts, Counts]:
    """The same counts from the report: per business (unattributed rows under '-'), by state and timely."""
    responses: Counts = Counter()
    timely: Counts = Counter()
    sections: list[tuple[str, Figures]] = [(key(b.business or ""), b) for b in report.businesses]
    if report.unattributed is not None:
        sections.append(("-", report.unattributed))
    for company, figures in sections:
        for label, count in figures.by_state.items():
            responses[company, label] += count
        for flag, count in figures.timely_counts.items():
            timely[company, flag] += count
    return +responses, +timely


@pytest.fixture(scope="module")
def advanced(cfpb_store: Imported) -> Iterator[tuple[Lifecycle, ImportResult, int]]:
    """The five exports imported into a SQLite file, then the clock advanced to today."""
    app = Lifecycle(f"sqlite:///{cfpb_store.path}", default_profile="cfpb")
    yield app, cfpb_store.result, cfpb_store.recorded
    app.close()


def test_every_published_row_counts_as_published_after_the_clock_ran_to_today(
    advanced: tuple[Lifecycle, ImportResult, int],
) -> None:
    app, result, _ = advanced
    expected_responses, expected_timely, rows, contradictions = recount(FILES)
    assert rows == result.rows == PUBLISHED_ROWS
    assert result.bad == [] and result.filed + result.updated + result.unchanged == rows  # none dropped
    assert contradictions == 1 and len(result.warnings) >= 8  # 6 sent before received, 1 short, 1 contradiction
    report = app.report(as_of=date.today().isoformat(), years=None)
    responses, timely = reported(report)
    assert responses == +expected_responses
    assert timely == +expected_timely
    assert report.total.complaints == rows


def test_the_clock_records_nothing_the_exports_could_not_know_and_closes_none(
    advanced: tuple[Lifecycle, ImportResult, int],
) -> None:
    app, _, recorded = advanced
    report = app.report(as_of=date.today().isoformat(), years=None)
    in_progress = report.total.by_state.get("In progress", 0)
    assert in_progress > 1_000  # the exports' complaints still in progress when they were published
    assert report.total.by_state.get(UNTIMELY, 0) == sum(
        count for (_, response), count in recount(FILES)[0].items() if response == UNTIMELY
    )
    # Every lapse an export could know was recorded at import; the clock adds nothing it could not know.
    assert recorded == 0
    flagged = app.audit(event="overdue", limit=1_000_000)
    assert all(e.state_after == "in_progress" for e in flagged)
    assert report.total.overdue == len({e.reference for e in flagged}) == known_overdue(FILES)


def known_overdue(paths: list[Path]) -> int:
    """In progress rows whose 60-day final-response window had lapsed by their export's newest date.

    (None in the bundled exports: the CFPB published no complaint still in progress 60 days after sending.)"""
    found = 0
    for path in paths:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = [{k.strip().lower(): v for k, v in row.items() if k} for row in csv.DictReader(handle)]
        newest = max(max(_day(r["date received"]), _day(r["date sent to company"])) for r in rows)
        for r in rows:
            response = r.get("company response") or r.get("company response to consumer")
            found += response == "In progress" and _day(r["date sent to company"]) + timedelta(days=60) < newest
    return found


def _day(text: str) -> date:
    """The three date layouts, read independently of the importer."""
    if "-" in text:
        return date.fromisoformat(text)
    a, b, c = (int(x) for x in text.split("/"))
    return date(a, b, c) if a > 31 else date(c, a, b)


def site_text(app: Lifecycle, report: Report, folder: Path) -> str:
    """Every data file of the report's site, as one text."""
    write_site(folder, report, app.listing(report), app.profile, 10)
    return "".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.js")) if p.name != "app.js")


def test_no_cfpb_figure_is_shown_in_the_bbb_vocabulary(
    advanced: tuple[Lifecycle, ImportResult, int], tmp_path: Path
) -> None:
    app, _, _ = advanced
    report = app.report(as_of=date.today().isoformat(), years=None)
    for text in (as_json(report), as_csv(report), site_text(app, report, tmp_path), as_table(report)):
        found = [status for status in BBB_STATUSES if status in text]
        assert not found, found
    rows = list(csv.DictReader(io.StringIO(as_csv(report))))
    assert rows and not [column for column in rows[0] if column.startswith("status:")]
    assert report.total.vocabularies == {
        "company response": list(dict.fromkeys(app.profile("cfpb").rules.closing.values()))
    }
    assert report.total.resolution_share is None  # no consumer confirmed a company's response


def test_routed_complaints_appear_in_no_published_count() -> None:
    app = Lifecycle("memory://", default_profile="cfpb")
    for number, event in enumerate(("routed", "routed", "sent"), start=1):
        reference = app.file("Example Bank", "Mortgage", "2020-03-02", reference=f"R-{number}", profile="cfpb")
        app.record(reference, event, "2020-03-03")
    app.record("R-3", "closed_with_explanation", "2020-03-05")
    figures = app.report(as_of="2020-12-31").total
    assert figures.complaints == 1 and figures.unpublished == 2
    assert sum(figures.by_status.values()) == 1 and figures.by_status["Closed with explanation"] == 1
    assert app.summary("R-1").status is None and app.summary("R-1").closed
    app.close()


def topics(paths: list[Path]) -> tuple[Counts, Counter[tuple[str, str, str]], Counter[str]]:
    """Per company, from the csv module alone: rows by issue, by product and sub-product, and disputed rows."""
    issues: Counts = Counter()
    subs: Counter[tuple[str, str, str]] = Counter()
    disputed: Counter[str] = Counter()
    for path in paths:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                record = {(k or "").strip().lower(): v or "" for k, v in row.items()}
                company = key(record.get("company", ""))
                if record.get("issue"):
                    issues[company, record["issue"]] += 1
                if record.get("sub-product"):
                    subs[company, record["product"], record["sub-product"]] += 1
                disputed[company] += record.get("consumer disputed?") == "Yes"
    return issues, subs, disputed


def test_topics_and_disputes_per_company_match_a_csv_recount(advanced: tuple[Lifecycle, ImportResult, int]) -> None:
    app, _, _ = advanced
    report = app.report(as_of=date.today().isoformat(), years=None)
    expected_issues, expected_subs, expected_disputed = topics(FILES)
    issues: Counts = Counter()
    subs: Counter[tuple[str, str, str]] = Counter()
    disputed: Counter[str] = Counter()
    sections = [(key(b.business or ""), b) for b in report.businesses]
    sections += [("-", report.unattributed)] if report.unattributed else []
    for company, figures in sections:
        issues.update({(company, issue): n for issue, n in figures.by_issue.items()})
        subs.update({(company, t, s): n for t, c in figures.by_sub_type.items() for s, n in c.items()})
        disputed[company] += figures.disputes
    assert issues == +expected_issues and sum(issues.values()) > 50_000
    assert subs == +expected_subs
    assert +disputed == +expected_disputed and report.total.disputes == sum(expected_disputed.values()) > 5_000
