"""Docs are code: every Python block in README.md and docs/ runs; the diagram is never stale."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lifecycle.domain.diagram import replace_block
from lifecycle.profiles import PROFILES

ROOT = Path(__file__).parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def python_blocks(path: Path) -> list[str]:
    return BLOCK.findall(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("document", [d for d in DOCUMENTS if python_blocks(d)], ids=lambda p: p.name)
def test_python_blocks_run(document: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LIFECYCLE_DB", raising=False)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for number, code in enumerate(python_blocks(document), start=1):
        exec(compile(code, f"{document.name} block {number}", "exec"), namespace)  # noqa: S102


def test_the_embedding_guide_has_code() -> None:
    assert python_blocks(ROOT / "docs" / "embedding.md")


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_the_committed_diagram_matches_the_rule_table(name: str) -> None:
    document = (ROOT / "docs" / "lifecycle.md").read_text(encoding="utf-8")
    assert replace_block(document, name, PROFILES[name]) == document, (
        f"docs/lifecycle.md is stale: run `lifecycle diagram --profile {name} --write docs/lifecycle.md`"
    )


def test_the_committed_profile_json_schema_is_generated_from_the_pydantic_schema() -> None:
    from lifecycle.cli.profiles import schema_text

    committed = (ROOT / "docs" / "profile.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "docs/profile.schema.json is stale: run `lifecycle profile schema > docs/...`"


def test_every_bundled_profile_file_validates_against_the_committed_json_schema() -> None:
    import json

    import jsonschema
    import yaml

    from lifecycle.profiles import bundled_files
    from lifecycle.profiles.lines import Loader

    schema = json.loads((ROOT / "docs" / "profile.schema.json").read_text(encoding="utf-8"))
    for path in bundled_files():
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506 (a SafeLoader)
        jsonschema.validate(json.loads(json.dumps(data, default=str)), schema)
