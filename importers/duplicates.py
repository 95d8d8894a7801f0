"""Likely duplicate actors, and merging two actors into one.

``find_duplicates`` compares the normalised names of actors of the same kind within one
wijk ("Huisartsenpraktijk De Baandert" and "Huisartspraktijk de Baandert" score 0.95).
Names are only compared when they share the start of a word or their first or last letters
(blocking), so a wijk of thousands of actors takes a moment, not minutes.

``plan_merge(store, keep, drop)`` shows what merging ``drop`` into ``keep`` would do;
``merge_actors(store, keep, drop)`` does it with ``GraphStore.merge_actors``: one
transaction that moves everything of ``drop`` to ``keep`` and deletes ``drop``, audited with
the name of who merged. Both work out the merge with ``graph.store.merging.plan_merge``, so
the preview is what the store writes; the merge is refused (``Conflict``) when either actor
changed after the plan was read.
"""

from __future__ import annotations

from collections import defaultdict
from difflib import SequenceMatcher
from itertools import combinations

from pydantic import BaseModel

from graph.model import Actor, ActorIn, ActorKind, LinkIn, normalise
from graph.store import merging
from graph.store.base import GraphStore
from graph.store.rules import SAME_ACTOR, merge_errors, refuse

THRESHOLD = 0.88
"""Two names at least this similar (0..1, difflib's ratio) are reported."""

MAX_BLOCK = 400
"""A word shared by more names than this (``huisarts``) does not on its own make a pair."""


class DuplicatePair(BaseModel):
    """Two actors of one kind in one wijk whose names are nearly the same."""

    wijk: str
    kind: ActorKind
    score: float
    a: str
    a_name: str
    b: str
    b_name: str


def similarity(a: str, b: str) -> float:
    """How alike two names are (0..1), after normalising case, accents and punctuation.

    The words the names do not share must be nearly the same too (a typo, a missing
    syllable), so "Lief-en-leed-straat Kerkstraat" and "… Merelstraat" score 0 however
    alike the whole names look; so do names that differ in a number ("Basisschool 1", "2").
    """
    na, nb = normalise(a), normalise(b)
    ta, tb = na.split(), nb.split()
    if {t for t in ta if t.isdigit()} != {t for t in tb if t.isdigit()}:
        return 0.0
    rest_a = " ".join(t for t in ta if t not in tb)
    rest_b = " ".join(t for t in tb if t not in ta)
    if edit_distance(rest_a, rest_b) > max(1, int(0.2 * max(len(rest_a), len(rest_b)))):
        return 0.0
    return max(
        SequenceMatcher(None, na, nb).ratio(),
        SequenceMatcher(None, " ".join(sorted(ta)), " ".join(sorted(tb))).ratio(),
    )


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: inserts, deletes and substitutions turning ``a`` into ``b``."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _blocks(name: str) -> set[str]:
    keys = {f"w:{t[:4]}" for t in name.split() if len(t) > 1}
    compact = name.replace(" ", "")
    return keys | {f"p:{compact[:4]}", f"s:{compact[-4:]}"}


def find_duplicates(
    actors: list[Actor], *, wijk: str | None = None, threshold: float = THRESHOLD
) -> list[DuplicatePair]:
    """Pairs of likely duplicates, most alike first; only in ``wijk`` when given."""
    groups: dict[tuple[str, ActorKind], list[Actor]] = defaultdict(list)
    for actor in actors:
        for slug in actor.wijken:
            if wijk is None or slug == wijk:
                groups[(slug, actor.kind)].append(actor)
    pairs: dict[tuple[str, str], DuplicatePair] = {}
    for (slug, kind), members in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1].value)):
        for a, b in _candidates(members):
            if (a.id, b.id) in pairs:
                continue
            score = similarity(a.name, b.name)
            if score >= threshold:
                pairs[(a.id, b.id)] = DuplicatePair(
                    wijk=slug,
                    kind=kind,
                    score=round(score, 3),
                    a=a.id,
                    a_name=a.name,
                    b=b.id,
                    b_name=b.name,
                )
    return sorted(pairs.values(), key=lambda p: (-p.score, p.wijk, p.a_name, p.b_name))


