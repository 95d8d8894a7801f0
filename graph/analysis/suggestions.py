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

The first reason of a ranked suggestion opens it and names both actors. It is the first
of these that applies (``_lead``), so that a list does not open ten times with the same
sentence: two or more common partners; two or more shared themes; a kernaanpak gap; one
common partner; one shared theme; zorg meets sociaal; a kernaanpak requirement already met;
other domains; fragments; groups. The other reasons follow in the table's order.

Bridging (``kind="brug"``). The ranked pairs rarely reach an isolated actor or a loose
part of the network, so after them come, for every isolated actor and every part outside
the largest one (largest parts first, isolated actors last), one suggestion into the
largest part (two for a part of several actors: the second joins another member to
another actor). Each pair (member of the part, actor of the largest part) gets points:

===================  =============================================================  ======
reason (``code``)    when                                                           points
===================  =============================================================  ======
``brug_thema``       per shared theme (at most 3)                                   1.0
``brug_kernaanpak``  per kernaanpak both take part in (at most 2)                   1.0
``brug_domein``      the same domain (a known one)                                  1.0
``brug_kent``        the actor already works with an actor of the member's role     1.0
``brug_rol``         the actor is a wijkmakelaar, welzijnscoach or buurthuis        1.0
``brug_bereik``      per domain among the actor's contacts beyond the first (max 1)  0.25
===================  =============================================================  ======

