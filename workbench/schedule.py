"""Posting slots, planning, and exports to calendars and scheduling tools.

Slots are weekday + wall-clock time in an IANA time zone (zoneinfo), so "Tue 09:00 Europe/Berlin" stays
09:00 local across daylight-saving changes. A slot that falls in the spring-forward gap moves forward by
the gap; one in the autumn overlap takes the first occurrence. Planning is deterministic: approved items
in queue order, each into the earliest free slot that keeps the platform's spacing, avoids blackout
dates and keeps the brand's value/promotion mix over a rolling window.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .errors import WorkbenchError
from .platforms import PlatformName
from .queue import Item, Queue, now_utc
from .text import find_urls

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_SLOTS: dict[str, list[str]] = {
    "linkedin": ["Tue 09:00", "Wed 09:00", "Thu 09:00"],
    "x": ["Mon 12:00", "Tue 12:00", "Wed 12:00", "Thu 12:00", "Fri 12:00"],
    "x_thread": ["Tue 17:00", "Thu 17:00"],
    "instagram": ["Mon 18:00", "Wed 18:00", "Fri 18:00"],
    "reels": ["Tue 18:00", "Sat 11:00"],
    "tiktok": ["Tue 19:00", "Thu 19:00", "Sat 19:00"],
    "threads": ["Mon 10:00", "Wed 10:00", "Fri 10:00"],
    "bluesky": ["Mon 10:00", "Wed 10:00", "Fri 10:00"],
    "mastodon": ["Tue 10:00", "Thu 10:00"],
    "facebook": ["Mon 13:00", "Wed 13:00", "Fri 13:00"],
    "youtube_shorts": ["Wed 17:00", "Sat 10:00"],
}
LEAD = timedelta(minutes=10)  # nothing is planned or exported sooner than this (Hootsuite and Sprout refuse it)


class ScheduleError(WorkbenchError):
    pass


class ScheduleConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timezone: str = "UTC"
    slots: dict[PlatformName, list[str]] = Field(default_factory=lambda: dict(DEFAULT_SLOTS))
    min_spacing_minutes: dict[PlatformName, int] = Field(default_factory=dict)
    default_spacing_minutes: int = Field(default=240, ge=0)
    blackout: list[date] = Field(default_factory=list)
    mix_window_days: int = Field(default=7, ge=1)
    horizon_days: int = Field(default=90, ge=1)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{value}' is not an IANA time zone (e.g. Europe/Berlin, America/New_York)") from None
        return value

    @field_validator("slots")
    @classmethod
    def _slots(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for slots in value.values():
            for s in slots:
                parse_slot(s)
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def spacing(self, platform: str) -> timedelta:
        return timedelta(minutes=self.min_spacing_minutes.get(platform, self.default_spacing_minutes))


def parse_slot(text: str) -> tuple[int, time]:
    m = re.fullmatch(r"\s*([A-Za-z]{3})[a-z]*\s+(\d{1,2}):(\d{2})\s*", text)
    if not m or m.group(1).lower() not in WEEKDAYS or int(m.group(2)) > 23 or int(m.group(3)) > 59:
        raise ValueError(f"slot '{text}' is not 'Day HH:MM' (e.g. 'Tue 09:00')")
    return WEEKDAYS.index(m.group(1).lower()), time(int(m.group(2)), int(m.group(3)))


def localize(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Wall-clock time on a day, as an aware datetime; DST gaps move forward, overlaps take the first."""
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=zone, fold=0)
    real = aware.astimezone(UTC).astimezone(zone)
    return real if real.replace(tzinfo=None) != naive else aware


@dataclass
class Placement:
    item: Item
    when: datetime | None
    reason: str = ""


