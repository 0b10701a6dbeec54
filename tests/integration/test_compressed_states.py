"""New states are stored compressed; a store whose older states are JSON (as 0.3 wrote them) reads the same."""

from __future__ import annotations

from lifecycle import Lifecycle
from lifecycle.stores.compact import MAGIC, plain


def table_of(app: Lifecycle) -> tuple[str, str]:
    """The stored events table and its notification id column, per store."""
    if app.database.kind == "sqlite":
        return "stored_events", "rowid"
    return f'"{app.database.schema}".lifecycle_events', "notification_id"


def states(app: Lifecycle) -> list[tuple[int, bytes]]:
    """Every stored state with its notification id, in log order."""
    table, column = table_of(app)
    return [(int(i), bytes(s)) for i, s in app.tables.query(f"SELECT {column}, state FROM {table} ORDER BY 1", ())]


def lifecycle_of(app: Lifecycle, reference: str) -> list[tuple[str, str, str | None]]:
    """What history says of a complaint: each event, the state after it and its text."""
    return [(e.event, e.state_after, e.text) for e in app.history(reference)]


def test_states_are_compressed_and_json_states_of_an_older_store_read_the_same(store_url: str) -> None:
    app = Lifecycle(store_url)
    app.file("Acme", "Billing Issues", "2024-03-04", "old-1", consumer="Jane Roe", text="charged twice for one order")
    app.respond("old-1", "2024-03-05", "Refunded the second charge")
    app.catch_up()
    before = (lifecycle_of(app, "old-1"), app.tables.query("SELECT * FROM report_steps ORDER BY 1, 2", ()))
    table, column = table_of(app)
    compressed = states(app)
    assert compressed and all(s.startswith(MAGIC) for _, s in compressed)
    assert sum(len(s) for _, s in compressed) * 2 < sum(len(plain(s)) for _, s in compressed)
    with app.tables.transaction() as cursor:  # what 0.3 stored: the same states as JSON
        for position, state in compressed:
            cursor.execute(f"UPDATE {table} SET state = ? WHERE {column} = ?", (plain(state), position))
    assert all(s.startswith(b"{") for _, s in states(app))
    app.close()

    reopened = Lifecycle(store_url)
    reopened.file("Acme", "Billing Issues", "2024-03-06", "new-1", consumer="John Poe", text="card declined twice")
    reopened.respond("new-1", "2024-03-07", "Card replaced")
    for projector in reopened.projections.by_name().values():
        projector.rebuild()
    after = (lifecycle_of(reopened, "old-1"), reopened.tables.query("SELECT * FROM report_steps ORDER BY 1, 2", ()))
    assert after[0] == before[0] and set(before[1]) < set(after[1])
    assert lifecycle_of(reopened, "new-1")[0][2] == "card declined twice"
    kinds = [s[:1] for _, s in states(reopened)]
    assert kinds == [b"{"] * len(compressed) + [MAGIC[:1]] * (len(kinds) - len(compressed))
    reopened.close()
