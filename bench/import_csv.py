"""Benchmark: import a CSV of 20,000 actors and 100,000 links, beside a naive row-by-row import.

The bulk import is the real thing (read, plan, one ``bulk_upsert``); the naive baseline calls
``store.create_actor`` / ``store.create_link`` once per row, measured on a sample of the same
file in the same run and extrapolated to the whole file. Targets: under 20 s into SQLite and,
when ``WIJKNET_BENCH_NEO4J_URL`` names a Neo4j server (``bolt://user:password@host:7687``),
under 60 s into Neo4j. The data is synthetic.

    .venv/bin/python bench/import_csv.py [--actors 20000] [--links 100000]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.model import ActorIn, ActorKind, Domain, LinkIn, LinkKind, Role, WijkIn
from graph.store import open_store
from graph.store.base import GraphStore
from importers.apply import apply_plan, plan_files

TARGETS = {"sqlite": 20.0, "neo4j": 60.0}
SAMPLE_SHARE = 0.05
KINDS = [
    ("organisatie", "zorg", "huisartsenpraktijk"),
    ("professional", "sociaal", "welzijnscoach"),
    ("initiatief", "inwoners", "wijkontbijt"),
]


def make_csv(wijk: str, n_actors: int, n_links: int, seed: int = 7) -> tuple[bytes, bytes]:
    """An actor table and a link table (links name their actors), as a wijkteam would."""
    rng = random.Random(seed)
    actors = io.StringIO(newline="")
    writer = csv.writer(actors, delimiter=";")
    writer.writerow(["naam", "soort", "domein", "rol", "wijk", "thema's", "omschrijving"])
    for i in range(n_actors):
        kind, domain, role = KINDS[i % 3]
        writer.writerow(
            [
                f"Actor {i:05d}",
                kind,
                domain,
                role,
                wijk,
                "eenzaamheid; ouderen",
                "Synthetische actor voor de benchmark",
            ]
        )
    links = io.StringIO(newline="")
    writer = csv.writer(links, delimiter=";")
    writer.writerow(["van", "naar", "soort", "intensiteit"])
    seen: set[tuple[int, int]] = set()
    while len(seen) < n_links:
        a, b = rng.randrange(n_actors), rng.randrange(n_actors)
        if a == b or (min(a, b), max(a, b)) in seen:
            continue
        seen.add((min(a, b), max(a, b)))
        writer.writerow([f"Actor {a:05d}", f"Actor {b:05d}", "samenwerking", rng.randint(1, 4)])
    return actors.getvalue().encode(), links.getvalue().encode()


def bulk_import(store: GraphStore, files: list[tuple[str, bytes]]) -> float:
    """Read, plan and write in one transaction; prints wall time and this process's CPU time
    (on a busy machine the CPU time shows what the import itself costs)."""
    start, cpu = time.perf_counter(), time.process_time()
    plan = plan_files(store, files)
    if plan.problems:
        raise SystemExit(f"unexpected problems: {plan.problems[:3]}")
    planned, planned_cpu = time.perf_counter(), time.process_time()
    result = apply_plan(store, plan, by="bench")
    elapsed = time.perf_counter() - start
    print(
        f"    bulk: {result.created} records in {elapsed:.1f} s "
        f"(read + plan {planned - start:.1f} s, write {start + elapsed - planned:.1f} s; "
        f"CPU of this process {planned_cpu - cpu:.1f} + {time.process_time() - planned_cpu:.1f} s)"
    )
    return elapsed


def naive_import(store: GraphStore, wijk: str, n_actors: int, n_links: int) -> float:
    """Row by row, one store call (so one transaction) per row, on a sample; extrapolated."""
    ids = []
    sample_actors = max(1, int(n_actors * SAMPLE_SHARE))
    sample_links = max(1, int(n_links * SAMPLE_SHARE))
    rng = random.Random(11)
    start = time.perf_counter()
    for i in range(sample_actors):
        kind, domain, role = KINDS[i % 3]
        actor = store.create_actor(
            ActorIn(
                kind=ActorKind(kind),
                name=f"Naief {i:05d}",
                domain=Domain(domain),
                role=Role(role),
                wijken=[wijk],
            ),
            by="bench",
        )
        ids.append(actor.id)
    actor_time = time.perf_counter() - start
    start = time.perf_counter()
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < min(sample_links, sample_actors * (sample_actors - 1) // 2):
        a, b = sorted(rng.sample(range(sample_actors), 2))
        if (a, b) in pairs:
            continue
        pairs.add((a, b))
        store.create_link(
            LinkIn(source=ids[a], target=ids[b], kind=LinkKind.SAMENWERKING), by="bench"
        )
    link_time = time.perf_counter() - start
    total = actor_time / sample_actors * n_actors + link_time / len(pairs) * n_links
    print(
        f"    naive: {sample_actors} actors + {len(pairs)} links in "
        f"{actor_time + link_time:.1f} s, extrapolated to the whole file: {total:.0f} s"
    )
    return total


def run(backend: str, store: GraphStore, n_actors: int, n_links: int) -> None:
    tag = uuid.uuid4().hex[:6]
    wijk, naive_wijk = f"bench-{tag}", f"bench-naief-{tag}"
    store.bulk_upsert(
        wijken=[
            WijkIn(slug=wijk, name="Bench", gemeente="Bench"),
            WijkIn(slug=naive_wijk, name="Bench naief", gemeente="Bench"),
        ],
        by="bench",
    )
    actors, links = make_csv(wijk, n_actors, n_links)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"(load average {load:.1f} on {os.cpu_count()} cores)")
    print(
        f"{backend}: {n_actors} actors + {n_links} links "
        f"({(len(actors) + len(links)) / 2**20:.1f} MB CSV)"
    )
    bulk = bulk_import(store, [("actoren.csv", actors), ("samenwerkingen.csv", links)])
    naive = naive_import(store, naive_wijk, n_actors, n_links)
    verdict = "OK" if bulk < TARGETS[backend] else "TOO SLOW"
    print(
        f"    {backend}: bulk {bulk:.1f} s (target < {TARGETS[backend]:.0f} s: {verdict}), "
        f"naive {naive:.0f} s, ratio naive/bulk = {naive / bulk:.0f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=20_000)
    parser.add_argument("--links", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        try:
            run("sqlite", store, args.actors, args.links)
        finally:
            store.close()
    url = os.environ.get("WIJKNET_BENCH_NEO4J_URL")
    if url:
        store = open_store(url)
        try:
            run("neo4j", store, args.actors, args.links)
        finally:
            store.close()
    else:
        print("neo4j: skipped (set WIJKNET_BENCH_NEO4J_URL=bolt://user:password@host:7687)")


if __name__ == "__main__":
    main()
