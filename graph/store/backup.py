"""Backups of a store in one portable file, which either backend can restore.

A backup is a ZIP file with one JSON Lines member per kind of record and a manifest::

    manifest.json            format, format_version, wijknet_version, created_at, backend
                             and, per member, its number of lines and its SHA-256
    wijken.jsonl             one stored ``Wijk`` per line (``model_dump(mode="json")``)
    actors.jsonl             one stored ``Actor`` per line (contact details, confirmation)
    links.jsonl              one stored ``Link`` per line
    suggestion_steps.jsonl   {"n": …, "step": {…}}: every step of every suggested pair,
                             ordered by wijk, pair and ``n`` (the pair's order)
    audit.jsonl              one ``AuditEntry`` per line, by ``seq``
    counters.jsonl           {"counter": "wijk", "wijk": slug, "value": …} per wijk, and
                             {"counter": "audit", "value": …}: the last audit number
    accounts.jsonl, tokens.jsonl, mappings.jsonl, uitvraag_rounds.jsonl,
    uitvraag_invitations.jsonl, uitvraag_proposals.jsonl
                             what the caller adds (``extra``): the accounts file's
                             accounts, API token digests, saved import mappings and the
                             netwerkuitvraag (``api.uitvraag.backup``)

Lines are compact JSON with sorted keys, so the same store always gives the same members.
``read_backup`` checks everything before a caller writes anything: the manifest, that the
members are exactly those it lists, each member's SHA-256 and line count, every record
against its model, and the references between the records (``check_dump``); a refusal is a
``BackupError`` with a Dutch message.

The stores read everything in one read transaction (``GraphStore.export_all``) and write a
dump in one write transaction (``GraphStore.import_all``).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError

from graph.errors import WijknetError
from graph.model import Actor, AuditEntry, Link, SuggestionStep, Wijk, utcnow
from graph.store.common import dumps

if TYPE_CHECKING:
    from graph.store.base import GraphStore

FORMAT = "wijknet-backup"
FORMAT_VERSION = 1
"""The version of this layout; a reader refuses a later one."""
MANIFEST = "manifest.json"
STORE_MEMBERS = ("wijken", "actors", "links", "suggestion_steps", "audit", "counters")
"""The members every backup has, in the order they are written."""
MAX_MEMBER_BYTES = 4 * 1024**3
"""The largest member (uncompressed) a backup may hold."""
MAX_RATIO = 200
"""The largest compression ratio of a member (a sanity check against zip bombs)."""

NOT_EMPTY = (
    "De database is niet leeg: een back-up wordt alleen in een lege database hersteld, "
    "tenzij alles wat er nu in staat vervangen mag worden."
)
"""The refusal of ``import_all`` into a store that holds data, without ``replace``."""


class BackupError(WijknetError):
    """A backup file that cannot be read or restored; the message says why, in Dutch."""

    code = "invalid_backup"


class NumberedStep(BaseModel):
    """A step of a suggested pair with its number ``n`` in the pair's order."""

    model_config = ConfigDict(extra="forbid")

    n: int
    step: SuggestionStep


@dataclass
class StoreDump:
    """Everything a store holds, as one read transaction saw it."""

    wijken: list[Wijk] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    steps: list[NumberedStep] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    changes: dict[str, int] = field(default_factory=dict)
    """The change counter per wijk slug (SQLite keeps those of deleted wijken too)."""
    audit_seq: int = 0
    """The last number the audit log handed out."""

    def counts(self) -> dict[str, int]:
        return {
            "wijken": len(self.wijken),
            "actors": len(self.actors),
            "links": len(self.links),
            "suggestion_steps": len(self.steps),
            "audit": len(self.audit),
            "counters": len(self.changes) + 1,
        }


class MemberInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int
    sha256: str


class Manifest(BaseModel):
    """What ``manifest.json`` says about a backup."""

    model_config = ConfigDict(extra="forbid")

    format: str = FORMAT
    format_version: int = FORMAT_VERSION
    wijknet_version: str
    created_at: datetime
    backend: str
    members: dict[str, MemberInfo]

    def count(self, kind: str) -> int:
        """The number of records of ``kind`` (``actors``, ``accounts``…), 0 when absent."""
        member = self.members.get(f"{kind}.jsonl")
        return member.count if member is not None else 0


@dataclass
class Backup:
    """A backup as ``read_backup`` found it: checked, parsed, nothing written yet."""

    manifest: Manifest
    store: StoreDump
    extra: dict[str, list[dict[str, Any]]]


def wijknet_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("wijknet")
    except PackageNotFoundError:
        return "onbekend"


# -- writing -------------------------------------------------------------------------------


def _lines(rows: Iterable[Any]) -> bytes:
    return "".join(dumps(row) + "\n" for row in rows).encode()


