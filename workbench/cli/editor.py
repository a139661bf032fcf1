"""CLI for editors: `workbench queue`, `workbench schedule`, `workbench publish`. Thin wrappers over
`workbench.queue`, `workbench.schedule` and `workbench.publish`."""

from __future__ import annotations

import difflib
import itertools
import json
import sys
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from ..config import Settings, load_settings
from ..errors import WorkbenchError
from ..publish import PublishOutcome, publishers
from ..queue import Item, ItemState, Queue, SortKey, now_utc
from ..schedule.exports import BufferPlan, DateFormat, exporters
from ..scoring import defect_codes
from ._base import HandledCommand, HandledGroup, author_option, db_option, read_text
from ._base import console as _console


def _open(db: str | None) -> tuple[Settings, Queue]:
    settings = load_settings()
    return settings, settings.queue(db)


def _author(settings: Settings, author: str | None) -> str:
    return str(settings.get("author", author))




def _first_line(item: Item, width: int = 60) -> str:
    line = item.draft.parts[0].split("\n")[0] if item.draft.parts else ""
    return line if len(line) <= width else line[:width - 1] + "…"


@click.group("queue", cls=HandledGroup)
def queue_group() -> None:
    """Review drafts: list, show, edit, comment, approve, reject, request changes."""


@queue_group.command("list")
@click.option("--state", type=click.Choice([s.value for s in ItemState]))
@click.option("--platform")
@click.option("--brand")
@click.option("--min-score", type=int)
@click.option("--code", help="Only items whose score has this defect (a rubric code, e.g. META).")
@click.option("--search", help="Only items whose text or title holds this (any case).")
@click.option("--sort", type=click.Choice([k.value for k in SortKey]), default="id", show_default=True)
@click.option("--desc", "descending", is_flag=True, help="Largest (or latest) first.")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True, help="At most this many items.")
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True, help="Skip this many first.")
@click.option("--json", "as_json", is_flag=True, help="The items as JSON (for scripts).")
@db_option
def queue_list(state: str | None, platform: str | None, brand: str | None, min_score: int | None, code: str | None,
               search: str | None, sort: str, descending: bool, limit: int, offset: int, as_json: bool,
               db: str | None) -> None:
    """Items in the queue, with score, defects, problems and state; a page at a time (--limit, --offset)."""
    _, queue = _open(db)
    found = queue.list(state=state, platform=platform, brand=brand, min_score=min_score, code=code, search=search,
                       sort=sort, descending=descending, limit=limit + 1, offset=offset)
    more, found = len(found) > limit, found[:limit]
    if as_json:
        click.echo(json.dumps([{"id": i.id, "state": i.state, "platform": i.platform, "brand": i.brand,
                                "score": i.score, "defects": defect_codes(i.draft.score),
                                "problems": len(i.problems), "revision": i.revision,
                                "scheduled_at": i.scheduled_at.isoformat() if i.scheduled_at else None,
                                "text": i.draft.parts[0]} for i in found], ensure_ascii=False))
        return
    codes = {i.id: " ".join(defect_codes(i.draft.score)) for i in found}
    shown = any(codes.values())  # the defects column, when a listed item has one
    screen = _console()
    # the text takes what the terminal has left after the other columns
    text_width = max(60, screen.width - 90 - (12 if shown else 0))
    span = f"{offset + 1}-{offset + len(found)}" if found else "none"
    table = Table("id", "state", "platform", "brand", "score", *(["defects"] if shown else []), "problems", "rev",
                  "scheduled (UTC)", "text", title=f"queue: {len(found)} item(s) ({span})")
    for i in found:
        table.add_row(str(i.id), i.state, i.platform, i.brand, "-" if i.score is None else str(i.score),
                      *([codes[i.id] or "-"] if shown else []), str(len(i.problems)), str(i.revision),
                      i.scheduled_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if i.scheduled_at else "-",
                      _first_line(i, text_width))
    screen.print(table)
    if more:
        click.echo(f"more: --offset {offset + limit} for the next {limit}.")


