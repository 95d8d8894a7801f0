"""Netwerkuitvraag in the JSON API: rounds, links, figures and review (``api.uitvraag``).

Every route needs a login (web session or API token) with a role that writes, and the
round's wijk must be the user's (beheer: every wijk): invitations hold e-mail addresses
and the links open a partner's page, so lezers see nothing of a round. The personal links
exist in clear only in the answer that hands them out (``/links``) or in the mails
(``/send``); each replaces the invitation's link before it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field

from api.accounts import User
from api.deps import ReaderDep, RoundsDep, SettingsDep, StoreDep, WriterDep
from api.errors import ApiError
from api.permissions import api_refused, may_write_wijk
from api.schemas import Page, page
from api.settings import Settings
from api.uitvraag import service
from api.uitvraag.mail import MailNotConfigured, MailUnavailable, SendResult, last_day, send_round
from api.uitvraag.model import INTRO_MAX, Invitation, Proposal, ProposalStatus, Round
from api.uitvraag.service import RoundFigures, Which
from api.uitvraag.store import RoundStore
from graph.errors import Conflict
from graph.model import Domain

router = APIRouter(prefix="/uitvraag", tags=["uitvraag"])

REFUSED = "You may only run a netwerkuitvraag in the wijken assigned to you"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RoundIn(_Body):
    """A new round: which wijk, its title, introduction and end date, and whom to ask."""

    wijk: str
    title: str
    intro: str = Field("", max_length=INTRO_MAX)
    ends_on: date = Field(description="The last day the links work (at most a year ahead)")
    actor_ids: list[str] | None = Field(
        None,
        description="The actors to ask (each active in the wijk); default: every "
        "organisation and professional active there with a contact e-mail address",
    )


class InvitationOut(BaseModel):
    """One asked actor and how far it got (never its link: that exists only when handed
    out)."""

    id: str
    actor_id: str
    name: str
    email: str | None
    expires_at: datetime
    sent_at: datetime | None
    reminded_at: datetime | None
    reminders: int
    opened_at: datetime | None
    answered_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, invitation: Invitation) -> InvitationOut:
        return cls(
            id=invitation.id,
            actor_id=invitation.actor_id,
            name=invitation.actor_name,
            email=invitation.email,
            expires_at=invitation.expires_at,
            sent_at=invitation.sent_at,
            reminded_at=invitation.reminded_at,
            reminders=invitation.reminders,
            opened_at=invitation.opened_at,
            answered_at=invitation.answered_at,
            revoked_at=invitation.revoked_at,
        )


class RoundDetail(BaseModel):
    """A round with its dashboard figures and its invitations."""

    round: Round
    figures: RoundFigures
    invitations: list[InvitationOut]


class LinksIn(_Body):
    which: Which = Field(
        "nieuw",
        description="'nieuw': invitations never handed out; 'niet-geantwoord': handed "
        "out but not answered (a new link replaces the old one: a reminder)",
    )
    invitation_ids: list[str] | None = Field(
        None, description="Exactly these invitations instead of 'which'"
    )


class LinkOut(BaseModel):
    """A personal link, handed out: keep it safe, it opens the actor's page."""

    invitation_id: str
    name: str
    email: str | None
    url: str
    valid_until: date = Field(description="The last day the link works")


class SendIn(_Body):
    reminder: bool = Field(
        False,
        description="False: mail the invitations never handed out; true: a new link to "
        "those that have not answered (their old link stops working)",
    )


class ReviewIn(_Body):
    accept: bool
    reason: str = Field("", description="Why it is rejected (shown on the review list)")
    domain: Domain | None = Field(
        None, description="The new actor's domain: required to accept an 'actor-nieuw'"
    )


class Accepted(BaseModel):
    accepted: int = Field(description="Proposals accepted")


# -- helpers -------------------------------------------------------------------------------


def _round(rounds: RoundStore, round_id: str, user: User) -> Round:
    """The round (404 when unknown), if its wijk is the user's (403 otherwise)."""
    round_ = rounds.get_round(round_id)
    if not may_write_wijk(user, round_.wijk):
        raise api_refused(REFUSED)
    return round_


def _base_url(settings: Settings, request: Request) -> str:
    """Where links point: ``WIJKNET_BASE_URL``, else the address this request came to."""
    return (settings.base_url or str(request.base_url)).rstrip("/")


def _mail_not_configured() -> ApiError:
    return ApiError(
        503,
        MailNotConfigured.code,
        "No SMTP server is configured (WIJKNET_SMTP_HOST): hand out the links as a file "
        "(POST /uitvraag/{id}/links)",
    )


# -- rounds --------------------------------------------------------------------------------


@router.post("", response_model=Round, status_code=status.HTTP_201_CREATED)
def start_round(body: RoundIn, store: StoreDep, rounds: RoundsDep, user: WriterDep) -> Round:
    """Start a round in one of your wijken. No link is made yet: hand them out with
    ``/links`` or ``/send``."""
    if not may_write_wijk(user, body.wijk):
        raise api_refused(REFUSED)
    return service.start_round(
        store,
        rounds,
        wijk=body.wijk,
        title=body.title,
        intro=body.intro,
        ends_on=body.ends_on,
        actor_ids=body.actor_ids,
        by=user.username,
    )


