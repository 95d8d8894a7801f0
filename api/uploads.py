"""Uploaded files waiting between the import preview and its confirmation.

The upload page plans the import of the files and shows the preview; the confirmation must
import exactly those files. Their bytes are kept on the server under a random token (never
in the browser), bound to the session that uploaded them, and expire after ``minutes``.
After the import only the result is kept (for the confirmation page), not the files.

Layout: ``folder/<token>/meta.json``, ``folder/<token>/<n>`` (the files) and, once the
user chose one, ``folder/<token>/mapping.json`` (the import mapping, written atomically).
The metadata is written last and atomically, so a half-written upload is never seen.
Without a folder (``WIJKNET_UPLOAD_DIR``) a private temporary folder is made, removed when
the process ends; set the folder when several server processes share the work. With the
graph in Neo4j the uploads wait in Neo4j instead (``api.shared.neo4j_uploads``), so any app
process can confirm what another one previewed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

MINUTES = 60
"""How long an upload waits for its confirmation."""

PER_OWNER = 5
"""At most this many pending uploads per session; an older one makes way for a new one."""

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


def owner_key(session_token: str, username: str) -> str:
    """Who an upload belongs to: the session (its token's digest) and the account."""
    return hashlib.sha256(f"{session_token}\x00{username}".encode()).hexdigest()


@dataclass
class Pending:
    """One upload: its files, the wijk it was uploaded for, and the result once imported."""

    token: str
    wijk: str
    names: list[str]
    created: float
    folder: Path | None
    """Where the files are on disk; None when they are kept elsewhere (``loader``)."""
    result: dict[str, Any] | None = None
    mapping: dict[str, Any] | None = None
    """The mapping the user chose or edited on the preview (``ImportMapping`` as JSON)."""
    loader: Callable[[], list[bytes]] | None = None
    """Reads the files' bytes when they are not in ``folder`` (the Neo4j uploads)."""

    def files(self) -> list[tuple[str, bytes]]:
        if self.loader is not None:
            return list(zip(self.names, self.loader(), strict=True))
        assert self.folder is not None
        return [(name, (self.folder / str(i)).read_bytes()) for i, name in enumerate(self.names)]


class PendingUploads:
    """Uploaded files keyed by a random token, bound to their owner, expiring."""

    def __init__(
        self,
        folder: str | Path | None = None,
        *,
        minutes: int = MINUTES,
        per_owner: int = PER_OWNER,
    ) -> None:
        self._folder = Path(folder) if folder else None
        self._own = folder is None
        self.seconds = minutes * 60
        self.per_owner = per_owner
        self._lock = threading.Lock()

    @property
    def folder(self) -> Path:
        with self._lock:
            if self._folder is None:
                self._folder = Path(tempfile.mkdtemp(prefix="wijknet-uploads-"))
                weakref.finalize(self, shutil.rmtree, self._folder, ignore_errors=True)
            elif not self._folder.exists():
                self._folder.mkdir(parents=True, mode=0o700, exist_ok=True)
            return self._folder

    def add(self, owner: str, wijk: str, files: list[tuple[str, bytes]]) -> str:
        """Keep ``files`` for ``owner``; the token that finds them again."""
        self.sweep(owner)
        token = secrets.token_urlsafe(24)
        place = self.folder / token
        place.mkdir(mode=0o700)
        names = []
        for i, (name, data) in enumerate(files):
            (place / str(i)).write_bytes(data)
            names.append((PurePath(name).name or "bestand")[:200])
        self._write_meta(
            place,
            {"owner": owner, "wijk": wijk, "names": names, "created": time.time(), "result": None},
        )
        return token

    def get(self, token: str, owner: str) -> Pending | None:
        """The upload, when it exists, belongs to ``owner`` and has not expired."""
        meta = self._meta(token)
        if meta is None or not hmac.compare_digest(str(meta.get("owner")), owner):
            return None
        if time.time() - float(meta["created"]) > self.seconds:
            self.discard(token)
            return None
        return Pending(
            token,
            str(meta["wijk"]),
            list(meta["names"]),
            float(meta["created"]),
            self.folder / token,
            meta.get("result"),
            self._mapping(token),
        )

    def set_mapping(self, token: str, owner: str, data: dict[str, Any] | None) -> bool:
        """Keep ``data`` (an import mapping as JSON) with the upload; False when it is gone."""
        pending = self.get(token, owner)
        if pending is None or pending.folder is None:
            return False
        if data is None:
            (pending.folder / "mapping.json").unlink(missing_ok=True)
            return True
        temporary = pending.folder / "mapping.json.tmp"
        temporary.write_text(json.dumps(data), "utf-8")
        os.replace(temporary, pending.folder / "mapping.json")
        return True

    def _mapping(self, token: str) -> dict[str, Any] | None:
        try:
            data = json.loads((self.folder / token / "mapping.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def finish(self, pending: Pending, result: dict[str, Any]) -> None:
        """Keep the result of the import and drop the files (they were imported)."""
        meta = self._meta(pending.token)
        if meta is None or pending.folder is None:
            return
        for i in range(len(pending.names)):
            (pending.folder / str(i)).unlink(missing_ok=True)
        meta["result"] = result
        self._write_meta(pending.folder, meta)

    def discard(self, token: str) -> None:
        if _TOKEN.match(token):
            shutil.rmtree(self.folder / token, ignore_errors=True)

    def sweep(self, owner: str | None = None) -> None:
        """Remove expired uploads, and the oldest of ``owner``'s beyond ``per_owner - 1``."""
        mine: list[tuple[float, str]] = []
        for place in self.folder.iterdir():
            meta = self._meta(place.name)
            if meta is None:
                try:
                    stale = time.time() - place.stat().st_mtime > self.seconds
                except OSError:  # removed meanwhile by another process
                    continue
                if stale:
                    shutil.rmtree(place, ignore_errors=True)
                continue
            if time.time() - float(meta["created"]) > self.seconds:
                shutil.rmtree(place, ignore_errors=True)
            elif owner is not None and meta.get("owner") == owner:
                mine.append((float(meta["created"]), place.name))
        for _, token in sorted(mine)[: max(0, len(mine) - self.per_owner + 1)]:
            self.discard(token)

    def _meta(self, token: str) -> dict[str, Any] | None:
        if not _TOKEN.match(token):
            return None
        try:
            meta: dict[str, Any] = json.loads(
                (self.folder / token / "meta.json").read_text("utf-8")
            )
        except (OSError, ValueError):
            return None
        return meta

    @staticmethod
    def _write_meta(place: Path, meta: dict[str, Any]) -> None:
        temporary = place / "meta.json.tmp"
        temporary.write_text(json.dumps(meta), "utf-8")
        os.replace(temporary, place / "meta.json")
