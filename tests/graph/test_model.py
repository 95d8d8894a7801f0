"""The domain model refuses bad data with field-level Dutch messages."""

from datetime import date

import pytest
from pydantic import ValidationError

from graph.errors import InvalidData, field_errors_from_pydantic
from graph.model import ActorIn, ActorKind, Contact, Decision, LinkIn, WijkIn, normalise, slugify
from graph.store.common import validated


def actor(**overrides):
    data = {
        "kind": "initiatief",
        "name": "Wijkontbijt Daalhof",
        "domain": "inwoners",
        "wijken": ["daalhof"],
    }
    return {**data, **overrides}


def errors_of(model, data):
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return {e.field: e.message for e in field_errors_from_pydantic(info.value)}


def test_valid_actor_is_normalised():
    a = ActorIn.model_validate(
        actor(name="  Wijkontbijt   Daalhof ", themes=["ouderen", "eenzaamheid", "ouderen"])
    )
    assert a.name == "Wijkontbijt Daalhof"
    assert [t.value for t in a.themes] == ["eenzaamheid", "ouderen"]
    assert a.kind is ActorKind.INITIATIEF


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"name": ""}, "name", "niet leeg"),
        ({"name": "x" * 201}, "name", "te lang"),
        ({"name": "Ontbijt\x07"}, "name", "stuurtekens"),
        ({"name": "Twee\nregels"}, "name", "één regel"),
        ({"domain": "ruimtevaart"}, "domain", "kies uit"),
        ({"kind": "persoon"}, "kind", "kies uit"),
        ({"themes": ["onbekend-thema"]}, "themes.0", "kies uit"),
        ({"wijken": []}, "wijken", ""),
        ({"wijken": ["Daalhof Noord"]}, "wijken.0", "vorm"),
    ],
)
def test_actor_field_errors(overrides, field, fragment):
    errors = errors_of(ActorIn, actor(**overrides))
    assert field in errors, errors
    assert fragment in errors[field]


def test_until_before_since_is_refused():
    errors = errors_of(ActorIn, actor(since="2025-05-01", until="2025-04-01"))
    assert any("einddatum" in m for m in errors.values())


def test_only_professionals_have_an_organisation():
    errors = errors_of(ActorIn, actor(organisation="org-1"))
    assert any("professional" in m for m in errors.values())


def test_self_link_is_refused():
    errors = errors_of(LinkIn, {"source": "a-1", "target": "a-1"})
    assert any("zichzelf" in m for m in errors.values())


def test_intensity_range():
    errors = errors_of(LinkIn, {"source": "a-1", "target": "a-2", "intensity": 5})
    assert "intensity" in errors


def test_active_on_is_inclusive():
    link = LinkIn(source="a", target="b", since=date(2024, 1, 1), until=date(2024, 12, 31))
    assert link.active_on(date(2024, 1, 1)) and link.active_on(date(2024, 12, 31))
    assert not link.active_on(date(2023, 12, 31)) and not link.active_on(date(2025, 1, 1))


def test_wijk_slug_and_cohort():
    assert WijkIn(slug="de-baandert", name="De Baandert", gemeente="Sittard-Geleen", cohort=1)
    errors = errors_of(WijkIn, {"slug": "De Baandert", "name": "x", "gemeente": "y", "cohort": 3})
    assert {"slug", "cohort"} <= set(errors)


def test_contact_is_marked_personal_and_checked():
    assert Contact(email="a.jansen@voorbeeld.nl").personal is True
    assert "email" in errors_of(Contact, {"email": "geen-adres"})


def test_decision_orders_its_pair():
    d = Decision(
        wijk="daalhof",
        a="z-1",
        b="a-1",
        status="besproken",
        by="makelaar",
        at="2025-01-01T00:00:00Z",
    )
    assert (d.a, d.b) == ("a-1", "z-1")


def test_validated_raises_invalid_data_with_fields():
    with pytest.raises(InvalidData) as info:
        validated(ActorIn, actor(name="", domain="x"))
    assert {e.field for e in info.value.errors} == {"name", "domain"}
    assert info.value.details[0]["message"]


def test_normalise_and_slugify():
    assert normalise("  Welzijn-op-Récept ") == "welzijn op recept"
    assert slugify("Bleijerheide Centrum Nulland") == "bleijerheide-centrum-nulland"


@pytest.mark.parametrize(
    ("model", "data", "field"),
    [
        (ActorIn, actor(name="Buurt\ud800soep"), "name"),
        (ActorIn, actor(description="Elke \udfff dinsdag"), "description"),
        (
            ActorIn,
            actor(kind="organisatie", domain="zorg", contact={"email": "a\ud800@b.nl"}),
            "contact.email",
        ),
        (WijkIn, {"slug": "nieuw\ud800", "name": "Nieuw", "gemeente": "Heerlen"}, "slug"),
        (WijkIn, {"slug": "nieuw", "name": "Nieuw", "gemeente": "Heer\ud800len"}, "gemeente"),
        (LinkIn, {"source": "a-1", "target": "a-2", "note": "\ud83d"}, "note"),
    ],
)
def test_a_lone_surrogate_is_refused_with_a_dutch_message(model, data, field):
    """JSON text may hold "\\ud800"; such text cannot be stored or sent, so it is refused."""
    errors = errors_of(model, data)
    assert errors[field] == "Deze tekst bevat een ongeldig teken; typ hem opnieuw."


def test_text_with_a_real_emoji_is_kept():
    assert ActorIn.model_validate(actor(name="Buurtsoep \U0001f963")).name == "Buurtsoep \U0001f963"


@pytest.mark.parametrize(
    "email",
    [
        "a@b.c<script>",
        "<a@voorbeeld.nl>",
        "a@b.c",
        "a b@voorbeeld.nl",
        '"a"@voorbeeld.nl',
        "a@voorbeeld",
        "a@voorbeeld..nl",
        "a@-voorbeeld.nl",
        "a@@voorbeeld.nl",
        ".a@voorbeeld.nl",
        "a@voorbeeld.nl\n",
        "a@voorbeeld.123",
    ],
)
def test_an_implausible_email_is_refused(email):
    assert errors_of(Contact, {"email": email}) == {
        "email": "Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl."
    }


@pytest.mark.parametrize(
    "email",
    [
        "a.jansen@voorbeeld.nl",
        "jan.de.vries+wijk@gemeente-maastricht.nl",
        "info@x.nl",
        "rené@café.nl",
        "post@xn--caf-dma.nl",
        "Team_Zorg@Voorbeeld.Example",
        "j.d'hondt@gemeente.nl",
    ],
)
def test_a_plausible_email_is_kept(email):
    assert Contact(email=email).email == email


def test_stamped_at_fixes_now_for_this_thread_only():
    import threading
    from datetime import UTC, datetime

    from graph.model import stamped_at, utcnow

    then = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    seen: list[datetime] = []
    with stamped_at(then):
        assert utcnow() == then
        other = threading.Thread(target=lambda: seen.append(utcnow()))
        other.start()
        other.join()
    assert seen[0].year >= 2026  # another thread (a server answering) keeps the real time
    assert utcnow().year >= 2026
