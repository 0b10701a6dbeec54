"""Tamper evidence on SQLite and PostgreSQL: edits, forgeries, truncations and rewrites named by position."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lifecycle import Lifecycle
from lifecycle.cli import main
from lifecycle.stores.compact import packed, plain
from lifecycle.stores.links import GENESIS, KEY_ENV, Row, link
from tests.generated import populate

Opener = Callable[[], Lifecycle]


def events_table(app: Lifecycle) -> tuple[str, str]:
    """The stored events table and its notification id column, per store."""
    if app.database.kind == "sqlite":
        return "stored_events", "rowid"
    return f'"{app.database.schema}".lifecycle_events', "notification_id"


def tamper(app: Lifecycle, statement: str, params: tuple[object, ...] = ()) -> None:
    """A statement run behind the application's back."""
    with app.tables.transaction() as cursor:
        cursor.execute(statement, params)


def relink(app: Lifecycle, start: int) -> None:
    """What an attacker without the store's key does after an edit at `start`: recompute the links from there."""
    table, column = events_table(app)
    rows = app.tables.query(
        f"SELECT {column}, originator_id, originator_version, topic, state FROM {table} WHERE {column} >= ? ORDER BY 1",
        (start,),
    )
    before = app.tables.query("SELECT link FROM lifecycle_links WHERE position < ? ORDER BY position DESC", (start,))
    previous, links = bytes(before[0][0]) if before else GENESIS, []
    for position, oid, version, topic, state in rows:
        previous = link(None, previous, Row(position, str(oid).replace("-", ""), version, topic, bytes(state)))
        links.append((position, previous))
    with app.tables.transaction() as cursor:
        cursor.execute("DELETE FROM lifecycle_links WHERE position >= ?", (start,))
        cursor.executemany("INSERT INTO lifecycle_links VALUES (?, ?)", links)


def cli(url: str, *args: str) -> Any:
    """The command line's result."""
    return CliRunner().invoke(main, [*args, "--db", url])


