"""Dutch help and error messages for the ``wijknet`` command line.

Typer writes its help and its usage errors in English. This module turns them into Dutch in
three places, all on purpose and all here:

* ``DutchTyper``, ``DutchGroup`` and ``DutchCommand``: the usage line (``Gebruik:``), the
  ``--help`` option (``Toon deze hulp en stop.``), no ``<bool>`` beside a flag, and every
  usage error translated by ``dutch_error`` before Typer prints it;
* ``use_dutch_help``: the titles and short texts Typer's Rich help reads from
  ``typer.rich_utils`` when it prints (``Opties``, ``[standaard: …]``, ``[verplicht]``);
* the commands themselves give Dutch help texts and Dutch metavars (``WIJK``, ``DATUM``).
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Callable
from typing import Any

import typer
from typer import rich_utils
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

click: Any = importlib.import_module(
    "typer._click" if importlib.util.find_spec("typer._click") else "click"
)
"""The Click that Typer runs on: its own copy in recent Typer versions, else ``click``."""
ClickException: Any = click.exceptions.ClickException
UsageError: Any = click.exceptions.UsageError
Context = Any

USAGE_PREFIX = "Gebruik: "
OPTIONS_METAVAR = "[OPTIES]"
SUBCOMMAND_METAVAR = "OPDRACHT [ARGUMENTEN]..."
HELP_TEXT = "Toon deze hulp en stop."

RICH_TEXTS = {
    "ARGUMENTS_PANEL_TITLE": "Argumenten",
    "OPTIONS_PANEL_TITLE": "Opties",
    "COMMANDS_PANEL_TITLE": "Opdrachten",
    "ERRORS_PANEL_TITLE": "Fout",
    "ABORTED_TEXT": "Afgebroken.",
    "RICH_HELP": "Hulp: [blue]{command_path} {help_option}[/]",
    "DEFAULT_STRING": "[standaard: {}]",
    "ENVVAR_STRING": "[omgevingsvariabele: {}]",
    "REQUIRED_LONG_STRING": "[verplicht]",
    "DEPRECATED_STRING": "(verouderd) ",
}
"""The texts of ``typer.rich_utils`` that the help and the error panel print."""


def use_dutch_help() -> None:
    """Let Typer's Rich help and error panel print their own words in Dutch."""
    for name, text in RICH_TEXTS.items():
        setattr(rich_utils, name, text)


def _value(text: str) -> str:
    """The reason a value was refused, in Dutch (the part after ``Invalid value for …:``)."""
    text = text.removeprefix("Value error, ").strip()
    for pattern, dutch in VALUE_REASONS:
        match = re.fullmatch(pattern, text, flags=re.DOTALL)
        if match:
            return dutch(match)
    return text


def _hint(text: str) -> str:
    """Which option or argument: ``'--limit'`` stays, ``'-f' / '--format'`` gets ``of``."""
    return text.replace(" / ", " of ")


COMMA = r",\s*"

VALUE_REASONS: list[tuple[str, Callable[[re.Match[str]], str]]] = [
    (r"Input should be a valid integer.*", lambda m: "vul een geheel getal in."),
    (r"Input should be a valid number.*", lambda m: "vul een getal in."),
    (r"Input should be a valid boolean.*", lambda m: "vul ja of nee in."),
    (
        r"Input should be greater than or equal to (\S+)",
        lambda m: f"vul een getal in van {m[1]} of meer.",
    ),
    (
        r"Input should be less than or equal to (\S+)",
        lambda m: f"vul een getal in van {m[1]} of minder.",
    ),
    (r"Input should be greater than (\S+)", lambda m: f"vul een getal in boven {m[1]}."),
    (r"Input should be less than (\S+)", lambda m: f"vul een getal in onder {m[1]}."),
    (
        r"Choose from:\s*(.+?)\.?",
        lambda m: f"Kies uit {_or(', '.join(re.split(COMMA, m[1].strip())))}.",
    ),
    (r"(.+) is not one of (.+)\.", lambda m: f"{m[1]} kan niet; kies uit {_or(m[2])}."),
    (r"(?:file|path|directory) (.+) does not exist\.", lambda m: f"{m[1]} bestaat niet."),
    (r"(?:file|path) (.+) is a directory\.", lambda m: f"{m[1]} is een map, geen bestand."),
    (r"(?:directory|path) (.+) is a file\.", lambda m: f"{m[1]} is een bestand, geen map."),
    (r"(?:file|path|directory) (.+) is not readable\.", lambda m: f"{m[1]} is niet leesbaar."),
    (r"(?:file|path|directory) (.+) is not writable\.", lambda m: f"{m[1]} is niet schrijfbaar."),
]


def _or(choices: str) -> str:
    """``'a', 'b', 'c'`` → ``'a', 'b' of 'c'``."""
    head, sep, last = choices.rpartition(", ")
    return f"{head} of {last}" if sep else choices


def _suggestion(text: str | None) -> str:
    return f" Bedoelt u {_or(text)}?" if text else ""


