"""Likely duplicate actors, and merging two actors into one.

``find_duplicates`` compares the normalised names of actors of the same kind within one
wijk ("Huisartsenpraktijk De Baandert" and "Huisartspraktijk de Baandert" score 0.95).
Names are only compared when they share the start of a word or their first or last letters
(blocking), so a wijk of thousands of actors takes a moment, not minutes.

``merge_actors(store, keep, drop)`` moves everything of ``drop`` to ``keep`` and deletes
``drop``. A store that offers ``merge_actors`` itself (``graph.store.base.SupportsMerge``)
does it in one transaction; otherwise it takes two: one ``bulk_upsert`` (``keep`` updated,
the links moved, professionals re-pointed) and one ``delete_actor``. Both are audited with
the name of who merged; running the merge again after a failure finishes it.
"""

from __future__ import annotations

from collections import defaultdict
from difflib import SequenceMatcher
from itertools import combinations

from pydantic import BaseModel

from graph.errors import FieldError, InvalidData
from graph.model import Actor, ActorIn, ActorKind, Link, LinkIn, Role, normalise
from graph.store.base import GraphStore, SupportsMerge
from importers.state import link_key, stable_link_id

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
    return max(SequenceMatcher(None, na, nb).ratio(),
               SequenceMatcher(None, " ".join(sorted(ta)), " ".join(sorted(tb))).ratio())


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


def find_duplicates(actors: list[Actor], *, wijk: str | None = None,
                    threshold: float = THRESHOLD) -> list[DuplicatePair]:
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
                pairs[(a.id, b.id)] = DuplicatePair(wijk=slug, kind=kind, score=round(score, 3),
                                                    a=a.id, a_name=a.name, b=b.id, b_name=b.name)
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
        raise InvalidData([FieldError("drop", "Kies twee verschillende actoren.", "same")])
    keep, drop = store.get_actor(keep_id), store.get_actor(drop_id)
    if keep.kind is not drop.kind:
        raise InvalidData([FieldError("drop", f"'{drop.name}' is een {drop.kind.value} en "
                                      f"'{keep.name}' een {keep.kind.value}; alleen actoren van "
                                      "dezelfde soort kunnen samengevoegd worden.", "kind")])
    links = store.list_links()
    existing = {link_key(lk.kind, lk.source, lk.target): lk for lk in links
                if keep_id in (lk.source, lk.target)}
    moved: dict[str, LinkIn] = {}
    removed = []
    for link in links:
        if drop_id not in (link.source, link.target):
            continue
        removed.append(link.id)
        source = keep_id if link.source == drop_id else link.source
        target = keep_id if link.target == drop_id else link.target
        if source == target:
            continue
        key = link_key(link.kind, source, target)
        if key in existing:
            moved[existing[key].id] = _stronger(existing[key], link)
        else:
            new_id = stable_link_id(link.kind, source, target)
            moved[new_id] = LinkIn(**_input(link, LinkIn) | {"id": new_id, "source": source,
                                                             "target": target})
    actors = store.list_actors()
    professionals = [ActorIn(**_input(a, ActorIn) | {"organisation": keep_id})
                     for a in actors if a.organisation == drop_id]
    actor = _merged(keep, drop)
    ends = {e for lk in moved.values() for e in (lk.source, lk.target)}
    wijken = set(actor.wijken) | {w for a in professionals for w in a.wijken} | {
        w for a in actors if a.id in ends for w in a.wijken}
    return MergePlan(keep=keep_id, drop=drop_id, keep_name=keep.name, drop_name=drop.name,
                     actor=actor, moved=list(moved.values()), removed=removed,
                     professionals=professionals, wijken=sorted(wijken))


def merge_actors(store: GraphStore, keep_id: str, drop_id: str, *, by: str) -> MergePlan:
    """Merge ``drop`` into ``keep`` and delete ``drop`` (see the module docstring)."""
    plan = plan_merge(store, keep_id, drop_id)
    if isinstance(store, SupportsMerge):
        store.merge_actors(keep_id, drop_id, by=by)
        return plan
    drop_version = store.get_actor(drop_id).version
    store.bulk_upsert(actors=[plan.actor, *plan.professionals], links=plan.moved, by=by)
    store.delete_actor(drop_id, expected_version=drop_version, by=by)
    return plan


def _input(record: Actor | Link, model: type[ActorIn] | type[LinkIn]) -> dict:
    return record.model_dump(include=set(model.model_fields))


def _stronger(existing: Link, other: Link) -> LinkIn:
    """The existing link, at the higher intensity of the two and over both periods."""
    data = _input(existing, LinkIn)
    data["intensity"] = max(existing.intensity, other.intensity)
    data["since"], data["until"] = _span(existing.since, existing.until, other.since, other.until)
    if other.note and other.note not in existing.note:
        data["note"] = "\n".join(n for n in (existing.note, other.note) if n)[:2000]
    return LinkIn(**data)


def _span(since_a, until_a, since_b, until_b):  # type: ignore[no-untyped-def]
    since = None if since_a is None or since_b is None else min(since_a, since_b)
    until = None if until_a is None or until_b is None else max(until_a, until_b)
    return since, until


def _merged(keep: Actor, drop: Actor) -> ActorIn:
    data = _input(keep, ActorIn)
    data["wijken"] = sorted(set(keep.wijken) | set(drop.wijken))
    data["themes"] = sorted(set(keep.themes) | set(drop.themes), key=lambda t: t.value)
    data["kernaanpakken"] = sorted(set(keep.kernaanpakken) | set(drop.kernaanpakken),
                                   key=lambda k: k.value)
    data["description"] = keep.description or drop.description
    data["contact"] = keep.contact or drop.contact
    data["organisation"] = keep.organisation or drop.organisation
    data["role"] = keep.role if keep.role is not Role.OVERIG else drop.role
    data["since"], data["until"] = _span(keep.since, keep.until, drop.since, drop.until)
    return ActorIn(**data)
