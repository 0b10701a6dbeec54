"""A Mermaid state diagram generated from a profile's rule table."""

from __future__ import annotations

import re

from .profile import Profile


def mermaid(profile: Profile) -> str:
    """The rule table as a Mermaid `stateDiagram-v2`; ⏰ marks what the clock records when a window ends."""
    rules = profile.rules
    by_clock = {(d.state, d.lapse): d.flags for d in profile.deadlines}
    lines = ["stateDiagram-v2", f"    [*] --> {rules.initial}"]
    for rule in rules.rules:
        label = rule.event + (f" [{rule.guard}]" if rule.guard else "")
        if rule.marks:
            label += " (records " + ", ".join(f"{k}: {str(v).lower()}" for k, v in rule.marks) + ")"
        if rule.recorded_as:
            label += f" (recorded as {rule.recorded_as})"
        if (rule.source, rule.event) in by_clock:
            label += " ⏰ (flags overdue, does not close)" if by_clock[rule.source, rule.event] else " ⏰"
        lines.append(f"    {rule.source} --> {rule.dest}: {label}")
    for state, status in rules.closing.items():
        lines.append(f"    {state}: {state} ⇒ {status}")
        lines.append(f"    {state} --> [*]")
    for state in sorted(rules.unpublished):
        lines.append(f"    {state}: {state} (not published)")
        lines.append(f"    {state} --> [*]")
    return "\n".join(lines) + "\n"


def block(name: str, profile: Profile) -> str:
    """The fenced diagram with the markers that `replace_block` looks for."""
    return f"<!-- diagram:{name} -->\n```mermaid\n{mermaid(profile)}```\n<!-- /diagram:{name} -->"


def replace_block(document: str, name: str, profile: Profile) -> str:
    """`document` with its diagram block for `name` regenerated."""
    pattern = re.compile(rf"<!-- diagram:{name} -->.*?<!-- /diagram:{name} -->", re.S)
    if not pattern.search(document):
        raise ValueError(f"no diagram block for {name!r} in the document")
    return pattern.sub(lambda _: block(name, profile), document)
