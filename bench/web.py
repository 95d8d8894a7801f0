"""Benchmark: the web app under 20 concurrent clients, against a static file of the same server.

    .venv/bin/python bench/web.py              # about a minute
    .venv/bin/python bench/web.py --clients 20 --requests 15

It loads the demo data plus one synthetic wijk of 500 actors into a fresh SQLite store,
starts a real uvicorn server on 127.0.0.1 (a separate process, so the clients do not share
its interpreter), logs in once, warms every page up (the first request of a wijk computes
its analysis and its map; every later one is served from the caches until the wijk
changes) and then, one endpoint at a time, lets ``--clients`` threads send
``--requests`` requests each:

- a static file (``/static/app.css``): the baseline of the same server in the same run;
- the wijk page of the 500-actor wijk (``/wijk/{slug}``);
- the map data of that wijk (``/wijk/{slug}/kaart.json``);
- the analysis API (``/api/v1/wijken/{slug}/analysis``);
- a form POST that saves a new initiative (in a small wijk, so the big wijk's caches stay
  as they are), with its CSRF token.

It prints p50 and p95 per endpoint and their ratio to the static baseline, the time of the
first (uncached) wijk page, and whether the wijk page's p95 stays under 300 ms.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx2 as httpx  # the HTTP client the project installs (starlette's TestClient uses it)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.accounts import AccountStore
from graph.demo import generate, generate_wijk
from graph.store import open_store

ROOT = Path(__file__).resolve().parents[1]

BIG = "groeiwijk"
SMALL = "nuth"
USER, PASSWORD = "bench", "bench-wachtwoord-2025"
AIM_MS = 300.0


def prepare(folder: Path) -> dict[str, str]:
    """Demo data plus a 500-actor wijk in SQLite, and one beheer account; the server's env."""
    db, accounts_db = folder / "web.db", folder / "accounts.db"
    store = open_store(f"sqlite:///{db}")
    try:
        demo, big = generate(), generate_wijk(BIG, 500, name="Groeiwijk", gemeente="Heerlen")
        store.bulk_upsert(
            wijken=demo.wijken + big.wijken,
            actors=demo.actors + big.actors,
            links=demo.links + big.links,
            by="bench",
        )
        actors, links = len(store.list_actors(BIG)), len(store.list_links(BIG))
    finally:
        store.close()
    accounts = AccountStore(str(accounts_db))
    accounts.add_user(USER, PASSWORD, "beheer")
    accounts.close()
    print(f"Store: demo data (12 wijken) + {BIG}: {actors} actoren, {links} verbindingen")
    return {
        **os.environ,
        "WIJKNET_DATABASE": f"sqlite:///{db}",
        "WIJKNET_ACCOUNTS_DATABASE": str(accounts_db),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


def csrf_token(page: str) -> str:
    """The CSRF token of a page's form."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None, page
    return found.group(1)


def login(base: str) -> tuple[dict[str, str], str]:
    """One session for all clients: its cookie and its CSRF token."""
    with httpx.Client(base_url=base) as client:
        token = csrf_token(client.get("/inloggen").text)
        response = client.post(
            "/inloggen", data={"csrf_token": token, "username": USER, "password": PASSWORD}
        )
        assert response.status_code == 303, response.text
        csrf = csrf_token(client.get(f"/wijk/{SMALL}/nieuw/initiatief").text)
        return dict(client.cookies), csrf


def run(
    base: str,
    cookies: dict[str, str],
    clients: int,
    requests: int,
    send: Callable[[httpx.Client, int], httpx.Response],
) -> list[float]:
    """``clients`` threads, each sending ``requests`` requests; the latencies in ms."""
    times: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(clients)
    failures: list[str] = []

    def worker(index: int) -> None:
        with httpx.Client(
            base_url=base, cookies=cookies, timeout=60, headers={"Accept-Encoding": "gzip"}
        ) as client:
            mine = []
            start.wait()
            for i in range(requests):
                t0 = time.perf_counter()
                response = send(client, index * requests + i)
                mine.append((time.perf_counter() - t0) * 1000)
                if response.status_code >= 400:
                    failures.append(f"{response.status_code} {response.request.url}")
            with lock:
                times.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"requests failed: {failures[:3]}")
    return times


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=15, help="per client and endpoint")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wijknet-bench-") as tmp:
        env = prepare(Path(tmp))
        port = free_port()
        server = start_server(env, port)
        base = f"http://127.0.0.1:{port}"
        try:
            cookies, csrf = login(base)
            with httpx.Client(base_url=base, cookies=cookies, timeout=120) as client:
                t0 = time.perf_counter()
                assert client.get(f"/wijk/{BIG}").status_code == 200
                cold = (time.perf_counter() - t0) * 1000
                for url in (
                    f"/wijk/{BIG}/kaart.json",
                    f"/api/v1/wijken/{BIG}/analysis",
                    "/static/app.css",
                    f"/wijk/{SMALL}",
                ):
                    assert client.get(url).status_code == 200, url

            def form(client: httpx.Client, n: int) -> httpx.Response:
                return client.post(
                    f"/wijk/{SMALL}/nieuw/initiatief",
                    data={
                        "csrf_token": csrf,
                        "name": f"Bench-initiatief {n}",
                        "domain": "inwoners",
                        "role": "wijkontbijt",
                        "wijken": SMALL,
                        "toch_opslaan": "1",
                    },
                )

            endpoints: list[tuple[str, Callable[[httpx.Client, int], httpx.Response]]] = [
                ("statisch bestand (basis)", lambda c, n: c.get("/static/app.css")),
                ("wijkpagina (500 actoren)", lambda c, n: c.get(f"/wijk/{BIG}")),
                ("kaartdata (500 actoren)", lambda c, n: c.get(f"/wijk/{BIG}/kaart.json")),
                ("analyse-API (500 actoren)", lambda c, n: c.get(f"/api/v1/wijken/{BIG}/analysis")),
                ("formulier POST (opslaan)", form),
            ]
            print(
                f"{args.clients} gelijktijdige clients, {args.requests} verzoeken per client "
                f"per adres, uvicorn op 127.0.0.1 (1 proces), {os.cpu_count()} cores\n"
            )
            print(
                f"{'adres':<28} {'p50 ms':>8} {'p95 ms':>8} {'x basis p50':>12} "
                f"{'x basis p95':>12} {'verzoeken/s':>12}"
            )
            baseline: tuple[float, float] | None = None
            results = {}
            for name, send in endpoints:
                t0 = time.perf_counter()
                times = run(base, cookies, args.clients, args.requests, send)
                wall = time.perf_counter() - t0
                p50, p95 = percentile(times, 50), percentile(times, 95)
                baseline = baseline or (p50, p95)
                results[name] = p95
                print(
                    f"{name:<28} {p50:>8.1f} {p95:>8.1f} {p50 / baseline[0]:>12.1f} "
                    f"{p95 / baseline[1]:>12.1f} {len(times) / wall:>12.0f}"
                )
            print(f"\nEerste (niet gecachte) wijkpagina van {BIG}: {cold:.0f} ms")
            p95 = results["wijkpagina (500 actoren)"]
            verdict = "gehaald" if p95 < AIM_MS else "NIET gehaald"
            print(f"Doel wijkpagina p95 < {AIM_MS:.0f} ms: {verdict} ({p95:.0f} ms)")
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
