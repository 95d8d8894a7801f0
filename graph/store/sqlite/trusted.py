"""Validators for JSON the SQLite store wrote itself (lists and snapshots); see
``graph.store.trusted``."""

from __future__ import annotations

from graph.model import Actor, Link, SuggestionStep, Wijk
from graph.store.trusted import JsonValidator, trusted

__all__ = ["ACTORS", "LINKS", "STEPS", "WIJKEN", "JsonValidator", "trusted"]

ACTORS = trusted(list[Actor])
LINKS = trusted(list[Link])
WIJKEN = trusted(list[Wijk])
STEPS = trusted(list[SuggestionStep])
