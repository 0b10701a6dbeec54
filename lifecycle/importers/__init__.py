"""Importers: complaints from the exports users already have, recorded as the events their rows tell."""
