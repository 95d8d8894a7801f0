"""Store benchmark: bulk load versus one statement per row, and one wijk's snapshot read.

For each backend (SQLite always; Neo4j from a server this script starts from the cached
Maven jars, or the one ``WIJKNET_BENCH_NEO4J_URL`` names), in the same run:

- loads a synthetic region of 20,000 actors and 100,000 links through ``bulk_upsert``;
- loads a sample through one ``create_actor``/``create_link`` call per row (the baseline);
- prints rows per second for both and the ratio;
- reads the snapshot of a 2,000-actor wijk three ways, each the median of 7 reads: with
  nothing remembered (``first``: the queries and every model built), the first read after
  an edit of one actor (``cold``: the queries, and models built only for changed records
  where the backend gives one document per record) and a repeated read (``repeat``: one
  look at the wijk's change counter, ``graph.store.snapshots``); beside them the
  baseline, the old way of building them: the same snapshot's JSON validated with every
  model validator, without any database time.

Run: ``.venv/bin/python bench/store_write.py [--actors N] [--links N] [--no-neo4j]``.
Aims: Neo4j bulk at least 20x per-row; whole load under 60 s (Neo4j) and 15 s (SQLite);
snapshot of 2,000 actors under 100 ms on either backend, first, cold or repeated.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.demo import DemoData, generate_region, generate_wijk
from graph.model import ActorIn, ActorKind, LinkIn, Snapshot
from graph.store import GraphStore, open_store

BY = "bench"
READS = 7
"""Reads per snapshot measurement (the median is printed)."""

StoreFactory = Callable[[], tuple[GraphStore, Callable[[], GraphStore]]]
"""Opens an empty store of one backend; with it, how to open its database once more (as a
process just started would)."""


def per_row_sample(data: DemoData, rows: int) -> tuple[list[ActorIn], list[LinkIn]]:
    """The first wijk's actors (organisations first) and the links among them."""
    slug = data.wijken[0].slug
    order = {ActorKind.ORGANISATIE: 0, ActorKind.INITIATIEF: 1, ActorKind.PROFESSIONAL: 2}
    actors = sorted(data.actors_in(slug), key=lambda a: order[a.kind])[: rows // 3]
    ids = {a.id for a in actors}
    links = [lk for lk in data.links if lk.source in ids and lk.target in ids][: rows - len(actors)]
    return actors, links


def time_bulk(store: GraphStore, data: DemoData) -> float:
    start = time.perf_counter()
    store.bulk_upsert(wijken=data.wijken, actors=data.actors, links=data.links, by=BY)
    return time.perf_counter() - start


def time_per_row(store: GraphStore, data: DemoData, rows: int) -> tuple[int, float]:
    store.bulk_upsert(wijken=data.wijken, by=BY)
    actors, links = per_row_sample(data, rows)
    start = time.perf_counter()
    for actor in actors:
        store.create_actor(actor, by=BY)
    for link in links:
        store.create_link(link, by=BY)
    return len(actors) + len(links), time.perf_counter() - start


def time_snapshot(
    store: GraphStore, reopen: Callable[[], GraphStore], wijk: DemoData
) -> tuple[int, float, float, float, float]:
    """(actors, first, cold, repeat, baseline) in seconds, each the median of ``READS``
    reads."""
    store.bulk_upsert(wijken=wijk.wijken, actors=wijk.actors, links=wijk.links, by=BY)
    slug = wijk.wijken[0].slug
    first, cold, repeat, baseline = [], [], [], []
    for _ in range(READS):
        other = reopen()  # nothing remembered, as in a process just started
        try:
            other.health()  # connected, as a running app is
            start = time.perf_counter()
            other.snapshot(slug)
            first.append(time.perf_counter() - start)
        finally:
            other.close()
    snap = store.snapshot(slug)
    for i in range(READS):
        # an edit of one actor, as a form makes: the next read queries the wijk again
        actor = snap.actors[i]
        store.update_actor(actor.id, {"name": f"Bench {i}"}, expected_version=actor.version, by=BY)
        del snap
        start = time.perf_counter()
        snap = store.snapshot(slug)
        cold.append(time.perf_counter() - start)
    for _ in range(READS):
        del snap
        start = time.perf_counter()
        snap = store.snapshot(slug)
        repeat.append(time.perf_counter() - start)
    text = snap.model_dump_json()
    for _ in range(READS):
        start = time.perf_counter()
        Snapshot.model_validate_json(text)
        baseline.append(time.perf_counter() - start)
    return (
        len(snap.actors),
        statistics.median(first),
        statistics.median(cold),
        statistics.median(repeat),
        statistics.median(baseline),
    )


def run_backend(
    name: str, fresh_store: StoreFactory, region: DemoData, wijk: DemoData, rows: int
) -> dict[str, float]:
    total = len(region.actors) + len(region.links)
    store, _ = fresh_store()
    try:
        bulk = time_bulk(store, region)
    finally:
        store.close()
    store, _ = fresh_store()
    try:
        n_rows, per_row = time_per_row(store, region, rows)
    finally:
        store.close()
    store, reopen = fresh_store()
    try:
        size, first, cold, repeat, baseline = time_snapshot(store, reopen, wijk)
    finally:
        store.close()
    bulk_rate, row_rate = total / bulk, n_rows / per_row
    print(
        f"{name:<7} bulk {total:>7} rows in {bulk:6.2f} s = {bulk_rate:9.0f} rows/s | "
        f"per row {n_rows:>5} rows in {per_row:6.2f} s = {row_rate:7.0f} rows/s | "
        f"bulk/per-row {bulk_rate / row_rate:6.1f}x | snapshot of {size} actors "
        f"first {first * 1000:6.1f} ms, cold {cold * 1000:6.1f} ms, repeat {repeat * 1000:6.1f} ms "
        f"(full validation alone {baseline * 1000:6.1f} ms, {baseline / first:4.1f}x first)"
    )
    return {
        "bulk_s": bulk,
        "ratio": bulk_rate / row_rate,
        "snapshot_first_ms": first * 1000,
        "snapshot_ms": cold * 1000,
        "snapshot_repeat_ms": repeat * 1000,
        "snapshot_baseline_ms": baseline * 1000,
    }


def sqlite_factory(tmp: Path) -> StoreFactory:
    counter = iter(range(1_000_000))

    def fresh() -> tuple[GraphStore, Callable[[], GraphStore]]:
        url = f"sqlite:///{tmp / f'bench-{next(counter)}.db'}"
        return open_store(url), lambda: open_store(url)

    return fresh


def neo4j_factory(url: str, auth: tuple[str, str]) -> StoreFactory:
    import neo4j

    def fresh() -> tuple[GraphStore, Callable[[], GraphStore]]:
        with neo4j.GraphDatabase.driver(url, auth=auth) as driver, driver.session() as session:
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS").consume()
        return open_store(url, auth=auth), lambda: open_store(url, auth=auth)

    return fresh


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=20_000)
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=600, help="per-row sample size")
    parser.add_argument("--no-neo4j", action="store_true")
    args = parser.parse_args()

    t0 = time.perf_counter()
    region = generate_region(args.actors, args.links)
    wijk = generate_wijk("bench-2000", 2000)
    print(
        f"synthetic region: {len(region.actors)} actors, {len(region.links)} links, "
        f"{len(region.wijken)} wijken (generated in {time.perf_counter() - t0:.1f} s)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        run_backend("sqlite", sqlite_factory(Path(tmp)), region, wijk, args.rows)
    if args.no_neo4j:
        return 0
    url = os.environ.get("WIJKNET_BENCH_NEO4J_URL")
    server = None
    if url:
        auth = (
            os.environ.get("WIJKNET_BENCH_NEO4J_USER", "neo4j"),
            os.environ.get("WIJKNET_BENCH_NEO4J_PASSWORD", ""),
        )
    else:
        from graph.store.neo4j.local import start

        server = start(heap="2g")
        url, auth = server.url, server.auth
    try:
        run_backend("neo4j", neo4j_factory(url, auth), region, wijk, args.rows)
    finally:
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
