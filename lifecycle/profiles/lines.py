"""YAML read with line numbers: the loader the scenario and profile files share, and where a key sits."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ..domain.errors import LifecycleError

_LEFT_OUT = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}


class FileError(LifecycleError):
    """A file that is not valid: names the file, the line where known, and what is wrong."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path, self.line, self.reason = str(path), line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


class Loader(yaml.SafeLoader):
    """YAML 1.2 booleans (a key named `on` stays a string); dates stay text for the schema to check."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """A mapping; a key given twice is an error at its second place (YAML would keep the last silently)."""
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
            if key in seen and key != "<<":
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _LEFT_OUT]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read(path: Path, error: type[FileError] = FileError) -> tuple[Any, Any]:
    """The data of a YAML file and its node tree (for lines); unreadable text or bad YAML raise `error`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as problem:
        raise error(path, f"cannot read: {problem}") from None
    try:
        loader = Loader(text)  # parsed once: the node tree gives the lines, the data is constructed from it
        try:
            node = loader.get_single_node()
            data = None if node is None else loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        reason = getattr(problem, "problem", None) or str(problem)
        raise error(path, f"bad YAML: {reason}", mark.line + 1 if mark else None) from None
    return data, node


def keys(node: Any) -> set[str]:
    """The keys of a YAML mapping node."""
    return {str(k.value) for k, _ in node.value} if isinstance(node, yaml.MappingNode) else set()


def line(node: Any, loc: Sequence[Any]) -> int | None:
    """The 1-based line of the YAML node at `loc`, or of its nearest parent."""
    found = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        if node is None:
            break
        found = node.start_mark.line + 1
    return found


Model = TypeVar("Model", bound=BaseModel)


def validated(model: type[Model], path: Path, error: type[FileError], shape: str) -> tuple[Model, Any]:
    """A YAML file read and validated by `model`, and its node tree; the first problem raises `error` with its
    line (`shape` says what the file should be when it is not a mapping)."""
    data, node = read(path, error)
    if not isinstance(data, dict):
        raise error(path, shape, 1)
    try:
        return model.model_validate(data), node
    except ValidationError as problem:
        first = problem.errors()[0]
        loc = [str(p).removesuffix("_") if str(p) == "from_" else p for p in first["loc"]]
        message = first["msg"].removeprefix("Value error, ")
        raise error(path, f"{'.'.join(map(str, loc))}: {message}", line(node, loc)) from None
