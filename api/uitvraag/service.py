"""Starting a round, handing out links, answering, reviewing and the round's figures.

Every function takes the graph store (``graph.store.GraphStore``) and the round store
(``api.uitvraag.store.RoundStore``) it needs; roles are checked by the callers (pages, API,
CLI) with ``api.permissions``, before they call here. Refusals are ``InvalidData`` with
Dutch messages per field (``FieldError``), ``NotFound``, ``Conflict``, or ``TokenRefused``
for a link that does not open (one message for every reason, so a token reveals nothing).

Respondent writes are attributed as ``respondent_by(invitation)``; a reviewer's accepted
change as ``reviewer_by(user, round)``, so the audit log names the round as the source.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from api.uitvraag.model import (
    APPLIED_AT_ONCE,
    INTRO_MAX,
    RECORD_FIELDS,
    TIMEZONE,
    Invitation,
    Proposal,
    ProposalStatus,
    Round,
    Statement,
    end_of,
)
from api.uitvraag.store import RoundStore
from api.uitvraag.tokens import digest, looks_like_token, new_token
from graph.errors import (
    Conflict,
    FieldError,
    InvalidData,
    NotFound,
    WijknetError,
    field_errors_from_pydantic,
)
from graph.model import (
    Actor,
    ActorIn,
    ActorKind,
    Contact,
    Domain,
    Intensity,
    Link,
    LinkIn,
    LinkKind,
    Name,
    Note,
    Snapshot,
    new_id,
    normalise,
    utcnow,
)
from graph.store import GraphStore
from graph.store.common import validated

# -- errors and attribution ----------------------------------------------------------------


class TokenRefused(WijknetError):
    """A personal link that does not open: unknown, altered, revoked or expired. The same
    message for every reason."""

    code = "link_refused"

    def __init__(self) -> None:
        super().__init__("Deze link werkt niet (meer). Vraag de wijkmakelaar om een nieuwe link.")


def respondent_by(invitation: Invitation) -> str:
    """Who a respondent's confirmation is by: ``netwerkuitvraag <round id>/<actor id>``
    (the actor's id, never a person's name)."""
    return f"netwerkuitvraag {invitation.round_id}/{invitation.actor_id}"


def reviewer_by(user: str, round_: Round) -> str:
    """Who an accepted change is by: ``<user> via netwerkuitvraag <round id>``."""
    return f"{user} via netwerkuitvraag {round_.id}"


# -- starting and links --------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedLink:
    """A personal link as handed out: the only time its token exists in clear."""

    invitation: Invitation
    token: str

    def url(self, base_url: str) -> str:
        """``{base_url}/uitvraag/{token}`` (``base_url`` without a trailing slash)."""
        return f"{base_url.rstrip('/')}/uitvraag/{self.token}"


def start_round(
    store: GraphStore,
    rounds: RoundStore,
    *,
    wijk: str,
    title: str,
    intro: str,
    ends_on: date,
    actor_ids: Sequence[str] | None,
    by: str,
    now: datetime | None = None,
) -> Round:
    """Start a round in ``wijk``: every organisation and professional active there today
    with a contact e-mail address (``actor_ids`` None), or the chosen actors (each must be
    active in the wijk; any kind; without e-mail the link is handed over another way).
    No link is issued yet (``issue_links``). ``InvalidData`` with fields ``title``,
    ``intro``, ``ends_on`` (today or earlier, or more than a year ahead) or ``actors``
    (none, unknown, not in the wijk); ``NotFound`` for an unknown wijk."""
    return _start_round(store, rounds, wijk, title, intro, ends_on, actor_ids, by, now)


Which = Literal["nieuw", "niet-geantwoord"]
"""``nieuw``: invitations never handed out; ``niet-geantwoord``: handed out but not answered
(a new link replaces the old one: a reminder)."""


def issue_links(
    rounds: RoundStore,
    round_id: str,
    *,
    which: Which = "nieuw",
    invitation_ids: Sequence[str] | None = None,
    now: datetime | None = None,
) -> list[IssuedLink]:
    """New tokens for the round's invitations (``which``, or exactly ``invitation_ids``),
    never for revoked ones; each replaces the invitation's earlier token (which stops
    working). Sets ``sent_at`` the first time, else counts a reminder. ``Conflict`` when
    the round is closed."""
    return _issue_links(rounds, round_id, which, invitation_ids, _now(now))


def links_table(links: Sequence[IssuedLink], round_: Round, base_url: str) -> list[list[str]]:
    """Rows for a mail merge (header first): naam, e-mail, link, geldig tot."""
    valid_until = round_.ends_on.strftime("%d-%m-%Y")
    rows = [["naam", "e-mail", "link", "geldig tot"]]
    for link in links:
        invitation = link.invitation
        rows.append(
            [invitation.actor_name, invitation.email or "", link.url(base_url), valid_until]
        )
    return rows


def revoke(rounds: RoundStore, invitation_id: str, *, now: datetime | None = None) -> Invitation:
    """Make the invitation's link stop working for good."""
    invitation = rounds.get_invitation(invitation_id)
    if invitation.revoked_at is not None:
        return invitation
    revoked = invitation.model_copy(update={"revoked_at": _now(now)})
    rounds.save_invitation(revoked)
    return revoked


