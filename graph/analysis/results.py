"""The results of wijknet's analyses as pydantic models.

The API returns them, the CLI prints them and the pages show them, so every door shows
the same numbers. Field names of ``Analysis`` and ``Suggestion`` are a stable interface
(``docs/analysis.md`` lists them): add fields, never rename them.

Measures that are undefined for a network (density of one actor, the distance in a network
without ties) are ``None``, never ``NaN``.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "METRIC_LABELS",
    "SORT_KEYS",
    "ActorProfile",
    "ActorRef",
    "Analysis",
    "Bridge",
    "Broker",
    "BrokerageCounts",
    "Community",
    "Comparison",
    "CutPoint",
    "Diff",
    "DomainBrokerage",
    "DomainPair",
    "KernaanpakCoverage",
    "LinkRef",
    "Method",
    "MetricChange",
    "Metrics",
    "Moment",
    "Reason",
    "RequirementResult",
    "Suggestion",
    "Trend",
]


class _Result(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ActorRef(_Result):
    """Who an actor is, in short: enough to recognise and find them."""

    id: str
    name: str
    kind: str
    domain: str
    role: str
    organisation: str | None = Field(None, description="Name of a professional's organisation")


class DomainPair(_Result):
    a: str
    b: str
    links: int


class BrokerageCounts(_Result):
    """Gould-Fernandez brokerage counts (ordered pairs brokered, per role)."""

    coordinator: int = 0
    gatekeeper: int = 0
    representative: int = 0
    consultant: int = 0
    liaison: int = 0

    @property
    def across(self) -> int:
        """Brokerage that involves another domain (all roles but coordinator)."""
        return self.gatekeeper + self.representative + self.consultant + self.liaison


class Broker(ActorRef):
    degree: int
    betweenness: float
    constraint: float | None
    effective_size: float | None
    domains_reached: list[str]
    text: str


class CutPoint(ActorRef):
    parts: int = Field(description="Number of parts its component falls into without it")
    part_sizes: list[int]
    cut_off_count: int = Field(description="Actors no longer connected to the largest part")
    cut_off: list[ActorRef] = Field(description="Up to 10 of those actors")
    text: str


class Bridge(_Result):
    a: ActorRef
    b: ActorRef
    sides: list[int] = Field(description="Sizes of a's and b's side without this tie")
    text: str


class Community(_Result):
    number: int = Field(description="1 is the largest group")
    name: str = Field(description="Named after its most central member: 'Groep rond X'")
    center: ActorRef = Field(description="The member with the most ties within the group")
    size: int
    domains: dict[str, int]
    main_domain: str
    main_domain_share: float
    silo: bool = Field(description="Three or more actors, all of one domain")
    members: list[ActorRef]
    text: str


class DomainBrokerage(_Result):
    domain: str
    label: str
    roles: BrokerageCounts
    top: list[ActorRef] = Field(description="Its actors brokering most across domains")


class ActorProfile(ActorRef):
    degree: int
    domains_reached: list[str]
    betweenness: float
    constraint: float | None
    effective_size: float | None
    clustering: float
    component: int
    community: int | None
    cut_point: bool
    brokerage: BrokerageCounts
    position: str = Field(description="Role in the network, in Dutch")


class RequirementResult(_Result):
    id: str
    kind: Literal["aanwezig", "verbonden"]
    description: str
    met: bool
    found: int = Field(description="Actors (aanwezig) or links (verbonden) that fulfil it")
    examples: list[str]
    gap: str | None = Field(description="What is missing, in plain Dutch; None when met")


class KernaanpakCoverage(_Result):
    kernaanpak: str
    label: str
    goal: str
    participants: list[ActorRef]
    requirements: list[RequirementResult]
    met: int
    total: int
    coverage: float = Field(description="Share of requirements met")
    gaps: list[str]


class Method(_Result):
    """How the numbers were computed (exact or estimated)."""

    betweenness: Literal["exact", "sampled"]
    average_distance: Literal["exact", "sampled"]
    samples: int | None
    seed: int
    communities: str


class Metrics(_Result):
    """The scalar measures of one network: a row in comparisons and trends."""

    wijk: str
    name: str
    as_of: date | None = None
    change_counter: int | None = None
    actors: int
    links: int
    density: float | None
    average_degree: float | None
    components: int
    largest_component_share: float | None
    isolate_count: int
    fragmentation: float | None
    average_clustering: float | None
    degree_centralization: float | None
    average_distance: float | None
    cross_domain_links: int
    cross_domain_share: float | None
    zorg_sociaal_links: int
    zorg_sociaal_share: float | None
    ei_index: float | None
    modularity: float | None
    community_count: int
    silo_count: int
    cut_point_count: int
    bridge_count: int
    kernaanpak_score: float | None = Field(description="Mean coverage of the kernaanpakken")
    kernaanpak_scores: dict[str, float] = Field(default_factory=dict)


class Analysis(Metrics):
    """Everything wijknet measures about one wijk on one day."""

    actors_by_kind: dict[str, int]
    actors_by_domain: dict[str, int]
    isolates: list[ActorRef]
    ei_by_domain: dict[str, float | None]
    domain_pairs: list[DomainPair]
    brokers: list[Broker]
    cut_points: list[CutPoint]
    bridges: list[Bridge]
    communities: list[Community]
    brokerage_by_domain: list[DomainBrokerage]
    kernaanpak_coverage: list[KernaanpakCoverage]
    profiles: list[ActorProfile]
    method: Method

    def metrics(self) -> Metrics:
        """The scalar part, for comparisons."""
        return Metrics.model_validate(self.model_dump(include=set(Metrics.model_fields)))


class Reason(_Result):
    code: str
    text: str
    points: float


class Suggestion(_Result):
    """Two actors who are not linked yet and should meet, with why and through whom."""

    a: ActorRef
    b: ActorRef
    score: float
    reasons: list[Reason]
    introducer: ActorRef | None = Field(description="A shared partner who knows both")
    action: str
    kind: Literal["gemeenschappelijk", "brug"] = Field(
        "gemeenschappelijk",
        description=(
            "gemeenschappelijk: ranked on common ground; brug: joins an isolated actor or a "
            "loose part to the largest part of the network"
        ),
    )


class Comparison(_Result):
    as_of: date
    sort: str
    descending: bool
    rows: list[Metrics]
    region: Metrics = Field(description="All wijken as one network (actors counted once)")
    means: dict[str, float | None] = Field(description="Unweighted mean over the wijken")


class Trend(_Result):
    wijk: str
    name: str
    points: list[Metrics]


class Moment(_Result):
    wijk: str
    name: str
    as_of: date


class LinkRef(_Result):
    id: str
    a: ActorRef
    b: ActorRef
    kind: str
    intensity: int


class MetricChange(_Result):
    metric: str
    label: str
    before: int | float | None
    after: int | float | None
    change: int | float | None


class Diff(_Result):
    before: Moment
    after: Moment
    actors_added: list[ActorRef]
    actors_removed: list[ActorRef]
    links_added: list[LinkRef]
    links_removed: list[LinkRef]
    metrics: list[MetricChange]


METRIC_LABELS: dict[str, str] = {
    "actors": "Actoren",
    "links": "Verbindingen",
    "density": "Dichtheid",
    "average_degree": "Gemiddeld aantal verbindingen",
    "components": "Losse delen",
    "largest_component_share": "Aandeel in grootste deel",
    "isolate_count": "Geïsoleerde actoren",
    "fragmentation": "Fragmentatie",
    "average_clustering": "Clustering",
    "degree_centralization": "Centralisatie",
    "average_distance": "Gemiddelde afstand",
    "cross_domain_links": "Domeinoverstijgende verbindingen",
    "cross_domain_share": "Aandeel domeinoverstijgend",
    "zorg_sociaal_links": "Verbindingen zorg-sociaal",
    "zorg_sociaal_share": "Aandeel zorg-sociaal",
    "ei_index": "E-I-index",
    "modularity": "Modulariteit",
    "community_count": "Groepen",
    "silo_count": "Silo's",
    "cut_point_count": "Snijpunten",
    "bridge_count": "Bruggen",
    "kernaanpak_score": "Dekking kernaanpakken",
}
"""Dutch names of the scalar measures, in table order."""

SORT_KEYS = ("wijk", "name", *METRIC_LABELS)
"""What a comparison can be sorted on."""
