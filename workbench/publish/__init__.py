"""Publishing behind one interface, at most once.

A publisher raises `Retryable` when the post certainly did not go out (rate limit, refused connection,
a timeout before the request was sent): it is retried with backoff. It raises `UnknownOutcome` when the
request may have gone out (the connection dropped after sending, a read timeout): the item goes to
`needs_attention` for a person and is never retried blindly. Every item carries an idempotency key that
the publisher passes on, so a receiver that honours it never posts twice either.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import httpx

from ..errors import WorkbenchError
from ..queue import Item, Queue


class PublishError(WorkbenchError):
    """The post was refused for good (a 4xx, a bad payload): the item fails with the reason."""


class Retryable(PublishError):
    pass


class UnknownOutcome(PublishError):
    pass


@dataclass
class Published:
    external_id: str
    url: str | None = None


class Publisher(Protocol):
    name: str

    def publish(self, item: Item, key: str) -> Published: ...


def payload(item: Item, key: str) -> dict[str, Any]:
    d = item.draft
    return {"idempotency_key": key, "item": item.id, "brand": item.brand, "platform": item.platform,
            "parts": d.parts, "title": d.title, "hashtags": d.hashtags,
            "cta": {"kind": d.cta.kind, "text": d.cta.text, "url": d.cta.url} if d.cta else None,
            "media": [{"kind": m.kind, "path": m.path, "alt_text": m.alt_text} for m in d.media],
            "scheduled_at": item.scheduled_at.isoformat() if item.scheduled_at else None}


class DryRunPublisher:
    """Logs what would go out; changes nothing in the queue."""

    name = "dry-run"

    def __init__(self, log: Callable[[str], None] = print) -> None:
        self.log = log

    def publish(self, item: Item, key: str) -> Published:
        when = item.scheduled_at.isoformat() if item.scheduled_at else "now"
        first = item.draft.parts[0].split("\n")[0][:60]
        self.log(f"would publish item {item.id} to {item.platform} ({when}, key {key}): {first}")
        return Published(external_id=f"dry-run:{key}")


class FolderPublisher:
    """Writes each post (JSON and plain text) and its media into a folder per day; a key already written is
    not written again."""

    name = "folder"

    def __init__(self, root: Path) -> None:
        self.root = root

    def publish(self, item: Item, key: str) -> Published:
        day = (item.scheduled_at or datetime.now()).strftime("%Y-%m-%d")
        folder = self.root / day
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{item.id:05d}-{item.platform}-{key}"
        target = folder / f"{stem}.json"
        if not target.exists():
            (folder / f"{stem}.txt").write_text("\n\n---\n\n".join(item.draft.parts), encoding="utf-8")
            for media in item.draft.media:
                source = Path(media.path)
                if source.exists():
                    (folder / f"{stem}-{source.name}").write_bytes(source.read_bytes())
            target.write_text(json.dumps(payload(item, key), indent=2, ensure_ascii=False), encoding="utf-8")
        return Published(external_id=str(target))


class WebhookPublisher:
    """HTTP POST of the post as JSON, signed with HMAC-SHA256 (header X-Workbench-Signature: sha256=...)."""

    name = "webhook"

    def __init__(self, url: str, secret: str | None = None, timeout: float = 10.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.url = url
        self.secret = secret
        self.client = httpx.Client(timeout=timeout, transport=transport)

    def publish(self, item: Item, key: str) -> Published:
        body = json.dumps(payload(item, key), ensure_ascii=False, sort_keys=True).encode("utf-8")
        headers = {"content-type": "application/json", "idempotency-key": key}
        if self.secret:
            digest = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
            headers["x-workbench-signature"] = f"sha256={digest}"
        try:
            response = self.client.post(self.url, content=body, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise Retryable(f"could not connect to {self.url}: {exc}") from None  # nothing was sent
        except (httpx.ReadTimeout, httpx.WriteTimeout, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise UnknownOutcome(f"sent to {self.url}, then {type(exc).__name__}: the post may be live") from None
        if response.status_code in (429, 502, 503, 504):
            raise Retryable(f"{self.url} answered {response.status_code}")
        if response.status_code >= 500:
            raise UnknownOutcome(f"{self.url} answered {response.status_code} after receiving the post")
        if response.status_code >= 400:
            raise PublishError(f"{self.url} refused the post: {response.status_code} {response.text[:200]}")
        try:
            data = response.json()
        except ValueError:
            data = {}
        return Published(external_id=str(data.get("id", key)), url=data.get("url"))


@dataclass
class PublishReport:
    item: int
    platform: str
    outcome: str  # published, failed, needs_attention, skipped, would publish
    detail: str = ""
    attempts: list[str] = field(default_factory=list)


def publish_due(queue: Queue, publisher: Publisher, actor: str, now: datetime | None = None,
                retries: int = 3, backoff: float = 0.5, dry_run: bool = False) -> list[PublishReport]:
    """Publish every scheduled item whose time has come, each at most once."""
    reports = []
    for item in queue.due(now):
        key = item.idempotency_key or f"wb-{item.id}-r{item.revision}"
        if dry_run:
            DryRunPublisher(lambda _: None).publish(item, key)
            reports.append(PublishReport(item.id, item.platform, "would publish", key))
            continue
        if not queue.claim_for_publishing(item, actor):
            reports.append(PublishReport(item.id, item.platform, "skipped", "taken by another publisher run"))
            continue
        attempts: list[str] = []
        outcome, detail, external = "failed", "", None
        for attempt in range(retries + 1):
            try:
                result = publisher.publish(item, key)
            except Retryable as exc:
                attempts.append(f"retryable: {exc.message}")
                detail = exc.message
                if attempt < retries:
                    time.sleep(backoff * (2 ** attempt))
                    continue
                outcome = "failed"
            except UnknownOutcome as exc:
                attempts.append(f"unknown outcome: {exc.message}")
                outcome, detail = "needs_attention", exc.message
            except PublishError as exc:
                attempts.append(f"refused: {exc.message}")
                outcome, detail = "failed", exc.message
            else:
                attempts.append(f"published: {result.external_id}")
                outcome, detail, external = "published", result.url or result.external_id, result.external_id
            break
        queue.finish_publishing(item.id, outcome, actor, publisher.name, attempts, external_id=external,
                                error=None if outcome == "published" else detail)
        reports.append(PublishReport(item.id, item.platform, outcome, detail, attempts))
    return reports