def store_members(dump: StoreDump) -> dict[str, list[Any]]:
    """The rows of every store member of ``dump``, as JSON-ready values."""
    counters: list[dict[str, Any]] = [
        {"counter": "wijk", "wijk": slug, "value": value}
        for slug, value in sorted(dump.changes.items())
    ]
    counters.append({"counter": "audit", "value": dump.audit_seq})
    return {
        "wijken": [w.model_dump(mode="json") for w in dump.wijken],
        "actors": [a.model_dump(mode="json") for a in dump.actors],
        "links": [lk.model_dump(mode="json") for lk in dump.links],
        "suggestion_steps": [s.model_dump(mode="json") for s in dump.steps],
        "audit": [e.model_dump(mode="json") for e in dump.audit],
        "counters": counters,
    }


def write_backup(
    path: str | os.PathLike[str],
    dump: StoreDump,
    *,
    backend: str,
    extra: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> Manifest:
    """Write ``dump`` (and the ``extra`` members) as a backup to ``path``: to a temporary
    file beside it first, which then takes its place, so ``path`` is never half written."""
    members: dict[str, list[Any]] = store_members(dump)
    for name, rows in (extra or {}).items():
        if name in members or name == "manifest":
            raise ValueError(f"extra member {name!r} clashes with a store member")
        members[name] = [dict(row) for row in rows]
    infos: dict[str, MemberInfo] = {}
    datas: dict[str, bytes] = {}
    for name, rows in members.items():
        data = _lines(rows)
        datas[f"{name}.jsonl"] = data
        infos[f"{name}.jsonl"] = MemberInfo(
            count=len(rows), sha256=hashlib.sha256(data).hexdigest()
        )
    manifest = Manifest(
        wijknet_version=wijknet_version(), created_at=utcnow(), backend=backend, members=infos
    )
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(MANIFEST, json.dumps(manifest.model_dump(mode="json"), indent=2) + "\n")
            for name, data in datas.items():
                zf.writestr(name, data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return manifest


def backup_store(
    store: GraphStore,
    path: str | os.PathLike[str],
    *,
    extra: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> Manifest:
    """Back up ``store`` (one read transaction) and ``extra`` to ``path``."""
    return write_backup(path, store.export_all(), backend=store.backend, extra=extra)


# -- reading -------------------------------------------------------------------------------


def _refuse(name: str, why: str) -> BackupError:
    return BackupError(f"{name} is geen bruikbare wijknet-back-up: {why} Er is niets hersteld.")


def read_backup(path: str | os.PathLike[str]) -> Backup:
    """Read and check a backup (see the module docstring); ``BackupError`` if anything is
    wrong with it."""
    name = Path(path).name
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"Het bestand {name} bestaat niet.") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise _refuse(name, f"het is geen ZIP-bestand ({exc}).") from None
    with zf:
        return _read(zf, name)


def _read(zf: zipfile.ZipFile, name: str) -> Backup:
    infos = {info.filename: info for info in zf.infolist()}
    if MANIFEST not in infos:
        raise _refuse(name, "manifest.json ontbreekt.")
    try:
        manifest_data = json.loads(_member(zf, infos[MANIFEST], name))
        if not isinstance(manifest_data, dict):
            raise ValueError("geen object")
        if manifest_data.get("format") != FORMAT:
            raise _refuse(name, "het manifest noemt een ander formaat.")
        found_version = manifest_data.get("format_version")
        if isinstance(found_version, int) and found_version > FORMAT_VERSION:
            raise BackupError(
                f"{name} is gemaakt met een nieuwere wijknet (formaatversie {found_version}; "
                f"deze wijknet kent versie {FORMAT_VERSION}). Werk wijknet bij. Er is niets "
                "hersteld."
            )
        manifest = Manifest.model_validate(manifest_data)
    except (ValueError, ValidationError) as exc:
        if isinstance(exc, BackupError):
            raise
        raise _refuse(name, "manifest.json is onleesbaar.") from None
    listed = set(manifest.members)
    present = set(infos) - {MANIFEST}
    missing = {f"{m}.jsonl" for m in STORE_MEMBERS} - listed
    if missing:
        raise _refuse(name, f"het manifest noemt {', '.join(sorted(missing))} niet.")
    if listed - present:
        raise _refuse(name, f"{', '.join(sorted(listed - present))} ontbreekt.")
    if present - listed:
        raise _refuse(name, f"{', '.join(sorted(present - listed))} staat niet in het manifest.")
    rows: dict[str, list[Any]] = {}
    for member, info in sorted(manifest.members.items()):
        data = _member(zf, infos[member], name)
        if hashlib.sha256(data).hexdigest() != info.sha256:
            raise _refuse(
                name,
                f"de controlesom van {member} klopt niet; het bestand is beschadigd of gewijzigd.",
            )
        try:
            lines = [json.loads(line) for line in data.decode().splitlines() if line.strip()]
        except ValueError:
            raise _refuse(name, f"{member} bevat een regel die geen JSON is.") from None
        if len(lines) != info.count:
            raise _refuse(
                name, f"{member} heeft {len(lines)} regels, het manifest zegt {info.count}."
            )
        rows[member.removesuffix(".jsonl")] = lines
    dump = _parse_dump(rows, name)
    errors = check_dump(dump)
    if errors:
        raise _refuse(name, " ".join(errors[:5]))
    extra = {k: v for k, v in rows.items() if k not in STORE_MEMBERS}
    for kind, lines in extra.items():
        if not all(isinstance(line, dict) for line in lines):
            raise _refuse(name, f"{kind}.jsonl bevat een regel die geen object is.")
    return Backup(manifest=manifest, store=dump, extra=extra)


def _member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    if info.file_size > MAX_MEMBER_BYTES or (
        info.file_size > 1024**2 and info.file_size > MAX_RATIO * max(info.compress_size, 1)
    ):
        raise _refuse(name, f"{info.filename} is te groot.")
    try:
        data = zf.read(info)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:  # CRC, truncated, encrypted
        raise _refuse(name, f"{info.filename} is onleesbaar ({exc}).") from None
    if len(data) != info.file_size:
        raise _refuse(name, f"{info.filename} is onleesbaar.")
    return data


def _parse_dump(rows: dict[str, list[Any]], name: str) -> StoreDump:
    kind = ""
    try:
        kind = "wijken"
        wijken = [Wijk.model_validate(r) for r in rows["wijken"]]
        kind = "actors"
        actors = [Actor.model_validate(r) for r in rows["actors"]]
        kind = "links"
        links = [Link.model_validate(r) for r in rows["links"]]
        kind = "suggestion_steps"
        steps = [NumberedStep.model_validate(r) for r in rows["suggestion_steps"]]
        kind = "audit"
        audit = [AuditEntry.model_validate(r) for r in rows["audit"]]
        kind = "counters"
        changes: dict[str, int] = {}
        audit_seq: int | None = None
        for r in rows["counters"]:
            value = r["value"]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError("counter")
            if r["counter"] == "wijk" and isinstance(r["wijk"], str):
                changes[r["wijk"]] = value
            elif r["counter"] == "audit" and audit_seq is None:
                audit_seq = value
            else:
                raise ValueError("counter")
        if audit_seq is None:
            raise ValueError("counter")
    except (ValidationError, ValueError, KeyError, TypeError):
        raise _refuse(name, f"{kind}.jsonl bevat een ongeldig record.") from None
    return StoreDump(wijken, actors, links, steps, audit, changes, audit_seq)


def unique(what: str, keys: list[str], errors: list[str]) -> set[str]:
    """The distinct ``keys``; one Dutch line in ``errors`` naming those that come more than
    once (at most five), as "``what`` a, b komt meer dan eens voor."."""
    seen: set[str] = set()
    double: set[str] = set()
    for key in keys:
        (double if key in seen else seen).add(key)
    if double:
        errors.append(f"{what} {', '.join(sorted(double)[:5])} komt meer dan eens voor.")
    return seen


def check_dump(dump: StoreDump) -> list[str]:
    """What is wrong with the references in ``dump``, in Dutch (empty when nothing): each
    key once, every wijk, organisation and link end that a record names present, the audit
    numbers unique and at most ``audit_seq``."""
    errors: list[str] = []

    def once(what: str, keys: list[str]) -> set[str]:
        return unique(what, keys, errors)

    slugs = once("De wijk", [w.slug for w in dump.wijken])
    ids = once("De actor", [a.id for a in dump.actors])
    once("De verbinding", [lk.id for lk in dump.links])
    once("Het logboeknummer", [str(e.seq) for e in dump.audit])
    once("De stap", [f"{s.step.wijk}|{s.step.a}|{s.step.b}|{s.n}" for s in dump.steps])
    kinds = {a.id: a.kind.value for a in dump.actors}
    for actor in dump.actors:
        unknown = sorted(set(actor.wijken) - slugs)
        if unknown:
            errors.append(f"Actor {actor.id} noemt de onbekende wijk {unknown[0]}.")
        if actor.organisation is not None and actor.organisation not in ids:
            errors.append(f"Actor {actor.id} noemt de onbekende organisatie {actor.organisation}.")
    for link in dump.links:
        for end in (link.source, link.target):
            if end not in kinds:
                errors.append(f"Verbinding {link.id} noemt de onbekende actor {end}.")
    for s in dump.steps:
        if s.step.wijk not in slugs:
            errors.append(f"Een stap noemt de onbekende wijk {s.step.wijk}.")
        if s.n < 1:
            errors.append(f"Een stap heeft het ongeldige nummer {s.n}.")
    if dump.audit and max(e.seq for e in dump.audit) > dump.audit_seq:
        errors.append("Het logboek heeft een hoger nummer dan de teller.")
    return errors


def restored_counter(backed_up: int, current: int | None) -> int:
    """A wijk's change counter after a restore: the backed-up value, but above the store's
    own when it had one (a counter never goes back, so caches keyed on it stay right)."""
    return backed_up if current is None else max(backed_up, current + 1)
