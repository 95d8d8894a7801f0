"""Settings from ``WIJKNET_…`` environment variables, with working embedded defaults."""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import Field, SecretStr, model_validator
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

    smtp_host: str | None = Field(
        None,
        description="SMTP server that sends the netwerkuitvraag's invitations and reminders "
        "(unset: no mail; the links are handed out as a CSV/XLSX file)",
    )
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_user: str | None = Field(None, description="Log in to the SMTP server as this user")
    smtp_password: SecretStr | None = Field(None, description="The SMTP user's password")
    smtp_from: str | None = Field(
        None,
        description="The sender of the invitations, e.g. 'Wijknet <wijknet@example.nl>' "
        "(required with an SMTP host)",
    )
    smtp_security: Literal["starttls", "ssl", "none"] = Field(
        "starttls",
        description="'starttls' (port 587), 'ssl' (port 465) or 'none' (a relay on the "
        "same machine or network only)",
    )
    smtp_timeout: float = Field(10, gt=0, description="Seconds to wait for the SMTP server")
    base_url: str | None = Field(
        None,
        description="The public address of the site, used in links that leave it "
        "(e.g. https://wijknet.example.nl); unset: the address of the request",
    )

    @model_validator(mode="after")
    def _check_mail_and_links(self) -> Settings:
        if self.smtp_host and not self.smtp_from:
            raise ValueError(
                "WIJKNET_SMTP_FROM is required when WIJKNET_SMTP_HOST is set: the address "
                "the invitations are sent from"
            )
        if self.smtp_from and any(ch in self.smtp_from for ch in "\r\n"):
            raise ValueError("WIJKNET_SMTP_FROM must be one line")
        if self.base_url is not None and not self.base_url.strip():
            self.base_url = None  # set but empty, as a compose file passes an unset variable
        if self.base_url is not None:
            if not self.base_url.startswith(("https://", "http://")):
                raise ValueError(
                    "WIJKNET_BASE_URL must start with https:// (or http://), e.g. "
                    "https://wijknet.example.nl"
                )
            self.base_url = self.base_url.rstrip("/") or None
        return self

    def store_auth(self) -> tuple[str, str] | None:
        if self.neo4j_user is None:
            return None
        return (self.neo4j_user, self.neo4j_password or "")
