"""Publishing behind one interface, at most once, and exactly the approved text.

An item is claimed in one UPDATE that checks it is still scheduled, due, and at the revision a reviewer
approved (the text about to be sent); anything else is skipped. Every item carries an idempotency key
(workspace, item, approved revision) that its publisher passes on, so a receiver that honours it never
posts twice either. Failures are classified by the publisher (see `base`): `Retryable` is retried with
backoff, `UnknownOutcome` goes to `needs_attention` for a person, any other `PublishError` fails the item
with the reason. Nothing leaves an item in `publishing`: an interruption (Ctrl-C) or a publisher's crash
mid-delivery puts it in `needs_attention` before it propagates, and a run that was killed outright is
caught by the next one, which moves items publishing longer than `stale_after` to `needs_attention`.
A person settles those with `Queue.resolve_*` (`workbench queue resolve`).

Each item goes to the publisher routed for its platform and brand (see `routing`); publishers are found
through the `workbench.publishers` entry points, built-ins included: each name is a factory that takes
the publisher's options as keyword arguments.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ..queue import STALE_PUBLISHING, Item, ItemState, Queue, now_utc
from .base import (
    Published,
    Publisher,
    PublisherConfigError,
    PublishError,
    PublishOutcome,
    Retryable,
    UnknownOutcome,
    payload,
)
from .dryrun import DryRunPublisher
from .folder import FolderPublisher
from .routing import PublisherFactory, Router, RoutingError, publishers
from .webhook import WebhookPublisher

__all__ = ["DryRunPublisher", "FolderPublisher", "PublishError", "PublishOutcome", "PublishReport", "Published",
           "Publisher", "PublisherConfigError", "PublisherFactory", "Retryable", "Router", "RoutingError",
           "UnknownOutcome", "WebhookPublisher", "payload", "publish_due", "publishers"]

# the longest a receiver's Retry-After holds up a run
MAX_RETRY_AFTER = 30.0


@dataclass
class PublishReport:
    item: int
    platform: str
    outcome: PublishOutcome
    detail: str = ""
    attempts: list[str] = field(default_factory=list)
    publisher: str = ""


def _send(publisher: Publisher, item: Item, key: str, retries: int, backoff: float,
          attempts: list[str]) -> tuple[PublishOutcome, str, str | None]:
    """One item to one publisher: retried while nothing can have gone out, never after. Each attempt is
    added to `attempts` as it ends, so an interruption still leaves the record."""
    for attempt in range(retries + 1):
        try:
            result = publisher.publish(item, key)
        except Retryable as exc:
            attempts.append(f"retryable: {exc.message}")
            if attempt < retries:
                time.sleep(max(backoff * (2 ** attempt), min(exc.retry_after or 0.0, MAX_RETRY_AFTER)))
                continue
            return PublishOutcome.FAILED, exc.message, None
        except UnknownOutcome as exc:
            attempts.append(f"unknown outcome: {exc.message}")
            return PublishOutcome.NEEDS_ATTENTION, exc.message, None
        except PublishError as exc:
            attempts.append(f"refused: {exc.message}")
            return PublishOutcome.FAILED, exc.message, None
        attempts.append(f"published: {result.external_id}" + (f" ({result.note})" if result.note else ""))
        detail = result.url or result.external_id
        return PublishOutcome.PUBLISHED, f"{detail} ({result.note})" if result.note else detail, result.external_id
    raise AssertionError("unreachable: the last attempt returns")


def _why_skipped(queue: Queue, item: Item, moment: datetime) -> str:
    """Why the claim did not take `item` as it was read: for the report."""
    now = queue.get(item.id)
    if now.state in (ItemState.PUBLISHING, ItemState.PUBLISHED):
        return "taken by another publisher run"
    if now.state is not ItemState.SCHEDULED:
        return f"now '{now.state}'"
    if now.revision != item.revision or now.approved_revision != item.revision:
        return f"edited or approved again since it was found due (now revision {now.revision})"
    if now.scheduled_at is not None and now.scheduled_at > moment:
        return f"moved to {now.scheduled_at.isoformat()}"
    return "changed since it was found due"


def publish_due(queue: Queue, publisher: Publisher | Router, actor: str, now: datetime | None = None,
                retries: int = 3, backoff: float = 0.5, dry_run: bool = False,
                stale_after: timedelta = STALE_PUBLISHING) -> list[PublishReport]:
    """Publish every scheduled item whose time has come, each at most once, each to its own publisher:
    `publisher` is a `Router` (per platform and brand) or one publisher for every item. First, items left
    `publishing` longer than `stale_after` by a run that stopped go to `needs_attention` (reported too)."""
    router = publisher if isinstance(publisher, Router) else Router.single(publisher)
    moment = (now or now_utc()).astimezone(UTC)
    reports = []
    if not dry_run:
        for stale in queue.recover_stale(actor, stale_after):
            reports.append(PublishReport(stale.id, stale.platform, PublishOutcome.NEEDS_ATTENTION,
                                         stale.last_error or "", publisher="-"))
    due: list[Item] = queue.due(moment)
    routed = [(item, *router.publisher_for(item)) for item in due]  # every route resolves before anything goes out
    for item, name, target in routed:
        key = queue.idempotency_key(item)
        if dry_run:
            DryRunPublisher(lambda _: None).publish(item, key)
            reports.append(PublishReport(item.id, item.platform, PublishOutcome.WOULD_PUBLISH, key, publisher=name))
            continue
        if not queue.claim_for_publishing(item, actor, moment):
            reports.append(PublishReport(item.id, item.platform, PublishOutcome.SKIPPED,
                                         _why_skipped(queue, item, moment), publisher=name))
            continue
        attempts: list[str] = []
        try:
            outcome, detail, external = _send(target, item, key, retries, backoff, attempts)
        except BaseException as exc:  # Ctrl-C or a publisher's bug mid-delivery: the post may be out
            reason = f"interrupted by {type(exc).__name__} while sending: the post may be live"
            queue.finish_publishing(item.id, PublishOutcome.NEEDS_ATTENTION.value, actor, name,
                                    [*attempts, reason], error=reason)
            raise
        queue.finish_publishing(item.id, outcome.value, actor, name, attempts, external_id=external,
                                error=None if outcome is PublishOutcome.PUBLISHED else detail)
        reports.append(PublishReport(item.id, item.platform, outcome, detail, attempts, name))
    return reports