def _candidates(members: list[Actor]) -> list[tuple[Actor, Actor]]:
    """Pairs that share a block key, each once, the lower id first."""
    by_id = {a.id: a for a in members}
    index: dict[str, list[str]] = defaultdict(list)
    for actor in members:
        for key in _blocks(normalise(actor.name)):
            index[key].append(actor.id)
    pairs: set[tuple[str, str]] = set()
    for block in index.values():
        if 1 < len(block) <= MAX_BLOCK:
            pairs.update((a, b) if a < b else (b, a) for a, b in combinations(block, 2) if a != b)
    return [(by_id[a], by_id[b]) for a, b in sorted(pairs)]


# -- merging -----------------------------------------------------------------------------


class MergePlan(BaseModel):
    """What merging ``drop`` into ``keep`` does."""

    keep: str
    drop: str
    keep_name: str
    drop_name: str
    keep_version: int
    drop_version: int
    """The versions of ``keep`` and ``drop`` the plan was made from."""
    actor: ActorIn
    """``keep`` as it will be: wijken, themes and kernaanpakken of both, gaps filled."""
    moved: list[LinkIn] = []
    """Links of ``drop`` re-created on ``keep`` (or existing links of ``keep`` strengthened)."""
    removed: list[str] = []
    """Links of ``drop`` that disappear: those between the two, and those ``keep`` already has."""
    professionals: list[ActorIn] = []
    """Professionals who worked at ``drop`` and now work at ``keep``."""
    wijken: list[str] = []
    """Every wijk the merge touches."""


def plan_merge(store: GraphStore, keep_id: str, drop_id: str) -> MergePlan:
    """Work out the merge (nothing is written); ``InvalidData`` when it cannot be done."""
    if keep_id == drop_id:
        refuse([SAME_ACTOR.error("drop")])
    keep, drop = store.get_actor(keep_id), store.get_actor(drop_id)
    refuse(merge_errors(keep, drop))
    links = store.list_links()
    taken = {lk.id for lk in links}
    actors = store.list_actors()
    mine = [lk for lk in links if {keep_id, drop_id} & {lk.source, lk.target}]
    merge = merging.plan_merge(keep, drop, mine, actors, taken)
    moved = merge.created + merge.updated
    wijken_of = {a.id: a.wijken for a in actors} | {keep_id: merge.actor.wijken}
    wijken = (
        set(merge.actor.wijken)
        | {w for a in merge.professionals for w in a.wijken}
        | {w for lk in moved for end in (lk.source, lk.target) for w in wijken_of.get(end, [])}
    )
    return MergePlan(
        keep=keep_id,
        drop=drop_id,
        keep_name=keep.name,
        drop_name=drop.name,
        keep_version=keep.version,
        drop_version=drop.version,
        actor=merge.actor,
        moved=moved,
        removed=[lk.id for lk in merge.deleted],
        professionals=merge.professionals,
        wijken=sorted(wijken),
    )


def merge_actors(
    store: GraphStore,
    keep_id: str,
    drop_id: str,
    *,
    by: str,
    expected_versions: tuple[int, int] | None = None,
) -> MergePlan:
    """Merge ``drop`` into ``keep`` and delete ``drop``, in one transaction; returns what was
    done. ``Conflict`` (and nothing written) when either actor is no longer at
    ``expected_versions`` (keep's, drop's; default: the versions the plan was made from)."""
    plan = plan_merge(store, keep_id, drop_id)
    versions = expected_versions or (plan.keep_version, plan.drop_version)
    store.merge_actors(keep_id, drop_id, expected_versions=versions, by=by)
    return plan