def close_round(rounds: RoundStore, round_id: str, *, now: datetime | None = None) -> Round:
    """Close the round before its end date: no link opens any more."""
    round_ = rounds.get_round(round_id)
    if round_.closed_at is not None:
        return round_
    closed = round_.model_copy(update={"closed_at": _now(now)})
    rounds.save_round(closed)
    return closed


# -- the respondent ------------------------------------------------------------------------


def open_link(rounds: RoundStore, token: str, *, now: datetime | None = None) -> Invitation:
    """The invitation a token opens (found by its digest, compared in constant time),
    ``opened_at`` set the first time; ``TokenRefused`` when unknown, altered, revoked,
    expired or its round closed."""
    return _open_link(rounds, token, _now(now))


@dataclass(frozen=True)
class Other:
    """Another actor as a respondent sees it: name and kind, nothing else."""

    id: str
    name: str
    kind: ActorKind


@dataclass(frozen=True)
class OwnLink:
    """One of the respondent's current collaborations."""

    link_id: str
    other: Other
    intensity: Intensity
    since: date | None


@dataclass
class RespondentView:
    """Everything the respondent's page shows."""

    round: Round
    invitation: Invitation
    wijk_name: str
    actor_id: str
    kind: ActorKind
    record: dict[str, str]
    """The fields of ``model.RECORD_FIELDS`` as stored ("" when empty)."""
    links: list[OwnLink]
    """Its current links in the wijk (samenwerking and verwijzing), by the other's name."""
    others: list[Other]
    """The wijk's other actors, by name (for "met wie werkt u nog meer samen?")."""
    answered: list[Proposal] = field(default_factory=list)
    """The statements of its latest answer (to show what it said before)."""


def respondent_view(
    store: GraphStore, rounds: RoundStore, invitation: Invitation, *, now: datetime | None = None
) -> RespondentView:
    """What the respondent's page shows; ``TokenRefused`` when the invitation no longer
    opens (revoked, expired, a newer link handed out, the round closed)."""
    return _respondent_view(store, rounds, invitation, _now(now))


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LinkAnswer(_Form):
    """The respondent's word on one of its current links."""

    link_id: str
    status: Literal["actief", "beeindigd"]
    intensity: Intensity | None = None
    """A different intensity than shown: the link goes to review as changed."""
    since: date | None = None
    """A different start date than shown: likewise."""
    until: date | None = None
    """The end date when ``beeindigd`` (default: today)."""


class NewTie(_Form):
    """A collaboration the map does not show: with an actor of the wijk (``other_id``) or
    with a new one (``other_name`` and ``other_kind``)."""

    other_id: str | None = None
    other_name: str | None = None
    other_kind: ActorKind | None = None
    intensity: Intensity = Intensity.INFORMATIE_DELEN
    since: date | None = None
    note: str = ""


class Answer(_Form):
    """What the respondent's form sends."""

    record_ok: bool
    """True: its own record is right as shown. False: ``changes`` says what to correct."""
    changes: dict[str, str] = Field(default_factory=dict)
    links: list[LinkAnswer] = Field(default_factory=list)
    new: list[NewTie] = Field(default_factory=list, max_length=50)


@dataclass(frozen=True)
class AnswerResult:
    confirmed: int
    """Records confirmed at once (own record, links still as shown)."""
    proposed: int
    """Statements waiting for review."""


def submit_answer(
    store: GraphStore,
    rounds: RoundStore,
    invitation: Invitation,
    answer: Answer,
    *,
    now: datetime | None = None,
) -> AnswerResult:
    """Apply ``answer``: confirmations at once (``confirm_actor``/``confirm_link`` by
    ``respondent_by``), everything else as proposals for review, the invitation marked
    answered, an earlier answer's open proposals replaced. Only the respondent's own record
    and own links can be named. ``InvalidData`` (nothing stored) with fields like
    ``changes.email``, ``links.2.until``, ``new.0.other_name``; ``TokenRefused`` when the
    invitation no longer opens."""
    return _submit_answer(store, rounds, invitation, answer, _now(now))


# -- review --------------------------------------------------------------------------------


def review(
    store: GraphStore,
    rounds: RoundStore,
    proposal_id: str,
    *,
    accept: bool,
    by: str,
    reason: str = "",
    domain: Domain | None = None,
    now: datetime | None = None,
) -> Proposal:
    """Accept (write the change to the graph, by ``reviewer_by``) or reject (with
    ``reason``) one open proposal. ``domain`` is the new actor's domain for an accepted
    ``actor-nieuw`` (required there). A new tie between two actors already linked
    confirms the link instead of adding one. ``Conflict`` when reviewed meanwhile or the
    record changed since; ``InvalidData`` when the change is refused by the store."""
    return _review(store, rounds, proposal_id, accept, by, reason, domain, _now(now))


