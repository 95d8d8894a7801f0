"""The Dutch of the pages and messages: common slips fail here.

Every template in ``api/templates/`` and every Dutch string literal in the Python sources of
``api/`` and ``graph/`` is checked for

* the article of the project's own nouns: ``het`` initiatief, netwerk, domein, thema,
  voorstel, bestand, formulier, probleem, veld (``dit``/``dat``, not ``deze``/``die``; not
  ``de``; ``een ander``, ``Onbekend domein``) and ``de`` actor, organisatie, professional,
  samenwerking, verbinding, wijk, kernaanpak, koppeling (not ``het``; ``onbekende wijk``);
* a demonstrative or ``een andere`` right before a noun filled in later (``deze {{ what }}``):
  ``deze`` fits a de-word only, so the article has to come with the noun;
* slash and bracket plurals (``probleem/problemen``, ``actor(en)``) and a count that does not
  agree with its noun (``1 problemen``, ``2 probleem``), and the template's own
  ``'probleem' if n == 1 else 'problemen'`` pairs;
* English words in Dutch text (``error``, ``warning``, ``click``…);
* stiff office words where B1 has a plain one (``indien`` → ``als``, ``reeds`` → ``al``).

A printed count before a fixed noun (``{{ n }} rijen``, ``f"{n} rijen"``) passes when the
count is checked against 1 close by (in the same template line or Python function), when it
is a limit (``hoogstens {} bestanden``) or when ``AT_LEAST_TWO`` names the text: the code
around it makes sure the count is 2 or more.

``KNOWN_SLIPS`` lists slips in files that are being changed elsewhere right now, as
``(file, text)``; a finding whose file matches and whose text contains ``text`` is skipped,
and an entry that no longer matches anything fails ``test_every_known_slip_is_still_there``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from importers.tables import aantal

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "api" / "templates"
PYTHON_DIRS = [ROOT / "api", ROOT / "graph"]

KNOWN_SLIPS: frozenset[tuple[str, str]] = frozenset()

AT_LEAST_TWO: frozenset[tuple[str, str]] = frozenset(
    {
        ("api/templates/importeren_voorbeeld.html", "Hierboven staan de eerste {} van {} rijen"),
        ("graph/analysis/wording.py", "heeft al contact met {} domeinen"),
    }
)

HET_NOUNS = (
    "initiatief",
    "netwerk",
    "domein",
    "thema",
    "voorstel",
    "bestand",
    "formulier",
    "probleem",
    "veld",
)
DE_NOUNS = (
    "actor",
    "organisatie",
    "professional",
    "samenwerking",
    "verbinding",
    "wijk",
    "kernaanpak",
    "koppeling",
)
PLURALS = {
    "actor": "actoren",
    "organisatie": "organisaties",
    "professional": "professionals",
    "samenwerking": "samenwerkingen",
    "verbinding": "verbindingen",
    "wijk": "wijken",
    "kernaanpak": "kernaanpakken",
    "koppeling": "koppelingen",
    "initiatief": "initiatieven",
    "netwerk": "netwerken",
    "domein": "domeinen",
    "thema": "thema's",
    "voorstel": "voorstellen",
    "bestand": "bestanden",
    "formulier": "formulieren",
    "probleem": "problemen",
    "veld": "velden",
    "rij": "rijen",
    "kolom": "kolommen",
    "waarde": "waarden",
    "fout": "fouten",
    "melding": "meldingen",
    "stap": "stappen",
    "dag": "dagen",
    "account": "accounts",
    "groep": "groepen",
    "deelnemer": "deelnemers",
    "paar": "paren",
    "medewerker": "medewerkers",
    "wijziging": "wijzigingen",
    "dubbeling": "dubbelingen",
}
ENGLISH_WORDS = ("synthetic", "error", "warning", "click", "submit", "loading")
STIFF_WORDS = {
    "indien": "als",
    "middels": "met",
    "teneinde": "om",
    "reeds": "al",
    "alsmede": "en",
    "gelieve": "zeg het direct: vul in, kies",
    "ten hoogste": "hoogstens",
    "handeling": "zeg wat er gebeurt: wat u probeerde, kan hier niet",
}
"""Office words and the plain Dutch (B1) for them."""

END = r"(?![\w'’-])"
"""A noun ends here: not ``thema's``, not ``netwerk-analyse``, not part of a longer word."""
HET = r"\w*(?:" + "|".join(HET_NOUNS) + r")" + END
DE = r"\w*(?:" + "|".join(DE_NOUNS) + r")" + END
DETERMINERS_WITH_E = {
    "de",
    "het",
    "dit",
    "dat",
    "deze",
    "die",
    "uw",
    "mijn",
    "zijn",
    "haar",
    "hun",
    "ons",
    "onze",
    "jullie",
    "welke",
    "elke",
}
"""After these an adjective before a het-noun ends in -e: ``het nieuwe initiatief``."""
NOT_ADJECTIVES = DETERMINERS_WITH_E | {
    "eerste",
    "tweede",
    "derde",
    "laatste",
    "beste",
    "twee",
    "drie",
    "mee",
    "toe",
    "zie",
    "wie",
    "je",
    "me",
    "we",
    "ze",
    "oranje",
    "hetzelfde",
    "ditzelfde",
    "datzelfde",
}
"""Words ending in -e that are no inflected adjective (or never lose their -e)."""
BARE_ADJECTIVES = (
    "onbekend",
    "nieuw",
    "ander",
    "ontbrekend",
    "volgend",
    "vorig",
    "oud",
    "geldig",
    "ongeldig",
    "leeg",
    "eigenlijk",
)
"""Adjectives that need their -e before a de-noun: ``onbekende wijk``."""

