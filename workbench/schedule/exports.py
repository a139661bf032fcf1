"""Exports of the schedule to calendars and scheduling tools, behind one registry.

Every exporter is a function `(items, ExportOptions) -> ExportResult`: the files to write (a suffix for
the file name, the bytes), every row it had to move or leave out (the time asked, the time written or why)
and notes. The built-ins register through the `workbench.exporters` entry points, as an outside package's
exporter does, so `workbench schedule export --format` offers whatever is installed.

The CSV exporters write what the tools' bulk uploads accept, since a file they refuse or quietly change costs
the editor more than a message: one file per channel (a platform and a brand, as each tool takes a file for
one profile), `buffer-linkedin-northwind-advisory.csv`, numbered past the tool's rows a file; an X thread as
one row per post, in order, `Tool.thread_gap` apart (the tools post them as separate posts, not as a reply
chain: a note says so); every row checked against the platform's limit. What a tool would refuse is left out
and what it would move is moved, and each such row is reported.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import one_of
from ..files import write_atomic
from ..platforms import PlatformSpec, check_text, registry
from ..plugins import Group, Registry
from ..queue import Item, ItemState, Queue, now_utc
from ..text import find_urls
from .plan import LEAD, MARK, THREAD_GAP, ScheduleError, next_mark, scheduled

BUFFER_ROWS = 100  # Buffer's bulk upload takes at most this many rows a file (on the free plan: 10)
BUFFER_FREE_ROWS = 10
HOOTSUITE_ROWS = 350  # Hootsuite's bulk composer takes at most this many rows a file
SPROUT_ROWS = 350  # Sprout's bulk scheduler likewise


class DateFormat(StrEnum):
    """How Hootsuite and Sprout read a date: the account's locale decides."""

    DMY = "dmy"
    MDY = "mdy"

    @property
    def strftime(self) -> str:
        return "%d/%m/%Y" if self is DateFormat.DMY else "%m/%d/%Y"

    @classmethod
    def parse(cls, value: str) -> DateFormat:
        return one_of(cls, value, ScheduleError, "unknown date format", "date_format")


class BufferPlan(StrEnum):
    """Buffer's plan decides how many rows one bulk upload takes."""

    PAID = "paid"
    FREE = "free"

    @property
    def rows(self) -> int:
        return BUFFER_FREE_ROWS if self is BufferPlan.FREE else BUFFER_ROWS

    @classmethod
    def parse(cls, value: str) -> BufferPlan:
        return one_of(cls, value, ScheduleError, "unknown Buffer plan", "buffer_plan")


class Tool(StrEnum):
    """A scheduling tool the built-in CSV exporters write for; each bulk upload has its own rules."""

    BUFFER = "buffer"
    HOOTSUITE = "hootsuite"
    SPROUT = "sprout"

    @property
    def label(self) -> str:
        return {Tool.BUFFER: "Buffer", Tool.HOOTSUITE: "Hootsuite", Tool.SPROUT: "Sprout"}[self]

    @property
    def rows_per_file(self) -> int:
        """The most rows one upload takes (Buffer's on a paid plan; see `BufferPlan`)."""
        return {Tool.BUFFER: BUFFER_ROWS, Tool.HOOTSUITE: HOOTSUITE_ROWS, Tool.SPROUT: SPROUT_ROWS}[self]

    @property
    def thread_gap(self) -> timedelta:
        """How far apart a thread's posts go: the least the tool takes (Buffer any minute, Hootsuite the next
        5-minute mark, Sprout 10 minutes between posts), so the thread reads in order and close together."""
        return {Tool.BUFFER: timedelta(minutes=1), Tool.HOOTSUITE: MARK, Tool.SPROUT: THREAD_GAP}[self]


class Change(StrEnum):
    """What an export did to a row the tool would not take as asked."""

    DROPPED = "dropped"
    MOVED = "moved"


