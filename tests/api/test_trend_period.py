"""The trend of a wijk refuses days it cannot step through: 422 in the API, the form again
on the page, never a server error."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.accounts import AccountStore
from api.app import create_app
from api.settings import Settings
from graph.model import ActorIn
from tests.support.api import token_client
from tests.support.importing import new_store
from tests.support.web import FAST_HASHER, PASSWORD, Browser

OUT_OF_RANGE = "Kies een datum van 1900-01-01 tot en met 2999-12-31."


@pytest.fixture
def store(tmp_path):
    store = new_store(tmp_path / "trend.db")
    store.create_actor(
        ActorIn(
            id="a-1",
            kind="initiatief",
            name="Buurthuis Daalhof",
            domain="inwoners",
            role="buurthuis",
            wijken=["daalhof"],
        ),
        by="test",
    )
    yield store
    store.close()


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("until=0001-01-01", {"until"}),
        ("since=9999-12-01&until=9999-12-31&every=week", {"since", "until"}),
        ("since=1899-12-31&until=2025-01-01&every=jaar", {"since"}),
    ],
)
def test_api_refuses_days_outside_the_calendar_it_can_step_through(store, query, fields):
    with token_client(store, ["daalhof"]) as client:
        r = client.get(f"/api/v1/wijken/daalhof/trend?{query}", headers=client.tokens["lezer"])
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "invalid_data" and body["message"]
    assert {d["field"]: d["message"] for d in body["details"]} == dict.fromkeys(
        fields, OUT_OF_RANGE
    )


def test_api_trend_still_runs_up_to_the_last_day_allowed(store):
    with token_client(store, ["daalhof"]) as client:
        r = client.get(
            "/api/v1/wijken/daalhof/trend?since=2999-11-01&until=2999-12-31&every=week",
            headers=client.tokens["lezer"],
        )
    assert r.status_code == 200, r.text
    points = [p["as_of"] for p in r.json()["points"]]
    assert points[0] == "2999-11-01" and points[-1] == "2999-12-31" and len(points) == 10


@pytest.fixture
def browser(store):
    accounts = AccountStore(":memory:", hasher=FAST_HASHER)
    accounts.add_user("lees", PASSWORD, "lezer", [])
    app = create_app(Settings(), store=store, accounts=accounts)
    with TestClient(app) as client:
        yield Browser(client).login("lees")
    accounts.close()


@pytest.mark.parametrize(
    ("query", "typed", "message"),
    [
        ("tot=0001-06-30", {"vanaf": "", "tot": "0001-06-30"}, OUT_OF_RANGE),
        (
            "vanaf=9999-12-01&tot=9999-12-31&stap=week",
            {"vanaf": "9999-12-01", "tot": "9999-12-31"},
            OUT_OF_RANGE,
        ),
        (
            "vanaf=2025-05-01&tot=2025-01-01",
            {"vanaf": "2025-05-01", "tot": "2025-01-01"},
            "De einddatum ligt vóór de begindatum.",
        ),
        (
            "vanaf=1-mei&tot=2025-01-01",
            {"vanaf": "1-mei", "tot": "2025-01-01"},
            "Geef de begindatum als JJJJ-MM-DD.",
        ),
    ],
)
def test_trend_form_shows_why_and_keeps_what_was_typed(browser, query, typed, message):
    page = browser.get(f"/vergelijken/trend/daalhof?{query}")
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in page.text and message in page.text
    for name, value in typed.items():
        assert f'name="{name}" type="date" value="{value}"' in page.text
    assert 'aria-invalid="true"' in page.text
    assert 'class="charts"' not in page.text


def test_trend_page_with_a_good_period_shows_the_charts(browser):
    page = browser.get("/vergelijken/trend/daalhof?vanaf=2025-01-01&tot=2025-06-01")
    assert page.status_code == 200 and 'class="charts"' in page.text
    assert 'role="alert"' not in page.text
