"""``wijknet backup`` and ``wijknet restore``: the whole store and the accounts in one
portable backup (``graph.store.backup``), which either backend restores; for SQLite also a
byte-level copy of the database file instead (``--sqlite-kopie``).

The accounts part of a backup (accounts with their password hashes, API token digests,
saved import mappings; no sessions) is read and written by ``accounts_part``, each
direction in one transaction: in the tables of the SQLite accounts file, or in the nodes
``api.shared`` keeps in Neo4j when the graph is there (an account store with
``export_backup``/``holds_data``/``import_backup`` of its own is used as it is).

The netwerkuitvraag's rounds, invitations and proposals live beside the accounts, so they go
with them (``api.uitvraag.backup``: three more members), read and written by the round store
of the same place (``rounds_part``), each direction in one transaction of its own; they are
restored after the accounts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Protocol, runtime_checkable
from zoneinfo import ZoneInfo

import typer
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from api.accounts import USERNAME_RE, AccountRole, AccountStore
from api.cli.common import ByOption, app, default_by, fail, settings, store_from_settings
from api.mappings import MappingStore
from api.settings import Settings
from api.uitvraag.backup import check_rounds_members, rounds_members
from api.uitvraag.store import RoundsDump, RoundStore
from graph.errors import Conflict, WijknetError
from graph.store.backup import NOT_EMPTY, BackupError, Manifest, read_backup, write_backup

ACCOUNT_MEMBERS = ("accounts", "tokens", "mappings")
"""The members of a backup that hold the accounts file."""


def open_accounts(config: Settings) -> AccountStore:
    """The account store of the configured database (``api.shared`` decides where)."""
    from api.shared import open_accounts as shared_accounts

    return shared_accounts(config)


class AccountRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=USERNAME_RE)
    role: AccountRole
    wijken: list[str] = Field(default_factory=list)
    password_hash: str = Field(min_length=1)


class TokenRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    digest: str = Field(pattern=r"^[0-9a-f]{64}$")
    username: str = Field(pattern=USERNAME_RE)
    label: str
    created_at: str


class MappingRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80)
    body: str
    updated_at: str
    updated_by: str


RECORDS: dict[str, type[BaseModel]] = {
    "accounts": AccountRecord,
    "tokens": TokenRecord,
    "mappings": MappingRecord,
}

AccountRows = dict[str, list[dict[str, Any]]]
"""The rows of each member of the accounts part (``ACCOUNT_MEMBERS``)."""


@runtime_checkable
class AccountsPart(Protocol):
    """What a backup needs of the accounts store."""

    def export_backup(self) -> AccountRows:
        """Accounts, tokens and mappings, read in one transaction."""

    def holds_data(self) -> bool:
        """True when there is an account, a token or a saved mapping."""

    def import_backup(self, rows: AccountRows, *, replace: bool) -> None:
        """Write the rows in one transaction (deleting what is there with ``replace``);
        sessions and failed logins are forgotten."""


class SqliteAccountsPart:
    """The accounts part in the tables of the SQLite accounts file (``api.accounts`` and
    ``api.mappings``), under the account store's lock."""

    def __init__(self, accounts: AccountStore) -> None:
        MappingStore(accounts)  # its table exists
        self._accounts = accounts
        self._db = accounts._conn

    def export_backup(self) -> AccountRows:
        with self._accounts.transaction("BEGIN"):
            users = self._db.execute(
                "SELECT username, role, wijken, password_hash FROM users ORDER BY username"
            ).fetchall()
            tokens = self._db.execute(
                "SELECT digest, username, label, created_at FROM tokens ORDER BY username, digest"
            ).fetchall()
            mappings = self._db.execute(
                "SELECT name, body, updated_at, updated_by FROM import_mappings ORDER BY name"
            ).fetchall()
        return {
            "accounts": [
                {
                    "username": u,
                    "role": r,
                    "wijken": [w for w in ws.split(",") if w],
                    "password_hash": h,
                }
                for u, r, ws, h in users
            ],  # fmt: skip
            "tokens": [
                {"digest": d, "username": u, "label": lb, "created_at": c} for d, u, lb, c in tokens
            ],
            "mappings": [
                {"name": n, "body": b, "updated_at": at, "updated_by": by}
                for n, b, at, by in mappings
            ],
        }

    def holds_data(self) -> bool:
        found = self._db.execute(
            "SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM tokens)"
            " OR EXISTS (SELECT 1 FROM import_mappings)"
        ).fetchone()
        return bool(found[0])

    def import_backup(self, rows: AccountRows, *, replace: bool) -> None:
        with self._accounts.transaction():
            if replace:
                for table in ("sessions", "tokens", "users", "login_failures", "import_mappings"):
                    self._db.execute(f"DELETE FROM {table}")
            elif self.holds_data():
                raise Conflict(ACCOUNTS_NOT_EMPTY)
            for user in rows["accounts"]:
                self._db.execute(
                    "INSERT INTO users (username, password_hash, role, wijken) VALUES (?, ?, ?, ?)",
                    (user["username"], user["password_hash"], user["role"],
                     ",".join(user["wijken"])),
                )  # fmt: skip
            for token in rows["tokens"]:
                self._db.execute(
                    "INSERT INTO tokens (digest, username, label, created_at) VALUES (?, ?, ?, ?)",
                    (token["digest"], token["username"], token["label"], token["created_at"]),
                )
            for saved in rows["mappings"]:
                self._db.execute(
                    "INSERT INTO import_mappings (name, body, updated_at, updated_by)"
                    " VALUES (?, ?, ?, ?)",
                    (saved["name"], saved["body"], saved["updated_at"], saved["updated_by"]),
                )


