"""Helpers of the browser tests: logging in, waiting for the map and the scripts, screenshots."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from graph.store import GraphStore
from tests.support.web import PASSWORD

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
# How long a test waits for what the page's scripts fill (a table, the map, a list): they
# run late on a busy machine, so every read of such state waits for it, never a fixed pause.
WAIT_MS = 15_000


@dataclass
class Site:
    """The running server: its address, its store and the hostile records in it."""

    url: str
    store: GraphStore
    hostile_actor: str
    hostile_wijk: str
    extra: dict = field(default_factory=dict)


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn in a thread on a free 127.0.0.1 port; its address."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:  # the server's own flag: no fixed pause
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start on 127.0.0.1", pytrace=False)
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


def login(page, site: Site, username: str) -> None:
    page.goto(site.url + "/inloggen")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(site.url + "/")


def wait_for_map(page) -> None:
    page.wait_for_selector("#kaart[data-ready=true]", state="attached", timeout=20000)


def wait_until(page, condition: str, arg: object = None) -> None:
    """Wait until the JavaScript ``condition`` (a function of ``arg``) is true in the page."""
    page.wait_for_function(condition, arg=arg, timeout=WAIT_MS)


def shot(page, name: str) -> None:
    """Save a screenshot for reviewers under tests/artifacts/ (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def wait_for_labels(page) -> None:
    """Wait until the map has placed its labels (``data-labels`` on the map is set)."""
    wait_for_map(page)
    wait_until(page, "() => document.querySelector('#kaart').dataset.labels !== undefined")


def node_point(page, actor_id: str) -> dict:
    """Where an actor's node is on the page, relative to the map's canvas (DOM pixels)."""
    return page.evaluate(
        """id => {
        const m = window.wijknetMap;
        return m.network.canvasToDOM(m.network.getPosition(id));
    }""",
        actor_id,
    )