DUTCH_MARKERS = frozenset(
    re.findall(
        r"\w+",
        "de het een van en niet met voor geen deze dit wordt worden zijn naar bij kies vul uw "
        "nog ook wat wie waar als dan maar staat staan hier er te u is op in",
    )
)
ENGLISH_MARKERS = frozenset(
    re.findall(r"\w+", "the and with for from this that not to of is are be was a an on in by at")
)


@dataclass(frozen=True)
class Text:
    file: str
    line: int
    text: str
    guarded: bool = False
    """The count in it is checked against 1 close by (``n == 1``, ``len(x) > 1``)."""


@dataclass(frozen=True)
class Slip:
    file: str
    line: int
    text: str
    rule: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.rule}: {self.text!r} → {self.fix}"


# -- collecting the texts -------------------------------------------------------------------

TAG = re.compile(r"<(?!!--)[^>]*>", re.DOTALL)
ATTRIBUTE = re.compile(
    r"""\b(?:title|aria-label|placeholder|alt|data-label|content|value)=(?:"([^"]*)"|'([^']*)')"""
)
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
LITERAL = re.compile(r"""'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)\"""")
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?</\1>", re.DOTALL | re.IGNORECASE)


def _line(source: str, offset: int) -> int:
    return source.count("\n", 0, offset) + 1


def _printed(match: re.Match[str]) -> str:
    """``{{ n }}`` prints a value (``{}``); ``{{ 'deze' if c else 'de' }}`` prints a word,
    whose strings are checked on their own."""
    return "…" if re.search(r"['\"]", match[0]) else "{}"


