"""The command line: `lifecycle` and its commands; rendering is kept apart in `render/`."""

from __future__ import annotations

from .main import main

__all__ = ["main"]
