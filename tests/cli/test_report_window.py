"""`lifecycle report --window filed|closed`: the 3-year count as complaints filed in it, or closed in it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from lifecycle import Lifecycle
from lifecycle.cli import main


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_the_window_is_a_setting_and_the_json_names_it(tmp_path: Path) -> None:
    db = str(tmp_path / "window.db")
    app = Lifecycle(db)
    closed_in = app.file("Acme Retail", "Product Issues", "2021-12-01")  # filed before the window, closed in it
    app.advance("2022-03-01")
    app.file("Acme Retail", "Product Issues", "2024-06-03")  # filed in it, still open at its end
    assert app.status(closed_in) == "Unanswered"
    app.close()
    counts = {}
    for window in ("filed", "closed"):
        out = run("report", "--db", db, "--as-of", "2024-12-31", "--window", window, "--format", "json")
        assert out.exit_code == 0, out.output
        document = json.loads(out.stdout)
        assert document["window"] == document["total"]["window"] == window
        counts[window] = document["total"]["complaints"]
    assert counts == {"filed": 1, "closed": 2}
    default = json.loads(run("report", "--db", db, "--as-of", "2024-12-31", "--format", "json").stdout)
    assert default["window"] == "filed"
    table = run("report", "--db", db, "--as-of", "2024-12-31", "--window", "closed").stdout
    assert table.startswith("as of the end of 2024-12-31 (EST); complaints open or closed since the end of 2021-12-31")
    bad = run("report", "--db", db, "--window", "opened")
    assert bad.exit_code == 2 and "opened" in bad.output