@queue_group.command("show")
@click.argument("item_id", type=int)
@db_option
def queue_show(item_id: int, db: str | None) -> None:
    """One item: its text, score with reasons, problems, revisions (as a diff), comments and history."""
    _, queue = _open(db)
    item = queue.get(item_id)
    click.echo(f"Item {item.id} · {item.platform} · {item.brand} · {item.state} · revision {item.revision}")
    if item.scheduled_at:
        click.echo(f"Scheduled: {item.scheduled_at.isoformat()}" + (" (pinned)" if item.pinned else ""))
    if item.draft.title:
        click.echo(f"Title: {item.draft.title}")
    for n, part in enumerate(item.draft.parts, 1):
        click.echo(f"--- post {n}/{len(item.draft.parts)}" if len(item.draft.parts) > 1 else "---")
        click.echo(part)
    click.echo("---")
    if item.draft.score:
        from ..findings import defect_lines
        from ..scoring import deductions, headline

        click.echo(headline(item.draft.score))
        for line in defect_lines(item.draft.score, item.draft.text):
            click.echo(f"  defect: {line}")
        for r in deductions(item.draft.score):
            if r.get("component") != "content":  # the defects, above with their words and fix
                click.echo(f"  {r['points']:+d} {r['message']}")
    for p in item.problems:
        click.echo(f"Problem: {p.code}: {p.message}")
    revs = queue.revisions(item_id)
    for prev, cur in itertools.pairwise(revs):
        click.echo(f"Revision {cur.number} by {cur.author} ({cur.created_at:%Y-%m-%d %H:%M}):")
        diff = difflib.unified_diff("\n".join(prev.parts).splitlines(), "\n".join(cur.parts).splitlines(),
                                    f"revision {prev.number}", f"revision {cur.number}", lineterm="")
        for line in list(diff)[2:]:
            click.echo(f"  {line}")
    for c in queue.conflicts(item_id):
        click.echo(f"Conflict kept: {c['author']} edited revision {c['base_revision']} after revision "
                   f"{c['current_revision']} was saved: {' / '.join(c['parts'])[:100]}")
    for c in queue.comments(item_id):
        click.echo(f"Comment by {c['author']}: {c['body']}")
    for a in queue.audit_log(item_id):
        click.echo(f"{a['at']:%Y-%m-%d %H:%M} {a['actor']}: {a['action']}")


@queue_group.command("edit")
@click.argument("item_id", type=int)
@click.option("--base-revision", type=int, required=True, help="The revision you started from (see `show`).")
@click.option("--text", help="The new text; for a thread separate posts with a line '---'.")
@click.option("--file", "file", type=click.File("rb"), help="Read the new text from a file (- for stdin).")
@click.option("--title")
@author_option
@db_option
def queue_edit(item_id: int, base_revision: int, text: str | None, file: Any, title: str | None,
               author: str | None, db: str | None) -> None:
    """Save a new revision; it is re-validated and re-scored. A stale --base-revision is refused."""
    from ..drafts import parts_from_text

    settings, queue = _open(db)
    if (text is None) == (file is None):
        raise WorkbenchError("give the new text with --text or --file (one of them).", field="text")
    item = queue.get(item_id)
    parts = parts_from_text(text if text is not None else read_text(file, "the new text"),
                            settings.platform(item.platform).is_thread)
    saved = queue.edit(item_id, parts, _author(settings, author), base_revision, title)
    click.echo(f"Item {saved.id}: revision {saved.revision} saved, state {saved.state}, score {saved.score}, "
               f"{len(saved.problems)} problem(s).")


@queue_group.command("comment")
@click.argument("item_id", type=int)
@click.argument("message")
@author_option
@db_option
def queue_comment(item_id: int, message: str, author: str | None, db: str | None) -> None:
    """Add a comment to an item."""
    settings, queue = _open(db)
    queue.comment(item_id, _author(settings, author), message)
    click.echo(f"Item {item_id}: comment added.")


def _decide(action: str, item_id: int, comment: str | None, author: str | None, db: str | None,
            revision: int | None = None) -> None:
    settings, queue = _open(db)
    who = _author(settings, author)
    if action == "approve":
        if revision is None:
            raise WorkbenchError("approving needs the revision you read.", field="--revision",
                                 fix=f"see `workbench queue show {item_id}` for its text and revision, then "
                                     "add --revision N.")
        item = queue.approve(item_id, who, revision)
    elif action == "reject":
        item = queue.reject(item_id, who, comment)
    else:
        item = queue.request_changes(item_id, who, comment or "")
    click.echo(f"Item {item.id}: {item.state} by {who}.")


