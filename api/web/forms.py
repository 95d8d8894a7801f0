"""Forms for wijkmakelaars: add and edit organisations, professionals and initiatives.

Every check happens here on the server: the role, the wijken of the account, the model's
validation, the employer rule, similar names before a duplicate is made ("toch opslaan" to
go on), and the version read (a conflict shows both versions). All of them run before the
form answers, so a refused form shows every problem at once: each beside its field and
listed in the summary at the top, with everything typed kept. After saving, the actor's
page confirms it.
"""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from api.accounts import User
from api.deps import Form, PageWriter, StoreDep
from api.errors import WebError
from api.permissions import (
    PageRefusal,
    may_link,
    may_write_actor,
    may_write_wijk,
    may_write_wijken,
    page_refused,
    refused_employer,
)
from api.web.formdata import (
    ACTOR_STAND_INS,
    ROLES_BY_KIND,
    FormState,
    actor_input,
    actor_values,
    differences,
    empty_actor_values,
    similar_actors,
    store_refusal,
    store_unavailable,
    text,
    validate,
    values_of,
)
from api.web.render import render
from graph.errors import Conflict, InvalidData, NotFound, StoreUnavailable
from graph.model import (
    Actor,
    ActorIn,
    ActorKind,
    Domain,
    Kernaanpak,
    Link,
    LinkIn,
    LinkKind,
    Theme,
    label,
    new_id,
)
from graph.store import GraphStore

router = APIRouter(include_in_schema=False)

KINDS = {
    "organisatie": ActorKind.ORGANISATIE,
    "professional": ActorKind.PROFESSIONAL,
    "initiatief": ActorKind.INITIATIEF,
}
DEFAULT_DOMAIN = {ActorKind.INITIATIEF: Domain.INWONERS.value}
FIELD_LABELS = {
    "name": "Naam",
    "domain": "Domein",
    "role": "Soort / rol",
    "themes": "Thema's",
    "kernaanpakken": "Kernaanpakken",
    "wijken": "Wijken",
    "organisation": "Organisatie",
    "description": "Beschrijving",
    "contact_professional": "Contactpersoon (professional)",
    "contact_name": "Contactpersoon",
    "email": "E-mail",
    "phone": "Telefoon",
    "since": "Actief sinds",
    "until": "Actief tot",
}


def form_labels(kind: ActorKind, *, with_contact: bool) -> dict[str, str]:
    """The labels of the fields the form shows for ``kind``, in the form's order (beside
    each field and in the summary of its problems)."""
    labels = {
        "name": "Naam",
        "domain": "Domein",
        "role": "Functie" if kind is ActorKind.PROFESSIONAL else "Soort",
        "organisation": "Werkt bij (organisatie)",
        "wijken": "Actief in de wijken",
        "themes": "Thema's",
        "kernaanpakken": "Doet mee aan kernaanpakken",
        "description": "Beschrijving",
        "contact_professional": "Een professional uit de wijk",
        "contact_name": "Contactpersoon",
        "email": "E-mail",
        "phone": "Telefoon",
        "since": "Actief sinds",
        "until": "Actief tot",
    }
    if kind is not ActorKind.PROFESSIONAL:
        del labels["organisation"]
    if kind is not ActorKind.INITIATIEF:
        del labels["contact_professional"]
    if kind is ActorKind.PROFESSIONAL or not with_contact:
        del labels["contact_name"]
    if not with_contact:
        del labels["email"], labels["phone"]
    return labels


# -- the contact person of an initiative ------------------------------------------------------

BOTH_CONTACTS = (
    "Kies een professional óf vul zelf een naam in, niet allebei. Laat een van de twee leeg."
)
NO_PROFESSIONAL = "Kies een professional uit de lijst."


def contact_link(store: GraphStore, actor: Actor) -> Link | None:
    """The actor's current contact person: its ``contactpersoon`` link without an end
    (``until``), the newest if there are more."""
    found = [
        link
        for slug in actor.wijken
        for link in store.list_links(slug)
        if link.source == actor.id and link.kind is LinkKind.CONTACTPERSOON and link.until is None
    ]
    return max(found, key=lambda lk: (lk.created_at, lk.id)) if found else None


