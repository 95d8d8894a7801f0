"""The ``wijknet`` CLI has no import cycle: any module of ``api.cli`` may be imported first.

Each case starts a fresh interpreter, imports one module first and the others after it, and
checks that every command is there, in the order ``wijknet --help`` lists them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = ["api.cli"] + sorted(
    f"api.cli.{path.stem}"
    for path in (ROOT / "api" / "cli").glob("*.py")
    if path.stem != "__init__"
)
COMMANDS = [
    "check",
    "load-demo",
    "serve",
    "demo",
    "import",
    "export",
    "duplicates",
    "merge",
    "analyse",
    "suggest",
    "compare",
    "trend",
    "diff",
    "effect",
    "backup",
    "restore",
]
USER_COMMANDS = ["add", "list", "token"]

PROBE = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
import click, typer.main
from api.cli.common import app
group = typer.main.get_command(app)
print(" ".join(group.list_commands(click.Context(group))))
user = group.get_command(click.Context(group), "user")
print(" ".join(user.list_commands(click.Context(user))))
"""


def test_the_cli_package_has_the_command_modules():
    assert MODULES == [
        "api.cli",
        "api.cli.accounts",
        "api.cli.analysis",
        "api.cli.backup",
        "api.cli.common",
        "api.cli.dutch",
        "api.cli.io",
        "api.cli.serve",
        "api.cli.uitvraag",
    ]


@pytest.mark.parametrize("first", MODULES)
@pytest.mark.parametrize("rest", ["forward", "reverse"])
def test_each_cli_module_imports_first_in_a_fresh_interpreter(first, rest):
    others = [m for m in MODULES if m != first]
    order = [first] + (others if rest == "forward" else others[::-1])
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *order], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    commands, user_commands = done.stdout.splitlines()
    assert commands.split() == COMMANDS + ["user", "uitvraag", "accounts"]
    assert user_commands.split() == USER_COMMANDS