class Neo4jAccountsPart:
    """The accounts part in the Neo4j server of the graph (``api.shared``): the nodes
    ``Account``, ``ApiToken`` and ``ImportMapping``, through the account store's ``db``."""

    def __init__(self, db: Any) -> None:
        self._db = db

    def export_backup(self) -> AccountRows:
        def work(t: Any) -> AccountRows:
            users = t.run(
                "MATCH (a:Account) RETURN a.username AS username, a.role AS role,"
                " a.wijken AS wijken, a.password_hash AS password_hash ORDER BY a.username"
            )
            accounts = [
                {"username": r["username"], "role": r["role"], "wijken": list(r["wijken"] or []),
                 "password_hash": r["password_hash"]}
                for r in users
            ]  # fmt: skip
            tokens = [
                dict(r)
                for r in t.run(
                    "MATCH (x:ApiToken) RETURN x.digest AS digest, x.username AS username,"
                    " x.label AS label, x.created_at AS created_at ORDER BY x.username, x.digest"
                )
            ]
            mappings = [
                dict(r)
                for r in t.run(
                    "MATCH (m:ImportMapping) RETURN m.name AS name, m.body AS body,"
                    " m.updated_at AS updated_at, m.updated_by AS updated_by ORDER BY m.name"
                )
            ]
            return {"accounts": accounts, "tokens": tokens, "mappings": mappings}

        rows: AccountRows = self._db.read(work)
        return rows

    def holds_data(self) -> bool:
        def work(t: Any) -> bool:
            found = t.run(
                "MATCH (n) WHERE n:Account OR n:ApiToken OR n:ImportMapping RETURN 1 LIMIT 1"
            ).single()
            return found is not None

        return bool(self._db.read(work))

    def import_backup(self, rows: AccountRows, *, replace: bool) -> None:
        def work(t: Any) -> None:
            if replace:
                t.run(
                    "MATCH (n) WHERE n:Account OR n:ApiToken OR n:ImportMapping OR n:Session"
                    " OR n:LoginFailure DETACH DELETE n"
                ).consume()
            elif t.run(
                "MATCH (n) WHERE n:Account OR n:ApiToken OR n:ImportMapping RETURN 1 LIMIT 1"
            ).single():
                raise Conflict(ACCOUNTS_NOT_EMPTY)
            t.run(
                "UNWIND $rows AS row CREATE (:Account {username: row.username,"
                " password_hash: row.password_hash, role: row.role, wijken: row.wijken,"
                " failed: 0, locked_until: null})",
                rows=rows["accounts"],
            ).consume()
            t.run(
                "UNWIND $rows AS row CREATE (:ApiToken {digest: row.digest,"
                " username: row.username, label: row.label, created_at: row.created_at})",
                rows=rows["tokens"],
            ).consume()
            t.run(
                "UNWIND $rows AS row CREATE (:ImportMapping {name: row.name, body: row.body,"
                " updated_at: row.updated_at, updated_by: row.updated_by})",
                rows=rows["mappings"],
            ).consume()

        self._db.write(work)


ACCOUNTS_NOT_EMPTY = (
    "Het accountbestand is niet leeg. Geef --vervang om de accounts, tokens en "
    "importkoppelingen te vervangen, of --zonder-accounts om ze te laten zoals ze zijn."
)