def end_day(link: Link) -> date:
    """The last day of a contact link ended today: yesterday, or the day it started when
    that is later (a link cannot end before it starts)."""
    yesterday = date.today() - timedelta(days=1)
    return max(yesterday, link.since) if link.since else yesterday


def _professionals(store: GraphStore, wijken: list[str], chosen: str = "") -> list[Actor]:
    """The professionals of ``wijken``, and the one ``chosen`` (kept on a refused form)."""
    seen: dict[str, Actor] = {}
    known = {w.slug for w in store.list_wijken()}
    for slug in wijken:
        if slug in known:
            seen.update(
                (a.id, a) for a in store.list_actors(slug) if a.kind is ActorKind.PROFESSIONAL
            )
    if chosen and chosen not in seen:
        try:
            actor = store.get_actor(chosen)
        except NotFound:
            pass
        else:
            if actor.kind is ActorKind.PROFESSIONAL:
                seen[actor.id] = actor
    return sorted(seen.values(), key=lambda a: (a.name.lower(), a.id))


def _professional_option(actor: Actor) -> tuple[str, str]:
    role = f" ({label(actor.role)})" if actor.role.value != "overig" else ""
    return actor.id, f"{actor.name}{role}"


def _check_contact(store: GraphStore, user: User, kind: ActorKind, state: FormState) -> None:
    """The contact person of an initiative: a professional of the user's wijken, or a name
    typed in, not both."""
    chosen = state.values["contact_professional"]
    if kind is not ActorKind.INITIATIEF or not chosen:
        state.values["contact_professional"] = ""
        return
    if state.values["contact_name"].strip():
        state.errors.setdefault("contact_professional", BOTH_CONTACTS)
        return
    try:
        professional = store.get_actor(chosen)
    except NotFound:
        professional = None
    if professional is None or professional.kind is not ActorKind.PROFESSIONAL:
        state.errors.setdefault("contact_professional", NO_PROFESSIONAL)
    elif not may_link(user, professional):
        state.errors.setdefault("contact_professional", PageRefusal.LINK_ENDS)


def _contact_changes(
    state: FormState, actor_id: str, current: Link | None
) -> tuple[list[LinkIn], dict[str, date]]:
    """The links to create and to end so the chosen professional is the contact person."""
    chosen = state.values["contact_professional"]
    if chosen == (current.target if current else ""):
        return [], {}
    ended = {current.id: end_day(current)} if current else {}
    new = (
        [LinkIn(source=actor_id, target=chosen, kind=LinkKind.CONTACTPERSOON, since=date.today())]
        if chosen
        else []
    )
    return new, ended


def _kind(soort: str) -> ActorKind:
    if soort not in KINDS:
        raise WebError(404, "Niet gevonden", "Deze soort actor bestaat niet.")
    return KINDS[soort]


def _wijk_choices(store: GraphStore, user: User, current: list[str]) -> list[tuple[str, str]]:
    """The wijken this user may pick (their own, plus those the record already has)."""
    return [
        (w.slug, w.name)
        for w in store.list_wijken()
        if may_write_wijk(user, w.slug) or w.slug in current
    ]


def _organisations(store: GraphStore, wijken: list[str], chosen: str = "") -> list[Actor]:
    """The organisations of ``wijken``, and the one ``chosen`` (so a refused choice stays
    selected on the form)."""
    seen: dict[str, Actor] = {}
    known = {w.slug for w in store.list_wijken()}
    for slug in wijken:
        if slug not in known:
            continue
        for actor in store.list_actors(slug):
            if actor.kind is ActorKind.ORGANISATIE:
                seen[actor.id] = actor
    if chosen and chosen not in seen:
        try:
            actor = store.get_actor(chosen)
        except NotFound:
            pass
        else:
            if actor.kind is ActorKind.ORGANISATIE:
                seen[actor.id] = actor
    return sorted(seen.values(), key=lambda a: a.name.lower())


