"""The effect of verbinden (``graph.analysis.effect``): a scripted history on SQLite, with
every figure computed by hand. ``tests/store/test_effect_both.py`` runs the same history on
both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from graph.analysis import Effect, analyse, build_graph, effect, effect_rows
from graph.analysis.effect import EFFECT_LABELS, check_period, default_period, effect_from
from graph.errors import InvalidData, NotFound
from graph.model import (
    ActorIn,
    ActorKind,
    Domain,
    LinkIn,
    Role,
    SuggestionStep,
    WijkIn,
    utcnow,
)
from graph.store import GraphStore
from graph.store.sqlite import SqliteStore

BY = "Wijkmakelaar Test"
WIJK = "daalhof"


def _actor(id: str, domain: Domain, kind: ActorKind = ActorKind.ORGANISATIE) -> ActorIn:
    role = {
        Domain.ZORG: Role.HUISARTSENPRAKTIJK,
        Domain.SOCIAAL: Role.WELZIJNSORGANISATIE,
        Domain.INWONERS: Role.WIJKONTBIJT,
    }.get(domain, Role.OVERIG)
    return ActorIn(id=id, kind=kind, name=f"Actor {id}", domain=domain, role=role, wijken=[WIJK])


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=UTC)


def _step(a: str, b: str, status: str, day: date, **kw: object) -> SuggestionStep:
    return SuggestionStep(wijk=WIJK, a=a, b=b, status=status, by=BY, at=_at(day), **kw)


def script(store: GraphStore) -> tuple[date, date]:
    """A wijk of six actors, three of them isolated, and what the team did in the 60 days
    up to today; returns the period (``today - 60``, today).

    Before the period: z1 - z2 - s1 linked (since ``today - 100``); i1, i2 and u1 (domain
    onbekend) without ties: 6 actors, 3 isolated, 4 parts, fragmentation
    ``1 - 3*2 / (6*5) = 0.8``. The pair s1-z1 was approached before the period.

    In the period four pairs are taken up: i1-s1 (benaderd on day -50, ontmoet, then linked:
    gerealiseerd today, 50 days), i1-i2 (benaderd on day -30, linked: 30 days), u1-z1
    (benaderd, then niet-relevant) and i2-z2 (benaderd, left so). The two links are made
    since day -10; i1-s1 crosses domains (inwoners - sociaal), i1-i2 does not.

    After: 6 actors, u1 isolated, 2 parts (five linked, u1), fragmentation
    ``1 - 5*4 / (6*5) = 1/3``.
    """
    today = utcnow().date()
    start, end = today - timedelta(days=60), today
    store.create_wijk(WijkIn(slug=WIJK, name="Daalhof", gemeente="Maastricht"), by=BY)
    for actor in (
        _actor("z1", Domain.ZORG),
        _actor("z2", Domain.ZORG),
        _actor("s1", Domain.SOCIAAL),
        _actor("i1", Domain.INWONERS, ActorKind.INITIATIEF),
        _actor("i2", Domain.INWONERS, ActorKind.INITIATIEF),
        _actor("u1", Domain.ONBEKEND),
    ):
        store.create_actor(actor, by=BY)
    old = today - timedelta(days=100)
    store.create_link(LinkIn(id="l-z1-z2", source="z1", target="z2", since=old), by=BY)
    store.create_link(LinkIn(id="l-z2-s1", source="z2", target="s1", since=old), by=BY)

    store.add_suggestion_step(_step("s1", "z1", "benaderd", start - timedelta(days=5)))
    store.add_suggestion_step(_step("i1", "s1", "benaderd", today - timedelta(days=50)))
    store.add_suggestion_step(_step("i1", "s1", "ontmoet", today - timedelta(days=40)))
    store.add_suggestion_step(_step("i1", "i2", "benaderd", today - timedelta(days=30)))
    store.add_suggestion_step(_step("u1", "z1", "benaderd", today - timedelta(days=45)))
    store.add_suggestion_step(
        _step("u1", "z1", "niet-relevant", today - timedelta(days=44), note="Geen raakvlak")
    )
    store.add_suggestion_step(_step("i2", "z2", "benaderd", today - timedelta(days=20)))
    made = today - timedelta(days=10)
    store.create_link(LinkIn(id="l-i1-s1", source="i1", target="s1", since=made), by=BY)
    store.create_link(LinkIn(id="l-i1-i2", source="i1", target="i2", since=made), by=BY)
    return start, end


EXPECTED = {
    "taken_up": 4,
    "voorgesteld": 0,
    "in_progress": 1,
    "realised": 2,
    "declined": 1,
    "later": 0,
    "median_days_to_realised": 40.0,
    "new_links": 2,
    "new_cross_domain_links": 1,
    "new_links_realising": 2,
    "actors_before": 6,
    "actors_after": 6,
    "isolates_before": 3,
    "isolates_after": 1,
    "isolates_change": -2,
    "components_before": 4,
    "components_after": 2,
    "components_change": -2,
}


def check_scripted(result: Effect, start: date, end: date) -> None:
    """The figures of :func:`script`, as computed by hand in its docstring."""
    assert result.wijk == WIJK and result.name == "Daalhof"
    assert (result.start, result.end) == (start, end)
    assert (result.before_day, result.after_day) == (start - timedelta(days=1), end)
    assert result.model_dump(include=set(EXPECTED)) == EXPECTED
    assert result.fragmentation_before == pytest.approx(0.8)
    assert result.fragmentation_after == pytest.approx(1 / 3)
    assert result.fragmentation_change == pytest.approx(1 / 3 - 0.8)


@pytest.fixture
def store(tmp_path):
    s = SqliteStore(tmp_path / "effect.db")
    yield s
    s.close()


def test_the_scripted_history_gives_the_figures_computed_by_hand(store):
    start, end = script(store)
    check_scripted(effect(store, WIJK, start, end), start, end)


def test_every_figure_has_a_dutch_label_in_the_order_of_the_model():
    fields = [f for f in Effect.model_fields if f not in {"wijk", "name", "start", "end"}]
    fields = [f for f in fields if f not in {"before_day", "after_day"}]
    assert list(EFFECT_LABELS) == fields


def test_the_network_figures_are_those_of_the_analysis_and_the_trend(store):
    start, end = script(store)
    result = effect(store, WIJK, start, end)
    for day, suffix in ((result.before_day, "before"), (result.after_day, "after")):
        metrics = analyse(build_graph(store.snapshot(WIJK, day))).metrics()
        assert getattr(result, f"isolates_{suffix}") == metrics.isolate_count
        assert getattr(result, f"components_{suffix}") == metrics.components
        assert getattr(result, f"fragmentation_{suffix}") == metrics.fragmentation
        assert getattr(result, f"actors_{suffix}") == metrics.actors


def test_status_is_read_on_the_last_day_of_the_period(store):
    start, _ = script(store)
    today = utcnow().date()
    end = today - timedelta(days=35)  # i1-s1 had met, i1-i2 and i2-z2 not yet taken up
    result = effect(store, WIJK, start, end)
    assert result.taken_up == 2  # i1-s1 (day -50), u1-z1 (day -45)
    assert (result.in_progress, result.declined, result.realised) == (1, 1, 0)
    assert result.median_days_to_realised is None
    assert result.new_links == 0 and result.new_links_realising == 0
    assert result.isolates_after == 3 and result.isolates_change == 0
    assert result.fragmentation_change == pytest.approx(0.0)


def test_a_period_after_the_steps_counts_no_pair_but_the_links_still_made(store):
    script(store)
    today = utcnow().date()
    result = effect(store, WIJK, today - timedelta(days=15), today)
    assert result.taken_up == 0 and result.median_days_to_realised is None
    assert (result.new_links, result.new_cross_domain_links, result.new_links_realising) == (
        2,
        1,
        2,
    )


def test_a_link_without_since_counts_on_its_creation_day_and_onbekend_crosses_nothing(store):
    start, end = script(store)
    store.create_link(LinkIn(id="l-u1-s1", source="u1", target="s1"), by=BY)  # no since
    old = date(2020, 1, 1)
    store.create_link(LinkIn(id="l-z1-i2", source="z1", target="i2", since=old), by=BY)
    result = effect(store, WIJK, start, end)
    assert result.new_links == 3  # l-u1-s1 made today; l-z1-i2 since 2020 is not new
    assert result.new_cross_domain_links == 1  # u1 is of domain onbekend
    assert result.new_links_realising == 2
    assert result.isolates_after == 0 and result.components_after == 1


def test_a_pair_linked_before_its_first_step_realises_nothing(store):
    start, end = script(store)
    store.add_suggestion_step(_step("i1", "s1", "ontmoet", end))  # a late step, no matter
    # a new pair whose link came first: its step does not make the link a realisation
    store.create_link(LinkIn(id="l-u1-i2", source="u1", target="i2"), by=BY)
    after_link = utcnow() + timedelta(seconds=1)
    later = _step("i2", "u1", "samenwerking-vastgelegd", end).model_copy(update={"at": after_link})
    store.add_suggestion_step(later)
    result = effect(store, WIJK, start, end)
    assert result.new_links == 3 and result.new_links_realising == 2
    assert result.taken_up == 5 and result.realised == 2  # i1-s1 is ontmoet again
    assert result.in_progress == 2 and result.median_days_to_realised == 15.0  # 30 and 0


def test_later_and_voorgesteld_are_counted_apart(store):
    start, end = script(store)
    store.add_suggestion_step(_step("s1", "u1", "voorgesteld", end))
    store.add_suggestion_step(_step("i2", "s1", "later", end, date=end + timedelta(days=30)))
    result = effect(store, WIJK, start, end)
    assert (result.taken_up, result.voorgesteld, result.later) == (6, 1, 1)
    parts = ("voorgesteld", "in_progress", "realised", "declined", "later")
    assert sum(getattr(result, p) for p in parts) == result.taken_up


def test_undone_steps_count_nowhere(store):
    start, end = script(store)
    store.undo_suggestion_step(WIJK, "i2", "z2", by=BY)  # its only step
    result = effect(store, WIJK, start, end)
    assert result.taken_up == 3 and result.in_progress == 0


def test_several_wijken_in_the_order_given(store):
    start, end = script(store)
    store.create_wijk(WijkIn(slug="nuth", name="Nuth", gemeente="Beekdaelen"), by=BY)
    rows = effect_rows(store, ["nuth", WIJK], start, end)
    assert [r.wijk for r in rows] == ["nuth", WIJK]
    check_scripted(rows[1], start, end)
    empty = rows[0]
    assert empty.taken_up == 0 and empty.actors_after == 0
    assert empty.fragmentation_before is None and empty.fragmentation_change is None


def test_an_unknown_wijk_and_a_bad_period_are_refused(store):
    start, end = script(store)
    with pytest.raises(NotFound):
        effect(store, "atlantis", start, end)
    with pytest.raises(InvalidData) as info:
        effect(store, WIJK, end, start - timedelta(days=1))
    assert [(e.field, e.code) for e in info.value.errors] == [("end", "end_before_start")]
    with pytest.raises(InvalidData) as info:
        check_period(date(1800, 1, 1), end, start_field="from", end_field="to")
    assert [(e.field, e.code) for e in info.value.errors] == [("from", "out_of_range")]
    check_period(end, end)  # a period of one day


def test_the_default_period_is_the_last_twelve_months():
    assert default_period(today=date(2026, 11, 29)) == (date(2025, 11, 30), date(2026, 11, 29))
    assert default_period(end=date(2028, 2, 29)) == (date(2027, 3, 1), date(2028, 2, 29))
    assert default_period(date(2026, 1, 1), today=date(2026, 3, 1)) == (
        date(2026, 1, 1),
        date(2026, 3, 1),
    )


def test_effect_from_needs_no_store(store):
    start, end = script(store)
    before = store.snapshot(WIJK, start - timedelta(days=1))
    after = store.snapshot(WIJK, end)
    history = store.suggestion_history(WIJK)
    check_scripted(effect_from(history, before, after, start, end), start, end)
