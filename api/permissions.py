"""Who may write what, and how the JSON API and the pages say no: every write rule, once.

An account's role and wijken (``User`` in ``api/accounts.py``) say where it writes; the
functions here apply them to records, for the JSON API (``api/routes``), the pages
(``api/web``), the import and the dependencies of ``api/deps.py``. Callers ask these
functions, not ``User``.

- A lezer writes nothing. Beheer writes everywhere, and alone manages accounts, wijken, the
  audit log and the erasure of personal data.
- A wijkmakelaar writes in the wijken assigned to them: decisions on suggested
  introductions and imports there, and actors whose every wijk (as stored, and as a change
  would make it) is theirs; merging two actors needs every wijk of both.
- Confirming an actor needs one of its wijken; linking two actors (and changing, deleting
  or confirming their link) needs each end active in one of them.
- Naming an employer (a professional's ``organisation``) ties the organisation to the
  professional: beheer can no longer delete it while the professional works there. So a
  wijkmakelaar may name only an organisation active in at least one of their wijken (an
  organisation may be active in several); beheer may name any. Keeping the employer a
  professional already has is always allowed, and so is naming none.
- An import writes only in wijken the account may write in; only beheer creates or changes
  wijk records with it.

A refusal is a 403: ``api_refused`` for the JSON API (code ``forbidden``, the English
messages of ``ApiRefusal``), ``page_refused`` for the pages (a Dutch error page, the
messages of ``PageRefusal``, which also has those shown beside a form's field).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from api.accounts import AccountRole, User
from api.errors import ApiError, WebError
from graph.errors import NotFound
from graph.model import Actor, ActorIn
from graph.store import GraphStore
from importers.plan import ImportPlan

# -- the rules -----------------------------------------------------------------------------


def may_change_map(user: User) -> bool:
    """The role writes at all (wijkmakelaar or beheer); where it writes follows per record."""
    return user.role is not AccountRole.LEZER


def may_manage(user: User) -> bool:
    """Beheer: accounts, wijken, the audit log and the erasure of personal data."""
    return user.role is AccountRole.BEHEER


def may_write_wijken(user: User, wijken: Iterable[str]) -> bool:
    """Every one of ``wijken`` is the user's to write in (never true for none of them,
    except for beheer)."""
    return user.may_write_in(set(wijken))


def may_write_wijk(user: User, slug: str) -> bool:
    """Write in wijk ``slug``: decide on its suggestions, import into it, merge actors there."""
    return may_write_wijken(user, [slug])


def may_write_actor(user: User, actor: Actor | ActorIn, *, wijken: Iterable[str] = ()) -> bool:
    """Create, change or delete ``actor``: every wijk it is active in, and each of ``wijken``
    (where a change would make it active), must be the user's."""
    return may_write_wijken(user, set(actor.wijken) | set(wijken))


def may_merge(user: User, a: Actor, b: Actor) -> bool:
    """Merge two actors: every wijk of both must be the user's."""
    return may_write_actor(user, a, wijken=b.wijken)


def _in_own_wijk(user: User, actor: Actor) -> bool:
    return user.may_write_any(actor.wijken)


def may_confirm_actor(user: User, actor: Actor) -> bool:
    """Confirm that ``actor`` is still as shown: one of its wijken is the user's."""
    return _in_own_wijk(user, actor)


def may_link(user: User, *ends: Actor | None) -> bool:
    """Create, change, delete or confirm a link between ``ends``: each is active in one of
    the user's wijken (an end that is not there, None, never is)."""
    return all(end is not None and _in_own_wijk(user, end) for end in ends)


def may_employ(user: User, organisation: Actor) -> bool:
    """True when ``user`` may name ``organisation`` as a professional's employer."""
    return _in_own_wijk(user, organisation)


def refused_employer(
    store: GraphStore, user: User, organisation: Any, current: str | None = None
) -> Actor | None:
    """The stored organisation ``user`` may not name as employer, or None when allowed.

    Keeping the employer a professional already has (``current``) is always allowed, and so
    is naming none. An id that is no stored actor is left to the store, which refuses it.
    """
    if not isinstance(organisation, str) or not organisation or organisation == current:
        return None
    try:
        actor = store.get_actor(organisation)
    except NotFound:
        return None
    return None if may_employ(user, actor) else actor


def employer_rule(user: User) -> Callable[[Actor], bool]:
    """``may_employ`` for ``user``, as the import's planner asks it of stored organisations."""
    return lambda organisation: may_employ(user, organisation)


def forbidden_wijken(plan: ImportPlan, user: User) -> list[str]:
    """The wijken the plan writes in that ``user`` may not write in (every one of them when
    the file creates or changes wijk records, which only beheer may do)."""
    if may_manage(user) or not (plan.wijken or plan.changes_wijken):
        return []
    if plan.changes_wijken:
        return plan.wijken
    if may_write_wijken(user, plan.wijken):
        return []
    return sorted(set(plan.wijken) - set(user.wijken))