@dataclass(frozen=True)
class RowChange:
    """One row not written as asked: moved (`written` is the time in the file) or dropped (`written` is None)."""

    item_id: int
    change: Change
    asked: datetime
    written: datetime | None
    reason: str
    part: int = 1  # which post of a thread, from 1
    parts: int = 1

    def describe(self, zone: ZoneInfo | None = None) -> str:
        """One line for the editor, times in `zone` (default UTC)."""
        def show(when: datetime) -> str:
            return when.astimezone(zone or UTC).strftime("%Y-%m-%d %H:%M %Z")

        post = f" post {self.part}/{self.parts}" if self.parts > 1 else ""
        if self.written is None:
            return f"item {self.item_id}{post}: dropped (asked {show(self.asked)}): {self.reason}"
        return f"item {self.item_id}{post}: moved from {show(self.asked)} to {show(self.written)}: {self.reason}"


@dataclass(frozen=True)
class EventHistory:
    """An item's place in the calendar as the queue's audit log tells it."""

    sequence: int = 0  # iCalendar's SEQUENCE: 0 when first scheduled, +1 per move and per removal
    last_at: datetime | None = None  # the time it was last scheduled for


@dataclass(frozen=True)
class CalendarHistory:
    """What `to_ics` needs besides the items: each item's `EventHistory`, and the items that were scheduled and
    no longer are (sent back to review, unscheduled, rejected, failed), so a subscribed calendar drops them."""

    events: Mapping[int, EventHistory] = field(default_factory=dict)
    cancelled: Sequence[Item] = ()


@dataclass(frozen=True)
class ExportOptions:
    """Everything an exporter may need besides the items; each exporter reads the fields it uses."""

    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    date_format: DateFormat = DateFormat.DMY
    now: datetime | None = None  # "now" for the tools' lead-time rules (default: the clock)
    calendar_name: str = "workbench"
    buffer_plan: BufferPlan = BufferPlan.PAID
    specs: Mapping[str, PlatformSpec] | None = None  # the workspace's catalogue, for the limits (default: built-in)
    workspace_id: str | None = None  # the queue's id, in every iCalendar UID (see `export_queue`)
    history: CalendarHistory | None = None  # SEQUENCE and cancelled events for iCalendar (see `calendar_history`)

    def __post_init__(self) -> None:
        object.__setattr__(self, "date_format", DateFormat.parse(self.date_format))
        object.__setattr__(self, "buffer_plan", BufferPlan.parse(self.buffer_plan))
        if not isinstance(self.zone, ZoneInfo):
            raise ScheduleError(f"{self.zone!r} is not a time zone.", field="zone",
                                fix="pass a zoneinfo.ZoneInfo, e.g. ScheduleConfig.zone.")

    @property
    def earliest(self) -> datetime:
        """The first moment a tool accepts a post for."""
        return (self.now or now_utc()) + LEAD

    def spec(self, platform: str) -> PlatformSpec | None:
        return (self.specs if self.specs is not None else registry()).get(platform)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@dataclass(frozen=True)
