"""Accounts, roles and API tokens.

Roles:

- ``lezer``: reads everything except personal contact details;
- ``wijkmakelaar``: also writes, but only in the wijken assigned to the account;
- ``beheer``: everything, including accounts, erasure and the audit log.

Passwords are stored as argon2 hashes; API tokens as SHA-256 digests (the token itself is
shown once). After ``max_failed`` wrong passwords an account is locked for a while.
Wrong passwords for names without an account are counted and locked out the same way (by
the name's digest, in a table of bounded size), so the login answer never tells whether
an account exists.
With the graph in Neo4j, ``api.shared.neo4j_accounts.Neo4jAccountStore`` keeps all of this
in Neo4j instead, with the same behaviour (``api.shared`` chooses from the settings).
Otherwise accounts live in a small SQLite file of their own (``WIJKNET_ACCOUNTS_DATABASE``); when
another writer keeps that file locked longer than ``busy_timeout`` seconds, or it cannot be
used at all, the store raises ``StoreUnavailable``.

Web sessions live in the same file: the browser holds a random session token (in an
HttpOnly cookie), the store keeps only its digest, the account (none before login) and a
per-session CSRF secret. Form tokens are HMACs of that secret, so the secret itself never
leaves the server; logging in always starts a fresh session.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from pydantic import BaseModel, Field

from graph.errors import Conflict, FieldError, InvalidData, NotFound, StoreUnavailable
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
CREATE TABLE IF NOT EXISTS login_failures (
    key TEXT PRIMARY KEY,
    failed INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    last_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_last ON login_failures (last_at);
"""

USERNAME_RE = r"^[a-z0-9][a-z0-9._-]{1,39}$"

BUSY_TIMEOUT_S = 2.0
"""How long a request waits for another writer of the accounts file before it gives up.
Every write here is one short statement, so a longer wait means something holds the file."""

MAX_UNKNOWN_NAMES = 10_000
"""How many names without an account the failed-login counter remembers (newest first)."""


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


def _login_key(username: str) -> str:
    """The key of a name in ``login_failures``: a digest, never the typed name itself."""
    return _digest("login:" + username)


def _wijk_errors(wijken: Iterable[str], known_wijken: Iterable[str] | None) -> list[FieldError]:
    """A refusal of the wijken that are not in ``known_wijken`` (no check when None)."""
    if known_wijken is None:
        return []
    unknown = sorted(set(wijken) - set(known_wijken))
    if not unknown:
        return []
    names = ", ".join(unknown[:5]) + (f" en {len(unknown) - 5} andere" if len(unknown) > 5 else "")
    word = "Onbekende wijk" if len(unknown) == 1 else "Onbekende wijken"
    return [FieldError("wijken", f"{word}: {names}. Kies bestaande wijken.", "unknown_wijk")]


def _is_unavailable(exc: sqlite3.Error) -> bool:
    """Locked, busy, unreadable or not a database; not our own mistakes (bad SQL aside)."""
    return isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError


