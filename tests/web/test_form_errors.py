"""A refused form shows every problem at once.

Each problem stands beside its field (``aria-describedby``, ``aria-invalid``) and once in the
summary at the top as "label: message", the label a link to an element of the page; a
problem of the whole form (a conflict, the database) is in the summary without a link.
Everything typed comes back, in every kind of field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest

from graph.errors import StoreUnavailable
from graph.model import ActorKind
from tests.support.web import actor_form

FOREIGN = "nuth-apo-01"
"""An organisation active in nuth only (anna writes in daalhof only)."""


@dataclass
class Item:
    """One line of the summary: the link's target and text (if any) and the whole line."""

    href: str | None = None
    link: str | None = None
    text: str = ""


class Page(HTMLParser):
    """What a form page shows: its ids, the messages beside fields, the summary, the values."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[str, dict[str, str]] = {}
        self.beside: dict[str, str] = {}
        self.summary: list[Item] = []
        self.summary_attrs: dict[str, str] = {}
        self.values: dict[str, str] = {}
        self.checked: dict[str, list[str]] = {}
        self.selected: dict[str, str] = {}
        self._capture: tuple[dict[str, str], str] | None = None
        self._select: str | None = None
        self._depth = 0  # open elements inside the summary
        self._item: Item | None = None
        self._in_link = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            assert a["id"] not in self.ids, f"the id {a['id']} is used twice"
            self.ids[a["id"]] = a | {"tag": tag}
        if self._depth and tag != "input":
            self._depth += 1
        if a.get("id") == "formulierfouten":
            self._depth, self.summary_attrs = 1, a
        if self._depth and tag == "li":
            self._item = Item()
        if self._item is not None and tag == "a":
            self._item.href, self._item.link, self._in_link = a.get("href"), "", True
        if tag == "p" and a.get("class") == "field-error":
            self.beside[a["id"].removeprefix("fout-")] = ""
            self._capture = (self.beside, a["id"].removeprefix("fout-"))
        if tag == "textarea":
            self.values[a["name"]] = ""
            self._capture = (self.values, a["name"])
        if tag == "input" and a.get("type") == "checkbox":
            if "checked" in a:
                self.checked.setdefault(a["name"], []).append(a["value"])
        elif tag == "input" and "name" in a:
            self.values[a["name"]] = a.get("value", "")
        if tag == "select":
            self._select = a["name"]
            self.selected.setdefault(a["name"], "")
        if tag == "option" and self._select and "selected" in a:
            self.selected[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "textarea"):
            self._capture = None
        if tag == "select":
            self._select = None
        if tag == "a":
            self._in_link = False
        if self._depth:
            if tag == "li" and self._item is not None:
                self._item.text = " ".join(self._item.text.split())
                self.summary.append(self._item)
                self._item = None
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._capture is not None:
            where, key = self._capture
            where[key] += data
        if self._item is not None:
            self._item.text += data
            if self._in_link:
                self._item.link = (self._item.link or "") + data


def _read(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def assert_every_problem_shown(page: Page, expected: dict[str, str]) -> None:
    """``expected``: field → the start of its message. Each stands beside its field, and the
    summary lists exactly these, once each, as "label: message" linking to the field."""
    assert page.summary_attrs.get("role") == "alert"
    assert page.summary_attrs.get("tabindex") == "-1"
    assert set(page.beside) == set(expected), page.beside
    for name, start in expected.items():
        assert page.beside[name].startswith(start), (name, page.beside[name])
        control = page.ids[f"f-{name}"]
        assert f"fout-{name}" in control.get("aria-describedby", "").split()
        assert control.get("aria-invalid") == "true"
    linked = [item for item in page.summary if item.href]
    assert sorted(item.href for item in linked) == sorted(f"#f-{name}" for name in expected)
    texts = [item.text for item in page.summary]
    assert len(texts) == len(set(texts)), f"a problem is listed twice: {texts}"
    for item in linked:
        assert item.href and item.href[1:] in page.ids, f"{item.href} points at nothing"
        assert item.link, item
        assert item.text == f"{item.link}: {page.beside[item.href.removeprefix('#f-')]}", item


def _label_of(html: str, name: str) -> str:
    """The visible label of a field, as the form shows it (without "(verplicht)")."""
    start = html.index(f'<label for="f-{name}">') + len(f'<label for="f-{name}">')
    return html[start : html.index("<", start)].strip()


# -- the actor forms ------------------------------------------------------------------------

THREE_FAULTS = {"name": "", "email": "geen-adres", "since": "2025-05-01", "until": "2024-01-01"}
THREE_EXPECTED = {
    "name": "De naam is leeg.",
    "email": "Vul een geldig e-mailadres in",
    "until": "De einddatum ligt vóór de startdatum.",
}


def _kind_form(kind: str, **overrides: object) -> dict:
    base = {
        "organisatie": {"domain": "zorg", "role": "overig"},
        "professional": {"domain": "zorg", "role": "huisarts"},
        "initiatief": {},
    }[kind]
    return actor_form(**({"kernaanpakken": ["doorbraakmethode"]} | base | overrides))


@pytest.mark.parametrize("kind", ["organisatie", "professional", "initiatief"])
def test_a_new_actor_with_three_faults_shows_all_three_at_once(browse, store, kind):
    anna = browse("anna")
    before = len(store.list_actors("daalhof"))
    response = anna.post(f"/wijk/daalhof/nieuw/{kind}", _kind_form(kind, **THREE_FAULTS))
    assert response.status_code == 422
    page = _read(response.text)
    assert_every_problem_shown(page, THREE_EXPECTED)
    assert [item.link for item in page.summary] == ["Naam", "E-mail", "Actief tot"]
    assert page.summary[2].text == "Actief tot: De einddatum ligt vóór de startdatum."
    for item in page.summary:  # the summary names each field as the form labels it
        assert item.link == _label_of(response.text, (item.href or "").removeprefix("#f-"))
    assert len(store.list_actors("daalhof")) == before


@pytest.mark.parametrize("kind", list(ActorKind))
def test_an_edit_with_three_faults_shows_all_three_and_saves_nothing(browse, store, kind):
    anna = browse("anna")
    actor = next(
        a for a in store.list_actors("daalhof") if a.kind is kind and a.wijken == ["daalhof"]
    )
    data = _kind_form(
        kind.value,
        **THREE_FAULTS,
        role=actor.role.value,
        domain=actor.domain.value,
        version=actor.version,
    )
    response = anna.post(f"/actor/{actor.id}/bewerken", data)
    assert response.status_code == 422
    assert_every_problem_shown(_read(response.text), THREE_EXPECTED)
    assert store.get_actor(actor.id).version == actor.version


def test_everything_typed_is_kept_in_every_kind_of_field(browse):
    anna = browse("anna")
    typed = _kind_form(
        "professional",
        **THREE_FAULTS,
        themes=["eenzaamheid", "mantelzorg"],
        kernaanpakken=["doorbraakmethode", "kernteam-ouderen"],
        organisation=FOREIGN,
        phone="043 123 45 67",
        description="  Mijn tekst\nover twee regels.",
    )
    response = anna.post("/wijk/daalhof/nieuw/professional", typed)
    assert response.status_code == 422
    page = _read(response.text)
    for name in ("name", "email", "phone", "since", "until"):
        assert page.values[name] == typed[name], name
    assert page.values["description"].strip() == typed["description"].strip()
    assert page.selected == {"domain": "zorg", "role": "huisarts", "organisation": FOREIGN}
    assert page.checked == {
        "wijken": ["daalhof"],
        "themes": ["eenzaamheid", "mantelzorg"],
        "kernaanpakken": ["doorbraakmethode", "kernteam-ouderen"],
    }
    # the employer rule is checked together with the rest
    assert page.beside["organisation"].startswith("'Apotheek De Steeg' is niet actief")
    assert "Werkt bij (organisatie)" in [item.link for item in page.summary]


def test_no_wijk_is_a_problem_of_the_wijken_field_with_a_link_to_its_first_box(browse):
    response = browse("anna").post("/wijk/daalhof/nieuw/initiatief", actor_form(name="", wijken=[]))
    assert response.status_code == 422
    page = _read(response.text)
    assert page.beside["wijken"] == "Kies minstens één wijk."
    assert page.ids["f-wijken"]["tag"] == "input" and page.ids["f-wijken"]["type"] == "checkbox"
    assert page.ids["f-wijken"]["aria-invalid"] == "true"
    fieldset = re.search(r'<fieldset class="field checks has-error" ([^>]*)>', response.text)
    assert fieldset and 'aria-describedby="fout-wijken hint-wijken"' in fieldset.group(1)
    assert [item.text for item in page.summary] == [
        "Naam: De naam is leeg. Vul een naam in.",
        "Actief in de wijken: Kies minstens één wijk.",
    ]


def test_a_similar_name_stays_a_warning_beside_the_problems(browse, store):
    anna = browse("anna")
    existing = next(a for a in store.list_actors("daalhof") if a.kind is ActorKind.INITIATIEF)
    data = actor_form(name=existing.name + "e", since="2025-05-01", until="2024-01-01")
    before = len(store.list_actors("daalhof"))
    response = anna.post("/wijk/daalhof/nieuw/initiatief", data)
    assert response.status_code == 422
    page = _read(response.text)
    assert set(page.beside) == {"until"}
    assert [item.link for item in page.summary] == ["Actief tot"]
    assert "Bestaat dit initiatief al?" in response.text
    assert 'href="#lijkt-op"' in response.text and "lijkt-op" in page.ids
    # beside other problems "toch opslaan" is a box, kept as ticked
    assert page.ids["f-toch_opslaan"]["type"] == "checkbox"
    ticked = anna.post("/wijk/daalhof/nieuw/initiatief", data | {"toch_opslaan": "1"})
    assert ticked.status_code == 422
    assert _read(ticked.text).checked.get("toch_opslaan") == ["1"]
    # with the date fixed and the box ticked, it is saved in one go
    saved = anna.post("/wijk/daalhof/nieuw/initiatief", data | {"until": "", "toch_opslaan": "1"})
    assert saved.status_code == 303
    assert len(store.list_actors("daalhof")) == before + 1


def test_a_conflict_is_in_the_summary_without_a_link(browse, store):
    anna = browse("anna")
    actor = next(a for a in store.list_actors("daalhof") if a.kind is ActorKind.INITIATIEF)
    store.update_actor(
        actor.id, {"description": "Door een collega"}, expected_version=actor.version, by="baas"
    )
    data = actor_form(
        name=actor.name,
        domain=actor.domain.value,
        role=actor.role.value,
        wijken=actor.wijken,
        since="",
        version=actor.version,
    )
    response = anna.post(f"/actor/{actor.id}/bewerken", data)
    assert response.status_code == 409
    page = _read(response.text)
    assert len(page.summary) == 1
    assert page.summary[0].href is None
    assert page.summary[0].text.startswith("Iemand anders heeft deze actor gewijzigd")


def test_an_unreachable_database_is_in_the_summary_without_a_link(browse, store, monkeypatch):
    def unreachable(*args: object, **kwargs: object) -> None:
        raise StoreUnavailable("database is locked")

    monkeypatch.setattr(store, "create_actor", unreachable)
    response = browse("anna").post("/wijk/daalhof/nieuw/initiatief", actor_form())
    assert response.status_code == 503
    page = _read(response.text)
    assert [(item.href, item.text[:34]) for item in page.summary] == [
        (None, "De database is niet bereikbaar. Wa")
    ]
    assert page.values["name"] == "Koffieochtend De Kiosk"


# -- the collaboration forms ----------------------------------------------------------------


def _link_form(**overrides: str) -> dict:
    data = {
        "source_name": "",
        "source": "",
        "target_name": "",
        "target": "",
        "kind": "samenwerking",
        "intensity": "3",
        "since": "",
        "until": "",
        "note": "",
    }
    return data | overrides


def test_a_new_collaboration_with_two_faults_shows_both(browse, store):
    anna = browse("anna")
    a = next(x for x in store.list_actors("daalhof") if x.kind is ActorKind.INITIATIEF)
    before = len(store.list_links("daalhof"))
    typed = _link_form(
        source_name=a.name,
        target_name="Bestaat echt niet",
        since="2025-05-01",
        until="2024-01-01",
        note="Samen koken",
    )
    response = anna.post("/wijk/daalhof/samenwerking/nieuw", typed)
    assert response.status_code == 422
    page = _read(response.text)
    assert_every_problem_shown(
        page,
        {
            "target_name": "Geen actor met deze naam in deze wijk",
            "until": "De einddatum ligt vóór de startdatum.",
        },
    )
    assert [item.link for item in page.summary] == ["Met (tweede actor)", "Tot"]
    for name in ("source_name", "target_name", "since", "until"):
        assert page.values[name] == typed[name], name
    assert page.values["source"] == a.id
    assert page.values["note"] == "Samen koken"
    assert page.selected == {"kind": "samenwerking", "intensity": "3"}
    assert len(store.list_links("daalhof")) == before


def test_two_empty_names_are_two_problems_each_named(browse):
    response = browse("anna").post("/wijk/daalhof/samenwerking/nieuw", _link_form())
    assert response.status_code == 422
    page = _read(response.text)
    assert_every_problem_shown(
        page,
        {
            "source_name": "Typ (een deel van) een naam en kies de eerste actor",
            "target_name": "Typ (een deel van) een naam en kies de tweede actor",
        },
    )
    assert [item.link for item in page.summary] == ["Van (eerste actor)", "Met (tweede actor)"]


def test_a_self_link_and_a_wrong_date_are_shown_together(browse, store):
    a = next(x for x in store.list_actors("daalhof") if x.kind is ActorKind.INITIATIEF)
    response = browse("anna").post(
        "/wijk/daalhof/samenwerking/nieuw",
        _link_form(source_name=a.name, target_name=a.name, since="2025-05-01", until="2024-01-01"),
    )
    assert response.status_code == 422
    assert_every_problem_shown(
        _read(response.text),
        {
            "target_name": "Een actor kan niet met zichzelf verbonden worden.",
            "until": "De einddatum ligt vóór de startdatum.",
        },
    )


def test_a_collaboration_edit_with_two_faults_shows_both(browse, store):
    anna = browse("anna")
    link = next(
        lk
        for lk in store.list_links("daalhof")
        if all(store.get_actor(x).wijken == ["daalhof"] for x in (lk.source, lk.target))
    )
    response = anna.post(
        f"/samenwerking/{link.id}/bewerken",
        {
            "intensity": "9",
            "since": "2025-05-01",
            "until": "2024-01-01",
            "note": "Mijn notitie",
            "version": link.version,
        },
    )
    assert response.status_code == 422
    page = _read(response.text)
    assert_every_problem_shown(
        page,
        {
            "intensity": "Kies een intensiteit uit de lijst.",
            "until": "De einddatum ligt vóór de startdatum.",
        },
    )
    assert [item.link for item in page.summary] == ["Intensiteit", "Tot"]
    assert page.values["note"] == "Mijn notitie" and page.values["since"] == "2025-05-01"
    assert store.get_link(link.id).version == link.version
