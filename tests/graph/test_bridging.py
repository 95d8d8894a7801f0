"""Bridging suggestions, varied openings and named groups.

Every isolated actor and every loose part of a network gets a suggestion into its largest
part (``kind="brug"``); the ranked suggestions open with what is most particular to the
pair; groups are named after their most central member.
"""

from __future__ import annotations

import random
import re
from collections import Counter

import networkx as nx
import pytest

from graph.analysis import analyse, build_graph, graph_from_records, prepare
from graph.analysis.build import display_name
from graph.analysis.suggestions import BRIDGE_POINTS, ENTRY_ROLES, suggest
from graph.demo import generate
from tests.graph.wijk_factory import actor, chain_wijk, link, snapshot

ENGLISH = re.compile(r"\b(the|and|with|has|not|between|group)\b", re.IGNORECASE)


def bridges(result):
    return [s for s in result if s.kind == "brug"]


def ranked(result):
    return [s for s in result if s.kind == "gemeenschappelijk"]


def parts(G: nx.Graph) -> tuple[set, list[set]]:
    """The largest part (as ``prepare`` numbers it) and the other parts."""
    p = prepare(G)
    comps: dict[int, set] = {}
    for i, c in enumerate(p.component.tolist()):
        comps.setdefault(c, set()).add(p.ix.nodes[i])
    return comps[0], [comps[c] for c in sorted(comps) if c != 0]


def check_bridging(G: nx.Graph, result, exclude=()) -> None:
    """The rules every result must keep, on any graph."""
    main, loose = parts(G)
    blocked = {frozenset(pair) for pair in exclude}
    seen = set()
    for s in result:
        pair = frozenset((s.a.id, s.b.id))
        assert s.a.id != s.b.id
        assert not G.has_edge(s.a.id, s.b.id), "already linked"
        assert pair not in blocked, "decided on"
        assert pair not in seen, "suggested twice"
        seen.add(pair)
        assert s.score == round(sum(r.points for r in s.reasons), 2)
        for r in s.reasons:
            assert r.text.endswith(".") and not ENGLISH.search(r.text), r.text
    if len(main) < 2:
        assert not bridges(result)
        return
    for part in loose:
        into_main = [s for s in result if {s.a.id, s.b.id} & part and {s.a.id, s.b.id} & main]
        assert into_main, f"no suggestion joins {sorted(part)} to the largest part"
        mine = [s for s in bridges(result) if {s.a.id, s.b.id} & part]
        assert len(mine) <= (1 if len(part) == 1 else 2)
    for s in bridges(result):
        ends = {s.a.id, s.b.id}
        member = next(iter(ends - main))
        other = next(iter(ends & main))
        assert len(ends & main) == 1
        opening = s.reasons[0].text
        names = {x.id: display_name(x) for x in (s.a, s.b)}
        assert opening.startswith(names[member]), opening
        assert names[other] in opening
        assert "met niemand contact" in opening or "los deel van het netwerk" in opening
        assert names[other] in s.action and names[member] in s.action


# -- the demo wijken ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo():
    data = generate(2025)
    return {
        w.slug: graph_from_records(data.actors_in(w.slug), data.links_in(w.slug), wijk=w.slug)
        for w in data.wijken
    }


def test_every_demo_wijk_joins_every_isolate_and_every_loose_part(demo):
    assert len(demo) == 12
    for slug, G in demo.items():
        result = suggest(G)
        check_bridging(G, result)
        main, loose = parts(G)
        assert loose, slug  # every demo wijk has loose parts: the rule is exercised
        assert len(ranked(result)) == 10
        assert result == ranked(result) + bridges(result)  # ranked first, then bridging


def test_daalhof_reaches_its_two_isolated_actors(demo):
    G = demo["daalhof"]
    result = bridges(suggest(G))
    names = {G.nodes[n]["name"] for n in nx.isolates(G)}
    assert names == {"Buurthuis De Schakel", "Lief-en-leed-straat Lijsterbeslaan"}
    openings = [s.reasons[0].text for s in result]
    for name in names:
        assert any(o.startswith(f"{name} heeft nog met niemand contact; ") for o in openings)


def test_decided_pairs_never_return_and_an_other_pair_takes_their_place(demo):
    G = demo["obbicht"]
    exclude: list[tuple[str, str]] = []
    for _ in range(3):
        result = suggest(G, exclude=exclude)
        check_bridging(G, result, exclude)
        exclude += [(s.b.id, s.a.id) for s in bridges(result)]  # either order is refused


