"""The ``wijknet`` command line. Every command works on the store ``WIJKNET_DATABASE`` names.

``api.cli.common`` holds the Typer apps and what the commands share; each command module
imports only that one and adds its commands when it is imported: ``serve`` (check,
load-demo, serve, demo), ``accounts`` (user …), ``io`` (import, export, duplicates, merge),
``analysis`` (analyse, suggest, compare, trend, diff), ``backup`` (backup, restore) and
``uitvraag`` (uitvraag start, status, links, review, lijst).
Any of them may be imported first.
"""

from __future__ import annotations

# The order of these imports is the order of the commands in ``wijknet --help``.
# isort: off
from api.cli import serve, accounts, io, analysis, backup, uitvraag  # noqa: F401 - imported to add their commands

# isort: on
from api.cli.common import app

__all__ = ["app", "main"]


def main() -> None:
    app()