def template_texts(path: Path) -> list[Text]:
    """The Dutch a template can show: text between tags (``{}`` for a printed value), the
    attributes people read (title, aria-label, placeholder…) and the strings in its Jinja."""
    source = path.read_text("utf-8")
    name = path.relative_to(ROOT).as_posix()
    texts: list[Text] = []
    blank = HTML_COMMENT.sub(lambda m: " " * len(m[0]), source)
    blank = SCRIPT.sub(lambda m: " " * len(m[0]), blank)
    for jinja in JINJA.finditer(blank):
        if jinja[0].startswith("{#"):
            continue
        for literal in LITERAL.finditer(jinja[0]):
            value = literal[1] if literal[1] is not None else literal[2]
            if re.fullmatch(r"[\w.-]*", value):
                continue  # a key, a name or a code, no text
            if re.match(r"\s*~", jinja[0][literal.end() :]):
                value += "{}"  # 'Wat doet deze ' ~ kind: a value is glued on
            if re.search(r"~\s*$", jinja[0][: literal.start()]):
                value = "{}" + value
            line = _line(source, jinja.start() + literal.start())
            texts.append(Text(name, line, value, _guarded(source.splitlines()[line - 1])))
    for tag in TAG.finditer(JINJA.sub(lambda m: "{}" if m[0].startswith("{{") else "", blank)):
        for attribute in ATTRIBUTE.finditer(tag[0]):
            value = attribute[1] if attribute[1] is not None else attribute[2]
            texts.append(Text(name, 0, value))
    # Visible text, line by line: a tag or a Jinja statement separates two texts; a printed
    # value becomes "{}" so "deze {{ what }}" stays visible as "deze {}".
    for number, line in enumerate(blank.splitlines(), start=1):
        visible = re.sub(r"\{\{.*?\}\}", _printed, line)
        visible = re.sub(r"\{%.*?%\}|\{#.*?#\}", "|", visible)
        visible = TAG.sub("|", visible)
        visible = re.sub(r"<[^>]*$|^[^<]*>", "|", visible)  # a tag that spans lines
        for piece in visible.split("|"):
            if piece.strip():
                texts.append(Text(name, number, piece.strip(), _guarded(line)))
    return [t for t in texts if t.line or t.text.strip()]


GUARD = re.compile(r"(==|!=)\s*1\b|>\s*1\b|<\s*2\b|>=\s*2\b")


def _guarded(source: str) -> bool:
    return bool(GUARD.search(source))


def _docstrings(tree: ast.AST) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            ids.add(id(node.value))  # a string on its own: a docstring of an attribute
    return ids


def _fstring(node: ast.JoinedStr) -> str:
    parts = []
    for value in node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            parts.append(value.value)
        else:
            parts.append("{}")
    return "".join(parts)


def python_texts(path: Path) -> list[Text]:
    """The string literals of a Python source, f-strings with ``{}`` for each value,
    without docstrings."""
    source = path.read_text("utf-8")
    tree = ast.parse(source)
    skip = _docstrings(tree)
    name = path.relative_to(ROOT).as_posix()
    texts: list[Text] = []
    inside_fstring: set[int] = set()
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _guarded(
            ast.get_source_segment(source, node) or ""
        ):
            guarded.update(id(n) for n in ast.walk(node))
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            inside_fstring.update(id(v) for v in node.values)
            texts.append(Text(name, node.lineno, _fstring(node), id(node) in guarded))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skip
            and id(node) not in inside_fstring
        ):
            texts.append(Text(name, node.lineno, node.value))
    return texts


def looks_dutch(text: str) -> bool:
    words = re.findall(r"[a-zà-ÿ']+", text.lower())
    dutch = sum(w in DUTCH_MARKERS for w in words)
    english = sum(w in ENGLISH_MARKERS for w in words)
    return dutch > english or (dutch == english and dutch > 0 and "het" in words)


def all_texts() -> list[Text]:
    texts: list[Text] = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        texts += [t for t in template_texts(path) if looks_dutch(t.text) or " " not in t.text]
    for folder in PYTHON_DIRS:
        for path in sorted(folder.rglob("*.py")):
            texts += [t for t in python_texts(path) if looks_dutch(t.text)]
    return texts


# -- the rules ------------------------------------------------------------------------------


def _plural_pair(singular: str, plural: str) -> bool:
    singular, plural = singular.lower(), plural.lower()
    return PLURALS.get(singular) == plural or (
        len(plural) > len(singular)
        and plural.startswith(singular[: max(3, len(singular) - 2)])
        and plural.endswith(("en", "s", "'s", "n"))
    )


def _countable() -> str:
    words = sorted({*PLURALS, *PLURALS.values()}, key=len, reverse=True)
    return "(" + "|".join(re.escape(w) for w in words) + ")" + END


COUNTABLE = _countable()
PLURAL_FORMS = set(PLURALS.values())


