"""One read policy for pages and API: every GET route of ``/api/v1``, taken from the app's
route table, for both values of ``WIJKNET_PUBLIC_READ``.

A new GET route fails ``test_every_get_route_has_a_decided_policy`` until its row is added
to ``POLICY`` below (and to the table in docs/web.md, *Reading through the JSON API*).
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.accounts import AccountStore
from api.app import API_PREFIX, create_app
from api.deps import PUBLIC_KINDS, ReadAccess
from api.mappings import MappingStore
from api.settings import PublicRead, Settings
from api.uitvraag.model import Round
from api.uitvraag.sqlite import SqliteRoundStore
from graph.model import ActorIn, ActorKind, Contact, LinkIn
from graph.store import GraphStore
from importers.mapping import ImportMapping
from tests.support.web import FAST_HASHER, PASSWORD, Browser, copy_store

SYSTEM, OPEN, CLOSED = "system", "open", "closed"
"""``SYSTEM``: open to everyone, shows no data. ``OPEN``: needs a login, unless
``WIJKNET_PUBLIC_READ=organisaties`` (then anonymous readers get organisations, initiatives
and the links between them only). ``CLOSED``: needs a login whatever the setting."""

POLICY: dict[str, tuple[str, int]] = {
    # path: (policy, status for a lezer)
    "/api/v1/health": (SYSTEM, 200),
    "/api/v1/wijken": (OPEN, 200),
    "/api/v1/wijken/{slug}": (OPEN, 200),
    "/api/v1/wijken/{slug}/actors": (OPEN, 200),
    "/api/v1/wijken/{slug}/links": (OPEN, 200),
    "/api/v1/wijken/{slug}/snapshot": (OPEN, 200),
    "/api/v1/actors/{actor_id}": (OPEN, 200),
    "/api/v1/links/{link_id}": (OPEN, 200),
    "/api/v1/wijken/{slug}/analysis": (CLOSED, 200),
    "/api/v1/wijken/{slug}/suggestions": (CLOSED, 200),
    "/api/v1/wijken/{slug}/suggestions/decisions": (CLOSED, 200),
    "/api/v1/wijken/{slug}/suggestions/agenda": (CLOSED, 200),
    "/api/v1/wijken/{slug}/suggestions/history": (CLOSED, 200),
    "/api/v1/wijken/{slug}/kernaanpakken": (CLOSED, 200),
    "/api/v1/wijken/{slug}/trend": (CLOSED, 200),
    "/api/v1/wijken/{slug}/diff": (CLOSED, 200),
    "/api/v1/comparison": (CLOSED, 200),
    "/api/v1/wijken/{slug}/effect": (CLOSED, 200),
    "/api/v1/effect.csv": (CLOSED, 200),
    "/api/v1/wijken/{slug}/map": (CLOSED, 200),
    "/api/v1/wijken/{slug}/stale": (CLOSED, 200),
    "/api/v1/export": (CLOSED, 200),
    "/api/v1/duplicates": (CLOSED, 200),
    "/api/v1/import/mappings": (CLOSED, 200),
    "/api/v1/import/mappings/{name}": (CLOSED, 200),
    "/api/v1/audit": (CLOSED, 403),
    "/api/v1/accounts": (CLOSED, 403),
    # a netwerkuitvraag holds e-mail addresses: the wijk's writers and beheer only
    "/api/v1/uitvraag": (CLOSED, 403),
    "/api/v1/uitvraag/{round_id}": (CLOSED, 403),
    "/api/v1/uitvraag/{round_id}/proposals": (CLOSED, 403),
}

PAGE_POLICY: dict[str, tuple[str, int]] = {
    # the map and its pictures for the wijkoverleg (SVG, print view) are pages: a login,
    # whatever WIJKNET_PUBLIC_READ says (they show professionals)
    "/wijk/{slug}/kaart.json": (CLOSED, 200),
    "/wijk/{slug}/kaart.svg": (CLOSED, 200),
    "/wijk/{slug}/afdrukken": (CLOSED, 200),
    # the agenda of the wijkoverleg names professionals and the notes on their steps
    "/wijk/{slug}/agenda": (CLOSED, 200),
    "/wijk/{slug}/agenda/afdrukken": (CLOSED, 200),
    "/wijk/{slug}/agenda.csv": (CLOSED, 200),
    "/wijk/{slug}/agenda.xlsx": (CLOSED, 200),
}
"""Page routes that serve the map outside the wijk page, and the agenda; anonymous visitors
go to the login page (``PageUser``) instead of getting a 401."""

WIJK = "daalhof"
PROFESSIONAL = "Petra Proefpersoon"
"""A professional whose name is also written in an organisation's description and in the
note of a link between an organisation and an initiative."""

ROUND = "u-0000000000a1"
"""A round of the netwerkuitvraag in the wijk (made by the ``accounts`` fixture)."""

PUBLIC_PARAMS = {
    "slug": WIJK,
    "actor_id": "pub-org",
    "link_id": "pub-link-org",
    "name": "proef",
    "round_id": ROUND,
}
"""Path parameters that name public records (an organisation, a link between public ends)."""
PERSONAL_PARAMS = {
    "slug": WIJK,
    "actor_id": "pub-prof",
    "link_id": "pub-link-werk",
    "name": "proef",
    "round_id": ROUND,
}
"""The same routes on a professional and on a link of that professional."""


def get_routes(app) -> list[tuple[str, object]]:
    """Every GET route under the API prefix, from the app's route table, with its route."""
    return sorted(
        (
            (route.path, route)
            for route in iter_route_contexts(app.routes)
            if (route.path or "").startswith(API_PREFIX) and "GET" in (route.methods or ())
        ),
        key=lambda item: item[0],
    )


