"""Secrets out of everything a person or a file sees: messages, summaries, manifests, cache keys.

A server may echo the request's Authorization header in an error body, and a base URL may carry credentials
(`http://user:KEY@host/v1`). Every place that shows or stores such text passes it through `redact` first,
with the secrets it knows (the API key, the URL's password); the patterns below catch the common shapes of a
credential even when its value was not passed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

MASK = "***"
# shorter than this, a "secret" is a local server's placeholder ("ollama", "EMPTY"), not a credential (real
# keys run to dozens of characters); replacing it would garble messages ("`ollama list`" -> "`*** list`")
MIN_SECRET = 8

_USERINFO = re.compile(r"\b([a-z][a-z0-9+.-]*://)[^/?#\s@]*@", re.IGNORECASE)
_AUTH_HEADER = re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]{8,}=*")
_OPENAI_KEY = re.compile(r"\bsk-[A-Za-z0-9_-]{16,}")


def url_secrets(url: str | None) -> list[str]:
    """The credentials a URL carries in its userinfo, as written and percent-decoded."""
    if not url or "@" not in url:
        return []
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return []
    found = [parts.password or "", unquote(parts.password or "")]
    if parts.username and parts.password:
        found += [f"{parts.username}:{parts.password}", unquote(f"{parts.username}:{parts.password}")]
    return [s for s in dict.fromkeys(found) if s]


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """`text` with each secret replaced by `***`, URL userinfo by `***@`, and bearer or basic credentials,
    or anything shaped like an OpenAI key, masked."""
    for secret in sorted({s for s in secrets if s and len(s) >= MIN_SECRET}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _USERINFO.sub(rf"\1{MASK}@", text)
    text = _AUTH_HEADER.sub(rf"\1 {MASK}", text)
    return _OPENAI_KEY.sub(f"sk-{MASK}", text)


def redact_url(url: str | None) -> str | None:
    """A URL fit to show or store: its userinfo (if any) replaced by `***`."""
    return None if url is None else redact(url, url_secrets(url))