def _slots_between(config: ScheduleConfig, platform: str, start: datetime, days: int) -> Iterable[datetime]:
    zone = config.zone
    parsed = sorted(parse_slot(s) for s in config.slots.get(platform, []))
    first_day = start.astimezone(zone).date()
    blackout = set(config.blackout)
    for offset in range(days + 1):
        day = first_day + timedelta(days=offset)
        if day in blackout:
            continue
        for weekday, at in parsed:
            if day.weekday() == weekday:
                when = localize(day, at, zone)
                if when >= start:
                    yield when


def promotion_shares(queue: Queue, brands: Iterable[str]) -> dict[str, int]:
    """Each brand's promotion percent from its profile (the default mix where a profile cannot be loaded)."""
    from .brand import Mix, load_brand

    shares = {}
    for name in brands:
        try:
            shares[name] = load_brand(name, queue.workspace).mix.promotion
        except WorkbenchError:
            shares[name] = Mix().promotion
    return shares


def plan(queue: Queue, config: ScheduleConfig, mix_promotion: dict[str, int] | None = None,
         now: datetime | None = None, actor: str = "scheduler", apply: bool = True) -> list[Placement]:
    """Put approved items into the next free slots. `mix_promotion`: brand -> promotion percent (default: from
    each brand's profile)."""
    if mix_promotion is None:
        mix_promotion = promotion_shares(queue, {i.brand for i in queue.list(state="approved")})
    start = (now or now_utc()) + LEAD
    taken: dict[tuple[str, str], list[datetime]] = {}
    booked: dict[str, list[tuple[datetime, bool]]] = {}
    for item in queue.list(state="scheduled"):
        if item.scheduled_at:
            taken.setdefault((item.brand, item.platform), []).append(item.scheduled_at)
            booked.setdefault(item.brand, []).append((item.scheduled_at, item.promotional))
    placements = []
    window = timedelta(days=config.mix_window_days)
    for item in queue.list(state="approved"):
        if item.pinned and item.scheduled_at is not None and item.scheduled_at >= start:
            # an editor pinned this time (and the item came back through review): keep it
            if apply:
                item = queue.set_schedule(item.id, item.scheduled_at, actor, pinned=True)
            taken.setdefault((item.brand, item.platform), []).append(item.scheduled_at)
            booked.setdefault(item.brand, []).append((item.scheduled_at, item.promotional))
            placements.append(Placement(item, item.scheduled_at, "pinned"))
            continue
        if not config.slots.get(item.platform):
            placements.append(Placement(item, None, f"no posting slots for {item.platform}: add them under "
                                                    "schedule.slots in workbench.yaml"))
            continue
        spacing = config.spacing(item.platform)
        share = mix_promotion.get(item.brand, 100) / 100
        chosen = None
        for when in _slots_between(config, item.platform, start, config.horizon_days):
            if any(abs(when - other) < spacing or when == other for other in taken.get((item.brand, item.platform), [])):
                continue
            if item.promotional:
                recent = [p for t, p in booked.get(item.brand, []) if when - window < t <= when]
                if sum(recent) + 1 > math.ceil(share * (len(recent) + 1)):
                    continue
            chosen = when
            break
        if chosen is None:
            placements.append(Placement(item, None, f"no free slot in the next {config.horizon_days} days that "
                                                    "keeps the spacing, blackout dates and promotion mix"))
            continue
        taken.setdefault((item.brand, item.platform), []).append(chosen)
        booked.setdefault(item.brand, []).append((chosen, item.promotional))
        if apply:
            item = queue.set_schedule(item.id, chosen, actor)
        placements.append(Placement(item, chosen))
    return placements


def pin(queue: Queue, item_id: int, when: datetime, actor: str) -> Item:
    """An editor's own time for an item (approved or already scheduled); planning keeps it."""
    if when.tzinfo is None:
        raise ScheduleError("a pinned time needs a time zone.", field="when",
                            fix="write it like 2026-12-01T09:00+01:00, or 2026-12-01 09:00 Europe/Berlin.")
    return queue.set_schedule(item_id, when, actor, pinned=True)


