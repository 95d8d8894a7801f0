"""The import pages (upload, dry run, confirm) and the duplicates and merge pages."""

from __future__ import annotations

import html
import re

import pytest

from api.uploads import PendingUploads
from graph.model import ActorIn, ActorKind, LinkIn
from tests.support.importing import csv_bytes
from tests.support.web import HOSTILE

pytestmark = pytest.mark.both_stores

HEADER = ["naam", "soort", "domein", "rol", "wijk", "thema's"]
GOOD = [
    HEADER,
    ["Buurtkamer Daalhof-Noord", "initiatief", "inwoners", "buurthuis", "daalhof", "eenzaamheid"],
    [
        "Taalcafé De Brug",
        "initiatief",
        "inwoners",
        "vrijwilligersgroep",
        "",
        "Taal en digitale vaardigheden",
    ],
]
BAD = [*GOOD, ["Wijkteam Oost", "organisatie", "socaal", "wijkteam", "daalhof", ""]]
NEW_NAMES = {"Buurtkamer Daalhof-Noord", "Taalcafé De Brug"}


def upload(
    browser,
    slug: str,
    *files: tuple[str, bytes],
    token: str | None = None,
):
    """Post files to the upload form, as the browser does (multipart with the CSRF token)."""
    return browser.client.post(
        f"/wijk/{slug}/importeren",
        data={"csrf_token": browser.token if token is None else token},
        files=[("bestanden", (name, data, "text/csv")) for name, data in files],
        follow_redirects=False,
    )


def preview(browser, slug: str, *files: tuple[str, bytes]):
    """Upload and open the preview: (its address, its page)."""
    response = upload(browser, slug, *files)
    assert response.status_code == 303, response.text
    url = response.headers["location"]
    assert re.fullmatch(rf"/wijk/{slug}/importeren/[A-Za-z0-9_-]{{32}}", url)
    return url, browser.get(url)


def fingerprint(page) -> str:
    match = re.search(r'name="plan" value="([0-9a-f]+)"', page.text)
    assert match, "the preview has no confirm form"
    return match.group(1)


def cells(row: str) -> list[str]:
    return [
        html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]


def problem_rows(page) -> list[list[str]]:
    """The cells of the problems table as text."""
    table = re.search(r'<table class="data problems[^"]*">.*?<tbody>(.*?)</tbody>', page.text, re.S)
    assert table, "the page has no table of problems"
    return [cells(row) for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)]


def counts(page, entity: str) -> list[str]:
    """The counts of one kind of record in the preview (new, update, unchanged, problem)."""
    row = re.search(rf'<th scope="row">{entity}</th>(.*?)</tr>', page.text, re.S)
    assert row, f"no counts of {entity}"
    return cells(row.group(1))


def names(store, slug: str = "daalhof") -> set[str]:
    return {a.name for a in store.list_actors(slug)}


def test_the_preview_shows_counts_and_every_problem_with_its_row(browse, store):
    anna = browse("anna")
    _, page = preview(anna, "daalhof", ("partners.csv", csv_bytes(BAD)))
    assert page.status_code == 200
    assert "Proefdraai van de import" in page.text and "partners.csv" in page.text
    assert counts(page, "Actoren") == ["2", "0", "0", "1"]  # new, update, unchanged, problem
    [row] = problem_rows(page)
    assert row[:4] == ["partners.csv", "4", "domein", "socaal"]
    assert "Bedoelt u 'sociaal'?" in row[4]
    assert 'name="alleen_goede_rijen"' in page.text
    assert not NEW_NAMES & names(store)


