"""Dubbelingen: likely duplicate actors of a wijk, and merging two of them.

``GET /wijk/{slug}/dubbelingen`` lists the pairs ``importers.duplicates.find_duplicates``
reports. ``GET /wijk/{slug}/samenvoegen?a=…&b=…`` shows both actors side by side; choosing
which one stays (``houden``) previews what the merge does (``plan_merge``: the kept actor
as it will be, the links that move, the professionals who move). The confirmation posts
the versions both actors were read at; when either changed meanwhile nothing is merged and
the new preview is shown. ``merge_actors`` writes it, audited with the user's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.accounts import User
from api.deps import Form, PageWriter, StoreDep
from api.errors import WebError
from api.permissions import PageRefusal, may_merge, may_write_wijk, page_refused
from api.web.formdata import text
from api.web.render import dutch_date, render
from graph.errors import Conflict, InvalidData, NotFound
from graph.model import Actor, Link, label
from graph.store import GraphStore
from importers.duplicates import MergePlan, find_duplicates, merge_actors, plan_merge

router = APIRouter(include_in_schema=False)


def _wijk_for_writer(store: GraphStore, slug: str, user: User) -> Any:
    wijk = store.get_wijk(slug)
    if not may_write_wijk(user, slug):
        raise page_refused(PageRefusal.MERGE_WIJK)
    return wijk


@router.get("/wijk/{slug}/dubbelingen", response_class=HTMLResponse)
def duplicates_page(request: Request, slug: str, store: StoreDep, user: PageWriter) -> Response:
    """Pairs of actors of one kind in this wijk whose names are nearly the same."""
    wijk = _wijk_for_writer(store, slug, user)
    pairs = find_duplicates(store.list_actors(slug), wijk=slug)
    return render(request, "dubbelingen.html", {"wijk": wijk, "pairs": pairs, "nav": "start"})


@dataclass(frozen=True)
class Compared:
    """One field of both actors, side by side."""

    field: str
    a: str
    b: str

    @property
    def differs(self) -> bool:
        return self.a != self.b


@dataclass(frozen=True)
class Moved:
    """A link as the merge leaves it on the kept actor."""

    partner: str
    partner_id: str
    kind: str
    intensity: str
    joined: bool
    """The kept actor already had this link: the two become one (the higher intensity)."""


def _texts(values: list[Any]) -> str:
    return ", ".join(label(v) for v in values) or "—"


def _fields(
    actor: Actor,
    names: dict[str, Actor],
    wijken: dict[str, str],
    links: int,
    staff: int,
    user: User,
) -> list[tuple[str, str]]:
    organisation = (
        names[actor.organisation].name
        if actor.organisation in names
        else (actor.organisation or "—")
    )
    rows = [
        ("Naam", actor.name),
        ("Soort", label(actor.kind)),
        ("Domein", label(actor.domain)),
        ("Rol", label(actor.role)),
        ("Wijken", ", ".join(wijken.get(w, w) for w in actor.wijken)),
        ("Thema's", _texts(actor.themes)),
        ("Kernaanpakken", _texts(actor.kernaanpakken)),
        ("Werkt bij", organisation),
        ("Beschrijving", actor.description or "—"),
    ]
    if user.may_see_contact:
        contact = actor.contact
        rows.append(
            (
                "Contact",
                ", ".join(v for v in (contact.email, contact.phone) if v) if contact else "—",
            )
        )
    rows += [
        (
            "Actief",
            f"{dutch_date(actor.since)} tot {dutch_date(actor.until)}"
            if actor.since or actor.until
            else "—",
        ),
        ("Verbindingen", str(links)),
        ("Medewerkers", str(staff)),
        ("Laatst gewijzigd", dutch_date(actor.updated_at, time=True)),
    ]
    return rows


def _side_by_side(
    a: Actor,
    b: Actor,
    names: dict[str, Actor],
    links: list[Link],
    wijken: dict[str, str],
    user: User,
) -> list[Compared]:
    def count(actor: Actor) -> tuple[int, int]:
        return (
            sum(1 for lk in links if actor.id in (lk.source, lk.target)),
            sum(1 for x in names.values() if x.organisation == actor.id),
        )

    left = _fields(a, names, wijken, *count(a), user)
    right = _fields(b, names, wijken, *count(b), user)
    return [Compared(name, x, y) for (name, x), (_, y) in zip(left, right, strict=True)]


def _moved(plan: MergePlan, links: list[Link], names: dict[str, Actor]) -> list[Moved]:
    existing = {lk.id for lk in links if plan.keep in (lk.source, lk.target)}
    out = []
    for link in plan.moved:
        other = link.target if link.source == plan.keep else link.source
        partner = names[other].name if other in names else other
        out.append(
            Moved(partner, other, label(link.kind), label(link.intensity), link.id in existing)
        )
    return sorted(out, key=lambda m: m.partner.lower())


def _both_actors(store: GraphStore, user: User, a_id: str, b_id: str) -> tuple[Actor, Actor]:
    """Both actors, when they exist and ``user`` may write in every wijk of both."""
    try:
        a, b = store.get_actor(a_id), store.get_actor(b_id)
    except NotFound:
        raise WebError(
            404,
            "Niet gevonden",
            "Een van beide actoren bestaat niet (meer); "
            "misschien heeft iemand anders ze al samengevoegd.",
        ) from None
    if not may_merge(user, a, b):
        raise page_refused(PageRefusal.MERGE_ACTORS)
    return a, b


def _merge_page(
    request: Request,
    store: GraphStore,
    user: User,
    slug: str,
    a_id: str,
    b_id: str,
    keep_id: str | None,
    *,
    message: str = "",
    status: int = 200,
) -> Response:
    wijk = _wijk_for_writer(store, slug, user)
    a, b = _both_actors(store, user, a_id, b_id)
    names = {x.id: x for x in store.list_actors()}
    links = store.list_links()
    wijken = {w.slug: w.name for w in store.list_wijken()}
    context: dict[str, Any] = {
        "wijk": wijk,
        "a": a,
        "b": b,
        "compared": _side_by_side(a, b, names, links, wijken, user),
        "keep": None,
        "drop": None,
        "plan": None,
        "moved": [],
        "between": 0,
        "professionals": [],
        "changes": [],
        "message": message,
        "error": "",
        "nav": "start",
    }
    if keep_id in (a.id, b.id):
        keep, drop = (a, b) if keep_id == a.id else (b, a)
        context.update(keep=keep, drop=drop)
        try:
            plan = plan_merge(store, keep.id, drop.id)
        except InvalidData as exc:
            context["error"] = " ".join(e.message for e in exc.errors) or exc.message
            return render(request, "samenvoegen.html", context, status=status)
        merged = keep.model_copy(update={k: v for k, v in plan.actor if k != "id"})
        after = dict(_fields(merged, names, wijken, 0, 0, user))
        before = dict(_fields(keep, names, wijken, 0, 0, user))
        context.update(
            plan=plan,
            moved=_moved(plan, links, names),
            between=sum(1 for lk in links if {lk.source, lk.target} == {keep.id, drop.id}),
            professionals=sorted(p.name for p in plan.professionals),
            changes=[
                (f, before[f], v)
                for f, v in after.items()
                if f not in ("Verbindingen", "Medewerkers", "Laatst gewijzigd") and before[f] != v
            ],
        )
    return render(request, "samenvoegen.html", context, status=status)


@router.get("/wijk/{slug}/samenvoegen", response_class=HTMLResponse)
def merge_form(
    request: Request,
    slug: str,
    store: StoreDep,
    user: PageWriter,
    a: str = Query(..., max_length=80),
    b: str = Query(..., max_length=80),
    houden: str | None = Query(None, max_length=80),
) -> Response:
    """Both actors side by side; with ``houden`` the preview of the merge."""
    if a == b:
        raise WebError(400, "Dat kan niet", "Kies twee verschillende actoren.")
    return _merge_page(request, store, user, slug, a, b, houden)


@router.post("/wijk/{slug}/samenvoegen", response_class=HTMLResponse)
def merge(request: Request, slug: str, form: Form, store: StoreDep, user: PageWriter) -> Response:
    """Merge the actor that goes into the one that stays, when neither changed meanwhile."""
    keep_id, drop_id = text(form, "keep"), text(form, "drop")
    if not keep_id or not drop_id or keep_id == drop_id:
        raise WebError(400, "Dat ging niet goed", "Kies welke actor blijft en welke verdwijnt.")
    _wijk_for_writer(store, slug, user)
    _both_actors(store, user, keep_id, drop_id)
    try:
        # the versions the user saw in the preview: the store refuses the merge when either
        # actor changed since, in the same transaction that would write it
        versions = (int(text(form, "keep_version")), int(text(form, "drop_version")))
    except ValueError:
        raise WebError(400, "Dat ging niet goed", "Open het voorbeeld opnieuw.") from None
    try:
        merge_actors(store, keep_id, drop_id, by=user.username, expected_versions=versions)
    except Conflict:
        return _merge_page(
            request,
            store,
            user,
            slug,
            keep_id,
            drop_id,
            keep_id,
            status=409,
            message="Er is niets samengevoegd: iemand anders heeft een van "
            "beide actoren gewijzigd nadat u het voorbeeld opende. Hieronder "
            "staat het nieuwe voorbeeld. Controleer het en voeg opnieuw samen.",
        )
    except NotFound:
        raise WebError(
            404,
            "Niet gevonden",
            "Een van beide actoren bestaat niet meer; "
            "misschien heeft iemand anders ze al samengevoegd.",
        ) from None
    except InvalidData as exc:
        reason = " ".join(e.message for e in exc.errors) or exc.message
        return _merge_page(
            request,
            store,
            user,
            slug,
            keep_id,
            drop_id,
            keep_id,
            message=f"Er is niets samengevoegd: {reason}",
            status=422,
        )
    return RedirectResponse(f"/actor/{keep_id}?melding=samengevoegd", status_code=303)