The first four are common ground: the pair with the most points among those with common
ground is chosen; actors already in ``max_per_actor`` suggestions come last; ties go by
the name, then the id, of the actor of the largest part, then of the member. The opening
reason is the strongest common ground ("Buurthuis De Schakel heeft nog met niemand
contact; Jos Houben (wijkmakelaar) werkt ook aan eenzaamheid."). When no pair has common
ground, the part's best-connected member meets the wijkmakelaar of the largest part
(the best connected of them), or, without one, the best-connected actor of the largest
part; the reason ``brug_start`` (0 points) says so. Pairs linked already, ``exclude``
pairs and an actor with itself are never chosen; a pair already among the ranked
suggestions is not repeated (the part is reached by that one). A network in which nobody
has a tie yet has no largest part to join, and gets no bridging suggestions.
"""

from __future__ import annotations

import bisect
import math
import weakref
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

import networkx as nx
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from pydantic import BaseModel, ConfigDict, Field

from graph.analysis import fast, wording
from graph.analysis.fast import BoolArray, IntArray
from graph.analysis.findings import community_centers
from graph.analysis.kernaanpak import RequirementState, RuleSet
from graph.analysis.prepare import DEFAULT_SEED, Prepared, prepare
from graph.analysis.results import Reason, Suggestion
from graph.analysis.wording import domain_label, kernaanpak_label, names, role_label, theme_label
from graph.model import Domain, Role

__all__ = ["SuggestionWeights", "suggest"]

_COMPONENTS = ("domain", "theme", "partners", "fragments", "groups", "kernaanpak")
_BLOCK_CELLS = 2_000_000
_MARGIN = 0.05  # more than the rounding of six points to 0.01 can move a score

T = TypeVar("T")
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
    """The ``limit`` best introductions in the graph of one wijk, best first, followed by
    the bridging ones (``kind="brug"``): every isolated actor and every loose part gets a
    suggestion into the largest part (see the module docstring).

    Every pair is scored at once with array operations to find the most promising ones;
    those are then scored exactly, one by one, and explained.
    """
    w = weights or SuggestionWeights()
    p = prepared or prepare(G, rules=rules, seed=seed)
    if p.ix.n < 2:
        return []
    exclude = list(exclude)
    links = [s for s in p.states if s.with_ is not None]
    chosen: list[_Candidate] = []
    if limit >= 1:
        blocked = _blocked(p.ix, exclude)
        pool = max(200, 20 * limit)
        while True:
            shortlist, complete = _shortlist(p, w, links, blocked, pool)
            chosen, exhausted = _choose(p, w, links, shortlist, limit)
            if len(chosen) >= limit or (complete and exhausted):
                break
            pool *= 4
    ranked = [_explain(p, links, c) for c in chosen]
    decided: dict[int, set[int]] = {}
    for u, v in exclude:
        if u in p.ix.index and v in p.ix.index and u != v:
            i, j = p.ix.index[u], p.ix.index[v]
            decided.setdefault(i, set()).add(j)
            decided.setdefault(j, set()).add(i)
    return ranked + _bridges(p, w, decided, chosen)


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
    """Actors x themes: 1 where an actor works on a theme."""
    return _memo(p, "themes", lambda: _make_theme_matrix(p))


def _make_theme_matrix(p: Prepared) -> Float32Array:
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
    left, right = refs.display(c.i), refs.display(c.j)
    present = [code for code, pts in zip(_COMPONENTS, c.points, strict=True) if pts > 0]
    lead = _lead(present, links, c, a, b, len(common))
    order = [lead, *(code for code in present if code != lead)] if lead else present
    reasons = [
        _reason(
            p,
            links,
            c,
            code,
            c.points[_COMPONENTS.index(code)],
            a,
            b,
            common,
            (left, right) if code == lead else None,
        )
        for code in order
    ]
    introducer = _introducer(p, u, v, common)
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


def _lead(
    present: list[str],
    links: list[RequirementState],
    c: _Candidate,
    a: dict[str, Any],
    b: dict[str, Any],
    partners: int,
) -> str | None:
    """The reason that opens a suggestion and names the pair: what is most particular to
    them (the order is in the module docstring), so a list does not open with one sentence."""
    shared = len(set(a.get("themes", ())) & set(b.get("themes", ())))
    gap = "kernaanpak" in present and not links[c.requirement].met
    zorg_sociaal = {a.get("domain"), b.get("domain")} == {"zorg", "sociaal"}
    order = [
        ("partners", partners >= 2),
        ("theme", shared >= 2),
        ("kernaanpak", gap),
        ("partners", True),
        ("theme", True),
        ("domain", zorg_sociaal),
        ("kernaanpak", True),
        ("domain", True),
        ("fragments", True),
        ("groups", True),
    ]
    return next((code for code, applies in order if applies and code in present), None)


def _reason(
    p: Prepared,
    links: list[RequirementState],
    c: _Candidate,
    code: str,
    pts: float,
    a: dict[str, Any],
    b: dict[str, Any],
    common: list[Hashable],
    pair: tuple[str, str] | None,
) -> Reason:
    if code == "domain":
        if {a["domain"], b["domain"]} == {"zorg", "sociaal"}:
            return Reason(code="zorg_sociaal", points=pts, text=wording.zorg_sociaal_reason(pair))
        text = wording.domains_reason(a["domain"], b["domain"], pair)
        return Reason(code="domeinen", points=pts, text=text)
    if code == "theme":
        shared = sorted(set(a.get("themes", ())) & set(b.get("themes", ())))
        text = wording.themes_reason([theme_label(t) for t in shared], pair)
        return Reason(code="thema", points=pts, text=text)
    if code == "partners":
        who = [p.refs.display(p.ix.index[z]) for z in common]
        return Reason(code="partners", points=pts, text=wording.partners_reason(who, pair))
    if code == "fragments":
        sizes = (
            int(p.component_sizes[p.component[c.i]]),
            int(p.component_sizes[p.component[c.j]]),
        )
        return Reason(code="fragmenten", points=pts, text=wording.fragments_reason(sizes, pair))
    if code == "groups":
        centers = _centers(p)
        ga = p.refs.display(centers[int(p.community[c.i])])
        gb = p.refs.display(centers[int(p.community[c.j])])
        return Reason(code="groepen", points=pts, text=wording.groups_reason(ga, gb, pair))
    state = links[c.requirement]
    name, what = state.rule.label, state.requirement.omschrijving
    text = wording.kernaanpak_reason(name, what, state.met, pair)
    return Reason(code="kernaanpak" if state.met else "kernaanpak_gat", points=pts, text=text)


_MEMO: weakref.WeakKeyDictionary[Prepared, dict[str, Any]] = weakref.WeakKeyDictionary()


def _memo(p: Prepared, key: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per prepared graph (the ranking and the bridging share them)."""
    memo = _MEMO.setdefault(p, {})
    if key not in memo:
        memo[key] = compute()
    value: T = memo[key]
    return value


def _centers(p: Prepared) -> dict[int, int]:
    """``findings.community_centers``: the member each group is named after."""
    return _memo(p, "centers", lambda: community_centers(p))


def _introducer(p: Prepared, u: Hashable, v: Hashable, common: list[Hashable]) -> Hashable | None:
    """The shared partner with the strongest ties to both (then by name, then id)."""
    if not common:
        return None
    G = p.graph

    def key(z: Hashable) -> tuple[int, int, str, int]:
        iu, iv = G.edges[u, z].get("intensity", 1), G.edges[v, z].get("intensity", 1)
        return (-min(iu, iv), -(iu + iv), str(G.nodes[z].get("name", z)), p.ix.index[z])

    return min(common, key=key)


# Bridging: every isolated actor and every loose part of the network gets a suggestion
# into the largest part (see the module docstring).

ENTRY_ROLES = (Role.WIJKMAKELAAR.value, Role.WELZIJNSCOACH.value, Role.BUURTHUIS.value)
"""Roles that are a natural first contact for someone new to the network of a wijk."""

BRIDGE_POINTS = {
    "brug_thema": 1.0,  # per shared theme, at most BRIDGE_MAX_THEMES
    "brug_kernaanpak": 1.0,  # per kernaanpak both take part in, at most BRIDGE_MAX_KERNAANPAK
    "brug_domein": 1.0,  # the same domain (a known one)
    "brug_kent": 1.0,  # already works with an actor of the same role
    "brug_rol": 1.0,  # has one of the ENTRY_ROLES
    "brug_bereik": 0.25,  # per domain among its contacts beyond the first, at most 1.0
}
"""Points of a bridging pair per criterion; the first four are common ground (a fit)."""
BRIDGE_MAX_THEMES = 3
BRIDGE_MAX_KERNAANPAK = 2
BRIDGE_MAX_REACH = 1.0
_FITS = ("brug_thema", "brug_kernaanpak", "brug_domein", "brug_kent")


@dataclass(frozen=True)
class _BridgeTables:
    """What the bridging step reads of every actor, computed once per call."""

    main: IntArray
    """The actors of the largest part."""
    themes: Float32Array
    """Actors x themes (1 where an actor works on a theme)."""
    themes_main: Float32Array
    """Themes x actors of the largest part."""
    kern: Float32Array
    """Actors x kernaanpakken (1 where an actor takes part)."""
    kern_main: Float32Array
    domain: IntArray
    """Domain code per actor; -1 for a domain not known yet."""
    role: IntArray
    """Role code per actor; -1 for ``overig``."""
    similar_main: npt.NDArray[np.float64]
    """Per actor of the largest part: its contacts per role code."""
    fixed_main: npt.NDArray[np.float64]
    """Per actor of the largest part: points for its role and its reach."""
    entry: BoolArray
    makelaar: BoolArray
    reach: IntArray
    rank: IntArray
    """Position of each actor when sorted by name, then id (to break ties)."""


def _bridge_tables(p: Prepared) -> _BridgeTables:
    n, adj = p.ix.n, p.ix.adj
    attrs = [p.refs.attrs(i) for i in range(n)]
    domain = _codes([str(a.get("domain", "overig")) for a in attrs], Domain.ONBEKEND.value)
    roles = [str(a.get("role", Role.OVERIG.value)) for a in attrs]
    role = _codes(roles, Role.OVERIG.value)
    rows = np.arange(n)
    has_domain, has_role = domain >= 0, role >= 0
    D = sp.csr_array(
        (np.ones(int(has_domain.sum())), (rows[has_domain], domain[has_domain])),
        shape=(n, int(domain.max()) + 1 if has_domain.any() else 1),
    )
    R = sp.csr_array(
        (np.ones(int(has_role.sum())), (rows[has_role], role[has_role])),
        shape=(n, int(role.max()) + 1 if has_role.any() else 1),
    )
    reach = np.asarray(((adj @ D) > 0).sum(axis=1)).ravel().astype(np.int64)
    entry = np.array([r in ENTRY_ROLES for r in roles], dtype=bool)
    main = np.flatnonzero(p.component == 0)
    fixed = entry * BRIDGE_POINTS["brug_rol"] + np.minimum(
        np.maximum(reach - 1, 0) * BRIDGE_POINTS["brug_bereik"], BRIDGE_MAX_REACH
    )
    order = sorted(range(n), key=lambda i: (str(attrs[i].get("name", "")), str(p.ix.nodes[i])))
    themes, kern = _theme_matrix(p), _attr_matrix(attrs, "kernaanpakken")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    return _BridgeTables(
        main=main,
        themes=themes,
        themes_main=np.ascontiguousarray(themes[main].T),
        kern=kern,
        kern_main=np.ascontiguousarray(kern[main].T),
        domain=domain,
        role=role,
        similar_main=(adj[main] @ R).toarray(),
        fixed_main=fixed[main].astype(np.float64),
        entry=entry,
        makelaar=np.array([r == Role.WIJKMAKELAAR.value for r in roles], dtype=bool),
        reach=reach,
        rank=rank,
    )


def _codes(values: list[str], none: str) -> IntArray:
    """A code per distinct value (in sorted order); -1 for ``none``."""
    labels, codes = np.unique(np.array(values, dtype=object), return_inverse=True)
    codes = codes.ravel().astype(np.int64)
    if none in labels:
        at = int(np.flatnonzero(labels == none)[0])
        codes = np.where(codes == at, -1, codes)
    return codes


def _attr_matrix(attrs: list[dict[str, Any]], key: str) -> Float32Array:
    values = sorted({v for a in attrs for v in a.get(key, ())})
    col = {v: c for c, v in enumerate(values)}
    M = np.zeros((len(attrs), max(1, len(values))), dtype=np.float32)
    for i, a in enumerate(attrs):
        for v in a.get(key, ()):
            M[i, col[v]] = 1.0
    return M


def _bridges(
    p: Prepared, w: SuggestionWeights, decided: dict[int, set[int]], chosen: list[_Candidate]
) -> list[Suggestion]:
    """One suggestion per isolated actor and up to two per loose part, into the largest
    part, in the order of the parts (largest first). ``decided`` pairs are never chosen; a
    pair that is among the ranked suggestions (``chosen``) is not repeated."""
    sizes = p.component_sizes
    if len(sizes) < 2 or sizes[0] < 2:
        return []  # no largest part to join (one part, or nobody has a tie yet)
    t = _bridge_tables(p)
    position = np.full(p.ix.n, -1, dtype=np.int64)
    position[t.main] = np.arange(len(t.main))
    order = np.argsort(p.component, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)])
    ranked = {(c.i, c.j) for c in chosen}
    ends = np.array([x for c in chosen for x in (c.i, c.j)], dtype=np.int64)
    used = np.bincount(ends, minlength=p.ix.n)[t.main]  # suggestions per actor so far
    out: list[Suggestion] = []
    for comp in range(1, len(sizes)):
        part = order[starts[comp] : starts[comp + 1]]
        points, fit = _bridge_points(t, part)
        ok = np.ones_like(fit)
        for f, x in enumerate(part.tolist()):
            for y in decided.get(x, ()):
                if position[y] >= 0:
                    ok[f, position[y]] = False

        picks: list[tuple[int, int, wording.FirstContact | None]] = []
        first = _pick(points, fit & ok, used >= w.max_per_actor, t.rank[part], t.rank[t.main])
        decided_fits = first is None and bool(fit.any())  # those that fit were decided on
        if first is None:
            fallback = _fallback(p, t, part, ok)
            picks += [fallback] if fallback is not None else []
        else:
            picks.append((*first, None))
            if len(part) > 1:  # a second tie, of another member to another actor
                f, m = first
                ok[f, :], ok[:, m] = False, False
                used[m] += 1  # for the cap, undone below
                second = _pick(
                    points, fit & ok, used >= w.max_per_actor, t.rank[part], t.rank[t.main]
                )
                used[m] -= 1
                picks += [(*second, None)] if second is not None else []
        for f, m, flag in picks:
            x, y = int(part[f]), int(t.main[m])
            if (min(x, y), max(x, y)) in ranked:
                continue  # suggested already, among the ranked ones
            used[m] += 1
            out.append(_explain_bridge(p, t, part, f, m, fallback=flag, decided=decided_fits))
    return out


