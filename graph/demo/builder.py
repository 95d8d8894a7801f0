"""The builder of one wijk: its actors and links drawn from the tables of
``graph.demo.profiles``, step by step, with one seeded ``random.Random``.

:class:`WijkBuilder` builds plain dicts; ``graph.demo.synthetic`` numbers and validates
them. Every step draws from the builder's ``rng`` in a fixed order and never iterates over
an unsorted set, so the same seed gives the same wijk in every run and every process.
"""

from __future__ import annotations

import bisect
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from graph.demo.profiles import (
    BROKER_ROLES,
    CLUBS,
    CORE_ORGS,
    CORE_PROS,
    COVERAGE_INDEX,
    DEMO_DATE,
    EARLIEST,
    ENDED_BY,
    ENDED_FROM,
    EXTRA_ORGS,
    FICTIONAL_MARK,
    FIRST_NAMES,
    INITIATIVE_LABELS,
    INITIATIVES,
    KERNAANPAKKEN,
    ORGS,
    PLACES,
    PROS,
    PULL,
    RECENT_FROM,
    REFERRALS,
    SCHOOLS,
    STREETS,
    SURNAMES,
    THEMES,
    TREES,
    domain_block,
)
from graph.model import (
    ActorKind,
    Domain,
    Intensity,
    Kernaanpak,
    LinkKind,
    Role,
    label,
    normalise,
)

__all__ = ["WijkBuilder", "overlap", "too_alike"]

_ORG, _PRO = ActorKind.ORGANISATIE.value, ActorKind.PROFESSIONAL.value
_INI = ActorKind.INITIATIEF.value
_SAMENWERKING, _VERWIJZING = LinkKind.SAMENWERKING.value, LinkKind.VERWIJZING.value
_WERKT_BIJ = LinkKind.WERKT_BIJ.value
_INTENSITY = (1,) * 25 + (2,) * 35 + (3,) * 25 + (4,) * 15  # index with a random 0-99
_INTENSITY_ACROSS = (1,) * 45 + (2,) * 40 + (3,) * 15
_LAST_ESTABLISHED = date(2025, 9, 30)
_BROKER_NOTE = "Verbindt zorg en sociaal domein."
_WOR_NOTE = "Welzijn op Recept: verwijst patiënten naar de welzijnscoach."
_COMPARE_UP_TO = 400
"""Up to this many actors, a new name is also compared with the wijk's names by the rules
of the Dubbelingen page; larger (benchmark) wijken only avoid identical names."""
_PARTS = ("Noord", "Zuid", "Oost", "West", "Centrum")
"""Parts of a wijk, for a name the templates cannot make distinct any more."""


def _first_word(name: str) -> str:
    words = normalise(name).split()
    return words[0] if words else ""


def too_alike(a: str, b: str) -> bool:
    """Whether the Dubbelingen page (``importers.duplicates``) would pair the two names."""
    from importers.duplicates import THRESHOLD, similarity

    return similarity(a, b) >= THRESHOLD


def _fillings(template: str) -> list[tuple[str, str, str, str, str]]:
    """Every way to fill the placeholders of ``template`` (tree, place, school, club,
    street), the ones it does not use left empty."""
    options = [
        values if "{" + key + "}" in template else ("",)
        for key, values in (
            ("t", TREES),
            ("p", PLACES),
            ("s", SCHOOLS),
            ("c", CLUBS),
            ("x", STREETS),
        )
    ]
    return [
        (t, p, s, c, x)
        for t in options[0]
        for p in options[1]
        for s in options[2]
        for c in options[3]
        for x in options[4]
    ]


def _mixing(cross: float) -> dict[str, tuple[tuple[str, ...], tuple[float, ...]]]:
    """For a source block: the target blocks and their cumulative probabilities."""
    rows = {
        "Z": {"Z": 1.0, "S": cross, "I": cross * 0.3},
        "S": {"S": 1.0, "Z": cross, "I": 0.3},
        "I": {"I": 0.45, "S": 1.0, "Z": cross * 0.5},
    }
    out = {}
    for block, row in rows.items():
        keys = tuple(row)
        total = sum(row.values())
        acc, cum = 0.0, []
        for key in keys:
            acc += row[key] / total
            cum.append(acc)
        out[block] = (keys, tuple(cum))
    return out


