"""Comparing wijken and moments, the result cache, and the reports over a real store."""

from __future__ import annotations

import doctest
import time
from datetime import date

import pytest

import graph.analysis.compare
from graph.analysis import analyse, build_graph, reports
from graph.analysis.cache import AnalysisCache
from graph.analysis.compare import compare, diff, region_graph, sort_rows, trend_dates
from graph.demo import DEMO_DATE, load_demo
from graph.errors import InvalidData, NotFound
from graph.model import LinkIn
from graph.store import open_store
from tests.graph.wijk_factory import actor, chain_wijk, link, snapshot


def test_doctests():
    assert doctest.testmod(graph.analysis.compare).failed == 0


# -- pure functions ---------------------------------------------------------------------


def test_trend_dates_step_by_month_week_quarter_and_year():
    assert trend_dates(date(2025, 1, 31), date(2025, 4, 15)) == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 4, 15),
    ]
    assert trend_dates(date(2025, 1, 1), date(2025, 1, 20), "week") == [
        date(2025, 1, 1),
        date(2025, 1, 8),
        date(2025, 1, 15),
        date(2025, 1, 20),
    ]
    assert trend_dates(date(2024, 1, 1), date(2025, 1, 1), "kwartaal") == [
        date(2024, 1, 1),
        date(2024, 4, 1),
        date(2024, 7, 1),
        date(2024, 10, 1),
        date(2025, 1, 1),
    ]
    assert trend_dates(date(2025, 5, 5), date(2025, 5, 5), "jaar") == [date(2025, 5, 5)]
    with pytest.raises(InvalidData):
        trend_dates(date(2025, 5, 5), date(2025, 1, 1))
    with pytest.raises(InvalidData):
        trend_dates(date(2000, 1, 1), date(2025, 1, 1), "week")


def _metrics(slug, actors, links=()):
    return analyse(build_graph(snapshot(actors, list(links), slug=slug))).metrics()


def test_sorting_puts_missing_values_last_and_refuses_unknown_keys():
    rows = [
        _metrics("aa", [actor("x")]),
        _metrics("bb", [actor("x"), actor("y")], [link("x", "y")]),
        _metrics("cc", [actor("x"), actor("y"), actor("z")], [link("x", "y")]),
    ]
    assert [r.wijk for r in sort_rows(rows, "density")] == ["cc", "bb", "aa"]
    assert [r.wijk for r in sort_rows(rows, "density", descending=True)] == ["bb", "cc", "aa"]
    assert [r.wijk for r in sort_rows(rows, "actors", descending=True)] == ["cc", "bb", "aa"]
    with pytest.raises(InvalidData) as err:
        sort_rows(rows, "nonsense")
    assert err.value.errors[0].field == "sort"


def test_compare_gives_means_and_keeps_the_region_row():
    rows = [
        _metrics("aa", [actor("x"), actor("y")], [link("x", "y")]),
        _metrics("bb", [actor("x"), actor("y"), actor("z")]),
    ]
    region = rows[0].model_copy(update={"wijk": "regio"})
    result = compare(rows, region, as_of=date(2025, 1, 1), sort="actors", descending=True)
    assert [r.wijk for r in result.rows] == ["bb", "aa"]
    assert result.means["actors"] == 2.5 and result.means["density"] == 0.5
    assert result.region.wijk == "regio"


def test_region_graph_counts_an_actor_of_two_wijken_once():
    shared = actor("zv", "zorgverzekeraar", wijken=("oost", "west"))
    east = snapshot(
        [shared, actor("e1", wijken=("oost",))], [link("zv", "e1", id="l1")], slug="oost"
    )
    west = snapshot(
        [shared, actor("w1", wijken=("west",))], [link("zv", "w1", id="l2")], slug="west"
    )
    G = region_graph([east, west])
    assert sorted(G) == ["e1", "w1", "zv"] and G.number_of_edges() == 2


def test_diff_lists_what_appeared_and_disappeared_and_how_measures_moved():
    before = chain_wijk()
    later = before.model_copy(
        update={
            "as_of": date(2025, 12, 1),
            "actors": [a for a in before.actors if a.id != "club"] + [actor("new", "wonen")],
            "links": [lk for lk in before.links if lk.target != "club"]
            + [link("new", "gem", id="n1")],
        }
    )
    m0, m1 = (analyse(build_graph(s)).metrics() for s in (before, later))
    result = diff(before, later, m0, m1)
    assert [a.id for a in result.actors_added] == ["new"]
    assert [a.id for a in result.actors_removed] == ["club"]
    assert [lk.id for lk in result.links_added] == ["n1"]
    assert [(lk.a.id, lk.b.id) for lk in result.links_removed] == [("wc", "club")]
    moved = {m.metric: m for m in result.metrics}
    assert moved["actors"].before == 9 and moved["actors"].after == 9
    assert moved["actors"].change == 0 and isinstance(moved["actors"].change, int)
    assert moved["density"].change == pytest.approx(m1.density - m0.density)
    assert result.before.as_of == date(2025, 6, 1) and result.after.as_of == date(2025, 12, 1)


# -- the cache --------------------------------------------------------------------------