def parse_when(text: str, default_zone: str) -> datetime:
    """'2026-12-01T09:00+01:00', '2026-12-01 09:00' (workspace zone) or '2026-12-01 09:00 Europe/Berlin'."""
    parts = text.strip().rsplit(" ", 1)
    zone_name = default_zone
    if len(parts) == 2 and "/" in parts[1]:
        text, zone_name = parts[0], parts[1]
    try:
        value = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        raise ScheduleError(f"'{text}' is not a date and time.", field="when",
                            fix="use YYYY-MM-DD HH:MM, optionally with an offset or an IANA zone.") from None
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(zone_name))


# ---------------------------------------------------------------------------------------------
# Exports

def _post_text(item: Item) -> str:
    return "\n\n".join(item.draft.parts)


def _scheduled(items: Iterable[Item]) -> list[Item]:
    chosen = [i for i in items if i.scheduled_at is not None and i.state in ("scheduled", "published")]
    return sorted(chosen, key=lambda i: (i.scheduled_at, i.id))


def export_ics(items: Iterable[Item], calendar_name: str = "workbench") -> bytes:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//workbench//content calendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", calendar_name)
    for item in _scheduled(items):
        event = Event()
        brand = re.sub(r"[^a-z0-9]+", "-", item.brand.lower()).strip("-")
        event.add("uid", f"workbench-item-{item.id}@{brand}")  # stable: re-exports update, not duplicate
        event.add("dtstamp", item.updated_at.astimezone(UTC))
        event.add("dtstart", item.scheduled_at.astimezone(UTC))
        event.add("dtend", item.scheduled_at.astimezone(UTC) + timedelta(minutes=15))
        first = item.draft.parts[0].split("\n")[0]
        event.add("summary", f"[{item.platform}] {first[:70]}")
        event.add("description", _post_text(item))
        event.add("categories", [item.platform, item.brand])
        cal.add_component(event)
    return cal.to_ical()


