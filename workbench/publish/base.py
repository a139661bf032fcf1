"""What every publisher shares: the interface, the three ways a publish can fail, the outcome of an item,
and the payload that goes out.

A publisher raises `Retryable` when the post certainly did not go out (rate limit, refused connection,
a timeout before the request was sent): it is retried with backoff. It raises `UnknownOutcome` when the
request may have gone out (the connection dropped after sending, a read timeout): the item goes to
`needs_attention` for a person and is never retried blindly. Any other `PublishError` is a refusal for
good. A publisher classifies its failures into these once; `publish_due` only reads the class.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from ..errors import WorkbenchError
from ..queue import Item


class PublishError(WorkbenchError):
    """The post was refused for good (a 4xx, a bad payload): the item fails with the reason."""


class Retryable(PublishError):
    """Nothing went out: trying again is safe."""


class UnknownOutcome(PublishError):
    """The post may be live: a person checks before anything is sent again."""


class PublisherConfigError(WorkbenchError):
    """A publisher that cannot be set up from its options (a missing URL, an unknown option)."""


class PublishOutcome(StrEnum):
    """What happened to one due item (the strings are what the CLI prints and the queue records)."""

    PUBLISHED = "published"
    FAILED = "failed"
    NEEDS_ATTENTION = "needs_attention"
    SKIPPED = "skipped"
    WOULD_PUBLISH = "would publish"


@dataclass
class Published:
    external_id: str
    url: str | None = None


class Publisher(Protocol):
    """Sends one item; `key` is the item's idempotency key, passed on so a receiver can drop a repeat."""

    name: str

    def publish(self, item: Item, key: str) -> Published: ...


def idempotency_key(item: Item) -> str:
    return item.idempotency_key or f"wb-{item.id}-r{item.revision}"


def payload(item: Item, key: str) -> dict[str, Any]:
    """The post as JSON-ready data: what the webhook sends and the folder publisher writes."""
    d = item.draft
    return {"idempotency_key": key, "item": item.id, "brand": item.brand, "platform": item.platform,
            "parts": d.parts, "title": d.title, "hashtags": d.hashtags,
            "cta": {"kind": d.cta.kind, "text": d.cta.text, "url": d.cta.url} if d.cta else None,
            "media": [{"kind": m.kind, "path": m.path, "alt_text": m.alt_text} for m in d.media],
            "scheduled_at": item.scheduled_at.isoformat() if item.scheduled_at else None}
