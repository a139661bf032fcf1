"""Exports of the schedule to calendars and scheduling tools, behind one registry.

Every exporter is a function `(items, ExportOptions) -> ExportResult`: the files to write (a suffix for
the file name, the bytes) and the items it had to leave out with the reason. The built-ins register
through the `workbench.exporters` entry points, as an outside package's exporter does, so
`workbench schedule export --format` offers whatever is installed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from ..files import write_atomic
from ..plugins import Group, Registry
from ..queue import Item, now_utc
from ..text import find_urls
from .plan import LEAD, ScheduleError, scheduled

HOOTSUITE_ROWS = 350  # Hootsuite's bulk composer takes at most this many rows a file


class DateFormat(StrEnum):
    """How Hootsuite and Sprout read a date: the account's locale decides."""

    DMY = "dmy"
    MDY = "mdy"

    @property
    def strftime(self) -> str:
        return "%d/%m/%Y" if self is DateFormat.DMY else "%m/%d/%Y"

    @classmethod
    def parse(cls, value: str) -> DateFormat:
        try:
            return cls(value)
        except ValueError:
            raise ScheduleError(f"unknown date format '{value}'.", field="date_format",
                                fix=f"use one of: {', '.join(cls)}.") from None


@dataclass(frozen=True)
class ExportOptions:
    """Everything an exporter may need besides the items; each exporter reads the fields it uses."""

    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    date_format: DateFormat = DateFormat.DMY
    now: datetime | None = None  # "now" for the tools' lead-time rules (default: the clock)
    calendar_name: str = "workbench"

    def __post_init__(self) -> None:
        object.__setattr__(self, "date_format", DateFormat.parse(self.date_format))
        if not isinstance(self.zone, ZoneInfo):
            raise ScheduleError(f"{self.zone!r} is not a time zone.", field="zone",
                                fix="pass a zoneinfo.ZoneInfo, e.g. ScheduleConfig.zone.")

    @property
    def earliest(self) -> datetime:
        """The first moment a tool accepts a post for."""
        return (self.now or now_utc()) + LEAD


@dataclass(frozen=True)
class ExportResult:
    files: list[tuple[str, bytes]]  # (suffix for the file name, e.g. "" or "-2"; content)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (item id, why it was left out)
    filename: str = "export.csv"  # the file name to use when the user names none (the suffix goes before ".")

    def write(self, target: Path, make_folder: bool = False) -> list[Path]:
        """Each file beside `target`, its suffix before the extension (`plan.csv`, `plan-2.csv`), atomically.

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


def to_ics(items: Iterable[Item], options: ExportOptions) -> ExportResult:
    """iCalendar, times in UTC; a stable UID per item, so a re-import updates events instead of adding them."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//workbench//content calendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", options.calendar_name)
    for item, when in scheduled(items):
        event = Event()
        brand = re.sub(r"[^a-z0-9]+", "-", item.brand.lower()).strip("-")
        event.add("uid", f"workbench-item-{item.id}@{brand}")
        event.add("dtstamp", item.updated_at.astimezone(UTC))
        event.add("dtstart", when.astimezone(UTC))
        event.add("dtend", when.astimezone(UTC) + timedelta(minutes=15))
        first = item.draft.parts[0].split("\n")[0]
        event.add("summary", f"[{item.platform}] {first[:70]}")
        event.add("description", _post_text(item))
        event.add("categories", [item.platform, item.brand])
        cal.add_component(event)
    return ExportResult([("", bytes(cal.to_ical()))], filename="schedule.ics")


def to_buffer(items: Iterable[Item], options: ExportOptions) -> ExportResult:
    """Buffer bulk upload: Text, Image URL, Tags, Posting Time (YYYY-MM-DD HH:mm, the profile's zone)."""
    rows = []
    for item, when in scheduled(items):
        image = next((m.path for m in item.draft.media if m.kind == "image" and m.path.startswith("http")), "")
        rows.append([_post_text(item), image, ",".join(t.lstrip("#") for t in item.draft.hashtags),
                     when.astimezone(options.zone).strftime("%Y-%m-%d %H:%M")])
    return ExportResult([("", _csv(rows, ["Text", "Image URL", "Tags", "Posting Time"]))], filename="buffer.csv")