@queue_group.command("approve")
@click.argument("item_id", type=int)
@click.option("--revision", type=int, help="Required: the revision you read (see `show`); refused if the text "
                                           "changed since.")
@author_option
@db_option
def queue_approve(item_id: int, revision: int | None, author: str | None, db: str | None) -> None:
    """Approve the revision you read (refused while it has platform problems, or once a newer one is saved)."""
    _decide("approve", item_id, None, author, db, revision)


@queue_group.command("reject")
@click.argument("item_id", type=int)
@click.option("--comment")
@author_option
@db_option
def queue_reject(item_id: int, comment: str | None, author: str | None, db: str | None) -> None:
    """Reject an item."""
    _decide("reject", item_id, comment, author, db)


@queue_group.command("request-changes")
@click.argument("item_id", type=int)
@click.option("--comment", required=True, help="What to change.")
@author_option
@db_option
def queue_request_changes(item_id: int, comment: str, author: str | None, db: str | None) -> None:
    """Send an item back to its writer with a comment."""
    _decide("request", item_id, comment, author, db)


@queue_group.command("resolve")
@click.argument("item_id", type=int)
@click.option("--published", "url", metavar="URL", help="It is live: where (a URL, or the platform's id).")
@click.option("--retry", is_flag=True, help="It is not live: schedule it again (same idempotency key).")
@click.option("--fail", "reason", metavar="REASON", help="Give up on it, saying why.")
@author_option
@db_option
def queue_resolve(item_id: int, url: str | None, retry: bool, reason: str | None, author: str | None,
                  db: str | None) -> None:
    """Settle an item publishing could not (needs_attention, or failed): you checked whether it is live."""
    if sum((url is not None, retry, reason is not None)) != 1:
        raise WorkbenchError("say how to resolve it: one of --published URL, --retry, --fail REASON.",
                             field="resolve", fix="check on the platform whether the post is live, then give "
                                                  "one of them.")
    settings, queue = _open(db)
    who = _author(settings, author)
    if url is not None:
        item = queue.resolve_published(item_id, who, url)
    elif retry:
        item = queue.resolve_retry(item_id, who)
    else:
        item = queue.resolve_failed(item_id, who, reason or "")
    click.echo(f"Item {item.id}: {item.state} (resolved by {who}).")


# ---------------------------------------------------------------------------------------------

@click.group("schedule", cls=HandledGroup)
def schedule_group() -> None:
    """Plan approved items into posting slots, list them, pin a time, export and import."""


@schedule_group.command("plan")
@click.option("--brand", help="Use this brand's schedule from workbench.yaml (default: the workspace schedule).")
@click.option("--dry-run", is_flag=True, help="Show where items would go; change nothing.")
@author_option
@db_option
def schedule_plan(brand: str | None, dry_run: bool, author: str | None, db: str | None) -> None:
    """Put approved items into the next free slots (spacing, blackout dates, promotion mix)."""
    from ..schedule import plan

    settings, queue = _open(db)
    config = settings.schedule_for(brand)
    placements = plan(queue, config, actor=_author(settings, author), apply=not dry_run)
    zone = config.zone
    for p in placements:
        if p.when:
            click.echo(f"item {p.item.id} {p.item.platform}: {p.when.astimezone(zone):%a %Y-%m-%d %H:%M} "
                       f"{config.timezone}" + (" (dry run)" if dry_run else ""))
        else:
            click.echo(f"item {p.item.id} {p.item.platform}: not placed, {p.reason}")
    click.echo(f"{sum(1 for p in placements if p.when)} planned, "
               f"{sum(1 for p in placements if not p.when)} not placed.")


