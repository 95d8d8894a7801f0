"""Weak spots of a network: which actors a cut point or a bridge would leave on their own.

One depth-first search (Hopcroft-Tarjan, iterative) finds every cut point (an actor whose
loss splits its part) and every bridge (a link whose loss does), and the members of each
side: a child's subtree is a run of the search's visiting order. What is "cut off" is all
but the largest of the parts that remain, as in the analysis' texts.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

__all__ = ["CUT_OFF_LISTED", "weak_spots"]

CUT_OFF_LISTED = 500
"""At most this many cut-off actors are listed per weak spot."""


def weak_spots(
    nodes: Sequence[str], edges: Sequence[tuple[str, str]]
) -> tuple[dict[str, list[str]], dict[tuple[str, str], list[str]]]:
    """Cut points and bridges with the actors each would cut off.

    Returns ``(cut_points, bridges)``: actor id -> cut-off actor ids, and (a, b) with
    a < b -> the actor ids on the smaller side of that link.

    >>> cuts, bridges = weak_spots(["a", "b", "c", "d"], [("a", "b"), ("b", "c"), ("c", "d")])
    >>> cuts
    {'b': ['a'], 'c': ['d']}
    >>> bridges[("a", "b")], bridges[("c", "d")]
    (['a'], ['d'])
    """
    index = {n: i for i, n in enumerate(nodes)}
    adj: list[set[int]] = [set() for _ in nodes]
    for a, b in edges:
        i, j = index.get(a), index.get(b)
        if i is not None and j is not None and i != j:
            adj[i].add(j)
            adj[j].add(i)
    neighbours = [sorted(s) for s in adj]
    n = len(nodes)
    pre = [-1] * n
    low = [0] * n
    size = [1] * n
    order: list[int] = []
    separating: dict[int, list[int]] = {}
    bridge_children: list[tuple[int, int]] = []
    component_range: list[tuple[int, int]] = [(0, 0)] * n
    for root in range(n):
        if pre[root] != -1:
            continue
        start = len(order)
        pre[root] = low[root] = len(order)
        order.append(root)
        parent = {root: -1}
        stack: list[tuple[int, Iterator[int]]] = [(root, iter(neighbours[root]))]
        while stack:
            v, it = stack[-1]
            for w in it:
                if pre[w] == -1:
                    parent[w] = v
                    pre[w] = low[w] = len(order)
                    order.append(w)
                    stack.append((w, iter(neighbours[w])))
                    break
                if w != parent[v]:
                    low[v] = min(low[v], pre[w])
            else:
                stack.pop()
                if stack:
                    u = stack[-1][0]
                    low[u] = min(low[u], low[v])
                    size[u] += size[v]
                    if low[v] >= pre[u]:
                        separating.setdefault(u, []).append(v)
                    if low[v] > pre[u]:
                        bridge_children.append((u, v))
        for v in order[start:]:
            component_range[v] = (start, len(order))

    def subtree(v: int) -> list[int]:
        return order[pre[v] : pre[v] + size[v]]

    def rest(v: int, without: set[int]) -> list[int]:
        lo, hi = component_range[v]
        return [w for w in order[lo:hi] if w not in without]

    cuts: dict[str, list[str]] = {}
    for u, children in separating.items():
        is_root = component_range[u][0] == pre[u]
        if is_root and len(children) < 2:
            continue
        parts = [subtree(c) for c in children]
        if not is_root:
            inside = {u}.union(*map(set, parts))
            parts.append(rest(u, inside))
        parts.sort(key=len, reverse=True)
        cut_off = sorted(nodes[w] for part in parts[1:] for w in part)
        cuts[nodes[u]] = cut_off[:CUT_OFF_LISTED]
    bridges: dict[tuple[str, str], list[str]] = {}
    for u, v in bridge_children:
        lo, hi = component_range[u]
        side = subtree(v)
        if 2 * len(side) > hi - lo:
            side = rest(v, set(side))
        key = (min(nodes[u], nodes[v]), max(nodes[u], nodes[v]))
        bridges[key] = sorted(nodes[w] for w in side)[:CUT_OFF_LISTED]
    return dict(sorted(cuts.items())), dict(sorted(bridges.items()))
