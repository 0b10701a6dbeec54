"""Rendering for the command line: what commands print, kept apart from the commands."""
