"""What every publisher shares: the interface, the three ways a publish can fail, the outcome of an item,
and the payload that goes out.

A publisher raises `Retryable` only when the post certainly did not go out (a refused connection, a
rate limit, an answer that says it was not processed): it is retried with backoff. It raises
`UnknownOutcome` when the post may be live (the connection dropped after sending, a read timeout, a
gateway's 502 or 504, anything it cannot read): the item goes to `needs_attention` for a person and is
never retried blindly. Any other `PublishError` is a refusal for good. When in doubt, `UnknownOutcome`:
a post sent twice cannot be taken back, a post held for a person can still go out. A publisher
classifies its failures into these once; `publish_due` only reads the class.

The idempotency key a publisher is given is the queue's (`Queue.idempotency_key`): the workspace's id,
the item and its approved revision, so a receiver that honours it drops a repeat of this very post and
nothing else (another team's item 1, or the same item after an edit).
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
    """Nothing went out: trying again is safe (after `retry_after` seconds, when the receiver said)."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


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
    note: str | None = None  # something a person may want to know (an answer that carried no id)


class Publisher(Protocol):
    """Sends one item; `key` is the item's idempotency key, passed on so a receiver can drop a repeat."""

    name: str

    def publish(self, item: Item, key: str) -> Published: ...


def payload(item: Item, key: str) -> dict[str, Any]:
    """The post as JSON-ready data: what the webhook sends and the folder publisher writes."""
    d = item.draft
    return {"idempotency_key": key, "item": item.id, "brand": item.brand, "platform": item.platform,
            "parts": d.parts, "title": d.title, "hashtags": d.hashtags,
            "cta": {"kind": d.cta.kind, "text": d.cta.text, "url": d.cta.url} if d.cta else None,
            "media": [{"kind": m.kind, "path": m.path, "alt_text": m.alt_text} for m in d.media],
            "scheduled_at": item.scheduled_at.isoformat() if item.scheduled_at else None}