def _bridge_points(t: _BridgeTables, part: IntArray) -> tuple[npt.NDArray[np.float64], BoolArray]:
    """The points of every pair (member of ``part``, actor of the largest part), and
    whether they have common ground (a fit)."""
    themes = np.minimum(t.themes[part] @ t.themes_main, BRIDGE_MAX_THEMES)
    kern = np.minimum(t.kern[part] @ t.kern_main, BRIDGE_MAX_KERNAANPAK)
    dp = t.domain[part][:, None]
    domain = (dp == t.domain[t.main][None, :]) & (dp >= 0)
    rp = t.role[part]
    similar = (t.similar_main[:, np.maximum(rp, 0)].T > 0) & (rp >= 0)[:, None]
    fit = (themes > 0) | (kern > 0) | domain | similar
    points = (
        themes.astype(np.float64) * BRIDGE_POINTS["brug_thema"]
        + kern * BRIDGE_POINTS["brug_kernaanpak"]
        + domain * BRIDGE_POINTS["brug_domein"]
        + similar * BRIDGE_POINTS["brug_kent"]
        + t.fixed_main[None, :]
    )
    return points, fit


def _pick(
    points: npt.NDArray[np.float64],
    ok: BoolArray,
    capped: BoolArray,
    rank_part: IntArray,
    rank_main: IntArray,
) -> tuple[int, int] | None:
    """The best allowed pair: actors of the largest part already asked ``max_per_actor``
    times last, then the most points, then by name and id (of the largest part's actor,
    then of the member)."""
    for mask in (ok & ~capped[None, :], ok):
        if mask.any():
            best = points[mask].max()
            f, m = np.nonzero(mask & (points == best))
            k = int(np.lexsort((rank_part[f], rank_main[m]))[0])
            return int(f[k]), int(m[k])
    return None