@dataclass(frozen=True)
class _Pools:
    """The actors a link can be drawn to, with the running sums of their weights: per
    block (``Z``, ``S``, ``I``) and all together."""

    blocks: dict[str, list[str]]
    block_cum: dict[str, list[float]]
    ids: list[str]
    cum: list[float]


def overlap(a: dict[str, Any], b: dict[str, Any]) -> tuple[date | None, date | None]:
    """The days two actors both exist: (latest since, earliest until); None is open."""
    s1, s2, u1, u2 = a["since"], b["since"], a["until"], b["until"]
    lo = s2 if s1 is None else (s1 if s2 is None or s1 >= s2 else s2)
    hi = u2 if u1 is None else (u1 if u2 is None or u1 <= u2 else u2)
    return lo, hi


def _day(rng: random.Random, lo: date, hi: date) -> date:
    """A random day in lo..hi (both inclusive); lo when hi < lo."""
    span = (hi - lo).days
    return lo if span <= 0 else lo + timedelta(days=int(rng.random() * (span + 1)))


class WijkBuilder:
    """Generates the actors and links of one wijk as plain dicts: :meth:`build_actors`,
    then :meth:`link_shared` when regional actors are shared, then :meth:`build_links`."""

    def __init__(
        self,
        rng: random.Random,
        *,
        slug: str,
        name: str,
        gemeente: str,
        n_actors: int,
        n_links: int,
        cross: float,
        brokers: int,
        isolates: int,
        coverage: Sequence[float],
        shared: Sequence[dict[str, Any]] = (),
        phone_counter: list[int] | None = None,
        names_seed: str = "",
    ) -> None:
        self.rng = rng
        # names that are taken or too alike are replaced with draws from a second generator,
        # so renaming never shifts the draws of ``rng`` (and so the rest of the wijk)
        self.names_rng = random.Random(f"{names_seed or slug}:names")
        self.slug, self.name, self.gemeente = slug, name, gemeente
        self.n_actors, self.n_links = n_actors, n_links
        self.cross, self.n_brokers, self.n_isolates = cross, brokers, isolates
        self.mixing = _mixing(cross)
        self.coverage = tuple(coverage)
        self.shared = list(shared)  # regional actors already built, also active in this wijk
        self.phones = phone_counter if phone_counter is not None else [0]
        self.actors: list[dict[str, Any]] = []
        self.by_id: dict[str, dict[str, Any]] = {}
        self.links: list[dict[str, Any]] = []
        self.pairs: set[tuple[str, str]] = set()
        self.degree: dict[str, int] = {}
        self.role_of: dict[str, Role] = {}
        self.block_of: dict[str, str] = {}
        self.used_names: set[str] = set()
        self.drawn: set[str] = set()  # the names drawn from the templates, before renaming
        self.name_groups: dict[str, list[str]] = {}  # first word -> names, to compare
        self.name_counts: dict[str, int] = {}
        self.planted: list[tuple[str, str]] = []  # (original id, its planted duplicate)
        self.codes: dict[str, int] = {}
        self.staff: dict[str, list[str]] = {}  # organisation id -> professional ids
        self.isolated: list[str] = []
        self.brokers: list[str] = []

    # -- helpers -----------------------------------------------------------------------

    def _new_id(self, code: str, width: int) -> str:
        self.codes[code] = self.codes.get(code, 0) + 1
        return f"{self.slug}-{code}-{self.codes[code]:0{width}d}"

    def _width(self) -> int:
        """Digits in actor ids: ``daalhof-ha-03`` in a demo wijk, more in big ones."""
        return 2 if self.n_actors <= 200 else len(str(self.n_actors))

    def _take(self, name: str) -> str:
        self.used_names.add(name)
        if self.n_actors <= _COMPARE_UP_TO:
            self.name_groups.setdefault(_first_word(name), []).append(name)
        return name

    def _free(self, name: str) -> bool:
        """Neither taken nor so alike a taken name that the Dubbelingen page would pair
        them ("Huisartsenpraktijk De Berk" and "... De Beuk")."""
        if name in self.used_names:
            return False
        if self.n_actors > _COMPARE_UP_TO:
            return True
        group = self.name_groups.get(_first_word(name), ())
        return not any(too_alike(name, other) for other in group)

    def _distinct(self, name: str, templates: tuple[str, ...]) -> str:
        """``name``, or another plausible name when it is taken or too alike a taken one:
        the wijk's name swapped for a place, another filling of the templates, a part of
        the wijk; a number only when a very large wijk has used up all of those."""
        if self._free(name):
            return self._take(name)
        for candidate in self._alternatives(name, templates):
            if self._free(candidate):
                return self._take(candidate)
        k = self.name_counts.get(name, 1)
        candidate = name
        while candidate in self.used_names:
            k += 1
            candidate = f"{name} ({k})"
        self.name_counts[name] = k
        return self._take(candidate)

    def _alternatives(self, name: str, templates: tuple[str, ...]) -> list[str]:
        shuffle = self.names_rng.shuffle
        first: list[str] = []
        if self.name in name:
            first = [name.replace(self.name, place) for place in PLACES + TREES]
            shuffle(first)
        fills = [
            template.format(w=self.name, g=self.gemeente, t=t, p=p, s=sc, c=c, x=x)
            for template in templates
            for t, p, sc, c, x in _fillings(template)
        ]
        shuffle(fills)
        parts = [f"{fill} {part}" for fill in (name, *fills) for part in _PARTS]
        shuffle(parts)
        return first + fills + parts

    def _fill(self, template: str) -> str:
        rng = self.rng
        values = {"w": self.name, "g": self.gemeente}
        for key, options in (
            ("t", TREES),
            ("p", PLACES),
            ("s", SCHOOLS),
            ("c", CLUBS),
            ("x", STREETS),
        ):
            if "{" + key + "}" in template:
                values[key] = rng.choice(options)
        return template.format(**values)

    def _place_name(self, templates: tuple[str, ...]) -> str:
        for _ in range(4):
            candidate = self._fill(self.rng.choice(templates))
            if candidate not in self.drawn:
                break
        else:
            candidate = self._fill(templates[0])
        self.drawn.add(candidate)
        return self._distinct(candidate, templates)

    def _person_name(self) -> tuple[str, str, str]:
        rng = self.rng
        tries = 25 if len(self.used_names) < 1500 else 3  # a huge wijk runs out of names
        for _ in range(tries):
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            if f"{first} {last}" not in self.used_names:
                break
        full = f"{first} {last}"
        if full in self.used_names:  # very large wijken: add an initial
            for letter in "ABCDEFGHIJKLMNOPRSTVW":
                full = f"{first} {letter}. {last}"
                if full not in self.used_names:
                    break
        self.used_names.add(full)
        return first, last, full

    def _themes(self, role: Role, k_max: int = 3) -> list[str]:
        options = THEMES.get(role, ())
        if not options:
            return []
        k = self.rng.randint(1, min(k_max, len(options)))
        return sorted(t.value for t in self.rng.sample(options, k))

    def _kernaanpakken(self, role: Role) -> list[str]:
        out = []
        for k in KERNAANPAKKEN.get(role, ()):
            if self.rng.random() < self.coverage[COVERAGE_INDEX[k]]:
                out.append(k.value)
        return sorted(out)

    def _actor_period(self, kind: ActorKind) -> tuple[date | None, date | None]:
        rng = self.rng
        if kind is ActorKind.ORGANISATIE:
            since = _day(rng, EARLIEST, date(2024, 12, 31)) if rng.random() < 0.1 else None
            return since, None
        p_end, p_new = (0.05, 0.07) if kind is ActorKind.PROFESSIONAL else (0.09, 0.10)
        r = rng.random()
        if r < p_end:
            until = _day(
                rng, date(2024, 1, 1) if kind is ActorKind.PROFESSIONAL else ENDED_FROM, ENDED_BY
            )
            if rng.random() < 0.5:
                return _day(rng, EARLIEST, until - timedelta(days=120)), until
            return None, until
        if r < p_end + p_new:
            return _day(rng, RECENT_FROM, DEMO_DATE - timedelta(days=14)), None
        if rng.random() < 0.3:
            return _day(rng, EARLIEST, date(2025, 6, 30)), None
        return None, None

    def _register(self, record: dict[str, Any]) -> None:
        self.by_id[record["id"]] = record
        self.degree[record["id"]] = 0
        self.role_of[record["id"]] = Role(record["role"])
        self.block_of[record["id"]] = domain_block(Domain(record["domain"]))

    def _add_actor(self, record: dict[str, Any]) -> dict[str, Any]:
        self.actors.append(record)
        self._register(record)
        return record

    # -- actors ------------------------------------------------------------------------

    def build_actors(self) -> None:
        """The actors of the wijk: organisations, their professionals, then initiatives."""
        rng, n = self.rng, self.n_actors
        n_shared = len(self.shared)
        own = n - n_shared
        n_org = max(4, round(own * rng.uniform(0.19, 0.24)))
        n_ini = max(2, round(own * rng.uniform(0.18, 0.25)))
        n_pro = own - n_org - n_ini  # at least 5 in the smallest wijk (MIN_ACTORS)
        width = self._width()

        for shared in self.shared:
            self._register(shared)
            self.drawn.add(shared["name"])
            self._take(shared["name"])

        orgs_by_role = self._build_organisations(n_org, width)
        self._build_professionals(orgs_by_role, n_pro, width)
        self._build_initiatives(n_ini, width)

    def _organisation_roles(self, n_org: int) -> list[Role]:
        """The core organisations first, then extra ones drawn by weight."""
        org_roles = list(CORE_ORGS[:n_org])
        extra_roles = list(EXTRA_ORGS)
        extra_cum = _cumulative([EXTRA_ORGS[r] for r in extra_roles])
        while len(org_roles) < n_org:
            org_roles.append(extra_roles[_draw(self.rng, extra_cum)])
        if not self.shared and n_org >= 8:
            org_roles[-1] = Role.ZORGVERZEKERAAR  # a local insurer when no regional one
        return org_roles

    def _build_organisations(self, n_org: int, width: int) -> dict[Role, list[str]]:
        """``n_org`` organisations; returns their ids per role."""
        orgs_by_role: dict[Role, list[str]] = {}
        for role in self._organisation_roles(n_org):
            domain, code, templates = ORGS[role]
            since, until = self._actor_period(ActorKind.ORGANISATIE)
            name = self._place_name(templates)
            rec = self._add_actor(
                {
                    "id": self._new_id(code, width),
                    "kind": _ORG,
                    "name": name,
                    "domain": domain.value,
                    "role": role.value,
                    "themes": self._themes(role),
                    "kernaanpakken": self._kernaanpakken(role),
                    "wijken": [self.slug],
                    "description": f"{label(role)} in {self.name}. {FICTIONAL_MARK}",
                    "since": since,
                    "until": until,
                }
            )
            orgs_by_role.setdefault(role, []).append(rec["id"])
            self.staff[rec["id"]] = []
        return orgs_by_role

    def _build_professionals(
        self, orgs_by_role: dict[Role, list[str]], n_pro: int, width: int
    ) -> None:
        """``n_pro`` professionals: the core roles first, each at an organisation that
        could employ it, then roles drawn by weight."""
        employers = {
            role: [oid for org_role in PROS[role][2] for oid in orgs_by_role.get(org_role, ())]
            for role in PROS
        }
        pro_roles = [r for r in CORE_PROS if employers[r]][:n_pro]
        mix = [r for r in PROS if employers[r]]
        mix_cum = _cumulative([PROS[r][3] for r in mix])
        while len(pro_roles) < n_pro:
            pro_roles.append(mix[_draw(self.rng, mix_cum)])
        for role in pro_roles:
            self._add_professional(role, employers[role], width)

    def _build_initiatives(self, n_ini: int, width: int) -> None:
        """``n_ini`` residents' initiatives, their kinds drawn by weight."""
        ini_roles = list(INITIATIVES)
        ini_cum = _cumulative([INITIATIVES[r][2] for r in ini_roles])
        for _ in range(n_ini):
            role = ini_roles[_draw(self.rng, ini_cum)]
            code, templates, _w = INITIATIVES[role]
            since, until = self._actor_period(ActorKind.INITIATIEF)
            themes = self._themes(role)
            what = INITIATIVE_LABELS[role]
            self._add_actor(
                {
                    "id": self._new_id(code, width),
                    "kind": _INI,
                    "name": self._place_name(templates),
                    "domain": Domain.INWONERS.value,
                    "role": role.value,
                    "themes": themes,
                    "kernaanpakken": self._kernaanpakken(role),
                    "wijken": [self.slug],
                    "description": (
                        f"Inwonersinitiatief ({what}) in {self.name}, rond "
                        f"{', '.join(t.replace('-', ' ') for t in themes)}. {FICTIONAL_MARK}"
                    ),
                    "since": since,
                    "until": until,
                }
            )

    def _add_professional(self, role: Role, employers: list[str], width: int) -> None:
        rng = self.rng
        domain, code, _orgs, _w = PROS[role]
        # the less busy of two organisations that could employ this role
        first, second = rng.choice(employers), rng.choice(employers)
        org_id = first if len(self.staff[first]) <= len(self.staff[second]) else second
        first_name, last_name, full = self._person_name()
        since, until = self._actor_period(ActorKind.PROFESSIONAL)
        org_since = self.by_id[org_id]["since"]
        if until is not None and org_since is not None and (until - org_since).days < 60:
            until = None  # nobody leaves an organisation before it existed
        contact = None
        if rng.random() < 0.35:
            self.phones[0] += 1
            local = f"{normalise(first_name)}.{normalise(last_name)}".replace(" ", "")
            contact = {
                "email": f"{local}@voorbeeld.example",
                "phone": f"06-00{self.phones[0] % 1_000_000:06d}",
            }
        org_name = self.by_id[org_id]["name"]
        rec = self._add_actor(
            {
                "id": self._new_id(code, width),
                "kind": _PRO,
                "name": full,
                "domain": domain.value,
                "role": role.value,
                "themes": self._themes(role),
                "kernaanpakken": self._kernaanpakken(role),
                "wijken": [self.slug],
                "organisation": org_id,
                "description": f"{label(role)} bij {org_name}. {FICTIONAL_MARK}",
                "contact": contact,
                "since": since,
                "until": until,
            }
        )
        self.staff[org_id].append(rec["id"])

    # -- links -------------------------------------------------------------------------

    def _link_period(self, lo: date | None, hi: date | None) -> tuple[date | None, date | None]:
        rng = self.rng
        start = lo or EARLIEST
        if hi is not None:  # one end has ended: so has the link
            until = hi if rng.random() < 0.7 else _day(rng, start, hi)
            since = lo if lo is not None or rng.random() < 0.5 else _day(rng, EARLIEST, until)
            return since, until
        r = rng.random()
        if r < 0.07 and max(start, ENDED_FROM) < ENDED_BY:
            until = _day(rng, max(start, ENDED_FROM), ENDED_BY)
            since = lo if lo is not None or rng.random() < 0.4 else _day(rng, EARLIEST, until)
            return since, until
        if r < 0.17:
            return _day(rng, max(start, RECENT_FROM), DEMO_DATE), None
        if r < 0.5:
            last = _LAST_ESTABLISHED
            return (_day(rng, start, last) if start < last else _day(rng, start, DEMO_DATE)), None
        return lo, None

    def _link(
        self,
        source: str,
        target: str,
        *,
        kind: str = _SAMENWERKING,
        intensity: int = 0,
        note: str = "",
        period: tuple[date | None, date | None] | None = None,
    ) -> bool:
        """Add a link unless it is a self-link, a duplicate pair or its ends never overlap.

        ``intensity`` 0 draws one; ``period`` None draws since/until within the days both
        ends exist.
        """
        if source == target:
            return False
        pair = (source, target) if source < target else (target, source)
        if pair in self.pairs:
            return False
        if period is None:
            lo, hi = overlap(self.by_id[source], self.by_id[target])
            if lo is not None and hi is not None and (hi - lo).days < 30:
                return False
            period = self._link_period(lo, hi)
        if not intensity:
            intensity = _INTENSITY[int(self.rng.random() * 100)]
        self.pairs.add(pair)
        self.degree[source] += 1
        self.degree[target] += 1
        link: dict[str, Any] = {
            "source": source,
            "target": target,
            "kind": kind,
            "intensity": intensity,
        }
        if note:
            link["note"] = note
        if period[0] is not None:
            link["since"] = period[0]
        if period[1] is not None:
            link["until"] = period[1]
        self.links.append(link)
        return True

    def _room(self) -> bool:
        return len(self.links) < self.n_links

    def build_links(self) -> None:
        """The links of the wijk, step by step; each step draws from ``rng`` in turn."""
        self._link_staff()
        self._choose_isolated()
        self._link_colleagues()
        pools = self._partner_pools()
        self._link_welzijn_op_recept()
        self._link_brokers(pools)
        self._first_ties(pools)
        self._more_ties(pools)

    def _link_staff(self) -> None:
        """1. Every professional works at its organisation."""
        for actor in self.actors:
            if actor["kind"] == _PRO:
                since, until = actor["since"], actor["until"]
                lo, _hi = overlap(actor, self.by_id[actor["organisation"]])
                if until is None or (lo is not None and lo <= until):
                    since = lo  # not before the organisation existed
                self._link(
                    actor["id"],
                    actor["organisation"],
                    kind=_WERKT_BIJ,
                    intensity=int(Intensity.SAMENWERKEN),
                    period=(since, until),
                )

    def _choose_isolated(self) -> None:
        """2. Some initiatives stay outside the network altogether."""
        candidates = [a["id"] for a in self.actors if a["kind"] == _INI and a["until"] is None]
        self.isolated = sorted(self.rng.sample(candidates, min(self.n_isolates, len(candidates))))

    def _link_colleagues(self) -> None:
        """3. Colleagues at one organisation know each other well."""
        rng = self.rng
        for org_id, staff in self.staff.items():
            if len(staff) < 2:
                continue
            if len(staff) <= 5:
                pairs = [
                    (staff[i], staff[j])
                    for i in range(len(staff))
                    for j in range(i + 1, len(staff))
                ]
                pairs = [p for p in pairs if rng.random() < 0.7]
            else:
                pairs = [(p, rng.choice(staff)) for p in staff for _ in range(2)]
            note = f"Collega's bij {self.by_id[org_id]['name']}."
            for p, q in pairs:
                if not self._room():
                    break
                self._link(p, q, intensity=3 + (rng.random() < 0.5), note=note)

    def _partner_pools(self) -> _Pools:
        """Every actor but the isolated ones, with a random weight as a partner."""
        isolated = set(self.isolated)
        blocks: dict[str, list[str]] = {"Z": [], "S": [], "I": []}
        weights: dict[str, list[float]] = {"Z": [], "S": [], "I": []}
        all_ids, all_w = [], []
        for actor_id, a in self.by_id.items():
            if actor_id in isolated:
                continue
            pull = PULL.get(self.role_of[actor_id], 0.6 if a["kind"] == _INI else 1.0)
            w = pull * self.rng.lognormvariate(0.0, 0.6)
            block = self.block_of[actor_id]
            blocks[block].append(actor_id)
            weights[block].append(w)
            all_ids.append(actor_id)
            all_w.append(w)
        cum = {b: _cumulative(ws) for b, ws in weights.items()}
        return _Pools(blocks, cum, all_ids, _cumulative(all_w))

    def _pick(self, pools: _Pools, block: str) -> str | None:
        """A partner from ``block``, drawn by weight (None if the block is empty)."""
        ids = pools.blocks[block]
        return ids[_draw(self.rng, pools.block_cum[block])] if ids else None

    def _link_welzijn_op_recept(self) -> None:
        """4. Welzijn op Recept: GPs and POH-GGZ refer to the welzijnscoach."""
        rng = self.rng
        wor = Kernaanpak.WELZIJN_OP_RECEPT.value
        coaches = [
            a["id"]
            for a in self.actors
            if a["role"] == Role.WELZIJNSCOACH.value and wor in a["kernaanpakken"]
        ]
        referrers = (Role.HUISARTS.value, Role.POH_GGZ.value)
        if coaches:
            for a in self.actors:
                if (
                    a["role"] in referrers
                    and wor in a["kernaanpakken"]
                    and rng.random() < 0.6
                    and self._room()
                ):
                    self._link(
                        a["id"],
                        rng.choice(coaches),
                        kind=_VERWIJZING,
                        intensity=rng.choice((2, 3)),
                        note=_WOR_NOTE,
                    )

    def _link_brokers(self, pools: _Pools) -> None:
        """5. Brokers: a few professionals with many ties into the other domain."""
        isolated = set(self.isolated)
        broker_candidates = [
            a
            for role in BROKER_ROLES
            for a in self.actors
            if a["role"] == role.value and a["until"] is None and a["id"] not in isolated
        ]
        for a in broker_candidates:
            if len(self.brokers) >= self.n_brokers:
                break
            if self.brokers and self.rng.random() < 0.3:
                continue
            self.brokers.append(a["id"])
            self._link_broker(a["id"], pools)

    def _link_broker(self, actor_id: str, pools: _Pools) -> None:
        """A broker is well rooted in its own domain, has many ties into the other one and
        a few to residents' initiatives."""
        rng = self.rng
        home = self.block_of[actor_id]
        other = "S" if home == "Z" else "Z"
        reach = max(2, round(rng.uniform(3.0, 7.0) * min(1.0, self.cross / 0.1)))
        for block, wanted, note in ((home, rng.randint(2, 3), ""), (other, reach, _BROKER_NOTE)):
            made = 0
            for _ in range(40):
                if made >= wanted:
                    break
                target = self._pick(pools, block)
                if target is not None and self._link(
                    actor_id, target, intensity=rng.choice((2, 3, 3, 4)), note=note
                ):
                    made += 1
        for _ in range(rng.randint(0, 2)):
            target = self._pick(pools, "I")
            if target is not None:
                self._link(actor_id, target, note=_BROKER_NOTE if other == "S" else "")

    def _partner(self, pools: _Pools, source: str) -> tuple[str | None, str, str]:
        """A partner for ``source``: a block drawn by the mixing table, then an actor in it."""
        src_block = self.block_of[source]
        keys, cum_p = self.mixing[src_block]
        target_block = keys[bisect.bisect_left(cum_p, self.rng.random() * cum_p[-1])]
        return self._pick(pools, target_block), src_block, target_block

    def _collaborate(self, source: str, target: str, src_block: str, target_block: str) -> None:
        """A samenwerking, or a verwijzing where the two roles often refer."""
        rng = self.rng
        kind, note = _SAMENWERKING, ""
        rs, rt = self.role_of[source], self.role_of[target]
        if (rt, rs) in REFERRALS:
            source, target, rs, rt = target, source, rt, rs
        if (rs, rt) in REFERRALS and rng.random() < 0.6:
            kind = _VERWIJZING
            if REFERRALS[(rs, rt)]:
                note = f"{REFERRALS[(rs, rt)]}."
        intensity = 0
        if target_block != src_block and "I" not in (src_block, target_block):
            intensity = _INTENSITY_ACROSS[int(rng.random() * 100)]
        self._link(source, target, kind=kind, intensity=intensity, note=note)

    def _first_ties(self, pools: _Pools) -> None:
        """6. Every other actor gets at least one tie (a few tries each) ..."""
        for source in pools.ids:
            for _ in range(20):
                if self.degree[source] > 0:
                    break
                target, src_block, target_block = self._partner(pools, source)
                if target is not None:
                    self._collaborate(source, target, src_block, target_block)

    def _more_ties(self, pools: _Pools) -> None:
        """7. ... then the rest, mostly inside a block and seldom across."""
        attempts = 0
        while self._room() and attempts < 30 * self.n_links + 100:
            attempts += 1
            source = pools.ids[_draw(self.rng, pools.cum)]
            target, src_block, target_block = self._partner(pools, source)
            if target is not None:
                self._collaborate(source, target, src_block, target_block)

    def plant_duplicates(self, count: int) -> None:
        """Enter ``count`` actors of the wijk a second time, as happens when two people map
        the same wijk: an organisation, a professional and maybe an initiative, each under
        a name the Dubbelingen page (``importers.duplicates``) pairs with the original and
        with nothing else, with a link or two of its own. Draws only from ``names_rng``."""
        rng = self.names_rng
        isolated = set(self.isolated)
        partners: dict[str, list[str]] = {}
        for lk in self.links:
            if lk["kind"] != _WERKT_BIJ and "until" not in lk:
                partners.setdefault(lk["source"], []).append(lk["target"])
                partners.setdefault(lk["target"], []).append(lk["source"])
        for kind in (_ORG, _PRO, _INI)[:count]:
            candidates = [
                a
                for a in self.actors
                if a["kind"] == kind
                and a["until"] is None
                and a["id"] not in isolated
                and partners.get(a["id"])
            ]
            rng.shuffle(candidates)
            for original in candidates:
                name = self._respelled(original)
                if name is not None:
                    self._plant(original, name, partners[original["id"]])
                    break

    def _respelled(self, original: dict[str, Any]) -> str | None:
        """A respelling of the original's name alike it and no other name of the wijk."""
        others = [a["name"] for a in self.by_id.values() if a["id"] != original["id"]]
        options = respellings(original["name"], original["kind"])
        self.names_rng.shuffle(options)
        for name in options:
            if (
                name not in self.used_names
                and too_alike(name, original["name"])
                and not any(too_alike(name, other) for other in others)
            ):
                return name
        return None

    def _plant(self, original: dict[str, Any], name: str, partners: list[str]) -> None:
        rng, role = self.names_rng, Role(original["role"])
        kind = original["kind"]
        if kind == _ORG:
            code = ORGS[role][1]
            description = f"{label(role)} in {self.name}. {FICTIONAL_MARK}"
        elif kind == _PRO:
            code = PROS[role][1]
            org_name = self.by_id[original["organisation"]]["name"]
            description = f"{label(role)}, werkt bij {org_name}. {FICTIONAL_MARK}"
        else:
            code = INITIATIVES[role][0]
            what = INITIATIVE_LABELS[role]
            description = f"Inwonersinitiatief ({what}) in {self.name}. {FICTIONAL_MARK}"
        themes = original["themes"]
        record: dict[str, Any] = {
            "id": self._new_id(code, self._width()),
            "kind": kind,
            "name": self._take(name),
            "domain": original["domain"],
            "role": original["role"],
            "themes": sorted(rng.sample(themes, max(1, len(themes) - 1))),
            "kernaanpakken": [],
            "wijken": [self.slug],
            "description": description,
            "since": None,
            "until": None,
        }
        if kind == _PRO:
            record["organisation"] = original["organisation"]
            record["contact"] = original["contact"]
        dup = self._add_actor(record)
        if kind == _PRO:
            org = self.by_id[original["organisation"]]
            self._link(
                dup["id"],
                org["id"],
                kind=_WERKT_BIJ,
                intensity=int(Intensity.SAMENWERKEN),
                period=overlap(dup, org),
            )
            self.staff[org["id"]].append(dup["id"])
        chosen = sorted(set(partners))
        for partner in rng.sample(chosen, min(len(chosen), 1 if kind == _PRO else 2)):
            lo, hi = overlap(dup, self.by_id[partner])
            if hi is None:
                self._link(
                    dup["id"], partner, intensity=rng.choice((1, 2, 2, 3)), period=(lo, None)
                )
        self.planted.append((original["id"], dup["id"]))

    def link_shared(self, per_shared: int) -> None:
        """Link each regional actor to a few organisations of this wijk."""
        targets = [
            a["id"]
            for a in self.actors
            if a["role"]
            in (
                Role.HUISARTSENPRAKTIJK.value,
                Role.GEMEENTE.value,
                Role.WIJKVERPLEGING.value,
                Role.WELZIJNSORGANISATIE.value,
            )
        ]
        for shared in self.shared:
            for target in self.rng.sample(targets, min(per_shared, len(targets))):
                self._link(
                    shared["id"],
                    target,
                    intensity=self.rng.choice((1, 2, 2, 3)),
                    note="Contractafspraken en preventie.",
                )