class ExportResult:
    files: list[tuple[str, bytes]]  # (suffix for the file name, e.g. "" or "-x-northwind"; content)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (item id, why it was left out)
    filename: str = "export.csv"  # the file name to use when the user names none (the suffix goes before ".")
    changes: list[RowChange] = field(default_factory=list)  # every row moved or dropped, with the times
    notes: list[str] = field(default_factory=list)  # what the editor should know, nothing changed (threads)
    rows: int | None = None  # rows (or events) written; None when the exporter does not say

    @property
    def dropped(self) -> int:
        """Rows left out; an item a plugin lists only in `skipped` counts once."""
        rows = sum(1 for c in self.changes if c.change is Change.DROPPED)
        reported = {c.item_id for c in self.changes if c.change is Change.DROPPED}
        return rows + len({item_id for item_id, _ in self.skipped} - reported)

    @property
    def moved(self) -> int:
        return sum(1 for c in self.changes if c.change is Change.MOVED)

    def summary(self) -> str:
        """`wrote 12 rows in 2 files; 1 dropped, 0 moved`: what `schedule export` prints last."""
        written = f"{_plural(self.rows, 'row')} in " if self.rows is not None else ""
        return f"wrote {written}{_plural(len(self.files), 'file')}; {self.dropped} dropped, {self.moved} moved"

    def write(self, target: Path, make_folder: bool = False) -> list[Path]:
        """Each file beside `target`, its suffix before the extension (`plan.csv`, `plan-x-northwind.csv`),
        atomically.

        The folder must exist unless `make_folder` (the calendar's own export folder): a mistyped `--out` is an
        error, not a new folder somewhere unexpected."""
        folder = target.parent
        if target.is_dir():
            raise ScheduleError("is a folder, not a file.", path=target, field="--out",
                                fix=f"name a file inside it, e.g. {target / self.filename}.")
        if folder.exists() and not folder.is_dir():
            raise ScheduleError("is a file, not a folder.", path=folder, field="--out",
                                fix="choose a file in an existing folder.")
        if not folder.exists() and not make_folder:
            raise ScheduleError("the folder does not exist.", path=folder, field="--out",
                                fix=f"create it first (mkdir -p {folder}), or choose a file in an existing folder.")
        try:
            return [write_atomic(target.with_name(target.stem + suffix + target.suffix), content)
                    for suffix, content in self.files]
        except OSError as exc:
            raise ScheduleError(f"cannot write the export: {exc.strerror or exc}.", path=target, field="--out",
                                fix="check the folder's permissions and free space, or choose another --out.") from None


Exporter = Callable[[Iterable[Item], ExportOptions], ExportResult]

exporters: Registry[Exporter] = Registry(Group.EXPORTERS, "exporter", "--format")


def export(name: str, items: Iterable[Item], options: ExportOptions | None = None) -> ExportResult:
    """Run the exporter registered under `name` (an unknown name fails with the known ones)."""
    return exporters.get(name)(items, options or ExportOptions())


def export_queue(name: str, queue: Queue, options: ExportOptions | None = None,
                 brand: str | None = None) -> ExportResult:
    """A queue's scheduled items through the exporter `name`, as `schedule export` and the calendar widget run
    it: with the queue's catalogue (the limits rows are checked against), its workspace id (in iCalendar UIDs)
    and its history (SEQUENCE, and cancelled events for what left the schedule)."""
    given = options or ExportOptions()
    full = replace(given, specs=given.specs if given.specs is not None else queue.specs,
                   workspace_id=given.workspace_id or queue.workspace_id,
                   history=given.history or calendar_history(queue, brand))
    return export(name, queue.list(state=ItemState.SCHEDULED, brand=brand), full)


def _post_text(item: Item) -> str:
    return "\n\n".join(item.draft.parts)