def test_the_ranked_suggestions_open_differently(demo):
    for slug, G in demo.items():
        top = ranked(suggest(G))
        openings = [s.reasons[0].text for s in top]
        assert len(set(openings)) == len(openings), slug
        for s in top:  # the opening names both actors
            assert display_name(s.a) in openings[top.index(s)]
            assert display_name(s.b) in openings[top.index(s)]
    codes = Counter(ranked(suggest(demo["daalhof"]))[i].reasons[0].code for i in range(10))
    assert len(codes) > 1 and "zorg_sociaal" not in codes


# -- seeded networks with isolated actors and loose parts --------------------------------


def _fragmented_wijk(seed: int) -> nx.Graph:
    rng = random.Random(seed)
    domains = ["zorg", "sociaal", "gemeente", "inwoners", "wonen", "onbekend"]
    roles = ["huisarts", "welzijnscoach", "wijkmakelaar", "buurthuis", "wijkontbijt", "overig"]
    themes = ["eenzaamheid", "ouderen", "armoede-en-schulden", "leefstijl", "mantelzorg"]
    n = 60
    actors = [
        actor(
            f"a{i:03d}",
            rng.choice(domains),
            rng.choice(roles),
            name=f"Actor {rng.randint(1, 25)}",  # names repeat: ties are broken by id
            themes=tuple(rng.sample(themes, rng.randint(0, 2))),
            kernaanpakken=("pluspraktijk",) if rng.random() < 0.2 else (),
        )
        for i in range(n)
    ]
    # a main part of 40, loose parts of 5, 3 and 2 (twice), and isolated actors
    edges = [(u, v) for u, v in nx.gnm_random_graph(40, 90, seed=seed).edges()]
    edges += [(u, v) for u in range(40) for v in range(u) if v == u - 1]  # connected
    start = 40
    for size in (5, 3, 2, 2):
        edges += [(start + k, start + k + 1) for k in range(size - 1)]
        start += size
    links = [link(f"a{u:03d}", f"a{v:03d}") for u, v in edges]
    return build_graph(snapshot(actors, links))


@pytest.mark.parametrize("seed", range(8))
def test_seeded_networks_join_every_loose_part(seed):
    G = _fragmented_wijk(seed)
    main, loose = parts(G)
    assert len(main) == 40 and len(loose) == 4 + 8
    result = suggest(G)
    check_bridging(G, result)
    assert len(bridges(result)) >= len(loose)
    again = suggest(G, exclude=[(s.a.id, s.b.id) for s in bridges(result)])
    check_bridging(G, again, [(s.a.id, s.b.id) for s in bridges(result)])
    assert suggest(G) == result  # deterministic


@pytest.mark.parametrize("seed", range(3))
def test_the_order_of_the_records_does_not_matter(seed):
    G = _fragmented_wijk(seed)
    H = nx.Graph()
    H.graph.update(G.graph)
    H.add_nodes_from(reversed(list(G.nodes(data=True))))
    H.add_edges_from(reversed(list(G.edges(data=True))))
    assert [s.model_dump() for s in suggest(G)] == [s.model_dump() for s in suggest(H)]


def test_bridging_comes_on_top_of_the_limit():
    G = _fragmented_wijk(1)
    none_ranked = suggest(G, limit=0)
    assert none_ranked and all(s.kind == "brug" for s in none_ranked)
    assert len(ranked(suggest(G, limit=4))) == 4


# -- how the pair is chosen --------------------------------------------------------------


# ``limit=0``: the bridging suggestions alone, none of the ranked ones


def _main_part(extra_links=()):
    """A small largest part: a GP practice, a welfare organisation and the wijkmakelaar."""
    actors = [
        actor("prak", "zorg", "huisartsenpraktijk", name="Praktijk De Linde"),
        actor(
            "jos",
            "sociaal",
            "wijkmakelaar",
            kind="professional",
            name="Jos Houben",
            themes=("eenzaamheid",),
        ),
        actor("welz", "sociaal", "welzijnsorganisatie", name="Welzijn Plus"),
        actor("corp", "wonen", "woningcorporatie", name="Woonstichting Thuis"),
    ]
    links = [link("prak", "welz"), link("welz", "jos"), link("jos", "corp"), *extra_links]
    return actors, links