class _Database:
    """The accounts file's connection: a locked or unusable file raises ``StoreUnavailable``
    (constraint violations stay ``sqlite3.IntegrityError`` for the caller)."""

    def __init__(self, conn: sqlite3.Connection, busy_timeout: float) -> None:
        self.conn = conn
        self.busy_timeout = busy_timeout

    def _unavailable(self, exc: sqlite3.Error) -> StoreUnavailable:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return StoreUnavailable(
                "The accounts database stayed locked by another writer for "
                f"{self.busy_timeout:g} s; try again in a moment."
            )
        return StoreUnavailable(f"The accounts database cannot be used: {text}")

    def execute(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Cursor:
        try:
            return self.conn.execute(sql, params)
        except sqlite3.Error as exc:
            if not _is_unavailable(exc):
                raise
            raise self._unavailable(exc) from None

    def executescript(self, sql: str) -> None:
        try:
            self.conn.executescript(sql)
        except sqlite3.Error as exc:
            if not _is_unavailable(exc):
                raise
            raise self._unavailable(exc) from None

    def close(self) -> None:
        self.conn.close()


class AccountStore:
    """Accounts in one SQLite file; safe to share between threads."""

    def __init__(
        self,
        path: str,
        *,
        max_failed: int = 5,
        lockout_minutes: int = 15,
        hasher: PasswordHasher | None = None,
        busy_timeout: float = BUSY_TIMEOUT_S,
        max_unknown_names: int = MAX_UNKNOWN_NAMES,
    ) -> None:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.busy_timeout = busy_timeout
        try:
            conn = sqlite3.connect(
                path, timeout=busy_timeout, check_same_thread=False, isolation_level=None
            )
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"The accounts database cannot be opened: {exc}") from None
        self._conn = _Database(conn, busy_timeout)
        try:
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.executescript(_SCHEMA)
        except BaseException:
            conn.close()
            raise
        self._lock = threading.Lock()
        self._hasher = hasher or PasswordHasher()  # tests pass cheaper argon2 parameters
        self.max_failed = max_failed
        self.lockout = timedelta(minutes=lockout_minutes)
        self.max_unknown_names = max_unknown_names

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def transaction(self, begin: str = "BEGIN IMMEDIATE") -> Iterator[None]:
        """One transaction on the accounts file, under the store's lock, for the tables that
        live beside the accounts (backups, the netwerkuitvraag): committed when the block
        ends, rolled back when it raises. ``BEGIN`` for a consistent read, ``BEGIN
        IMMEDIATE`` (the default) to write."""
        with self._locked():
            self._conn.execute(begin)
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the store's lock; give up like SQLite does when another request keeps it
        (it waits on a locked file), so requests do not queue up behind each other."""
        if not self._lock.acquire(timeout=self.busy_timeout):
            raise StoreUnavailable(
                f"The accounts database stayed busy for {self.busy_timeout:g} s; "
                "try again in a moment."
            )
        try:
            yield
        finally:
            self._lock.release()

    def _row_user(self, row: tuple[str, str, str]) -> User:
        username, role, wijken = row  # the role as stored: its text value
        return User.model_validate(
            {"username": username, "role": role, "wijken": [w for w in wijken.split(",") if w]}
        )

    def add_user(
        self,
        username: str,
        password: str,
        role: AccountRole | str,
        wijken: Iterable[str] = (),
        *,
        known_wijken: Iterable[str] | None = None,
    ) -> User:
        """Create an account; ``Conflict`` when the name is taken, ``InvalidData`` for a
        short password or a wijk outside ``known_wijken`` (the store's wijken)."""
        # validated like a form: a role given as text becomes an AccountRole, or a ValidationError
        user = User.model_validate(
            {"username": username, "role": role, "wijken": sorted(set(wijken))}
        )
        errors = _wijk_errors(user.wijken, known_wijken)
        if len(password) < 10:
            errors.insert(
                0,
                FieldError("password", "Kies een wachtwoord van minstens 10 tekens.", "too_short"),
            )
        if errors:
            raise InvalidData(errors)
        password_hash = self._hasher.hash(password)  # slow: outside the lock
        with self._locked():
            try:
                self._conn.execute(
                    "INSERT INTO users (username, password_hash, role, wijken) VALUES (?, ?, ?, ?)",
                    (user.username, password_hash, user.role.value, ",".join(user.wijken)),
                )
            except sqlite3.IntegrityError:
                raise Conflict(f"Account {username!r} already exists") from None
            self._conn.execute(
                "DELETE FROM login_failures WHERE key = ?", (_login_key(user.username),)
            )
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

    def set_role(
        self,
        username: str,
        role: AccountRole | str,
        wijken: list[str],
        *,
        known_wijken: Iterable[str] | None = None,
    ) -> User:
        """Change an account's role and wijken; ``NotFound`` for a name no account can
        have, ``InvalidData`` for a wijk outside ``known_wijken``."""
        if not isinstance(username, str) or not re.fullmatch(USERNAME_RE, username):
            raise NotFound(f"No account {username!r}")
        # validated like a form: a role given as text becomes an AccountRole, or a ValidationError
        user = User.model_validate(
            {"username": username, "role": role, "wijken": sorted(set(wijken))}
        )
        errors = _wijk_errors(user.wijken, known_wijken)
        if errors:
            raise InvalidData(errors)
        with self._locked():
            cur = self._conn.execute(
                "UPDATE users SET role = ?, wijken = ? WHERE username = ?",
                (user.role.value, ",".join(user.wijken), username),
            )
        if cur.rowcount == 0:
            raise NotFound(f"No account {username!r}")
        return user

    def delete_user(self, username: str) -> None:
        with self._locked():
            cur = self._conn.execute("DELETE FROM users WHERE username = ?", (username,))
        if cur.rowcount == 0:
            raise NotFound(f"No account {username!r}")

    def authenticate(self, username: str, password: str) -> User | None:
        """The user when the password is right and the account is not locked, else None.

        Every attempt is counted before the (slow) argon2 check, which runs outside the
        lock: parallel guesses cannot get past the limit, and checking a password never
        holds up other users of the store (the web app reads sessions through it).
        Attempts for names without an account are counted and locked out alike (see
        ``_count_unknown``), so neither the answer nor its timing tells them apart.
        """
        with self._locked():
            row = self._conn.execute(
                "SELECT password_hash, failed, locked_until FROM users WHERE username = ?",
                (username,),
            ).fetchone()
            if row is None and self._count_unknown(username):
                return None
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
        with self._locked():
            self._conn.execute(
                "UPDATE users SET failed = 0, locked_until = NULL WHERE username = ?", (username,)
            )
        return self.get_user(username)

    def _count_unknown(self, username: str) -> bool:
        """Count a failed login for a name without an account, as ``authenticate`` does for
        an account; True when the name is locked out (the attempt is then not counted).

        Only the name's digest is kept, in at most ``max_unknown_names`` rows (the newest);
        no account is created. Call with the store's lock held.
        """
        key = _login_key(username)
        now = utcnow()
        found = self._conn.execute(
            "SELECT failed, locked_until FROM login_failures WHERE key = ?", (key,)
        ).fetchone()
        failed, locked_until = found or (0, None)
        if locked_until and datetime.fromisoformat(locked_until) > now:
            return True
        failed += 1
        lock = (now + self.lockout).isoformat() if failed >= self.max_failed else None
        self._conn.execute(
            "INSERT INTO login_failures (key, failed, locked_until, last_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET failed = excluded.failed,"
            " locked_until = excluded.locked_until, last_at = excluded.last_at",
            (key, 0 if lock else failed, lock, now.isoformat()),
        )
        if found is None:  # a new row: forget expired lockouts and the oldest names
            self._conn.execute(
                "DELETE FROM login_failures WHERE failed = 0 AND locked_until < ?",
                (now.isoformat(),),
            )
            self._conn.execute(
                "DELETE FROM login_failures WHERE key IN (SELECT key FROM login_failures"
                " ORDER BY last_at DESC LIMIT -1 OFFSET ?)",
                (self.max_unknown_names,),
            )
        return False

    def is_locked(self, username: str) -> bool:
        """True while ``username`` is locked out, whether or not it has an account."""
        row = self._conn.execute(
            "SELECT locked_until FROM users WHERE username = ?", (username,)
        ).fetchone()
        if row is None:
            row = self._conn.execute(
                "SELECT locked_until FROM login_failures WHERE key = ?", (_login_key(username),)
            ).fetchone()
        return bool(row and row[0] and datetime.fromisoformat(row[0]) > utcnow())

    def create_token(self, username: str, label: str = "api") -> str:
        """A new API token for ``username``; only its digest is kept."""
        self.get_user(username)
        token = "wn_" + secrets.token_urlsafe(32)
        with self._locked():
            self._conn.execute(
                "INSERT INTO tokens (digest, username, label, created_at) VALUES (?, ?, ?, ?)",
                (_digest(token), username, label, utcnow().isoformat()),
            )
        return token

    def revoke_token(self, token: str) -> bool:
        """Forget an API token; False when it was not known."""
        with self._locked():
            cur = self._conn.execute("DELETE FROM tokens WHERE digest = ?", (_digest(token),))
        return cur.rowcount > 0

    def set_password(self, username: str, password: str) -> None:
        """Replace a password, unlock the account and end its sessions."""
        if len(password) < 10:
            raise InvalidData(
                [FieldError("password", "Kies een wachtwoord van minstens 10 tekens.", "too_short")]
            )
        password_hash = self._hasher.hash(password)  # slow: outside the lock
        with self._locked():
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
        with self._locked():
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
        with self._locked():
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
        with self._locked():
            self._conn.execute("DELETE FROM sessions WHERE digest = ?", (_digest(token),))

    def user_for_token(self, token: str) -> User | None:
        row = self._conn.execute(
            "SELECT u.username, u.role, u.wijken FROM tokens t JOIN users u USING (username)"
            " WHERE t.digest = ?",
            (_digest(token),),
        ).fetchone()
        return self._row_user(row) if row else None
