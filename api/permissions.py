"""Which organisation a user may name as a professional's employer.

Naming an employer (a professional's ``organisation``) ties the organisation to the
professional: beheer can no longer delete it while the professional works there. So a
wijkmakelaar may name only an organisation that is active in at least one of their wijken
(an organisation may be active in several); beheer may name any. The same holds for the
ends of a link (``werkt_bij`` included), which the link routes and the link form check
with ``User.may_write_any`` on each end.

The JSON API, the forms and the import all ask ``may_employ`` (the import through
``employer_rule``); each door words the refusal in its own language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api.accounts import User
from graph.errors import NotFound
from graph.model import Actor
from graph.store import GraphStore


def may_employ(user: User, organisation: Actor) -> bool:
    """True when ``user`` may name ``organisation`` as a professional's employer."""
    return user.may_write_any(organisation.wijken)


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


def api_refusal(organisation: Actor) -> str:
    """The English message of the JSON API's 403."""
    return (f"You may not name organisation {organisation.id} as employer: it is not active "
            "in any of the wijken assigned to you")


def form_refusal(organisation: Actor, user: User) -> str:
    """The Dutch message beside the organisation field of a form."""
    own = ", ".join(user.wijken) or "geen"
    return (f"'{organisation.name}' is niet actief in uw wijken ({own}). U kunt een "
            "professional alleen koppelen aan een organisatie die actief is in een van uw "
            "wijken; vraag zo nodig beheer.")
