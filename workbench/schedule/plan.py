"""Posting slots and planning.

Slots are weekday + wall-clock time in an IANA time zone (zoneinfo), so "Tue 09:00 Europe/Berlin" stays
09:00 local across daylight-saving changes. A slot that falls in the spring-forward gap moves forward by
the gap; one in the autumn overlap takes the first occurrence. Planning is deterministic: approved items
in queue order, each into the earliest free slot that keeps the platform's spacing, avoids blackout
dates and keeps the brand's value/promotion mix over a rolling window.

Planned times are ones every export takes as they are: a slot lands on a 5-minute mark (a "Tue 09:07" slot
plans 09:10, as Hootsuite takes no other minutes), and posts on one channel (platform and brand) are at least
`LEAD` apart, a thread counted from its first post to its last (`THREAD_GAP` apart, Sprout's spacing), so
Sprout has nothing to drop and Hootsuite nothing to move. On a thread platform they are more than `LEAD` apart,
so an export reads back with each thread whole.

Slots and spacing are catalogue facts (`PlatformSpec.slots`, `PlatformSpec.min_spacing_minutes`); a
workspace's `schedule:` section only overrides them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..errors import WorkbenchError
from ..platforms import PlatformName, PlatformSpec, registry
from ..queue import Item, Queue, now_utc

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LEAD = timedelta(minutes=10)  # nothing is planned or exported sooner than this (Hootsuite and Sprout refuse it)
MARK = timedelta(minutes=5)  # Hootsuite's bulk composer takes times on 5-minute marks only
# a thread's posts go out one after another, at most this far apart in any built-in export (Sprout's spacing):
# the planner keeps a channel free for the whole thread
THREAD_GAP = LEAD


class ScheduleError(WorkbenchError):
    pass


class ScheduleConfig(BaseModel):
    """A workspace's (or a brand's) schedule: its zone, its blackout dates, and overrides of the catalogue's
    slots and spacing."""

    model_config = ConfigDict(extra="forbid")

    timezone: str = "UTC"
    # workspace overrides only: a platform listed here uses these slots instead of the catalogue's
    slots: dict[PlatformName, list[str]] = Field(default_factory=dict)
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

    def slots_for(self, platform: str, spec: PlatformSpec | None) -> list[str]:
        """The workspace's slots for the platform if it lists the platform (an empty list turns it off),
        else the catalogue's."""
        if platform in self.slots:
            return list(self.slots[platform])
        return list(spec.slots) if spec is not None else []

    def spacing(self, platform: str, spec: PlatformSpec | None = None) -> timedelta:
        """The workspace's spacing for the platform, else the catalogue's, else the workspace default."""
        minutes = self.min_spacing_minutes.get(platform)
        if minutes is None and spec is not None:
            minutes = spec.min_spacing_minutes
        return timedelta(minutes=self.default_spacing_minutes if minutes is None else minutes)


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


def scheduled(items: Iterable[Item]) -> list[tuple[Item, datetime]]:
    """Scheduled and published items with their times, in time order (exports and the calendar read this)."""
    chosen = [(i, i.scheduled_at) for i in items
              if i.scheduled_at is not None and i.state in ("scheduled", "published")]
    return sorted(chosen, key=lambda pair: (pair[1], pair[0].id))


def next_mark(when: datetime) -> datetime:
    """The first 5-minute mark at or after `when`, in `when`'s zone. Counted in UTC, so a daylight-saving change
    cannot make a wall-clock time that does not exist (every zone's offset today is a multiple of 5 minutes)."""
    utc = when.astimezone(UTC)
    base = utc.replace(second=0, microsecond=0)
    if base < utc:
        base += timedelta(minutes=1)
    base += timedelta(minutes=(5 - base.minute % 5) % 5)
    return base.astimezone(when.tzinfo) if when.tzinfo is not None else base


def span(item: Item, when: datetime) -> tuple[datetime, datetime]:
    """When an item's posts start and end on its channel: a thread's last post goes out `THREAD_GAP` per post
    after its first (in Sprout's export; Buffer and Hootsuite post them closer)."""
    return when, when + THREAD_GAP * max(len(item.draft.parts) - 1, 0)


def _slots_between(config: ScheduleConfig, slots: list[str], start: datetime, days: int) -> Iterable[datetime]:
    zone = config.zone
    parsed = sorted(parse_slot(s) for s in slots)
    first_day = start.astimezone(zone).date()
    blackout = set(config.blackout)
    for offset in range(days + 1):
        day = first_day + timedelta(days=offset)
        if day in blackout:
            continue
        for weekday, at in parsed:
            if day.weekday() == weekday:
                when = next_mark(localize(day, at, zone))
                if when >= start:
                    yield when


