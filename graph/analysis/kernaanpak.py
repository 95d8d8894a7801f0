"""Kernaanpak coverage: which of the four kernaanpakken a wijk's network can carry.

The rules live in one readable file, ``graph/analysis/kernaanpak_rules.toml``, that the
programme team adjusts (its header explains the format). :func:`load_rules` reads and
validates it; :func:`evaluate` checks each rule against a wijk's graph; :func:`coverage`
turns that into the ``KernaanpakCoverage`` results with gaps in plain Dutch.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from graph.analysis.fast import Indexed
from graph.analysis.results import ActorRef, KernaanpakCoverage, RequirementResult
from graph.errors import FieldError, InvalidData, field_errors_from_pydantic
from graph.model import ActorKind, Domain, Kernaanpak, Role, label

__all__ = [
    "DEFAULT_RULES",
    "RequirementState",
    "RuleSet",
    "coverage",
    "evaluate",
    "load_rules",
    "use_rules",
    "node_table",
]

DEFAULT_RULES = Path(__file__).with_name("kernaanpak_rules.toml")
EXAMPLES = 3


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Selector(_Rule):
    """Which actors a side of a requirement means (see the rules file's header)."""

    rollen: tuple[Role, ...] = ()
    domeinen: tuple[Domain, ...] = ()
    soorten: tuple[ActorKind, ...] = ()
    alleen_deelnemers: bool = False

    @model_validator(mode="after")
    def _not_empty(self) -> Selector:
        if not (self.rollen or self.domeinen or self.soorten or self.alleen_deelnemers):
            raise ValueError("Kies actoren met rollen, domeinen, soorten of alleen_deelnemers.")
        return self

    def mask(self, table: Mapping[str, np.ndarray], kernaanpak: str) -> np.ndarray:
        """Which nodes this selector picks, given :func:`node_table`'s columns."""
        picked = np.ones(len(table["role"]), dtype=bool)
        for column, values in (
            ("role", self.rollen),
            ("domain", self.domeinen),
            ("kind", self.soorten),
        ):
            if values:
                picked &= np.isin(table[column], [v.value for v in values])
        if self.alleen_deelnemers:
            picked &= table[f"kernaanpak:{kernaanpak}"]
        return picked


def node_table(ix: Indexed) -> dict[str, np.ndarray]:
    """Role, domain and kind of every node of ``ix``, and per kernaanpak who takes part."""
    attrs = [ix.graph.nodes[v] for v in ix.nodes]
    table = {
        col: np.array([a.get(col, "") for a in attrs], dtype=object)
        for col in ("role", "domain", "kind")
    }
    for k in Kernaanpak:
        table[f"kernaanpak:{k.value}"] = np.array(
            [k.value in a.get("kernaanpakken", ()) for a in attrs], dtype=bool
        )
    return table


class Requirement(_Rule):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    soort: Literal["aanwezig", "verbonden"]
    omschrijving: str = Field(min_length=1)
    wie: Selector
    met: Selector | None = None
    minimaal: int = Field(1, ge=1)
    minimale_intensiteit: int = Field(1, ge=1, le=4)
    tekort: str = Field(min_length=1)

    @model_validator(mode="after")
    def _sides(self) -> Requirement:
        if (self.soort == "verbonden") != (self.met is not None):
            raise ValueError("Een eis 'verbonden' heeft 'wie' en 'met'; 'aanwezig' alleen 'wie'.")
        return self


class Rule(_Rule):
    slug: Kernaanpak
    doel: str = Field(min_length=1)
    eis: tuple[Requirement, ...] = Field(min_length=1)

    @property
    def label(self) -> str:
        return label(self.slug)


class RuleSet(_Rule):
    kernaanpak: tuple[Rule, ...]

    @model_validator(mode="after")
    def _unique(self) -> RuleSet:
        slugs = [r.slug for r in self.kernaanpak]
        ids = [e.id for r in self.kernaanpak for e in r.eis]
        if len(set(slugs)) != len(slugs) or len(set(ids)) != len(ids):
            raise ValueError("Elke kernaanpak en elke eis-id mag maar één keer voorkomen.")
        return self


_configured: RuleSet | None = None


def load_rules(path: str | Path | None = None) -> RuleSet:
    """Read and validate a rules file; without ``path`` the configured rules (see
    :func:`use_rules`), else the packaged file, read once.

    Raises ``InvalidData`` naming every wrong entry (for example ``kernaanpak.1.eis.0.wie``).
    """
    if path is not None:
        return _load(Path(path))
    return _configured or _default_rules()


def use_rules(path: str | Path | None) -> RuleSet:
    """Make the rules in ``path`` (None: the packaged file) the default of this process.

    Called once at start-up with the ``WIJKNET_KERNAANPAK_RULES`` setting, so a broken file
    stops the start with its errors instead of failing later on a page.
    """
    global _configured
    _configured = _load(Path(path)) if path is not None else None
    return load_rules()


@lru_cache(maxsize=1)
def _default_rules() -> RuleSet:
    return _load(DEFAULT_RULES)


def _load(path: Path) -> RuleSet:
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InvalidData([FieldError(str(path), f"Geen geldige TOML: {exc}", "toml")]) from None
    try:
        return RuleSet.model_validate(data)
    except ValidationError as exc:
        raise InvalidData(field_errors_from_pydantic(exc, prefix=f"{path.name}: ")) from None


@dataclass(frozen=True)
class RequirementState:
    """One requirement checked against one graph, with the node masks of its sides."""

    rule: Rule
    requirement: Requirement
    who: np.ndarray
    with_: np.ndarray | None
    found: int
    examples: list[tuple[int, ...]]

    @property
    def met(self) -> bool:
        return self.found >= self.requirement.minimaal

    def pair_fits(self, i: int, j: int) -> bool:
        """True when a tie between nodes ``i`` and ``j`` would count for this requirement."""
        if self.with_ is None:
            return False
        return bool((self.who[i] and self.with_[j]) or (self.with_[i] and self.who[j]))


def evaluate(ix: Indexed, rules: RuleSet | None = None) -> list[RequirementState]:
    """Check every requirement of ``rules`` against the graph behind ``ix``."""
    rules = rules or load_rules()
    states = []
    intensity = _edge_intensity(ix)
    table = node_table(ix)
    for rule in rules.kernaanpak:
        for req in rule.eis:
            who = req.wie.mask(table, rule.slug.value)
            if req.met is None:
                hits = np.flatnonzero(who)
                states.append(
                    RequirementState(
                        rule, req, who, None, len(hits), [(int(i),) for i in hits[:EXAMPLES]]
                    )
                )
                continue
            other = req.met.mask(table, rule.slug.value)
            s, d = ix.src, ix.dst
            fit = ((who[s] & other[d]) | (other[s] & who[d])) & (
                intensity >= req.minimale_intensiteit
            )
            edges = np.flatnonzero(fit)
            examples: list[tuple[int, ...]] = [(int(s[e]), int(d[e])) for e in edges[:EXAMPLES]]
            states.append(RequirementState(rule, req, who, other, len(edges), examples))
    return states


def _edge_intensity(ix: Indexed) -> np.ndarray:
    return np.fromiter((d.get("intensity", 1) for d in ix.edge_data), dtype=np.int64, count=ix.m)


def coverage(
    ix: Indexed,
    states: list[RequirementState],
    ref: Callable[[int], ActorRef],
    display: Callable[[int], str],
) -> list[KernaanpakCoverage]:
    """The coverage of each kernaanpak from :func:`evaluate`'s states.

    ``ref`` gives a node's ``ActorRef`` and ``display`` the name shown in examples.
    """
    out = []
    by_rule: dict[Kernaanpak, list[RequirementState]] = {}
    for state in states:
        by_rule.setdefault(state.rule.slug, []).append(state)
    for slug, rule_states in by_rule.items():
        rule = rule_states[0].rule
        results = [_result(s, display) for s in rule_states]
        met = sum(r.met for r in results)
        participants = [
            ref(i)
            for i, v in enumerate(ix.nodes)
            if slug.value in ix.graph.nodes[v].get("kernaanpakken", ())
        ]
        out.append(
            KernaanpakCoverage(
                kernaanpak=slug.value,
                label=rule.label,
                goal=rule.doel,
                participants=participants,
                requirements=results,
                met=met,
                total=len(results),
                coverage=met / len(results),
                gaps=[r.gap for r in results if r.gap],
            )
        )
    return out


def _result(state: RequirementState, display: Callable[[int], str]) -> RequirementResult:
    req = state.requirement
    return RequirementResult(
        id=req.id,
        kind=req.soort,
        description=req.omschrijving,
        met=state.met,
        found=state.found,
        examples=[" – ".join(display(i) for i in example) for example in state.examples],
        gap=None if state.met else req.tekort,
    )
