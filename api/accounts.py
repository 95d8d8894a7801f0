"""Accounts, roles and API tokens.

Roles:

- ``lezer``: reads everything except personal contact details;
- ``wijkmakelaar``: also writes, but only in the wijken assigned to the account;
- ``beheer``: everything, including accounts, erasure and the audit log.

Passwords are stored as argon2 hashes; API tokens as SHA-256 digests (the token itself is
shown once). After ``max_failed`` wrong passwords an account is locked for a while.
Accounts live in a small SQLite file of their own (``WIJKNET_ACCOUNTS_DATABASE``).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from pydantic import BaseModel, Field

from graph.errors import Conflict, FieldError, InvalidData, NotFound
from graph.model import utcnow

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    wijken TEXT NOT NULL DEFAULT '',
    failed INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT
);
CREATE TABLE IF NOT EXISTS tokens (
    digest TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"""

USERNAME_RE = r"^[a-z0-9][a-z0-9._-]{1,39}$"


class AccountRole(str, Enum):
    LEZER = "lezer"
    WIJKMAKELAAR = "wijkmakelaar"
    BEHEER = "beheer"


class User(BaseModel):
    """A logged-in account as the rest of the app sees it."""

    username: str = Field(pattern=USERNAME_RE)
    role: AccountRole
    wijken: list[str] = Field(default_factory=list)

    @property
    def may_see_contact(self) -> bool:
        return self.role is not AccountRole.LEZER

    def may_write_in(self, wijken: set[str] | list[str]) -> bool:
        """Beheer writes anywhere; a wijkmakelaar only where every wijk is assigned."""
        if self.role is AccountRole.BEHEER:
            return True
        if self.role is AccountRole.WIJKMAKELAAR:
            return bool(wijken) and set(wijken) <= set(self.wijken)
        return False

    def may_write_any(self, wijken: set[str] | list[str]) -> bool:
        """True when the account may write in at least one of ``wijken``."""
        return self.role is AccountRole.BEHEER or (
            self.role is AccountRole.WIJKMAKELAAR and bool(set(wijken) & set(self.wijken))
        )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccountStore:
    """Accounts in one SQLite file; safe to share between threads."""

    def __init__(self, path: str, *, max_failed: int = 5, lockout_minutes: int = 15) -> None:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._conn.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self._hasher = PasswordHasher()
        self.max_failed = max_failed
        self.lockout = timedelta(minutes=lockout_minutes)

    def close(self) -> None:
        self._conn.close()

    def _row_user(self, row: tuple) -> User:
        username, role, wijken = row
        return User(username=username, role=role, wijken=[w for w in wijken.split(",") if w])

    def add_user(
        self, username: str, password: str, role: AccountRole | str, wijken: list[str] = ()
    ) -> User:
        """Create an account; ``Conflict`` when the name is taken."""
        user = User(username=username, role=role, wijken=sorted(set(wijken)))
        if len(password) < 10:
            raise InvalidData(
                [FieldError("password", "Kies een wachtwoord van minstens 10 tekens.", "too_short")]
            )
        with self._lock:
            try:
                self._conn.execute(
                    "INSERT INTO users (username, password_hash, role, wijken) VALUES (?, ?, ?, ?)",
                    (user.username, self._hasher.hash(password), user.role.value, ",".join(user.wijken)),
                )
            except sqlite3.IntegrityError:
                raise Conflict(f"Account {username!r} already exists") from None
        return user

    def get_user(self, username: str) -> User:
        row = self._conn.execute(
            "SELECT username, role, wijken FROM users WHERE username = ?", (username,)
        ).fetchone()
        if row is None:
            raise NotFound(f"No account {username!r}")
        return self._row_user(row)

    def list_users(self) -> list[User]:
        rows = self._conn.execute("SELECT username, role, wijken FROM users ORDER BY username")
        return [self._row_user(r) for r in rows]

    def set_role(self, username: str, role: AccountRole | str, wijken: list[str]) -> User:
        user = User(username=username, role=role, wijken=sorted(set(wijken)))
        with self._lock:
            cur = self._conn.execute(
                "UPDATE users SET role = ?, wijken = ? WHERE username = ?",
                (user.role.value, ",".join(user.wijken), username),
            )
        if cur.rowcount == 0:
            raise NotFound(f"No account {username!r}")
        return user

    def delete_user(self, username: str) -> None:
        with self._lock:
            cur = self._conn.execute("DELETE FROM users WHERE username = ?", (username,))
        if cur.rowcount == 0:
            raise NotFound(f"No account {username!r}")

    def authenticate(self, username: str, password: str) -> User | None:
        """The user when the password is right and the account is not locked, else None."""
        with self._lock:
            row = self._conn.execute(
                "SELECT password_hash, failed, locked_until FROM users WHERE username = ?",
                (username,),
            ).fetchone()
            if row is None:
                self._hasher.hash(password)  # same work whether or not the name exists
                return None
            password_hash, failed, locked_until = row
            now = utcnow()
            if locked_until and datetime.fromisoformat(locked_until) > now:
                return None
            try:
                self._hasher.verify(password_hash, password)
            except VerificationError:
                failed += 1
                lock = (now + self.lockout).isoformat() if failed >= self.max_failed else None
                self._conn.execute(
                    "UPDATE users SET failed = ?, locked_until = ? WHERE username = ?",
                    (0 if lock else failed, lock, username),
                )
                return None
            self._conn.execute(
                "UPDATE users SET failed = 0, locked_until = NULL WHERE username = ?", (username,)
            )
        return self.get_user(username)

    def is_locked(self, username: str) -> bool:
        row = self._conn.execute(
            "SELECT locked_until FROM users WHERE username = ?", (username,)
        ).fetchone()
        return bool(row and row[0] and datetime.fromisoformat(row[0]) > utcnow())

    def create_token(self, username: str, label: str = "api") -> str:
        """A new API token for ``username``; only its digest is kept."""
        self.get_user(username)
        token = "wn_" + secrets.token_urlsafe(32)
        with self._lock:
            self._conn.execute(
                "INSERT INTO tokens (digest, username, label, created_at) VALUES (?, ?, ?, ?)",
                (_digest(token), username, label, utcnow().isoformat()),
            )
        return token

    def user_for_token(self, token: str) -> User | None:
        row = self._conn.execute(
            "SELECT u.username, u.role, u.wijken FROM tokens t JOIN users u USING (username)"
            " WHERE t.digest = ?",
            (_digest(token),),
        ).fetchone()
        return self._row_user(row) if row else None
