"""Publishing at most once, against a local webhook server that fails in each way a real one does."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from workbench.cli import main, repurpose_cmd
from workbench.drafts import CTA, Draft, Provenance
from workbench.plugins import PluginError
from workbench.publish import (
    FolderPublisher,
    PublisherConfigError,
    WebhookPublisher,
    publish_due,
    publishers,
)
from workbench.queue import Queue

SECRET = "s3cret"
ROOT = Path(__file__).resolve().parents[1]


class Hook:
    """A webhook receiver on loopback; `script` says how to answer each request in turn."""

    def __init__(self) -> None:
        self.script: list[str] = []
        self.received: list[dict[str, Any]] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["content-length"]))
                expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                hook.received.append({"body": json.loads(body), "key": self.headers.get("idempotency-key"),
                                      "signed": self.headers.get("x-workbench-signature") == expected})
                step = hook.script.pop(0) if hook.script else "ok"
                if step == "drop":  # took the post, then the connection died
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if step == "slow":
                    time.sleep(1.5)
                status = {"ok": 200, "slow": 200, "429": 429, "503": 503, "400": 400}[step]
                data = json.dumps({"id": f"post-{len(hook.received)}"} if status == 200 else
                                  {"error": step}).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def hook() -> Iterator[Hook]:
    h = Hook()
    yield h
    h.close()


@pytest.fixture
def queue(queue_url: str, tmp_path: Path) -> Queue:
    return Queue(queue_url, workspace=tmp_path)


def due_item(queue: Queue, text: str = "Planning beats guessing. Follow us for weekly analysis.") -> int:
    draft = Draft("x", [text], cta=CTA("follow", "Follow us"), provenance=Provenance(pillar_hash=text))
    item = queue.add(draft, "p.md", "northwind-advisory")
    queue.approve(item.id, "ana")
    queue.set_schedule(item.id, datetime.now(UTC) - timedelta(minutes=1), "ana", pinned=True)
    return item.id


def run(queue: Queue, hook: Hook, retries: int = 2) -> list:
    publisher = WebhookPublisher(hook.url, SECRET, timeout=0.5)
    return publish_due(queue, publisher, "cron", retries=retries, backoff=0)


def test_published_once_signed_and_never_twice(queue: Queue, hook: Hook) -> None:
    item_id = due_item(queue)
    [report] = run(queue, hook)
    assert report.outcome == "published"
    item = queue.get(item_id)
    assert item.state == "published" and item.external_id == "post-1" and item.published_at is not None
    sent = hook.received[0]
    assert sent["signed"] and sent["key"] == item.idempotency_key and sent["body"]["parts"] == item.draft.parts
    assert run(queue, hook) == [] and len(hook.received) == 1  # a second run posts nothing


def test_rate_limit_and_503_are_retried(queue: Queue, hook: Hook) -> None:
    item_id = due_item(queue)
    hook.script = ["429", "503"]
    [report] = run(queue, hook)
    assert report.outcome == "published" and len(report.attempts) == 3
    assert {r["key"] for r in hook.received} == {queue.get(item_id).idempotency_key}  # one key for all tries


@pytest.mark.parametrize("failure", ["slow", "drop"])
def test_an_unknown_outcome_goes_to_a_person_and_is_not_retried(queue: Queue, hook: Hook, failure: str) -> None:
    item_id = due_item(queue)
    hook.script = [failure]
    [report] = run(queue, hook)
    assert report.outcome == "needs_attention" and "may be live" in report.detail
    assert len(hook.received) == 1  # not retried blindly
    assert queue.get(item_id).state == "needs_attention"
    assert run(queue, hook) == []  # and not picked up again


def test_a_refusal_fails_with_the_reason(queue: Queue, hook: Hook) -> None:
    item_id = due_item(queue)
    hook.script = ["400"]
    [report] = run(queue, hook)
    assert report.outcome == "failed" and "400" in report.detail and len(hook.received) == 1
    assert "400" in queue.get(item_id).last_error


def test_a_receiver_that_is_down_is_retried_then_failed(queue: Queue) -> None:
    item_id = due_item(queue)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    publisher = WebhookPublisher(f"http://127.0.0.1:{port}/hook", SECRET, timeout=0.5)
    [report] = publish_due(queue, publisher, "cron", retries=2, backoff=0)
    assert report.outcome == "failed" and len(report.attempts) == 3
    assert all(a.startswith("retryable: could not connect") for a in report.attempts)
    assert queue.get(item_id).state == "failed"


def test_dry_run_changes_nothing(queue: Queue, hook: Hook) -> None:
    item_id = due_item(queue)
    reports = publish_due(queue, WebhookPublisher(hook.url, SECRET), "cron", dry_run=True)
    assert [r.outcome for r in reports] == ["would publish"]
    assert hook.received == [] and queue.get(item_id).state == "scheduled"


def test_only_one_publisher_takes_an_item(queue: Queue) -> None:
    item = queue.get(due_item(queue))
    assert queue.claim_for_publishing(item, "a") is True
    assert queue.claim_for_publishing(item, "b") is False


def test_folder_publisher_writes_a_folder_per_day(queue: Queue, tmp_path: Path) -> None:
    item_id = due_item(queue)
    [report] = publish_due(queue, FolderPublisher(tmp_path / "out"), "cron")
    assert report.outcome == "published"
    day = queue.get(item_id).scheduled_at.strftime("%Y-%m-%d")
    files = sorted(p.name for p in (tmp_path / "out" / day).iterdir())
    assert len(files) == 2 and files[0].endswith(".json") and files[1].endswith(".txt")


def test_cli_from_repurpose_to_export_and_publish(queue_url: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's editor flow, on SQLite and on PostgreSQL."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pillars").mkdir()
    (tmp_path / "pillars" / "batching.md").write_text((ROOT / "media/samples/batch-your-content.md").read_text())
    runner = CliRunner()
    result = runner.invoke(repurpose_cmd, ["pillars", "-p", "linkedin,x", "--queue", "--db", queue_url])
    assert result.exit_code == 0, result.output
    assert "Queue: 2 draft(s) added for review, 0 already there." in result.output
    listed = json.loads(runner.invoke(main, ["queue", "list", "--json", "--db", queue_url]).output)
    assert [i["state"] for i in listed] == ["in_review", "in_review"]
    for item in listed:
        out = runner.invoke(main, ["queue", "approve", str(item["id"]), "--author", "ana", "--db", queue_url])
        assert out.output == f"Item {item['id']}: approved by ana.\n"
    planned = runner.invoke(main, ["schedule", "plan", "--db", queue_url])
    assert planned.exit_code == 0 and "2 planned, 0 not placed." in planned.output
    ics = runner.invoke(main, ["schedule", "export", "--format", "ics", "--out", "plan.ics", "--db", queue_url])
    assert ics.exit_code == 0 and (tmp_path / "plan.ics").read_bytes().count(b"BEGIN:VEVENT") == 2
    buffer = runner.invoke(main, ["schedule", "export", "--format", "buffer", "--db", queue_url])
    assert buffer.output.startswith("Text,Image URL,Tags,Posting Time\n")
    first = listed[0]["id"]
    past = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M+00:00")
    assert runner.invoke(main, ["schedule", "pin", str(first), past, "--db", queue_url]).exit_code == 0
    dry = runner.invoke(main, ["publish", "--due", "--dry-run", "--db", queue_url])
    assert dry.exit_code == 0 and "would publish" in dry.output and "1 due" in dry.output
    assert json.loads(runner.invoke(main, ["queue", "list", "--json", "--db", queue_url]).output)[0]["state"] == \
        "scheduled"


def test_the_built_in_publishers_come_through_the_entry_points() -> None:
    assert {"folder", "webhook"} <= set(publishers.names())
    assert publishers.get("folder") is FolderPublisher and publishers.get("webhook") is WebhookPublisher
    with pytest.raises(PluginError, match="unknown publisher 'webhok'.*did you mean 'webhook'"):
        publishers.get("webhok")


@pytest.mark.parametrize(("options", "message"), [
    ({}, "no webhook URL"), ({"url": "hooks.example/x"}, r"is not an http\(s\) URL"),
    ({"url": "https://hooks.example/x", "timeout": "soon"}, "not a positive number of seconds"),
])
def test_the_webhook_publisher_checks_its_options(options: dict[str, Any], message: str) -> None:
    with pytest.raises(PublisherConfigError, match=message):
        publishers.get("webhook")(**options)