def accounts_part(accounts: object) -> AccountsPart:
    """The accounts part of a backup for this account store."""
    if isinstance(accounts, AccountsPart):
        return accounts
    db = getattr(accounts, "db", None)
    if db is not None and callable(getattr(db, "read", None)):
        return Neo4jAccountsPart(db)
    if isinstance(accounts, AccountStore) and hasattr(accounts, "_conn"):
        return SqliteAccountsPart(accounts)
    raise WijknetError(
        "Deze accountopslag kan (nog) niet mee in een back-up; gebruik --zonder-accounts."
    )


def rounds_part(accounts: object) -> RoundStore:
    """The netwerkuitvraag's round store beside this account store (as ``api.shared``
    opens it)."""
    db = getattr(accounts, "db", None)
    if db is not None and callable(getattr(db, "read", None)):
        from api.uitvraag.neo4j import Neo4jRoundStore

        return Neo4jRoundStore(db)
    if isinstance(accounts, AccountStore) and hasattr(accounts, "_conn"):
        from api.uitvraag.sqlite import SqliteRoundStore

        return SqliteRoundStore(accounts)
    raise WijknetError(
        "De netwerkuitvragen bij deze accountopslag kunnen (nog) niet mee in een back-up; "
        "gebruik --zonder-accounts."
    )


ROUNDS_IN_PLACE = (
    "Er staan al netwerkuitvragen in de database. Geef --vervang om ze te vervangen door die "
    "van de back-up, of --zonder-accounts om ze (en de accounts) te laten zoals ze zijn."
)


def check_account_rows(extra: Mapping[str, Sequence[Mapping[str, Any]]]) -> AccountRows:
    """The accounts part of a backup, each row checked (``BackupError`` when one is not
    right, or a token or account is there twice or belongs to no account)."""
    rows: AccountRows = {}
    for member in ACCOUNT_MEMBERS:
        model = RECORDS[member]
        try:
            rows[member] = [
                model.model_validate(r).model_dump(mode="json") for r in extra.get(member, [])
            ]
        except ValidationError:
            raise BackupError(
                f"{member}.jsonl bevat een ongeldig record. Er is niets hersteld."
            ) from None
    names = [u["username"] for u in rows["accounts"]]
    for what, keys in (
        ("account", names),
        ("token", [t["digest"] for t in rows["tokens"]]),
        ("importkoppeling", [m["name"] for m in rows["mappings"]]),
    ):
        if len(set(keys)) != len(keys):
            raise BackupError(f"Een {what} staat twee keer in de back-up. Er is niets hersteld.")
    if any(t["username"] not in set(names) for t in rows["tokens"]):
        raise BackupError("Een token hoort bij geen account in de back-up. Er is niets hersteld.")
    return rows


def _plural(n: int, one: str, more: str) -> str:
    return f"{n} {one if n == 1 else more}"


def _summary(manifest: Manifest, with_accounts: bool) -> str:
    parts = [
        _plural(manifest.count("wijken"), "wijk", "wijken"),
        _plural(manifest.count("actors"), "actor", "actoren"),
        _plural(manifest.count("links"), "verbinding", "verbindingen"),
        _plural(manifest.count("suggestion_steps"), "stap", "stappen"),
        _plural(manifest.count("audit"), "logboekregel", "logboekregels"),
    ]
    if with_accounts:
        parts += [
            _plural(manifest.count("accounts"), "account", "accounts"),
            _plural(manifest.count("tokens"), "token", "tokens"),
            _plural(manifest.count("mappings"), "importkoppeling", "importkoppelingen"),
        ]
        rounds = manifest.count("uitvraag_rounds")
        if rounds:
            parts.append(_plural(rounds, "netwerkuitvraag", "netwerkuitvragen"))
    return ", ".join(parts)


WithoutAccounts = Annotated[
    bool,
    typer.Option(
        "--zonder-accounts",
        help="Laat de accounts, API-tokens, importkoppelingen en netwerkuitvragen buiten "
        "(de netwerkuitvragen staan bij de accounts)",
    ),
]