def _page(
    request: Request,
    store: GraphStore,
    user: User,
    *,
    kind: ActorKind,
    state: FormState,
    wijk: str,
    actor: Actor | None = None,
    version: int | None = None,
    status: int = 200,
) -> Response:
    wijken = state.values["wijken"] or [wijk]
    context = {
        "kind": kind,
        "kind_label": label(kind),
        "state": state,
        "actor": actor,
        "version": version,
        "wijk": store.get_wijk(wijk),
        "wijk_choices": _wijk_choices(store, user, list(actor.wijken) if actor else []),
        "organisations": [
            (a.id, a.name) for a in _organisations(store, wijken, state.values["organisation"])
        ]
        if kind is ActorKind.PROFESSIONAL
        else [],
        "domains": [(d.value, label(d)) for d in Domain],
        "roles": [(r.value, label(r)) for r in ROLES_BY_KIND[kind]],
        "themes": [(t.value, label(t)) for t in Theme],
        "kernaanpakken": [(k.value, label(k)) for k in Kernaanpak],
        "professionals": [
            _professional_option(a)
            for a in _professionals(store, wijken, state.values["contact_professional"])
        ]
        if kind is ActorKind.INITIATIEF
        else [],
        "show_contact": user.may_see_contact,
        "labels": form_labels(kind, with_contact=user.may_see_contact),
    }
    return render(request, "actor_form.html", context, status=status)


def _check_wijken(user: User, wijken: list[str], state: FormState) -> None:
    if wijken and not may_write_wijken(user, wijken):
        state.errors.setdefault("wijken", PageRefusal.wijken(user))


def _check_employer(
    store: GraphStore, user: User, state: FormState, current: str | None = None
) -> None:
    employer = refused_employer(store, user, state.values["organisation"], current)
    if employer:
        state.errors.setdefault("organisation", PageRefusal.employer(employer, user))


def _similar(store: GraphStore, name: str, wijken: list[str], exclude: str | None) -> list[Actor]:
    others: dict[str, Actor] = {}
    known = {w.slug for w in store.list_wijken()}
    for slug in wijken:
        if slug not in known:
            continue
        for actor in store.list_actors(slug):
            others[actor.id] = actor
    return similar_actors(name, others.values(), exclude=exclude)


def _check_similar(
    store: GraphStore, form: FormData, state: FormState, exclude: str | None, current: str = ""
) -> None:
    """The similar names, a warning beside the other problems: looked up when the name and
    wijken are valid (and the name is new), unless "toch opslaan" was chosen for a form that
    is otherwise fine. With other problems a choice to save anyway is kept on the form."""
    state.save_anyway = text(form, "toch_opslaan") == "1"
    name = " ".join(state.values["name"].split())
    if "name" in state.errors or "wijken" in state.errors or name == current:
        return
    if state.save_anyway and state.ok:
        return
    state.similar = _similar(store, name, state.values["wijken"], exclude)


@router.get("/wijk/{slug}/nieuw/{soort}", response_class=HTMLResponse)
def new_actor_form(
    request: Request, slug: str, soort: str, store: StoreDep, user: PageWriter
) -> Response:
    """An empty form for a new organisation, professional or initiative."""
    kind = _kind(soort)
    store.get_wijk(slug)
    if not may_write_wijk(user, slug):
        raise page_refused(PageRefusal.WIJK)
    values = empty_actor_values() | {"wijken": [slug], "domain": DEFAULT_DOMAIN.get(kind, "")}
    return _page(request, store, user, kind=kind, state=FormState(values), wijk=slug)


@router.post("/wijk/{slug}/nieuw/{soort}", response_class=HTMLResponse)
def create_actor(
    request: Request, slug: str, soort: str, form: Form, store: StoreDep, user: PageWriter
) -> Response:
    """Save a new actor, after the similar-name check unless "toch opslaan" was chosen."""
    kind = _kind(soort)
    store.get_wijk(slug)
    state = FormState(actor_values(form))
    data = validate(ActorIn, actor_input(state.values, kind, None), state, ACTOR_STAND_INS)
    _check_wijken(user, state.values["wijken"], state)
    _check_employer(store, user, state)
    _check_contact(store, user, kind, state)
    _check_similar(store, form, state, None)
    if state.ok and data is not None and not state.similar:
        data = data.model_copy(update={"id": new_id("a")})
        new_links, _ = _contact_changes(state, data.id, None)
        try:
            if new_links:  # the initiative and its contact link, together or not at all
                actor = store.save_actor(data, by=user.username, new_links=new_links, confirm=True)
            else:
                actor = store.create_actor(data, by=user.username, confirm=True)
        except InvalidData as exc:
            store_refusal(exc, state)
        except StoreUnavailable:
            store_unavailable(state)
        else:
            return RedirectResponse(f"/actor/{actor.id}?melding=toegevoegd", status_code=303)
    return _page(request, store, user, kind=kind, state=state, wijk=slug, status=state.status)