def test_shared_themes_and_an_entry_role_choose_the_first_contact():
    actors, links = _main_part()
    actors.append(
        actor(
            "schakel", "inwoners", "buurthuis", name="Buurthuis De Schakel", themes=("eenzaamheid",)
        )
    )
    (s,) = bridges(suggest(build_graph(snapshot(actors, links)), limit=0))
    assert {s.a.id, s.b.id} == {"schakel", "jos"}
    assert s.reasons[0].text == (
        "Buurthuis De Schakel heeft nog met niemand contact; Jos Houben (wijkmakelaar) werkt "
        "ook aan eenzaamheid."
    )
    assert [r.code for r in s.reasons] == ["brug_thema", "brug_rol", "brug_bereik"]
    assert s.action.startswith("Vraag Jos Houben (wijkmakelaar) om contact op te nemen met")
    assert "wijkmakelaar" in ENTRY_ROLES


def test_a_pair_among_the_ranked_suggestions_is_not_repeated():
    actors, links = _main_part()
    actors.append(
        actor(
            "schakel", "inwoners", "buurthuis", name="Buurthuis De Schakel", themes=("eenzaamheid",)
        )
    )
    G = build_graph(snapshot(actors, links))
    result = suggest(G)
    assert {"schakel", "jos"} in [{s.a.id, s.b.id} for s in ranked(result)]
    assert bridges(result) == []  # the isolated actor is reached by the ranked one
    check_bridging(G, result)


def test_someone_who_already_works_with_the_same_kind_of_actor_fits():
    actors, links = _main_part([link("corp", "ontbijt")])
    actors += [
        actor("ontbijt", "inwoners", "wijkontbijt", name="Wijkontbijt Noord"),
        actor("zuid", "onbekend", "wijkontbijt", name="Wijkontbijt Zuid"),
    ]
    (s,) = bridges(suggest(build_graph(snapshot(actors, links)), limit=0))
    # the corporation works with another wijkontbijt; domain and themes do not fit
    assert {s.a.id, s.b.id} == {"zuid", "corp"}
    assert s.reasons[0].code == "brug_kent"
    assert s.reasons[0].points == BRIDGE_POINTS["brug_kent"]
    assert "Woonstichting Thuis werkt al met Wijkontbijt Noord (ook wijkontbijt)" in (
        s.reasons[0].text
    )


def test_without_a_fit_the_wijkmakelaar_is_the_first_contact():
    actors, links = _main_part()
    actors.append(actor("los", "onbekend", "overig", name="Nieuwe Bewonersgroep"))
    (s,) = bridges(suggest(build_graph(snapshot(actors, links)), limit=0))
    assert {s.a.id, s.b.id} == {"los", "jos"}
    assert s.reasons[0].code == "brug_start" and s.reasons[0].points == 0
    text = s.reasons[0].text
    assert text.startswith("Nieuwe Bewonersgroep heeft nog met niemand contact.")
    assert "niemand dezelfde thema's" in text
    assert (
        "Begin bij Jos Houben (wijkmakelaar): de wijkmakelaar is het eerste aanspreekpunt" in text
    )


def test_without_a_wijkmakelaar_the_best_connected_actor_is_named():
    actors, links = _main_part()
    actors = [a for a in actors if a.id != "jos"] + [
        actor("los", "onbekend", "overig", name="Nieuwe Bewonersgroep"),
        actor("hub", "gemeente", "gemeente", name="Gemeente Teststad"),
    ]
    links = [link("prak", "welz"), link("hub", "prak"), link("hub", "welz"), link("hub", "corp")]
    (s,) = bridges(suggest(build_graph(snapshot(actors, links)), limit=0))
    assert {s.a.id, s.b.id} == {"los", "hub"}
    assert "geen wijkmakelaar" in s.reasons[0].text
    assert "begin bij Gemeente Teststad, die in dat deel de meeste contacten heeft" in (
        s.reasons[0].text
    )


def test_a_decided_wijkmakelaar_pair_falls_back_on_the_best_connected():
    actors, links = _main_part()
    actors.append(actor("los", "onbekend", "overig", name="Nieuwe Bewonersgroep"))
    G = build_graph(snapshot(actors, links))
    (s,) = bridges(suggest(G, limit=0, exclude=[("jos", "los")]))
    assert {s.a.id, s.b.id} == {"los", "welz"}  # degree 2, before Jos by name
    assert "Begin bij Welzijn Plus" in s.reasons[0].text
    assert "geen wijkmakelaar" not in s.reasons[0].text
    every = [("los", x) for x in ("prak", "jos", "welz", "corp")]
    assert bridges(suggest(G, limit=0, exclude=every)) == []  # nobody left to suggest


