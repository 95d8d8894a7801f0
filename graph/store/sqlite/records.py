"""A record's row and the SQL that reads and writes it.

A read has SQLite splice the row's columns into the JSON of the stored model (``Rec.doc``,
``json_array`` for a whole list at once), which is then validated with one
``validate_json`` call.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from operator import attrgetter
from typing import Any, NamedTuple

from graph.model import Actor, ActorIn, LinkIn, WijkIn

CHUNK = 500
"""Ids per ``IN (...)`` query, well below SQLite's limit on parameters."""

REC = "version, created_at, updated_at, confirmed, input"
"""The columns of ``Rec``, in its order."""

Param = str | int | None
"""A value the store writes into a column: text, an integer or NULL."""
Params = tuple[Param, ...]
"""The parameters of one ``INSERT``/``UPDATE`` (one row of an ``executemany``)."""
Row = tuple[Any, ...]
"""A row as ``sqlite3`` returns it."""
Record = WijkIn | ActorIn | LinkIn
"""A record of one of the tables (``TABLES``): its input model or a stored one."""


class Rec(NamedTuple):
    """What a record's row holds besides its indexed columns (``REC``)."""

    version: int
    created_at: str
    updated_at: str
    confirmed: str | None
    input: str

    @property
    def doc(self) -> str:
        """The JSON of the stored model."""
        return stored_json(
            self.input, self.version, self.created_at, self.updated_at, self.confirmed
        )


def stored_json(
    input_json: str, version: int, created: str, updated: str, confirmed: str | None
) -> str:
    """The JSON of a stored model: its input fields plus what the store keeps about it."""
    return (
        f'{input_json[:-1]},"version":{version},"created_at":"{created}",'
        f'"updated_at":"{updated}","confirmed":{confirmed or "null"}}}'
    )


TABLES = {
    # table: (key column, indexed columns besides the key, entity name, Dutch name)
    "wijken": ("slug", (), "wijk", "De wijk"),
    "actors": ("id", ("kind", "name", "organisation", "since", "until"), "actor", "De actor"),
    "links": ("id", ("source", "target", "kind", "since", "until"), "link", "De verbinding"),
}


def _insert_sql(table: str) -> str:
    key, columns, _, _ = TABLES[table]
    names = [*columns, *REC.split(", "), key]
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


def _update_sql(table: str) -> str:
    key, columns, _, _ = TABLES[table]
    names = [*columns, *REC.split(", ")]
    return f"UPDATE {table} SET {', '.join(f'{n} = ?' for n in names)} WHERE {key} = ?"


INSERT = {t: _insert_sql(t) for t in TABLES}
UPDATE = {t: _update_sql(t) for t in TABLES}
PK_ORDER: dict[str, Callable[[Params], Any]] = {
    "wijken": lambda row: row[-1],
    "actors": lambda row: row[-1],
    "links": lambda row: (row[0], row[-1]),  # (source, id)
}
"""Rows in primary-key order make the B-tree inserts of a bulk load sequential."""
INSERT_ACTOR_WIJK = "INSERT INTO actor_wijk (wijk, actor_id, since, until) VALUES (?, ?, ?, ?)"


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


INDEXED: dict[str, Callable[[Any], Params]] = {
    "wijken": lambda w: (),
    "actors": lambda a: (a.kind.value, a.name, a.organisation, day(a.since), day(a.until)),
    "links": lambda lk: (lk.source, lk.target, lk.kind.value, day(lk.since), day(lk.until)),
}
"""The indexed columns of a record (``TABLES``), as stored."""


def table_of(record: Record) -> str:
    if isinstance(record, ActorIn):
        return "actors"
    return "links" if isinstance(record, LinkIn) else "wijken"


def key_of(record: Record) -> str:
    key = record.slug if isinstance(record, WijkIn) else record.id
    assert key is not None, "a stored record has a key"
    return key


def row(record: Record, rec: Rec) -> Params:
    """Parameters of ``INSERT``/``UPDATE`` for ``record`` stored as ``rec``."""
    return (*INDEXED[table_of(record)](record), *rec, key_of(record))


def actor_wijk_rows(actor: ActorIn) -> list[Params]:
    since, until = day(actor.since), day(actor.until)
    return [(slug, actor.id, since, until) for slug in actor.wijken]


def in_chunks(
    con: sqlite3.Connection, sql: str, ids: Iterable[str], extra: Sequence[Any] = ()
) -> Iterator[Row]:
    """Run ``sql`` (with ``{marks}`` where the ``?`` list goes) over ``ids`` in chunks."""
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        marks = ",".join("?" * len(part))
        yield from con.execute(sql.format(marks=marks), (*extra, *part))


def cols(alias: str) -> str:
    """The ``REC`` columns of table ``alias``."""
    return ", ".join(f"{alias}.{c}" for c in REC.split(", "))


def json_doc(alias: str) -> str:
    """SQL: the stored JSON of the row ``alias`` (see ``Rec.doc``)."""
    return (
        f"substr({alias}.input, 1, length({alias}.input) - 1)"
        f" || ',\"version\":' || {alias}.version"
        f' || \',"created_at":"\' || {alias}.created_at'
        f' || \'","updated_at":"\' || {alias}.updated_at'
        f" || '\",\"confirmed\":' || coalesce({alias}.confirmed, 'null') || '}}'"
    )


def json_array(alias: str) -> str:
    """SQL: the stored JSON of every row of ``alias`` as one JSON array (see ``Rec.doc``)."""
    return f"'[' || coalesce(group_concat({json_doc(alias)}, ','), '') || ']'"


def active(alias: str) -> str:
    """SQL: the row ``alias`` exists on day ``:d`` (bounds inclusive, missing is open)."""
    return (
        f"({alias}.since IS NULL OR {alias}.since <= :d)"
        f" AND ({alias}.until IS NULL OR {alias}.until >= :d)"
    )


def by_name(actor: Actor) -> tuple[str, str]:
    return actor.name, actor.id


by_id = attrgetter("id")
