"""Publishing by HTTP POST to a receiver the team runs (Zapier, Make, n8n, its own service).

Each failure is classified once, by whether the post can have gone out (see `base`):

- retried (nothing went out): the connection was refused or never made (connect or pool timeout, a name
  that does not resolve); 429; 503 *with* Retry-After, the documented "not processed, come back later".
- needs a person (the post may be live): a read or write timeout, a connection dropped after sending,
  502 and 504 (a gateway that may have passed the post on before it failed), 500 and every other 5xx,
  503 without Retry-After (a proxy says that when its upstream died mid-request), 303 See Other (what a
  receiver says after it processed a POST), and anything else this code does not recognise.
- failed for good, with the reason: other 3xx (the receiver moved: nothing was posted here; point the URL
  at the new place) and 4xx.
- published: any 2xx. The id and URL come from a JSON object body; any other body (a list, text) is still
  an acceptance, so the item is published, with a note and the idempotency key as its id. Taking it as
  needing attention instead would invite a person to send it again.

Redirects are not followed: a POST re-sent somewhere else is a second delivery nobody decided on.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

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

_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")


def _usable_host(url: httpx.URL) -> bool:
    """A host the request can be made to: each DNS label 1-63 letters, digits, '-' or '_' (IDNA already
    applied), or an IP address; a port in 1-65535."""
    if url.port is not None and not 0 < url.port < 65536:
        return False
    host = url.raw_host.decode("ascii", "replace")
    if ":" in host:  # an IPv6 literal, checked by httpx when it parsed the URL
        return True
    return bool(host) and all(_LABEL.fullmatch(label) for label in host.removesuffix(".").split("."))


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds the receiver asked us to wait (delta-seconds or an HTTP date); None when absent or unreadable."""
    value = response.headers.get("retry-after", "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _accepted(url: str, response: httpx.Response, key: str) -> Published:
    """A 2xx: the receiver took the post. Its id and URL when the body is a JSON object that has them."""
    try:
        data = response.json() if response.content else {}
    except ValueError:
        data = None
    if isinstance(data, dict):
        external, link = data.get("id"), data.get("url")
        return Published(external_id=key if external in (None, "") else str(external),
                         url=link if isinstance(link, str) and link else None)
    kind = "a body that is not JSON" if data is None else f"a JSON {type(data).__name__}, not an object,"
    return Published(external_id=key, note=f"{url} answered {response.status_code} with {kind} so no id or URL "
                                           "came back; a 2xx means it accepted the post, so it counts as published")


def classify(url: str, response: httpx.Response, key: str) -> Published:
    """The answer to one POST as a published post, or the `PublishError` that says what to do next."""
    status = response.status_code
    if 200 <= status < 300:
        return _accepted(url, response, key)
    if status == 429:
        raise Retryable(f"{url} answered 429 (rate limited): nothing was posted", retry_after=_retry_after(response))
    if status == 503 and (wait := _retry_after(response)) is not None:
        raise Retryable(f"{url} answered 503 with Retry-After: not processed", retry_after=wait)
    location = response.headers.get("location", "no Location")
    if status == 303:
        raise UnknownOutcome(f"{url} answered 303 See Other ({location}), which receivers send after processing "
                             "a post: the post may be live")
    if 300 <= status < 400:
        raise PublishError(f"{url} answered {status}, a redirect to {location}: nothing was posted; set the "
                           "webhook URL to where it points")
    if 400 <= status < 500:
        raise PublishError(f"{url} refused the post: {status} {response.text[:200]}")
    raise UnknownOutcome(f"{url} answered {status} after receiving the post: the post may be live")


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
        if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host or not _usable_host(parsed):
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
        except (httpx.UnsupportedProtocol, httpx.LocalProtocolError) as exc:
            raise PublishError(f"could not make a request to {self.url}: {exc}") from None  # nothing was sent
        except httpx.HTTPError as exc:  # a timeout or a dropped connection once sending began, or anything else
            raise UnknownOutcome(f"sent to {self.url}, then {type(exc).__name__}: the post may be live") from None
        return classify(self.url, response, key)
