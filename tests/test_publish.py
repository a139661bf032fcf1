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

import httpx
import pytest
import yaml
from click.testing import CliRunner

from workbench.cli import main, repurpose_cmd
from workbench.config import PublishConfig, PublishRoute, load_settings
from workbench.drafts import CTA, Draft, Provenance
from workbench.errors import ConfigError
from workbench.plugins import PluginError
from workbench.publish import (
    FolderPublisher,
    PublisherConfigError,
    Router,
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
                status = {"ok": 200, "slow": 200, "list": 200, "429": 429, "503": 503, "503-bare": 503, "502": 502,
                          "504": 504, "301": 301, "303": 303, "400": 400}[step]
                data = json.dumps([{"id": "a"}] if step == "list" else {"id": f"post-{len(hook.received)}"}
                                  if status == 200 else {"error": step}).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    if step in ("429", "503"):  # "not processed, come back in 0 s"; 503-bare says nothing
                        self.send_header("retry-after", "0")
                    if step in ("301", "303"):
                        self.send_header("location", "https://hooks.example/moved")
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
    queue.approve(item.id, "ana", 1)
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
        out = runner.invoke(main, ["queue", "approve", str(item["id"]), "--revision", "1", "--author", "ana",
                                   "--db", queue_url])
        assert out.output == f"Item {item['id']}: approved by ana.\n"
    planned = runner.invoke(main, ["schedule", "plan", "--db", queue_url])
    assert planned.exit_code == 0 and "2 planned, 0 not placed." in planned.output
    ics = runner.invoke(main, ["schedule", "export", "--format", "ics", "--out", "plan.ics", "--db", queue_url])
    assert ics.exit_code == 0 and (tmp_path / "plan.ics").read_bytes().count(b"BEGIN:VEVENT") == 2
    buffer = runner.invoke(main, ["schedule", "export", "--format", "buffer", "--out", "buffer.csv", "--db", queue_url])
    assert buffer.exit_code == 0 and "wrote 2 rows in 2 files; 0 dropped, 0 moved" in buffer.output
    channels = sorted(tmp_path.glob("buffer-*.csv"))  # a file per channel: LinkedIn and X
    assert [p.name.split("-")[1] for p in channels] == ["linkedin", "x"]
    assert all(p.read_text().startswith("Text,Image URL,Tags,Posting Time\n") for p in channels)
    first = listed[0]["id"]
    past = datetime.now(UTC) - timedelta(minutes=5)
    refused = runner.invoke(main, ["schedule", "pin", str(first), past.strftime("%Y-%m-%dT%H:%M+00:00"),
                                   "--db", queue_url])
    assert refused.exit_code == 2 and "has passed" in refused.output  # an editor cannot pin into the past
    Queue(queue_url, workspace=tmp_path).set_schedule(first, past, "test")  # the clock moved on: it is due
    dry = runner.invoke(main, ["publish", "--due", "--dry-run", "--db", queue_url])
    assert dry.exit_code == 0 and "would publish" in dry.output and "1 due" in dry.output
    assert json.loads(runner.invoke(main, ["queue", "list", "--json", "--db", queue_url]).output)[0]["state"] == \
        "scheduled"


# --- routing: each due item to the publisher configured for its platform and brand ---

def due_on(queue: Queue, platform: str, text: str, brand: str = "northwind-advisory") -> int:
    draft = Draft(platform, [text], cta=CTA("follow", "Follow us"), provenance=Provenance(pillar_hash=text))
    item = queue.add(draft, "p.md", brand)
    queue.approve(item.id, "ana", 1)
    queue.set_schedule(item.id, datetime.now(UTC) - timedelta(minutes=1), "ana", pinned=True)
    return item.id


def workspace(tmp_path: Path, publish: dict[str, Any]) -> None:
    (tmp_path / "workbench.yaml").write_text(yaml.safe_dump({"publish": publish}))


def test_each_due_item_arrives_at_the_publisher_routed_for_its_platform(
        queue_url: str, tmp_path: Path, hook: Hook, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKBENCH_WEBHOOK_SECRET", SECRET)  # read by Settings, never by the CLI
    queue = Queue(queue_url, workspace=tmp_path)
    to_folder = due_on(queue, "x", "Planning beats guessing. Follow us.")
    to_hook = due_on(queue, "linkedin", "Batch the month in one afternoon. Follow us for weekly analysis.")
    workspace(tmp_path, {"publishers": {"folder": {"path": "out"}, "webhook": {"url": hook.url}},
                         "routes": [{"platform": "x", "publisher": "folder"},
                                    {"platform": "linkedin", "publisher": "webhook"}]})
    result = CliRunner().invoke(main, ["publish", "--due", "--db", queue_url])
    assert result.exit_code == 0, result.output
    assert [(r["body"]["item"], r["signed"]) for r in hook.received] == [(to_hook, True)]  # only LinkedIn, signed
    written = list((tmp_path / "out").rglob("*.json"))
    assert [json.loads(p.read_text())["item"] for p in written] == [to_folder]  # only X, into the folder
    cells = [[c.strip() for c in line.split("│")[1:-1]] for line in result.output.splitlines() if "│" in line]
    assert [c[:4] for c in cells if c[0]] == [[str(to_folder), "x", "folder", "published"],
                                              [str(to_hook), "linkedin", "webhook", "published"]]  # who took each
    assert "2 due, 2 published, 0 failed" in result.output
    assert {queue.get(i).state for i in (to_folder, to_hook)} == {"published"}


def test_a_brand_route_beats_a_platform_route_and_the_catalogue_is_the_fallback(queue: Queue, hook: Hook,
                                                                                  tmp_path: Path) -> None:
    ours = due_on(queue, "x", "Ours. Follow us.", brand="sunny-studio")
    theirs = due_on(queue, "x", "Theirs. Follow us.")
    unrouted = due_on(queue, "bluesky", "Nobody routed Bluesky. Follow us.")
    config = PublishConfig(publishers={"folder": {"path": str(tmp_path / "out")},
                                       "webhook": {"url": hook.url, "timeout": 0.5}},
                           routes=[PublishRoute(platform="x", publisher="folder"),
                                   PublishRoute(platform="x", brand="sunny-studio", publisher="webhook")])
    reports = publish_due(queue, Router(config), "cron", backoff=0)
    assert {r.item: r.publisher for r in reports} == {ours: "webhook", theirs: "folder", unrouted: "folder"}
    assert [r["body"]["item"] for r in hook.received] == [ours]
    # a workspace default sends unrouted platforms elsewhere; --to sends everything to one publisher
    router = Router(config.model_copy(update={"default": "webhook"}))
    assert [router.choose(queue.get(i))[0] for i in (ours, theirs, unrouted)] == ["webhook", "folder", "webhook"]
    forced = Router(config, override="folder")
    assert {forced.choose(queue.get(i)) for i in (ours, theirs, unrouted)} == {("folder", "--to")}


def test_a_route_to_a_publisher_that_is_not_installed_stops_the_run_before_anything_goes_out(
        queue_url: str, tmp_path: Path, hook: Hook, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    queue = Queue(queue_url, workspace=tmp_path)
    fine = due_on(queue, "x", "Planning beats guessing. Follow us.")
    broken = due_on(queue, "linkedin", "Batch the month in one afternoon. Follow us for weekly analysis.")
    workspace(tmp_path, {"publishers": {"webhook": {"url": hook.url}},
                         "routes": [{"platform": "x", "publisher": "webhook"},
                                    {"platform": "linkedin", "publisher": "webhok"}]})
    result = CliRunner().invoke(main, ["publish", "--due", "--db", queue_url])
    assert result.exit_code == 2
    assert f"item {broken} (linkedin, brand northwind-advisory) goes to publisher 'webhok', which is not " \
           "installed" in result.output
    assert "publish.routes[1]" in result.output and "did you mean 'webhook'?" in result.output
    assert hook.received == [] and queue.get(fine).state == "scheduled"  # nothing went out
    # --to overrides every route, the broken one included
    forced = CliRunner().invoke(main, ["publish", "--due", "--to", "folder", "--folder", "out", "--db", queue_url])
    assert forced.exit_code == 0 and "2 due, 2 published" in forced.output and hook.received == []


def test_publisher_options_are_checked_before_anything_goes_out(queue: Queue, tmp_path: Path) -> None:
    due_on(queue, "x", "Planning beats guessing. Follow us.")
    missing_url = Router(PublishConfig(default="webhook"))
    with pytest.raises(PublisherConfigError, match="no webhook URL"):
        publish_due(queue, missing_url, "cron")
    typo = Router(PublishConfig(publishers={"folder": {"pth": "out"}}))
    with pytest.raises(PublisherConfigError, match="the folder publisher does not take these options"):
        publish_due(queue, typo, "cron", dry_run=True)
    assert queue.get(queue.due()[0].id).state == "scheduled"


def test_a_route_for_an_unknown_platform_fails_when_the_workspace_loads(tmp_path: Path) -> None:
    workspace(tmp_path, {"routes": [{"platform": "linkdin", "publisher": "folder"}]})
    with pytest.raises(ConfigError, match=r"publish.routes\[0\]: unknown platform 'linkdin'.*did you mean 'linkedin'"):
        load_settings(workspace=tmp_path)


def test_the_webhook_secret_and_url_come_through_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace(tmp_path, {"publishers": {"webhook": {"secret_env": "TEAM_HOOK_SECRET"}}})
    monkeypatch.setenv("TEAM_HOOK_SECRET", "from-env")
    monkeypatch.setenv("WORKBENCH_WEBHOOK_URL", "https://hooks.example/social")
    options = load_settings(workspace=tmp_path).publisher_options("webhook")
    assert options == {"url": "https://hooks.example/social", "secret": "from-env"}
    assert load_settings(workspace=tmp_path).publisher_options("webhook", {"url": "https://other.example/x"})["url"] \
        == "https://other.example/x"


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


# --- a flaky receiver: every way it fails, the final state and how many times the post arrived ----------------

@pytest.mark.parametrize(("script", "state", "deliveries"), [
    (["429"], "published", 2),  # rate limited: not processed, sent again
    (["429", "429", "429"], "failed", 3),  # still limited after every retry: failed, never live
    (["503"], "published", 2),  # 503 with Retry-After: "not processed, come back", sent again
    (["503-bare"], "needs_attention", 1),  # 503 from a proxy whose upstream may have taken it
    (["502"], "needs_attention", 1),  # the receiver processed it, then its gateway failed
    (["504"], "needs_attention", 1),
    (["slow"], "needs_attention", 1),  # read timeout: it may be live
    (["drop"], "needs_attention", 1),  # the connection dropped after the body went
    (["301"], "failed", 1),  # moved: nothing was posted, never counted as published
    (["303"], "needs_attention", 1),  # "see other": what a receiver says after it processed a post
    (["400"], "failed", 1),
    (["list"], "published", 1),  # a 2xx with a JSON list: accepted, so published (with a note), once
], ids=lambda v: "-".join(v) if isinstance(v, list) else str(v))
def test_a_flaky_receiver_never_gets_a_post_twice_unless_it_said_it_did_not_take_it(
        queue: Queue, hook: Hook, script: list[str], state: str, deliveries: int) -> None:
    item_id = due_item(queue)
    hook.script = list(script)
    [report] = run(queue, hook)
    item = queue.get(item_id)
    assert (report.outcome, item.state) == (state, state)
    assert len(hook.received) == deliveries
    assert {r["key"] for r in hook.received} == {item.idempotency_key}
    assert run(queue, hook) == [] and len(hook.received) == deliveries  # and nothing more goes out later
    if script == ["301"]:
        assert "redirect to https://hooks.example/moved" in item.last_error and item.published_at is None
    if script == ["list"]:
        assert item.external_id == item.idempotency_key and "JSON list" in report.detail


def test_an_item_found_due_then_edited_and_reapproved_for_tomorrow_is_not_sent(
        queue: Queue, hook: Hook, monkeypatch: pytest.MonkeyPatch) -> None:
    item_id = due_item(queue)
    found = queue.due()  # the run reads what is due ...
    queue.edit(item_id, ["Planning beats guessing, revised. Follow us."], "bob", base_revision=1)
    queue.approve(item_id, "ana", 2)  # ... revision 2 is approved for tomorrow meanwhile
    queue.set_schedule(item_id, datetime.now(UTC) + timedelta(days=1), "ana", pinned=True)
    monkeypatch.setattr(queue, "due", lambda now=None: found)
    [report] = run(queue, hook)
    assert report.outcome == "skipped" and "now revision 2" in report.detail
    assert hook.received == [] and queue.get(item_id).state == "scheduled"


def test_two_workspaces_item_1_are_two_posts_and_an_edit_is_a_new_key(queue_url: str, other_queue_url: str,
                                                                      tmp_path: Path, hook: Hook) -> None:
    ours, theirs = Queue(queue_url, workspace=tmp_path), Queue(other_queue_url, workspace=tmp_path)
    for q in (ours, theirs):
        assert due_item(q) == 1
    ours.edit(1, ["Planning beats guessing, every week. Follow us."], "bob", base_revision=1)
    ours.approve(1, "ana", 2)
    ours.set_schedule(1, datetime.now(UTC) - timedelta(minutes=1), "ana", pinned=True)
    for q in (ours, theirs):
        [report] = run(q, hook)
        assert report.outcome == "published"
    assert [r["key"] for r in hook.received] == [f"wb-{ours.workspace_id}-1-r2", f"wb-{theirs.workspace_id}-1-r1"]
    assert hook.received[0]["body"]["parts"] == ["Planning beats guessing, every week. Follow us."]


def test_ctrl_c_mid_delivery_leaves_the_item_for_a_person(queue: Queue) -> None:
    item_id = due_item(queue)
    sent: list[bytes] = []

    def interrupted(request: httpx.Request) -> httpx.Response:
        sent.append(request.content)
        raise KeyboardInterrupt

    publisher = WebhookPublisher("https://hooks.example/social", SECRET, transport=httpx.MockTransport(interrupted))
    with pytest.raises(KeyboardInterrupt):
        publish_due(queue, publisher, "cron", backoff=0)
    item = queue.get(item_id)
    assert item.state == "needs_attention" and "interrupted by KeyboardInterrupt" in item.last_error
    assert len(sent) == 1 and publish_due(queue, publisher, "cron") == []  # not sent again by itself


@pytest.mark.parametrize("url", ["htp://hooks.example/social", "http://hooks..example/social",
                                 "http://hooks.example:99999/social", "http://hooks example/social"])
def test_a_bad_webhook_url_stops_the_run_before_anything_is_claimed(queue_url: str, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.chdir(tmp_path)
    queue = Queue(queue_url, workspace=tmp_path)
    item_id = due_item(queue)
    result = CliRunner().invoke(main, ["publish", "--due", "--to", "webhook", "--url", url, "--db", queue_url])
    assert result.exit_code == 2 and "is not an http(s) URL" in result.output and "Traceback" not in result.output
    assert queue.get(item_id).state == "scheduled"
    assert [a["action"] for a in queue.audit_log(item_id)][-1] == "scheduled"


def test_a_run_that_was_killed_is_found_by_the_next_one(queue: Queue, hook: Hook) -> None:
    stuck = due_item(queue)
    assert queue.claim_for_publishing(queue.get(stuck), "killed run")
    with queue.store.transaction() as conn:
        queue.store.update_item(conn, stuck, updated_at=datetime.now(UTC) - timedelta(minutes=16))
    [report] = run(queue, hook)
    assert (report.item, report.outcome) == (stuck, "needs_attention") and "never finished" in report.detail
    assert queue.get(stuck).state == "needs_attention" and hook.received == []
    assert run(queue, hook) == []


def test_cli_approve_needs_the_revision_and_resolve_settles_an_item(queue_url: str, tmp_path: Path,
                                                                    hook: Hook) -> None:
    queue = Queue(queue_url, workspace=tmp_path)
    draft = Draft("x", ["Planning beats guessing. Follow us."], provenance=Provenance(pillar_hash="cli"))
    item = queue.add(draft, "p.md", "northwind-advisory")
    queue.edit(item.id, ["Planning beats guessing, edited. Follow us."], "bob", base_revision=1)
    runner = CliRunner()

    def cli(*args: str) -> Any:
        return runner.invoke(main, [*args, "--author", "ana", "--db", queue_url])

    missing = cli("queue", "approve", str(item.id))
    assert missing.exit_code == 2 and f"`workbench queue show {item.id}`" in missing.output
    stale = cli("queue", "approve", str(item.id), "--revision", "1")
    assert stale.exit_code == 2 and "is at revision 2; you reviewed revision 1" in stale.output
    assert "--revision 2" in stale.output and queue.get(item.id).state == "in_review"
    assert cli("queue", "approve", str(item.id), "--revision", "2").output == f"Item {item.id}: approved by ana.\n"
    queue.set_schedule(item.id, datetime.now(UTC) - timedelta(minutes=1), "ana", pinned=True)
    hook.script = ["502"]
    run(queue, hook)
    assert queue.get(item.id).state == "needs_attention"
    for wrong in ([], ["--retry", "--fail", "x"]):
        bad = cli("queue", "resolve", str(item.id), *wrong)
        assert bad.exit_code == 2 and "one of --published URL, --retry, --fail REASON" in bad.output
    retried = cli("queue", "resolve", str(item.id), "--retry")
    assert retried.output == f"Item {item.id}: scheduled (resolved by ana).\n"
    [report] = run(queue, hook)  # checked: not live, so it goes again, with the same key
    assert report.outcome == "published" and len({r["key"] for r in hook.received}) == 1
    refused = cli("queue", "resolve", str(item.id), "--fail", "duplicate")
    assert refused.exit_code == 2 and "'published'" in refused.output
    other = due_item(queue, "Another post. Follow us for weekly analysis.")
    hook.script = ["504"]
    run(queue, hook)
    assert cli("queue", "resolve", str(other), "--published", "https://x.example/status/5").exit_code == 0
    assert queue.get(other).external_id == "https://x.example/status/5"
    [entry] = [a for a in queue.audit_log(other) if a["action"] == "resolved"]
    assert entry["actor"] == "ana" and entry["detail"]["resolution"] == "published"