# a spreadsheet opening the file runs a cell that starts with one of these as a formula (tab and CR too:
# some strip them first), so a post like "=HYPERLINK(...)" would run on the editor's machine
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text: OWASP's advice against formula injection, a single quote before
    a cell that starts like a formula. Line breaks become LF: the csv writer (rows end in LF) leaves a lone CR
    unquoted, which would end the row early. Every built-in CSV exporter writes its cells through this; a plugin's
    exporter can too."""
    value = "'" + value if value.startswith(FORMULA_START) else value
    return value.replace("\r\n", "\n").replace("\r", "\n")


def unquote_cell(value: str) -> str:
    """The inverse of `safe_cell`, for reading our own exports back (`schedule import`)."""
    rest = value[1:]
    return rest if value.startswith("'") and rest.startswith((*FORMULA_START, "\n")) else value


def _csv(rows: list[list[str]], header: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow([safe_cell(h) for h in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue().encode("utf-8")


# ---------------------------------------------------------------------------------------------
# iCalendar

# the states in which an item still posts (or posted) at its time; an item once scheduled in any other state
# left the schedule, and its event is cancelled
_ON_CALENDAR = frozenset({ItemState.SCHEDULED, ItemState.PUBLISHING, ItemState.PUBLISHED, ItemState.NEEDS_ATTENTION})
_KEY_WORKSPACE = re.compile(r"^wb-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-")


def _walk(entries: Iterable[Mapping[str, Any]]) -> tuple[int, datetime, bool] | None:
    """(SEQUENCE, the last time scheduled for, still on the calendar) from an item's audit entries in order; None
    when it was never scheduled. Each change a calendar must see counts: scheduled at a new time, taken off the
    schedule (an edit sends a scheduled item back to review; publishing failed), put back (a retry).
    Scheduling again at the same time does not."""
    sequence, at, live = -1, "", False
    for entry in entries:
        action, detail = entry["action"], entry.get("detail") or {}
        if action in ("scheduled", "moved") and detail.get("at"):
            changed = not live or detail["at"] != at
            at, live = str(detail["at"]), True
        elif at and not live and action == "resolved" and detail.get("to") == ItemState.SCHEDULED:
            changed, live = True, True
        elif live and (action == ItemState.FAILED or detail.get("to") == ItemState.FAILED
                       or (detail.get("from") == ItemState.SCHEDULED and action != "publishing")):
            changed, live = True, False
        else:
            continue
        sequence += 1 if changed else 0
    return None if sequence < 0 else (sequence, datetime.fromisoformat(at), live)


def calendar_history(queue: Queue, brand: str | None = None) -> CalendarHistory:
    """Each item's SEQUENCE and last scheduled time, read from the queue's audit log (every schedule and move is
    recorded there with its time), and the items that were scheduled and are no longer."""
    items = {i.id: i for i in queue.list(brand=brand)}
    entries: dict[int, list[dict[str, Any]]] = {}
    for entry in queue.audit_log():
        if entry["item"] in items:
            entries.setdefault(entry["item"], []).append(entry)
    events: dict[int, EventHistory] = {}
    cancelled = []
    for item_id, log in entries.items():
        walked = _walk(log)
        if walked is None:
            continue
        sequence, last_at, live = walked
        item = items[item_id]
        if item.state not in _ON_CALENDAR:
            sequence += 1 if live else 0  # off the calendar in a way the log does not spell out
            cancelled.append(item)
        events[item_id] = EventHistory(sequence, last_at)
    return CalendarHistory(events, sorted(cancelled, key=lambda i: i.id))


def _uid(item: Item, workspace_id: str | None) -> str:
    """Unique across calendars and stable: the item's id within its queue's workspace id (made once per queue
    database, migration 4), so two workspaces' item 7 never meet. A caller with items only (no queue) gets the
    workspace id from the item's idempotency key, which scheduling sets."""
    if workspace_id is None and item.idempotency_key:
        found = _KEY_WORKSPACE.match(item.idempotency_key)
        workspace_id = found.group(1) if found else None
    if workspace_id is None:  # never scheduled through a queue: the old, per-brand form
        return f"workbench-item-{item.id}@{slug(item.brand)}"
    return f"workbench-item-{item.id}-{workspace_id}@workbench"


