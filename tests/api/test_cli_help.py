"""``wijknet --help``, the help of every command and the usage errors are in Dutch."""

from __future__ import annotations

import re

import pytest
import typer.main
from typer.core import TyperArgument, TyperGroup
from typer.testing import CliRunner

from api.cli import app
from api.cli.dutch import click, dutch_message

ENGLISH = ["show", "help message", "options:", "usage:", "the ", " of the ", "default"]
"""Common English words of a help page; option names and metavars do not count."""
ENGLISH_TYPES = ["<str>", "<bool>", "<int", "<path>", "<file>", "list[", "[required]"]
OPTION_NAME = re.compile(r"(?<![\w-])--?[a-z][\w-]*")


def _commands() -> list[list[str]]:
    """Every command path of ``wijknet``: ``[]``, ``["import"]``, ``["user", "add"]``…"""
    paths: list[list[str]] = []

    def walk(command: click.Command, path: list[str]) -> None:
        paths.append(path)
        if isinstance(command, TyperGroup):
            ctx = click.Context(command)
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None
                walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


COMMANDS = _commands()


def run(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "120"})


def test_every_command_is_checked():
    names = {" ".join(p) for p in COMMANDS}
    assert {"", "import", "suggest", "effect", "user", "user add"} <= names


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "wijknet")
def test_help_is_in_dutch(path):
    result = run(*path, "--help")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Gebruik: " in text
    assert "Opties" in text and "Toon deze hulp en stop." in text
    command = typer.main.get_command(app)
    for name in path:
        command = command.get_command(click.Context(command), name)
    if any(isinstance(p, TyperArgument) and p.required for p in command.params):
        assert "Argumenten" in text and "[verplicht]" in text
    if path in ([], ["user"]):
        assert "Opdrachten" in text and "OPDRACHT [ARGUMENTEN]" in text
    words = OPTION_NAME.sub(" ", text).lower()
    found = [w for w in ENGLISH if w in words]
    assert not found, f"English in `wijknet {' '.join(path)} --help`: {found}\n{text}"
    types = [t for t in ENGLISH_TYPES if t in text]
    assert not types, f"English type names in `wijknet {' '.join(path)} --help`: {types}"


def test_defaults_are_shown_in_dutch():
    text = run("suggest", "--help").output
    assert "[standaard: 10]" in text and "AANTAL" in text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["analyze", "daalhof"], "Onbekende opdracht 'analyze'. Bedoelt u 'analyse'?"),
        (["analyse"], "Argument 'WIJK' ontbreekt."),
        (["analyse", "a", "b"], "Te veel argumenten: b."),
        (["export", "--wjik", "x"], "Onbekende optie: --wjik. Bedoelt u --wijk?"),
        (["export", "--format"], "Optie '--format' heeft een waarde nodig."),
        (["suggest", "x", "--limit", "abc"], "Ongeldige waarde voor '--limit': vul een geheel"),
        (["suggest", "x", "--limit", "0"], "vul een getal in van 1 of meer."),
        (["suggest", "x", "--step", "a", "b"], "Optie '--step' heeft 3 waarden nodig."),
        (["import", "bestaat-niet.csv"], "'bestaat-niet.csv' bestaat niet."),
        (
            ["user", "add", "x", "--role", "baas", "--password", "p"],
            "'baas' kan niet; kies uit 'lezer', 'wijkmakelaar' of 'beheer'.",
        ),
        (["user", "add", "x"], "Optie '--role' ontbreekt. Kies uit lezer, wijkmakelaar of beheer."),
    ],
)
def test_usage_errors_are_in_dutch(args, expected):
    result = run(*args)
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert " ".join(expected.split()) in text, result.output
    for english in ("Usage", "Error", "Try ", "Invalid", "Missing", "No such", "Did you mean"):
        assert english not in result.output, result.output


def test_an_unknown_message_stays_as_it_is():
    assert dutch_message("Iets wat wijknet zelf zegt.") == "Iets wat wijknet zelf zegt."
    assert dutch_message("Got unexpected extra arguments (a b)") == "Te veel argumenten: a b."


def test_a_password_that_is_typed_twice_differently_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKNET_DATABASE", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("WIJKNET_ACCOUNTS_DATABASE", str(tmp_path / "accounts.db"))
    result = CliRunner().invoke(
        app, ["user", "add", "anna", "--role", "lezer"], input="een-lang-wachtwoord\nanders\n"
    )
    assert result.exit_code == 1
    assert "De twee wachtwoorden zijn niet gelijk." in result.output
