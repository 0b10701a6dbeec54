"""Scenario files: their format, and replaying them through the engine to check what they expect."""