def accept_reciprocated(
    store: GraphStore, rounds: RoundStore, round_id: str, *, by: str, now: datetime | None = None
) -> int:
    """Accept every open ``band-nieuw`` proposal whose other end named this actor too (one
    link per pair); the number of proposals accepted.

    The link gets the higher of the two intensities named (each side works with the other
    at least that closely; merging two actors keeps the higher one too) and the earlier of
    the start dates named, if any."""
    return _accept_reciprocated(store, rounds, round_id, by, _now(now))


# -- figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    invitation_id: str
    name: str
    email: str | None
    sent_at: datetime | None
    reminders: int


@dataclass
class RoundFigures:
    asked: int
    issued: int
    opened: int
    answered: int
    response_rate: float
    """answered / asked (0 when nobody was asked)."""
    ties_confirmed: int
    """Existing links confirmed as still active (distinct links)."""
    ties_changed: int
    ties_added: int
    """New ties named (band-nieuw and actor-nieuw, reciprocated pairs once)."""
    ties_ended: int
    declared_pairs: int
    """Distinct pairs of actors named by at least one respondent as working together."""
    reciprocated_pairs: int
    """Of those, pairs named by both ends."""
    reciprocity: float | None
    """reciprocated / declared among pairs whose both ends answered; None without any."""
    open_proposals: int
    accepted: int
    rejected: int
    reminders: list[Reminder]
    """Handed out, not answered, not revoked: who to remind."""


def round_figures(
    store: GraphStore, rounds: RoundStore, round_id: str, *, now: datetime | None = None
) -> RoundFigures:
    """The round's dashboard figures, from its invitations and proposals.

    Tie counts are of what respondents stated (open, accepted or rejected; never a
    statement replaced by a later answer); ``accepted`` and ``rejected`` count the
    reviewed statements of the review list (not the confirmations applied at once)."""
    return _round_figures(rounds, round_id)


# -- the work behind the functions above ---------------------------------------------------

_ASKED_KINDS = frozenset({ActorKind.ORGANISATIE, ActorKind.PROFESSIONAL})
"""The kinds asked by default (an initiative only when chosen)."""
_TIE_KINDS = frozenset({LinkKind.SAMENWERKING, LinkKind.VERWIJZING})
"""The links a respondent sees and answers about."""
_DECLARING = frozenset({Statement.BAND_BEVESTIGD, Statement.BAND_GEWIJZIGD, Statement.BAND_NIEUW})
"""The statements that declare a tie between the respondent and another actor."""
MAX_DAYS_AHEAD = 366
"""The latest end date of a round, in days from today."""

_NAME: TypeAdapter[str] = TypeAdapter(Name)
_NOTE: TypeAdapter[str] = TypeAdapter(Note)


def _now(now: datetime | None) -> datetime:
    return now if now is not None else utcnow()


def _today(now: datetime) -> date:
    """The day ``now`` falls on in the Netherlands."""
    return now.astimezone(TIMEZONE).date()


def _new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(6)}"


def _checked(adapter: TypeAdapter[str], value: str, field: str, errors: list[FieldError]) -> str:
    """``value`` cleaned by ``adapter``; a refusal is added to ``errors`` under ``field``."""
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        errors.extend(field_errors_from_pydantic(exc, f"{field}."))
        return value


def _other(actor: Actor) -> Other:
    return Other(id=actor.id, name=actor.name, kind=actor.kind)


def _by_name(other: Other) -> tuple[str, str]:
    return (normalise(other.name), other.id)


# starting and links