def test_confirming_imports_what_was_previewed_and_says_what_it_wrote(browse, store):
    anna = browse("anna")
    url, page = preview(anna, "daalhof", ("partners.csv", csv_bytes(GOOD)))
    assert "Geen problemen gevonden" in page.text
    response = anna.post(url, {"plan": fingerprint(page)})
    assert response.status_code == 303
    assert response.headers["location"] == url + "/klaar"
    assert names(store) >= NEW_NAMES
    new = next(a for a in store.list_actors("daalhof") if a.name == "Taalcafé De Brug")
    assert new.wijken == ["daalhof"]  # the page's wijk for a row without one
    assert store.audit_log(entity_id=new.id)[0].by == "anna"
    done = anna.get(url + "/klaar")
    assert "Geïmporteerd" in done.text
    assert re.search(r"<dt>Nieuw</dt><dd>2</dd>", done.text)
    assert 'href="/wijk/daalhof"' in done.text
    # the files are gone once imported: confirming again only shows the result
    again = anna.post(url, {"plan": fingerprint(page)})
    assert again.status_code == 303 and again.headers["location"].endswith("/klaar")


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(browse, store):
    anna = browse("anna")
    url, page = preview(anna, "daalhof", ("partners.csv", csv_bytes(BAD)))
    before_actors = store.list_actors()
    before_seq = store.audit_log(limit=1)[0].seq
    response = anna.post(url, {"plan": fingerprint(page)})
    assert response.status_code == 422
    assert "Er is niets geïmporteerd" in response.text and "Alles of niets" in response.text
    assert store.list_actors() == before_actors
    assert store.audit_log(limit=1)[0].seq == before_seq


def test_valid_only_writes_only_the_good_rows(browse, store):
    anna = browse("anna")
    url, page = preview(anna, "daalhof", ("partners.csv", csv_bytes(BAD)))
    response = anna.post(url, {"plan": fingerprint(page), "alleen_goede_rijen": "1"})
    assert response.status_code == 303
    assert names(store) >= NEW_NAMES and "Wijkteam Oost" not in names(store)
    done = anna.get(response.headers["location"]).text
    assert re.search(r"<dt>Overgeslagen</dt><dd>1</dd>", done)
    assert "Niet geïmporteerd (1)" in done and "socaal" in done


def test_a_changed_plan_is_refused_and_shown_again(browse, store):
    anna = browse("anna")
    url, page = preview(anna, "daalhof", ("partners.csv", csv_bytes(GOOD)))
    # someone else adds one of the file's actors between the preview and the confirmation
    store.create_actor(
        ActorIn(
            kind="initiatief",
            name="Buurtkamer Daalhof-Noord",
            domain="inwoners",
            role="wijkontbijt",
            wijken=["daalhof"],
        ),
        by="baas",
    )
    before = store.audit_log(limit=1)[0].seq
    response = anna.post(url, {"plan": fingerprint(page)})
    assert response.status_code == 409
    assert "sinds de proefdraai is er in wijknet iets veranderd" in response.text
    assert store.audit_log(limit=1)[0].seq == before
    assert fingerprint(response) != fingerprint(page)
    assert anna.post(url, {"plan": fingerprint(response)}).status_code == 303
    assert "Taalcafé De Brug" in names(store)


def test_a_wijkmakelaar_cannot_import_into_another_wijk(browse, store):
    anna = browse("anna")  # daalhof only
    assert anna.get("/wijk/de-baandert/importeren").status_code == 403
    refused = upload(anna, "de-baandert", ("partners.csv", csv_bytes(GOOD)))
    assert refused.status_code == 403
    # a file uploaded into daalhof that writes into de-baandert
    other = [
        HEADER,
        ["Buurtkamer Baandert", "initiatief", "inwoners", "buurthuis", "de-baandert", ""],
    ]
    url, page = preview(anna, "daalhof", ("andere-wijk.csv", csv_bytes(other)))
    assert "U kunt dit bestand niet importeren." in page.text and "de-baandert" in page.text
    assert 'name="plan"' not in page.text
    before = store.audit_log(limit=1)[0].seq
    from api.web.importing import fingerprint as plan_digest
    from importers.apply import plan_files

    digest = plan_digest(
        plan_files(store, [("andere-wijk.csv", csv_bytes(other))], default_wijk="daalhof")
    )
    response = anna.post(url, {"plan": digest})
    assert response.status_code == 403 and "niet aan u zijn toegewezen" in response.text
    assert store.audit_log(limit=1)[0].seq == before


def test_a_lezer_is_refused(browse, store):
    lees = browse("lees")
    assert lees.get("/wijk/daalhof/importeren").status_code == 403
    response = upload(lees, "daalhof", ("partners.csv", csv_bytes(GOOD)))
    assert response.status_code == 403 and "Geen toegang" in response.text
    assert lees.get("/wijk/daalhof/dubbelingen").status_code == 403
    assert not NEW_NAMES & names(store)


