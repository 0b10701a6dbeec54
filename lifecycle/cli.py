"""The `lifecycle` command line: replay scenarios, record events, read complaints, draw the rules."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click
import psycopg
from eventsourcing.persistence import PersistenceError

from .application import Lifecycle
from .audit import AuditEntry
from .diagram import mermaid, replace_block
from .domain.errors import LifecycleError
from .domain.profiles import PROFILES
from .importing import Importer, ImportResult, check
from .personal import ERASED
from .redaction import redact, stars
from .replay import FileResult, describe, replay
from .report_format import as_csv, as_html, as_json, as_table
from .scenario import ScenarioError, find, load

BAD_INPUT = 2
db_option = click.option(
    "--db",
    envvar="LIFECYCLE_DB",
    default="lifecycle.db",
    show_default=True,
    help="Database: a SQLite file, sqlite:///path, postgresql://... or memory://.",
)


def fail(message: str) -> NoReturn:
    """One line on stderr and exit 2: the input was bad."""
    click.echo(f"error: {message}", err=True)
    sys.exit(BAD_INPUT)


def emit(text: str, out: Path | None, note: str) -> None:
    """Data to stdout, or to `out` with a note on stderr."""
    if out is None:
        click.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    click.echo(note, err=True)


@contextmanager
def engine(db: str) -> Iterator[Lifecycle]:
    """An application on `db`; bad input becomes a one-line error."""
    try:
        app = Lifecycle(db)
    except LifecycleError as error:
        fail(str(error))
    except Exception as error:  # the database cannot be reached or read
        fail(f"cannot open database {db}: {error}".splitlines()[0])
    try:
        yield app
    except LifecycleError as error:
        fail(str(error))
    except (sqlite3.Error, psycopg.Error, PersistenceError) as error:
        click.echo(f"error: database {db}: {error}".splitlines()[0], err=True)
        sys.exit(1)
    finally:
        app.close()


@click.group()
@click.version_option(package_name="lifecycle")
def main() -> None:
    """An event-sourced complaint lifecycle engine."""


@main.command("replay")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--db",
    default="memory://",
    show_default=True,
    help="Where to keep the replayed events (default: in memory, kept nowhere).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON document instead of lines.")
def replay_command(paths: tuple[Path, ...], db: str, as_json: bool) -> None:
    """Replay scenario files (or folders of *.yaml) and check their expectations.

    Exit 0 when every expectation holds, 1 when one fails, 2 when a file is not a valid scenario.
    """
    results: list[FileResult] = []
    files = find(paths)
    if not files:
        fail(f"no scenario files (*.yaml, *.yml) under {', '.join(map(str, paths))}")
    with engine(db) as app:
        for path in files:
            try:
                scenario = load(path, app.profiles)
                results.append(replay(app, scenario, path))
            except ScenarioError as error:
                click.echo(f"error: {error}", err=True)
                results.append(FileResult(str(path), None, error=str(error)))
            except LifecycleError as error:
                click.echo(f"error: {path}: {error}", err=True)
                results.append(FileResult(str(path), None, error=f"{path}: {error}"))
    complaints = [c for r in results for c in r.complaints]
    passed = sum(c.passed for c in complaints)
    broken = sum(r.error is not None for r in results)
    summary = {
        "files": len(results),
        "invalid_files": broken,
        "complaints": len(complaints),
        "passed": passed,
        "failed": len(complaints) - passed,
    }
    if as_json:
        click.echo(json.dumps({"files": [r.as_dict() for r in results], "summary": summary}, indent=2))
    else:
        _print_results(results)
        click.echo(
            f"{summary['files']} files, {summary['complaints']} complaints: "
            f"{passed} passed, {summary['failed']} failed, {broken} invalid files"
        )
    sys.exit(BAD_INPUT if broken else 1 if summary["failed"] else 0)


def _print_results(results: list[FileResult]) -> None:
    for r in results:
        for c in r.complaints:
            mark = "PASS" if c.passed else "FAIL"
            status = c.status or "-"
            click.echo(f"{mark}  {r.path}  {c.id}  {c.state} ({status})  expected: {describe(c.expected)}")
            for failure in c.failures:
                click.echo(f"      {failure}")
            for step in c.timeline:
                click.echo(f"        {step['at']}  {step['event']:<32} by {step['actor']:<8} -> {step['state']}")


@main.command()
@click.option(
    "--policy",
    default="bbb",
    show_default=True,
    type=click.Choice(sorted(PROFILES)),
    help="The profile whose rule table to draw.",
)
@click.option(
    "--write",
    "document",
    type=click.Path(exists=True, path_type=Path),
    help="Regenerate the diagram block in this Markdown file instead of printing.",
)
def diagram(policy: str, document: Path | None) -> None:
    """Print the lifecycle as a Mermaid state diagram generated from the rule table."""
    profile = PROFILES[policy]
    if document is None:
        click.echo(mermaid(profile), nl=False)
        return
    try:
        document.write_text(replace_block(document.read_text(encoding="utf-8"), policy, profile), encoding="utf-8")
    except ValueError as error:
        fail(f"{document}: {error}")
    click.echo(f"updated the {policy} diagram in {document}", err=True)


@main.command()
@click.option("--business", help="Only this business (default: every business and the whole store).")
@click.option("--as-of", "as_of", help="Date (its end) or ISO date-time; default now.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "html"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of stdout.")
@click.option(
    "--years",
    default="3",
    show_default=True,
    help="Complaints filed in this many years up to the report's moment, or 'all'.",
)
@db_option
def report(business: str | None, as_of: str | None, fmt: str, out: Path | None, years: str, db: str) -> None:
    """Business profile figures from the event history: counts, breakdowns, response habits."""
    if years != "all" and not years.isdigit():
        fail(f"--years takes a number of years or 'all', not {years!r}")
    with engine(db) as app:
        result = app.report(business, as_of, None if years == "all" else int(years))
    if business is not None and not result.businesses:
        fail(f"no complaints for business {business!r} filed by {result.as_of}")
    emit({"table": as_table, "json": as_json, "csv": as_csv, "html": as_html}[fmt](result), out, f"wrote {out}")


@main.group("import")
def import_group() -> None:
    """Import complaints from the exports users already have."""


@import_group.command("cfpb")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@db_option
def import_cfpb(paths: tuple[Path, ...], as_json: bool, db: str) -> None:
    """Import CFPB complaint exports (every published layout); importing a file again records nothing new.

    Rows that cannot be read are listed on stderr as FILE:LINE: reason and counted; the others import.
    Exit 0 when every row imported, 1 when some were refused, 2 when a file is not an export at all."""
    try:
        check(paths)
    except LifecycleError as error:
        fail(str(error))
    total = sum(path.stat().st_size for path in paths)
    with engine(db) as app, click.progressbar(length=total, label="importing", file=sys.stderr) as bar:

        def report_rate(progress: ImportResult) -> None:
            elapsed = time.perf_counter() - started
            if elapsed - shown[0] >= 1:  # a new label at most once a second (each is a line when not a terminal)
                shown[0] = elapsed
                bar.label = f"importing {progress.rows:,} rows, {progress.rows / elapsed:,.0f} rows/s"

        started, shown = time.perf_counter(), [0.0]
        result = Importer(app).run(list(paths), progress=bar.update, on_batch=report_rate)
    for bad in result.bad:
        click.echo(str(bad), err=True)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        click.echo(
            f"{result.rows} rows in {result.files} files: {result.filed} complaints filed, {result.updated} updated, "
            f"{result.unchanged} already recorded, {len(result.bad)} refused; {result.events} events "
            f"({result.rows / max(result.seconds, 1e-9):,.0f} rows/s, {result.events / max(result.seconds, 1e-9):,.0f} "
            "events/s)"
        )
    sys.exit(1 if result.bad else 0)


@main.command()
@click.option(
    "--view",
    type=click.Choice(["report", "deadlines", "chain", "all"]),
    default="all",
    show_default=True,
    help="Which view; 'all' leaves the hash chain alone (rebuilding it accepts the log as it is now).",
)
@db_option
def rebuild(view: str, db: str) -> None:
    """Recompute views from scratch from the notification log."""
    with engine(db) as app:
        total = app.recorder.max_notification_id() or 0
        projectors = {"report": app.report_view, "deadlines": app.deadline_index, "chain": app.chain}
        for name, projector in projectors.items():
            if view != name and (view != "all" or name == "chain"):
                continue
            with click.progressbar(length=total, label=f"rebuilding {name}", file=sys.stderr, show_pos=True) as bar:
                count = projector.rebuild(progress=bar.update)
            click.echo(f"{name}: {count} events", err=True)


@main.command("file")
@click.option("--business", required=True, help="The business complained about.")
@click.option("--type", "complaint_type", required=True, help="A complaint type of the profile.")
@click.option("--at", required=True, help="Filing date or ISO date-time.")
@click.option("--ref", "reference", help="The reference (generated like C-000123 when not given).")
@click.option("--policy", default="bbb", show_default=True, help="The profile.")
@click.option("--consumer", help="The consumer's name (personal data).")
@click.option("--text", help="The complaint's description (personal data).")
@db_option
def file_command(
    business: str,
    complaint_type: str,
    at: str,
    reference: str | None,
    policy: str,
    consumer: str | None,
    text: str | None,
    db: str,
) -> None:
    """File a complaint and print its reference."""
    with engine(db) as app:
        click.echo(app.file(business, complaint_type, at, reference, policy, consumer, text))


@main.command()
@click.argument("reference")
@click.argument("event")
@click.option("--at", required=True, help="Effective date or ISO date-time.")
@click.option("--text", help="Free text (personal data).")
@click.option("--good-faith/--no-good-faith", default=None, help="The staff finding, for 'reviewed'.")
@db_option
def record(reference: str, event: str, at: str, text: str | None, good_faith: bool | None, db: str) -> None:
    """Record EVENT (responded, rejected, accepted, reviewed, ...) on complaint REFERENCE."""
    facts: dict[str, Any] = {} if good_faith is None else {"good_faith": good_faith}
    with engine(db) as app:
        app.record(reference, event, at, text, **facts)
        click.echo(app.state(reference))


@main.command()
@click.option("--to", "to", required=True, help="Date or ISO date-time to advance the clock to.")
@db_option
def advance(to: str, db: str) -> None:
    """Record every deadline that lapses up to a time, across the store."""
    with engine(db) as app:
        click.echo(app.advance(to))


@main.command()
@click.argument("reference")
@click.option("--as-of", "as_of", help="Only what had happened by this date (its end) or ISO date-time.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--unredacted", is_flag=True, help="Show personal data instead of asterisks.")
@db_option
def history(reference: str, as_of: str | None, as_json: bool, unredacted: bool, db: str) -> None:
    """Every event of a complaint: effective and recorded time, actor, event, states, text."""
    with engine(db) as app:
        steps = app.history(reference, as_of)
        if not steps:
            fail(f"complaint {reference} was not yet filed at {as_of}")
        profile = app.profile(str(steps[0].facts["profile"]))
    consumer = steps[0].facts.get("consumer")
    state = steps[-1].state_after
    events = [_event_document(reference, h, unredacted, consumer) for h in steps]
    status = profile.rules.status(state)
    if as_json:
        doc = {"reference": reference, "as_of": as_of, "state": state, "status": status, "events": events}
        click.echo(json.dumps(doc, indent=2))
        return
    click.echo(f"{reference}: {state} ({status or 'open'})" + (f" as of {as_of}" if as_of else ""))
    for e in events:
        text = f"  {e['text']}" if e["text"] else ""
        click.echo(
            f"  {e['version']:>3}  {_when(e)}  recorded {e['recorded_at']}  {e['event']:<32} by {e['actor']:<8} "
            f"{e['state_before'] or '-'} -> {e['state_after']}{text}"
        )


def _when(event: dict[str, Any]) -> str:
    """The effective time as far as it is known: exact, the day only, or a bound."""
    timing, at = event.get("timing"), str(event["at"])
    if timing == "day":
        return f"{at[:10]} (day only)"
    return f"{timing} {at}" if timing else at


@main.command("audit")
@click.option("--business", help="Only this business.")
@click.option("--type", "complaint_type", help="Only this complaint type.")
@click.option("--event", help="Only this event (responded, reopened, reply_deadline_lapsed, ...).")
@click.option("--actor", type=click.Choice(["consumer", "business", "bureau", "clock"]), help="Only this actor.")
@click.option("--status", help="Only complaints whose status now is this (Open, Resolved, ..., Declined).")
@click.option("--since", help="Effective time from (date or ISO date-time).")
@click.option("--until", help="Effective time up to (a date means its end).")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--csv", "as_csv_", is_flag=True, help="Print CSV.")
@db_option
def audit_command(
    business: str | None,
    complaint_type: str | None,
    event: str | None,
    actor: str | None,
    status: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    as_json: bool,
    as_csv_: bool,
    db: str,
) -> None:
    """Events across complaints that match every filter, newest first."""
    with engine(db) as app:
        entries = app.audit(
            limit=limit,
            business=business,
            complaint_type=complaint_type,
            event=event,
            actor=actor,
            status=status,
            since=since,
            until=until,
        )
    rows = [e.as_dict() for e in entries]
    if as_json:
        click.echo(json.dumps({"events": rows}, indent=2))
    elif as_csv_:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(AuditEntry.__dataclass_fields__))
        writer.writeheader()
        writer.writerows(rows)
        click.echo(out.getvalue(), nl=False)
    else:
        for r in rows:
            click.echo(
                f"{r['at']}  {r['reference']}  v{r['version']}  {r['event']:<32} by {r['actor']:<8} "
                f"-> {r['state']}  {r['business']} / {r['complaint_type']}"
            )
        click.echo(f"{len(rows)} events", err=True)


def _event_document(reference: str, h: Any, unredacted: bool, consumer: str | None) -> dict[str, Any]:
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


@main.command()
@click.option("--unredacted", is_flag=True, help="Include personal data instead of asterisks.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of stdout.")
@db_option
def export(unredacted: bool, out: Path | None, db: str) -> None:
    """Every event of every complaint as JSON lines, personal data redacted by default."""
    with engine(db) as app:
        lines = []
        for reference in app.references():
            steps = app.history(reference)
            consumer = steps[0].facts.get("consumer")
            lines += [json.dumps(_event_document(reference, h, unredacted, consumer)) for h in steps]
    emit("".join(f"{line}\n" for line in lines), out, f"wrote {len(lines)} events to {out}")


@main.command()
@click.option("--ref", "reference", help="Erase this complaint's personal data.")
@click.option("--consumer", help="Erase the personal data of every complaint of this consumer.")
@db_option
def erase(reference: str | None, consumer: str | None, db: str) -> None:
    """Make personal data unreadable everywhere by destroying its keys; the history stays verifiable."""
    with engine(db) as app:
        count = app.erase(reference, consumer)
    click.echo(f"erased the personal data of {count} complaint(s)")


@main.command()
@db_option
def verify(db: str) -> None:
    """Recompute the hash chain over every recorded event; name the first broken link."""
    with engine(db) as app:
        checked, broken = app.verify()
    if broken:
        click.echo(f"BROKEN after {checked} good links: {broken}", err=True)
        sys.exit(1)
    click.echo(f"{checked} links verified; the chain is intact")


@main.command()
@click.argument("reference")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
def show(reference: str, as_json: bool, db: str) -> None:
    """Show a complaint: state, published status, pending deadline and history."""
    with engine(db) as app:
        s = app.summary(reference)
        steps = app.history(reference)
    doc = {
        "reference": s.reference,
        "business": s.business,
        "type": s.complaint_type,
        "profile": s.profile,
        "state": s.state,
        "status": s.status,
        "closed": s.closed,
        "deadline": None
        if s.deadline is None
        else {
            "name": s.deadline.name,
            "due_on": s.deadline.due_on.isoformat(),
            "lapses_at": s.deadline.lapses_at.isoformat(),
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
    if as_json:
        click.echo(json.dumps(doc, indent=2))
        return
    label = s.status or ("not published" if s.closed else "open")
    click.echo(f"{s.reference}  {s.business}  {s.complaint_type}  {s.state} ({label})")
    if s.deadline:
        click.echo(f"pending: {s.deadline.name} due {s.deadline.due_on} (lapses {s.deadline.lapses_at.isoformat()})")
    for h in steps:
        click.echo(
            f"  {h.version:>3}  {h.at.isoformat()}  {h.event:<32} by {h.actor:<8} "
            f"{h.state_before or '-'} -> {h.state_after}"
        )
