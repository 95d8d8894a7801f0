"""Merging two actors (``GraphStore.merge_actors``), worked out once for both backends.

``plan_merge`` takes the stored records the merge concerns and returns a ``Merge``: what
becomes of ``keep``, which links of ``drop`` move, which are dropped (the link between the
two; a duplicate of one ``keep`` has), which professionals and suggested pairs move, and, in
``Merge.steps``, every write in the order the audit log lists it, with what its entry
holds. A backend only reads the records, executes the steps and appends their entries.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel

from graph.model import Actor, ActorIn, Link, LinkIn, Role, SuggestionStep, new_id, utcnow
from graph.store.common import doc, link_key, stable_link_id
from graph.store.rules import merge_errors, refuse
from graph.store.workflow import Key, entity_id, key_of, ordered, realised

Action = Literal["delete", "create", "update", "decide", "merge"]
Entity = Literal["actor", "link", "decision"]


@dataclass(frozen=True)
class Step:
    """One write of a merge and its audit entry.

    The entry is ``action`` on ``entity`` ``key`` under ``wijken``. ``before`` is the stored
    record the write replaces or removes (None: it makes a new one); ``after`` the new state
    (input fields of an actor or link; None: the record goes). The entry's ``before`` is the
    stored ``before``, its ``after`` the record as the backend stored it; the ``merge`` step
    (``drop`` deleted) has ``merged_into(keep)`` as ``after``.

    A step on a suggested pair (entity ``decision``, key ``a|b``) removes every step of
    the pair (``before``, all of them in order) or appends steps to it (``after``, in
    order; ``current`` is the pair's current step until then). ``pair_audit`` gives its
    audit entry.
    """

    action: Action
    entity: Entity
    key: str
    wijken: tuple[str, ...]
    before: Actor | Link | tuple[SuggestionStep, ...] | None = None
    after: ActorIn | LinkIn | tuple[SuggestionStep, ...] | None = None
    current: SuggestionStep | None = None

    @property
    def pair(self) -> Key:
        """The (wijk, a, b) of a step on a suggested pair."""
        steps = self.before or self.after
        assert isinstance(steps, tuple) and steps
        return key_of(steps[0])


def pair_audit(step: Step) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The audit ``before`` and ``after`` of a step on a suggested pair: the step current
    before the write and the one current after it (None: none)."""
    removed = step.before if isinstance(step.before, tuple) else ()
    added = step.after if isinstance(step.after, tuple) else ()
    before = removed[-1] if removed else step.current
    return (
        doc(before) if before is not None else None,
        doc(added[-1]) if added else None,
    )


def merged_into(keep_id: str) -> dict[str, str]:
    """The ``after`` of the audit entry of the merged-away actor."""
    return {"merged_into": keep_id}


@dataclass
class Merge:
    """What merging actor ``drop`` into ``keep`` writes (see ``GraphStore.merge_actors``)."""

    actor: ActorIn
    """``keep`` as it will be: wijken, themes and kernaanpakken of both, gaps filled."""
    deleted: list[Link] = field(default_factory=list)
    """Every link of ``drop``, ordered by id: all of them go."""
    created: list[LinkIn] = field(default_factory=list)
    """Links of ``drop`` re-created on ``keep`` (an end cannot change in place)."""
    updated: list[LinkIn] = field(default_factory=list)
    """Links ``keep`` already had, made stronger by their duplicate of ``drop``."""
    professionals: list[ActorIn] = field(default_factory=list)
    """Professionals who worked at ``drop``, now working at ``keep``."""
    steps: list[Step] = field(default_factory=list)
    """Every write, in audit order (see ``Step``)."""

    @property
    def wijken(self) -> set[str]:
        """Every wijk the merge touches (whose change counter goes up)."""
        return {slug for step in self.steps for slug in step.wijken}


def merge_link_ids(keep_id: str, drop_id: str, links: Iterable[Link]) -> list[str]:
    """The ids the links of ``drop_id`` get when they are re-created on ``keep_id``: a
    backend passes those already in use to ``plan_merge`` as ``taken``."""
    out = []
    for link in links:
        source = keep_id if link.source == drop_id else link.source
        target = keep_id if link.target == drop_id else link.target
        if drop_id in (link.source, link.target) and source != target:
            out.append(stable_link_id(link.kind, source, target))
    return out


def plan_merge(
    keep: Actor,
    drop: Actor,
    links: Iterable[Link],
    workers: Iterable[Actor],
    taken: Collection[str] = frozenset(),
    workflow: Iterable[SuggestionStep] = (),
    wijken_of: Mapping[str, Iterable[str]] | None = None,
) -> Merge:
    """Work out the merge of ``drop`` into ``keep`` from the stored records.

    ``links`` holds (at least) every link of either actor, ``workers`` (at least) every
    professional whose organisation is ``drop``, ``workflow`` (at least) every step of
    every suggested pair with either actor, each pair's steps in order, and ``wijken_of``
    the wijken of the other ends of those links (an end it lacks counts as in no wijk).
    ``taken`` holds the ids of ``merge_link_ids`` that are in use, so a re-created link
    never takes the id of an unrelated one.
    ``InvalidData`` when the two cannot be merged.
    """
    refuse(merge_errors(keep, drop))
    links = sorted(links, key=lambda lk: lk.id)
    workers = [w for w in workers if w.organisation == drop.id]
    own = {
        link_key(lk.kind, lk.source, lk.target): lk
        for lk in links
        if keep.id in (lk.source, lk.target) and drop.id not in (lk.source, lk.target)
    }
    moved: dict[tuple[str, str, str], LinkIn] = {}
    merge = Merge(actor=merged_actor(keep, drop))
    for link in links:
        if drop.id not in (link.source, link.target):
            continue
        merge.deleted.append(link)
        source = keep.id if link.source == drop.id else link.source
        target = keep.id if link.target == drop.id else link.target
        if source == target:  # the link between the two
            continue
        key = link_key(link.kind, source, target)
        if key in moved:
            moved[key] = stronger_link(moved[key], link)
        elif key in own:
            moved[key] = stronger_link(own[key], link)
        else:
            link_id = stable_link_id(link.kind, source, target)
            if link_id in taken:
                link_id = new_id("l")
            data = _input(link, LinkIn) | {"id": link_id, "source": source, "target": target}
            moved[key] = LinkIn(**data)
    for key, moved_link in moved.items():
        if key not in own:
            merge.created.append(moved_link)
        elif moved_link != _as_link_in(own[key]):
            merge.updated.append(moved_link)
    merge.professionals = [
        ActorIn(**_input(worker, ActorIn) | {"organisation": keep.id})
        for worker in sorted(workers, key=lambda a: a.id)
    ]
    merge.steps = _steps(
        merge,
        keep,
        drop,
        {lk.id: lk for lk in links},
        {w.id: w for w in workers},
        list(workflow),
        wijken_of or {},
    )
    return merge


def _steps(
    merge: Merge,
    keep: Actor,
    drop: Actor,
    links: Mapping[str, Link],
    workers: Mapping[str, Actor],
    workflow: list[SuggestionStep],
    wijken_of: Mapping[str, Iterable[str]],
) -> list[Step]:
    """Every write of ``merge``, in the order of its audit entries."""
    before = {key: set(value) for key, value in wijken_of.items()}
    before |= {keep.id: set(keep.wijken), drop.id: set(drop.wijken)}
    after = before | {keep.id: set(merge.actor.wijken)}

    def of(wijken: Mapping[str, set[str]], *ids: str) -> tuple[str, ...]:
        return tuple(sorted(set().union(*(wijken.get(i, set()) for i in ids))))

    steps = [
        Step("delete", "link", lk.id, of(before, lk.source, lk.target), before=lk)
        for lk in merge.deleted
    ]
    steps.append(
        Step(
            "update",
            "actor",
            keep.id,
            tuple(sorted(set(keep.wijken) | set(merge.actor.wijken))),
            before=keep,
            after=merge.actor,
        )
    )
    steps += [
        Step("create", "link", lk.id or "", of(after, lk.source, lk.target), after=lk)
        for lk in merge.created
    ]
    steps += [
        Step(
            "update",
            "link",
            lk.id or "",
            of(after, lk.source, lk.target),
            before=links[lk.id or ""],
            after=lk,
        )
        for lk in merge.updated
    ]
    steps += [
        Step("update", "actor", p.id or "", tuple(p.wijken), before=workers[p.id or ""], after=p)
        for p in merge.professionals
    ]
    steps += _pair_steps(merge, keep, drop, links.values(), workflow)
    steps.append(Step("merge", "actor", drop.id, tuple(drop.wijken), before=drop))
    return steps


def _pair_steps(
    merge: Merge,
    keep: Actor,
    drop: Actor,
    links: Iterable[Link],
    workflow: list[SuggestionStep],
) -> list[Step]:
    """The steps of suggested pairs with ``drop`` moved to ``keep``, and the
    ``gerealiseerd`` steps of the pairs the merge joins."""
    histories: dict[Key, list[SuggestionStep]] = {}
    for item in workflow:
        histories.setdefault(key_of(item), []).append(item)
    linked_before = {ordered(lk.source, lk.target) for lk in links}
    # keep's own links stay; drop's links are re-created on keep or merged into keep's
    linked_after = {pair for pair in linked_before if keep.id in pair and drop.id not in pair}
    linked_after |= {ordered(lk.source, lk.target) for lk in merge.created}
    now = utcnow()
    taken = {key for key in histories if drop.id not in key[1:]}
    out: list[Step] = []
    joined: list[tuple[Key, tuple[SuggestionStep, ...]]] = []
    for key in sorted(histories):
        history = tuple(histories[key])
        wijk, a, b = key
        if drop.id not in (a, b):
            if keep.id in (a, b) and (a, b) in linked_after and (a, b) not in linked_before:
                joined.append((key, history))
            continue
        out.append(Step("decide", "decision", entity_id(a, b), (wijk,), before=history))
        other = b if a == drop.id else a
        new = (wijk, *ordered(keep.id, other))
        if other == keep.id or new in taken:
            continue
        taken.add(new)
        moved = tuple(_repointed(s, keep.id, drop.id) for s in history)
        out.append(Step("decide", "decision", entity_id(*new[1:]), (wijk,), after=moved))
        if new[1:] in linked_after and ordered(drop.id, other) not in linked_before:
            joined.append((new, moved))
    for key, history in sorted(joined, key=lambda item: item[0]):
        done = realised(history[-1], now)
        if done is not None:
            out.append(
                Step(
                    "decide",
                    "decision",
                    entity_id(*key[1:]),
                    (key[0],),
                    after=(done,),
                    current=history[-1],
                )
            )
    return out


def _repointed(step: SuggestionStep, keep_id: str, drop_id: str) -> SuggestionStep:
    """A step about ``drop`` re-pointed to ``keep``."""
    other = step.b if step.a == drop_id else step.a
    return SuggestionStep.model_validate(step.model_dump() | {"a": keep_id, "b": other})


def merged_actor(keep: Actor, drop: Actor) -> ActorIn:
    """``keep`` with the wijken, themes and kernaanpakken of both, its gaps filled from
    ``drop`` and its period covering both."""
    data = _input(keep, ActorIn)
    data["wijken"] = sorted(set(keep.wijken) | set(drop.wijken))
    data["themes"] = sorted(set(keep.themes) | set(drop.themes), key=lambda t: t.value)
    data["kernaanpakken"] = sorted(
        set(keep.kernaanpakken) | set(drop.kernaanpakken), key=lambda k: k.value
    )
    data["description"] = keep.description or drop.description
    data["contact"] = keep.contact or drop.contact
    data["organisation"] = keep.organisation or drop.organisation
    data["role"] = keep.role if keep.role is not Role.OVERIG else drop.role
    data["since"], data["until"] = _span(keep.since, keep.until, drop.since, drop.until)
    return ActorIn(**data)


def stronger_link(existing: LinkIn, other: LinkIn) -> LinkIn:
    """The existing link, at the higher intensity of the two, over both periods, with the
    other's note added."""
    data = _input(existing, LinkIn)
    data["intensity"] = max(existing.intensity, other.intensity)
    data["since"], data["until"] = _span(existing.since, existing.until, other.since, other.until)
    if other.note and other.note not in existing.note:
        data["note"] = "\n".join(n for n in (existing.note, other.note) if n)[:2000]
    return LinkIn(**data)


def _span(
    since_a: date | None, until_a: date | None, since_b: date | None, until_b: date | None
) -> tuple[date | None, date | None]:
    """The period covering both (an open bound stays open)."""
    since = None if since_a is None or since_b is None else min(since_a, since_b)
    until = None if until_a is None or until_b is None else max(until_a, until_b)
    return since, until


def _input(record: BaseModel, model: type[BaseModel]) -> dict[str, Any]:
    return record.model_dump(include=set(model.model_fields))


def _as_link_in(link: LinkIn) -> LinkIn:
    return link if type(link) is LinkIn else LinkIn(**_input(link, LinkIn))
