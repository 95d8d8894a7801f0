"""``make demo-neo4j``: the demo on a Neo4j server of its own, without Docker.

    python tools/neo4j/demo.py [--home DIR] [--heap SIZE] [--host ADRES] [--port POORT]

Starts Neo4j Community from the jars Maven fetched (``graph.store.neo4j.local``, the same
server the tests run) with its database in ``data/neo4j`` (kept: a second run finds the
data of the first), points wijknet at it and runs ``wijknet demo``: the demo data is
loaded (again: loading twice changes nothing) and the app is served. Ctrl-C stops the app
and then the server, cleanly. ``WIJKNET_PORT`` and ``WIJKNET_HOST`` work as for
``make demo``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from graph.store.neo4j.local import LocalNeo4j, LocalNeo4jError, start  # noqa: E402

HOME = ROOT / "data" / "neo4j"
"""Where the demo's database lives between runs (``make clean`` removes it)."""


def serve_demo(server: LocalNeo4j, host: str | None = None, port: int | None = None) -> None:
    """Load the demo into ``server`` and serve the app on it until Ctrl-C (``wijknet
    demo`` with the settings that name the server)."""
    os.environ.update(server.environment())
    from api.cli.serve import demo

    demo(host=host, port=port)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="wijknet's demo on a local Neo4j server")
    parser.add_argument("--home", type=Path, default=HOME, help="the server's folder (kept)")
    parser.add_argument("--heap", default="1g", help="the server's maximum heap (default 1g)")
    parser.add_argument("--host", default=None, help="where the app listens")
    parser.add_argument("--port", type=int, default=None, help="the app's port")
    args = parser.parse_args(argv)

    print(f"Neo4j starten (database in {args.home}) …", flush=True)
    try:
        server = start(home=args.home, heap=args.heap)
    except LocalNeo4jError as exc:
        print(f"Neo4j kon niet starten: {exc}", file=sys.stderr)
        return 1
    print(f"Neo4j draait op {server.url} (pid {server.pid}); Ctrl-C stopt app en Neo4j.")
    try:
        serve_demo(server, args.host, args.port)
    except KeyboardInterrupt:
        pass
    finally:
        print("Neo4j stoppen …", flush=True)
        server.stop()
        print("Neo4j gestopt; de gegevens blijven in", args.home)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
