"""Benchmark: building the first view of a wijk map, against igraph's layout alone.

    .venv/bin/python bench/map.py

For a demo-sized wijk and for synthetic wijken of 500 and 2,000 actors (the largest drawn
actor by actor) it times, in the same run and on the same graph:

- **wijknet map**: ``visual.map.build_map``: the structured layout (groups as clusters,
  the area of actors standing apart), the label placement of the first view, the weak
  spots and the pyvis network data;
- **igraph FR**: igraph's Fruchterman-Reingold layout of the same graph alone, the bare
  minimum any server-side layout costs;

and prints the ratio, the labels shown at the first view and a check that none overlap.
The map is built once per version of a wijk and then served from the cache.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import igraph as ig

from graph.analysis import analyse, build_graph
from graph.demo import generate, generate_wijk
from graph.model import Actor, Link, Snapshot, Wijk, utcnow
from visual.labels import overlaps
from visual.map import build_map


def _snapshot(slug: str, n: int | None) -> Snapshot:
    data = generate() if n is None else generate_wijk(slug, n, seed=11)
    now = utcnow()
    stamp = {"version": 1, "created_at": now, "updated_at": now}
    wijk = next(w for w in data.wijken if w.slug == slug)
    actors = [
        Actor.model_validate({**a.model_dump(), **stamp}) for a in data.actors if slug in a.wijken
    ]
    ids = {a.id for a in actors}
    links = [
        Link.model_validate({**lk.model_dump(), **stamp})
        for lk in data.links
        if lk.source in ids and lk.target in ids
    ]
    return Snapshot(
        wijk=Wijk.model_validate({**wijk.model_dump(), **stamp}),
        as_of=now.date(),
        actors=actors,
        links=links,
        change_counter=1,
    )


def _ours(
    into: dict[str, Any],
    snap: Snapshot,
    groups: dict[str, int],
    betweenness: dict[str, float],
) -> None:
    into.update(build_map(snap, groups=groups, measures={"betweenness": betweenness}))


def _fr(n: int, edges: list[tuple[int, int]]) -> None:
    graph = ig.Graph(n=n, edges=edges)
    ig.set_random_number_generator(random.Random(1))
    try:
        graph.layout_fruchterman_reingold(niter=500, grid=n > 300)
    finally:
        ig.set_random_number_generator(random)


def _best(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times) if repeat < 3 else statistics.median(times)


def main() -> None:
    print(
        f"{'wijk':>14} {'actors':>7} {'links':>6} {'wijknet map':>12} {'igraph FR':>10}"
        f" {'ratio':>6} {'labels':>7} {'overlaps':>8}"
    )
    for slug, n, repeat in (("daalhof", None, 5), ("bench-500", 500, 3), ("bench-2000", 2000, 2)):
        snap = _snapshot(slug, n)
        analysis = analyse(build_graph(snap))
        groups = {p.id: p.community for p in analysis.profiles if p.community is not None}
        betweenness = {p.id: p.betweenness for p in analysis.profiles}
        index = {a.id: i for i, a in enumerate(snap.actors)}
        edges = sorted({(index[lk.source], index[lk.target]) for lk in snap.links})

        built: dict[str, Any] = {}
        ours_s = _best(partial(_ours, built, snap, groups, betweenness), repeat)
        fr_s = _best(partial(_fr, len(index), edges), repeat)
        shown = [nd["label_box"] for nd in built["nodes"] if nd["label_shown"]]
        crossing = sum(overlaps(a, b) for i, a in enumerate(shown) for b in shown[i + 1 :])
        print(
            f"{slug:>14} {len(snap.actors):>7} {len(snap.links):>6} {ours_s * 1000:>10.0f}ms"
            f" {fr_s * 1000:>8.0f}ms {ours_s / fr_s:>6.2f} {len(shown):>7} {crossing:>8}"
        )


if __name__ == "__main__":
    main()