def _csv(rows: list[list[str]], header: list[str] | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def export_buffer(items: Iterable[Item], zone: ZoneInfo) -> str:
    """Buffer bulk upload: Text, Image URL, Tags, Posting Time (YYYY-MM-DD HH:mm, the profile's zone)."""
    rows = []
    for item in _scheduled(items):
        image = next((m.path for m in item.draft.media if m.kind == "image" and m.path.startswith("http")), "")
        rows.append([_post_text(item), image, ",".join(t.lstrip("#") for t in item.draft.hashtags),
                     item.scheduled_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")])
    return _csv(rows, ["Text", "Image URL", "Tags", "Posting Time"])


DATE_FORMATS = {"dmy": "%d/%m/%Y", "mdy": "%m/%d/%Y"}


@dataclass
class ExportResult:
    files: list[tuple[str, str]]  # (suffix, content)
    skipped: list[tuple[int, str]]


def _next_five(when: datetime) -> datetime:
    """The next 5-minute mark at or after `when` (Hootsuite takes no other minutes)."""
    base = when.replace(second=0, microsecond=0)
    if base < when:
        base += timedelta(minutes=1)
    return base + timedelta(minutes=(5 - base.minute % 5) % 5)


def export_hootsuite(items: Iterable[Item], zone: ZoneInfo, date_format: str = "dmy",
                     now: datetime | None = None, per_file: int = 350) -> ExportResult:
    """Hootsuite bulk composer: no header; date-time, message, link. Times on 5-minute marks, at least
    10 minutes ahead, at most 350 rows a file (more rows: more files)."""
    fmt = DATE_FORMATS[date_format] + " %H:%M"
    earliest = (now or now_utc()) + LEAD
    rows, skipped = [], []
    for item in _scheduled(items):
        when = _next_five(item.scheduled_at)
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
        rows.append([when.astimezone(zone).strftime(fmt), text, link])
    chunks = [rows[i:i + per_file] for i in range(0, len(rows), per_file)] or [[]]
    suffixes = [""] if len(chunks) == 1 else [f"-{n}" for n in range(1, len(chunks) + 1)]
    return ExportResult([(s, _csv(c)) for s, c in zip(suffixes, chunks, strict=True)], skipped)


def export_sprout(items: Iterable[Item], zone: ZoneInfo, date_format: str = "dmy",
                  now: datetime | None = None) -> ExportResult:
    """Sprout Social bulk scheduling: date, time_24hr, message_text; 10 minutes ahead and apart."""
    earliest = (now or now_utc()) + LEAD
    rows, skipped, last = [], [], None
    for item in _scheduled(items):
        when = item.scheduled_at
        if when < earliest:
            skipped.append((item.id, "less than 10 minutes ahead; Sprout refuses it"))
            continue
        if last is not None and when - last < LEAD:
            skipped.append((item.id, "less than 10 minutes after the previous message; Sprout refuses it"))
            continue
        local = when.astimezone(zone)
        rows.append([local.strftime(DATE_FORMATS[date_format]), local.strftime("%H:%M"), _post_text(item)])
        last = when
    return ExportResult([("", _csv(rows, ["date", "time_24hr", "message_text"]))], skipped)


# ---------------------------------------------------------------------------------------------
# Import

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


def read_csv(path: Path, default_platform: str | None, zone: ZoneInfo, date_format: str = "dmy") -> list[ImportRow]:
    from .drafts import Draft
    from .platforms import get_platform, validate

    raw = path.read_text(encoding="utf-8-sig")
    sample = raw.splitlines()[0] if raw.strip() else ""
    has_header = any(a in sample.lower() for names in ALIASES.values() for a in names)
    reader = csv.reader(io.StringIO(raw))
    rows = list(reader)
    if not rows:
        raise ScheduleError("the CSV file is empty.", path=path, fix="export the posts again.")
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
            return row[i].strip() if i is not None and i < len(row) else ""

        problems = []
        text = cell("text")
        if cell("link") and cell("link") not in text:
            text = f"{text} {cell('link')}".strip()
        platform = (cell("platform") or default_platform or "").lower().replace("twitter", "x")
        when = None
        stamp = cell("when") or " ".join(x for x in (cell("date"), cell("time")) if x)
        if stamp:
            when = _parse_stamp(stamp, zone, date_format)
            if when is None:
                problems.append(f"cannot read the time '{stamp}'")
        try:
            spec = get_platform(platform) if platform else None
        except WorkbenchError:
            spec = None
            problems.append(f"unknown platform '{platform}'")
        if spec is None and not platform:
            problems.append("no platform: add a platform column or pass --platform")
        if spec is not None:
            problems += [p.message for p in validate(Draft(spec.name, [text]), spec) if p.severity == "error"]
        out.append(ImportRow(n, spec.name if spec else platform, text, when, problems))
    return out


def _parse_stamp(stamp: str, zone: ZoneInfo, date_format: str) -> datetime | None:
    formats = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ",
               DATE_FORMATS[date_format] + " %H:%M", DATE_FORMATS[date_format] + " %H:%M:%S"]
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
    from .drafts import Draft, Provenance

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


def schedule_frame(queue: Queue, zone: ZoneInfo) -> Any:
    """The schedule as a pandas DataFrame, for the notebook calendar."""
    import pandas as pd

    rows = []
    for item in _scheduled(queue.list(state="scheduled") + queue.list(state="published")):
        local = item.scheduled_at.astimezone(zone)
        rows.append({"item": item.id, "brand": item.brand, "platform": item.platform, "state": item.state,
                     "when_utc": item.scheduled_at.astimezone(UTC), "when_local": local,
                     "weekday": local.strftime("%a"), "time": local.strftime("%H:%M"), "pinned": item.pinned,
                     "promotional": item.promotional, "score": item.score,
                     "text": item.draft.parts[0].split("\n")[0][:80]})
    columns = ["item", "brand", "platform", "state", "when_utc", "when_local", "weekday", "time", "pinned",
               "promotional", "score", "text"]
    return pd.DataFrame(rows, columns=columns)
