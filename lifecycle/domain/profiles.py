"""The built-in profiles by name; a complaint names the one it runs under."""

from __future__ import annotations

from .bbb import BBB
from .cfpb import CFPB
from .profile import Profile

PROFILES: dict[str, Profile] = {profile.name: profile for profile in (BBB, CFPB)}
