"""Logging in and out, session cookies, CSRF refusal, security headers."""

from __future__ import annotations

import threading
import time

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from api.accounts import AccountStore
from api.app import create_app
from api.settings import Settings
from tests.support.web import FAST_HASHER, PASSWORD, csrf_of


def test_pages_send_anonymous_visitors_to_the_login_page(browse):
    anonymous = browse()
    for url in ("/", "/wijk/daalhof", "/vergelijken", "/beheer", "/wijk/daalhof/kaart.json"):
        response = anonymous.get(url, follow_redirects=False)
        assert response.status_code == 303, url
        assert response.headers["location"].startswith("/inloggen?volgende=")


def test_login_sets_an_httponly_samesite_cookie_and_returns_to_the_page(browse):
    visitor = browse()
    page = visitor.get("/inloggen?volgende=/wijk/daalhof")
    response = visitor.client.post(
        "/inloggen",
        data={
            "csrf_token": csrf_of(page.text),
            "username": "anna",
            "password": PASSWORD,
            "volgende": "/wijk/daalhof",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/wijk/daalhof"
    cookie = response.headers["set-cookie"].lower()
    assert "wijknet_sessie=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie
    assert visitor.get("/wijk/daalhof").status_code == 200


def test_secure_cookies_when_configured(store, accounts):
    app = create_app(Settings(cookie_secure=True), store=store, accounts=accounts)
    with TestClient(app, base_url="https://testserver") as client:
        page = client.get("/inloggen")
        response = client.post(
            "/inloggen",
            data={"csrf_token": csrf_of(page.text), "username": "anna", "password": PASSWORD},
            follow_redirects=False,
        )
        assert "secure" in response.headers["set-cookie"].lower()


def test_login_never_redirects_to_another_site(browse):
    visitor = browse()
    page = visitor.get("/inloggen")
    response = visitor.client.post(
        "/inloggen",
        data={
            "csrf_token": csrf_of(page.text),
            "username": "anna",
            "password": PASSWORD,
            "volgende": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_wrong_password_keeps_the_name_and_says_so_in_dutch(browse):
    visitor = browse()
    page = visitor.get("/inloggen")
    response = visitor.client.post(
        "/inloggen",
        data={"csrf_token": csrf_of(page.text), "username": "anna", "password": "fout-fout-fout"},
    )
    assert response.status_code == 400
    assert "De gebruikersnaam of het wachtwoord klopt niet." in response.text
    assert 'value="anna"' in response.text
    assert "wijknet_sessie" not in response.headers.get("set-cookie", "")


def test_too_many_failed_logins_lock_the_account(browse, accounts):
    visitor = browse()
    token = csrf_of(visitor.get("/inloggen").text)
    for _ in range(accounts.max_failed):
        visitor.client.post(
            "/inloggen",
            data={"csrf_token": token, "username": "anna", "password": "fout-fout-fout"},
        )
    response = visitor.client.post(
        "/inloggen", data={"csrf_token": token, "username": "anna", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "tijdelijk geblokkeerd" in response.text
    assert "Probeer het over 15 minuten opnieuw." in response.text  # the default lockout


def test_the_lockout_message_says_minuut_for_one_minute(accounts, store):
    with TestClient(create_app(Settings(lockout_minutes=1), store=store, accounts=accounts)) as c:
        token = csrf_of(c.get("/inloggen").text)
        for _ in range(accounts.max_failed + 1):
            response = c.post(
                "/inloggen",
                data={"csrf_token": token, "username": "anna", "password": "fout-fout-fout"},
            )
    assert "Probeer het over 1 minuut opnieuw." in response.text


def test_login_starts_a_fresh_session(browse, accounts):
    visitor = browse()
    visitor.get("/inloggen")
    before = visitor.client.cookies.get("wijknet_sessie")
    assert before and accounts.get_session(before).user is None
    visitor.login("anna")
    after = visitor.client.cookies.get("wijknet_sessie")
    assert after != before
    assert accounts.get_session(before) is None
    assert accounts.get_session(after).user.username == "anna"


def test_logout_ends_the_session(browse, accounts):
    anna = browse("anna")
    token = anna.client.cookies.get("wijknet_sessie")
    response = anna.post("/uitloggen")
    assert response.status_code == 303
    assert accounts.get_session(token) is None
    assert anna.get("/", follow_redirects=False).status_code == 303
    assert "U bent uitgelogd." in anna.get("/inloggen?melding=uitgelogd").text


def test_a_post_without_the_csrf_token_is_refused_with_a_dutch_page(browse, store):
    anna = browse("anna")
    before = len(store.list_actors("daalhof"))
    for token in ("", "0" * 64):
        response = anna.post(
            "/wijk/daalhof/nieuw/initiatief",
            {"name": "Zonder token", "domain": "inwoners", "wijken": "daalhof"},
            token=token,
        )
        assert response.status_code == 403
        assert "Formulier niet geaccepteerd" in response.text
        assert '<html lang="nl">' in response.text
    assert len(store.list_actors("daalhof")) == before


def test_a_token_of_another_session_is_refused(browse):
    anna, baas = browse("anna"), browse("baas")
    response = anna.post("/uitloggen", token=baas.token)
    assert response.status_code == 403


def test_the_login_form_needs_its_token_too(browse):
    visitor = browse()
    visitor.get("/inloggen")
    response = visitor.client.post("/inloggen", data={"username": "anna", "password": PASSWORD})
    assert response.status_code == 403


def test_the_json_api_ignores_the_cookie_for_writes_without_the_csrf_header(browse, store):
    anna = browse("anna")
    actor = {
        "kind": "initiatief",
        "name": "Via de API",
        "domain": "inwoners",
        "wijken": ["daalhof"],
    }
    refused = anna.client.post("/api/v1/actors", json=actor)
    assert refused.status_code == 401
    accepted = anna.client.post("/api/v1/actors", json=actor, headers={"X-CSRF-Token": anna.token})
    assert accepted.status_code == 201, accepted.text
    # reads with the cookie know the user (contact details for a wijkmakelaar)
    assert anna.client.get(f"/api/v1/actors/{accepted.json()['id']}").status_code == 200


def test_api_errors_keep_their_json_body(browse):
    baas = browse("baas")
    response = baas.get("/api/v1/actors/bestaat-niet")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_pages_carry_security_headers_and_no_external_resources(browse):
    baas = browse("baas")
    for url in ("/", "/wijk/daalhof", "/vergelijken", "/beheer"):
        response = baas.get(url)
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "http://" not in response.text and "https://" not in response.text, url


def test_a_missing_page_is_a_dutch_404(browse):
    baas = browse("baas")
    response = baas.get("/wijk/bestaat-niet")
    assert response.status_code == 404
    assert "Niet gevonden" in response.text


def test_sessions_expire(tmp_path):
    accounts = AccountStore(str(tmp_path / "a.db"), hasher=FAST_HASHER)
    accounts.add_user("anna", PASSWORD, "lezer")
    token = accounts.open_session("anna", hours=-1)
    assert accounts.get_session(token) is None
    live = accounts.open_session("anna", hours=1)
    session = accounts.get_session(live)
    assert session.user.username == "anna"
    assert session.check_csrf(session.csrf_token()) and not session.check_csrf("x")
    assert session.csrf_secret not in session.csrf_token()
    accounts.delete_user("anna")
    assert accounts.get_session(live) is None
    accounts.close()


def test_parallel_guesses_cannot_pass_the_failed_login_limit(tmp_path):
    class CountingHasher(PasswordHasher):
        verified = 0

        def verify(self, hash, password):
            CountingHasher.verified += 1
            time.sleep(0.05)  # slow enough for the guesses to overlap
            return super().verify(hash, password)

    accounts = AccountStore(
        str(tmp_path / "a.db"),
        max_failed=3,
        hasher=CountingHasher(time_cost=1, memory_cost=1024, parallelism=1),
    )
    accounts.add_user("anna", PASSWORD, "lezer")
    threads = [
        threading.Thread(target=accounts.authenticate, args=("anna", f"fout-{i}"))
        for i in range(12)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert CountingHasher.verified == 3
    assert accounts.is_locked("anna")
    assert accounts.authenticate("anna", PASSWORD) is None
    accounts.close()