# -- the refusals --------------------------------------------------------------------------

NO_ACCESS = "Geen toegang"
"""The title of a page that refuses for lack of rights."""


class ApiRefusal:
    """The English messages of the JSON API's 403 ``forbidden``."""

    LEZER = "A lezer cannot change the map"
    BEHEER = "Only beheer may do this"
    ADD_ACTOR = "You may only add actors in the wijken assigned to you"
    CHANGE_ACTOR = "You may only change actors in the wijken assigned to you"
    DELETE_ACTOR = "You may only delete actors in the wijken assigned to you"
    CONFIRM_ACTOR = "You may only confirm actors in the wijken assigned to you"
    LINK = "You may only link actors in the wijken assigned to you"
    MERGE = "You may only merge actors in the wijken assigned to you"
    DECIDE = "You may only decide on suggestions in the wijken assigned to you"
    CONTACT = "Your role may not see contact details"

    @staticmethod
    def employer(organisation: Actor) -> str:
        return (
            f"You may not name organisation {organisation.id} as employer: it is not "
            "active in any of the wijken assigned to you"
        )

    @staticmethod
    def import_file(plan: ImportPlan) -> str:
        return "You may not import this file: " + (
            "only beheer may create or change wijken"
            if plan.changes_wijken
            else "it writes in wijken not assigned to you"
        )


class PageRefusal:
    """The Dutch messages of the pages: a 403 page, or a message beside a form's field."""

    ROLE = "Uw rol staat dit niet toe."
    LEZER = "Met de rol lezer kunt u de kaart bekijken maar niet wijzigen."
    BEHEER = "Alleen beheerders kunnen deze pagina gebruiken."
    WIJK = "Deze wijk is niet aan u toegewezen."
    ACTOR = "Deze actor hoort niet bij uw wijken."
    CHANGE_ACTOR = "Deze actor hoort (ook) bij een wijk die niet aan u is toegewezen."
    LINK = "Deze verbinding hoort niet bij uw wijken."
    LINK_ENDS = "U mag alleen actoren uit uw eigen wijken met elkaar verbinden."
    MERGE_WIJK = "Alleen wijkmakelaars van deze wijk en beheer voegen actoren samen."
    MERGE_ACTORS = "U kunt alleen actoren samenvoegen die helemaal in uw eigen wijken actief zijn."
    DECIDE = "Alleen wijkmakelaars van deze wijk en beheer handelen voorstellen af."
    IMPORT_WIJK = "U kunt alleen importeren in de wijken die aan u zijn toegewezen."
    CSRF_TITLE = "Formulier niet geaccepteerd"
    CSRF = (
        "Dit formulier kon niet worden gecontroleerd (de beveiligingscode ontbreekt of is "
        "verlopen). Ga terug, laad de pagina opnieuw en probeer het nog eens."
    )

    @staticmethod
    def wijken(user: User) -> str:
        """Beside a form's wijken that are not all the user's."""
        own = ", ".join(user.wijken) or "geen"
        return f"U mag alleen vastleggen in de wijken die aan u zijn toegewezen ({own})."

    @staticmethod
    def employer(organisation: Actor, user: User) -> str:
        """Beside a form's organisation that the user may not name as employer."""
        own = ", ".join(user.wijken) or "geen"
        return (
            f"'{organisation.name}' is niet actief in uw wijken ({own}). U kunt een "
            "professional alleen koppelen aan een organisatie die actief is in een van uw "
            "wijken; vraag zo nodig beheer."
        )

    @staticmethod
    def import_file(plan: ImportPlan, refused: list[str], user: User) -> str:
        """Why the user may not import a file (``refused``: ``forbidden_wijken``)."""
        if plan.changes_wijken:
            return "Dit bestand maakt of wijzigt wijken; dat mag alleen beheer."
        own = ", ".join(user.wijken) or "geen"
        return (
            f"Dit bestand schrijft in wijken die niet aan u zijn toegewezen: "
            f"{', '.join(refused)}. U mag importeren in: {own}."
        )


def api_refused(message: str, details: Any = None) -> ApiError:
    """The JSON API's refusal: 403 with code ``forbidden``."""
    return ApiError(403, "forbidden", message, details)


def page_refused(message: str, title: str = NO_ACCESS) -> WebError:
    """A page's refusal: 403 and a Dutch error page."""
    return WebError(403, title, message)


def csrf_refused() -> WebError:
    """A posted form whose CSRF token is missing or not its session's."""
    return page_refused(PageRefusal.CSRF, PageRefusal.CSRF_TITLE)