def _start_round(
    store: GraphStore,
    rounds: RoundStore,
    wijk: str,
    title: str,
    intro: str,
    ends_on: date,
    actor_ids: Sequence[str] | None,
    by: str,
    now: datetime | None,
) -> Round:
    moment = _now(now)
    today = _today(moment)
    snapshot = store.snapshot(wijk, as_of=today)  # NotFound for an unknown wijk
    errors: list[FieldError] = []
    title = _checked(_NAME, title, "title", errors)
    refused = len(errors)
    intro = _checked(_NOTE, intro, "intro", errors)
    if len(errors) == refused and len(intro) > INTRO_MAX:
        errors.append(
            FieldError("intro", f"Deze tekst is te lang (maximaal {INTRO_MAX} tekens).", "too_long")
        )
    if ends_on <= today:
        errors.append(FieldError("ends_on", "Kies een einddatum na vandaag.", "too_early"))
    elif ends_on > today + timedelta(days=MAX_DAYS_AHEAD):
        errors.append(
            FieldError("ends_on", "Kies een einddatum binnen een jaar vanaf vandaag.", "too_late")
        )
    in_wijk = {actor.id: actor for actor in snapshot.actors}
    if actor_ids is None:
        chosen = [
            actor
            for actor in snapshot.actors
            if actor.kind in _ASKED_KINDS and actor.contact is not None and actor.contact.email
        ]
        if not chosen:
            errors.append(
                FieldError(
                    "actors",
                    "Geen enkele organisatie of professional in deze wijk heeft een"
                    " e-mailadres. Kies zelf wie u wilt vragen.",
                    "none",
                )
            )
    else:
        unique = list(dict.fromkeys(actor_ids))
        unknown = [actor_id for actor_id in unique if actor_id not in in_wijk]
        chosen = [in_wijk[actor_id] for actor_id in unique if actor_id in in_wijk]
        if unknown:
            errors.append(
                FieldError(
                    "actors",
                    f"{len(unknown)} gekozen {'actor is' if len(unknown) == 1 else 'actoren zijn'}"
                    " niet (meer) actief in deze wijk. Kies opnieuw.",
                    "not_in_wijk",
                )
            )
        elif not chosen:
            errors.append(FieldError("actors", "Kies minstens één actor.", "none"))
    if errors:
        raise InvalidData(errors)
    round_ = Round(
        id=_new_id("u"),
        wijk=wijk,
        title=title,
        intro=intro,
        ends_on=ends_on,
        created_by=by,
        created_at=moment,
    )
    expires_at = end_of(ends_on)
    invitations = [
        Invitation(
            id=_new_id("n"),
            round_id=round_.id,
            actor_id=actor.id,
            actor_name=actor.name,
            email=actor.contact.email if actor.contact is not None else None,
            created_at=moment,
            expires_at=expires_at,
        )
        for actor in chosen
    ]
    rounds.add_round(round_, invitations)
    return round_


def _issue_links(
    rounds: RoundStore,
    round_id: str,
    which: Which,
    invitation_ids: Sequence[str] | None,
    now: datetime,
) -> list[IssuedLink]:
    round_ = rounds.get_round(round_id)
    if not round_.is_open(now):
        raise Conflict("Deze uitvraag is gesloten: er kunnen geen links meer uit.")
    invitations = rounds.invitations(round_id)
    if invitation_ids is not None:
        by_id = {invitation.id: invitation for invitation in invitations}
        missing = [i for i in dict.fromkeys(invitation_ids) if i not in by_id]
        if missing:
            raise NotFound(f"Deze uitnodiging hoort niet bij deze uitvraag: {missing[0]!r}.")
        chosen = [by_id[i] for i in dict.fromkeys(invitation_ids)]
    elif which == "nieuw":
        chosen = [i for i in invitations if i.sent_at is None]
    else:
        chosen = [i for i in invitations if i.sent_at is not None and i.answered_at is None]
    issued = []
    for invitation in chosen:
        if invitation.revoked_at is not None:
            continue
        token = new_token()
        update: dict[str, object] = {"digest": digest(token)}
        if invitation.sent_at is None:
            update["sent_at"] = now
        else:
            update["reminded_at"] = now
            update["reminders"] = invitation.reminders + 1
        renewed = invitation.model_copy(update=update)
        rounds.save_invitation(renewed)
        issued.append(IssuedLink(invitation=renewed, token=token))
    return issued


# the respondent


def _open_link(rounds: RoundStore, token: str, now: datetime) -> Invitation:
    if not looks_like_token(token):
        raise TokenRefused()
    wanted = digest(token)
    invitation = rounds.invitation_by_digest(wanted)
    if (
        invitation is None
        or invitation.digest is None
        or not hmac.compare_digest(invitation.digest, wanted)
    ):
        raise TokenRefused()
    _, invitation = _still_open(rounds, invitation, now)
    if invitation.opened_at is None:
        invitation = invitation.model_copy(update={"opened_at": now})
        rounds.save_invitation(invitation)
    return invitation


def _still_open(
    rounds: RoundStore, invitation: Invitation, now: datetime
) -> tuple[Round, Invitation]:
    """The round and the invitation as stored now, if the link it was opened with still
    opens (the same token, not revoked or expired, the round open); else ``TokenRefused``."""
    try:
        stored = rounds.get_invitation(invitation.id)
        round_ = rounds.get_round(stored.round_id)
    except NotFound:
        raise TokenRefused() from None
    if (
        stored.digest is None
        or invitation.digest is None
        or not hmac.compare_digest(stored.digest, invitation.digest)
        or not stored.usable(now)
        or not round_.is_open(now)
    ):
        raise TokenRefused()
    return round_, stored


def _own_actor(store: GraphStore, in_wijk: dict[str, Actor], actor_id: str) -> Actor:
    """The respondent's actor (also when it left the wijk since the round started); a
    link of an actor that no longer exists opens nothing."""
    if actor_id in in_wijk:
        return in_wijk[actor_id]
    try:
        return store.get_actor(actor_id)
    except NotFound:
        raise TokenRefused() from None


