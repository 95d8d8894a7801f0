"""Uploads waiting between the import preview and its confirmation, in Neo4j.

The same behaviour as ``api.uploads.PendingUploads`` (a folder of one process), shared by
every app process on the graph's Neo4j server::

    (:PendingUpload {token, owner, wijk, names, created, expires, size, result, mapping})
    (:PendingChunk {token, file, n, data})

The files' bytes are cut in chunks of ``CHUNK`` bytes (byte-array properties); one upload
holds at most ``max_bytes`` (``WIJKNET_UPLOAD_MAX_MB``). ``result`` and ``mapping`` are
JSON text. An expired upload is refused on read and removed by the next upload; after the
import only the result is kept, not the chunks.
"""

from __future__ import annotations

import hmac
import json
import secrets
import time
from pathlib import PurePath
from typing import Any

from neo4j import ManagedTransaction

from api.errors import WebError
from api.shared.neo4j_db import SharedNeo4j
from api.uploads import _TOKEN, MINUTES, PER_OWNER, Pending, PendingUploads

CHUNK = 1024 * 1024
"""The size of one stored piece of a file."""

MAX_MB = 64
"""The default limit of one upload (all its files together), in MiB."""

SWEEP_BATCH = 100
"""At most this many expired uploads are removed by one write."""


class Neo4jPendingUploads(PendingUploads):
    """``PendingUploads`` on the Neo4j server of the graph."""

    def __init__(
        self,
        db: SharedNeo4j,
        *,
        minutes: int = MINUTES,
        per_owner: int = PER_OWNER,
        max_bytes: int = MAX_MB * 1024 * 1024,
    ) -> None:
        # no folder: none of PendingUploads' own storage is set up
        self.db = db
        self.seconds = minutes * 60
        self.per_owner = per_owner
        self.max_bytes = max_bytes

    def add(self, owner: str, wijk: str, files: list[tuple[str, bytes]]) -> str:
        size = sum(len(data) for _, data in files)
        if size > self.max_bytes:
            raise WebError(
                413,
                "Bestanden te groot",
                f"De bestanden zijn samen groter dan {self.max_bytes // 2**20} MB. "
                "Kies minder of kleinere bestanden.",
            )
        token = secrets.token_urlsafe(24)
        names = [(PurePath(name).name or "bestand")[:200] for name, _ in files]
        chunks = [
            {"file": i, "n": n, "data": data[start : start + CHUNK]}
            for i, (_, data) in enumerate(files)
            for n, start in enumerate(range(0, max(len(data), 1), CHUNK))
        ]
        now = time.time()

        def work(t: ManagedTransaction) -> None:
            self._sweep_in(t, owner, now)
            t.run(
                "CREATE (:PendingUpload {token: $token, owner: $owner, wijk: $wijk,"
                " names: $names, created: $now, expires: $expires, size: $size})",
                token=token,
                owner=owner,
                wijk=wijk,
                names=names,
                now=now,
                expires=now + self.seconds,
                size=size,
            )
            t.run(
                "UNWIND $chunks AS c CREATE (:PendingChunk {token: $token, file: c.file,"
                " n: c.n, data: c.data})",
                token=token,
                chunks=chunks,
            )

        self.db.write(work)
        return token

    def get(self, token: str, owner: str) -> Pending | None:
        if not _TOKEN.match(token):
            return None

        def work(t: ManagedTransaction) -> Any:
            return t.run(
                "MATCH (p:PendingUpload {token: $token}) RETURN p.owner AS owner,"
                " p.wijk AS wijk, p.names AS names, p.created AS created,"
                " p.result AS result, p.mapping AS mapping",
                token=token,
            ).single()

        record = self.db.read(work)
        if record is None or not hmac.compare_digest(str(record["owner"]), owner):
            return None
        if time.time() - float(record["created"]) > self.seconds:
            self.discard(token)
            return None
        return Pending(
            token,
            str(record["wijk"]),
            list(record["names"]),
            float(record["created"]),
            None,
            _json(record["result"]),
            _json(record["mapping"]),
            loader=lambda: self._files(token, len(record["names"])),
        )

    def _files(self, token: str, count: int) -> list[bytes]:
        def work(t: ManagedTransaction) -> list[tuple[int, bytes]]:
            result = t.run(
                "MATCH (c:PendingChunk {token: $token}) RETURN c.file AS file, c.data AS data"
                " ORDER BY c.file, c.n",
                token=token,
            )
            return [(int(r["file"]), bytes(r["data"])) for r in result]

        parts: list[list[bytes]] = [[] for _ in range(count)]
        for file, data in self.db.read(work):
            parts[file].append(data)
        return [b"".join(p) for p in parts]

    def set_mapping(self, token: str, owner: str, data: dict[str, Any] | None) -> bool:
        if self.get(token, owner) is None:
            return False
        text = None if data is None else json.dumps(data)

        def work(t: ManagedTransaction) -> bool:
            record = t.run(
                "MATCH (p:PendingUpload {token: $token, owner: $owner}) SET p.mapping = $text"
                " RETURN count(p) AS n",
                token=token,
                owner=owner,
                text=text,
            ).single(strict=True)
            return bool(record["n"])

        return self.db.write(work)

    def finish(self, pending: Pending, result: dict[str, Any]) -> None:
        def work(t: ManagedTransaction) -> None:
            t.run(
                "MATCH (p:PendingUpload {token: $token}) SET p.result = $result",
                token=pending.token,
                result=json.dumps(result),
            )
            t.run("MATCH (c:PendingChunk {token: $token}) DELETE c", token=pending.token)

        self.db.write(work)

    def discard(self, token: str) -> None:
        if not _TOKEN.match(token):
            return

        def work(t: ManagedTransaction) -> None:
            t.run("MATCH (p:PendingUpload {token: $token}) DELETE p", token=token)
            t.run("MATCH (c:PendingChunk {token: $token}) DELETE c", token=token)

        self.db.write(work)

    def sweep(self, owner: str | None = None) -> None:
        now = time.time()
        self.db.write(lambda t: self._sweep_in(t, owner, now))

    def _sweep_in(self, t: ManagedTransaction, owner: str | None, now: float) -> None:
        """Remove expired uploads, and the oldest of ``owner``'s beyond ``per_owner - 1``."""
        t.run(
            "MATCH (p:PendingUpload) WHERE p.created < $oldest WITH p LIMIT $batch"
            " OPTIONAL MATCH (c:PendingChunk {token: p.token}) DETACH DELETE p, c",
            oldest=now - self.seconds,
            batch=SWEEP_BATCH,
        )
        if owner is not None:
            t.run(
                "MATCH (p:PendingUpload {owner: $owner}) WITH p ORDER BY p.created DESC"
                " SKIP $keep OPTIONAL MATCH (c:PendingChunk {token: p.token})"
                " DETACH DELETE p, c",
                owner=owner,
                keep=max(0, self.per_owner - 1),
            )


def _json(text: Any) -> dict[str, Any] | None:
    if not isinstance(text, str):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
