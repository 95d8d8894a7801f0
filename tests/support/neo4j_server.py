"""A real Neo4j Community server for the tests, assembled from Maven Central.

The server itself is ``graph.store.neo4j.local`` (also behind ``make demo-neo4j``): Maven
fetches the server's jars once into ``.cache/neo4j/lib`` (reused afterwards), and every
start here creates a fresh home in a temporary directory with its own ``neo4j.conf``, a
free Bolt port on 127.0.0.1 and a random password. ``stop()`` ends the server and removes
its home.

Set ``WIJKNET_TEST_NEO4J_URL`` (with ``WIJKNET_TEST_NEO4J_USER`` and
``WIJKNET_TEST_NEO4J_PASSWORD``) to use a server that is already running instead.

From a shell, in the repository's root::

    python -m tests.support.neo4j_server start    # prints the URL and the credentials
    python -m tests.support.neo4j_server status
    python -m tests.support.neo4j_server stop
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import fields
from pathlib import Path

from graph.store.neo4j import local
from graph.store.neo4j.local import LocalNeo4j as Neo4jServer
from graph.store.neo4j.local import LocalNeo4jError as Neo4jServerError

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_LIB = local.DEFAULT_LIB
STATE_FILE = ROOT / ".cache" / "neo4j" / "server.json"
START_TIMEOUT = local.START_TIMEOUT
USER = local.USER

__all__ = ["Neo4jServer", "Neo4jServerError", "fetch_jars", "start", "from_environment"]


def from_environment() -> Neo4jServer | None:
    """The server named by ``WIJKNET_TEST_NEO4J_URL``, or None when it is not set."""
    url = os.environ.get("WIJKNET_TEST_NEO4J_URL", "").strip()
    if not url:
        return None
    return Neo4jServer(
        url=url,
        user=os.environ.get("WIJKNET_TEST_NEO4J_USER", USER),
        password=os.environ.get("WIJKNET_TEST_NEO4J_PASSWORD", ""),
    )


def fetch_jars(lib_dir: Path = DEFAULT_LIB) -> Path:
    """Download the server's jars with Maven into ``lib_dir`` unless they are there already."""
    return local.fetch_jars(lib_dir)


def start(
    lib_dir: Path = DEFAULT_LIB,
    *,
    timeout: float = START_TIMEOUT,
    heap: str | None = None,
    detach: bool = False,
) -> Neo4jServer:
    """Start a fresh server (or return the external one) and wait until Bolt answers.

    ``heap`` is the JVM's maximum heap (default ``WIJKNET_TEST_NEO4J_HEAP`` or 1g); a
    transaction may use up to 70% of it. ``WIJKNET_TEST_NEO4J_PAGECACHE`` sizes the page
    cache (default 256m).

    Raises ``Neo4jServerError`` with the tail of the server's log when it does not come up.
    ``detach`` keeps the server running after this Python process ends (for the CLI).
    """
    external = from_environment()
    if external is not None:
        local.wait_for_bolt(external, timeout)
        return external
    return local.start(
        lib_dir,
        timeout=timeout,
        heap=heap or os.environ.get("WIJKNET_TEST_NEO4J_HEAP", "1g"),
        pagecache=os.environ.get("WIJKNET_TEST_NEO4J_PAGECACHE", "256m"),
        detach=detach,
    )


# -- command line ------------------------------------------------------------------------


def _load_state() -> Neo4jServer | None:
    if not STATE_FILE.is_file():
        return None
    data = json.loads(STATE_FILE.read_text(encoding="utf-8"))
    return Neo4jServer(**data)


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _print_server(server: Neo4jServer) -> None:
    print(f"WIJKNET_TEST_NEO4J_URL={server.url}")
    print(f"WIJKNET_TEST_NEO4J_USER={server.user}")
    print(f"WIJKNET_TEST_NEO4J_PASSWORD={server.password}")


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "status"
    state = _load_state()
    if command == "start":
        if state is not None and _alive(state.pid):
            print(f"already running (pid {state.pid})", file=sys.stderr)
            _print_server(state)
            return 0
        server = start(detach=True)
        STATE_FILE.parent.mkdir(parents=True, exist_ok=True)
        saved = {f.name: getattr(server, f.name) for f in fields(server) if f.init}
        STATE_FILE.write_text(json.dumps(saved), encoding="utf-8")
        STATE_FILE.chmod(0o600)
        print(f"started (pid {server.pid}, home {server.home})", file=sys.stderr)
        _print_server(server)
        return 0
    if command == "stop":
        if state is None:
            print("not running", file=sys.stderr)
            return 0
        state.stop()
        STATE_FILE.unlink(missing_ok=True)
        print("stopped", file=sys.stderr)
        return 0
    if command == "status":
        if state is None or not _alive(state.pid):
            print("not running")
            return 1
        print(f"running (pid {state.pid}, home {state.home})")
        _print_server(state)
        return 0
    print("usage: python -m tests.support.neo4j_server start|stop|status", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