def to_ics(items: Iterable[Item], options: ExportOptions) -> ExportResult:
    """iCalendar, times in UTC; a stable, globally unique UID per item, so a re-import updates events instead
    of adding them. With `options.history` (as `export_queue` gives), SEQUENCE goes up with every move, and an
    item taken off the schedule stays as a STATUS:CANCELLED event at its last time, so a calendar that
    imported it drops it. LAST-MODIFIED is the item's last change."""
    from icalendar import Calendar, Event

    history = options.history or CalendarHistory()
    cal = Calendar()
    cal.add("prodid", "-//workbench//content calendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", options.calendar_name)
    chosen = scheduled(items)
    shown = {item.id for item, _ in chosen}
    gone = [(item, past.last_at) for item in history.cancelled if item.id not in shown
            for past in [history.events.get(item.id, EventHistory())] if past.last_at is not None]
    for item, when, status in [*((i, w, "CONFIRMED") for i, w in chosen), *((i, w, "CANCELLED") for i, w in gone)]:
        event = Event()
        event.add("uid", _uid(item, options.workspace_id))
        event.add("dtstamp", item.updated_at.astimezone(UTC))
        event.add("last-modified", item.updated_at.astimezone(UTC))
        event.add("sequence", history.events.get(item.id, EventHistory()).sequence)
        event.add("status", status)
        event.add("dtstart", when.astimezone(UTC))
        event.add("dtend", when.astimezone(UTC) + timedelta(minutes=15))
        first = item.draft.parts[0].split("\n")[0]
        event.add("summary", f"[{item.platform}] {first[:70]}")
        event.add("description", _post_text(item))
        event.add("categories", [item.platform, item.brand])
        cal.add_component(event)
    return ExportResult([("", bytes(cal.to_ical()))], filename="schedule.ics", rows=len(chosen) + len(gone))


# ---------------------------------------------------------------------------------------------
# Buffer, Hootsuite, Sprout: one file per channel, a row per post


def slug(text: str) -> str:
    """A brand as a file-name part: `Northwind Advisory` -> `northwind-advisory` (accents dropped)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "brand"


@dataclass
class _Row:
    item: Item
    part: int
    parts: int
    text: str
    asked: datetime
    when: datetime  # what goes in the file


def _to_post(items: Iterable[Item]) -> list[tuple[Item, datetime]]:
    """Scheduled items with their times, in time order; a published post is never uploaded again."""
    return [(item, when) for item, when in scheduled(items) if item.state is ItemState.SCHEDULED]


def _posts(item: Item, spec: PlatformSpec | None) -> list[str]:
    """What goes out, a row each: a thread's posts one by one; any other draft as the one post it is."""
    if spec is not None and spec.is_thread:
        return list(item.draft.parts)
    return [_post_text(item)]


