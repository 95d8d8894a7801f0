"""Beheer: accounts and roles, and the audit log. Only for the role ``beheer``."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.accounts import AccountRole, AccountStore
from api.deps import AccountsDep, Form, PageAdmin, StoreDep
from api.errors import WebError
from api.web import history
from api.web.formdata import FormState, many, text
from api.web.render import render
from graph.errors import Conflict, InvalidData, NotFound
from graph.store import GraphStore

router = APIRouter(prefix="/beheer", include_in_schema=False)

ROLE_LABELS = {
    AccountRole.LEZER.value: "Lezer: bekijkt alles behalve contactgegevens",
    AccountRole.WIJKMAKELAAR.value: "Wijkmakelaar: wijzigt in de toegewezen wijken",
    AccountRole.BEHEER.value: "Beheer: alles, ook accounts en het logboek",
}
_ACCOUNT_MESSAGES = {
    "username": "Gebruik 2 tot 40 kleine letters, cijfers, punt, streepje of liggend streepje.",
    "role": "Kies een rol.",
    "wijken": "Kies bestaande wijken.",
}


def _page(
    request: Request,
    store: GraphStore,
    accounts: AccountStore,
    state: FormState,
    *,
    wijk: str | None = None,
    status: int = 200,
) -> Response:
    wijken = store.list_wijken()
    context = {
        "accounts": accounts.list_users(),
        "wijken": [(w.slug, w.name) for w in wijken],
        "roles": list(ROLE_LABELS.items()),
        "state": state,
        "audit_wijk": wijk or "",
        "history": history.rows(
            store.audit_log(wijk=wijk or None, limit=100),
            request.state.user,
            {a.id: a.name for a in store.list_actors(wijk or None)},
        ),
        "show_entity": True,
        "nav": "beheer",
    }
    return render(request, "beheer.html", context, status=status)


def _empty() -> FormState:
    return FormState(
        {"username": "", "role": AccountRole.LEZER.value, "wijken": [], "password": ""}
    )


@router.get("", response_class=HTMLResponse)
def admin_page(
    request: Request,
    store: StoreDep,
    accounts: AccountsDep,
    user: PageAdmin,
    wijk: str | None = Query(None, max_length=60),
) -> Response:
    """Accounts with their roles and wijken, a form for a new account, the audit log."""
    return _page(request, store, accounts, _empty(), wijk=wijk)


@router.post("/accounts", response_class=HTMLResponse)
def create_account(
    request: Request, form: Form, store: StoreDep, accounts: AccountsDep, user: PageAdmin
) -> Response:
    """Create an account (the password is set here and told to the person)."""
    state = FormState(
        {
            "username": text(form, "username").strip().lower(),
            "role": text(form, "role"),
            "wijken": many(form, "wijken"),
            "password": "",
        }
    )
    password = text(form, "password")
    try:
        accounts.add_user(
            state.values["username"],
            password,
            state.values["role"],
            state.values["wijken"],
            known_wijken=[w.slug for w in store.list_wijken()],
        )
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            field = str(err["loc"][0]) if err.get("loc") else "username"
            state.errors.setdefault(field, _ACCOUNT_MESSAGES.get(field, "Deze waarde klopt niet."))
    except InvalidData as exc:
        state.add(exc.errors)
    except Conflict:
        state.errors["username"] = "Deze gebruikersnaam bestaat al."
    if state.ok:
        return RedirectResponse("/beheer?melding=account-aangemaakt", status_code=303)
    return _page(request, store, accounts, state, status=422)


@router.post("/accounts/{username}", response_class=HTMLResponse)
def change_account(
    username: str, form: Form, store: StoreDep, accounts: AccountsDep, user: PageAdmin
) -> Response:
    """Change an account's role and wijken, reset its password, or delete it."""
    action = text(form, "action")
    try:
        if action == "verwijderen":
            if username == user.username:
                raise WebError(400, "Dat kan niet", "U kunt uw eigen account niet verwijderen.")
            accounts.delete_user(username)
            return RedirectResponse("/beheer?melding=account-verwijderd", status_code=303)
        if action == "wachtwoord":
            accounts.set_password(username, text(form, "password"))
            return RedirectResponse("/beheer?melding=wachtwoord-gewijzigd", status_code=303)
        role = text(form, "role")
        if username == user.username and role != AccountRole.BEHEER.value:
            raise WebError(400, "Dat kan niet", "U kunt uw eigen beheerrol niet afnemen.")
        accounts.set_role(
            username, role, many(form, "wijken"), known_wijken=[w.slug for w in store.list_wijken()]
        )
    except NotFound:
        raise WebError(404, "Niet gevonden", "Dit account bestaat niet (meer).") from None
    except InvalidData as exc:
        raise WebError(
            422, "Niet opgeslagen", " ".join(err.message for err in exc.errors)
        ) from None
    except ValidationError:
        raise WebError(
            422,
            "Niet opgeslagen",
            "Kies een geldige rol, en een wachtwoord van minstens 10 tekens.",
        ) from None
    return RedirectResponse("/beheer?melding=account-gewijzigd", status_code=303)
