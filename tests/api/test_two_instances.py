"""Two app instances on one Neo4j server, as behind a proxy: each its own process state
(store driver, analysis and map caches, shared-state driver), served by uvicorn on its own
port. A login, a form edit, an import preview and the map data work across them."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx2 as httpx
import pytest
from neo4j import GraphDatabase

from api.app import create_app
from api.session import COOKIE
from api.settings import Settings
from api.shared.neo4j_accounts import Neo4jAccountStore
from api.shared.neo4j_db import SharedNeo4j
from graph.store.neo4j import Neo4jStore
from tests.store.contract import BY, ini, wijk_in
from tests.support.importing import csv_bytes
from tests.support.shared_state import ServedApp, wipe
from tests.support.web import ACCOUNTS, FAST_HASHER, PASSWORD, Browser, actor_form
from tests.web.test_import import GOOD, NEW_NAMES, fingerprint, preview

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def graph(neo4j_server) -> Iterator[Neo4jStore]:
    """The database wiped, one wijk with a few initiatives, and the test accounts."""
    with GraphDatabase.driver(neo4j_server.url, auth=neo4j_server.auth) as admin:
        wipe(admin)
    store = Neo4jStore(neo4j_server.url, auth=neo4j_server.auth)
    store.create_wijk(wijk_in("daalhof"), by=BY)
    for n in range(1, 5):
        store.create_actor(ini(f"i{n}", name=f"Initiatief {n}"), by=BY)
    db = SharedNeo4j(neo4j_server.url, auth=neo4j_server.auth)
    accounts = Neo4jAccountStore(db, hasher=FAST_HASHER, own_db=True)
    for name, role, wijken in ACCOUNTS:
        accounts.add_user(name, PASSWORD, role, wijken)
    accounts.close()
    yield store
    store.close()


@pytest.fixture(scope="module")
def instances(graph, neo4j_server, tmp_path_factory) -> Iterator[tuple[ServedApp, ServedApp]]:
    user, password = neo4j_server.auth
    settings = Settings(
        database=neo4j_server.url,
        neo4j_user=user,
        neo4j_password=password,
        max_failed_logins=3,
        accounts_database=str(tmp_path_factory.mktemp("unused") / "accounts.db"),
    )
    with ServedApp(create_app(settings)) as first, ServedApp(create_app(settings)) as second:
        assert first.app.state.store is not second.app.state.store
        assert first.app.state.map_cache is not second.app.state.map_cache
        yield first, second


def _browser(instance: ServedApp, cookie: str | None = None, token: str = "") -> Browser:
    client = httpx.Client(base_url=instance.url, cookies={COOKIE: cookie} if cookie else None)
    browser = Browser(client)  # type: ignore[arg-type]  # an httpx client, as TestClient is
    browser.token = token
    return browser


def _on(instance: ServedApp, other: Browser) -> Browser:
    """The same browser (its session cookie and form token) talking to ``instance``."""
    return _browser(instance, other.client.cookies[COOKIE], other.token)


def test_a_login_on_one_instance_counts_on_the_other(instances):
    first, second = instances
    anna = _browser(first).login("anna")
    page = _on(second, anna).get("/wijk/daalhof", follow_redirects=False)
    assert page.status_code == 200 and "anna" in page.text
    assert _browser(second).get("/wijk/daalhof", follow_redirects=False).status_code == 303
    # logging out on the second ends the session on the first too
    assert _on(second, anna).post("/uitloggen").status_code == 303
    assert anna.get("/wijk/daalhof", follow_redirects=False).status_code == 303


def _try_login(instance: ServedApp, username: str, password: str) -> httpx.Response:
    browser = _browser(instance)
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/inloggen").text)
    assert token is not None
    return browser.client.post(
        "/inloggen",
        data={"csrf_token": token.group(1), "username": username, "password": password},
        follow_redirects=False,
    )


def test_failed_logins_count_on_every_instance(instances):
    first, second = instances
    for instance in (first, second, first):  # max_failed_logins=3, spread over both
        assert _try_login(instance, "lees", "fout-wachtwoord").status_code == 400
    for instance in (second, first):  # locked out on both, even with the right password
        refused = _try_login(instance, "lees", PASSWORD)
        assert refused.status_code == 400 and "tijdelijk geblokkeerd" in refused.text


def test_a_stale_edit_on_the_other_instance_is_a_conflict(instances, graph):
    first, second = instances
    anna = _browser(first).login("anna")
    actor = graph.get_actor("i1")
    form = actor_form(name=actor.name, themes=[], version=actor.version)
    saved = anna.post("/actor/i1/bewerken", form | {"description": "Via de eerste"})
    assert saved.status_code == 303, saved.text
    stale = _on(second, anna).post("/actor/i1/bewerken", form | {"description": "Via de tweede"})
    assert stale.status_code == 409
    assert "Iemand anders heeft deze actor gewijzigd" in stale.text
    assert "Via de eerste" in stale.text and "Via de tweede" in stale.text
    assert graph.get_actor("i1").description == "Via de eerste"


def test_an_import_previewed_on_one_is_confirmed_on_the_other(instances, graph):
    first, second = instances
    anna = _browser(first).login("anna")
    url, page = preview(anna, "daalhof", ("partners.csv", csv_bytes(GOOD)))
    assert "Geen problemen gevonden" in page.text
    on_second = _on(second, anna)
    assert "Geen problemen gevonden" in on_second.get(url).text
    done = on_second.post(url, {"plan": fingerprint(page)})
    assert done.status_code == 303 and done.headers["location"] == url + "/klaar"
    assert {a.name for a in graph.list_actors("daalhof")} >= NEW_NAMES
    assert "Geïmporteerd" in anna.get(url + "/klaar").text  # the result, seen on the first
    # someone else's session cannot see it on either instance
    baas = _browser(second).login("baas")
    assert baas.get(url).status_code == 404


def test_the_map_of_the_other_instance_follows_a_write(instances, graph):
    first, second = instances
    anna = _browser(first).login("anna")
    on_second = _on(second, anna)
    before = on_second.get("/wijk/daalhof/kaart.json")
    assert before.status_code == 200 and "Initiatief 2" in before.text
    counter = graph.change_counter("daalhof")
    actor = graph.get_actor("i2")
    form = actor_form(name="Buurtmoestuin Twee", themes=[], version=actor.version)
    assert anna.post("/actor/i2/bewerken", form).status_code == 303
    assert graph.change_counter("daalhof") > counter
    after = on_second.get("/wijk/daalhof/kaart.json")
    assert "Buurtmoestuin Twee" in after.text and "Initiatief 2" not in after.text
    # the second instance's map cache holds the map of both counters, keyed on them
    keys = list(second.app.state.map_cache._items)
    assert {k[1] for k in keys if k[0] == "daalhof"} >= {counter, counter + 1}