def _own_links(snapshot: Snapshot, actor_id: str) -> list[Link]:
    """The actor's links that the respondent answers about: samenwerking and verwijzing,
    existing on the snapshot's day, with the other end in the wijk."""
    return [
        link
        for link in snapshot.links
        if link.kind in _TIE_KINDS and actor_id in (link.source, link.target)
    ]


def _other_end(link: Link, actor_id: str) -> str:
    return link.target if link.source == actor_id else link.source


def _latest_answer(proposals: Sequence[Proposal]) -> list[Proposal]:
    """The statements of the latest answer among ``proposals`` (one invitation's), without
    those replaced since."""
    if not proposals:
        return []
    latest = max(p.created_at for p in proposals)
    return [
        p for p in proposals if p.created_at == latest and p.status is not ProposalStatus.VERVALLEN
    ]


def _respondent_view(
    store: GraphStore, rounds: RoundStore, invitation: Invitation, now: datetime
) -> RespondentView:
    round_, invitation = _still_open(rounds, invitation, now)
    snapshot = store.snapshot(round_.wijk, as_of=_today(now))
    actors = {actor.id: actor for actor in snapshot.actors}
    own = _own_actor(store, actors, invitation.actor_id)
    contact = own.contact
    record = {
        "name": own.name,
        "description": own.description,
        "email": (contact.email if contact else None) or "",
        "phone": (contact.phone if contact else None) or "",
    }
    links = [
        OwnLink(
            link_id=link.id,
            other=_other(actors[_other_end(link, own.id)]),
            intensity=link.intensity,
            since=link.since,
        )
        for link in _own_links(snapshot, own.id)
    ]
    links.sort(key=lambda own_link: (*_by_name(own_link.other), own_link.link_id))
    others = sorted((_other(a) for a in snapshot.actors if a.id != own.id), key=_by_name)
    answered = _latest_answer(rounds.proposals(round_.id, invitation_id=invitation.id))
    return RespondentView(
        round=round_,
        invitation=invitation,
        wijk_name=snapshot.wijk.name,
        actor_id=own.id,
        kind=own.kind,
        record=record,
        links=links,
        others=others,
        answered=answered,
    )


def _record_changes(
    own: Actor, changes: dict[str, str], errors: list[FieldError]
) -> dict[str, str]:
    """The corrections of the respondent's own record that differ from what is stored,
    each checked as the record would check it."""
    contact = own.contact
    current = {
        "name": own.name,
        "description": own.description,
        "email": (contact.email if contact else None) or "",
        "phone": (contact.phone if contact else None) or "",
    }
    if any(key not in RECORD_FIELDS for key in changes):
        errors.append(
            FieldError(
                "changes",
                "U kunt alleen naam, beschrijving, e-mailadres en telefoonnummer aanpassen.",
                "extra_forbidden",
            )
        )
    out: dict[str, str] = {}
    for key in RECORD_FIELDS:
        if key not in changes:
            continue
        value = changes[key]
        where = f"changes.{key}"
        if key == "name":
            value = _checked(_NAME, value, where, errors)
        elif key == "description":
            value = _checked(_NOTE, value, where, errors)
        else:
            value = value.strip()
            try:
                Contact.model_validate({key: value})
            except ValidationError as exc:
                errors.extend(field_errors_from_pydantic(exc, "changes."))
        if value != current[key]:
            out[key] = value
    return out