def test_a_loose_part_gets_its_best_pair_and_a_second_one():
    actors, links = _main_part()
    actors += [
        actor("a", "inwoners", "wijkontbijt", name="Wijkontbijt Oost", themes=("eenzaamheid",)),
        actor("b", "wonen", "overig", name="Huurdersvereniging Oost"),
        actor("c", "zorg", "overig", name="Fysio Oost"),
    ]
    links += [link("a", "b"), link("b", "c")]
    result = bridges(suggest(build_graph(snapshot(actors, links)), limit=0))
    assert len(result) == 2
    first, second = ({s.a.id, s.b.id} for s in result)
    assert first == {"a", "jos"}  # shared theme + wijkmakelaar
    assert not first & second  # another member meets another actor
    assert (
        result[0]
        .reasons[0]
        .text.startswith(
            "Wijkontbijt Oost hoort bij een los deel van het netwerk (3 actoren zonder contact "
            "met de rest); Jos Houben (wijkmakelaar) werkt ook aan eenzaamheid."
        )
    )


def test_no_bridging_without_a_largest_part_or_without_loose_parts():
    lonely = snapshot([actor("a", themes=("ouderen",)), actor("b", themes=("ouderen",))], [])
    assert bridges(suggest(build_graph(lonely))) == []  # nobody has a tie: no largest part
    actors, links = _main_part()
    assert bridges(suggest(build_graph(snapshot(actors, links)))) == []


def test_the_chain_wijk_reaches_its_isolated_actor():
    G = build_graph(chain_wijk())
    result = suggest(G)
    check_bridging(G, result)
    (s,) = bridges(result)
    assert "los" in {s.a.id, s.b.id}
    assert s.reasons[0].text.startswith("Wijkontbijt Los heeft nog met niemand contact; ")


# -- groups named after their members ----------------------------------------------------


def test_groups_are_named_after_their_most_central_member(demo):
    for G in demo.values():
        p = prepare(G)
        result = analyse(G, prepared=p)
        for c in result.communities:
            assert c.name == f"Groep rond {display_name(c.center)}"
            assert c.text.startswith(f"{c.name}: {c.size} actoren, vooral ")
            assert not re.search(r"Groep \d", c.text)
            members = {m.id for m in c.members}
            assert c.center.id in members

            def inside(x, members=members, G=G):
                return sum(1 for y in G[x] if y in members)

            best = max(inside(m) for m in members)
            assert inside(c.center.id) == best
            tied = sorted((G.nodes[m]["name"], m) for m in members if inside(m) == best)
            assert (c.center.name, c.center.id) == tied[0]


def test_the_group_reason_names_the_groups():
    members = [actor(f"x{i}", themes=("jeugd-en-gezin",) if i == 3 else ()) for i in range(4)]
    members += [actor(f"y{i}", themes=("jeugd-en-gezin",) if i == 3 else ()) for i in range(4)]
    links = [link(f"{g}{i}", f"{g}{j}") for g in "xy" for i in range(4) for j in range(i)]
    links.append(link("x0", "y0"))
    s = ranked(suggest(build_graph(snapshot(members, links))))[0]
    text = next(r.text for r in s.reasons if r.code == "groepen")
    # x0 and y0 have the most ties inside their groups (the tie x0-y0 crosses groups)
    assert text in (
        "Verbindt twee groepen die nu weinig contact hebben: de groep rond X0 en de groep rond Y0.",
        "Verbindt twee groepen die nu weinig contact hebben: de groep rond Y0 en de groep rond X0.",
    )


def test_when_those_who_fit_were_decided_on_the_text_says_so():
    actors, links = _main_part()
    actors.append(
        actor(
            "schakel", "inwoners", "buurthuis", name="Buurthuis De Schakel", themes=("eenzaamheid",)
        )
    )
    G = build_graph(snapshot(actors, links))
    (s,) = bridges(suggest(G, limit=0, exclude=[("schakel", "jos")]))
    assert {s.a.id, s.b.id} == {"schakel", "welz"}
    assert s.reasons[0].code == "brug_start"
    assert "is al besproken" in s.reasons[0].text
    assert "Begin bij Welzijn Plus, die in dat deel de meeste contacten heeft." in s.reasons[0].text