@router.get("", response_model=Page[Round])
def list_rounds(
    rounds: RoundsDep,
    reader: ReaderDep,
    user: WriterDep,
    wijk: Annotated[str | None, Query(description="Only this wijk's rounds")] = None,
) -> Page[Round]:
    """The rounds of your wijken (beheer: all), newest first."""
    if wijk is not None and not may_write_wijk(user, wijk):
        raise api_refused(REFUSED)
    return page([r for r in rounds.list_rounds(wijk) if may_write_wijk(user, r.wijk)])


@router.get("/{round_id}", response_model=RoundDetail)
def read_round(
    round_id: str, store: StoreDep, rounds: RoundsDep, reader: ReaderDep, user: WriterDep
) -> RoundDetail:
    """A round with its figures (asked, opened, answered, ties, reciprocity, who to
    remind) and its invitations."""
    round_ = _round(rounds, round_id, user)
    return RoundDetail(
        round=round_,
        figures=service.round_figures(store, rounds, round_id),
        invitations=[InvitationOut.of(i) for i in rounds.invitations(round_id)],
    )


@router.post("/{round_id}/links", response_model=list[LinkOut])
def hand_out_links(
    round_id: str,
    body: LinksIn,
    request: Request,
    settings: SettingsDep,
    rounds: RoundsDep,
    user: WriterDep,
) -> list[LinkOut]:
    """New personal links, for a mail merge or to hand over another way. Each replaces
    the invitation's earlier link, which stops working. 409 when the round is closed."""
    _round(rounds, round_id, user)
    base = _base_url(settings, request)
    issued = service.issue_links(
        rounds, round_id, which=body.which, invitation_ids=body.invitation_ids
    )
    return [
        LinkOut(
            invitation_id=link.invitation.id,
            name=link.invitation.actor_name,
            email=link.invitation.email,
            url=link.url(base),
            valid_until=last_day(link.invitation),
        )
        for link in issued
    ]


@router.post(
    "/{round_id}/send",
    response_model=SendResult,
    responses={
        503: {
            "description": "No SMTP server is configured (`mail_not_configured`) or it "
            "cannot be reached (`mail_unavailable`); no link was replaced"
        }
    },
)
def mail_round(
    round_id: str,
    body: SendIn,
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    rounds: RoundsDep,
    user: WriterDep,
) -> SendResult:
    """Mail the invitations (or, with ``reminder``, a new link to those that have not
    answered). Only invitations with an e-mail address get a new link; the others are
    listed in ``skipped`` and keep theirs. A refused address is listed in ``failed``."""
    round_ = _round(rounds, round_id, user)
    if not settings.smtp_host:
        raise _mail_not_configured()
    if not round_.is_open(datetime.now(UTC)):
        raise Conflict("The round is closed: no links can be handed out")
    try:
        return send_round(
            rounds,
            round_,
            store.get_wijk(round_.wijk).name,
            settings,
            reminder=body.reminder,
            base_url=_base_url(settings, request),
        )
    except MailUnavailable as exc:
        raise ApiError(
            503,
            MailUnavailable.code,
            f"The SMTP server {settings.smtp_host}:{settings.smtp_port} cannot be reached "
            "or refused the connection or the login; no link was replaced",
            exc.details,
        ) from None


@router.post("/{round_id}/close", response_model=Round)
def close_round(round_id: str, rounds: RoundsDep, user: WriterDep) -> Round:
    """Close the round before its end date: no link opens any more."""
    _round(rounds, round_id, user)
    return service.close_round(rounds, round_id)


@router.post("/invitations/{invitation_id}/revoke", response_model=InvitationOut)
def revoke_invitation(invitation_id: str, rounds: RoundsDep, user: WriterDep) -> InvitationOut:
    """Make one invitation's link stop working for good."""
    invitation = rounds.get_invitation(invitation_id)
    _round(rounds, invitation.round_id, user)
    return InvitationOut.of(service.revoke(rounds, invitation_id))


# -- review --------------------------------------------------------------------------------


@router.get("/{round_id}/proposals", response_model=Page[Proposal])
def list_proposals(
    round_id: str,
    rounds: RoundsDep,
    reader: ReaderDep,
    user: WriterDep,
    wanted: Annotated[
        ProposalStatus | None,
        Query(alias="status", description="Only proposals with this status"),
    ] = None,
) -> Page[Proposal]:
    """The respondents' statements of a round, oldest first (``status=open``: the review
    list)."""
    _round(rounds, round_id, user)
    return page(rounds.proposals(round_id, status=wanted))


@router.post("/proposals/{proposal_id}/review", response_model=Proposal)
def review_proposal(
    proposal_id: str, body: ReviewIn, store: StoreDep, rounds: RoundsDep, user: WriterDep
) -> Proposal:
    """Accept (the change is written to the map, audited with the round as its source) or
    reject one open proposal. 409 when it was reviewed meanwhile."""
    proposal = rounds.get_proposal(proposal_id)
    _round(rounds, proposal.round_id, user)
    return service.review(
        store,
        rounds,
        proposal_id,
        accept=body.accept,
        by=user.username,
        reason=body.reason,
        domain=body.domain,
    )


@router.post("/{round_id}/accept-reciprocated", response_model=Accepted)
def accept_reciprocated(
    round_id: str, store: StoreDep, rounds: RoundsDep, user: WriterDep
) -> Accepted:
    """Accept every open new tie that both ends named (one link per pair)."""
    _round(rounds, round_id, user)
    return Accepted(accepted=service.accept_reciprocated(store, rounds, round_id, by=user.username))
