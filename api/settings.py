"""Settings from ``WIJKNET_…`` environment variables, with working embedded defaults."""

from __future__ import annotations

from enum import Enum

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PublicRead(str, Enum):
    """What the JSON API shows to readers without a login (``WIJKNET_PUBLIC_READ``)."""

    NEE = "nee"
    """Nothing: every read needs a web session or an API token (the default)."""
    ORGANISATIES = "organisaties"
    """Wijken, organisations, initiatives and the links between them; never professionals."""


class Settings(BaseSettings):
    """Everything configurable; ``Settings()`` reads the environment."""

    model_config = SettingsConfigDict(env_prefix="WIJKNET_", extra="ignore")

    database: str = Field(
        "sqlite:///data/wijknet.db",
        description="Graph store URL: sqlite:///path.db or neo4j://host:7687",
    )
    neo4j_user: str | None = None
    neo4j_password: str | None = None
    accounts_database: str = Field(
        "data/accounts.db",
        description="SQLite file with accounts, sessions, API tokens and saved import "
        "mappings (with a Neo4j database these live in Neo4j and this file is not used)",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    stale_after_days: int = Field(365, ge=1, description="Unconfirmed for longer is 'stale'")
    max_failed_logins: int = Field(5, ge=1)
    lockout_minutes: int = Field(15, ge=1)
    session_hours: float = Field(12, gt=0, description="A web session ends after this long")
    upload_dir: str | None = Field(
        None,
        description="Folder for uploaded files between the import preview and its "
        "confirmation (default: a private temporary folder; set it when several server "
        "processes share the work; with a Neo4j database uploads wait in Neo4j)",
    )
    upload_max_mb: int = Field(
        64,
        ge=1,
        description="With a Neo4j database: at most this many MB of files per upload "
        "waiting for its confirmation",
    )
    cookie_secure: bool = Field(
        False, description="Send the session cookie over HTTPS only (set behind TLS)"
    )
    public_read: PublicRead = Field(
        PublicRead.NEE,
        description="What the JSON API shows without a login: 'nee' "
        "(nothing) or 'organisaties' (wijken, organisations, initiatives and the links "
        "between them; never professionals)",
    )

    kernaanpak_rules: str | None = Field(
        None,
        description="A TOML file with the kernaanpak rules (default: the packaged "
        "graph/analysis/kernaanpak_rules.toml)",
    )

    def store_auth(self) -> tuple[str, str] | None:
        if self.neo4j_user is None:
            return None
        return (self.neo4j_user, self.neo4j_password or "")
