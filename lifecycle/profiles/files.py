"""Profile files: read one with its line numbers, refuse it as `FILE:LINE: reason`, or make it a Profile."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from ..domain.profile import Profile
from .build import profile
from .checks import problems
from .lines import FileError, line, read, validated
from .schema import ProfileSpec


class ProfileFileError(FileError):
    """A file that is not a valid profile: names the file, the line and what is wrong."""


def spec_of(path: Path | str) -> ProfileSpec:
    """The checked contents of a profile file; the first problem raises ProfileFileError with its line."""
    path = Path(path)
    spec, node = validated(ProfileSpec, path, ProfileFileError, "a profile is a mapping with name, states, rows, ...")
    for where, reason in problems(spec):
        raise ProfileFileError(path, reason, line(node, where))
    return spec


def all_problems(path: Path | str) -> list[ProfileFileError]:
    """Every problem of a file that reads and fits the schema (else its first one)."""
    path = Path(path)
    try:
        spec = spec_of(path)
    except ProfileFileError as first:
        try:
            data, node = read(path, ProfileFileError)
            spec = ProfileSpec.model_validate(data)
        except (ProfileFileError, ValidationError, TypeError):
            return [first]
        return [ProfileFileError(path, reason, line(node, where)) for where, reason in problems(spec)]
    return []


def load(path: Path | str) -> Profile:
    """The Profile a file describes, checked."""
    return profile(spec_of(path))
