"""Actors: create, read, change, delete, confirm, erase personal data."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response, status

from api.deps import AdminDep, PublicReaderDep, RoundsDep, StoreDep, WriterDep
from api.permissions import (
    ApiRefusal,
    api_refused,
    may_confirm_actor,
    may_write_actor,
    refused_employer,
)
from api.schemas import Changes
from api.uitvraag.privacy import erase_from_rounds, person
from graph.model import Actor, ActorIn, utcnow

router = APIRouter(prefix="/actors", tags=["actors"])


@router.post("", response_model=Actor, status_code=status.HTTP_201_CREATED)
def create_actor(data: ActorIn, store: StoreDep, user: WriterDep) -> Actor:
    """Create an organisation, professional or initiative in your wijken; it counts as
    confirmed by you now (``confirmed``)."""
    if not may_write_actor(user, data):
        raise api_refused(ApiRefusal.ADD_ACTOR)
    if employer := refused_employer(store, user, data.organisation):
        raise api_refused(ApiRefusal.employer(employer))
    return store.create_actor(data, by=user.username, confirm=True)


@router.get("/{actor_id}", response_model=Actor)
def read_actor(actor_id: str, store: StoreDep, reader: PublicReaderDep) -> Actor:
    """One actor (contact details only for roles that may see them)."""
    return reader.actor(store.get_actor(actor_id))


@router.patch("/{actor_id}", response_model=Actor)
def update_actor(actor_id: str, body: Changes, store: StoreDep, user: WriterDep) -> Actor:
    """Change an actor; send the version you read."""
    current = store.get_actor(actor_id)
    if not may_write_actor(user, current, wijken=body.fields().get("wijken") or []):
        raise api_refused(ApiRefusal.CHANGE_ACTOR)
    employer = refused_employer(
        store, user, body.fields().get("organisation"), current.organisation
    )
    if employer:
        raise api_refused(ApiRefusal.employer(employer))
    return store.update_actor(
        actor_id, body.fields(), expected_version=body.version, by=user.username
    )


@router.delete("/{actor_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_actor(
    actor_id: str, store: StoreDep, user: WriterDep, version: int = Query(ge=1)
) -> None:
    """Delete an actor and its links; send the version you read."""
    if not may_write_actor(user, store.get_actor(actor_id)):
        raise api_refused(ApiRefusal.DELETE_ACTOR)
    store.delete_actor(actor_id, expected_version=version, by=user.username)


@router.post("/{actor_id}/confirm", response_model=Actor)
def confirm_actor(actor_id: str, store: StoreDep, user: WriterDep) -> Actor:
    """Record that the actor is still as shown."""
    if not may_confirm_actor(user, store.get_actor(actor_id)):
        raise api_refused(ApiRefusal.CONFIRM_ACTOR)
    return store.confirm_actor(actor_id, by=user.username)


@router.post(
    "/{actor_id}/erase",
    response_model=Actor,
    responses={204: {"description": "Erased; the actor exists only in the audit log"}},
)
def erase_actor_personal_data(
    actor_id: str, store: StoreDep, rounds: RoundsDep, user: AdminDep
) -> Actor | Response:
    """Erase a person's name and contact details everywhere, with every actor merged into
    them, also from the audit log, the netwerkuitvraag's invitations and answers, and for a
    deleted actor (beheer). Returns the erased
    actor, or 204 when it exists only in the audit log; 404 for an id never used."""
    erasure = person(store, actor_id)  # read before the store forgets it
    erased = store.erase_personal_data(actor_id, by=user.username)
    erase_from_rounds(rounds, erasure, now=utcnow())  # the netwerkuitvraag holds it too
    if erased is None:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    return erased