@app.command("backup")
def backup(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="BESTAND",
            help="Het back-upbestand dat wijknet schrijft (ZIP, of .db met --sqlite-kopie)",
            dir_okay=False,
        ),
    ],
    sqlite_copy: Annotated[
        bool,
        typer.Option(
            "--sqlite-kopie",
            help="Schrijf een kopie van het SQLite-databasebestand in plaats van een ZIP "
            "(alleen bij SQLite; zonder accounts)",
        ),
    ] = False,
    without_accounts: WithoutAccounts = False,
) -> None:
    """Maak een back-up van alles: wijken, actoren, verbindingen, stappen, logboek,
    accounts en netwerkuitvragen, in één ZIP-bestand dat elke database van wijknet kan
    herstellen."""
    config = settings()
    try:
        with store_from_settings(config) as store:
            if sqlite_copy:
                copy_to = getattr(store, "copy_to", None)
                if copy_to is None:
                    raise fail(
                        "--sqlite-kopie kan alleen bij een SQLite-database; gebruik voor "
                        "Neo4j 'neo4j-admin database dump' (zie docs/operations.md)."
                    )
                copy_to(file)
                typer.echo(f"SQLite-kopie geschreven: {file}")
                return
            extra: AccountRows = {}
            if not without_accounts:
                accounts = open_accounts(config)
                try:
                    extra = accounts_part(accounts).export_backup()
                    rounds = rounds_part(accounts)
                    try:
                        extra |= rounds_members(rounds.export_all())
                    finally:
                        rounds.close()
                finally:
                    accounts.close()
            manifest = write_backup(file, store.export_all(), backend=store.backend, extra=extra)
    except WijknetError as exc:
        raise fail(f"Er is geen back-up gemaakt: {exc.message}") from None
    except OSError as exc:
        raise fail(
            f"Er is geen back-up gemaakt: {exc.filename or file} kan niet worden geschreven "
            f"({exc.strerror or exc})."
        ) from None
    typer.echo(f"Back-up geschreven: {file} ({_summary(manifest, not without_accounts)}).")


def _source(name: str, manifest: Manifest) -> str:
    """The backup as the log names it: file, date and the store it was made from."""
    made = manifest.created_at.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%d-%m-%Y %H:%M")
    return f"back-up {name} van {made} ({manifest.backend})"


@app.command("restore")
def restore(
    file: Annotated[
        Path,
        typer.Argument(metavar="BESTAND", help="Het back-upbestand (ZIP)", dir_okay=False),
    ],
    replace: Annotated[
        bool,
        typer.Option("--vervang", help="Vervang alles wat nu in de database staat"),
    ] = False,
    without_accounts: WithoutAccounts = False,
    by: ByOption = "",
) -> None:
    """Herstel een back-up van 'wijknet backup' in een lege database (of met --vervang in
    plaats van wat er staat). Eerst wordt het hele bestand gecontroleerd; daarna wordt de
    database in één keer geschreven: alles of niets. Het logboek van elke wijk meldt wie
    de back-up herstelde, en welke. De accounts en de netwerkuitvragen komen daarna, elk
    ook in één keer."""
    config = settings()
    try:
        found = read_backup(file)
        rows = None if without_accounts else check_account_rows(found.extra)
        dump: RoundsDump | None = None if without_accounts else check_rounds_members(found.extra)
    except BackupError as exc:
        raise fail(exc.message) from None
    accounts: AccountStore | None = None
    rounds: RoundStore | None = None
    try:
        accounts = None if rows is None else open_accounts(config)
        part = None if accounts is None else accounts_part(accounts)
        rounds = None if accounts is None else rounds_part(accounts)
        if part is not None and not replace and part.holds_data():
            raise fail(f"Er is niets hersteld. {ACCOUNTS_NOT_EMPTY}")
        if rounds is not None and not replace and rounds.list_rounds():
            raise fail(f"Er is niets hersteld. {ROUNDS_IN_PLACE}")
        with store_from_settings(config) as store:
            backend = store.backend
            try:
                store.import_all(
                    found.store,
                    replace=replace,
                    by=by or default_by(),
                    source=_source(file.name, found.manifest),
                )
            except Conflict as exc:
                if not replace and exc.message == NOT_EMPTY:
                    raise fail(
                        "De database is niet leeg; er is niets hersteld. Geef --vervang om "
                        "alles wat er nu in staat te vervangen door de back-up."
                    ) from None
                raise
        if part is not None and rows is not None:
            try:
                part.import_backup(rows, replace=replace)
            except WijknetError as exc:
                raise fail(
                    "De database is hersteld, maar de accounts en de netwerkuitvragen niet: "
                    f"{exc.message} Herstel nog eens met --vervang."
                ) from None
        if rounds is not None and dump is not None:
            try:
                rounds.import_all(dump, replace=replace)
            except WijknetError as exc:
                raise fail(
                    "De database en de accounts zijn hersteld, maar de netwerkuitvragen niet: "
                    f"{exc.message} Herstel nog eens met --vervang."
                ) from None
    except WijknetError as exc:
        raise fail(f"Er is niets hersteld: {exc.message}") from None
    finally:
        if rounds is not None:
            rounds.close()
        if accounts is not None:
            accounts.close()
    typer.echo(f"Back-up hersteld in {backend}: {_summary(found.manifest, rows is not None)}.")
