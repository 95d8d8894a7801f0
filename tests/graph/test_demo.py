"""The synthetic demo data: deterministic, valid, fictional, and shaped like a real wijk."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

import graph.demo as demo_module
import graph.model
from api.stale import stale_rows
from graph.demo import (
    DEMO_DATE,
    FIRST_NAMES,
    SURNAMES,
    DemoData,
    generate,
    generate_region,
    generate_wijk,
    load_demo,
)
from graph.model import (
    ActorIn,
    ActorKind,
    BulkResult,
    Domain,
    Kernaanpak,
    LinkIn,
    LinkKind,
    Role,
    WijkIn,
    utcnow,
)
from graph.store import open_store
from graph.store.sqlite import SqliteStore
from importers.duplicates import find_duplicates

ROOT = Path(__file__).resolve().parents[2]

PILOTS = {
    "bleijerheide-centrum-nulland": ("Bleijerheide-Centrum-Nulland", "Kerkrade", 1),
    "daalhof": ("Daalhof", "Maastricht", 1),
    "de-baandert": ("De Baandert", "Sittard-Geleen", 1),
    "eijsden": ("Eijsden", "Eijsden-Margraten", 1),
    "hoensbroek-noord": ("Hoensbroek-Noord", "Heerlen", 1),
    "lindenheuvel": ("Lindenheuvel", "Sittard-Geleen", 1),
    "douvenrade": ("Douvenrade", "Heerlen", 2),
    "elsloo": ("Elsloo", "Stein", 2),
    "nuth": ("Nuth", "Beekdaelen", 2),
    "obbicht": ("Obbicht", "Sittard-Geleen", 2),
    "schaesberg": ("Schaesberg", "Landgraaf", 2),
    "schinveld": ("Schinveld", "Beekdaelen", 2),
}
CARE = {Domain.ZORG, Domain.ZORGVERZEKERAAR}
REAL_PEOPLE = {  # named in the programme's own texts; never to appear in demo data
    "Esther van Engelshoven",
    "Jeroen Hoenderkamp",
    "Wiro Gruisen",
    "Thomas Gelissen",
    "Suzan Eerkens",
    "Micha Lutgens",
    "Jorn van Harwegen",
    "Hanneke Beerens",
}


@pytest.fixture(scope="module")
def data() -> DemoData:
    return generate()


@pytest.fixture(scope="module")
def loaded(data) -> SqliteStore:
    """The demo as ``wijknet load-demo`` writes it."""
    store = SqliteStore(":memory:")
    load_demo(store, data=data)
    return store


def _digest(d: DemoData) -> str:
    h = hashlib.sha256()
    for record in (*d.wijken, *d.actors, *d.links):
        h.update(record.model_dump_json().encode())
    for key, history in (*sorted(d.actor_history.items()), *sorted(d.link_history.items())):
        h.update(f"{key}:{history.entered}:{history.confirmed}".encode())
    h.update(repr(d.planted).encode())
    return h.hexdigest()


def _collaborations(links: list[LinkIn]) -> list[LinkIn]:
    return [lk for lk in links if lk.kind is not LinkKind.WERKT_BIJ]


# -- determinism -----------------------------------------------------------------------


def test_same_seed_gives_identical_data(data):
    again = generate()
    assert again == data
    assert _digest(again) == _digest(data)


def test_other_seed_gives_other_data(data):
    other = generate(7)
    assert [w.slug for w in other.wijken] == [w.slug for w in data.wijken]
    assert _digest(other) != _digest(data)


def test_identical_in_another_python_process(data):
    code = (
        "import hashlib; from graph.demo import generate; d = generate(); h = hashlib.sha256()\n"
        "for r in (*d.wijken, *d.actors, *d.links): h.update(r.model_dump_json().encode())\n"
        "for k, v in (*sorted(d.actor_history.items()), *sorted(d.link_history.items())):\n"
        "    h.update(f'{k}:{v.entered}:{v.confirmed}'.encode())\n"
        "h.update(repr(d.planted).encode())\n"
        "print(h.hexdigest())"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == _digest(data)


def test_uses_no_global_random_state():
    import random

    saved = random.getstate()
    try:
        random.seed(1)
        first = generate(3)
        random.seed(2)
        state = random.getstate()
        assert generate(3) == first
        assert random.getstate() == state
    finally:
        random.setstate(saved)


# -- wijken and actors -----------------------------------------------------------------


def test_twelve_pilot_wijken_with_gemeente_and_cohort(data):
    got = {w.slug: (w.name, w.gemeente, w.cohort) for w in data.wijken}
    assert got == PILOTS


def test_each_wijk_has_40_to_150_actors_and_sizes_differ(data):
    counts = {slug: len(data.actors_in(slug)) for slug in PILOTS}
    assert all(40 <= n <= 150 for n in counts.values()), counts
    assert len(set(counts.values())) >= 8
    assert max(counts.values()) - min(counts.values()) >= 50


def test_every_record_validates_and_has_a_unique_id(data):
    for model, records in ((WijkIn, data.wijken), (ActorIn, data.actors), (LinkIn, data.links)):
        for record in records:
            assert model.model_validate(record.model_dump()) == record
    assert all(a.id for a in data.actors) and all(lk.id for lk in data.links)
    assert len({a.id for a in data.actors}) == len(data.actors)
    assert len({lk.id for lk in data.links}) == len(data.links)
    for slug in PILOTS:  # readable, stable ids such as daalhof-ha-01
        assert all(
            a.id.startswith(slug + "-") for a in data.actors_in(slug) if a.id != "regio-zvz-01"
        )


def test_every_actor_belongs_to_pilot_wijken(data):
    for actor in data.actors:
        assert set(actor.wijken) <= PILOTS.keys()


def test_kinds_in_plausible_proportions(data):
    for slug in PILOTS:
        kinds = Counter(a.kind for a in data.actors_in(slug))
        n = sum(kinds.values())
        assert 0.15 <= kinds[ActorKind.ORGANISATIE] / n <= 0.30, (slug, kinds)
        assert 0.40 <= kinds[ActorKind.PROFESSIONAL] / n <= 0.65, (slug, kinds)
        assert 0.12 <= kinds[ActorKind.INITIATIEF] / n <= 0.30, (slug, kinds)


def test_each_wijk_has_the_core_organisations_and_professionals(data):
    for slug in PILOTS:
        roles = {a.role for a in data.actors_in(slug)}
        assert {
            Role.GEMEENTE,
            Role.HUISARTSENPRAKTIJK,
            Role.WELZIJNSORGANISATIE,
            Role.WIJKVERPLEGING,
            Role.POLITIE,
            Role.ZORGVERZEKERAAR,
            Role.HUISARTS,
            Role.POH_GGZ,
            Role.WELZIJNSCOACH,
            Role.WIJKMAKELAAR,
            Role.SOCIAAL_WERKER,
            Role.WIJKVERPLEEGKUNDIGE,
            Role.WIJKAGENT,
        } <= roles, slug


def test_domains_follow_roles(data):
    expected = {
        Role.HUISARTS: Domain.ZORG,
        Role.POH_GGZ: Domain.ZORG,
        Role.WIJKVERPLEEGKUNDIGE: Domain.ZORG,
        Role.HUISARTSENPRAKTIJK: Domain.ZORG,
        Role.WELZIJNSCOACH: Domain.SOCIAAL,
        Role.SOCIAAL_WERKER: Domain.SOCIAAL,
        Role.WIJKMAKELAAR: Domain.SOCIAAL,
        Role.WELZIJNSORGANISATIE: Domain.SOCIAAL,
        Role.GEMEENTE: Domain.GEMEENTE,
        Role.WIJKAGENT: Domain.VEILIGHEID,
        Role.WONINGCORPORATIE: Domain.WONEN,
        Role.ZORGVERZEKERAAR: Domain.ZORGVERZEKERAAR,
    }
    for actor in data.actors:
        if actor.kind is ActorKind.INITIATIEF:
            assert actor.domain is Domain.INWONERS
        elif actor.role in expected:
            assert actor.domain is expected[actor.role], actor
        assert actor.themes, actor.id


def test_kernaanpakken_only_on_plausible_actors(data):
    allowed = {
        "welzijn-op-recept": {
            Role.HUISARTS,
            Role.POH_GGZ,
            Role.WELZIJNSCOACH,
            Role.SOCIAAL_WERKER,
            Role.HUISARTSENPRAKTIJK,
            Role.WELZIJNSORGANISATIE,
            Role.ZORGVERZEKERAAR,
        },
        "pluspraktijk": {
            Role.HUISARTS,
            Role.POH_GGZ,
            Role.POH_SOMATIEK,
            Role.HUISARTSENPRAKTIJK,
            Role.ZORGVERZEKERAAR,
        },
    }
    used = Counter()
    for actor in data.actors:
        for k in actor.kernaanpakken:
            used[k.value] += 1
            if k.value in allowed:
                assert actor.role in allowed[k.value], (k, actor.role)
    assert set(used) == {
        "doorbraakmethode",
        "welzijn-op-recept",
        "kernteam-ouderen",
        "pluspraktijk",
    }
    # cohort 1 started earlier: its kernaanpakken reach more actors than cohort 2's
    share = {}
    for cohort in (1, 2):
        actors = [
            a for a in data.actors if a.id != "regio-zvz-01" and PILOTS[a.wijken[0]][2] == cohort
        ]
        share[cohort] = sum(bool(a.kernaanpakken) for a in actors) / len(actors)
    assert share[1] > share[2] + 0.1, share

    def has_wor_coach(slug: str) -> bool:
        return any(
            a.role is Role.WELZIJNSCOACH and Kernaanpak.WELZIJN_OP_RECEPT in a.kernaanpakken
            for a in data.actors_in(slug)
        )

    cohort_1 = [slug for slug, (_name, _gemeente, cohort) in PILOTS.items() if cohort == 1]
    assert sum(has_wor_coach(slug) for slug in cohort_1) >= 4


def test_every_professional_works_at_an_organisation_of_its_wijk(data):
    by_id = {a.id: a for a in data.actors}
    works = {(lk.source, lk.target) for lk in data.links if lk.kind is LinkKind.WERKT_BIJ}
    professionals = [a for a in data.actors if a.kind is ActorKind.PROFESSIONAL]
    assert professionals
    for pro in professionals:
        org = by_id.get(pro.organisation)
        assert org is not None and org.kind is ActorKind.ORGANISATIE, pro.id
        assert set(pro.wijken) <= set(org.wijken), pro.id
        assert (pro.id, org.id) in works, pro.id
    assert len(works) == len(professionals)  # and nothing else works anywhere


# -- links -----------------------------------------------------------------------------


def test_links_join_existing_actors_without_self_links_or_duplicate_pairs(data):
    ids = {a.id for a in data.actors}
    pairs = Counter(frozenset((lk.source, lk.target)) for lk in data.links)
    for lk in data.links:
        assert lk.source in ids and lk.target in ids
        assert lk.source != lk.target
    assert max(pairs.values()) == 1


def test_link_kinds_and_intensities(data):
    kinds = Counter(lk.kind for lk in data.links)
    assert kinds[LinkKind.SAMENWERKING] > kinds[LinkKind.VERWIJZING] > 0
    assert {lk.intensity.value for lk in data.links} == {1, 2, 3, 4}
    by_id = {a.id: a for a in data.actors}
    referrals = [lk for lk in data.links if lk.kind is LinkKind.VERWIJZING]
    assert any(
        by_id[lk.source].role in (Role.HUISARTS, Role.POH_GGZ)
        and by_id[lk.target].role is Role.WELZIJNSCOACH
        for lk in referrals
    )


def test_some_isolated_initiatives(data):
    linked = {end for lk in data.links for end in (lk.source, lk.target)}
    isolated = [a for a in data.actors if a.id not in linked]
    assert len(isolated) >= 12
    assert sum(a.kind is ActorKind.INITIATIEF for a in isolated) >= 0.8 * len(isolated)
    for slug in PILOTS:
        assert any(a.kind is ActorKind.INITIATIEF and slug in a.wijken for a in isolated), slug


def test_dates_lie_between_2023_and_the_demo_date(data):
    for record in (*data.actors, *data.links):
        for day in (record.since, record.until):
            assert day is None or date(2023, 1, 1) <= day <= DEMO_DATE


def test_some_links_ended_and_some_began_recently(data):
    ended = [lk for lk in data.links if lk.until is not None and lk.until < DEMO_DATE]
    recent = [lk for lk in data.links if lk.since and lk.since >= DEMO_DATE - timedelta(365)]
    assert len(ended) >= 0.04 * len(data.links)
    assert len(recent) >= 0.04 * len(data.links)
    ended_actors = [a for a in data.actors if a.until is not None]
    recent_actors = [a for a in data.actors if a.since and a.since >= DEMO_DATE - timedelta(365)]
    assert ended_actors and recent_actors
    assert {a.kind for a in ended_actors} >= {ActorKind.PROFESSIONAL, ActorKind.INITIATIEF}


def test_links_lie_within_the_lifetime_of_both_ends(data):
    by_id = {a.id: a for a in data.actors}
    for lk in data.links:
        for end in (by_id[lk.source], by_id[lk.target]):
            if end.since is not None:
                assert lk.since is not None and lk.since >= end.since, lk
            if end.until is not None:
                assert lk.until is not None and lk.until <= end.until, lk


def _domain_counts(d: DemoData, slug: str) -> dict[str, float]:
    actors = {a.id: a for a in d.actors_in(slug)}
    n_care = sum(1 for a in actors.values() if a.domain in CARE)
    n_social = len(actors) - n_care
    within_care = within_social = across = 0
    for lk in _collaborations(d.links_in(slug)):
        a, b = actors[lk.source].domain in CARE, actors[lk.target].domain in CARE
        if a and b:
            within_care += 1
        elif not a and not b:
            within_social += 1
        else:
            across += 1
    return {
        "care_density": within_care / (n_care * (n_care - 1) / 2),
        "social_density": within_social / (n_social * (n_social - 1) / 2),
        "cross_density": across / (n_care * n_social),
        "cross_share": across / (within_care + within_social + across),
        "across": across,
    }


def test_zorg_and_sociaal_are_dense_inside_and_sparse_across(data):
    shares = {}
    for slug in PILOTS:
        c = _domain_counts(data, slug)
        assert c["cross_density"] * 1.5 < c["care_density"], (slug, c)
        assert c["cross_density"] * 1.5 < c["social_density"], (slug, c)
        assert c["across"] > 0, slug  # few ties across, but not none
        shares[slug] = c["cross_share"]
    assert sum(shares.values()) / len(shares) < 0.25
    assert max(shares.values()) - min(shares.values()) >= 0.05  # wijken differ


def test_each_wijk_has_a_broker_between_zorg_and_sociaal(data):
    for slug in PILOTS:
        actors = {a.id: a for a in data.actors_in(slug)}
        ties: dict[str, Counter] = {i: Counter() for i in actors}
        for lk in _collaborations(data.links_in(slug)):
            for me, other in ((lk.source, lk.target), (lk.target, lk.source)):
                ties[me]["care" if actors[other].domain in CARE else "social"] += 1
        brokers = [
            i
            for i, t in ties.items()
            if actors[i].kind is ActorKind.PROFESSIONAL and t["care"] >= 2 and t["social"] >= 2
        ]
        assert brokers, slug


# -- fictional -------------------------------------------------------------------------


def test_data_says_it_is_fictional_in_dutch(data):
    assert "synthetic" in (demo_module.__doc__ or "").lower()
    assert "fictieve demodata" in (demo_module.__doc__ or "").lower()
    for actor in data.actors:
        text = actor.description.lower()
        assert "fictieve demodata" in text, actor.id
        assert "synthetic" not in text and "fictional" not in text, actor.id
    for link in data.links:
        assert "synthetic" not in link.note.lower(), link.id


def test_people_and_contacts_are_fictional(data):
    names = {a.name for a in data.actors}
    assert not names & REAL_PEOPLE
    first, last = set(FIRST_NAMES), set(SURNAMES)
    typos = {dup: original for original, dup in data.planted}  # "Janssen" entered as "Jansen"
    by_id = {a.id: a for a in data.actors}
    for actor in data.actors:
        assert "CZ" not in actor.name.split() and "VGZ" not in actor.name.split()
        if actor.kind is ActorKind.PROFESSIONAL:
            given, family = actor.name.split(" ", 1)
            if actor.id in typos:
                given, family = by_id[typos[actor.id]].name.split(" ", 1)
            assert given in first and family in last, actor.name
    contacts = [a.contact for a in data.actors if a.contact is not None]
    assert contacts
    assert all(a.kind is ActorKind.PROFESSIONAL for a in data.actors if a.contact)
    assert len(contacts) < 0.6 * sum(a.kind is ActorKind.PROFESSIONAL for a in data.actors)
    for contact in contacts:
        assert contact.email.endswith(".example")
        assert contact.phone.startswith("06-00")
    assert all(a.contact is None for a in data.actors if a.kind is not ActorKind.PROFESSIONAL)


def test_professional_names_are_unique_within_a_wijk(data):
    for slug in PILOTS:
        names = [a.name for a in data.actors_in(slug) if a.kind is ActorKind.PROFESSIONAL]
        assert len(names) == len(set(names)), slug


def test_every_name_is_distinct_and_never_numbered(data):
    for slug in PILOTS:
        names = [a.name for a in data.actors_in(slug)]
        assert len(names) == len(set(names)), slug
        assert not [n for n in names if re.search(r"\(\d+\)|\d$", n)], slug
    # what the generator numbered before: now other plausible names
    daalhof = {a.name for a in data.actors_in("daalhof")}
    assert {"Sociaal wijkteam Daalhof", "Taalcafé Daalhof"} <= daalhof


# -- actueel houden, ended links and likely duplicates -----------------------------------


def test_a_share_of_each_wijk_is_not_confirmed_for_over_a_year(data, loaded):
    shares = {}
    for slug in PILOTS:
        rows = stale_rows(loaded, slug, days=365, user=None)
        actors, links = loaded.list_actors(slug), loaded.list_links(slug)
        n_actors = sum(r.kind == "actor" for r in rows)
        n_links = sum(r.kind == "link" for r in rows)
        shares[slug] = n_actors / len(actors)
        assert 0.15 <= n_actors / len(actors) <= 0.25, (slug, n_actors, len(actors))
        assert 0.12 <= n_links / len(links) <= 0.26, (slug, n_links, len(links))
        assert all(366 <= r.days <= 700 for r in rows), slug
        assert not [r for r in rows if r.id in {dup for _o, dup in data.planted}]
    assert max(shares.values()) - min(shares.values()) >= 0.04  # wijken differ
    confirmed = [a for a in loaded.list_actors() if a.confirmed is not None]
    assert len(confirmed) > 0.4 * len(data.actors)
    assert all(a.confirmed.by == "demo" for a in confirmed)


def test_history_is_consistent(data):
    history = data.actor_history | {}
    assert history.keys() == {a.id for a in data.actors}
    assert data.link_history.keys() == {lk.id for lk in data.links}
    by_id = {a.id: a for a in data.actors}
    for actor in data.actors:
        h = history[actor.id]
        assert h.entered >= 1 and (h.confirmed is None or 1 <= h.confirmed < h.entered)
        if actor.organisation:  # entered once its organisation was there
            assert h.entered <= history[actor.organisation].entered, actor.id
        if actor.since is not None and (DEMO_DATE - actor.since).days < 300:
            assert h.entered <= (DEMO_DATE - actor.since).days + 1, actor.id
    for lk in data.links:
        h = data.link_history[lk.id]
        assert h.confirmed is None or 1 <= h.confirmed < h.entered
        for end in (lk.source, lk.target):
            assert h.entered <= history[end].entered, (lk.id, by_id[end].name)
        if lk.since is None:  # made when entered: never a new link of the last twelve months
            assert h.entered > 365, lk.id


def test_loading_maps_the_history_onto_the_day_of_loading(data, loaded):
    now = utcnow()
    assert abs((graph.model.utcnow() - now).total_seconds()) < 60  # the clock is back
    actor = loaded.get_actor("daalhof-gem-01")
    h = data.actor_history[actor.id]
    assert (now - actor.created_at).days in (h.entered - 1, h.entered)
    if h.confirmed is not None:
        assert (now - actor.confirmed.at).days in (h.confirmed - 1, h.confirmed)
    log = loaded.audit_log(limit=5000)
    assert [e.seq for e in log] == sorted((e.seq for e in log), reverse=True)
    assert [e.at for e in log] == sorted((e.at for e in log), reverse=True)  # in order


def test_some_links_ended_in_every_wijk(data, loaded):
    for slug in PILOTS:
        links = data.links_in(slug)
        ended = [lk for lk in links if lk.until is not None and lk.until < DEMO_DATE]
        assert len(ended) >= 3 and len(ended) >= 0.03 * len(links), slug
        earlier = loaded.snapshot(slug, as_of=DEMO_DATE - timedelta(days=300))
        now = loaded.snapshot(slug, as_of=DEMO_DATE)
        assert {lk.id for lk in earlier.links} - {lk.id for lk in now.links}, slug


def test_the_dubbelingen_page_finds_exactly_the_planted_duplicates(data, loaded):
    planted: dict[str, set[frozenset[str]]] = {slug: set() for slug in PILOTS}
    by_id = {a.id: a for a in data.actors}
    for original, dup in data.planted:
        assert by_id[original].kind is by_id[dup].kind
        planted[by_id[original].wijken[0]].add(frozenset((original, dup)))
    kinds = Counter(by_id[dup].kind for _o, dup in data.planted)
    assert kinds[ActorKind.ORGANISATIE] == kinds[ActorKind.PROFESSIONAL] == 12
    assert kinds[ActorKind.INITIATIEF] >= 3
    for slug in PILOTS:
        assert 2 <= len(planted[slug]) <= 3, slug
        found = find_duplicates(loaded.list_actors(slug), wijk=slug)
        assert {frozenset((p.a, p.b)) for p in found} == planted[slug], slug
    # a planted duplicate has a link or two of its own and never stands alone
    linked = {end for lk in data.links for end in (lk.source, lk.target)}
    assert all(dup in linked for _o, dup in data.planted)


# -- large synthetic data for benchmarks -----------------------------------------------


@pytest.mark.parametrize("n", [500, 2000])
def test_generate_wijk_for_benchmarks(n):
    d = generate_wijk("benchmark-wijk", n, seed=1)
    assert len(d.wijken) == 1 and d.wijken[0].slug == "benchmark-wijk"
    assert len(d.actors) == n
    assert len(d.links) == 4 * n
    assert generate_wijk("benchmark-wijk", n, seed=1) == d
    ids = {a.id for a in d.actors}
    assert len(ids) == n
    assert len({frozenset((lk.source, lk.target)) for lk in d.links}) == len(d.links)
    assert all(lk.source in ids and lk.target in ids for lk in d.links)
    works = {lk.source for lk in d.links if lk.kind is LinkKind.WERKT_BIJ}
    assert all(a.id in works for a in d.actors if a.kind is ActorKind.PROFESSIONAL)
    linked = {end for lk in d.links for end in (lk.source, lk.target)}
    assert len(ids - linked) >= n // 100  # isolates scale with the wijk


def test_generate_wijk_for_a_pilot_takes_its_identity():
    d = generate_wijk("daalhof", 300, links_per_actor=3)
    assert d.wijken[0] == WijkIn(slug="daalhof", name="Daalhof", gemeente="Maastricht", cohort=1)
    assert len(d.links) == 900


def test_generate_region_has_exact_counts():
    d = generate_region(3000, 15000, seed=5)
    assert len(d.actors) == 3000
    assert len(d.links) == 15000
    assert len(d.wijken) == 12
    ids = {a.id for a in d.actors}
    assert len(ids) == 3000 and len({lk.id for lk in d.links}) == 15000
    assert all(lk.source in ids and lk.target in ids for lk in d.links)
    assert len({frozenset((lk.source, lk.target)) for lk in d.links}) == 15000
    wijk_of = {a.id: set(a.wijken) for a in d.actors}
    across = [lk for lk in d.links if not wijk_of[lk.source] & wijk_of[lk.target]]
    assert 0 < len(across) <= 0.05 * len(d.links)
    assert generate_region(3000, 15000, seed=5) == d


def test_generate_region_with_more_wijken_than_pilots():
    d = generate_region(1500, 6000, n_wijken=14)
    assert len(d.wijken) == 14 and d.wijken[-1].slug == "synthetische-wijk-14"
    assert len(d.actors) == 1500 and len(d.links) == 6000


def test_generate_region_refuses_too_few_actors():
    with pytest.raises(ValueError):
        generate_region(50, 100)
    with pytest.raises(ValueError):
        generate_wijk("x-wijk", 5)


# -- loading ---------------------------------------------------------------------------


class _RecordingStore:
    def __init__(self) -> None:
        self.calls: list[dict] = []

    def bulk_upsert(self, *, wijken=(), actors=(), links=(), by):
        self.calls.append({"wijken": wijken, "actors": actors, "links": links, "by": by})
        return BulkResult(created=len(wijken) + len(actors) + len(links))


def test_load_demo_writes_data_without_history_in_one_bulk_upsert():
    data = generate_wijk("benchmark-wijk", 60, seed=1)
    assert not data.actor_history and not data.link_history and not data.planted
    store = _RecordingStore()
    result = load_demo(store, data=data)
    assert len(store.calls) == 1
    call = store.calls[0]
    assert call["by"] == "demo"
    assert list(call["wijken"]) == data.wijken
    assert list(call["actors"]) == data.actors
    assert list(call["links"]) == data.links
    assert result.created == len(data.wijken) + len(data.actors) + len(data.links)


def test_load_demo_writes_every_record_as_generated(data, loaded):
    assert {w.slug for w in loaded.list_wijken()} == PILOTS.keys()
    stored = {a.id: a for a in loaded.list_actors()}
    fields = set(ActorIn.model_fields)
    assert {i: ActorIn.model_validate(a.model_dump(include=fields)) for i, a in stored.items()} == {
        a.id: a for a in data.actors
    }
    assert len(loaded.list_links()) == len(data.links)


def test_load_demo_into_sqlite_twice_creates_then_changes_nothing(tmp_path, data):
    total = len(data.wijken) + len(data.actors) + len(data.links)
    store = open_store("sqlite:///" + str(tmp_path / "x.db"))
    try:
        first = load_demo(store, data=data)
        assert (first.created, first.updated, first.unchanged) == (total, 0, 0)
        counter = store.change_counter("daalhof")
        second = load_demo(store)
        assert (second.created, second.updated, second.unchanged) == (0, 0, total)
        assert store.change_counter("daalhof") == counter
        assert {w.slug for w in store.list_wijken()} == PILOTS.keys()
        for slug in PILOTS:
            assert len(store.list_actors(slug)) == len(data.actors_in(slug))
        snapshot = store.snapshot("daalhof", as_of=DEMO_DATE)
        assert 40 <= len(snapshot.actors) <= 150 and snapshot.links
    finally:
        store.close()
