"""The app's state outside the graph: accounts, API tokens, web sessions, login throttling,
saved import mappings and uploads waiting for their confirmation.

Where it lives follows ``WIJKNET_DATABASE``, decided here and nowhere else:

- SQLite (the default): the accounts file ``WIJKNET_ACCOUNTS_DATABASE`` (accounts, tokens,
  sessions, throttling, mappings) and a folder for uploads (``WIJKNET_UPLOAD_DIR``); one
  app process, or several on one machine sharing the file and the folder.
- Neo4j: all of it in the graph's Neo4j server (``api.shared.neo4j_*``), so any number of
  app processes behind a proxy share logins, sessions and previews.

The interfaces are in ``api.shared.protocols``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from argon2 import PasswordHasher

from api.accounts import AccountStore
from api.mappings import MappingStore
from api.settings import Settings
from api.shared.neo4j_db import SharedNeo4j, is_neo4j_url
from api.uitvraag.store import RoundStore
from api.uploads import PendingUploads

if TYPE_CHECKING:
    from api.shared.protocols import Accounts, Mappings, Uploads

__all__ = ["SharedState", "is_neo4j_url", "open_accounts", "open_shared", "shared_for"]


@dataclass
class SharedState:
    accounts: AccountStore
    mappings: MappingStore
    uploads: PendingUploads
    rounds: RoundStore
    """The netwerkuitvraag's rounds (``api.uitvraag``), beside the accounts."""

    def close(self) -> None:
        self.accounts.close()


def open_accounts(settings: Settings, *, hasher: PasswordHasher | None = None) -> AccountStore:
    """The account store the settings name: in Neo4j with a Neo4j graph, else the file."""
    if is_neo4j_url(settings.database):
        from api.shared.neo4j_accounts import Neo4jAccountStore

        db = SharedNeo4j(settings.database, auth=settings.store_auth())
        return Neo4jAccountStore(
            db,
            max_failed=settings.max_failed_logins,
            lockout_minutes=settings.lockout_minutes,
            hasher=hasher,
            own_db=True,
        )
    return AccountStore(
        settings.accounts_database,
        max_failed=settings.max_failed_logins,
        lockout_minutes=settings.lockout_minutes,
        hasher=hasher,
    )


def shared_for(accounts: AccountStore, settings: Settings) -> SharedState:
    """The mappings and uploads beside ``accounts``, on the same backend."""
    from api.shared.neo4j_accounts import Neo4jAccountStore

    if isinstance(accounts, Neo4jAccountStore):
        from api.shared.neo4j_mappings import Neo4jMappingStore
        from api.shared.neo4j_uploads import Neo4jPendingUploads
        from api.uitvraag.neo4j import Neo4jRoundStore

        return SharedState(
            accounts,
            Neo4jMappingStore(accounts.db),
            Neo4jPendingUploads(accounts.db, max_bytes=settings.upload_max_mb * 2**20),
            Neo4jRoundStore(accounts.db),
        )
    from api.uitvraag.sqlite import SqliteRoundStore

    return SharedState(
        accounts,
        MappingStore(accounts),
        PendingUploads(settings.upload_dir),
        SqliteRoundStore(accounts),
    )


def open_shared(settings: Settings, *, hasher: PasswordHasher | None = None) -> SharedState:
    """Everything the settings name, opened (``close()`` closes it)."""
    return shared_for(open_accounts(settings, hasher=hasher), settings)


if TYPE_CHECKING:  # every implementation keeps its interface

    def _interfaces(
        a: AccountStore, m: MappingStore, u: PendingUploads
    ) -> tuple[Accounts, Mappings, Uploads]:
        return a, m, u
