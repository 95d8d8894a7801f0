"""Accounts, roles and API tokens.

Roles:

- ``lezer``: reads everything except personal contact details;
- ``wijkmakelaar``: also writes, but only in the wijken assigned to the account;
- ``beheer``: everything, including accounts, erasure and the audit log.

Passwords are stored as argon2 hashes; API tokens as SHA-256 digests (the token itself is
shown once). After ``max_failed`` wrong passwords an account is locked for a while.
Accounts live in a small SQLite file of their own (``WIJKNET_ACCOUNTS_DATABASE``).

Web sessions live in the same file: the browser holds a random session token (in an
HttpOnly cookie), the store keeps only its digest, the account (none before login) and a
per-session CSRF secret. Form tokens are HMACs of that secret, so the secret itself never
leaves the server; logging in always starts a fresh session.
"""

from __future__ import annotations

import hashlib
import hmac
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
CREATE TABLE IF NOT EXISTS sessions (
    digest TEXT PRIMARY KEY,
    username TEXT REFERENCES users(username) ON DELETE CASCADE,
    csrf_secret TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions (expires_at);
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


class Session(BaseModel):
    """A browser session: its account (None before login) and its CSRF secret."""

    user: User | None
    csrf_secret: str
    expires_at: datetime

    def csrf_token(self, purpose: str = "form") -> str:
        """The token forms carry; derived from the secret, never the secret itself."""
        mac = hmac.new(self.csrf_secret.encode(), purpose.encode(), hashlib.sha256)
        return mac.hexdigest()

    def check_csrf(self, token: str | None, purpose: str = "form") -> bool:
        """True when ``token`` is this session's token (constant-time comparison)."""
        if not token:
            return False
        return hmac.compare_digest(str(token).encode(), self.csrf_token(purpose).encode())


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccountStore:
    """Accounts in one SQLite file; safe to share between threads."""

    def __init__(
        self,
        path: str,
        *,
        max_failed: int = 5,
        lockout_minutes: int = 15,
        hasher: PasswordHasher | None = None,
    ) -> None:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._conn.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self._hasher = hasher or PasswordHasher()  # tests pass cheaper argon2 parameters
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
        password_hash = self._hasher.hash(password)  # slow: outside the lock
        with self._lock:
            try:
                self._conn.execute(
                    "INSERT INTO users (username, password_hash, role, wijken) VALUES (?, ?, ?, ?)",
                    (user.username, password_hash, user.role.value, ",".join(user.wijken)),
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
        """The user when the password is right and the account is not locked, else None.

        Every attempt is counted before the (slow) argon2 check, which runs outside the
        lock: parallel guesses cannot get past the limit, and checking a password never
        holds up other users of the store (the web app reads sessions through it).
        """
        with self._lock:
            row = self._conn.execute(
                "SELECT password_hash, failed, locked_until FROM users WHERE username = ?",
                (username,),
            ).fetchone()
            if row is not None:
                password_hash, failed, locked_until = row
                now = utcnow()
                if locked_until and datetime.fromisoformat(locked_until) > now:
                    return None
                failed += 1
                lock = (now + self.lockout).isoformat() if failed >= self.max_failed else None
                self._conn.execute(
                    "UPDATE users SET failed = ?, locked_until = ? WHERE username = ?",
                    (0 if lock else failed, lock, username),
                )
        if row is None:
            self._hasher.hash(password)  # same work whether or not the name exists
            return None
        try:
            self._hasher.verify(password_hash, password)
        except VerificationError:
            return None
        with self._lock:
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

    def set_password(self, username: str, password: str) -> None:
        """Replace a password, unlock the account and end its sessions."""
        if len(password) < 10:
            raise InvalidData(
                [FieldError("password", "Kies een wachtwoord van minstens 10 tekens.", "too_short")]
            )
        password_hash = self._hasher.hash(password)  # slow: outside the lock
        with self._lock:
            cur = self._conn.execute(
                "UPDATE users SET password_hash = ?, failed = 0, locked_until = NULL"
                " WHERE username = ?",
                (password_hash, username),
            )
            if cur.rowcount == 0:
                raise NotFound(f"No account {username!r}")
            self._conn.execute("DELETE FROM sessions WHERE username = ?", (username,))

    # -- web sessions --------------------------------------------------------------------
    def open_session(self, username: str | None = None, *, hours: float = 12) -> str:
        """Start a session (anonymous when ``username`` is None); returns its token."""
        token = secrets.token_urlsafe(32)
        now = utcnow()
        with self._lock:
            self._conn.execute("DELETE FROM sessions WHERE expires_at < ?", (now.isoformat(),))
            self._conn.execute(
                "INSERT INTO sessions (digest, username, csrf_secret, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    _digest(token),
                    username,
                    secrets.token_hex(32),
                    now.isoformat(),
                    (now + timedelta(hours=hours)).isoformat(),
                ),
            )
        return token

    def get_session(self, token: str) -> Session | None:
        """The live session of ``token`` with its account, or None (unknown or expired)."""
        with self._lock:
            row = self._conn.execute(
                "SELECT s.csrf_secret, s.expires_at, s.username, u.username, u.role, u.wijken"
                " FROM sessions s LEFT JOIN users u USING (username) WHERE s.digest = ?",
                (_digest(token),),
            ).fetchone()
        if row is None:
            return None
        secret, expires_at, session_user, username, role, wijken = row
        expires = datetime.fromisoformat(expires_at)
        if expires < utcnow() or (session_user is not None and username is None):
            return None
        user = self._row_user((username, role, wijken)) if username else None
        return Session(user=user, csrf_secret=secret, expires_at=expires)

    def end_session(self, token: str) -> None:
        """Forget a session (logout); unknown tokens are ignored."""
        with self._lock:
            self._conn.execute("DELETE FROM sessions WHERE digest = ?", (_digest(token),))

    def user_for_token(self, token: str) -> User | None:
        row = self._conn.execute(
            "SELECT u.username, u.role, u.wijken FROM tokens t JOIN users u USING (username)"
            " WHERE t.digest = ?",
            (_digest(token),),
        ).fetchone()
        return self._row_user(row) if row else None