def _submit_answer(
    store: GraphStore, rounds: RoundStore, invitation: Invitation, answer: Answer, now: datetime
) -> AnswerResult:
    round_, invitation = _still_open(rounds, invitation, now)
    today = _today(now)
    snapshot = store.snapshot(round_.wijk, as_of=today)
    actors = {actor.id: actor for actor in snapshot.actors}
    me = invitation.actor_id
    own = _own_actor(store, actors, me)
    own_links = {link.id: link for link in _own_links(snapshot, me)}
    errors: list[FieldError] = []

    # -- check everything first: nothing is written unless all of it holds
    changes = {} if answer.record_ok else _record_changes(own, answer.changes, errors)

    confirmed: dict[str, Link] = {}
    changed: list[tuple[Link, Intensity, date | None]] = []
    ended: list[tuple[Link, date]] = []
    answered_links: set[str] = set()
    for i, item in enumerate(answer.links):
        link = own_links.get(item.link_id)
        if link is None:
            errors.append(
                FieldError(f"links.{i}.link_id", "Deze samenwerking staat niet bij u.", "unknown")
            )
            continue
        if link.id in answered_links:
            errors.append(
                FieldError(
                    f"links.{i}.link_id",
                    "Deze samenwerking staat twee keer in uw antwoord.",
                    "duplicate",
                )
            )
            continue
        answered_links.add(link.id)
        if item.status == "beeindigd":
            until = item.until or today
            if until > today:
                errors.append(
                    FieldError(f"links.{i}.until", "Deze datum ligt in de toekomst.", "future")
                )
            elif link.since is not None and until < link.since:
                errors.append(
                    FieldError(
                        f"links.{i}.until",
                        "De einddatum ligt vóór het begin van de samenwerking.",
                        "before_since",
                    )
                )
            ended.append((link, until))
            continue
        if item.since is not None and item.since > today:
            errors.append(
                FieldError(f"links.{i}.since", "Deze datum ligt in de toekomst.", "future")
            )
        intensity = item.intensity if item.intensity is not None else link.intensity
        since = item.since if item.since is not None else link.since
        if intensity == link.intensity and since == link.since:
            confirmed[link.id] = link
        else:
            changed.append((link, intensity, since))

    linked_with = {_other_end(link, me): link for link in own_links.values()}
    named: set[str] = set()
    new_ties: list[tuple[NewTie, str, ActorKind, str | None, str]] = []
    for j, tie in enumerate(answer.new):
        where = f"new.{j}"
        note = _checked(_NOTE, tie.note, f"{where}.note", errors)
        if tie.since is not None and tie.since > today:
            errors.append(FieldError(f"{where}.since", "Deze datum ligt in de toekomst.", "future"))
        if tie.other_id is not None:
            other = actors.get(tie.other_id)
            if other is None or other.id == me:
                errors.append(
                    FieldError(
                        f"{where}.other_id",
                        "Kies een organisatie of persoon uit de lijst.",
                        "unknown",
                    )
                )
                continue
            if other.id in named:
                continue  # named twice: once is enough
            named.add(other.id)
            existing = linked_with.get(other.id)
            if existing is not None:
                # already on the map: naming it again confirms it, unless answered above
                if existing.id not in answered_links:
                    confirmed.setdefault(existing.id, existing)
                continue
            new_ties.append((tie, other.name, other.kind, other.id, note))
            continue
        name = tie.other_name
        if name is None or not name.strip():
            errors.append(
                FieldError(f"{where}.other_name", "Vul de naam in of kies uit de lijst.", "missing")
            )
        else:
            name = _checked(_NAME, name, f"{where}.other_name", errors)
        if tie.other_kind is None:
            errors.append(
                FieldError(f"{where}.other_kind", "Kies wat voor soort het is.", "missing")
            )
        if name is not None and tie.other_kind is not None:
            new_ties.append((tie, name, tie.other_kind, None, note))
    if errors:
        raise InvalidData(errors)

    # -- confirmations first: when the graph store refuses one, no proposal is stored
    by = respondent_by(invitation)
    confirmations = 0
    proposals: list[Proposal] = []

    def proposal(statement: Statement, **fields: object) -> Proposal:
        return Proposal.model_validate(
            {
                "id": _new_id("v"),
                "round_id": round_.id,
                "invitation_id": invitation.id,
                "actor_id": me,
                "statement": statement,
                "created_at": now,
                **fields,
            }
        )

    def applied(at_once: Statement, result_id: str, **fields: object) -> Proposal:
        return proposal(
            at_once,
            status=ProposalStatus.AANVAARD,
            reviewed_by=by,
            reviewed_at=now,
            result_id=result_id,
            **fields,
        )

    def about(link: Link) -> dict[str, object]:
        other = actors[_other_end(link, me)]
        return {
            "link_id": link.id,
            "other_id": other.id,
            "other_name": other.name,
            "other_kind": other.kind,
        }

    if answer.record_ok or not changes:
        store.confirm_actor(me, by=by)
        confirmations += 1
        proposals.append(applied(Statement.RECORD_BEVESTIGD, me))
    for link in confirmed.values():
        store.confirm_link(link.id, by=by)
        confirmations += 1
        proposals.append(
            applied(
                Statement.BAND_BEVESTIGD,
                link.id,
                **about(link),
                intensity=link.intensity,
                since=link.since,
            )
        )
    if changes:
        proposals.append(proposal(Statement.RECORD_CORRECTIE, changes=changes))
    for link, intensity, since in changed:
        proposals.append(
            proposal(Statement.BAND_GEWIJZIGD, **about(link), intensity=intensity, since=since)
        )
    for link, until in ended:
        proposals.append(
            proposal(
                Statement.BAND_BEEINDIGD,
                **about(link),
                intensity=link.intensity,
                since=link.since,
                until=until,
            )
        )
    for tie, name, kind, other_id, note in new_ties:
        proposals.append(
            proposal(
                Statement.BAND_NIEUW if other_id is not None else Statement.ACTOR_NIEUW,
                other_id=other_id,
                other_name=name,
                other_kind=kind,
                intensity=tie.intensity,
                since=tie.since,
                note=note,
            )
        )
    done = invitation.model_copy(
        update={"answered_at": now, "opened_at": invitation.opened_at or now}
    )
    rounds.answer(done, proposals)
    return AnswerResult(
        confirmed=confirmations,
        proposed=sum(p.status is ProposalStatus.OPEN for p in proposals),
    )


# review


