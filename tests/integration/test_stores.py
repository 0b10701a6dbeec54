"""The engine on a SQLite file and on the real PostgreSQL server: the same behaviour, durably."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest

from lifecycle import ConcurrentChange, IllegalEvent, Lifecycle
from lifecycle.application.engine import RETRIES
from lifecycle.domain.complaint import Complaint

Opener = Callable[[], Lifecycle]


def test_a_full_lifecycle_survives_a_restart(open_app: Opener) -> None:
    app = open_app()
    ref = app.file("Shop", "Service or Repair Issues", "2023-11-18", consumer="J. Doe", text="It broke")
    app.respond(ref, "2023-11-21", "Please send proof of identity.")
    app.reject(ref, "2023-11-28")
    app.advance("2024-01-31")
    again = open_app()
    assert again.status(ref) == "Answered"
    assert [s.event for s in again.history(ref)] == [
        "filed",
        "responded",
        "rejected",
        "review_deadline_lapsed",  # no second response requested, no finding: Answered
    ]
    live, loaded = app.get(ref), again.get(ref)
    assert (loaded.state, loaded.version, loaded.deadline, loaded.last_at, loaded.consumer) == (
        live.state,
        live.version,
        live.deadline,
        live.last_at,
        live.consumer,
    )


def test_the_deadline_index_is_shared_and_exact(open_app: Opener) -> None:
    writer, clock = open_app(), open_app()
    refs = [writer.file("Shop", "Billing Issues", f"2024-03-{day:02d}") for day in range(4, 14)]
    writer.respond(refs[0], "2024-03-05")
    assert clock.due("2024-03-08") == [refs[1]]  # Mon 4 responded; Tue 5 forwarded at the end of Thu 7
    recorded = clock.advance("2024-03-20")
    assert recorded == 1 + 9 + 1  # refs[0]'s reply lapse; refs[1..9] forwarded; refs[1]'s second notice
    assert writer.status(refs[0]) == "Answered"
    assert clock.due("2024-03-20") == []
    assert clock.projections.deadlines.position() == writer.recorder.max_notification_id()


def test_two_writers_on_one_complaint_never_lose_an_event(open_app: Opener) -> None:
    first, second = open_app(), open_app()
    ref = first.file("Shop", "Billing Issues", "2024-03-04")
    first.respond(ref, "2024-03-05")
    stale = first.get(ref)
    second.reject(ref, "2024-03-06")
    stale.record(first.profile("bbb"), "accepted", stale.last_at)
    with pytest.raises(Exception) as conflict:  # eventsourcing's RecordConflictError
        first.save(stale)
    assert "Conflict" in type(conflict.value).__name__ or "Integrity" in type(conflict.value).__name__
    # Through the API the conflict is retried on fresh state, where accepting is no longer allowed.
    with pytest.raises(IllegalEvent, match="awaiting_bureau"):
        first.accept(ref, "2024-03-07")
    assert [s.event for s in first.history(ref)] == ["filed", "responded", "rejected"]


def test_a_conflict_in_flight_is_retried(open_app: Opener) -> None:
    mine, theirs = open_app(), open_app()
    ref = mine.file("Shop", "Billing Issues", "2024-03-04")
    interfered: list[bool] = []

    def act(complaint: Complaint, profile: object) -> None:
        if not interfered:  # another process records an event between our load and our save
            interfered.append(True)
            theirs.forward(ref, "2024-03-04T12:00:00-05:00")
        complaint.record(mine.profile("bbb"), "responded", mine.profile("bbb").instant("2024-03-05"))

    mine.change(ref, act)  # the retry loop under test
    assert [s.event for s in mine.history(ref)] == ["filed", "forwarded", "responded"]


def touch(complaint: Complaint) -> None:
    """Record a bare event on the complaint, outside the rules: only the version matters here."""
    complaint.trigger_event(
        Complaint.Forwarded,
        at=complaint.last_at,
        actor="bureau",
        text=None,
        state=complaint.state,
        deadline=complaint.deadline,
        timing=None,
        by="test",
    )


def test_endless_conflicts_are_reported_not_lost(open_app: Opener) -> None:
    mine, theirs = open_app(), open_app()
    ref = mine.file("Shop", "Billing Issues", "2024-03-04")

    def act(complaint: Complaint, profile: object) -> None:
        other = theirs.get(ref)
        touch(other)
        theirs.save(other)  # another writer wins the race every time
        touch(complaint)

    with pytest.raises(ConcurrentChange, match=f"complaint {ref}: changed by another writer"):
        mine.change(ref, act)
    assert mine.get(ref).version == 1 + RETRIES  # theirs, at every try; ours never


def test_the_sqlite_due_query_uses_the_index(tmp_path: object) -> None:
    path = f"{tmp_path}/index.db"
    app = Lifecycle(path)
    app.file("Shop", "Billing Issues", "2024-03-04")
    app.due("2024-03-01")
    plan = (
        sqlite3.connect(path)
        .execute(
            "EXPLAIN QUERY PLAN SELECT complaint_id FROM lifecycle_deadlines WHERE lapses_at <= ? "
            "ORDER BY lapses_at, complaint_id LIMIT ?",
            (0, 10),
        )
        .fetchall()
    )
    assert any("lifecycle_deadlines_by_time" in row[-1] for row in plan), plan
    app.close()
