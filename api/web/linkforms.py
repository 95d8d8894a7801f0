"""Forms for collaborations (links): pick both actors by typing part of a name.

The name fields work without a script: the server resolves a typed name to the one actor
of the wijk with that (normalised) name. With the script, ``/wijk/{slug}/actoren.json``
suggests names while typing and fills in the chosen actor's id.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from api.accounts import User
from api.deps import Form, PageUser, PageWriter, StoreDep
from api.errors import WebError
from api.permissions import PageRefusal, may_link, may_write_wijk, page_refused
from api.web.formdata import (
    LINK_STAND_INS,
    FormState,
    differences,
    store_refusal,
    store_unavailable,
    text,
    validate,
)
from api.web.render import render
from graph.errors import Conflict, InvalidData, StoreUnavailable
from graph.model import Actor, Intensity, Link, LinkIn, LinkKind, label, normalise
from graph.store import GraphStore

router = APIRouter(include_in_schema=False)

LINK_LABELS = {"intensity": "Intensiteit", "since": "Sinds", "until": "Tot", "note": "Notitie"}
"""The fields a stored link's form changes, with their labels (the edit form, conflicts)."""
NEW_LINK_LABELS = {
    "source_name": "Van (eerste actor)",
    "target_name": "Met (tweede actor)",
    "kind": "Soort verbinding",
} | LINK_LABELS
"""The fields of the form for a new link, with their labels, in the form's order."""
_WHICH = {"source": "de eerste actor", "target": "de tweede actor"}


_LINK_FIELDS = (
    "source",
    "source_name",
    "target",
    "target_name",
    "kind",
    "intensity",
    "since",
    "until",
    "note",
)


def _link_values(form: FormData) -> dict[str, str]:
    """The link fields as typed (a note keeps its spaces)."""
    return {k: text(form, k) if k == "note" else text(form, k).strip() for k in _LINK_FIELDS}


def _stored_values(link: Link, names: dict[str, Actor]) -> dict[str, str]:
    def name(actor_id: str) -> str:
        return names[actor_id].name if actor_id in names else actor_id

    return {
        "source": link.source,
        "source_name": name(link.source),
        "target": link.target,
        "target_name": name(link.target),
        "kind": link.kind.value,
        "intensity": str(int(link.intensity)),
        "since": link.since.isoformat() if link.since else "",
        "until": link.until.isoformat() if link.until else "",
        "note": link.note,
    }


def _link_input(values: dict[str, str]) -> dict[str, str | None]:
    """The dict ``LinkIn`` validates; unresolved ends get stand-ins so that the other
    fields are still checked (the ends have their own messages)."""
    return {
        "source": values["source"] or LINK_STAND_INS["source"],
        "target": values["target"] or LINK_STAND_INS["target"],
        "kind": values["kind"] or None,
        "intensity": values["intensity"] or None,
        "since": values["since"] or None,
        "until": values["until"] or None,
        "note": values["note"],
    }


def resolve(
    actors: list[Actor], actor_id: str, name: str, which: str = "een actor"
) -> tuple[Actor | None, str | None]:
    """The actor meant by a picked id or a typed name, or a Dutch reason why not (``which``
    names the actor asked for: "de eerste actor")."""
    by_id = {a.id: a for a in actors}
    if actor_id in by_id and (not name or normalise(by_id[actor_id].name) == normalise(name)):
        return by_id[actor_id], None
    if not name.strip():
        return None, f"Typ (een deel van) een naam en kies {which} uit de lijst."
    matches = [a for a in actors if normalise(a.name) == normalise(name)]
    if len(matches) == 1:
        return matches[0], None
    if matches:
        return None, "Meerdere actoren heten zo; kies de juiste uit de lijst."
    return None, "Geen actor met deze naam in deze wijk; kies een naam uit de lijst."


def _page(
    request: Request,
    store: GraphStore,
    slug: str,
    state: FormState,
    *,
    link: Link | None = None,
    version: int | None = None,
    status: int = 200,
) -> Response:
    context = {
        "wijk": store.get_wijk(slug),
        "state": state,
        "labels": LINK_LABELS if link else NEW_LINK_LABELS,
        "link": link,
        "version": version,
        "kinds": [(k.value, label(k)) for k in LinkKind],
        "intensities": [(str(int(i)), f"{int(i)} · {label(i)}") for i in Intensity],
    }
    return render(request, "link_form.html", context, status=status)


def _check_ends(user: User, ends: list[Actor], state: FormState) -> None:
    if not may_link(user, *ends):
        state.fail(PageRefusal.LINK_ENDS)


@router.get("/wijk/{slug}/actoren.json")
def actor_names(
    slug: str, store: StoreDep, user: PageUser, q: str = Query("", max_length=200)
) -> JSONResponse:
    """Up to 12 actors of the wijk whose name contains what was typed (for autocomplete)."""
    store.get_wijk(slug)
    wanted = normalise(q)
    hits = [a for a in store.list_actors(slug) if wanted and wanted in normalise(a.name)]
    hits.sort(key=lambda a: (not normalise(a.name).startswith(wanted), a.name.lower()))
    data = [
        {"id": a.id, "name": a.name, "kind": label(a.kind), "domain": label(a.domain)}
        for a in hits[:12]
    ]
    return JSONResponse(data)


