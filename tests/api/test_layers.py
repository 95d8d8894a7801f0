"""The layers of api/: the JSON API (``api/routes``) never imports the pages (``api/web``).

What both doors need (the dependencies, the permissions, the sessions, the map data, the
uploads) lives at the level of ``api/`` itself. The imports are read with ``ast``, relative
ones resolved; a fresh interpreter also checks that importing every route module loads no
module of ``api.web`` at all, through whatever it imports.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROUTES = sorted((ROOT / "api" / "routes").rglob("*.py"))
SHARED = sorted(p for p in (ROOT / "api").glob("*.py") if p.name != "app.py")
"""The modules of api/ itself; ``api/app.py`` is the composition root that installs both."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(source: str, module: str, *, package: bool = False) -> set[str]:
    """Every module name ``source`` (the text of ``module``) imports, and for ``from X
    import y`` also ``X.y`` (``y`` may be a module)."""
    names: set[str] = set()
    here = module.split(".") if package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            origin = ".".join(base + ([node.module] if node.module else []))
            names.add(origin)
            names.update(f"{origin}.{alias.name}" for alias in node.names)
    return names


def web_imports(path: Path) -> list[str]:
    names = imported(path.read_text("utf-8"), module_name(path), package=path.name == "__init__.py")
    return sorted(n for n in names if n == "api.web" or n.startswith("api.web."))


def test_the_import_reader_sees_every_way_of_importing_the_pages():
    source = (
        "import api.web.pages\nfrom api import web\nfrom api.web.render import render\n"
        "from ..web import forms\nfrom .. import web as pages\nfrom . import io\n"
    )
    names = imported(source, "api.routes.example")
    assert {"api.web.pages", "api.web", "api.web.render", "api.web.forms"} <= names
    assert "api.routes.io" in names and "api.io" not in names


def test_there_are_route_modules_to_check():
    names = {p.stem for p in ROUTES}
    assert {"actors", "links", "wijken", "maps", "analysis", "io"} <= names


@pytest.mark.parametrize("path", ROUTES, ids=lambda p: module_name(p))
def test_no_module_of_the_json_api_imports_the_pages(path):
    assert web_imports(path) == []


@pytest.mark.parametrize("path", SHARED, ids=lambda p: module_name(p))
def test_the_modules_both_doors_share_do_not_import_the_pages(path):
    assert web_imports(path) == []


def test_importing_the_json_api_loads_nothing_of_the_pages():
    modules = [module_name(p) for p in ROUTES]
    probe = (
        "import importlib, sys\n"
        "for name in sys.argv[1:]:\n"
        "    importlib.import_module(name)\n"
        "print(' '.join(m for m in sys.modules if m.split('.')[:2] == ['api', 'web']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *modules],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []
