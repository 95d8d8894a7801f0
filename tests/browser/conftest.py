"""The browser tests: a real uvicorn server on 127.0.0.1 and Debian's headless Chromium.

The server runs in a thread on a free port, on a temporary SQLite store with the demo data
and a few accounts (the main journey of ``test_browser.py`` runs on Neo4j too). Chromium is
driven by Playwright for Python through its ``executable_path``; Playwright never downloads a
browser here. When Chromium is missing the tests fail with the reason (no silent skip):
install it with ``make chromium``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from api.accounts import AccountStore
from api.app import create_app
from api.settings import Settings
from graph.demo.timeline import clock
from graph.model import ActorIn, LinkIn, WijkIn, utcnow
from graph.store import GraphStore
from tests.browser.support import WAIT_MS, Site, serving
from tests.support.web import ACCOUNTS, FAST_HASHER, HOSTILE, PASSWORD, demo_store

# expect(...) waits this long for the page's scripts (Playwright's own default is 5 s,
# too short when the machine is busy with other tests).
expect.set_options(timeout=WAIT_MS)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=nl-NL",
]


def chromium_path() -> str | None:
    return (
        os.environ.get("WIJKNET_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


def _seed_hostile(store: GraphStore, backend: str = "sqlite") -> tuple[str, str]:
    """A wijk and an actor named like an HTML injection, linked into Daalhof.

    They are written with the store's clock set back 400 days, so they also show on the
    "actueel houden" page as not confirmed for more than a year.
    """
    old = utcnow() - timedelta(days=400)
    if backend == "neo4j":
        with clock(old):
            return _write_hostile(store)
    import graph.store.sqlite.core as sqlite_store

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sqlite_store, "utcnow", lambda: old)
        return _write_hostile(store)


def _write_hostile(store: GraphStore) -> tuple[str, str]:
    store.create_wijk(
        WijkIn(slug="xss-wijk", name=HOSTILE, gemeente="Maastricht", cohort=2), by="baas"
    )
    actor = store.create_actor(
        ActorIn(
            kind="initiatief",
            name=HOSTILE,
            domain="inwoners",
            themes=["eenzaamheid"],
            wijken=["daalhof", "xss-wijk"],
            description=f'"><script>alert(2)</script>{HOSTILE}',
        ),
        by="baas",
    )
    partner = next(a for a in store.list_actors("daalhof") if a.kind.value == "organisatie")
    store.create_link(LinkIn(source=actor.id, target=partner.id, note=HOSTILE), by="baas")
    return actor.id, "xss-wijk"


@pytest.fixture(scope="module")
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, store_backend: str
) -> Iterator[Site]:
    """A uvicorn server in a thread on a free 127.0.0.1 port, with demo data and accounts,
    on SQLite (or on the session's Neo4j database for a test given ``store_backend``)."""
    folder = tmp_path_factory.mktemp("browser")
    store = demo_store(request, store_backend, folder)
    hostile_actor, hostile_wijk = _seed_hostile(store, store_backend)
    accounts = AccountStore(str(folder / "accounts.db"), hasher=FAST_HASHER)
    for name, role, wijken in ACCOUNTS:
        accounts.add_user(name, PASSWORD, role, wijken)
    app = create_app(Settings(), store=store, accounts=accounts)
    try:
        with serving(app) as url:
            yield Site(url, store, hostile_actor, hostile_wijk)
    finally:
        if store_backend == "sqlite":
            store.close()
        accounts.close()


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Debian's Chromium through Playwright; a clear failure when it is not installed."""
    path = chromium_path()
    if not path:
        pytest.fail(
            "Chromium is missing: the browser tests need Debian's `chromium` "
            "(install it with `make chromium`, i.e. `apt-get install chromium`, "
            "or point WIJKNET_CHROMIUM at a Chromium binary).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


_EXPECTED_STATUS = re.compile(r"Failed to load resource: .* status of (400|409|422)\b")


class Watch:
    """What a page did that it must not: dialogs (script ran) and console errors (CSP, JS)."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []

    def attach(self, page) -> None:
        def on_dialog(dialog) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("console", self._console)

    def _console(self, message) -> None:
        # a refused form answers 400/409/422 on purpose; Chromium logs that status as an error
        if message.type == "error" and not _EXPECTED_STATUS.search(message.text):
            self.errors.append(f"console: {message.text}")


@pytest.fixture
def context(chromium):
    ctx = chromium.new_context(
        viewport={"width": 1366, "height": 900}, locale="nl-NL", accept_downloads=True
    )
    watch = Watch()
    ctx.on("page", watch.attach)
    ctx.watch = watch
    yield ctx
    ctx.close()
    assert watch.dialogs == [], f"a dialog opened: script ran ({watch.dialogs})"
    assert watch.errors == [], f"errors in the browser console: {watch.errors}"


@pytest.fixture
def page(context):
    return context.new_page()
