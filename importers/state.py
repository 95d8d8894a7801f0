"""What the planner knows: the stored graph plus the file's own actors, with lookups by
id, by Kumu reference and by normalised name; and the stable ids new records get."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from graph.model import Actor, ActorKind, Link, Wijk, normalise, slugify
from graph.store.base import GraphStore
from graph.store.common import link_key
from importers.columns import suggestion

norm = lru_cache(maxsize=1 << 17)(normalise)
"""``normalise`` with a memory: an import looks up the same names many times."""


def stable_actor_id(wijk: str, kind: ActorKind, name: str) -> str:
    """The id a new actor gets: the same file row gives the same id on every import."""
    digest = hashlib.sha1(f"{wijk}|{kind.value}|{norm(name)}".encode()).hexdigest()
    return f"a-{digest[:12]}"


def stable_ref_id(wijk: str, ref: str) -> str:
    """The id of an actor a foreign file names by its own id (Kumu ``_id``, a GraphML or GEXF
    node id): the same reference in the same wijk gives the same actor on every import,
    whatever its label, kind or spelling."""
    digest = hashlib.sha1(f"{wijk}|ref:{ref}".encode()).hexdigest()
    return f"a-{digest[:12]}"


@dataclass
class Known:
    """An actor the planner can refer to: stored, or a row of the file (``row`` set)."""

    id: str
    name: str
    kind: ActorKind | None
    wijken: set[str]
    row: str | None = None
    """``source, rij N`` of the file row that defines it."""
    broken: bool = False
    """The file row has a problem (and the actor is not stored): it will not be written."""


@dataclass
class State:
    """The stored graph and the actors the file adds, indexed for matching and resolving."""

    wijken: dict[str, Wijk]
    actors: dict[str, Actor]
    links: dict[str, Link]
    link_ids: dict[tuple[str, str, str], str] = field(default_factory=dict)
    known: dict[str, Known] = field(default_factory=dict)
    by_name: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    refs: dict[str, str] = field(default_factory=dict)
    file_wijken: dict[str, str] = field(default_factory=dict)
    """Slug -> name of wijken the file itself creates."""

    @classmethod
    def load(cls, store: GraphStore) -> State:
        """Read everything the matching needs in three reads."""
        state = cls(
            wijken={w.slug: w for w in store.list_wijken()},
            actors={a.id: a for a in store.list_actors()},
            links={lk.id: lk for lk in store.list_links()},
        )
        for link in state.links.values():
            state.link_ids.setdefault(link_key(link.kind, link.source, link.target), link.id)
        for actor in state.actors.values():
            state.remember(Known(actor.id, actor.name, actor.kind, set(actor.wijken)))
        return state

    def remember(self, known: Known) -> None:
        self.known[known.id] = known
        self.by_name[norm(known.name)].add(known.id)

    # -- wijken ------------------------------------------------------------------------

    def wijk_slug(self, value: str) -> str | None:
        """The slug of a wijk named by slug or by name (stored, or created by the file)."""
        slug = slugify(value)
        if slug in self.wijken or slug in self.file_wijken:
            return slug
        wanted = normalise(value)
        for candidate, wijk in self.wijken.items():
            if normalise(wijk.name) == wanted:
                return candidate
        for candidate, name in self.file_wijken.items():
            if normalise(name) == wanted:
                return candidate
        return None

    def wijk_hint(self, value: str) -> str:
        names = sorted(set(self.wijken) | set(self.file_wijken))
        listed = ", ".join(names[:15]) + (", …" if len(names) > 15 else "")
        close = suggestion(None, value, names)
        return (
            f"{close} Bekende wijken: {listed or 'nog geen'}."
            if names
            else (" Er zijn nog geen wijken; laat beheer de wijk eerst aanmaken.")
        )

    # -- actors ------------------------------------------------------------------------

    def stored_match(self, name: str, kind: ActorKind, wijken: set[str]) -> list[str]:
        """Stored actors with this normalised name and kind in one of ``wijken``."""
        return sorted(
            i
            for i in self.by_name.get(norm(name), ())
            if i in self.actors
            and self.actors[i].kind is kind
            and wijken & set(self.actors[i].wijken)
        )

    def resolve(self, value: str, wijk: str | None) -> tuple[str | None, str]:
        """The actor id ``value`` names (a Kumu reference, an id or a name), or a message.

        A name that several actors carry is narrowed to ``wijk`` when one is given.
        """
        if value in self.refs:
            return self.refs[value], ""
        if value in self.known:
            return value, ""
        found = self.by_name.get(norm(value))
        if found and len(found) == 1:
            return next(iter(found)), ""
        ids = set(found or ())
        if len(ids) > 1 and wijk:
            ids = {i for i in ids if wijk in self.known[i].wijken} or ids
        if len(ids) == 1:
            return ids.pop(), ""
        if ids:
            where = sorted({w for i in ids for w in self.known[i].wijken})
            return None, (
                f"Er zijn {len(ids)} actoren met de naam '{value}' (in {', '.join(where)}). "
                "Gebruik de id van de juiste actor, of vul de kolom wijk in."
            )
        pool = [k.name for k in self.known.values() if not wijk or wijk in k.wijken]
        close = suggestion(None, value, pool) if len(pool) <= 5000 else ""
        return None, (
            f"Onbekende actor '{value}': die staat niet in het bestand en niet in wijknet."
            f"{close} Controleer de spelling, of voeg de actor toe aan de actorentabel."
        )
