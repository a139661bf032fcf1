"""Import of Buffer, Hootsuite and Sprout-style CSV files into the queue.

Column names vary between tools and exports, so each column is found by its aliases; a file without a
header (its first cell a date and time) is read as Hootsuite's layout. Reading is the preview: rows carry
their problems (checked against the workspace's catalogue) and nothing is created until `import_rows`.

Every file `schedule export` writes reads back as the items it came from: the platform comes from a platform
column, else `--platform`, else the file's name (`buffer-x_thread-northwind.csv`, as the export names it), and
the posts of a thread, written one row each `Tool.thread_gap` apart, come back as one thread.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ..platforms import PlatformSpec, registry, validate
from ..queue import Item, Queue
from .exports import DateFormat, Tool, unquote_cell
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
_NAMES = frozenset(a for names in ALIASES.values() for a in names)


@dataclass
class ImportRow:
    line: int
    platform: str
    text: str  # the post; a thread's posts joined by a blank line
    when: datetime | None
    problems: list[str]
    parts: list[str] = field(default_factory=list)  # the posts: one, or a thread's, in order

    def __post_init__(self) -> None:
        if not self.parts:
            self.parts = [self.text]


def platform_from_name(path: Path, specs: Mapping[str, PlatformSpec]) -> str | None:
    """The platform a file's name gives, as `schedule export` names its files (`buffer-linkedin-northwind.csv`,
    `plan-x_thread-b-2.csv`): the part after the tool's name, else the one part of the name that is a platform.
    None when no part is; an error when several are, since guessing would put posts on the wrong network."""
    words = path.stem.lower().split("-")
    if len(words) > 1 and words[0] in set(Tool) and words[1] in specs:
        return words[1]
    found = list(dict.fromkeys(w for w in words if w in specs))
    if len(found) > 1:
        raise ScheduleError(f"the file name names several platforms ({', '.join(found)}).", path=path,
                            field="--platform", fix=f"pass the one its posts are for, e.g. --platform {found[0]}.")
    return found[0] if found else None


def _is_header(cells: list[str], zone: ZoneInfo, date_format: DateFormat) -> bool:
    """A first row whose first cell is a date and time is a post (Hootsuite's file has no header, and its first
    message may well say "time"); otherwise it is a header when a cell is a column name we know."""
    if cells and _parse_stamp(unquote_cell(cells[0]).strip(), zone, date_format) is not None:
        return False
    return any(c.strip().lower() in _NAMES for c in cells)


def _layout(header: list[str] | None) -> Tool | None:
    """Which tool's export this is, for how far apart it wrote a thread's posts; None for another file."""
    if header is None:
        return Tool.HOOTSUITE
    if "time_24hr" in header and "message_text" in header:
        return Tool.SPROUT
    if "posting time" in header and "text" in header:
        return Tool.BUFFER
    return None


def read_csv(path: Path, default_platform: str | None, zone: ZoneInfo, date_format: str = "dmy",
             specs: Mapping[str, PlatformSpec] | None = None) -> list[ImportRow]:
    """Rows of a CSV file with their problems. `specs`: the workspace's catalogue (default: the built-in one),
    so a workspace's own platforms and limits apply. The platform: a row's platform column, else
    `default_platform`, else the file's name."""
    from ..drafts import Draft

    catalogue = specs if specs is not None else registry()
    fmt = DateFormat.parse(date_format)
    raw = _read(path)
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
    has_header = _is_header(rows[0], zone, fmt)
    header = [h.strip().lower() for h in rows[0]] if has_header else None
    if header is not None:
        body = rows[1:]
        index = {key: next((header.index(a) for a in names if a in header), None) for key, names in ALIASES.items()}
    else:  # Hootsuite's headerless layout: date-time, message, link
        body = rows
        index = {"when": 0, "text": 1, "link": 2, "date": None, "time": None, "platform": None, "tags": None}
    if index["text"] is None:
        raise ScheduleError(f"no message column (looked for: {', '.join(ALIASES['text'])}).", path=path,
                            field="header", fix="name the post text column 'text' or 'message'.")
    named: str | None = None
    if index["platform"] is None and not default_platform:
        named = platform_from_name(path, catalogue)
    out: list[ImportRow] = []
    for n, row in enumerate(body, 2 if has_header else 1):
        def cell(key: str, row: list[str] = row) -> str:
            i = index.get(key)
            return unquote_cell(row[i]).strip() if i is not None and i < len(row) else ""

        if not any(c.strip() for c in row):
            continue  # a blank line (a spreadsheet's trailing one)
        problems = []
        text = cell("text")
        if cell("link") and cell("link") not in text:
            text = f"{text} {cell('link')}".strip()
        platform = (cell("platform") or default_platform or named or "").lower().replace("twitter", "x")
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
            problems.append("no platform: add a platform column, pass --platform, or keep the file's name as "
                            "`schedule export` wrote it (buffer-<platform>-<brand>.csv)")
        out.append(ImportRow(n, spec.name if spec else platform, text, when, problems))
    out = _threads(out, catalogue, _layout(header))
    for r in out:
        spec = catalogue.get(r.platform)
        if spec is not None:
            r.problems += [p.message for p in validate(Draft(spec.name, r.parts), spec) if p.severity == "error"]
    return out


def _threads(rows: list[ImportRow], catalogue: Mapping[str, PlatformSpec], layout: Tool | None) -> list[ImportRow]:
    """A thread's posts back into one row: in our own export of a thread platform, a row exactly the tool's
    thread gap after the one before continues its thread (the planner keeps separate posts further apart)."""
    if layout is None:
        return rows
    out: list[ImportRow] = []
    for row in rows:
        last = out[-1] if out else None
        spec = catalogue.get(row.platform)
        if (last is not None and spec is not None and spec.is_thread and last.platform == row.platform
                and not last.problems and not row.problems and last.when is not None and row.when is not None
                and row.when - last.when == layout.thread_gap * len(last.parts) and len(last.parts) < spec.max_parts):
            last.parts.append(row.text)
            last.text = "\n\n".join(last.parts)
            continue
        out.append(row)
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
    """Create queue items (in review) from rows without problems, a thread's posts as one item; a row's time is
    kept as the item's pinned time, which planning uses once the item is approved."""
    from ..drafts import Draft, Provenance

    created = []
    for row in rows:
        if row.problems:
            continue
        draft = Draft(row.platform, list(row.parts), provenance=Provenance(engine="import",
                                                                          pillar_hash=f"import:{row.line}"))
        item = queue.add(draft, pillar=f"import line {row.line}", brand=brand, author=actor)
        if item is None:
            continue
        if row.when is not None:
            item = queue.request_time(item.id, row.when, actor)
        created.append(item)
    return created