def _cumulative(weights: Sequence[float]) -> list[float]:
    acc, out = 0.0, []
    for w in weights:
        acc += w
        out.append(acc)
    return out


def _draw(rng: random.Random, cum: Sequence[float]) -> int:
    """An index drawn with the weights whose running sums are ``cum``."""
    return min(bisect.bisect_right(cum, rng.random() * cum[-1]), len(cum) - 1)


# -- planted duplicates ------------------------------------------------------------------

_DOUBLE = re.compile(r"([a-z])\1")
_RESPELL = (
    ("Huisartsenpraktijk", "Huisartspraktijk"),
    ("Lief-en-leed-straat", "Lief en leed straat"),
    ("é", "e"),
    ("ë", "e"),
    (" De ", " de "),
    (" Het ", " het "),
    (" Op ", " op "),
    (" Aan ", " aan "),
)


def respellings(name: str, kind: str) -> list[str]:
    """How somebody entering ``name`` again might write it: another spelling or case, a
    dropped accent, or, for a person, a typo in the surname (a doubled letter single, a
    final s dropped)."""
    out: list[str] = []
    if kind == _PRO:
        first, last = name.split(" ", 1)
        words = last.split(" ")
        surname = words[-1]
        typos = [surname[: m.start()] + surname[m.start() + 1 :] for m in _DOUBLE.finditer(surname)]
        if surname.endswith("s") and len(surname) > 5:
            typos.append(surname[:-1])
        out += [" ".join((first, *words[:-1], typo)) for typo in typos]
        out += [name.replace(a, b) for a, b in _RESPELL[3:5] if a in first]
    else:
        out += [name.replace(a, b) for a, b in _RESPELL if a in name and a != b]
    return [v for v in dict.fromkeys(out) if v != name]