def slips_in(text: str) -> list[tuple[str, str, str]]:
    """``(rule, what was found, the fix)`` for every slip in one text."""
    found: list[tuple[str, str, str]] = []

    def each(pattern: str, rule: str, fix, flags: int = re.IGNORECASE) -> None:
        for match in re.finditer(pattern, text, flags):
            result = fix(match)
            if result:
                found.append((rule, match[0], result))

    each(
        rf"\b(deze|die)\s+({HET})",
        "het-woord na deze/die",
        lambda m: f"{'dit' if m[1].lower() == 'deze' else 'dat'} {m[2]}",
    )
    each(rf"\bde\s+({HET})", "het-woord na de", lambda m: f"het {m[1]}")
    each(rf"\bhet\s+({DE})", "de-woord na het", lambda m: f"de {m[1]}")
    each(rf"\been\s+andere\s+({HET})", "een ander + het-woord", lambda m: f"een ander {m[1]}")

    def bare_e(m: re.Match[str]) -> str | None:
        before, adjective, noun = (m[1] or "").lower(), m[2], m[3]
        if adjective.lower() in NOT_ADJECTIVES or before in DETERMINERS_WITH_E:
            return None
        if before == "{}":  # a name or a number printed before it: cannot tell
            return None
        return f"{adjective[:-1]} {noun}"

    each(
        rf"(?:(\{{\}}|\w+)\s+)?\b(\w+e)\s+({HET})",
        "buigings-e voor het-woord zonder de/het/dit",
        bare_e,
    )
    each(
        rf"\b({'|'.join(BARE_ADJECTIVES)})\s+({DE})",
        "geen buigings-e voor de-woord",
        lambda m: f"{m[1]}e {m[2]}",
    )
    each(
        r"\b(deze|die|dit|dat|een\s+andere?)\s*(?:\{\}(?!-)|'\s*~)",
        "lidwoord voor een ingevuld woord",
        lambda m: "laat het woord zijn eigen lidwoord meebrengen (dit initiatief, deze actor)",
    )

    def slash(m: re.Match[str]) -> str | None:
        return m[2] if _plural_pair(m[1], m[2]) else None

    each(r"\b([a-z]{3,})/([a-z']{4,})" + END, "schuine-streep-meervoud", slash)
    each(
        r"\b([a-z]{3,})\((en|s|'s|n)\)",
        "haakjes-meervoud",
        lambda m: f"{m[1]} of {m[1]}{m[2]}, naar het aantal",
    )
    each(
        rf"(?<![\d,.])\b1\s+{COUNTABLE}",
        "1 + meervoud",
        lambda m: (
            f"1 {next(s for s, p in PLURALS.items() if p == m[1].lower())}"
            if m[1].lower() in PLURAL_FORMS
            else None
        ),
    )
    each(
        rf"(?<![\d,.])\b([02-9]|\d\d+)\s+{COUNTABLE}",
        "getal + enkelvoud",
        lambda m: f"{m[1]} {PLURALS[m[2].lower()]}" if m[2].lower() in PLURALS else None,
    )
    each(
        rf"\{{\}}\s+{COUNTABLE}",
        COUNT_RULE,
        lambda m: "kies enkelvoud of meervoud naar het getal (aantal() of 'x' if n == 1)",
    )
    each(
        rf"\b({'|'.join(ENGLISH_WORDS)})\b",
        "Engels woord",
        lambda m: {
            "synthetic": "fictief",
            "error": "fout",
            "warning": "waarschuwing / let op",
            "click": "klik",
            "submit": "versturen / opslaan",
            "loading": "bezig met laden",
        }[m[1].lower()],
    )
    each(
        r"\b(" + "|".join(STIFF_WORDS) + r")\b",
        "stijf woord",
        lambda m: STIFF_WORDS[re.sub(r"\s+", " ", m[1].lower())],
    )
    return found


COUNT_RULE = "vast woord na een getal"
LIMIT = re.compile(r"\b(hoogstens|maximaal|minstens|ten minste)\s+\{\}")


@cache
def find_slips() -> tuple[Slip, ...]:
    slips = []
    for text in all_texts():
        for rule, _found, fix in slips_in(text.text):
            if rule == COUNT_RULE and (
                text.guarded
                or LIMIT.search(text.text)
                or any(text.file == f and t in text.text for f, t in AT_LEAST_TWO)
            ):
                continue
            slips.append(Slip(text.file, text.line, text.text, rule, fix))
    return tuple(slips)