def _missing(match: re.Match[str]) -> str:
    """``Missing option '--role'.`` → ``Optie '--role' ontbreekt.``"""
    kind = {"argument": "Argument", "option": "Optie"}.get(match[1], "Waarde")
    text = f"{kind} {_hint(match[2])} ontbreekt." if match[2] else f"{kind} ontbreekt."
    return text + (f" {_value(match[3])}" if match[3] else "")


MESSAGES: list[tuple[str, Callable[[re.Match[str]], str]]] = [
    (r"Missing (argument|option|parameter) ?(.*?)\.(?: (.*))?", _missing),
    (
        r"No such option: (\S+)(?: \(Possible options: (.+)\))?",
        lambda m: f"Onbekende optie: {m[1]}." + _suggestion(m[2]),
    ),
    (
        r"No such command (.+?)\.(?: Did you mean (.+)\?)?",
        lambda m: f"Onbekende opdracht {m[1]}." + _suggestion(m[2]),
    ),
    (r"Missing command\.", lambda m: "Kies een opdracht."),
    (r"Option (.+) requires an argument\.", lambda m: f"Optie {m[1]} heeft een waarde nodig."),
    (
        r"Option (.+) requires (\d+) arguments\.",
        lambda m: f"Optie {m[1]} heeft {m[2]} waarden nodig.",
    ),
    (r"Option (.+) does not take a value\.", lambda m: f"Optie {m[1]} heeft geen waarde."),
    (
        r"Argument (.+) takes (\d+) values\.",
        lambda m: f"Argument {m[1]} heeft {m[2]} waarden nodig.",
    ),
    (
        r"Got unexpected extra argument(?:\(s\)|s)? \((.+)\)",
        lambda m: f"Te veel argumenten: {m[1]}.",
    ),
    (
        r"Invalid value for (.+?): (.*)",
        lambda m: f"Ongeldige waarde voor {_hint(m[1])}: {_value(m[2])}",
    ),
    (r"Invalid value: (.*)", lambda m: f"Ongeldige waarde: {_value(m[1])}"),
    (
        r"Could not open file (.+?): (.*)",
        lambda m: f"Bestand {m[1]} kan niet worden geopend: {m[2]}",
    ),
]


def dutch_message(text: str) -> str:
    """A usage error of Typer or Click in Dutch; a text it does not know stays as it is."""
    for pattern, dutch in MESSAGES:
        match = re.fullmatch(pattern, text.strip(), flags=re.DOTALL)
        if match:
            return dutch(match)
    return text


def dutch_error(exc: Any) -> Any:
    """The same error with a Dutch message (and the same exit code and context)."""
    if type(exc).__name__ == "NoArgsIsHelpError":  # the help itself, shown when no arguments
        return exc
    message = dutch_message(exc.format_message())
    if isinstance(exc, UsageError):
        translated = UsageError(message, ctx=exc.ctx)
    else:
        translated = ClickException(message)
    translated.exit_code = exc.exit_code
    return translated


def _no_type(ctx: Context) -> None:
    return None


class _Dutch:
    """What ``DutchCommand`` and ``DutchGroup`` add to Typer's command and group."""

    params: list[Any]

    def _quiet_flags(self) -> None:
        """No English type names in the help: nothing beside a flag (it takes no value), and
        an argument is described by its Dutch metavar (``WIJK``) instead of ``<str>``."""
        for param in self.params:
            if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
                param.metavar = ""
            elif isinstance(param, TyperArgument) and param.metavar is not None:
                param.display_type_rich = _no_type  # type: ignore[method-assign]

    def format_usage(self, ctx: Context, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=USAGE_PREFIX)

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        option: TyperOption | None = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_TEXT
            option.metavar = ""
        return option

    def make_context(
        self, info_name: str | None, args: list[str], parent: Context | None = None, **extra: Any
    ) -> Context:
        try:
            context: Context = super().make_context(  # type: ignore[misc]
                info_name, args, parent=parent, **extra
            )
        except ClickException as exc:
            raise dutch_error(exc) from None
        return context


class DutchCommand(_Dutch, TyperCommand):
    """A Typer command with Dutch usage, ``--help`` and errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._quiet_flags()


class DutchGroup(_Dutch, TyperGroup):
    """A Typer group with Dutch usage, ``--help`` and errors, for its commands too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["subcommand_metavar"] = kwargs.get("subcommand_metavar") or SUBCOMMAND_METAVAR
        super().__init__(*args, **kwargs)
        self._quiet_flags()

    def resolve_command(self, ctx: Context, args: list[str]) -> tuple[str | None, Any, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except ClickException as exc:
            raise dutch_error(exc) from None


class DutchTyper(typer.Typer):
    """A ``typer.Typer`` whose group and commands speak Dutch (see ``DutchGroup``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", DutchGroup)
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        kwargs.setdefault("subcommand_metavar", SUBCOMMAND_METAVAR)
        super().__init__(**kwargs)

    def command(
        self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **kwargs: Any
    ) -> Callable[[Any], Any]:
        return super().command(name, cls=cls or DutchCommand, **kwargs)


__all__ = [
    "DutchCommand",
    "DutchGroup",
    "DutchTyper",
    "dutch_error",
    "dutch_message",
    "use_dutch_help",
]