def _next_five(when: datetime) -> datetime:
    """The next 5-minute mark at or after `when` (Hootsuite takes no other minutes)."""
    base = when.replace(second=0, microsecond=0)
    if base < when:
        base += timedelta(minutes=1)
    return base + timedelta(minutes=(5 - base.minute % 5) % 5)


def _hootsuite(items: Iterable[Item], options: ExportOptions, per_file: int) -> ExportResult:
    fmt = options.date_format.strftime + " %H:%M"
    earliest = options.earliest
    rows, skipped = [], []
    for item, scheduled_at in scheduled(items):
        when = _next_five(scheduled_at)
        if when < earliest:
            skipped.append((item.id, f"{when.isoformat()} is less than 10 minutes ahead; Hootsuite refuses it"))
            continue
        text = _post_text(item)
        link = item.draft.cta.url if item.draft.cta and item.draft.cta.url else ""
        if not link:
            urls = find_urls(text)
            link = text[urls[-1][0]:urls[-1][1]] if urls else ""
        if link:
            text = " ".join(text.replace(link, "").split(" ")).strip()
        rows.append([when.astimezone(options.zone).strftime(fmt), text, link])
    chunks = [rows[i:i + per_file] for i in range(0, len(rows), per_file)] or [[]]
    suffixes = [""] if len(chunks) == 1 else [f"-{n}" for n in range(1, len(chunks) + 1)]
    return ExportResult([(s, _csv(c)) for s, c in zip(suffixes, chunks, strict=True)], skipped,
                        filename="hootsuite.csv")


def to_hootsuite(items: Iterable[Item], options: ExportOptions) -> ExportResult:
    """Hootsuite bulk composer: no header; date-time, message, link. Times on 5-minute marks, at least
    10 minutes ahead, at most 350 rows a file (more rows: more files)."""
    return _hootsuite(items, options, HOOTSUITE_ROWS)


def to_sprout(items: Iterable[Item], options: ExportOptions) -> ExportResult:
    """Sprout Social bulk scheduling: date, time_24hr, message_text; 10 minutes ahead and apart."""
    earliest = options.earliest
    rows, skipped = [], []
    last: datetime | None = None
    for item, when in scheduled(items):
        if when < earliest:
            skipped.append((item.id, "less than 10 minutes ahead; Sprout refuses it"))
            continue
        if last is not None and when - last < LEAD:
            skipped.append((item.id, "less than 10 minutes after the previous message; Sprout refuses it"))
            continue
        local = when.astimezone(options.zone)
        rows.append([local.strftime(options.date_format.strftime), local.strftime("%H:%M"), _post_text(item)])
        last = when
    return ExportResult([("", _csv(rows, ["date", "time_24hr", "message_text"]))], skipped, filename="sprout.csv")


# ---------------------------------------------------------------------------------------------
# The functions callers used before the registry: same signatures, text where they returned text.

@dataclass(frozen=True)
class TextExport:
    """What `export_hootsuite` and `export_sprout` return: CSV text per file, and the items left out."""

    files: list[tuple[str, str]]
    skipped: list[tuple[int, str]]


def _text(result: ExportResult) -> TextExport:
    return TextExport([(suffix, content.decode("utf-8")) for suffix, content in result.files], result.skipped)


def export_ics(items: Iterable[Item], calendar_name: str = "workbench") -> bytes:
    return to_ics(items, ExportOptions(calendar_name=calendar_name)).files[0][1]


def export_buffer(items: Iterable[Item], zone: ZoneInfo) -> str:
    return to_buffer(items, ExportOptions(zone=zone)).files[0][1].decode("utf-8")


def export_hootsuite(items: Iterable[Item], zone: ZoneInfo, date_format: str = "dmy",
                     now: datetime | None = None, per_file: int = HOOTSUITE_ROWS) -> TextExport:
    options = ExportOptions(zone=zone, date_format=DateFormat.parse(date_format), now=now)
    return _text(_hootsuite(items, options, per_file))


def export_sprout(items: Iterable[Item], zone: ZoneInfo, date_format: str = "dmy",
                  now: datetime | None = None) -> TextExport:
    return _text(to_sprout(items, ExportOptions(zone=zone, date_format=DateFormat.parse(date_format), now=now)))