@pytest.fixture(params=["unkeyed", "keyed"])
def keyed(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[bool]:
    """Each store without and with a chain key in the environment (set before the store is opened)."""
    if request.param == "keyed":
        monkeypatch.setenv(KEY_ENV, "the operator's secret chain key")
    else:
        monkeypatch.delenv(KEY_ENV, raising=False)
    yield request.param == "keyed"


@pytest.fixture
def store(open_app: Opener, keyed: bool, store_url: str, tmp_path: Path) -> Lifecycle:
    """A store of 12 generated complaints, verified intact, with an anchor of its head at tmp_path/a.json."""
    app = open_app()
    populate(app, 12, seed=2)
    verdict = app.verify()
    assert verdict.intact and verdict.links == (app.recorder.max_notification_id() or 0) > 40
    assert cli(store_url, "anchor", "--out", str(tmp_path / "a.json")).exit_code == 0
    return app


def nth(app: Lifecycle, n: int) -> int:
    """The position of the nth stored event (0-based)."""
    table, column = events_table(app)
    return int(app.tables.query(f"SELECT {column} FROM {table} ORDER BY 1 LIMIT 1 OFFSET ?", (n,))[0][0])


def broken_at(url: str, tmp_path: Path, *anchored: bool) -> int:
    """The first bad position `verify` names (with the anchor, and without when asked), checking exit 1."""
    positions = set()
    for with_anchor in anchored or (True,):
        result = cli(url, "verify", *(["--anchor", str(tmp_path / "a.json")] if with_anchor else []))
        assert result.exit_code == 1, result.output
        first = result.stderr.split("BROKEN at position ")[1].split(":")[0]
        positions.add(int(first))
    assert len(positions) == 1
    return positions.pop()


def test_an_edit_relinked_is_named(store: Lifecycle, store_url: str, tmp_path: Path, keyed: bool) -> None:
    position = nth(store, 20)
    table, column = events_table(store)
    tamper(store, f"UPDATE {table} SET state = ? WHERE {column} = ?", (b'{"forged": true}', position))
    relink(store, position)  # the attacker has no key: public links
    assert broken_at(store_url, tmp_path, *((True, False) if keyed else (True,))) == position
    if not keyed:  # without a key, only the anchor kept outside contradicts a full rewrite
        assert cli(store_url, "verify").exit_code == 0


def test_a_forged_event_linked_is_named(store: Lifecycle, store_url: str, tmp_path: Path, keyed: bool) -> None:
    table, column = events_table(store)
    [(oid, version, topic, state)] = store.tables.query(
        f"SELECT originator_id, originator_version, topic, state FROM {table} ORDER BY {column} DESC LIMIT 1"
    )
    tamper(
        store,
        f"INSERT INTO {table} (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)",
        (oid, version + 1, topic, bytes(state)),
    )
    forged = int(store.tables.query(f"SELECT MAX({column}) FROM {table}")[0][0])
    unlinked = cli(store_url, "verify")
    assert unlinked.exit_code == 1 and f"BROKEN at position {forged}: " in unlinked.stderr
    assert "recorded outside the write path" in unlinked.stderr
    relink(store, forged)
    if keyed:
        assert broken_at(store_url, tmp_path, True, False) == forged  # no public link fits a keyed chain
    else:  # appended after the anchor with a public link: indistinguishable from a write; the docs say so
        assert cli(store_url, "verify", "--anchor", str(tmp_path / "a.json")).exit_code == 0


def test_a_truncation_is_named(store: Lifecycle, store_url: str, tmp_path: Path) -> None:
    last = nth(store, (store.recorder.max_notification_id() or 0) - 1)
    table, column = events_table(store)
    cut = nth(store, 30)
    tamper(store, f"DELETE FROM {table} WHERE {column} >= ?", (cut,))
    tamper(store, "DELETE FROM lifecycle_links WHERE position >= ?", (cut,))
    assert broken_at(store_url, tmp_path) == cut <= last


def test_rebuild_after_an_edit_does_not_relink(store: Lifecycle, store_url: str, tmp_path: Path) -> None:
    position = nth(store, 11)
    table, column = events_table(store)
    [(state,)] = store.tables.query(f"SELECT state FROM {table} WHERE {column} = ?", (position,))
    edited = packed(plain(state).replace(b'"actor":"', b'"actor":"x', 1))  # an edit of the JSON, compressed again
    assert plain(edited) != plain(state)
    tamper(store, f"UPDATE {table} SET state = ? WHERE {column} = ?", (edited, position))
    assert cli(store_url, "rebuild").exit_code == 0
    assert broken_at(store_url, tmp_path, True, False) == position


def test_a_deleted_view_row_is_named(store: Lifecycle, store_url: str, tmp_path: Path) -> None:
    position = nth(store, 25)
    table, column = events_table(store)
    [(oid, version)] = store.tables.query(
        f"SELECT originator_id, originator_version FROM {table} WHERE {column} = ?", (position,)
    )
    tamper(
        store,
        "DELETE FROM report_events WHERE n = (SELECT n FROM report_cases WHERE complaint_id = ?) AND version = ?",
        (str(oid).replace("-", ""), version),
    )
    assert broken_at(store_url, tmp_path, True, False) == position
    assert cli(store_url, "rebuild", "--view", "report").exit_code == 0
    assert cli(store_url, "verify", "--anchor", str(tmp_path / "a.json")).exit_code == 0


def test_a_replaced_key_is_named(open_app: Opener, store_url: str, tmp_path: Path) -> None:
    app = open_app()
    app.file("Acme", "Billing Issues", "2024-03-04", "k-1", consumer="Jane Roe", text="my account 998877")
    app.file("Acme", "Billing Issues", "2024-03-05", "k-2", consumer="John Poe", text="my card 1234")
    assert cli(store_url, "anchor", "--out", str(tmp_path / "a.json")).exit_code == 0
    [(complaint_id,)] = app.tables.query("SELECT complaint_id FROM report_complaints WHERE reference = 'k-2'")
    tamper(app, "UPDATE lifecycle_keys SET key = ? WHERE complaint_id = ?", (bytes(32), complaint_id))
    assert broken_at(store_url, tmp_path, True, False) == nth(app, 1)
    assert "key was replaced" in cli(store_url, "verify").stderr


def test_the_verify_command_reports_in_json(store: Lifecycle, store_url: str, tmp_path: Path) -> None:
    ok = cli(store_url, "verify", "--json", "--anchor", str(tmp_path / "a.json"))
    assert ok.exit_code == 0, ok.output
    assert '"intact": true' in ok.stdout and str(tmp_path / "a.json") in ok.stdout
    tamper(store, "UPDATE lifecycle_links SET link = ? WHERE position = ?", (bytes(32), nth(store, 3)))
    bad = cli(store_url, "verify", "--json")
    assert bad.exit_code == 1 and f'"first_bad": {nth(store, 3)}' in bad.stdout


def test_a_key_destroyed_outside_erase_is_named(open_app: Opener, store_url: str) -> None:
    app = open_app()
    app.file("Acme", "Billing Issues", "2024-03-04", "k-1", consumer="Jane Roe", text="my account 998877")
    app.erase(reference="k-1")  # certified: verify holds
    app.file("Acme", "Billing Issues", "2024-03-05", "k-2", consumer="John Poe", text="my card 1234")
    assert cli(store_url, "verify").exit_code == 0
    [(complaint_id,)] = app.tables.query("SELECT complaint_id FROM report_complaints WHERE reference = 'k-2'")
    tamper(app, "UPDATE lifecycle_keys SET key = NULL WHERE complaint_id = ?", (complaint_id,))
    result = cli(store_url, "verify")
    assert result.exit_code == 1 and "complaint k-2" in result.stderr and "outside `lifecycle erase`" in result.stderr


def test_signed_anchors_hold_only_under_their_key(store: Lifecycle, store_url: str, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

    pems = {}
    for name in ("ours", "theirs"):
        key = Ed25519PrivateKey.generate()
        (tmp_path / f"{name}.pem").write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
        (tmp_path / f"{name}.pub").write_bytes(
            key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        )
        pems[name] = str(tmp_path / f"{name}.pub")
    signed = str(tmp_path / "signed.json")
    assert cli(store_url, "anchor", "--out", signed, "--sign-key", str(tmp_path / "ours.pem")).exit_code == 0
    assert cli(store_url, "verify", "--anchor", signed, "--public-key", pems["ours"]).exit_code == 0
    wrong = cli(store_url, "verify", "--anchor", signed, "--public-key", pems["theirs"])
    assert wrong.exit_code == 1 and "Ed25519 signature does not hold under the given public key" in wrong.stderr
    text = Path(signed).read_text(encoding="utf-8")
    Path(signed).write_text(text.replace('"position": ', '"position": 1', 1), encoding="utf-8")  # forged head
    forged = cli(store_url, "verify", "--anchor", signed)
    assert forged.exit_code == 1 and "signature does not hold" in forged.stderr


def test_an_anchor_of_an_empty_store_holds_as_the_store_grows(tmp_path: Path) -> None:
    app = Lifecycle("memory://")
    app.anchor(tmp_path / "empty.json")
    app.file("Acme", "Billing Issues", "2024-03-04", "e-1")
    verdict = app.verify([tmp_path / "empty.json"])
    assert verdict.intact and verdict.anchors_held == [str(tmp_path / "empty.json")] and verdict.links == 1
    app.close()