def _known(slip: Slip) -> bool:
    return any(slip.file == file and text in slip.text for file, text in KNOWN_SLIPS)


# -- the tests ------------------------------------------------------------------------------


def test_the_pages_and_messages_have_no_common_dutch_slips():
    slips = [s for s in find_slips() if not _known(s)]
    assert not slips, "Nederlandse slordigheden:\n" + "\n".join(str(s) for s in slips)


def test_every_known_slip_is_still_there():
    """An entry of KNOWN_SLIPS that no longer matches can go."""
    slips = find_slips()
    stale = [k for k in KNOWN_SLIPS if not any(s.file == k[0] and k[1] in s.text for s in slips)]
    assert not stale, f"fixed, remove from KNOWN_SLIPS: {stale}"


def test_the_scan_sees_templates_and_python():
    texts = all_texts()
    files = {t.file for t in texts}
    assert any(f.startswith("api/templates/") for f in files)
    assert any(f.startswith("graph/") and f.endswith(".py") for f in files)
    assert any(f.startswith("api/") and f.endswith(".py") for f in files)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Wat doet deze inwonersinitiatief in de wijk?", "het-woord na deze/die"),
        ("Bestaat die netwerk al?", "het-woord na deze/die"),
        ("Kies de domein van de actor.", "het-woord na de"),
        ("Het koppeling is opgeslagen.", "de-woord na het"),
        ("Onbekende domein", "buigings-e voor het-woord zonder de/het/dit"),
        ("Er is een onbekende veld in rij 3.", "buigings-e voor het-woord zonder de/het/dit"),
        ("Het is een andere initiatief.", "een ander + het-woord"),
        ("Kies een onbekend wijk.", "geen buigings-e voor de-woord"),
        ("Wat doet deze {} in de wijk?", "lidwoord voor een ingevuld woord"),
        ("Het is echt een andere {}: toch opslaan", "lidwoord voor een ingevuld woord"),
        ("16 probleem/problemen", "schuine-streep-meervoud"),
        ("nog 3 actor(en) in de wijk", "haakjes-meervoud"),
        ("Er is 1 problemen.", "1 + meervoud"),
        ("Er zijn 2 probleem.", "getal + enkelvoud"),
        ("Er zijn {} problemen met de rijen.", "vast woord na een getal"),
        ("Er ging een error mis bij het laden.", "Engels woord"),
        ("Indien de naam ontbreekt, vul hem in.", "stijf woord"),
        ("Deze handeling is op deze pagina niet mogelijk.", "stijf woord"),
        ("Dit is te lang: ten hoogste {} tekens.", "stijf woord"),
    ],
)
def test_each_rule_finds_its_slip(text, rule):
    assert rule in [r for r, _, _ in slips_in(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Wat doet dit initiatief in de wijk?",
        "Onbekend domein",
        "het nieuwe initiatief en de thema's van de wijk",
        "een eerste voorstel voor de netwerk-analyse",
        "de onbekende wijk",
        "Er is 1 probleem.",
        "Er zijn 16 problemen.",
        "{} {}",
        "Dit {}-bestand is kapot bij regel {}.",
        "Alle wijken naast elkaar.",
    ],
)
def test_good_dutch_passes(text):
    assert slips_in(text) == []


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "0 problemen"), (1, "1 probleem"), (2, "2 problemen"), (16, "16 problemen")],
)
def test_the_count_helper_agrees(n, expected):
    assert aantal(n, "probleem", "problemen") == expected


TEMPLATE_PLURAL = re.compile(
    r"\{\{\s*'([\w']+)'\s+if\s+([\w.|()]+)\s*==\s*1\s+else\s+'([\w']+)'\s*\}\}"
)


def test_the_templates_singular_and_plural_pairs_agree():
    """``{{ 'rij' if n == 1 else 'rijen' }}``: a singular, then its own plural."""
    pairs = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for match in TEMPLATE_PLURAL.finditer(path.read_text("utf-8")):
            pairs.append((path.name, match[1], match[3]))
            assert _plural_pair(match[1], match[3]), (path.name, match[0])
    assert pairs, "no singular/plural pairs found in the templates"
