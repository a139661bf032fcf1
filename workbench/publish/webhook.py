"""Publishing by HTTP POST to a receiver the team runs (Zapier, Make, n8n, its own service).

Each failure is classified once, by whether the post can have gone out: see `base`.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx

from ..queue import Item
from .base import (
    Published,
    PublisherConfigError,
    PublishError,
    Retryable,
    UnknownOutcome,
    payload,
)


class WebhookPublisher:
    """HTTP POST of the post as JSON, signed with HMAC-SHA256 (header X-Workbench-Signature: sha256=...)."""

    name = "webhook"

    def __init__(self, url: str | None = None, secret: str | None = None, timeout: float = 10.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        if not url:
            raise PublisherConfigError("no webhook URL.", field="publish.publishers.webhook.url",
                                       fix="set url: under publish.publishers.webhook in workbench.yaml, "
                                           "webhook_url, WORKBENCH_WEBHOOK_URL, or pass --url.")
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError):
            parsed = None
        if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
            raise PublisherConfigError(f"'{url}' is not an http(s) URL.", field="publish.publishers.webhook.url",
                                       fix="write it like https://hooks.example.com/social.")
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            raise PublisherConfigError(f"timeout {timeout} is not a positive number of seconds.",
                                       field="publish.publishers.webhook.timeout", fix="use e.g. 10.")
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