@schedule_group.command("list")
@click.option("--brand")
@click.option("--json", "as_json", is_flag=True, help="The schedule as JSON (times with their offset).")
@db_option
def schedule_list(brand: str | None, as_json: bool, db: str | None) -> None:
    """The schedule, in the workspace's time zone."""
    from ..schedule import schedule_frame

    settings, queue = _open(db)
    frame = schedule_frame(queue, settings.schedule_for(brand).zone)
    if as_json:
        click.echo(json.dumps([{"item": int(r.item), "platform": r.platform, "when": r.when_local.isoformat(),
                                "pinned": bool(r.pinned), "text": r.text} for r in frame.itertuples()],
                              ensure_ascii=False))
        return
    if frame.empty:
        click.echo("Nothing scheduled.")
        return
    table = Table("item", "platform", "when", "pinned", "text", title="schedule")
    for row in frame.itertuples():
        table.add_row(str(row.item), row.platform, f"{row.weekday} {row.when_local:%Y-%m-%d %H:%M}",
                      "yes" if row.pinned else "", row.text)
    _console().print(table)


@schedule_group.command("pin")
@click.argument("item_id", type=int)
@click.argument("when")
@author_option
@db_option
def schedule_pin(item_id: int, when: str, author: str | None, db: str | None) -> None:
    """Pin or move an item to a time: '2026-12-01 09:00' (workspace zone) or with an offset or zone."""
    from ..schedule import parse_when, pin

    settings, queue = _open(db)
    item = pin(queue, item_id, parse_when(when, settings.schedule_for().timezone), _author(settings, author),
               now=now_utc())
    when_set = item.scheduled_at.isoformat() if item.scheduled_at else "-"
    click.echo(f"Item {item.id}: scheduled at {when_set} (pinned).")


@schedule_group.command("export")
@click.option("--format", "fmt", type=click.Choice(exporters.names()), required=True,
              help="An installed exporter (built in: iCalendar, Buffer, Hootsuite, Sprout Social).")
@click.option("--out", type=click.Path(path_type=Path),
              help="File to write; each channel's file goes beside it (plan-linkedin-b.csv). Default: stdout, "
                   "when the export is one file.")
@click.option("--date-format", type=click.Choice([f.value for f in DateFormat]), default="dmy", show_default=True,
              help="Hootsuite and Sprout: day/month/year or month/day/year.")
@click.option("--buffer-plan", type=click.Choice([p.value for p in BufferPlan]), default="paid", show_default=True,
              help="Buffer: rows a file (paid 100, free 10).")
@click.option("--allow-drops", is_flag=True, help="Exit 0 even when the tool's rules dropped or moved a row.")
@click.option("--brand")
@db_option
def schedule_export(fmt: str, out: Path | None, date_format: str, buffer_plan: str, allow_drops: bool,
                    brand: str | None, db: str | None) -> None:
    """Export scheduled items: iCalendar, or bulk-upload CSVs for Buffer, Hootsuite or Sprout Social (a file per
    channel). Every row the tool's rules dropped or moved is listed; then the exit status is 1."""
    from ..schedule import ExportOptions, export_queue

    settings, queue = _open(db)
    zone = settings.schedule_for(brand).zone
    options = ExportOptions(zone=zone, date_format=DateFormat.parse(date_format),
                            buffer_plan=BufferPlan.parse(buffer_plan))
    result = export_queue(fmt, queue, options, brand)
    if out is None:
        if len(result.files) > 1:
            raise WorkbenchError(f"this export is {len(result.files)} files (one per channel, "
                                 f"{', '.join(s.lstrip('-') for s, _ in result.files)}); stdout takes one.",
                                 field="--out", fix=f"give --out, e.g. --out {result.filename}: each file is "
                                                    "written beside it.")
        for _, content in result.files:
            click.echo(content.decode("utf-8"), nl=False)
    else:
        for target in result.write(out):
            click.echo(f"wrote {target}", err=True)
    reported = {c.item_id for c in result.changes}
    for change in result.changes:
        click.echo(change.describe(zone), err=True)
    for item_id, reason in result.skipped:
        if item_id not in reported:  # a plugin's exporter that lists what it left out only there
            click.echo(f"item {item_id}: dropped: {reason}", err=True)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(result.summary(), err=True)
    if (result.dropped or result.moved) and not allow_drops:
        click.echo("exit 1: the tool would not take every row as planned (listed above); fix the times and "
                   "export again, or pass --allow-drops to accept the files as written.", err=True)
        sys.exit(1)


@schedule_group.command("import")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--platform", help="Platform for rows that have no platform column (default: from the file name, "
                                 "as `schedule export` names it: buffer-<platform>-<brand>.csv).")