def test_uploads_and_confirmations_without_the_csrf_token_are_refused(browse, store):
    anna = browse("anna")
    response = upload(anna, "daalhof", ("partners.csv", csv_bytes(GOOD)), token="vals")
    assert response.status_code == 403 and "Formulier niet geaccepteerd" in response.text
    url, page = preview(anna, "daalhof", ("partners.csv", csv_bytes(GOOD)))
    response = anna.post(url, {"plan": fingerprint(page)}, token="")
    assert response.status_code == 403
    assert not NEW_NAMES & names(store)


def test_an_upload_belongs_to_the_session_that_made_it(browse, store):
    url, _ = preview(browse("anna"), "daalhof", ("partners.csv", csv_bytes(GOOD)))
    baas = browse("baas")
    response = baas.get(url)
    assert response.status_code == 404 and "Kies het bestand opnieuw" in response.text
    assert baas.post(url, {"plan": "0" * 32}).status_code == 404
    assert not NEW_NAMES & names(store)


def test_kept_uploads_expire_and_each_session_keeps_only_a_few(tmp_path):
    uploads = PendingUploads(tmp_path, per_owner=2)
    first = uploads.add("sessie-1", "daalhof", [("a.csv", b"naam\nA\n")])
    kept = uploads.get(first, "sessie-1")
    assert kept is not None and kept.files() == [("a.csv", b"naam\nA\n")]
    assert uploads.get(first, "sessie-2") is None
    assert uploads.get("../../etc/passwd", "sessie-1") is None
    second = uploads.add("sessie-1", "daalhof", [("b.csv", b"x")])
    uploads.add("sessie-1", "daalhof", [("c.csv", b"x")])
    assert uploads.get(first, "sessie-1") is None  # the oldest made way for the newest
    assert uploads.get(second, "sessie-1") is not None
    uploads.finish(uploads.get(second, "sessie-1"), {"created": 1})
    assert uploads.get(second, "sessie-1").result == {"created": 1}
    assert sorted(p.name for p in (tmp_path / second).iterdir()) == ["meta.json"]
    uploads.seconds = 0
    assert uploads.get(second, "sessie-1") is None and not (tmp_path / second).exists()


def test_empty_and_missing_files_get_a_dutch_message(browse):
    anna = browse("anna")
    response = anna.client.post(
        "/wijk/daalhof/importeren", data={"csrf_token": anna.token}, follow_redirects=False
    )
    assert response.status_code == 422 and "Kies eerst een of meer bestanden." in response.text
    _, page = preview(anna, "daalhof", ("leeg.csv", b""))
    assert "Het bestand is leeg" in page.text and "hele bestand" in page.text
    assert 'name="plan"' not in page.text


def test_a_hostile_name_in_a_file_is_text_in_the_preview(browse):
    anna = browse("anna")
    rows = [
        HEADER,
        [HOSTILE, "initiatief", "inwoners", "buurthuis", "daalhof", "eenzaamheid"],
        [HOSTILE + " 2", "initiatief", "socaal", "buurthuis", "daalhof", ""],
    ]
    _, page = preview(anna, "daalhof", (HOSTILE + ".csv", csv_bytes(rows)))
    assert HOSTILE not in page.text
    assert html.escape(HOSTILE) in page.text


def test_the_preview_warns_about_likely_duplicates(browse, store):
    anna = browse("anna")
    existing = next(
        a
        for a in store.list_actors("daalhof")
        if a.kind is ActorKind.ORGANISATIE and len(a.name) > 12
    )
    typo = existing.name[:-1] + ("e" if existing.name[-1] != "e" else "a")
    rows = [
        ["naam", "soort", "domein", "rol", "wijk"],
        [typo, "organisatie", existing.domain.value, existing.role.value, "daalhof"],
    ]
    _, page = preview(anna, "daalhof", ("dubbel.csv", csv_bytes(rows)))
    assert "Bestaan deze al?" in page.text
    assert f'href="/actor/{existing.id}"' in page.text


def test_the_wijk_page_links_to_import_duplicates_and_exports_by_role(browse):
    anna, lees = browse("anna").get("/wijk/daalhof").text, browse("lees").get("/wijk/daalhof").text
    for link in ('href="/wijk/daalhof/importeren"', 'href="/wijk/daalhof/dubbelingen"'):
        assert link in anna and link not in lees
    for page in (anna, lees):
        assert 'href="/api/v1/export?format=xlsx&amp;wijk=daalhof"' in page
        assert "with_contact" not in page
    form = browse("anna").get("/wijk/daalhof/importeren").text
    assert 'name="with_contact"' in form and 'action="/api/v1/export"' in form


