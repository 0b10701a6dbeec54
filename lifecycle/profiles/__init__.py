"""Profiles as files: the bundled ones (bbb, cfpb, fca-disp, asic-rg271) and any a body writes itself."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from ..domain.profile import Profile
from ..domain.profiles import resolve
from .files import ProfileFileError, load, spec_of

BUNDLED = Path(__file__).parent
"""The folder of the bundled profile files."""


def bundled_files() -> list[Path]:
    """The bundled profile files, by name."""
    return sorted(BUNDLED.glob("*.yaml"))


def is_file(spec: str) -> bool:
    """True when `spec` names a profile file (a path ending .yaml or .yml), not a profile by name."""
    return spec.endswith((".yaml", ".yml"))


def find(spec: str, profiles: Mapping[str, Profile]) -> Profile:
    """A profile by name (`bbb`, `cfpb:response=10`) from `profiles`, or read from the file `spec` names."""
    return load(spec) if is_file(spec) else resolve(profiles, spec)


def available(extra: str | None = None) -> dict[str, Profile]:
    """The bundled profiles and those of `extra` (default: $LIFECYCLE_PROFILES), files or folders of *.yaml
    separated by os.pathsep: a store of complaints filed under a body's own profile finds it by name."""
    found = dict(PROFILES)
    given = os.environ.get("LIFECYCLE_PROFILES", "") if extra is None else extra
    for part in filter(None, given.split(os.pathsep)):
        path = Path(part)
        for file in sorted(path.glob("*.y*ml")) if path.is_dir() else [path]:
            profile = load(file)
            found[profile.name] = profile
    return found


PROFILES: dict[str, Profile] = {profile.name: profile for profile in map(load, bundled_files())}
"""Every bundled profile by name."""
BBB = PROFILES["bbb"]
CFPB = PROFILES["cfpb"]

__all__ = [
    "BBB",
    "BUNDLED",
    "CFPB",
    "PROFILES",
    "ProfileFileError",
    "available",
    "bundled_files",
    "find",
    "is_file",
    "spec_of",
]
