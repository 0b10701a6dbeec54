"""`lifecycle import cfpb` and a file's text encoding: UTF-8 (BOM or not) as is, plausible cp1252 with a warning,
anything else (UTF-16, binary, control characters) refused whole, one line, before anything is recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lifecycle import Lifecycle
from lifecycle.cli.main import main
from lifecycle.domain.errors import InvalidInput
from lifecycle.importers.cfpb.encoding import UTF8, detect

HEADER = (
    "Complaint ID,Product,Sub-product,Issue,Sub-issue,State,ZIP code,Submitted via,Date received,"
    "Date sent to company,Company,Company response,Timely response?,Consumer disputed?\r\n"
)
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def row(number: int, company: str = "Bank A", issue: str = "Servicing") -> str:
    """One valid export row."""
    return f"{number},Mortgage,,{issue},,NY,10001,Web,11/3/2014,11/3/2014,{company},Closed,Yes,No\r\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    """A file of exactly `data`."""
    path = tmp_path / name
    path.write_bytes(data)
    return path


def run(*args: str) -> Result:
    """The CLI, its stdout and stderr apart."""
    return CliRunner().invoke(main, list(args))


def business(db: Path, reference: str) -> str:
    """The company a complaint was filed against, as `show --json` tells it."""
    shown = run("show", reference, "--db", str(db), "--json")
    assert shown.exit_code == 0, shown.output
    return str(json.loads(shown.stdout)["business"])


def test_utf8_with_a_bom_reads_as_utf8_without_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.csv", (HEADER + row(1, "Société Générale")).encode("utf-8-sig"))
    db = tmp_path / "s.db"
    result = run("import", "cfpb", str(path), "--db", str(db))
    assert result.exit_code == 0 and "warning" not in result.stderr and "Traceback" not in result.output
    assert business(db, "CFPB-1") == "Société Générale"  # the BOM is not part of the Complaint ID column


def test_cp1252_is_read_as_cp1252_with_one_warning_naming_the_first_non_utf8_byte(tmp_path: Path) -> None:
    text = HEADER + row(1) + row(2, "Société Générale") + row(3, "Crédit € Bank")
    path = write(tmp_path, "cp.csv", text.encode("cp1252").replace(b"Servicing", b"Serv\x81cing", 1))
    db = tmp_path / "s.db"
    result = run("import", "cfpb", str(path), "--db", str(db), "--json")
    assert result.exit_code == 0 and "Traceback" not in result.output
    warning = f"{path}: warning: read as cp1252 (not UTF-8: byte 0x81 at line 2)"
    assert result.stderr.splitlines()[-1] == warning
    summary = json.loads(result.stdout)
    assert (summary["filed"], summary["warnings"], summary["warned_rows"]) == (3, [warning], 0)
    assert business(db, "CFPB-2") == "Société Générale" and business(db, "CFPB-3") == "Crédit € Bank"
    history = json.loads(run("history", "CFPB-1", "--db", str(db), "--json").stdout)
    assert "Serv\x81cing" in json.dumps(history["events"][0]["details"], ensure_ascii=False)  # undefined: latin-1


@pytest.mark.parametrize(
    ("name", "data", "byte", "line"),
    [
        ("utf16.csv", (HEADER + row(1)).encode("utf-16"), "0x00", 1),
        ("image.csv", PNG, "0x1a", 2),
        ("nul.csv", (HEADER + row(1) + row(2).replace("NY", "N\0Y") + row(3)).encode(), "0x00", 3),
        ("control.csv", (HEADER + row(1, "Société") + row(2, "Bank\x0cB")).encode("cp1252"), "0x0c", 3),
    ],
)
def test_a_file_that_is_not_text_is_refused_whole_in_one_line_and_nothing_is_recorded(
    tmp_path: Path, name: str, data: bytes, byte: str, line: int
) -> None:
    good = write(tmp_path, "good.csv", (HEADER + row(7)).encode())
    bad = write(tmp_path, name, data)
    db = tmp_path / "s.db"
    result = run("import", "cfpb", str(good), str(bad), "--db", str(db))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr == f"error: {bad}: not UTF-8 (byte {byte} at line {line})\n"
    app = Lifecycle(str(db))
    try:
        assert app.references() == []
    finally:
        app.close()


def test_detection_reads_across_block_boundaries(tmp_path: Path) -> None:
    text = "a,b\n" + "é" * 5 + "\n"  # with 3-byte blocks, every é is cut in two by a block's end
    assert detect(write(tmp_path, "u.csv", text.encode()), block=3) == UTF8
    cut = write(tmp_path, "cut.csv", "a,b\nxxé".encode()[:-1])  # ends inside a UTF-8 sequence
    assert detect(cut, block=3).warning == "read as cp1252 (not UTF-8: byte 0xc3 at line 2)"
    late = write(tmp_path, "late.csv", b"a,b\n\n\nxy\xe9z\n\xff")
    assert detect(late, block=4).warning == "read as cp1252 (not UTF-8: byte 0xe9 at line 4)"
    with pytest.raises(InvalidInput, match=r"not UTF-8 \(byte 0x00 at line 3\)$"):
        detect(write(tmp_path, "n.csv", b"a,b\n\xe9\n\x00\n"), block=2)
    assert detect(write(tmp_path, "empty.csv", b"")) == UTF8