def promotion_shares(queue: Queue, brands: Iterable[str]) -> dict[str, int]:
    """Each brand's promotion percent from its profile (the default mix where a profile cannot be loaded)."""
    from ..brand import Mix, load_brand

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
    each brand's profile). Slots and spacing: the workspace's overrides, else the queue's catalogue."""
    specs: Mapping[str, PlatformSpec] = getattr(queue, "specs", None) or registry()
    if mix_promotion is None:
        mix_promotion = promotion_shares(queue, {i.brand for i in queue.list(state="approved")})
    start = (now or now_utc()) + LEAD
    taken: dict[tuple[str, str], list[tuple[datetime, datetime]]] = {}  # a channel's posts: (first, last)
    booked: dict[str, list[tuple[datetime, bool]]] = {}

    def book(item: Item, when: datetime) -> None:
        taken.setdefault((item.brand, item.platform), []).append(span(item, when))
        booked.setdefault(item.brand, []).append((when, item.promotional))

    def clashes(item: Item, when: datetime, spacing: timedelta, room: timedelta) -> bool:
        return _clashes(item, when, spacing, room, taken.get((item.brand, item.platform), []))

    for item in queue.list(state="scheduled"):
        if item.scheduled_at:
            book(item, item.scheduled_at)
    placements = []
    window = timedelta(days=config.mix_window_days)
    for item in queue.list(state="approved"):
        if item.pinned and item.scheduled_at is not None and item.scheduled_at >= start:
            # an editor pinned this time (and the item came back through review): keep it
            pinned_at = item.scheduled_at
            if apply:
                item = queue.set_schedule(item.id, pinned_at, actor, pinned=True)
            book(item, pinned_at)
            placements.append(Placement(item, pinned_at, "pinned"))
            continue
        spec = specs.get(item.platform)
        slots = config.slots_for(item.platform, spec)
        if not slots:
            placements.append(Placement(item, None, f"no posting slots for {item.platform}: add them under "
                                                    "schedule.slots in workbench.yaml"))
            continue
        spacing = config.spacing(item.platform, spec)
        share = mix_promotion.get(item.brand, 100) / 100
        chosen = None
        room = _room(spec)
        for when in _slots_between(config, slots, start, config.horizon_days):
            if clashes(item, when, spacing, room):
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
        book(item, chosen)
        if apply:
            item = queue.set_schedule(item.id, chosen, actor)
        placements.append(Placement(item, chosen))
    return placements


def _room(spec: PlatformSpec | None) -> timedelta:
    """The least gap to another post on the channel: LEAD, and on a thread platform more than it, since a post
    exactly one thread gap after a thread's last post would read back (`schedule import`) as more of it."""
    return LEAD + (timedelta(minutes=1) if spec is not None and spec.is_thread else timedelta(0))


def _clashes(item: Item, when: datetime, spacing: timedelta, room: timedelta,
             taken: Iterable[tuple[datetime, datetime]]) -> bool:
    """Too close to a post on the same channel (`taken`: its posts, first and last): within the platform's
    spacing of its start, or less than `room` from any of its posts (a thread's included), which Sprout would
    drop."""
    first, last = span(item, when)
    return any(abs(when - start) < spacing or (first < end + room and start < last + room) for start, end in taken)


def free_slots(queue: Queue, config: ScheduleConfig, item_id: int, count: int = 8,
               now: datetime | None = None) -> list[datetime]:
    """The next `count` slots an item could move to: its platform's slots, from 10 minutes ahead, that keep the
    spacing from the other posts on its channel and avoid blackout dates (what the calendar offers to pick)."""
    item = queue.get(item_id)
    specs: Mapping[str, PlatformSpec] = getattr(queue, "specs", None) or registry()
    spec = specs.get(item.platform)
    room = _room(spec)
    taken = [span(other, other.scheduled_at) for other in queue.list(state="scheduled", brand=item.brand,
                                                                     platform=item.platform)
             if other.id != item.id and other.scheduled_at is not None]
    found: list[datetime] = []
    for when in _slots_between(config, config.slots_for(item.platform, spec), (now or now_utc()) + LEAD,
                               config.horizon_days):
        if not _clashes(item, when, config.spacing(item.platform, spec), room, taken):
            found.append(when)
            if len(found) == count:
                break
    return found


def pin(queue: Queue, item_id: int, when: datetime, actor: str, now: datetime | None = None) -> Item:
    """An editor's own time for an item (approved or already scheduled); planning keeps it. With `now` (the
    calendar and `schedule pin` give it), a time that has passed, or is less than 10 minutes away, is refused:
    it would go out at once, or not at all."""
    if when.tzinfo is None:
        raise ScheduleError("a pinned time needs a time zone.", field="when",
                            fix="write it like 2026-12-01T09:00+01:00, or 2026-12-01 09:00 Europe/Berlin.")
    if now is not None and when < now + LEAD:
        past = "has passed" if when <= now else "is less than 10 minutes away"
        raise ScheduleError(f"{when:%a %d %b %Y %H:%M %Z} {past}.", field="when",
                            fix="choose a later time: one of the free slots, or at least 10 minutes from now.")
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
    if value.tzinfo:
        return value
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"'{zone_name}' is not a time zone.", field="when",
                            fix="use an IANA zone such as Europe/Berlin or America/New_York, or an offset: "
                                "2026-12-01T09:00+01:00.") from None
    return value.replace(tzinfo=zone)


def schedule_frame(queue: Queue, zone: ZoneInfo) -> Any:
    """The schedule as a pandas DataFrame, for the notebook calendar."""
    import pandas as pd

    rows = []
    for item, when in scheduled(queue.list(state="scheduled") + queue.list(state="published")):
        local = when.astimezone(zone)
        rows.append({"item": item.id, "brand": item.brand, "platform": item.platform, "state": item.state,
                     "when_utc": when.astimezone(UTC), "when_local": local,
                     "weekday": local.strftime("%a"), "time": local.strftime("%H:%M"), "pinned": item.pinned,
                     "promotional": item.promotional, "score": item.score,
                     "text": item.draft.parts[0].split("\n")[0][:80]})
    columns = ["item", "brand", "platform", "state", "when_utc", "when_local", "weekday", "time", "pinned",
               "promotional", "score", "text"]
    return pd.DataFrame(rows, columns=columns)