def _fallback(
    p: Prepared, t: _BridgeTables, part: IntArray, ok: BoolArray
) -> tuple[int, int, wording.FirstContact] | None:
    """Nothing fits: the wijkmakelaar of the largest part (the best connected when there
    are several) meets the part's best-connected member; without a wijkmakelaar (or when
    its pairs were decided on), the best-connected actor of the largest part does."""
    degree = p.ix.degree
    by_degree = np.lexsort((t.rank[t.main], -degree[t.main])).tolist()
    makelaars = [m for m in by_degree if t.makelaar[t.main[m]]]
    members = np.lexsort((t.rank[part], -degree[part])).tolist()
    rest: wording.FirstContact = "besproken" if makelaars else "geen_wijkmakelaar"
    steps: list[tuple[list[int], wording.FirstContact]] = [
        (makelaars, "wijkmakelaar"),
        (by_degree, rest),
    ]
    for candidates, flag in steps:
        for m in candidates:
            for f in members:
                if ok[f, m]:
                    return f, m, flag
    return None


def _explain_bridge(
    p: Prepared,
    t: _BridgeTables,
    part: IntArray,
    f: int,
    m: int,
    *,
    fallback: wording.FirstContact | None = None,
    decided: bool = False,
) -> Suggestion:
    """The suggestion of a bridging pair; ``fallback`` when it comes from ``_fallback``
    (``decided`` when pairs that fit were decided on)."""
    refs = p.refs
    x, y = int(part[f]), int(t.main[m])
    who, other = refs.display(x), refs.display(y)
    facts = _bridge_facts(p, t, x, y)
    fits = [code for code in _FITS if code in facts]
    if fits and fallback is None:
        lead = max(fits, key=lambda code: facts[code][0])  # the first at equal points
        opening = wording.bridging_opening(who, len(part), other, lead, facts[lead][1])
        reasons = [Reason(code=lead, points=facts[lead][0], text=opening)]
    else:
        lead = ""
        text = wording.bridging_fallback_text(
            who, len(part), other, fallback or "wijkmakelaar", decided=decided
        )
        reasons = [Reason(code="brug_start", points=0.0, text=text)]
    reasons += [
        Reason(code=code, points=pts, text=wording.bridging_reason_text(code, fact, other))
        for code, (pts, fact) in facts.items()
        if code != lead
    ]
    a, b = sorted((x, y))
    return Suggestion(
        a=refs(a),
        b=refs(b),
        score=round(sum(r.points for r in reasons), 2),
        reasons=reasons,
        introducer=None,
        action=wording.bridging_action(who, len(part), other),
        kind="brug",
    )


