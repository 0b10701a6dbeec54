"""Profile files: read one with its line numbers, refuse it as `FILE:LINE: reason`, or make it a Profile."""

from __future__ import annotations

from pathlib import Path

from ..domain.profile import Profile
from .build import profile
from .checks import problems
from .lines import FileError, line, validated
from .schema import ProfileSpec

SHAPE = "a profile is a mapping with name, states, rows, ..."


class ProfileFileError(FileError):
    """A file that is not a valid profile: names the file, the line and what is wrong."""


def checked(path: Path | str) -> tuple[ProfileSpec | None, list[ProfileFileError]]:
    """The file's contents and every problem with its line (none: the spec; a file that does not read or fit
    the schema has its first problem only)."""
    path = Path(path)
    try:
        spec, node = validated(
            ProfileSpec, path, ProfileFileError, "a profile is a mapping with name, states, rows, ..."
        )
    except ProfileFileError as first:
        return None, [first]
    found = [ProfileFileError(path, reason, line(node, where)) for where, reason in problems(spec)]
    return (None if found else spec), found


def spec_of(path: Path | str) -> ProfileSpec:
    """The checked contents of a profile file; the first problem raises ProfileFileError with its line."""
    spec, found = checked(path)
    if spec is None:
        raise found[0]
    return spec


def load(path: Path | str) -> Profile:
    """The Profile a file describes, checked."""
    return profile(spec_of(path))
