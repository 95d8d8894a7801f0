"""Who should meet ("wie moet wie ontmoeten"): ranked introductions with their reasons.

Every pair of actors that is not linked yet gets points for each reason that applies, with
weights from ``SuggestionWeights`` (the programme's defaults below):

==================  ==========================================================  =======
reason (``code``)   when                                                        points
==================  ==========================================================  =======
``zorg_sociaal``    one is in the zorgdomein, the other in the sociaal domein   3.0
``domeinen``        other different domains                                     1.0
``thema``           per shared theme (at most 3)                                0.75
``partners``        common partners: Adamic-Adar index x 1.0, at most           2.5
``fragmenten``      they are in different components                            2.0
``groepen``         same component, different Louvain communities               1.0
``kernaanpak_gat``  their tie fills an unmet kernaanpak requirement             2.5
``kernaanpak``      their tie adds to a kernaanpak requirement already met      1.0
==================  ==========================================================  =======

A pair needs common ground (a shared theme, a common partner or a kernaanpak fit) to be
suggested at all; the score is the sum of the points, each rounded to 0.01. Pairs are
ranked by score, then by their ids, so the list is the same in every run. Pairs that are
linked already, pairs of an actor with itself and the ``exclude`` pairs (marked as
"besproken" or "niet relevant") are never suggested. No actor appears in more than
``max_per_actor`` suggestions, so the top 10 spreads over the wijk.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias

import networkx as nx
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from pydantic import BaseModel, ConfigDict, Field

from graph.analysis import fast
from graph.analysis.fast import BoolArray, IntArray
from graph.analysis.kernaanpak import RequirementState, RuleSet
from graph.analysis.prepare import DEFAULT_SEED, Prepared, prepare
from graph.analysis.results import Reason, Suggestion
from graph.analysis.wording import domain_label, names
from graph.model import Domain, Theme, label

__all__ = ["SuggestionWeights", "suggest"]

_COMPONENTS = ("domain", "theme", "partners", "fragments", "groups", "kernaanpak")
_BLOCK_CELLS = 2_000_000
_MARGIN = 0.05  # more than the rounding of six points to 0.01 can move a score

Float32Array: TypeAlias = npt.NDArray[np.float32]
"""The single-precision arrays of the approximate scores (see ``_block_scores``)."""


class SuggestionWeights(BaseModel):
    """Points per reason. Crossing zorg-sociaal is the strongest single reason by default."""

    model_config = ConfigDict(extra="forbid")

    zorg_sociaal: float = Field(3.0, ge=0, description="Zorg meets sociaal domein")
    other_domains: float = Field(1.0, ge=0, description="Any other two different domains")
    shared_theme: float = Field(0.75, ge=0, description="Per shared theme")
    max_themes: int = Field(3, ge=0, description="Shared themes counted at most")
    adamic_adar: float = Field(1.0, ge=0, description="Times the Adamic-Adar index")
    max_adamic_adar: float = Field(2.5, ge=0, description="Cap on the points for partners")
    join_fragments: float = Field(2.0, ge=0, description="They are in different components")
    join_groups: float = Field(1.0, ge=0, description="Same component, different community")
    kernaanpak_gap: float = Field(2.5, ge=0, description="Fills an unmet requirement")
    kernaanpak_fit: float = Field(1.0, ge=0, description="Adds to a requirement already met")
    require_common_ground: bool = Field(
        True, description="Only pairs with a shared theme, partner or kernaanpak fit"
    )
    max_per_actor: int = Field(3, ge=1, description="Suggestions per actor at most")


@dataclass(frozen=True)
class _Candidate:
    i: int
    j: int
    score: float
    points: tuple[float, ...]
    requirement: int


def suggest(
    G: nx.Graph[Hashable],
    *,
    prepared: Prepared | None = None,
    weights: SuggestionWeights | None = None,
    limit: int = 10,
    exclude: Iterable[tuple[Hashable, Hashable]] = (),
    rules: RuleSet | None = None,
    seed: int = DEFAULT_SEED,
) -> list[Suggestion]:
    """The ``limit`` best introductions in the graph of one wijk, best first.

    Every pair is scored at once with array operations to find the most promising ones;
    those are then scored exactly, one by one, and explained (see the module docstring).
    """
    w = weights or SuggestionWeights()
    p = prepared or prepare(G, rules=rules, seed=seed)
    if p.ix.n < 2 or limit < 1:
        return []
    links = [s for s in p.states if s.with_ is not None]
    blocked = _blocked(p.ix, exclude)
    pool = max(200, 20 * limit)
    while True:
        shortlist, complete = _shortlist(p, w, links, blocked, pool)
        chosen, exhausted = _choose(p, w, links, shortlist, limit)
        if len(chosen) >= limit or (complete and exhausted):
            break
        pool *= 4
    return [_explain(p, links, c) for c in chosen]


def _choose(
    p: Prepared,
    w: SuggestionWeights,
    links: list[RequirementState],
    shortlist: list[tuple[float, int, int]],
    limit: int,
) -> tuple[list[_Candidate], bool]:
    """Score the shortlist exactly, best approximate score first, until no pair left can
    still enter the top ``limit``; then spread over the actors. ``exhausted`` when every
    pair of the shortlist was looked at."""
    scored: list[_Candidate] = []
    chosen: list[_Candidate] = []
    for approx, i, j in shortlist:
        if len(chosen) >= limit and approx < chosen[-1].score - _MARGIN:
            return chosen, False
        candidate = _exact(p, w, links, i, j)
        if candidate is not None:
            bisect.insort(scored, candidate, key=lambda c: (-c.score, c.i, c.j))
            chosen = _spread(scored, limit, w.max_per_actor)
    return chosen, True


def _blocked(ix: fast.Indexed, exclude: Iterable[tuple[Hashable, Hashable]]) -> sp.csr_array:
    """Pairs never to suggest: linked already, or decided on (``exclude``)."""
    rows, cols = [], []
    for u, v in exclude:
        if u in ix.index and v in ix.index:
            rows += [ix.index[u], ix.index[v]]
            cols += [ix.index[v], ix.index[u]]
    data = np.ones(len(rows))
    blocked: sp.csr_array = sp.csr_array((data, (rows, cols)), shape=(ix.n, ix.n)) + ix.adj
    return blocked


def _type_tables(
    p: Prepared, w: SuggestionWeights, links: list[RequirementState]
) -> tuple[IntArray, Float32Array, BoolArray]:
    """Domain and kernaanpak points depend only on each actor's domain and on which side
    of each requirement it stands: one code per such type, and a table of points (all
    reasons but kernaanpak; kernaanpak) per pair of types."""
    domains = np.array(p.domains())
    columns = [domains == "zorg", domains == "sociaal", np.unique(domains, return_inverse=True)[1]]
    for state in links:
        columns += [state.who, state.with_]
    columns.append(domains == Domain.ONBEKEND.value)
    codes, kind = np.unique(np.stack(columns, axis=1).astype(np.int64), axis=0, return_inverse=True)
    z, s, d = codes[:, 0] == 1, codes[:, 1] == 1, codes[:, 2]
    known = codes[:, -1] == 0  # an actor whose domain is not known yet crosses no domain
    zs = (z[:, None] & s[None, :]) | (s[:, None] & z[None, :])
    other = (d[:, None] != d[None, :]) & known[:, None] & known[None, :]
    domain = np.where(zs, w.zorg_sociaal, np.where(other, w.other_domains, 0))
    kern = np.zeros_like(domain)
    for r, state in enumerate(links):
        who, other = codes[:, 3 + 2 * r] == 1, codes[:, 4 + 2 * r] == 1
        fits = (who[:, None] & other[None, :]) | (other[:, None] & who[None, :])
        kern = np.maximum(
            kern, np.where(fits, w.kernaanpak_fit if state.met else w.kernaanpak_gap, 0.0)
        )
    return kind.ravel(), (domain + kern).astype(np.float32), kern > 0


def _shortlist(
    p: Prepared,
    w: SuggestionWeights,
    links: list[RequirementState],
    blocked: sp.csr_array,
    pool: int,
) -> tuple[list[tuple[float, int, int]], bool]:
    """Approximate scores of the best pairs, best first: the ``pool`` best and every pair
    within ``_MARGIN`` of the last of them (rounding to 0.01 cannot move a pair further).
    ``complete`` when that is every pair that qualifies."""
    n = p.ix.n
    kind, total_table, kern_table = _type_tables(p, w, links)
    themes = _theme_matrix(p)
    scores, firsts, seconds = np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    complete = True
    step = max(1, _BLOCK_CELLS // n)
    for r0 in range(0, n - 1, step):
        rows, cols = np.arange(r0, min(n - 1, r0 + step)), np.arange(r0 + 1, n)
        block = _block_scores(p, w, kind, total_table, kern_table, themes, blocked, rows, cols)
        ri, cj = np.nonzero(block > 0)
        scores = np.concatenate([scores, block[ri, cj]])
        firsts = np.concatenate([firsts, rows[ri]])
        seconds = np.concatenate([seconds, cols[cj]])
        if len(scores) > pool:
            cut = np.partition(scores, len(scores) - pool)[len(scores) - pool] - _MARGIN
            keep = scores >= cut
            complete = complete and bool(keep.all())
            scores, firsts, seconds = scores[keep], firsts[keep], seconds[keep]
    order = np.lexsort((seconds, firsts, -scores))
    shortlist = zip(
        scores[order].tolist(), firsts[order].tolist(), seconds[order].tolist(), strict=True
    )
    return list(shortlist), complete


def _block_scores(
    p: Prepared,
    w: SuggestionWeights,
    kind: IntArray,
    total_table: Float32Array,
    kern_table: BoolArray,
    themes: Float32Array,
    blocked: sp.csr_array,
    rows: IntArray,
    cols: IntArray,
) -> Float32Array:
    """Approximate score of each pair (rows x cols); 0 where the pair does not qualify.

    Single precision and in-place operations: this runs over every pair of actors.
    """
    kr, kc = kind[rows][:, None], kind[cols][None, :]
    total = total_table[kr, kc]
    ground = kern_table[kr, kc]
    shared = themes[rows] @ themes[cols].T
    ground |= shared > 0
    np.minimum(shared, w.max_themes, out=shared)
    shared *= w.shared_theme
    total += shared
    aa = fast.adamic_adar_rows(p.ix, rows)[:, cols].tocoo()
    total[aa.row, aa.col] += np.minimum(w.adamic_adar * aa.data, w.max_adamic_adar)
    ground[aa.row, aa.col] = True
    # communities lie within components: apart in components means apart in groups too
    total += (p.community[rows][:, None] != p.community[cols][None, :]) * np.float32(w.join_groups)
    total += (p.component[rows][:, None] != p.component[cols][None, :]) * np.float32(
        w.join_fragments - w.join_groups
    )
    if w.require_common_ground:
        total[~ground] = 0.0
    off = blocked[rows][:, cols].tocoo()
    total[off.row, off.col] = 0.0
    total[cols[None, :] <= rows[:, None]] = 0.0
    return total


def _theme_matrix(p: Prepared) -> Float32Array:
    attrs = [p.refs.attrs(i) for i in range(p.ix.n)]
    themes = sorted({t for a in attrs for t in a.get("themes", ())})
    col = {t: c for c, t in enumerate(themes)}
    T = np.zeros((p.ix.n, max(1, len(themes))), dtype=np.float32)
    for i, a in enumerate(attrs):
        for t in a.get("themes", ()):
            T[i, col[t]] = 1.0
    return T


def _exact(
    p: Prepared, w: SuggestionWeights, links: list[RequirementState], i: int, j: int
) -> _Candidate | None:
    """The points of each reason for the pair ``(i, j)``, in ``_COMPONENTS`` order, or
    None when the pair does not qualify."""
    G, u, v = p.graph, p.ix.nodes[i], p.ix.nodes[j]
    a, b = G.nodes[u], G.nodes[v]
    if {a.get("domain"), b.get("domain")} == {"zorg", "sociaal"}:
        domain = w.zorg_sociaal
    else:
        pair = (a.get("domain"), b.get("domain"))
        crosses = pair[0] != pair[1] and Domain.ONBEKEND.value not in pair
        domain = w.other_domains if crosses else 0.0
    shared = len(set(a.get("themes", ())) & set(b.get("themes", ())))
    theme = w.shared_theme * min(shared, w.max_themes)
    aa = sum(1 / math.log(G.degree(z)) for z in set(G[u]) & set(G[v]))
    partners = min(w.adamic_adar * aa, w.max_adamic_adar)
    apart = p.component[i] != p.component[j]
    fragments = w.join_fragments if apart else 0.0
    groups = w.join_groups if not apart and p.community[i] != p.community[j] else 0.0
    kern, requirement = 0.0, -1
    for r, state in enumerate(links):
        pts = w.kernaanpak_fit if state.met else w.kernaanpak_gap
        if state.pair_fits(i, j) and pts > kern:
            kern, requirement = pts, r
    points = tuple(round(x, 2) for x in (domain, theme, partners, fragments, groups, kern))
    if w.require_common_ground and not (points[1] > 0 or aa > 0 or points[5] > 0):
        return None
    score = round(sum(points), 2)
    if score <= 0:
        return None
    return _Candidate(i, j, score, points, requirement)


def _spread(candidates: list[_Candidate], limit: int, per_actor: int) -> list[_Candidate]:
    chosen: list[_Candidate] = []
    seen: dict[int, int] = {}
    for c in candidates:
        if seen.get(c.i, 0) >= per_actor or seen.get(c.j, 0) >= per_actor:
            continue
        chosen.append(c)
        seen[c.i] = seen.get(c.i, 0) + 1
        seen[c.j] = seen.get(c.j, 0) + 1
        if len(chosen) == limit:
            break
    return chosen


def _explain(p: Prepared, links: list[RequirementState], c: _Candidate) -> Suggestion:
    G, nodes, refs = p.graph, p.ix.nodes, p.refs
    u, v = nodes[c.i], nodes[c.j]
    a, b = G.nodes[u], G.nodes[v]
    common = sorted(set(G[u]) & set(G[v]), key=lambda z: p.ix.index[z])
    reasons = []
    for code, pts in zip(_COMPONENTS, c.points, strict=True):
        if pts > 0:
            reasons.append(_reason(p, links, c, code, pts, a, b, common))
    introducer = _introducer(p, u, v, common)
    left, right = refs.display(c.i), refs.display(c.j)
    if introducer is not None:
        action = (
            f"Vraag {refs.display(p.ix.index[introducer])} om {left} en {right} "
            "aan elkaar voor te stellen."
        )
    else:
        action = f"Breng {left} en {right} met elkaar in contact, bijvoorbeeld in het wijkoverleg."
    return Suggestion(
        a=refs(c.i),
        b=refs(c.j),
        score=c.score,
        reasons=reasons,
        introducer=refs(p.ix.index[introducer]) if introducer is not None else None,
        action=action,
    )


def _reason(
    p: Prepared,
    links: list[RequirementState],
    c: _Candidate,
    code: str,
    pts: float,
    a: dict[str, Any],
    b: dict[str, Any],
    common: list[Hashable],
) -> Reason:
    if code == "domain":
        if {a["domain"], b["domain"]} == {"zorg", "sociaal"}:
            return Reason(
                code="zorg_sociaal",
                points=pts,
                text=(
                    "Verbindt het zorgdomein en het sociaal domein: domeinoverstijgend samenwerken "
                    "is waar PlusWIJken om draait."
                ),
            )
        return Reason(
            code="domeinen",
            points=pts,
            text=(
                f"Verbindt twee domeinen: {domain_label(a['domain'])} en "
                f"{domain_label(b['domain'])}."
            ),
        )
    if code == "theme":
        shared = sorted(set(a.get("themes", ())) & set(b.get("themes", ())))
        labels = [_theme(t) for t in shared]
        return Reason(code="thema", points=pts, text=f"Werken allebei aan {names(labels, 5)}.")
    if code == "partners":
        who = [p.refs.display(p.ix.index[z]) for z in common]
        word = "partner" if len(who) == 1 else "partners"
        return Reason(
            code="partners",
            points=pts,
            text=(
                f"Hebben {len(who)} gezamenlijke {word} ({names(who)}): ze zitten dicht bij "
                "elkaar in het netwerk, een kennismaking ligt voor de hand."
            ),
        )
    if code == "fragments":
        sa = int(p.component_sizes[p.component[c.i]])
        sb = int(p.component_sizes[p.component[c.j]])
        return Reason(
            code="fragmenten",
            points=pts,
            text=(
                f"Verbindt twee delen van het netwerk die nu los van elkaar staan ({sa} en {sb} "
                f"{'actor' if sa == sb == 1 else 'actoren'})."
            ),
        )
    if code == "groups":
        ga, gb = int(p.community[c.i]) + 1, int(p.community[c.j]) + 1
        return Reason(
            code="groepen",
            points=pts,
            text=(
                f"Verbindt twee groepen die nu weinig contact hebben (groep {ga} en groep {gb})."
            ),
        )
    state = links[c.requirement]
    name, what = state.rule.label, state.requirement.omschrijving
    if state.met:
        return Reason(code="kernaanpak", points=pts, text=f"Versterkt {name}: {what}.")
    return Reason(
        code="kernaanpak_gat",
        points=pts,
        text=f"Vult een gat in {name}: {what} ontbreekt nog in deze wijk.",
    )


def _theme(value: str) -> str:
    try:
        return label(Theme(value)).lower()
    except ValueError:
        return value


def _introducer(p: Prepared, u: Hashable, v: Hashable, common: list[Hashable]) -> Hashable | None:
    """The shared partner with the strongest ties to both (then by name, then id)."""
    if not common:
        return None
    G = p.graph

    def key(z: Hashable) -> tuple[int, int, str, int]:
        iu, iv = G.edges[u, z].get("intensity", 1), G.edges[v, z].get("intensity", 1)
        return (-min(iu, iv), -(iu + iv), str(G.nodes[z].get("name", z)), p.ix.index[z])

    return min(common, key=key)
