"""Publishing behind one interface, at most once.

Every due item carries an idempotency key that its publisher passes on, so a receiver that honours it
never posts twice either. Failures are classified by the publisher (see `base`): `Retryable` is retried
with backoff, `UnknownOutcome` goes to `needs_attention` for a person, any other `PublishError` fails the
item with the reason. Each item goes to the publisher routed for its platform and brand (see `routing`);
publishers are found through the `workbench.publishers` entry points, built-ins included: each name is a
factory that takes the publisher's options as keyword arguments.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

from ..queue import Item, Queue
from .base import (
    Published,
    Publisher,
    PublisherConfigError,
    PublishError,
    PublishOutcome,
    Retryable,
    UnknownOutcome,
    idempotency_key,
    payload,
)
from .dryrun import DryRunPublisher
from .folder import FolderPublisher
from .routing import PublisherFactory, Router, RoutingError, publishers
from .webhook import WebhookPublisher

__all__ = ["DryRunPublisher", "FolderPublisher", "PublishError", "PublishOutcome", "PublishReport", "Published",
           "Publisher", "PublisherConfigError", "PublisherFactory", "Retryable", "Router", "RoutingError",
           "UnknownOutcome", "WebhookPublisher", "idempotency_key", "payload", "publish_due", "publishers"]


@dataclass
class PublishReport:
    item: int
    platform: str
    outcome: PublishOutcome
    detail: str = ""
    attempts: list[str] = field(default_factory=list)
    publisher: str = ""


def _send(publisher: Publisher, item: Item, key: str, retries: int,
          backoff: float) -> tuple[PublishOutcome, str, str | None, list[str]]:
    """One item to one publisher: retried while nothing can have gone out, never after."""
    attempts: list[str] = []
    for attempt in range(retries + 1):
        try:
            result = publisher.publish(item, key)
        except Retryable as exc:
            attempts.append(f"retryable: {exc.message}")
            if attempt < retries:
                time.sleep(backoff * (2 ** attempt))
                continue
            return PublishOutcome.FAILED, exc.message, None, attempts
        except UnknownOutcome as exc:
            attempts.append(f"unknown outcome: {exc.message}")
            return PublishOutcome.NEEDS_ATTENTION, exc.message, None, attempts
        except PublishError as exc:
            attempts.append(f"refused: {exc.message}")
            return PublishOutcome.FAILED, exc.message, None, attempts
        attempts.append(f"published: {result.external_id}")
        return PublishOutcome.PUBLISHED, result.url or result.external_id, result.external_id, attempts
    raise AssertionError("unreachable: the last attempt returns")


def publish_due(queue: Queue, publisher: Publisher | Router, actor: str, now: datetime | None = None,
                retries: int = 3, backoff: float = 0.5, dry_run: bool = False) -> list[PublishReport]:
    """Publish every scheduled item whose time has come, each at most once, each to its own publisher:
    `publisher` is a `Router` (per platform and brand) or one publisher for every item."""
    router = publisher if isinstance(publisher, Router) else Router.single(publisher)
    due: list[Item] = queue.due(now)
    routed = [(item, *router.publisher_for(item)) for item in due]  # every route resolves before anything goes out
    reports = []
    for item, name, target in routed:
        key = idempotency_key(item)
        if dry_run:
            DryRunPublisher(lambda _: None).publish(item, key)
            reports.append(PublishReport(item.id, item.platform, PublishOutcome.WOULD_PUBLISH, key, publisher=name))
            continue
        if not queue.claim_for_publishing(item, actor):
            reports.append(PublishReport(item.id, item.platform, PublishOutcome.SKIPPED,
                                         "taken by another publisher run", publisher=name))
            continue
        outcome, detail, external, attempts = _send(target, item, key, retries, backoff)
        queue.finish_publishing(item.id, outcome.value, actor, name, attempts, external_id=external,
                                error=None if outcome is PublishOutcome.PUBLISHED else detail)
        reports.append(PublishReport(item.id, item.platform, outcome, detail, attempts, name))
    return reports
