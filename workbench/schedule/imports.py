"""Import of Buffer, Hootsuite and Sprout-style CSV files into the queue.

Column names vary between tools and exports, so each column is found by its aliases; a file without a
header is read as Hootsuite's layout. Reading is the preview: rows carry their problems (checked against
the workspace's catalogue) and nothing is created until `import_rows`.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ..platforms import PlatformSpec, registry, validate
from ..queue import Item, Queue
from .exports import DateFormat, unquote_cell
from .plan import ScheduleError, localize

ALIASES = {
    "text": ("text", "message", "message_text", "post", "content", "caption", "body"),
    "when": ("posting time", "posting_time", "scheduled", "scheduled_at", "datetime", "date_time", "time", "when",
             "publish_at", "scheduledat", "scheduledate"),
    "date": ("date", "day"),
    "time": ("time_24hr", "hour"),
    "platform": ("platform", "network", "channel", "platforms", "profile"),
    "link": ("link", "url"),
    "tags": ("tags", "hashtags"),
}


@dataclass
class ImportRow:
    line: int
    platform: str
    text: str
    when: datetime | None
    problems: list[str]


def read_csv(path: Path, default_platform: str | None, zone: ZoneInfo, date_format: str = "dmy",
             specs: Mapping[str, PlatformSpec] | None = None) -> list[ImportRow]:
    """Rows of a CSV file with their problems. `specs`: the workspace's catalogue (default: the built-in one),
    so a workspace's own platforms and limits apply."""
    from ..drafts import Draft

    catalogue = specs if specs is not None else registry()
    fmt = DateFormat.parse(date_format)
    raw = _read(path)
    sample = raw.splitlines()[0] if raw.strip() else ""
    has_header = any(a in sample.lower() for names in ALIASES.values() for a in names)
    reader = csv.reader(io.StringIO(raw))
    try:
        rows = list(reader)
    except csv.Error as exc:  # a cell over the csv module's 128 KiB limit (an unclosed quote), a NUL byte
        raise ScheduleError(f"line {reader.line_num} cannot be read as CSV: {exc}.", path=path,
                            fix="check the quotes on that line (a quote left open runs on to the end of the "
                                "file), or export the posts again as CSV.") from None
    if not rows:
        raise ScheduleError("the CSV file is empty.", path=path, fix="export the posts again.")
    index: dict[str, int | None]
    if has_header:
        header = [h.strip().lower() for h in rows[0]]
        body = rows[1:]
        index = {key: next((header.index(a) for a in names if a in header), None) for key, names in ALIASES.items()}
    else:  # Hootsuite's headerless layout: date-time, message, link
        body = rows
        index = {"when": 0, "text": 1, "link": 2, "date": None, "time": None, "platform": None, "tags": None}
    if index["text"] is None:
        raise ScheduleError(f"no message column (looked for: {', '.join(ALIASES['text'])}).", path=path,
                            field="header", fix="name the post text column 'text' or 'message'.")
    out = []
    for n, row in enumerate(body, 2 if has_header else 1):
        def cell(key: str, row: list[str] = row) -> str:
            i = index.get(key)
            return unquote_cell(row[i]).strip() if i is not None and i < len(row) else ""

        problems = []
        text = cell("text")
        if cell("link") and cell("link") not in text:
            text = f"{text} {cell('link')}".strip()
        platform = (cell("platform") or default_platform or "").lower().replace("twitter", "x")
        when = None
        stamp = cell("when") or " ".join(x for x in (cell("date"), cell("time")) if x)
        if stamp:
            when = _parse_stamp(stamp, zone, fmt)
            if when is None:
                problems.append(f"cannot read the time '{stamp}'")
        spec = catalogue.get(platform.strip().replace("-", "_")) if platform else None
        if spec is None and platform:
            problems.append(f"unknown platform '{platform}'")
        elif spec is None:
            problems.append("no platform: add a platform column or pass --platform")
        if spec is not None:
            problems += [p.message for p in validate(Draft(spec.name, [text]), spec) if p.severity == "error"]
        out.append(ImportRow(n, spec.name if spec else platform, text, when, problems))
    return out


def _read(path: Path) -> str:
    """The file as text: UTF-8 (Excel's "CSV UTF-8" adds a BOM) or UTF-16 with its BOM; anything else is an
    error naming the file, as a spreadsheet's other encodings would silently garble accents and emoji."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScheduleError(f"cannot read the file: {exc.strerror or exc}.", path=path,
                            fix="check the path and the file's permissions.") from None
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScheduleError(f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}).", path=path,
                            fix="save it from your spreadsheet as 'CSV UTF-8', or export the posts again.") from None


def _parse_stamp(stamp: str, zone: ZoneInfo, date_format: DateFormat) -> datetime | None:
    formats = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ",
               date_format.strftime + " %H:%M", date_format.strftime + " %H:%M:%S"]
    for fmt in formats:
        try:
            value = datetime.strptime(stamp, fmt)
        except ValueError:
            continue
        return value.replace(tzinfo=UTC) if stamp.endswith("Z") else localize(value.date(), value.time(), zone)
    try:
        value = datetime.fromisoformat(stamp)
        return value if value.tzinfo else value.replace(tzinfo=zone)
    except ValueError:
        return None


def import_rows(queue: Queue, rows: list[ImportRow], brand: str, actor: str) -> list[Item]:
    """Create queue items (in review) from rows without problems; a row's time is kept as the item's pinned time,
    which planning uses once the item is approved."""
    from ..drafts import Draft, Provenance

    created = []
    for row in rows:
        if row.problems:
            continue
        draft = Draft(row.platform, [row.text], provenance=Provenance(engine="import",
                                                                     pillar_hash=f"import:{row.line}"))
        item = queue.add(draft, pillar=f"import line {row.line}", brand=brand, author=actor)
        if item is None:
            continue
        if row.when is not None:
            item = queue.request_time(item.id, row.when, actor)
        created.append(item)
    return created