def _minutes(gap: timedelta) -> str:
    return _plural(int(gap.total_seconds() // 60), "minute")


def _refused(tool: Tool, rows: list[_Row], spec: PlatformSpec | None, earliest: datetime,
             taken: list[_Row]) -> str | None:
    """Why the tool would refuse this item's rows (all of them go, or none: half a thread is worse than none)."""
    for row in rows:
        problems = check_text(row.text, spec) if spec is not None else []
        if problems:
            where = f"post {row.part}/{row.parts}" if row.parts > 1 else "the post"
            return (f"{where} does not fit {spec.label if spec else 'the platform'}: "
                    f"{'; '.join(p.message for p in problems)}")
    first = rows[0].when
    if tool is Tool.HOOTSUITE and first < earliest:
        return f"{first.isoformat()} is less than 10 minutes ahead; Hootsuite refuses it"
    if tool is Tool.SPROUT:
        if first < earliest:
            return "less than 10 minutes ahead; Sprout refuses it"
        near = next((other for row in rows for other in taken if abs(row.when - other.when) < LEAD), None)
        if near is not None:
            return (f"less than 10 minutes from item {near.item.id}'s post at {near.when.isoformat()} on this "
                    "channel; Sprout refuses it")
    return None


def _link(text: str) -> tuple[str, str]:
    """Hootsuite's message and link: a URL that ends the post after a space goes to the link column (Hootsuite
    adds it back at the end, and can shorten it); a URL anywhere else stays where the post has it."""
    urls = find_urls(text)
    if not urls:
        return text, ""
    start, end = urls[-1]
    link, message = text[start:end], text[:start - 1]
    if end != len(text) or start < 2 or text[start - 1] != " " or message[-1].isspace() or link in message:
        return text, ""
    return message, link


def _cells(tool: Tool, row: _Row, options: ExportOptions) -> list[str]:
    local = row.when.astimezone(options.zone)
    if tool is Tool.BUFFER:
        # Tags are Buffer's own labels for its reports, not hashtags: the hashtags are in the text already
        image = next((m.path for m in row.item.draft.media if m.kind == "image" and m.path.startswith("http")), "")
        return [row.text, image if row.part == 1 else "", "", local.strftime("%Y-%m-%d %H:%M")]
    if tool is Tool.HOOTSUITE:
        return [local.strftime(options.date_format.strftime + " %H:%M"), *_link(row.text)]
    return [local.strftime(options.date_format.strftime), local.strftime("%H:%M"), row.text]


_HEADERS: dict[Tool, list[str] | None] = {Tool.BUFFER: ["Text", "Image URL", "Tags", "Posting Time"],
                                          Tool.HOOTSUITE: None, Tool.SPROUT: ["date", "time_24hr", "message_text"]}


def _chunks(groups: list[list[_Row]], per_file: int) -> list[list[_Row]]:
    """Rows into files of at most `per_file`; a thread stays in one file when it fits in one."""
    chunks: list[list[_Row]] = [[]]
    for rows in groups:
        if chunks[-1] and len(chunks[-1]) + len(rows) > per_file >= len(rows):
            chunks.append([])
        for row in rows:
            if len(chunks[-1]) >= per_file:
                chunks.append([])
            chunks[-1].append(row)
    return chunks


def _notes(tool: Tool, item: Item, rows: list[_Row], spec: PlatformSpec | None, zone: ZoneInfo) -> list[str]:
    notes = []
    if len(rows) > 1:
        label = spec.label if spec else item.platform
        notes.append(f"item {item.id}: the {label} goes to {tool.label} as {len(rows)} separate posts, in order, "
                     f"{_minutes(tool.thread_gap)} apart; {tool.label} posts each on its own, not as a reply chain.")
    local = rows[0].when.astimezone(zone)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        notes.append(f"item {item.id}: {local:%Y-%m-%d %H:%M} happens twice in {zone.key} (the clocks go back); "
                     f"the file has the wall-clock time only, so check which one {tool.label} took.")
    return notes


def _tool_export(tool: Tool, items: Iterable[Item], options: ExportOptions, per_file: int | None = None
                 ) -> ExportResult:
    """One file per channel (platform, brand), rows in time order; the tool's rules applied and reported."""
    per_file = per_file or (options.buffer_plan.rows if tool is Tool.BUFFER else tool.rows_per_file)
    earliest = options.earliest
    channels: dict[tuple[str, str], list[list[_Row]]] = {}
    changes: list[RowChange] = []
    skipped: list[tuple[int, str]] = []
    notes: list[str] = []
    for item, asked in _to_post(items):
        spec = options.spec(item.platform)
        posts = _posts(item, spec)
        start = next_mark(asked) if tool is Tool.HOOTSUITE else asked
        gap = tool.thread_gap
        rows = [_Row(item, n, len(posts), text, asked + gap * (n - 1), start + gap * (n - 1))
                for n, text in enumerate(posts, 1)]
        accepted = channels.setdefault((item.platform, item.brand), [])
        why = _refused(tool, rows, spec, earliest, [row for group in accepted for row in group])
        if why is not None:
            changes += [RowChange(item.id, Change.DROPPED, r.asked, None, why, r.part, r.parts) for r in rows]
            skipped.append((item.id, why))
            continue
        changes += [RowChange(item.id, Change.MOVED, r.asked, r.when, "Hootsuite takes times on 5-minute marks "
                              "only", r.part, r.parts) for r in rows if r.when != r.asked]
        notes += _notes(tool, item, rows, spec, options.zone)
        accepted.append(rows)
    header = _HEADERS[tool]
    files: list[tuple[str, bytes]] = []
    names: set[str] = set()
    written = 0
    for platform, brand in sorted(channels):
        groups = channels[(platform, brand)]
        if not groups:
            continue  # every row of this channel was dropped: no empty file to upload
        base = f"-{platform}-{slug(brand)}"
        if base in names:  # two brands with one slug ("A&B", "A B"): neither file overwrites the other
            base += f"-{len(names) + 1}"
        names.add(base)
        chunks = _chunks(groups, per_file)
        for n, chunk in enumerate(chunks, 1):
            suffix = base if len(chunks) == 1 else f"{base}-{n}"
            files.append((suffix, _csv([_cells(tool, row, options) for row in chunk], header)))
            written += len(chunk)
    if not files:  # nothing to post: one empty file, so an export always writes what the user asked for
        files.append(("", _csv([], header)))
    return ExportResult(files, skipped, filename=f"{tool.value}.csv", changes=changes, notes=notes, rows=written)


def to_buffer(items: Iterable[Item], options: ExportOptions) -> ExportResult:
    """Buffer bulk upload, a file per channel: Text, Image URL, Tags (left empty: Buffer's own labels, not
    hashtags), Posting Time (YYYY-MM-DD HH:mm, the workspace's zone); 100 rows a file, 10 on the free plan."""
    return _tool_export(Tool.BUFFER, items, options)


def to_hootsuite(items: Iterable[Item], options: ExportOptions) -> ExportResult:
    """Hootsuite bulk composer, a file per social profile: no header; date-time, message, link. Times on
    5-minute marks (a time between moves to the next mark, reported), at least 10 minutes ahead, 350 rows a file."""
    return _tool_export(Tool.HOOTSUITE, items, options)


def to_sprout(items: Iterable[Item], options: ExportOptions) -> ExportResult:
    """Sprout Social bulk scheduling, a file per profile: date, time_24hr, message_text; at least 10 minutes
    ahead and 10 minutes apart (a post closer to another is dropped, reported), 350 rows a file."""
    return _tool_export(Tool.SPROUT, items, options)


# ---------------------------------------------------------------------------------------------
# The functions callers used before the registry: same signatures, text where they returned text.

@dataclass(frozen=True)
class TextExport:
    """What `export_hootsuite` and `export_sprout` return: CSV text per file, the items left out, every row
    moved or dropped, and the notes."""

    files: list[tuple[str, str]]
    skipped: list[tuple[int, str]]
    changes: list[RowChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _text(result: ExportResult) -> TextExport:
    return TextExport([(suffix, content.decode("utf-8")) for suffix, content in result.files], result.skipped,
                      result.changes, result.notes)


def export_ics(items: Iterable[Item], calendar_name: str = "workbench", workspace_id: str | None = None) -> bytes:
    return to_ics(items, ExportOptions(calendar_name=calendar_name, workspace_id=workspace_id)).files[0][1]


def export_buffer(items: Iterable[Item], zone: ZoneInfo, plan: BufferPlan = BufferPlan.PAID) -> str:
    """The one Buffer file for items of one channel; items of several channels (or more rows than a file takes)
    make several files, which `export("buffer", ...)` returns."""
    result = to_buffer(items, ExportOptions(zone=zone, buffer_plan=plan))
    if len(result.files) > 1:
        raise ScheduleError(f"these items make {len(result.files)} Buffer files (one per channel, "
                            f"{BufferPlan.parse(plan).rows} rows a file).", field="items",
                            fix='use export("buffer", items, options).files, or pass the items of one channel.')
    return result.files[0][1].decode("utf-8")


def export_hootsuite(items: Iterable[Item], zone: ZoneInfo, date_format: str = "dmy",
                     now: datetime | None = None, per_file: int = HOOTSUITE_ROWS) -> TextExport:
    options = ExportOptions(zone=zone, date_format=DateFormat.parse(date_format), now=now)
    return _text(_tool_export(Tool.HOOTSUITE, items, options, per_file))


def export_sprout(items: Iterable[Item], zone: ZoneInfo, date_format: str = "dmy",
                  now: datetime | None = None) -> TextExport:
    return _text(to_sprout(items, ExportOptions(zone=zone, date_format=DateFormat.parse(date_format), now=now)))