def _twins(store):
    """Two spellings of one practice in daalhof, each with its own partner and a professional."""
    keep = store.create_actor(
        ActorIn(
            kind="organisatie",
            name="Huisartsenpraktijk De Baandert",
            domain="zorg",
            role="huisartsenpraktijk",
            wijken=["daalhof"],
        ),
        by="setup",
    )
    drop = store.create_actor(
        ActorIn(
            kind="organisatie",
            name="Huisartspraktijk de Baandert",
            domain="zorg",
            role="huisartsenpraktijk",
            wijken=["daalhof"],
            description="Ook POH-GGZ",
        ),
        by="setup",
    )
    partner = next(
        a
        for a in store.list_actors("daalhof")
        if a.kind is ActorKind.ORGANISATIE and a.id not in (keep.id, drop.id)
    )
    store.create_link(LinkIn(source=drop.id, target=partner.id, intensity=3), by="setup")
    worker = store.create_actor(
        ActorIn(
            kind="professional",
            name="Praktijkondersteuner Test",
            domain="zorg",
            role="poh-ggz",
            wijken=["daalhof"],
            organisation=drop.id,
        ),
        by="setup",
    )
    return keep, drop, partner, worker


def test_the_merge_page_previews_merges_and_the_audit_log_records_it(browse, store):
    keep, drop, partner, worker = _twins(store)
    anna = browse("anna")
    listed = anna.get("/wijk/daalhof/dubbelingen")
    assert listed.status_code == 200
    assert html.escape(keep.name) in listed.text and html.escape(drop.name) in listed.text
    link = re.search(r'href="(/wijk/daalhof/samenvoegen\?a=[^"]+)"', listed.text)
    assert link
    side = anna.get(html.unescape(link.group(1)))
    assert side.status_code == 200 and "Welke actor blijft bestaan?" in side.text
    assert 'name="keep"' not in side.text  # nothing to confirm before a choice
    shown = anna.get(f"/wijk/daalhof/samenvoegen?a={keep.id}&b={drop.id}&houden={keep.id}")
    assert "1 verbinding gaat over naar" in shown.text
    assert html.escape(partner.name) in shown.text and "Praktijkondersteuner Test" in shown.text
    assert "Ook POH-GGZ" in shown.text  # the empty description is filled from the other
    response = anna.post(
        "/wijk/daalhof/samenvoegen",
        {
            "keep": keep.id,
            "drop": drop.id,
            "keep_version": keep.version,
            "drop_version": drop.version,
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/actor/{keep.id}?melding=samengevoegd"
    assert drop.id not in {a.id for a in store.list_actors("daalhof")}
    assert store.get_actor(worker.id).organisation == keep.id
    assert any({lk.source, lk.target} == {keep.id, partner.id} for lk in store.list_links())
    removed = store.audit_log(entity_id=drop.id)[0]
    assert (removed.action, removed.by) == ("merge", "anna")
    assert removed.after == {"merged_into": keep.id}
    assert store.audit_log(entity_id=keep.id)[0].by == "anna"
    assert "Samengevoegd" in anna.get(response.headers["location"]).text
    assert "samengevoegd" in browse("baas").get("/beheer").text  # the audit log, in Dutch


def test_a_merge_after_someone_else_changed_an_actor_is_refused_in_dutch(browse, store):
    keep, drop, *_ = _twins(store)
    anna = browse("anna")
    store.update_actor(
        drop.id, {"description": "Intussen gewijzigd"}, expected_version=drop.version, by="baas"
    )
    response = anna.post(
        "/wijk/daalhof/samenvoegen",
        {
            "keep": keep.id,
            "drop": drop.id,
            "keep_version": keep.version,
            "drop_version": drop.version,
        },
    )
    assert response.status_code == 409
    assert "iemand anders heeft een van beide actoren gewijzigd" in response.text
    assert "Intussen gewijzigd" in response.text
    assert store.get_actor(drop.id).version == drop.version + 1
    other = next(a for a in store.list_actors("de-baandert"))
    refused = anna.get(f"/wijk/daalhof/samenvoegen?a={keep.id}&b={other.id}")
    assert refused.status_code == 403