def test_cache_serves_while_the_version_holds():
    cache = AnalysisCache(maxsize=2)
    calls = []

    def compute(value):
        return lambda: calls.append(value) or value

    assert cache.versioned(("w", None, "k"), 1, compute("a")) == "a"
    assert cache.versioned(("w", None, "k"), 1, compute("b")) == "a"
    assert cache.versioned(("w", None, "k"), 2, compute("c")) == "c"
    assert calls == ["a", "c"] and (cache.hits, cache.misses) == (1, 2)
    cache.versioned(("x",), 1, compute("x"))
    cache.versioned(("y",), 1, compute("y"))
    assert len(cache) == 2  # the least recently used entry went
    assert cache.versioned(("w", None, "k"), 2, compute("d")) == "d"


# -- reports over a store with the demo data --------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('cmp') / 'demo.db'}")
    load_demo(store)
    yield store
    store.close()


def test_repeated_read_is_cached_and_a_write_invalidates(store):
    cache = AnalysisCache()
    first = reports.analysis_for(store, "nuth", DEMO_DATE, cache=cache)
    started = time.perf_counter()
    again = reports.analysis_for(store, "nuth", DEMO_DATE, cache=cache)
    elapsed = time.perf_counter() - started
    assert again is first and elapsed < 0.010
    isolated = first.isolates[0].id
    partner = next(p.id for p in first.profiles if p.degree > 3)
    created = store.create_link(LinkIn(source=isolated, target=partner), by="test")
    try:
        fresh = reports.analysis_for(store, "nuth", DEMO_DATE, cache=cache)
        assert fresh is not first
        assert fresh.links == first.links + 1 and fresh.isolate_count == first.isolate_count - 1
    finally:
        store.delete_link(created.id, expected_version=created.version, by="test")
    assert reports.analysis_for(store, "nuth", DEMO_DATE, cache=cache).links == first.links


def test_decided_pairs_stay_out_of_the_suggestions(store):
    cache = AnalysisCache()
    top = reports.suggestions_for(store, "elsloo", DEMO_DATE, cache=cache)
    assert sum(s.kind == "gemeenschappelijk" for s in top) == 10
    decision = reports.decide(
        store,
        "elsloo",
        top[0].b.id,
        top[0].a.id,
        "besproken",
        by="anna",
        note="Besproken in het wijkoverleg",
    )
    assert (decision.a, decision.b) == (top[0].a.id, top[0].b.id)
    assert decision.by == "anna" and decision.at is not None
    after = reports.suggestions_for(store, "elsloo", DEMO_DATE, cache=cache)
    assert (top[0].a.id, top[0].b.id) not in {(s.a.id, s.b.id) for s in after}
    assert sum(s.kind == "gemeenschappelijk" for s in after) == 10
    stored = store.list_decisions("elsloo")
    assert [(d.a, d.b, d.status.value) for d in stored] == [(top[0].a.id, top[0].b.id, "besproken")]


def test_decide_checks_the_actors(store):
    some = store.list_actors("elsloo")[0].id
    elsewhere = next(a.id for a in store.list_actors("nuth") if "elsloo" not in a.wijken)
    with pytest.raises(InvalidData) as err:
        reports.decide(store, "elsloo", some, "bestaat-niet", "niet-relevant", by="anna")
    assert err.value.errors[0].code == "unknown_actor"
    with pytest.raises(InvalidData):
        reports.decide(store, "elsloo", some, elsewhere, "niet-relevant", by="anna")
    with pytest.raises(InvalidData):
        reports.decide(store, "elsloo", some, some, "niet-relevant", by="anna")
    with pytest.raises(NotFound):
        reports.decide(store, "atlantis", some, elsewhere, "besproken", by="anna")


def test_comparison_trend_and_diff_over_the_demo(store):
    cache = AnalysisCache()
    result = reports.comparison_for(
        store, DEMO_DATE, sort="fragmentation", descending=True, cache=cache
    )
    assert len(result.rows) == 12
    values = [r.fragmentation for r in result.rows]
    assert values == sorted(values, reverse=True)
    assert result.region.actors < sum(r.actors for r in result.rows)  # the insurer counts once
    again = reports.comparison_for(store, DEMO_DATE, cache=cache)
    assert (
        again.region is result.region
        and [r.wijk for r in again.rows][0] == "bleijerheide-centrum-nulland"
    )
    trend = reports.trend_for(
        store, "daalhof", date(2025, 10, 1), DEMO_DATE, every="kwartaal", cache=cache
    )
    assert [p.as_of for p in trend.points][0] == date(2025, 10, 1)
    assert trend.points[-1].as_of == DEMO_DATE and len(trend.points) == 5
    moved = reports.diff_for(store, "daalhof", date(2025, 10, 1), DEMO_DATE, cache=cache)
    assert moved.actors_added or moved.links_added
    changes = {m.metric: m for m in moved.metrics}
    assert changes["links"].change == trend.points[-1].links - trend.points[0].links
    two = reports.diff_for(store, "daalhof", DEMO_DATE, DEMO_DATE, other="nuth", cache=cache)
    assert two.before.wijk == "daalhof" and two.after.wijk == "nuth"
    assert two.actors_added and two.actors_removed