def _bridge_facts(p: Prepared, t: _BridgeTables, x: int, y: int) -> dict[str, tuple[float, str]]:
    """The points and the fact of every bridging criterion that applies to the member
    ``x`` of a loose part and the actor ``y`` of the largest part, in ``BRIDGE_POINTS``
    order."""
    ax, ay = p.refs.attrs(x), p.refs.attrs(y)
    facts: dict[str, tuple[float, str]] = {}
    themes = sorted(set(ax.get("themes", ())) & set(ay.get("themes", ())))
    if themes:
        pts = BRIDGE_POINTS["brug_thema"] * min(len(themes), BRIDGE_MAX_THEMES)
        facts["brug_thema"] = (pts, names([theme_label(v) for v in themes], 5))
    kern = sorted(set(ax.get("kernaanpakken", ())) & set(ay.get("kernaanpakken", ())))
    if kern:
        pts = BRIDGE_POINTS["brug_kernaanpak"] * min(len(kern), BRIDGE_MAX_KERNAANPAK)
        facts["brug_kernaanpak"] = (pts, names([kernaanpak_label(v) for v in kern]))
    if t.domain[x] >= 0 and t.domain[x] == t.domain[y]:
        facts["brug_domein"] = (BRIDGE_POINTS["brug_domein"], domain_label(ax["domain"]))
    if t.role[x] >= 0:
        G, node = p.graph, p.ix.nodes[y]
        similar = sorted(
            (p.ix.index[z] for z in G[node] if G.nodes[z].get("role") == ax.get("role")),
            key=lambda i: int(t.rank[i]),
        )
        if similar:
            who = names([p.refs.display(i) for i in similar], 2)
            fact = f"{who} (ook {role_label(str(ax.get('role')))})"
            facts["brug_kent"] = (BRIDGE_POINTS["brug_kent"], fact)
    if t.entry[y]:
        facts["brug_rol"] = (BRIDGE_POINTS["brug_rol"], role_label(str(ay.get("role"))))
    reach = int(t.reach[y])
    if reach > 1:
        pts = min((reach - 1) * BRIDGE_POINTS["brug_bereik"], BRIDGE_MAX_REACH)
        facts["brug_bereik"] = (pts, str(reach))
    return facts