def _source_note(round_: Round) -> str:
    return f"Genoemd in netwerkuitvraag '{round_.title}'"


def _link_between(store: GraphStore, wijk: str, a: str, b: str, today: date) -> Link | None:
    """A link existing today between ``a`` and ``b`` (a samenwerking first), if any."""
    found = [
        link
        for link in store.list_links(wijk)
        if {link.source, link.target} == {a, b} and link.active_on(today)
    ]
    found.sort(key=lambda link: (link.kind is not LinkKind.SAMENWERKING, link.id))
    return found[0] if found else None


def _tie(
    store: GraphStore,
    round_: Round,
    source: str,
    target: str,
    intensity: Intensity,
    since: date | None,
    by: str,
    today: date,
) -> str:
    """The link of a new tie: confirmed when the pair is linked already, else created."""
    existing = _link_between(store, round_.wijk, source, target, today)
    if existing is not None:
        return store.confirm_link(existing.id, by=by).id
    data = validated(
        LinkIn,
        {
            "source": source,
            "target": target,
            "kind": LinkKind.SAMENWERKING,
            "intensity": intensity,
            "since": since,
            "note": _source_note(round_),
        },
    )
    return store.create_link(data, by=by, confirm=True).id


def _review(
    store: GraphStore,
    rounds: RoundStore,
    proposal_id: str,
    accept: bool,
    by: str,
    reason: str,
    domain: Domain | None,
    now: datetime,
) -> Proposal:
    proposal = rounds.get_proposal(proposal_id)
    if proposal.status is not ProposalStatus.OPEN:
        raise Conflict("Dit voorstel is al beoordeeld.")
    round_ = rounds.get_round(proposal.round_id)
    if not accept:
        errors: list[FieldError] = []
        reason = _checked(_NOTE, reason, "reason", errors)
        if errors:
            raise InvalidData(errors)
        rejected = proposal.model_copy(
            update={
                "status": ProposalStatus.AFGEWEZEN,
                "reviewed_by": by,
                "reviewed_at": now,
                "reason": reason,
            }
        )
        rounds.save_proposal(rejected, expected_status=ProposalStatus.OPEN)
        return rejected
    result_id = _apply(store, round_, proposal, reviewer_by(by, round_), domain, _today(now))
    accepted = proposal.model_copy(
        update={
            "status": ProposalStatus.AANVAARD,
            "reviewed_by": by,
            "reviewed_at": now,
            "result_id": result_id,
        }
    )
    rounds.save_proposal(accepted, expected_status=ProposalStatus.OPEN)
    return accepted


def _apply(
    store: GraphStore,
    round_: Round,
    proposal: Proposal,
    by: str,
    domain: Domain | None,
    today: date,
) -> str:
    """Write an accepted proposal to the graph store; the id of the record it wrote."""
    statement = proposal.statement
    if statement is Statement.RECORD_CORRECTIE:
        actor = store.get_actor(proposal.actor_id)
        changes: dict[str, object] = {
            key: proposal.changes[key] for key in ("name", "description") if key in proposal.changes
        }
        contact_changes = {
            key: proposal.changes[key] for key in ("email", "phone") if key in proposal.changes
        }
        if contact_changes:
            contact = actor.contact.model_dump() if actor.contact is not None else {}
            changes["contact"] = contact | contact_changes
        store.update_actor(actor.id, changes, expected_version=actor.version, by=by)
        return actor.id
    if statement in (Statement.BAND_GEWIJZIGD, Statement.BAND_BEEINDIGD):
        if proposal.link_id is None:
            raise InvalidData([FieldError("link_id", "Dit voorstel noemt geen verbinding.")])
        link = store.get_link(proposal.link_id)
        if statement is Statement.BAND_GEWIJZIGD:
            link_changes: dict[str, object] = {
                "intensity": proposal.intensity or link.intensity,
                "since": proposal.since,
            }
        else:
            link_changes = {"until": proposal.until or today}
        store.update_link(link.id, link_changes, expected_version=link.version, by=by)
        return link.id
    intensity = proposal.intensity or Intensity.INFORMATIE_DELEN
    if statement is Statement.BAND_NIEUW:
        if proposal.other_id is None:
            raise InvalidData([FieldError("other_id", "Dit voorstel noemt geen actor.")])
        return _tie(
            store,
            round_,
            proposal.actor_id,
            proposal.other_id,
            intensity,
            proposal.since,
            by,
            today,
        )
    if statement is Statement.ACTOR_NIEUW:
        if domain is None:
            raise InvalidData(
                [FieldError("domain", "Kies het domein van de nieuwe actor.", "missing")]
            )
        actor_id = new_id("a")
        new_actor = validated(
            ActorIn,
            {
                "id": actor_id,
                "kind": proposal.other_kind,
                "name": proposal.other_name,
                "domain": domain,
                "wijken": [round_.wijk],
                "description": _source_note(round_),
            },
        )
        new_link = validated(
            LinkIn,
            {
                "source": proposal.actor_id,
                "target": actor_id,
                "kind": LinkKind.SAMENWERKING,
                "intensity": intensity,
                "since": proposal.since,
                "note": _source_note(round_),
            },
        )
        return store.save_actor(new_actor, by=by, new_links=[new_link], confirm=True).id
    raise Conflict("Dit soort voorstel is al verwerkt en hoeft niet beoordeeld te worden.")


