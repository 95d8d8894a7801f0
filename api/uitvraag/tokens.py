"""The tokens of the personal links of a netwerkuitvraag.

A token is 32 random bytes (256 bits) in URL-safe base64 without padding: 43 characters.
It exists in clear only when a link is handed out; the round store keeps its SHA-256
``digest``. Anything that does not look like a token is refused before any lookup
(``looks_like_token``), so no odd input ever reaches the store.
"""

from __future__ import annotations

import hashlib
import re
import secrets

TOKEN_BYTES = 32
TOKEN_LENGTH = 43
"""Characters of ``secrets.token_urlsafe(TOKEN_BYTES)``."""

_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def new_token() -> str:
    """A fresh, unguessable token (256 bits)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    """The SHA-256 of ``token`` as 64 hex digits: what the store keeps and looks up by."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(text: str) -> bool:
    """True when ``text`` has exactly a token's alphabet and length."""
    return isinstance(text, str) and _TOKEN.fullmatch(text) is not None
