"""Accounts, API tokens, web sessions and login throttling in Neo4j.

The same behaviour as ``api.accounts.AccountStore`` (whose SQLite file it replaces when the
graph lives in Neo4j), so several app processes share one set of accounts and sessions::

    (:Account {username, password_hash, role, wijken, failed, locked_until})
    (:ApiToken {digest, username, label, created_at})
    (:Session {digest, username, csrf_secret, created_at, expires})
    (:LoginFailure {key, failed, locked_until, last_at})

Times are seconds since the epoch (UTC), so Cypher compares them as numbers. Expired
sessions are refused on read and removed by the next session that opens; lockouts end when
their time has passed. Every write is one transaction: a failed login is counted with the
account node locked (``SET a._lock``), so parallel guesses cannot get past the limit.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from neo4j import ManagedTransaction

from api.accounts import (
    MAX_UNKNOWN_NAMES,
    USERNAME_RE,
    AccountRole,
    AccountStore,
    Session,
    User,
    _digest,
    _login_key,
    _wijk_errors,
)
from api.shared.neo4j_db import SharedNeo4j
from graph.errors import Conflict, FieldError, InvalidData, NotFound
from graph.model import utcnow

SWEEP_BATCH = 1000
"""At most this many expired sessions are removed by one write."""


def _now() -> float:
    return utcnow().timestamp()


def _user(record: Any) -> User:
    return User.model_validate(
        {
            "username": record["username"],
            "role": record["role"],
            "wijken": list(record["wijken"] or []),
        }
    )


def _short_password() -> InvalidData:
    return InvalidData(
        [FieldError("password", "Kies een wachtwoord van minstens 10 tekens.", "too_short")]
    )


class Neo4jAccountStore(AccountStore):
    """``AccountStore`` on the Neo4j server of the graph; safe to share between threads."""

    def __init__(
        self,
        db: SharedNeo4j,
        *,
        max_failed: int = 5,
        lockout_minutes: int = 15,
        hasher: PasswordHasher | None = None,
        max_unknown_names: int = MAX_UNKNOWN_NAMES,
        own_db: bool = False,
    ) -> None:
        # no SQLite file: none of AccountStore's own storage is set up
        self.db = db
        self._own_db = own_db
        self._hasher = hasher or PasswordHasher()
        self.max_failed = max_failed
        self.lockout = timedelta(minutes=lockout_minutes)
        self.max_unknown_names = max_unknown_names
        self.busy_timeout = 0.0

    def close(self) -> None:
        if self._own_db:
            self.db.close()

    # -- accounts ------------------------------------------------------------------------

    def add_user(
        self,
        username: str,
        password: str,
        role: AccountRole | str,
        wijken: Iterable[str] = (),
        *,
        known_wijken: Iterable[str] | None = None,
    ) -> User:
        user = User.model_validate(
            {"username": username, "role": role, "wijken": sorted(set(wijken))}
        )
        errors = _wijk_errors(user.wijken, known_wijken)
        if len(password) < 10:
            errors.insert(0, _short_password().errors[0])
        if errors:
            raise InvalidData(errors)
        password_hash = self._hasher.hash(password)

        def work(t: ManagedTransaction) -> bool:
            created = t.run(
                "MERGE (a:Account {username: $username})"
                " ON CREATE SET a.password_hash = $hash, a.role = $role, a.wijken = $wijken,"
                " a.failed = 0, a.locked_until = null, a._new = true"
                " WITH a, coalesce(a._new, false) AS created REMOVE a._new"
                " RETURN created",
                username=user.username,
                hash=password_hash,
                role=user.role.value,
                wijken=user.wijken,
            ).single(strict=True)["created"]
            if created:
                t.run("MATCH (f:LoginFailure {key: $key}) DELETE f", key=_login_key(username))
            return bool(created)

        if not self.db.write(work):
            raise Conflict(f"Account {username!r} already exists")
        return user

    def get_user(self, username: str) -> User:
        def work(t: ManagedTransaction) -> User | None:
            record = t.run(
                "MATCH (a:Account {username: $username})"
                " RETURN a.username AS username, a.role AS role, a.wijken AS wijken",
                username=username,
            ).single()
            return _user(record) if record else None

        found = self.db.read(work)
        if found is None:
            raise NotFound(f"No account {username!r}")
        return found

    def list_users(self) -> list[User]:
        def work(t: ManagedTransaction) -> list[User]:
            result = t.run(
                "MATCH (a:Account) RETURN a.username AS username, a.role AS role,"
                " a.wijken AS wijken ORDER BY a.username"
            )
            return [_user(r) for r in result]

        return self.db.read(work)

    def set_role(
        self,
        username: str,
        role: AccountRole | str,
        wijken: list[str],
        *,
        known_wijken: Iterable[str] | None = None,
    ) -> User:
        if not isinstance(username, str) or not re.fullmatch(USERNAME_RE, username):
            raise NotFound(f"No account {username!r}")
        user = User.model_validate(
            {"username": username, "role": role, "wijken": sorted(set(wijken))}
        )
        errors = _wijk_errors(user.wijken, known_wijken)
        if errors:
            raise InvalidData(errors)

        def work(t: ManagedTransaction) -> bool:
            found = t.run(
                "MATCH (a:Account {username: $username}) SET a.role = $role, a.wijken = $wijken"
                " RETURN count(a) AS n",
                username=username,
                role=user.role.value,
                wijken=user.wijken,
            ).single(strict=True)["n"]
            return bool(found)

        if not self.db.write(work):
            raise NotFound(f"No account {username!r}")
        return user

    def delete_user(self, username: str) -> None:
        """Remove the account with its API tokens and sessions, in one transaction."""

        def work(t: ManagedTransaction) -> bool:
            found = t.run(
                "MATCH (a:Account {username: $username}) DELETE a RETURN count(*) AS n",
                username=username,
            ).single(strict=True)["n"]
            if found:
                t.run("MATCH (x:ApiToken {username: $username}) DELETE x", username=username)
                t.run("MATCH (x:Session {username: $username}) DELETE x", username=username)
            return bool(found)

        if not self.db.write(work):
            raise NotFound(f"No account {username!r}")

    # -- logging in ----------------------------------------------------------------------

    def _lock_until(self, failed: int, now: float) -> float | None:
        return now + self.lockout.total_seconds() if failed >= self.max_failed else None

    def authenticate(self, username: str, password: str) -> User | None:
        """As ``AccountStore.authenticate``: the attempt is counted (in one transaction,
        the account locked) before the slow argon2 check; names without an account are
        counted and locked out alike."""
        now = _now()

        def count(t: ManagedTransaction) -> tuple[bool, str | None]:
            record = t.run(
                "MATCH (a:Account {username: $username}) SET a._lock = true REMOVE a._lock"
                " RETURN a.password_hash AS hash, a.failed AS failed,"
                " a.locked_until AS locked_until",
                username=username,
            ).single()
            if record is None:
                return self._count_unknown_in(t, username, now), None
            if record["locked_until"] is not None and record["locked_until"] > now:
                return True, None
            failed = int(record["failed"] or 0) + 1
            lock = self._lock_until(failed, now)
            t.run(
                "MATCH (a:Account {username: $username})"
                " SET a.failed = $failed, a.locked_until = $lock",
                username=username,
                failed=0 if lock else failed,
                lock=lock,
            )
            return False, str(record["hash"])

        locked, password_hash = self.db.write(count)
        if password_hash is None:
            if not locked:
                self._hasher.hash(password)  # same work whether or not the name exists
            return None
        try:
            self._hasher.verify(password_hash, password)
        except VerificationError:
            return None

        def reset(t: ManagedTransaction) -> None:
            t.run(
                "MATCH (a:Account {username: $username}) SET a.failed = 0, a.locked_until = null",
                username=username,
            )

        self.db.write(reset)
        return self.get_user(username)

    def _count_unknown_in(self, t: ManagedTransaction, username: str, now: float) -> bool:
        """Count a failed login for a name without an account (by its digest, in at most
        ``max_unknown_names`` nodes); True when it is locked out (then not counted)."""
        record = t.run(
            "MERGE (f:LoginFailure {key: $key})"
            " ON CREATE SET f.failed = 0, f.locked_until = null, f.last_at = $now, f._new = true"
            " SET f._lock = true REMOVE f._lock"
            " WITH f, coalesce(f._new, false) AS created REMOVE f._new"
            " RETURN f.failed AS failed, f.locked_until AS locked_until, created",
            key=_login_key(username),
            now=now,
        ).single(strict=True)
        if record["locked_until"] is not None and record["locked_until"] > now:
            return True
        failed = int(record["failed"] or 0) + 1
        lock = self._lock_until(failed, now)
        t.run(
            "MATCH (f:LoginFailure {key: $key})"
            " SET f.failed = $failed, f.locked_until = $lock, f.last_at = $now",
            key=_login_key(username),
            failed=0 if lock else failed,
            lock=lock,
            now=now,
        )
        if record["created"]:  # a new name: forget ended lockouts and the oldest names
            t.run(
                "MATCH (f:LoginFailure) WHERE f.failed = 0 AND f.locked_until < $now"
                " WITH f LIMIT $batch DELETE f",
                now=now,
                batch=SWEEP_BATCH,
            )
            t.run(
                "MATCH (f:LoginFailure) WITH f ORDER BY f.last_at DESC SKIP $keep"
                " LIMIT $batch DELETE f",
                keep=self.max_unknown_names,
                batch=SWEEP_BATCH,
            )
        return False

    def is_locked(self, username: str) -> bool:
        def work(t: ManagedTransaction) -> Any:
            record = t.run(
                "OPTIONAL MATCH (a:Account {username: $username})"
                " OPTIONAL MATCH (f:LoginFailure {key: $key})"
                " RETURN CASE WHEN a IS NULL THEN f.locked_until ELSE a.locked_until END"
                " AS locked_until",
                username=username,
                key=_login_key(username),
            ).single()
            return record["locked_until"] if record else None

        locked_until = self.db.read(work)
        return locked_until is not None and locked_until > _now()

    # -- API tokens ----------------------------------------------------------------------

    def create_token(self, username: str, label: str = "api") -> str:
        token = "wn_" + secrets.token_urlsafe(32)

        def work(t: ManagedTransaction) -> bool:
            record = t.run(
                "MATCH (a:Account {username: $username})"
                " CREATE (x:ApiToken {digest: $digest, username: $username, label: $label,"
                " created_at: $at}) RETURN count(x) AS n",
                username=username,
                digest=_digest(token),
                label=label,
                at=utcnow().isoformat(),
            ).single(strict=True)
            return bool(record["n"])

        if not self.db.write(work):
            raise NotFound(f"No account {username!r}")
        return token

    def revoke_token(self, token: str) -> bool:
        def work(t: ManagedTransaction) -> bool:
            record = t.run(
                "MATCH (x:ApiToken {digest: $digest}) DELETE x RETURN count(*) AS n",
                digest=_digest(token),
            ).single(strict=True)
            return bool(record["n"])

        return self.db.write(work)

    def user_for_token(self, token: str) -> User | None:
        def work(t: ManagedTransaction) -> User | None:
            record = t.run(
                "MATCH (x:ApiToken {digest: $digest}) MATCH (a:Account {username: x.username})"
                " RETURN a.username AS username, a.role AS role, a.wijken AS wijken",
                digest=_digest(token),
            ).single()
            return _user(record) if record else None

        return self.db.read(work)

    def set_password(self, username: str, password: str) -> None:
        if len(password) < 10:
            raise _short_password()
        password_hash = self._hasher.hash(password)

        def work(t: ManagedTransaction) -> bool:
            found = t.run(
                "MATCH (a:Account {username: $username})"
                " SET a.password_hash = $hash, a.failed = 0, a.locked_until = null"
                " RETURN count(a) AS n",
                username=username,
                hash=password_hash,
            ).single(strict=True)["n"]
            if found:
                t.run("MATCH (s:Session {username: $username}) DELETE s", username=username)
            return bool(found)

        if not self.db.write(work):
            raise NotFound(f"No account {username!r}")

    # -- web sessions --------------------------------------------------------------------

    def open_session(self, username: str | None = None, *, hours: float = 12) -> str:
        token = secrets.token_urlsafe(32)
        now = _now()

        def work(t: ManagedTransaction) -> None:
            t.run(
                "MATCH (s:Session) WHERE s.expires < $now WITH s LIMIT $batch DELETE s",
                now=now,
                batch=SWEEP_BATCH,
            )
            t.run(
                "CREATE (:Session {digest: $digest, username: $username, csrf_secret: $secret,"
                " created_at: $now, expires: $expires})",
                digest=_digest(token),
                username=username,
                secret=secrets.token_hex(32),
                now=now,
                expires=now + hours * 3600,
            )

        self.db.write(work)
        return token

    def get_session(self, token: str) -> Session | None:
        def work(t: ManagedTransaction) -> Any:
            return t.run(
                "MATCH (s:Session {digest: $digest})"
                " OPTIONAL MATCH (a:Account {username: s.username})"
                " RETURN s.csrf_secret AS secret, s.expires AS expires,"
                " s.username AS session_user, a.username AS username, a.role AS role,"
                " a.wijken AS wijken",
                digest=_digest(token),
            ).single()

        record = self.db.read(work)
        if record is None:
            return None
        expires = float(record["expires"])
        if expires < _now() or (record["session_user"] is not None and record["username"] is None):
            return None
        user = _user(record) if record["username"] else None
        return Session(
            user=user,
            csrf_secret=record["secret"],
            expires_at=datetime.fromtimestamp(expires, UTC),
        )

    def end_session(self, token: str) -> None:
        def work(t: ManagedTransaction) -> None:
            t.run("MATCH (s:Session {digest: $digest}) DELETE s", digest=_digest(token))

        self.db.write(work)

    # -- copying in (``wijknet accounts migrate``) -----------------------------------------

    def import_account(self, row: dict[str, Any]) -> bool:
        """Copy an account as it is (its password hash, role and wijken); False when an
        account of that name exists already (it is left as it is)."""

        def work(t: ManagedTransaction) -> bool:
            record = t.run(
                "MERGE (a:Account {username: $username})"
                " ON CREATE SET a.password_hash = $hash, a.role = $role, a.wijken = $wijken,"
                " a.failed = 0, a.locked_until = null, a._new = true"
                " WITH a, coalesce(a._new, false) AS created REMOVE a._new RETURN created",
                username=row["username"],
                hash=row["password_hash"],
                role=row["role"],
                wijken=list(row["wijken"]),
            ).single(strict=True)
            return bool(record["created"])

        return self.db.write(work)

    def import_token(self, row: dict[str, Any]) -> bool:
        """Copy an API token (its digest); False when it is there already."""

        def work(t: ManagedTransaction) -> bool:
            record = t.run(
                "MATCH (a:Account {username: $username})"
                " MERGE (x:ApiToken {digest: $digest})"
                " ON CREATE SET x.username = $username, x.label = $label,"
                " x.created_at = $at, x._new = true"
                " WITH x, coalesce(x._new, false) AS created REMOVE x._new RETURN created",
                username=row["username"],
                digest=row["digest"],
                label=row["label"],
                at=row["created_at"],
            ).single()
            return bool(record and record["created"])

        return self.db.write(work)
