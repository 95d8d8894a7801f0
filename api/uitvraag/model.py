"""The records of a netwerkuitvraag (``api.uitvraag``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from graph.model import ActorKind, EntityId, Intensity, Name, Note, Slug

TIMEZONE = ZoneInfo("Europe/Amsterdam")
"""A round ends at the end of its end date in this zone."""
INTRO_MAX = 2000
"""Characters of a round's introduction text."""

RoundId = Annotated[str, Field(pattern=r"^u-[0-9a-f]{12}$")]
InvitationId = Annotated[str, Field(pattern=r"^n-[0-9a-f]{12}$")]
ProposalId = Annotated[str, Field(pattern=r"^v-[0-9a-f]{12}$")]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


def end_of(day: date) -> datetime:
    """The last moment of ``day`` in the Netherlands, in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), TIMEZONE).astimezone(UTC)


class Round(_Record):
    """One netwerkuitvraag in one wijk."""

    id: RoundId
    wijk: Slug
    title: Name
    intro: Annotated[str, Field(max_length=INTRO_MAX)] = ""
    ends_on: date
    created_by: str
    created_at: datetime
    closed_at: datetime | None = None
    """Closed early by hand; otherwise the round closes after ``ends_on``."""

    def is_open(self, now: datetime) -> bool:
        return self.closed_at is None and now < end_of(self.ends_on)

    def measured_on(self, now: datetime) -> date | None:
        """The day whose snapshot is the wijk's network as this round measured it: the day
        it closed (by hand, or its end date); None while it is open."""
        if self.is_open(now):
            return None
        if self.closed_at is not None and self.closed_at < end_of(self.ends_on):
            return self.closed_at.astimezone(TIMEZONE).date()
        return self.ends_on


class Invitation(_Record):
    """One asked actor in one round, with the digest of its personal link's token."""

    id: InvitationId
    round_id: RoundId
    actor_id: EntityId
    actor_name: Name
    """The actor's name when the round started (shown on the dashboard and in the links)."""
    email: str | None = None
    """Where the invitation goes; None when the link is handed over another way."""
    digest: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None
    """SHA-256 of the token of the link handed out last; None before the first."""
    created_at: datetime
    expires_at: datetime
    opened_at: datetime | None = None
    answered_at: datetime | None = None
    revoked_at: datetime | None = None
    sent_at: datetime | None = None
    """When a link was first handed out (downloaded or mailed)."""
    reminded_at: datetime | None = None
    reminders: int = 0
    """How often a new link was handed out after the first (each replaces the one before)."""

    def usable(self, now: datetime) -> bool:
        """The link still opens the page: issued, not revoked and not expired."""
        return self.digest is not None and self.revoked_at is None and now < self.expires_at


class Statement(str, Enum):
    """What a respondent said about one thing."""

    RECORD_BEVESTIGD = "record-bevestigd"
    """Its own record is right as shown (applied at once: ``confirm_actor``)."""
    RECORD_CORRECTIE = "record-correctie"
    """Its own record needs changes (``changes``)."""
    BAND_BEVESTIGD = "band-bevestigd"
    """An existing collaboration is still as shown (applied at once: ``confirm_link``)."""
    BAND_GEWIJZIGD = "band-gewijzigd"
    """An existing collaboration goes on, with another intensity or start date."""
    BAND_BEEINDIGD = "band-beeindigd"
    """An existing collaboration has ended (``until``)."""
    BAND_NIEUW = "band-nieuw"
    """A collaboration with an actor of the wijk that is not on the map."""
    ACTOR_NIEUW = "actor-nieuw"
    """A collaboration with someone not in wijknet at all (``other_name``, ``other_kind``)."""


APPLIED_AT_ONCE = frozenset({Statement.RECORD_BEVESTIGD, Statement.BAND_BEVESTIGD})
"""Statements that change nothing but "laatst bevestigd": never on the review list."""


class ProposalStatus(str, Enum):
    OPEN = "open"
    AANVAARD = "aanvaard"
    AFGEWEZEN = "afgewezen"
    VERVALLEN = "vervallen"
    """Replaced by a later answer of the same respondent before it was reviewed."""


class Proposal(_Record):
    """One statement of one respondent; those not applied at once wait for review."""

    id: ProposalId
    round_id: RoundId
    invitation_id: InvitationId
    actor_id: EntityId
    """The respondent's actor."""
    statement: Statement
    link_id: EntityId | None = None
    """The existing link (band-bevestigd, band-gewijzigd, band-beeindigd)."""
    other_id: EntityId | None = None
    """The other end: of the link, or the actor named (band-nieuw)."""
    other_name: Name | None = None
    """A new actor's name (actor-nieuw), or the other end's name when stated."""
    other_kind: ActorKind | None = None
    intensity: Intensity | None = None
    since: date | None = None
    until: date | None = None
    changes: dict[str, str] = Field(default_factory=dict)
    """record-correctie: field -> new value (name, description, email, phone)."""
    note: Note = ""
    status: ProposalStatus = ProposalStatus.OPEN
    created_at: datetime
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    reason: Note = ""
    """Why it was rejected (shown on the review list)."""
    result_id: EntityId | None = None
    """The link or actor an accepted proposal created or changed."""


RECORD_FIELDS = ("name", "description", "email", "phone")
"""The fields of its own record a respondent may correct."""
