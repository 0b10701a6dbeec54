"""Commands across complaints: business profile reports, audit queries, the export of every event."""

from __future__ import annotations

from pathlib import Path

import click

from ..application.queries import MAX_YEARS
from ..views.report.figures import Report
from .base import COUNT, db_option, emit, engine, exclusive, fail, json_option, print_json, writable
from .render.audit import audit_csv, audit_document, audit_line
from .render.complaint import event_documents
from .render.report import SORTS, WINDOW_WORDS, as_csv, as_json, as_table, ordered
from .render.site import write_site
from .render.times import in_zone
from .streamed import JsonLines, JsonList, pages, streamed


@click.command()
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
@click.option("--json", "as_json_", is_flag=True, help="The same as --format json.")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Write to this file instead of stdout (html: the folder of the site, made if missing).",
)
@click.option(
    "--years",
    default="3",
    show_default=True,
    help="Complaints in this many years up to the report's moment (see --window), or 'all'.",
)
@click.option(
    "--window",
    type=click.Choice(["filed", "closed"]),
    default="filed",
    show_default=True,
    help="Count complaints filed in the years, or open or closed in them (the record kept 36 months from closing).",
)
@click.option("--sort", type=click.Choice(SORTS), help="Businesses by this figure, highest first (business: A to Z).")
@click.option("--top", type=COUNT, help="Only the first N businesses (after --sort).")
@click.option(
    "--latest",
    default=10,
    show_default=True,
    type=click.IntRange(0, 1000),
    help="html: complaints listed per business besides its open ones, latest filed first.",
)
@db_option
def report(
    business: str | None,
    as_of: str | None,
    fmt: str,
    as_json_: bool,
    out: Path | None,
    years: str,
    window: str,
    sort: str | None,
    top: int | None,
    latest: int,
    db: str,
) -> None:
    """Business profile figures from the event history: counts, shares, days to respond, habits, topics;
    a table, JSON, CSV, or a static site to open in a browser (html).

    \b
    Examples:
      lifecycle report --years all --sort timely_share --top 20
      lifecycle report --years all --business "acme retail" --json
      lifecycle report --years all --format html --out report/
    """
    if as_json_ and fmt not in ("table", "json"):
        fail(f"--json and --format {fmt} cannot go together: choose one")
    fmt = "json" if as_json_ else fmt
    if years != "all" and not (years.isdigit() and 1 <= int(years) <= MAX_YEARS):
        fail(f"--years takes a number of years from 1 to {MAX_YEARS} or 'all', not {years!r}")
    if fmt == "html":
        folder(out)
    elif out is not None and out.is_dir():
        fail(f"--out {out}: a folder; {fmt} is written to a file")
    else:
        writable(out)
    with engine(db) as app:
        result = app.report(business, as_of, None if years == "all" else int(years), window)
        result.businesses = ordered(result.businesses, sort, top)
        listing = app.listing(result, latest) if fmt == "html" else {}
        if business is not None and not result.businesses and result.unattributed is None:
            fail(f"no complaints for business {business!r} filed by {result.as_of}")
        if not result.total.complaints:
            click.echo(empty_hint(result), err=True)
        if fmt == "html" and out is not None:
            pages = write_site(out, result, listing, app.profile, latest)
            click.echo(f"wrote {out / 'index.html'} and {pages} business pages", err=True)
            return
    emit({"table": as_table, "json": as_json, "csv": as_csv}[fmt](result), out, f"wrote {out}")


def folder(out: Path | None) -> None:
    """Refuse a site's folder that cannot be one: none given, a file, or in a missing folder."""
    if out is None:
        fail("--format html writes a site: give --out FOLDER (made if missing)")
    elif out.exists() and not out.is_dir():
        fail(f"--out {out}: a file; --format html writes a folder")
    elif not out.parent.is_dir():
        fail(f"--out {out}: no folder {out.parent}")


def empty_hint(result: Report) -> str:
    """Why the window holds no complaint, and which window would."""
    words = WINDOW_WORDS.get(result.window, result.window)
    since = f"since {in_zone(result.total.since, result.zone).date()}" if result.total.since else "by then"
    if result.first_filed is None or result.last_filed is None:
        return f"no complaint {words} {since}: the store holds none"
    covers = f"--years all covers {result.first_filed[:7]} to {result.last_filed[:7]}"
    return f"no complaint {words} {since}; {covers}"


@click.command("audit")
@click.option("--business", help="Only this business.")
@click.option("--type", "complaint_type", help="Only this complaint type.")
@click.option("--event", help="Only this event (responded, reopened, reply_deadline_lapsed, ...).")
@click.option("--actor", type=click.Choice(["consumer", "business", "bureau", "clock"]), help="Only this actor.")
@click.option("--by", "by", help="Only events this operator or system recorded (with the clock runs it started).")
@click.option("--status", help="Only complaints whose status now is this (Open, Resolved, ..., Declined).")
@click.option("--since", help="Effective time from (date or ISO date-time).")
@click.option("--until", help="Effective time up to (a date means its end).")
@click.option("--limit", default=100, show_default=True, type=COUNT, help="At most this many events.")
@json_option
@click.option("--csv", "as_csv_", is_flag=True, help="Print CSV.")
@db_option
def audit_command(
    business: str | None,
    complaint_type: str | None,
    event: str | None,
    actor: str | None,
    by: str | None,
    status: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    as_json: bool,
    as_csv_: bool,
    db: str,
) -> None:
    """Events across complaints that match every filter, newest first: who recorded what, when.

    \b
    Examples:
      lifecycle audit --business "acme retail" --since 2024-01-01 --csv
      lifecycle audit --by alice --json
    """
    exclusive(json=as_json, csv=as_csv_)
    with engine(db) as app:
        entries = app.audit(
            limit=limit,
            business=business,
            complaint_type=complaint_type,
            event=event,
            actor=actor,
            by=by,
            status=status,
            since=since,
            until=until,
        )
        zones = {e.profile: app.profile(e.profile).timezone for e in entries}
    rows = [audit_document(e, zones[e.profile]) for e in entries]
    if as_json:
        print_json({"events": rows})
    elif as_csv_:
        click.echo(audit_csv(rows), nl=False)
    else:
        for r in rows:
            click.echo(audit_line(r))
        click.echo(f"{len(rows)} events", err=True)


@click.command()
@click.option("--unredacted", is_flag=True, help="Include personal data instead of asterisks.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of stdout.")
@click.option("--json", "as_json", is_flag=True, help='One JSON document ({"events": [...]}) instead of JSON lines.')
@db_option
def export(unredacted: bool, out: Path | None, as_json: bool, db: str) -> None:
    """Every event of every complaint as JSON lines (the fields of `history --json`), personal data redacted
    by default.

    \b
    Example:
      lifecycle export --out events.jsonl
    """
    writable(out)
    count = 0
    with engine(db) as app, streamed(out) as write:
        document = JsonList(write, "events") if as_json else JsonLines(write)
        for page in pages(app.histories(), 500):  # written a page of complaints at a time
            events = []
            for reference, steps in page:
                zone = app.profile(str(steps[0].facts["profile"])).timezone
                events += event_documents(reference, steps, unredacted, zone)
            document.add(events)
            count += len(events)
        document.close()
    if out is not None:
        click.echo(f"wrote {count} events to {out}", err=True)
