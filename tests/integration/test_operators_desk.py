"""The work queue and who recorded what, on SQLite and PostgreSQL, through the command line."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from click.testing import CliRunner, Result

from lifecycle.cli.main import main


def run(url: str, *args: str, by: str | None = None) -> Result:
    """A command on the store at `url`, as `by` (through $LIFECYCLE_USER) when given."""
    env = {"LIFECYCLE_USER": by} if by else {}
    result = CliRunner(env=env).invoke(main, [*args, "--db", url])
    assert "Traceback" not in result.output
    return result


def test_due_lists_what_falls_due_with_how_late_and_advance_counts_per_event(store_url: str) -> None:
    today = datetime.now(ZoneInfo("America/New_York")).date()  # the cfpb profile's day
    filed = (today - timedelta(days=20)).isoformat()
    for ref, business in (("q1", "Acme Retail"), ("q2", "Acme Retail"), ("q3", "Slow Movers")):
        args = ("file", "--business", business, "--type", "Billing Issues", "--at", filed, "--ref", ref)
        assert run(store_url, *args, "--profile", "cfpb").exit_code == 0
        assert run(store_url, "record", ref, "sent", "--at", filed).exit_code == 0
    assert run(store_url, "record", "q2", "closed_with_explanation", "--at", today.isoformat()).exit_code == 0
    queue = json.loads(run(store_url, "due", "--json").stdout)
    due_on = (date.fromisoformat(filed) + timedelta(days=15)).isoformat()  # the 15-day response window
    assert sorted((d["reference"], d["deadline"], d["due_on"], d["days_late"]) for d in queue["due"]) == [
        ("q1", "response", due_on, 5),
        ("q3", "response", due_on, 5),
    ]
    assert queue["due"][0]["zone"] == "America/New_York" and queue["due"][0]["lapses_at"].endswith("Z")
    one = json.loads(run(store_url, "due", "--overdue", "--business", "ACME  retail", "--json").stdout)
    assert [d["reference"] for d in one["due"]] == ["q1"]
    typo = run(store_url, "due", "--business", "Acme Retial")
    assert typo.exit_code == 2 and "did you mean 'Acme Retail'?" in typo.stderr
    dry = json.loads(run(store_url, "advance", "--to", today.isoformat(), "--dry-run", "--json").stdout)
    assert (dry["events"], dry["recorded"]) == ({"response_deadline_lapsed": 2}, 0)
    assert len(json.loads(run(store_url, "due", "--json").stdout)["due"]) == 2  # the dry run recorded nothing
    done = run(store_url, "advance", "--to", today.isoformat(), by="night-clock")
    assert done.stdout.startswith("recorded 2 events up to ") and done.stdout.endswith(": 2 response_deadline_lapsed\n")
    assert json.loads(run(store_url, "due", "--until", today.isoformat(), "--json").stdout)["due"] == []


def test_every_event_names_who_recorded_it_and_audit_finds_them(store_url: str) -> None:
    assert run(store_url, "file", "--business", "Acme", "--type", "Billing Issues", "--at", "2024-03-04",
               "--ref", "w1", by="alice").exit_code == 0  # fmt: skip
    assert run(store_url, "record", "w1", "responded", "--at", "2024-03-05", "--by", "acme_portal").exit_code == 0
    assert run(store_url, "advance", "--to", "2024-06-01", by="alice").exit_code == 0
    events = json.loads(run(store_url, "history", "w1", "--json").stdout)["events"]
    assert [(e["event"], e["by"]) for e in events] == [
        ("filed", "alice"),
        ("responded", "acme_portal"),
        ("reply_deadline_lapsed", "alice via lifecycle advance --to 2024-06-01"),
    ]
    exported = [json.loads(line) for line in run(store_url, "export").stdout.splitlines()]
    assert [e["by"] for e in exported] == [e["by"] for e in events]
    by_alice = json.loads(run(store_url, "audit", "--by", "alice", "--json").stdout)["events"]
    assert [e["event"] for e in by_alice] == ["reply_deadline_lapsed", "filed"]
    assert [
        e["event"] for e in json.loads(run(store_url, "audit", "--by", "acme_portal", "--json").stdout)["events"]
    ] == ["responded"]
    assert json.loads(run(store_url, "audit", "--by", "acme%portal", "--json").stdout)["events"] == []  # no wildcard
    lines = run(store_url, "history", "w1").stdout.splitlines()
    assert "2024-03-05" in lines[2] and "by acme_portal" in lines[2] and "EST" in lines[2]


def test_a_run_name_keeps_no_personal_text(store_url: str) -> None:
    assert run(store_url, "file", "--business", "Acme", "--type", "Billing Issues", "--at", "2024-03-04",
               "--ref", "p1", "--consumer", "Jane Roe").exit_code == 0  # fmt: skip
    late = run(store_url, "record", "p1", "responded", "--at", "2024-04-20", "--text", "Call Jane Roe at 555-0100")
    assert late.exit_code == 0
    events = json.loads(run(store_url, "history", "p1", "--json", "--unredacted").stdout)["events"]
    clock = [e["by"] for e in events if e["actor"] == "clock"]
    assert clock and all(by.endswith("via lifecycle record p1 responded --at 2024-04-20") for by in clock)
    exported = [json.loads(line) for line in run(store_url, "export", "--unredacted").stdout.splitlines()]
    assert exported and not any("Jane" in (e["by"] or "") or "555" in (e["by"] or "") for e in exported)
