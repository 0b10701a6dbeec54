"""Personal data replaced by asterisks, as bureaus publish: names, e-mail addresses, phone and order numbers."""

from __future__ import annotations

import re
from collections.abc import Iterable

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"\+?\d[\d ()./-]{6,}\d")
NUMBER = re.compile(r"\b[A-Z]{0,4}-?\d{4,}\b")


def stars(match: re.Match[str] | str) -> str:
    """As many asterisks as the text had characters."""
    text = match if isinstance(match, str) else match.group(0)
    return "*" * len(text)


def redact(text: str | None, names: Iterable[str | None] = ()) -> str | None:
    """`text` with e-mail addresses, phone and order numbers and the given names masked."""
    if text is None:
        return None
    for pattern in (EMAIL, PHONE, NUMBER):
        text = pattern.sub(stars, text)
    for name in names:
        for part in (name or "").replace(",", " ").split():
            if len(part.strip(".")) > 1:
                text = re.sub(rf"\b{re.escape(part)}", stars(part), text, flags=re.IGNORECASE)
    return text


SECRETS: set[str] = set()
"""Passwords seen in database URLs: masked in every message (see `masked`)."""


def masked(text: str) -> str:
    """`text` with the password of any URL it names (`scheme://user:password@host`) and every password seen
    in a database URL replaced by ***."""
    for secret in SECRETS:
        if len(secret) >= 6:  # a shorter one would mask ordinary words; the URL pattern below still applies
            text = text.replace(secret, "***")
    return re.sub(r"([a-z][a-z0-9+.-]*://[^:/@\s]*:)\S*@", r"\1***@", text)