@click.option("--brand", help="Brand for the imported items (default: the workspace brand).")
@click.option("--date-format", type=click.Choice([f.value for f in DateFormat]), default="dmy", show_default=True)
@click.option("--preview", is_flag=True, help="Show what would be created; create nothing.")
@author_option
@db_option
def schedule_import(file: Path, platform: str | None, brand: str | None, date_format: str, preview: bool,
                    author: str | None, db: str | None) -> None:
    """Import a Buffer / Hootsuite / Sprout-style CSV into the queue (column names may vary)."""
    from ..schedule import import_rows, read_csv

    settings, queue = _open(db)
    rows = read_csv(file, platform, settings.schedule_for(brand).zone, date_format, settings.platforms())
    for r in rows:
        when = r.when.isoformat() if r.when else "no time"
        state = "; ".join(r.problems) if r.problems else "ok"
        more = f" (+{len(r.parts) - 1} more posts in the thread)" if len(r.parts) > 1 else ""
        click.echo(f"line {r.line}: {r.platform or '?'} at {when}: {r.parts[0][:50]!r}{more} - {state}")
    good = [r for r in rows if not r.problems]
    if preview:
        click.echo(f"preview: {len(good)} item(s) would be created, {len(rows) - len(good)} row(s) have problems.")
        return
    created = import_rows(queue, rows, settings.get("brand", brand), _author(settings, author))
    click.echo(f"{len(created)} item(s) created (in review), {len(rows) - len(good)} row(s) skipped.")
    sys.exit(1 if len(good) < len(rows) else 0)


# ---------------------------------------------------------------------------------------------

@click.command("publish", cls=HandledCommand)
@click.option("--due", is_flag=True, required=True, help="Publish what is due now.")
@click.option("--dry-run", is_flag=True, help="List what would go out, and to which publisher; change nothing.")
@click.option("--to", "target", type=click.Choice(publishers.names()),
              help="Send every due item to this publisher (default: each item's route under publish: in "
                   "workbench.yaml, else its platform's publisher in the catalogue).")
@click.option("--folder", type=click.Path(path_type=Path),
              help="Folder publisher: the folder (default: publish.publishers.folder.path, else published).")
@click.option("--url", help="Webhook URL (default: publish.publishers.webhook.url, webhook_url, "
                            "WORKBENCH_WEBHOOK_URL).")
@click.option("--secret-env", help="Environment variable holding the webhook's HMAC secret "
                                   "[default: WORKBENCH_WEBHOOK_SECRET].")
@click.option("--retries", type=int, default=3, show_default=True)
@click.option("--stale-after", type=click.IntRange(min=1), default=15, show_default=True, metavar="MINUTES",
              help="An item still publishing after this long was left by a run that stopped: it goes to "
                   "needs_attention (see `queue resolve`).")
@author_option
@db_option
def publish_cmd(due: bool, dry_run: bool, target: str | None, folder: Path | None, url: str | None,
                secret_env: str | None, retries: int, stale_after: int, author: str | None, db: str | None) -> None:
    """Publish scheduled items whose time has come, each at most once, each to the publisher routed for its
    platform and brand."""
    from ..publish import Router, publish_due

    settings, queue = _open(db)
    overrides: dict[str, dict[str, Any]] = {"folder": {"path": folder},
                                            "webhook": {"url": url, "secret_env": secret_env}}
    router = Router(settings.file.publish, settings.platforms(),
                    lambda name: settings.publisher_options(name, overrides.get(name)), override=target)
    reports = publish_due(queue, router, _author(settings, author), retries=retries, dry_run=dry_run,
                          stale_after=timedelta(minutes=stale_after))
    table = Table("item", "platform", "publisher", "outcome", "detail", title="publish")
    for r in reports:
        table.add_row(str(r.item), r.platform, r.publisher, r.outcome, r.detail)
    _console().print(table)
    bad = [r for r in reports if r.outcome in (PublishOutcome.FAILED, PublishOutcome.NEEDS_ATTENTION)]
    click.echo(f"{len(reports)} due, {sum(r.outcome == PublishOutcome.PUBLISHED for r in reports)} published, "
               f"{len(bad)} failed or needing attention.")
    sys.exit(1 if bad else 0)
