"""Profiles by name: a complaint names the one it runs under, a configured name (`bbb:response=10`) rebuilds it."""

from __future__ import annotations

from collections.abc import Mapping

from .errors import InvalidInput
from .profile import Profile


def configured(base: Profile, settings: Mapping[str, int | str]) -> Profile:
    """`base` with `settings`, named after them so the name alone rebuilds it: `bbb:second_response=always`."""
    if not settings:
        return base
    return base.configure(configured_name(base.name, settings), **settings)


def configured_name(base: str, settings: Mapping[str, int | str]) -> str:
    """The name of profile `base` with `settings`: `bbb:second_response=always` (`base` when there are none)."""
    if not settings:
        return base
    return base + ":" + ",".join(f"{k}={v}" for k, v in sorted(settings.items()))


def resolve(profiles: Mapping[str, Profile], name: str) -> Profile:
    """A profile by name; a configured name (`bbb:response=10`) is rebuilt from its base profile."""
    found = profiles.get(name)
    if found is not None:
        return found
    base_name, _, given = name.partition(":")
    base = profiles.get(base_name)
    if base is None or not given:
        raise InvalidInput(f"unknown profile {name!r}; known: {', '.join(profiles)}")
    settings: dict[str, int | str] = {}
    for pair in given.split(","):
        key, sep, value = pair.partition("=")
        if not sep:
            raise InvalidInput(f"profile {name!r}: {pair!r} is not setting=value")
        settings[key] = int(value) if value.isdigit() else value
    return configured(base, settings)
