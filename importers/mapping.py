"""The mapping step of an import: how a file's columns and values become wijknet's.

A file made elsewhere (a Kumu map, a Gephi file, a sociale-kaart workbook, a partner list)
names its columns and values in its own words. wijknet proposes a mapping
(:func:`propose`), the user confirms or changes it, and the same mapping can be saved and
used again next month: as JSON or TOML (:meth:`ImportMapping.to_toml`), on the import page
or with ``wijknet import --mapping FILE``. Keys are Dutch, as the user reads them.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from typing import Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graph.model import ActorKind, Domain, Intensity, LinkKind, Role

__all__ = [
    "SKIP",
    "Defaults",
    "ImportMapping",
    "MappingError",
    "TableMap",
]

SKIP = "overslaan"
"""The target that leaves a column, a value or a row out of the import."""

TableKindName = Literal["actoren", "samenwerkingen", "wijken", "overslaan"]


class MappingError(ValueError):
    """A mapping file that cannot be used; the message is Dutch and names the key."""


class TableMap(BaseModel):
    """How one table of the file (a sheet, a CSV, Kumu's elements or connections) maps."""

    model_config = ConfigDict(extra="forbid")

    bron: str = Field(description="the table as the file names it, e.g. 'Elements'")
    soort: TableKindName = "actoren"
    koprij: int | None = Field(None, ge=1, description="header row (1-based); None: found")
    kolommen: dict[str, str] = Field(
        default_factory=dict, description="header as written -> wijknet field or 'overslaan'"
    )


class Defaults(BaseModel):
    """File-wide defaults for what a row leaves empty (``--soort``, ``--domein``)."""

    model_config = ConfigDict(extra="forbid")

    soort: ActorKind | None = None
    domein: Domain = Domain.ONBEKEND
    rol: Role = Role.OVERIG
    samenwerking: LinkKind = LinkKind.SAMENWERKING
    intensiteit: Intensity | None = None
    datumvolgorde: Literal["dmj", "mdj", "auto"] = "auto"


class ImportMapping(BaseModel):
    """Columns, values and defaults of one kind of file; the wijk is not part of it."""

    model_config = ConfigDict(extra="forbid")

    versie: Literal[1] = 1
    naam: str = ""
    tabellen: list[TableMap] = Field(default_factory=list)
    waarden: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="field -> {value as written: wijknet value}"
    )
    standaard: Defaults = Field(default_factory=Defaults)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    def to_toml(self) -> str:
        return tomli_w.dumps(self.model_dump(mode="json", exclude_none=True))

    def digest(self) -> str:
        """A fingerprint of the mapping, for the preview's check that nothing changed."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @classmethod
    def load(cls, name: str, data: bytes) -> ImportMapping:
        """Read a mapping file: JSON when it starts with ``{``, TOML otherwise."""
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise MappingError(f"{name}: de koppeling is geen UTF-8-tekst.") from exc
        try:
            raw = json.loads(text) if text.lstrip().startswith("{") else tomllib.loads(text)
        except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
            raise MappingError(f"{name}: de koppeling is niet te lezen ({exc}).") from exc
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(bestand)"
            raise MappingError(
                f"{name}: '{where}' in de koppeling klopt niet ({first['msg']})."
            ) from exc