ROUTES = [path for path, _ in get_routes(create_app(Settings()))]


def url(path: str, params: dict[str, str]) -> str:
    names = {name for _, name, _, _ in string.Formatter().parse(path) if name}
    unknown = names - set(params)
    assert not unknown, f"{path}: give the test a value for {sorted(unknown)}"
    return path.format(**params)


def read_accesses(route) -> list[ReadAccess]:
    """The ReadAccess dependencies anywhere in the route's dependency tree."""
    found, todo = [], list(route.dependant.dependencies)
    while todo:
        dependant = todo.pop()
        if isinstance(dependant.call, ReadAccess):
            found.append(dependant.call)
        todo.extend(dependant.dependencies)
    return found


@pytest.fixture(scope="module")
def store(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    store = copy_store(demo_template, tmp_path_factory.mktemp("read-policy") / "read.db")
    store.bulk_upsert(
        actors=[
            ActorIn(
                id="pub-org",
                kind="organisatie",
                name="Proefpraktijk Daalhof",
                domain="zorg",
                role="huisartsenpraktijk",
                wijken=[WIJK],
                description=f"Contactpersoon: {PROFESSIONAL}.",
                contact=Contact(email="praktijk@voorbeeld.invalid"),
            ),
            ActorIn(
                id="pub-init",
                kind="initiatief",
                name="Proefontbijt Daalhof",
                domain="inwoners",
                role="wijkontbijt",
                wijken=[WIJK],
            ),
            ActorIn(
                id="pub-prof",
                kind="professional",
                name=PROFESSIONAL,
                domain="zorg",
                role="huisarts",
                wijken=[WIJK],
                organisation="pub-org",
                contact=Contact(email="petra@voorbeeld.invalid"),
            ),
        ],
        links=[
            LinkIn(
                id="pub-link-org",
                source="pub-org",
                target="pub-init",
                intensity=3,
                note=f"Afgesproken met {PROFESSIONAL}.",
            ),
            LinkIn(id="pub-link-werk", source="pub-prof", target="pub-org", kind="werkt_bij"),
            LinkIn(id="pub-link-prof", source="pub-prof", target="pub-init"),
        ],
        by="test",
    )
    store.confirm_actor("pub-org", by="anna")
    store.confirm_link("pub-link-org", by="anna")
    yield store
    store.close()


@pytest.fixture(scope="module")
def professionals(store: GraphStore) -> list[str]:
    names = [a.name for a in store.list_actors() if a.kind is ActorKind.PROFESSIONAL]
    assert PROFESSIONAL in names and len(names) > 50
    return names


@pytest.fixture(scope="module")
def accounts() -> Iterator[AccountStore]:
    accounts = AccountStore(":memory:", hasher=FAST_HASHER)
    for name, role, wijken in (
        ("baas", "beheer", []),
        ("anna", "wijkmakelaar", [WIJK]),
        ("lees", "lezer", []),
    ):
        accounts.add_user(name, PASSWORD, role, wijken)
    MappingStore(accounts).save("proef", ImportMapping(), by="baas")
    proef = Round(
        id=ROUND,
        wijk=WIJK,
        title="Proefuitvraag",
        ends_on=date.today() + timedelta(days=30),
        created_by="baas",
        created_at=datetime.now(UTC),
    )
    SqliteRoundStore(accounts).add_round(proef, [])
    yield accounts
    accounts.close()


@pytest.fixture(scope="module")
def tokens(accounts: AccountStore) -> dict[str, dict[str, str]]:
    return {
        name: {"Authorization": f"Bearer {accounts.create_token(name)}"}
        for name in ("baas", "anna", "lees")
    }


def _client(store: GraphStore, accounts: AccountStore, public_read: PublicRead):
    app = create_app(Settings(public_read=public_read), store=store, accounts=accounts)
    return TestClient(app)


@pytest.fixture(scope="module")
def closed(store: GraphStore, accounts: AccountStore) -> Iterator[TestClient]:
    """The default: ``WIJKNET_PUBLIC_READ=nee``."""
    with _client(store, accounts, PublicRead.NEE) as client:
        yield client


@pytest.fixture(scope="module")
def public(store: GraphStore, accounts: AccountStore) -> Iterator[TestClient]:
    """``WIJKNET_PUBLIC_READ=organisaties``."""
    with _client(store, accounts, PublicRead.ORGANISATIES) as client:
        yield client


def assert_unauthorized(response) -> None:
    assert response.status_code == 401, (response.request.url, response.text[:300])
    assert response.json() == {
        "code": "unauthorized",
        "message": response.json()["message"],
        "details": None,
    }
    assert response.json()["message"]
    assert response.headers["www-authenticate"] == "Bearer"


def test_every_get_route_has_a_decided_policy() -> None:
    missing = sorted(set(ROUTES) - set(POLICY))
    assert not missing, f"decide the read policy of {missing} (POLICY here, docs/web.md)"
    assert sorted(POLICY) == ROUTES, "POLICY names routes that no longer exist"


def test_every_read_route_uses_the_read_dependency() -> None:
    for path, route in get_routes(create_app(Settings())):
        policy = POLICY[path][0]
        flags = {access.public for access in read_accesses(route)}
        if policy == SYSTEM:
            assert flags == set(), path
        else:
            assert flags == {policy == OPEN}, path


@pytest.mark.parametrize("path", ROUTES)
def test_anonymous_reads_need_a_login_by_default(closed: TestClient, path: str) -> None:
    for params in (PUBLIC_PARAMS, PERSONAL_PARAMS):
        response = closed.get(url(path, params))
        if POLICY[path][0] == SYSTEM:
            assert response.status_code == 200
        else:
            assert_unauthorized(response)


def test_the_map_pages_have_a_decided_policy() -> None:
    pages = {
        route.path
        for route in iter_route_contexts(create_app(Settings()).routes)
        if "GET" in (route.methods or ()) and not (route.path or "").startswith(API_PREFIX)
    }
    missing = sorted(set(PAGE_POLICY) - pages)
    assert not missing, f"PAGE_POLICY names routes that no longer exist: {missing}"


@pytest.mark.parametrize("path", sorted(PAGE_POLICY))
def test_the_map_pages_need_a_login_whatever_the_setting(
    closed: TestClient, public: TestClient, path: str
) -> None:
    for client in (closed, public):
        response = client.get(url(path, PUBLIC_PARAMS), follow_redirects=False)
        assert response.status_code == 303, (path, response.status_code)
        assert response.headers["location"].startswith("/inloggen?volgende=")
    lees = Browser(TestClient(closed.app)).login("lees")
    assert lees.get(url(path, PUBLIC_PARAMS)).status_code == PAGE_POLICY[path][1]


def test_an_unknown_wijk_gives_401_before_404_to_anonymous_readers(closed: TestClient) -> None:
    assert_unauthorized(closed.get("/api/v1/wijken/bestaat-niet/actors"))
    assert_unauthorized(closed.get("/api/v1/actors/bestaat-niet"))


@pytest.mark.parametrize("path", ROUTES)
def test_a_lezer_token_reads_every_route(closed: TestClient, tokens, path: str) -> None:
    for params in (PUBLIC_PARAMS, PERSONAL_PARAMS):
        response = closed.get(url(path, params), headers=tokens["lees"])
        assert response.status_code == POLICY[path][1], (path, response.text[:300])
        assert closed.get(url(path, params), headers=tokens["baas"]).status_code == 200


def test_a_web_session_reads_the_api(closed: TestClient) -> None:
    lees = Browser(TestClient(closed.app)).login("lees")
    actors = lees.get(f"/api/v1/wijken/{WIJK}/actors")
    assert actors.status_code == 200 and PROFESSIONAL in actors.text
    assert lees.get(f"/api/v1/wijken/{WIJK}/analysis").status_code == 200
    assert lees.get("/api/v1/audit").status_code == 403


def test_an_invalid_token_is_refused_even_where_reads_are_open(public: TestClient) -> None:
    bad = {"Authorization": "Bearer wn_not-a-token"}
    assert_unauthorized(public.get("/api/v1/wijken", headers=bad))


@pytest.mark.parametrize("path", ROUTES)
def test_public_read_opens_only_the_decided_routes(public: TestClient, path: str) -> None:
    policy = POLICY[path][0]
    response = public.get(url(path, PUBLIC_PARAMS))
    if policy == CLOSED:
        assert_unauthorized(response)
    else:
        assert response.status_code == 200, (path, response.text[:300])


@pytest.mark.parametrize("path", ROUTES)
def test_public_read_shows_no_professional(public: TestClient, professionals, path: str) -> None:
    for params in (PUBLIC_PARAMS, PERSONAL_PARAMS):
        response = public.get(url(path, params))
        shown = [name for name in professionals if name in response.text]
        assert not shown, (path, params, shown[:3])
        assert "voorbeeld.invalid" not in response.text


def test_public_read_of_a_professional_or_their_link_needs_a_login(public: TestClient) -> None:
    assert_unauthorized(public.get("/api/v1/actors/pub-prof"))
    assert_unauthorized(public.get("/api/v1/links/pub-link-werk"))
    assert_unauthorized(public.get("/api/v1/links/pub-link-prof"))
    assert public.get("/api/v1/actors/bestaat-niet").status_code == 404


def test_public_read_gives_organisations_initiatives_and_their_links(
    public: TestClient,
    tokens,
) -> None:
    lees = tokens["lees"]
    every = public.get(f"/api/v1/wijken/{WIJK}/actors", headers=lees).json()["data"]
    kinds = {a["id"]: a["kind"] for a in every}
    wanted = {a["id"] for a in every if a["kind"] in PUBLIC_KINDS}
    all_links = public.get(f"/api/v1/wijken/{WIJK}/links", headers=lees).json()["data"]
    wanted_links = {
        lk["id"] for lk in all_links if lk["source"] in wanted and lk["target"] in wanted
    }
    assert "pub-link-org" in wanted_links and "pub-link-werk" not in wanted_links
    full = public.get(f"/api/v1/wijken/{WIJK}/snapshot", headers=lees).json()
    today = {a["id"] for a in full["actors"] if a["kind"] in PUBLIC_KINDS}
    today_links = {
        lk["id"] for lk in full["links"] if lk["source"] in today and lk["target"] in today
    }

    actors = public.get(f"/api/v1/wijken/{WIJK}/actors").json()["data"]
    links = public.get(f"/api/v1/wijken/{WIJK}/links").json()["data"]
    snapshot = public.get(f"/api/v1/wijken/{WIJK}/snapshot").json()
    assert {a["id"] for a in actors} == wanted and len(wanted) < len(kinds)
    assert {lk["id"] for lk in links} == wanted_links
    assert {a["id"] for a in snapshot["actors"]} == today and "pub-org" in today
    assert {lk["id"] for lk in snapshot["links"]} == today_links and today_links
    for record in [*actors, *snapshot["actors"], public.get("/api/v1/actors/pub-org").json()]:
        assert record["kind"] in PUBLIC_KINDS
        assert record["contact"] is None and record["description"] == ""
        assert record["confirmed"] is None  # who confirmed is an account name
    for record in [*links, *snapshot["links"], public.get("/api/v1/links/pub-link-org").json()]:
        assert record["note"] == "" and record["confirmed"] is None
    wijken = public.get("/api/v1/wijken").json()
    assert wijken["count"] == 12 and all(w["confirmed"] is None for w in wijken["data"])

    # a login still sees everything, as before
    org = public.get("/api/v1/actors/pub-org", headers=lees).json()
    assert PROFESSIONAL in org["description"] and org["confirmed"]["by"] == "anna"
    assert org["contact"] is None  # a lezer sees no contact details
    assert public.get("/api/v1/actors/pub-prof", headers=lees).json()["name"] == PROFESSIONAL


def test_openapi_documents_the_401_of_every_read(closed: TestClient) -> None:
    schema = closed.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    for path in ROUTES:
        operation = schema["paths"][path]["get"]
        if POLICY[path][0] == SYSTEM:
            continue
        unauthorized = operation["responses"]["401"]
        assert "API token" in unauthorized["description"], path
        assert unauthorized["content"]["application/json"]["schema"]["$ref"].endswith(
            "/ErrorBody"
        ), path
        assert {"HTTPBearer": []} in operation["security"], path


def test_the_setting_reads_nee_and_organisaties(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().public_read is PublicRead.NEE
    monkeypatch.setenv("WIJKNET_PUBLIC_READ", "organisaties")
    assert Settings().public_read is PublicRead.ORGANISATIES
    monkeypatch.setenv("WIJKNET_PUBLIC_READ", "iedereen")
    with pytest.raises(ValidationError):
        Settings()
