"""Forms for wijkmakelaars: add and edit organisations, professionals and initiatives.

Every check happens here on the server: the role, the wijken of the account, the model's
validation (messages beside the field, everything typed kept), similar names before a
duplicate is made ("toch opslaan" to go on), and the version read (a conflict shows both
versions). After saving, the actor's page confirms it.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.accounts import User
from api.deps import Form, PageWriter, StoreDep
from api.errors import WebError
from api.permissions import (
    PageRefusal,
    may_write_actor,
    may_write_wijk,
    may_write_wijken,
    page_refused,
    refused_employer,
)
from api.web.formdata import (
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
from graph.errors import Conflict, InvalidData, StoreUnavailable
from graph.model import Actor, ActorIn, ActorKind, Domain, Kernaanpak, Theme, label
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
    "email": "E-mail",
    "phone": "Telefoon",
    "since": "Actief sinds",
    "until": "Actief tot",
}


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


def _organisations(store: GraphStore, wijken: list[str]) -> list[Actor]:
    seen: dict[str, Actor] = {}
    for slug in wijken:
        for actor in store.list_actors(slug):
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
        "organisations": [(a.id, a.name) for a in _organisations(store, wijken)]
        if kind is ActorKind.PROFESSIONAL
        else [],
        "domains": [(d.value, label(d)) for d in Domain],
        "roles": [(r.value, label(r)) for r in ROLES_BY_KIND[kind]],
        "themes": [(t.value, label(t)) for t in Theme],
        "kernaanpakken": [(k.value, label(k)) for k in Kernaanpak],
        "show_contact": user.may_see_contact,
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
    for slug in wijken:
        for actor in store.list_actors(slug):
            others[actor.id] = actor
    return similar_actors(name, others.values(), exclude=exclude)


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
    data = validate(ActorIn, actor_input(state.values, kind, None), state)
    _check_wijken(user, state.values["wijken"], state)
    _check_employer(store, user, state)
    if state.ok and text(form, "toch_opslaan") != "1":
        state.similar = _similar(store, data.name, data.wijken, None)
    if state.ok and not state.similar:
        try:
            actor = store.create_actor(data, by=user.username)
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
    state = FormState(values_of(actor, with_contact=user.may_see_contact))
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
    data = validate(ActorIn, actor_input(state.values, current.kind, current.id), state)
    _check_wijken(user, state.values["wijken"], state)
    _check_employer(store, user, state, current.organisation)
    if state.ok and data.name != current.name and text(form, "toch_opslaan") != "1":
        state.similar = _similar(store, data.name, data.wijken, current.id)
    if state.ok and not state.similar:
        changes = data.model_dump(exclude={"id", "kind"})
        try:
            store.update_actor(actor_id, changes, expected_version=version, by=user.username)
        except Conflict:
            latest = store.get_actor(actor_id)
            theirs = values_of(latest, with_contact=user.may_see_contact)
            state.conflict = differences(state.values, theirs, FIELD_LABELS)
            state.general.append(
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