def _accept_reciprocated(
    store: GraphStore, rounds: RoundStore, round_id: str, by: str, now: datetime
) -> int:
    round_ = rounds.get_round(round_id)
    today = _today(now)
    writer = reviewer_by(by, round_)
    pairs: dict[frozenset[str], list[Proposal]] = {}
    for proposal in rounds.proposals(round_id, status=ProposalStatus.OPEN):
        if proposal.statement is Statement.BAND_NIEUW and proposal.other_id is not None:
            pairs.setdefault(frozenset({proposal.actor_id, proposal.other_id}), []).append(proposal)
    accepted = 0
    for pair in sorted(pairs, key=sorted):
        named = pairs[pair]
        if len({p.actor_id for p in named}) < 2:
            continue  # named by one side only
        first = named[0]
        assert first.other_id is not None
        intensity = max(p.intensity or Intensity.INFORMATIE_DELEN for p in named)
        starts = [p.since for p in named if p.since is not None]
        result_id = _tie(
            store,
            round_,
            first.actor_id,
            first.other_id,
            intensity,
            min(starts) if starts else None,
            writer,
            today,
        )
        for proposal in named:
            rounds.save_proposal(
                proposal.model_copy(
                    update={
                        "status": ProposalStatus.AANVAARD,
                        "reviewed_by": by,
                        "reviewed_at": now,
                        "result_id": result_id,
                    }
                ),
                expected_status=ProposalStatus.OPEN,
            )
            accepted += 1
    return accepted


# figures


def _round_figures(rounds: RoundStore, round_id: str) -> RoundFigures:
    rounds.get_round(round_id)  # NotFound for an unknown round
    invitations = rounds.invitations(round_id)
    proposals = rounds.proposals(round_id)
    asked = len(invitations)
    answered_actors = {i.actor_id for i in invitations if i.answered_at is not None}
    answered = sum(i.answered_at is not None for i in invitations)

    stated = [p for p in proposals if p.status is not ProposalStatus.VERVALLEN]

    def links_of(statement: Statement) -> int:
        return len({p.link_id for p in stated if p.statement is statement})

    added_pairs = {
        frozenset({p.actor_id, p.other_id})
        for p in stated
        if p.statement is Statement.BAND_NIEUW and p.other_id is not None
    }
    added_new = {
        (p.actor_id, normalise(p.other_name or ""))
        for p in stated
        if p.statement is Statement.ACTOR_NIEUW
    }

    by_invitation: dict[str, list[Proposal]] = {}
    for p in proposals:
        by_invitation.setdefault(p.invitation_id, []).append(p)
    declared: dict[frozenset[str], set[str]] = {}  # each pair, with the ends that named it
    for own in by_invitation.values():
        for p in _latest_answer(own):
            if p.statement in _DECLARING and p.other_id is not None:
                declared.setdefault(frozenset({p.actor_id, p.other_id}), set()).add(p.actor_id)
    reciprocated = sum(len(names) == 2 for names in declared.values())
    both_answered = [names for pair, names in declared.items() if pair <= answered_actors]
    reciprocity = (
        sum(len(names) == 2 for names in both_answered) / len(both_answered)
        if both_answered
        else None
    )
    reviewed = [p for p in proposals if p.statement not in APPLIED_AT_ONCE]
    return RoundFigures(
        asked=asked,
        issued=sum(i.sent_at is not None for i in invitations),
        opened=sum(i.opened_at is not None for i in invitations),
        answered=answered,
        response_rate=answered / asked if asked else 0.0,
        ties_confirmed=links_of(Statement.BAND_BEVESTIGD),
        ties_changed=links_of(Statement.BAND_GEWIJZIGD),
        ties_added=len(added_pairs) + len(added_new),
        ties_ended=links_of(Statement.BAND_BEEINDIGD),
        declared_pairs=len(declared),
        reciprocated_pairs=reciprocated,
        reciprocity=reciprocity,
        open_proposals=sum(p.status is ProposalStatus.OPEN for p in proposals),
        accepted=sum(p.status is ProposalStatus.AANVAARD for p in reviewed),
        rejected=sum(p.status is ProposalStatus.AFGEWEZEN for p in reviewed),
        reminders=[
            Reminder(
                invitation_id=i.id,
                name=i.actor_name,
                email=i.email,
                sent_at=i.sent_at,
                reminders=i.reminders,
            )
            for i in invitations
            if i.sent_at is not None and i.answered_at is None and i.revoked_at is None
        ],
    )