@router.get("/wijk/{slug}/samenwerking/nieuw", response_class=HTMLResponse)
def new_link_form(
    request: Request, slug: str, store: StoreDep, user: PageWriter, van: str = ""
) -> Response:
    """An empty collaboration form, optionally with the first actor filled in."""
    store.get_wijk(slug)
    if not may_write_wijk(user, slug):
        raise page_refused(PageRefusal.WIJK)
    values = {
        k: "" for k in ("source", "source_name", "target", "target_name", "since", "until", "note")
    }
    values |= {"kind": LinkKind.SAMENWERKING.value, "intensity": "2"}
    if van:
        first = next((a for a in store.list_actors(slug) if a.id == van), None)
        if first:
            values |= {"source": first.id, "source_name": first.name}
    return _page(request, store, slug, FormState(values))


@router.post("/wijk/{slug}/samenwerking/nieuw", response_class=HTMLResponse)
def create_link(
    request: Request, slug: str, form: Form, store: StoreDep, user: PageWriter
) -> Response:
    """Save a new collaboration between two actors of the wijk."""
    store.get_wijk(slug)
    state = FormState(_link_values(form))
    actors = store.list_actors(slug)
    ends: list[Actor] = []
    for side in ("source", "target"):
        actor, problem = resolve(
            actors, state.values[side], state.values[f"{side}_name"], _WHICH[side]
        )
        if actor is not None:
            ends.append(actor)
            state.values[side] = actor.id
        elif problem:
            state.errors[f"{side}_name"] = problem
    if len(ends) == 2:
        _check_ends(user, ends, state)
        existing = [
            lk
            for lk in store.list_links(slug)
            if {lk.source, lk.target} == {ends[0].id, ends[1].id}
            and lk.kind.value == state.values["kind"]
        ]
        if existing:
            state.errors["target_name"] = (
                "Deze twee zijn al zo met elkaar verbonden; bewerk die verbinding."
            )
    data = validate(LinkIn, _link_input(state.values), state, LINK_STAND_INS)
    if state.ok and data is not None:
        try:
            store.create_link(data, by=user.username, confirm=True)
        except InvalidData as exc:
            store_refusal(exc, state)
        except StoreUnavailable:
            store_unavailable(state)
        else:
            return RedirectResponse(f"/actor/{data.source}?melding=toegevoegd", status_code=303)
    return _page(request, store, slug, state, status=state.status)


@router.get("/samenwerking/{link_id}/bewerken", response_class=HTMLResponse)
def edit_link_form(request: Request, link_id: str, store: StoreDep, user: PageWriter) -> Response:
    """The link as stored, with the version it was read at."""
    link = store.get_link(link_id)
    ends = [store.get_actor(link.source), store.get_actor(link.target)]
    if not may_link(user, *ends):
        raise page_refused(PageRefusal.LINK)
    names = {a.id: a for a in ends}
    state = FormState(_stored_values(link, names))
    return _page(request, store, ends[0].wijken[0], state, link=link, version=link.version)


@router.post("/samenwerking/{link_id}/bewerken", response_class=HTMLResponse)
def update_link(
    request: Request, link_id: str, form: Form, store: StoreDep, user: PageWriter
) -> Response:
    """Save intensity, dates and note with the version read; a conflict shows both."""
    link = store.get_link(link_id)
    ends = [store.get_actor(link.source), store.get_actor(link.target)]
    names = {a.id: a for a in ends}
    state = FormState(
        _stored_values(link, names)
        | {k: v for k, v in _link_values(form).items() if k in LINK_LABELS}
    )
    if not may_link(user, *ends):
        raise page_refused(PageRefusal.LINK_ENDS)
    try:
        version = int(text(form, "version"))
    except ValueError:
        raise WebError(400, "Dat ging niet goed", "Het formulier mist het versienummer.") from None
    data = validate(LinkIn, _link_input(state.values), state, LINK_STAND_INS)
    slug = ends[0].wijken[0]
    if state.ok and data is not None:
        changes = data.model_dump(include={"intensity", "since", "until", "note"})
        try:
            store.update_link(link_id, changes, expected_version=version, by=user.username)
        except Conflict:
            latest = store.get_link(link_id)
            state.conflict = differences(state.values, _stored_values(latest, names), LINK_LABELS)
            state.fail(
                "Iemand anders heeft deze verbinding gewijzigd nadat u het formulier opende. "
                "Hieronder staan beide versies; sla opnieuw op om uw versie te bewaren."
            )
            return _page(
                request, store, slug, state, link=latest, version=latest.version, status=409
            )
        except InvalidData as exc:
            store_refusal(exc, state)
        except StoreUnavailable:
            store_unavailable(state)
        else:
            return RedirectResponse(f"/actor/{link.source}?melding=opgeslagen", status_code=303)
    return _page(request, store, slug, state, link=link, version=version, status=state.status)