@router.get("/actor/{actor_id}/bewerken", response_class=HTMLResponse)
def edit_actor_form(request: Request, actor_id: str, store: StoreDep, user: PageWriter) -> Response:
    """The form with the actor as stored, and the version it was read at."""
    actor = store.get_actor(actor_id)
    _may_edit(user, actor, actor.wijken)
    link = contact_link(store, actor)
    state = FormState(
        values_of(
            actor,
            with_contact=user.may_see_contact,
            contact_professional=link.target if link else "",
        )
    )
    return _page(
        request,
        store,
        user,
        kind=actor.kind,
        state=state,
        wijk=actor.wijken[0],
        actor=actor,
        version=actor.version,
    )


def _may_edit(user: User, actor: Actor, wijken: list[str]) -> None:
    if not may_write_actor(user, actor, wijken=wijken):
        raise page_refused(PageRefusal.CHANGE_ACTOR)


@router.post("/actor/{actor_id}/bewerken", response_class=HTMLResponse)
def update_actor(
    request: Request, actor_id: str, form: Form, store: StoreDep, user: PageWriter
) -> Response:
    """Save changes with the version read; someone else's change in between is shown."""
    current = store.get_actor(actor_id)
    _may_edit(user, current, [])
    state = FormState(actor_values(form))
    try:
        version = int(text(form, "version"))
    except ValueError:
        raise WebError(400, "Dat ging niet goed", "Het formulier mist het versienummer.") from None
    data = validate(
        ActorIn, actor_input(state.values, current.kind, current.id), state, ACTOR_STAND_INS
    )
    _check_wijken(user, state.values["wijken"], state)
    _check_employer(store, user, state, current.organisation)
    _check_contact(store, user, current.kind, state)
    _check_similar(store, form, state, current.id, current.name)
    if state.ok and data is not None and not state.similar:
        link = contact_link(store, current) if current.kind is ActorKind.INITIATIEF else None
        new_links, ended = _contact_changes(state, actor_id, link)
        try:
            if new_links or ended:  # the actor and its contact links, together or not at all
                store.save_actor(
                    data,
                    by=user.username,
                    expected_version=version,
                    new_links=new_links,
                    end_links=ended,
                    confirm=True,
                )
            else:
                changes = data.model_dump(exclude={"id", "kind"})
                store.update_actor(actor_id, changes, expected_version=version, by=user.username)
        except Conflict:
            latest = store.get_actor(actor_id)
            latest_link = contact_link(store, latest)
            theirs = values_of(
                latest,
                with_contact=user.may_see_contact,
                contact_professional=latest_link.target if latest_link else "",
            )
            state.conflict = differences(state.values, theirs, FIELD_LABELS)
            state.fail(
                "Iemand anders heeft deze actor gewijzigd nadat u het formulier opende. "
                "Hieronder staan beide versies. Pas zo nodig uw invoer aan en sla opnieuw op "
                "om uw versie te bewaren."
            )
            return _page(
                request,
                store,
                user,
                kind=current.kind,
                state=state,
                wijk=current.wijken[0],
                actor=latest,
                version=latest.version,
                status=409,
            )
        except InvalidData as exc:
            store_refusal(exc, state)
        except StoreUnavailable:
            store_unavailable(state)
        else:
            return RedirectResponse(f"/actor/{actor_id}?melding=opgeslagen", status_code=303)
    return _page(
        request,
        store,
        user,
        kind=current.kind,
        state=state,
        wijk=current.wijken[0],
        actor=current,
        version=version,
        status=state.status,
    )
