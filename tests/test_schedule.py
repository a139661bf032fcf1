"""Slots, planning across daylight saving, exports the tools accept, and CSV import."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from workbench.drafts import CTA, Draft, Provenance
from workbench.platforms import PlatformSpec, registry
from workbench.plugins import PluginError
from workbench.queue import Item, Queue
from workbench.schedule import (
    ExportOptions,
    ExportResult,
    ScheduleConfig,
    ScheduleError,
    export,
    export_buffer,
    export_hootsuite,
    export_ics,
    export_queue,
    export_sprout,
    exporters,
    import_rows,
    localize,
    parse_when,
    pin,
    plan,
    read_csv,
    schedule_frame,
    scheduled,
)

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def queue(queue_url: str, tmp_path: Path) -> Queue:
    return Queue(queue_url, workspace=tmp_path)


def approved(queue: Queue, platform: str = "linkedin", n: int = 1, promo: bool = False, brand: str = "b",
             text: str = "Planning beats guessing. Follow us for weekly analysis.") -> list[int]:
    ids = []
    for i in range(n):
        cta = CTA("link", "Read it:", "https://e.example/g") if promo else CTA("follow", "Follow us.")
        draft = Draft(platform, [f"{text} ({i})"], cta=cta,
                      provenance=Provenance(pillar_hash=f"{platform}-{promo}-{i}-{text}"))
        item = queue.add(draft, "pillar.md", brand)
        queue.approve(item.id, "ana", 1)
        ids.append(item.id)
    return ids


def test_localize_handles_the_dst_gap_and_overlap() -> None:
    assert localize(date(2026, 3, 29), datetime.strptime("02:30", "%H:%M").time(), BERLIN).isoformat() == \
        "2026-03-29T03:30:00+02:00"  # 02:30 does not exist that night: moved forward by the gap
    assert localize(date(2026, 10, 25), datetime.strptime("02:30", "%H:%M").time(), BERLIN).isoformat() == \
        "2026-10-25T02:30:00+02:00"  # 02:30 happens twice: the first one


def test_a_weekly_slot_stays_at_local_time_across_the_dst_change(queue: Queue) -> None:
    config = ScheduleConfig(timezone="Europe/Berlin", slots={"linkedin": ["Tue 09:00"]},
                            default_spacing_minutes=60)
    ids = approved(queue, n=3)
    now = datetime(2026, 10, 19, 12, 0, tzinfo=UTC)  # Monday before the clocks go back (25 Oct)
    placed = plan(queue, config, now=now)
    assert [p.item.id for p in placed] == ids
    local = [p.when.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M %Z") for p in placed]
    assert local == ["2026-10-20 09:00 CEST", "2026-10-27 09:00 CET", "2026-11-03 09:00 CET"]
    utc = [p.when.astimezone(UTC).strftime("%H:%M") for p in placed]
    assert utc == ["07:00", "08:00", "08:00"]
    assert all(queue.get(i).state == "scheduled" for i in ids)


def test_planning_is_deterministic_and_keeps_spacing_and_blackouts(queue_url: str, tmp_path: Path) -> None:
    config = ScheduleConfig(timezone="UTC", slots={"x": ["Mon 09:00", "Mon 10:00", "Mon 15:00", "Tue 09:00"]},
                            min_spacing_minutes={"x": 180}, blackout=[date(2026, 11, 24)])
    now = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)  # a Sunday
    results = []
    for run in range(2):
        q = Queue(f"sqlite:///{tmp_path / f'q{run}.sqlite'}", workspace=tmp_path)
        approved(q, "x", n=3)
        results.append([p.when.isoformat() for p in plan(q, config, now=now, apply=False)])
    assert results[0] == results[1]
    # Mon 09:00, Mon 10:00 is within 3 h, Mon 15:00; Tue 24 Nov is a blackout date: next Monday
    assert results[0] == ["2026-11-23T09:00:00+00:00", "2026-11-23T15:00:00+00:00", "2026-11-30T09:00:00+00:00"]


def test_promotion_mix_defers_promotional_posts(queue: Queue) -> None:
    config = ScheduleConfig(timezone="UTC", slots={"x": ["Mon 09:00", "Tue 09:00", "Wed 09:00", "Thu 09:00",
                                                        "Fri 09:00"]}, mix_window_days=7)
    promos = approved(queue, "x", n=2, promo=True)
    values = approved(queue, "x", n=3, text="A value post. Follow us.")
    placed = {p.item.id: p.when for p in plan(queue, config, {"b": 20}, now=datetime(2026, 11, 22, tzinfo=UTC))}
    # one promotional post fits any week; the second waits until enough value posts precede it in the window
    assert placed[promos[0]] < placed[promos[1]]
    week = [w for w in placed.values() if w < datetime(2026, 11, 28, tzinfo=UTC)]
    promo_in_week = sum(1 for i in promos if placed[i] in week)
    assert promo_in_week == 1 and all(placed[v] in week for v in values)
    assert placed[promos[1]] == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # the next window


def test_pin_and_move(queue: Queue) -> None:
    item_id = approved(queue)[0]
    when = parse_when("2026-12-01 09:30", "Europe/Berlin")
    item = pin(queue, item_id, when, "ana")
    assert item.state == "scheduled" and item.pinned and item.scheduled_at == when
    moved = pin(queue, item_id, parse_when("2026-12-02T10:00+00:00", "UTC"), "ana")
    assert moved.scheduled_at.isoformat() == "2026-12-02T10:00:00+00:00"
    assert [a["action"] for a in queue.audit_log(item_id)][-2:] == ["scheduled", "moved"]
    # planning leaves a pinned item alone and keeps away from it
    other = approved(queue, text="Another post. Follow us.")[0]
    config = ScheduleConfig(timezone="UTC", slots={"linkedin": ["Wed 10:00", "Thu 10:00"]})
    placed = plan(queue, config, now=datetime(2026, 11, 30, tzinfo=UTC))
    assert [p.item.id for p in placed] == [other] and placed[0].when.isoformat() == "2026-12-03T10:00:00+00:00"


def _scheduled(queue: Queue, times: list[str], platform: str = "x") -> list:
    ids = approved(queue, platform, n=len(times))
    return [pin(queue, i, datetime.fromisoformat(t), "ana") for i, t in zip(ids, times, strict=True)]


def test_ics_has_stable_uids_and_utc_times(queue: Queue) -> None:
    items = _scheduled(queue, ["2026-12-01T09:00:00+01:00", "2026-12-02T12:00:00+00:00"])
    cal = Calendar.from_ical(export_ics(items))
    events = cal.walk("VEVENT")
    # the queue's workspace id makes the UID unique across workspaces (both have an item 1)
    assert [str(e["uid"]) for e in events] == [f"workbench-item-{i.id}-{queue.workspace_id}@workbench" for i in items]
    assert events[0].decoded("dtstart") == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert export_ics(items).count(b"DTSTART:20261201T080000Z") == 1
    assert Calendar.from_ical(export_ics(items)).walk("VEVENT")[0]["uid"] == events[0]["uid"]  # same on re-export


def test_buffer_csv(queue: Queue) -> None:
    items = _scheduled(queue, ["2026-12-01T09:00:00+01:00"])
    rows = list(csv.reader(io.StringIO(export_buffer(items, BERLIN))))
    assert rows[0] == ["Text", "Image URL", "Tags", "Posting Time"]
    assert rows[1][0].startswith("Planning beats guessing.") and rows[1][3] == "2026-12-01 09:00"


def test_hootsuite_csv_rules(queue: Queue) -> None:
    now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    items = _scheduled(queue, ["2026-12-01T08:05:00+00:00", "2026-12-01T09:02:00+00:00"])
    result = export_hootsuite(items, ZoneInfo("UTC"), "dmy", now=now)
    rows = list(csv.reader(io.StringIO(result.files[0][1])))
    assert rows == [["01/12/2026 09:05", rows[0][1], ""]]  # no header; 09:02 rounded up to a 5-minute mark
    assert result.skipped[0][0] == items[0].id and "10 minutes" in result.skipped[0][1]
    mdy = export_hootsuite(items[1:], ZoneInfo("UTC"), "mdy", now=now)
    assert mdy.files[0][1].startswith("12/01/2026 09:05,")


def test_hootsuite_link_column_and_350_rows_a_file(queue: Queue) -> None:
    draft = Draft("x", ["Read the guide: https://e.example/g?utm_source=x"], cta=CTA("link", "Read the guide:",
                  "https://e.example/g?utm_source=x"), provenance=Provenance(pillar_hash="link"))
    item = queue.add(draft, "p", "b")
    queue.approve(item.id, "ana", 1)
    item = pin(queue, item.id, datetime(2027, 1, 1, 9, tzinfo=UTC), "ana")
    row = next(csv.reader(io.StringIO(export_hootsuite([item], ZoneInfo("UTC")).files[0][1])))
    assert row[1:] == ["Read the guide:", "https://e.example/g?utm_source=x"]
    many = [item] * 351
    result = export_hootsuite(many, ZoneInfo("UTC"), now=datetime(2026, 1, 1, tzinfo=UTC))
    assert [s for s, _ in result.files] == ["-x-b-1", "-x-b-2"]  # the channel (X, brand b), then the number
    assert [len(c.splitlines()) for _, c in result.files] == [350, 1]


def test_sprout_csv(queue: Queue) -> None:
    items = _scheduled(queue, ["2026-12-01T09:00:00+00:00", "2026-12-01T09:05:00+00:00"])
    result = export_sprout(items, ZoneInfo("UTC"), "mdy", now=datetime(2026, 11, 1, tzinfo=UTC))
    rows = list(csv.DictReader(io.StringIO(result.files[0][1])))
    assert list(rows[0]) == ["date", "time_24hr", "message_text"]
    assert (rows[0]["date"], rows[0]["time_24hr"]) == ("12/01/2026", "09:00")
    assert len(rows) == 1 and "less than 10 minutes from item" in result.skipped[0][1]


def test_import_with_aliases_and_preview(queue: Queue, tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("Network,Message,Posting Time,URL\n"
                    "twitter,Planning beats guessing.,2026-12-01 09:00,https://e.example\n"
                    "linkedin,Batch the month in one afternoon.,01/12/2026 10:30,\n"
                    "myspace,Nope.,2026-12-01 09:00,\n"
                    f"bluesky,{'y' * 301},2026-12-01 09:00,\n")
    rows = read_csv(path, None, BERLIN)
    assert [(r.platform, r.problems == []) for r in rows] == [("x", True), ("linkedin", True), ("myspace", False),
                                                              ("bluesky", False)]
    assert rows[0].text == "Planning beats guessing. https://e.example"
    assert rows[1].when.isoformat() == "2026-12-01T10:30:00+01:00"
    assert "unknown platform 'myspace'" in rows[2].problems[0] and "301/300" in rows[3].problems[0]
    assert queue.count() == 0  # reading is the preview: nothing created
    created = import_rows(queue, rows, "b", "ana")
    assert [i.platform for i in created] == ["x", "linkedin"] and all(i.state == "in_review" for i in created)
    assert import_rows(queue, rows, "b", "ana") == []  # the same file twice creates nothing new
    # the row's time is kept: once approved, planning schedules the item then, not in a slot
    linkedin = created[1]
    assert linkedin.pinned and linkedin.scheduled_at.isoformat() == "2026-12-01T09:30:00+00:00"
    queue.approve(linkedin.id, "ana", 1)
    [placed] = plan(queue, ScheduleConfig(slots={"linkedin": ["Mon 08:00"]}), now=datetime(2026, 11, 22, tzinfo=UTC))
    assert placed.reason == "pinned" and queue.get(linkedin.id).scheduled_at == rows[1].when


def test_import_headerless_hootsuite_file(tmp_path: Path) -> None:
    path = tmp_path / "hs.csv"
    path.write_text("01/12/2026 09:05,Planning beats guessing.,https://e.example\n")
    rows = read_csv(path, "x", ZoneInfo("UTC"))
    assert rows[0].when == datetime(2026, 12, 1, 9, 5, tzinfo=ZoneInfo("UTC")) and rows[0].problems == []


def test_schedule_as_a_dataframe(queue: Queue) -> None:
    _scheduled(queue, ["2026-12-01T09:00:00+00:00", "2026-12-03T18:00:00+00:00"])
    frame = schedule_frame(queue, BERLIN)
    assert list(frame["weekday"]) == ["Tue", "Thu"] and list(frame["time"]) == ["10:00", "19:00"]
    assert frame["when_utc"].iloc[1] - frame["when_utc"].iloc[0] == timedelta(days=2, hours=9)


def test_config_errors() -> None:
    with pytest.raises(ValueError, match="not an IANA time zone"):
        ScheduleConfig(timezone="Berlin/Europe")
    with pytest.raises(ValueError, match="slot 'Tuesday at 9' is not 'Day HH:MM'"):
        ScheduleConfig(slots={"x": ["Tuesday at 9"]})


def test_a_pinned_item_back_from_review_keeps_its_time(queue: Queue) -> None:
    item_id = approved(queue)[0]
    when = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    pin(queue, item_id, when, "ana")
    queue.edit(item_id, ["Planning beats guessing, edited. Follow us for weekly analysis."], "bob",
               queue.get(item_id).revision)
    assert queue.get(item_id).state == "in_review"
    queue.approve(item_id, "ana", 2)
    config = ScheduleConfig(timezone="UTC", slots={"linkedin": ["Mon 09:00"]})
    [placed] = plan(queue, config, now=datetime(2026, 11, 22, tzinfo=UTC))
    assert placed.when == when and queue.get(item_id).scheduled_at == when and queue.get(item_id).state == "scheduled"


# --- the catalogue's slots and spacing, the exporter registry, imports against the workspace's catalogue ---

def test_without_workspace_slots_the_catalogue_slots_are_used(queue: Queue) -> None:
    approved(queue, "linkedin", n=2)
    placed = plan(queue, ScheduleConfig(), now=datetime(2026, 11, 22, tzinfo=UTC), apply=False)  # a Sunday
    assert [p.when.strftime("%a %H:%M") for p in placed] == ["Tue 09:00", "Wed 09:00"]  # LinkedIn's catalogue slots


def test_the_queue_catalogue_gives_slots_and_spacing_and_the_workspace_overrides_them(queue: Queue) -> None:
    now = datetime(2026, 11, 22, tzinfo=UTC)  # a Sunday
    x_spec = registry()["x"].model_copy(update={"slots": ("Mon 09:00", "Mon 10:00"), "min_spacing_minutes": 120})
    queue.specs = {**registry(), "x": x_spec}  # type: ignore[attr-defined]  # a workspace catalogue: Queue(specs=)
    approved(queue, "x", n=2)

    def when(config: ScheduleConfig) -> list[str]:
        return [p.when.isoformat() if p.when else p.reason for p in plan(queue, config, now=now, apply=False)]

    # Monday 10:00 is within the catalogue's 2 hours of 09:00: the next Monday
    assert when(ScheduleConfig()) == ["2026-11-23T09:00:00+00:00", "2026-11-30T09:00:00+00:00"]
    assert when(ScheduleConfig(min_spacing_minutes={"x": 30})) == ["2026-11-23T09:00:00+00:00",
                                                                   "2026-11-23T10:00:00+00:00"]
    assert when(ScheduleConfig(slots={"x": ["Tue 08:00"]})) == \
        ["2026-11-24T08:00:00+00:00", "2026-12-01T08:00:00+00:00"]
    # an empty list in the workspace turns the platform off
    off = "no posting slots for x: add them under schedule.slots in workbench.yaml"
    assert when(ScheduleConfig(slots={"x": []})) == [off, off]


def test_every_exporter_returns_files_as_bytes_and_the_items_it_left_out(queue: Queue) -> None:
    items = _scheduled(queue, ["2026-12-01T09:00:00+00:00", "2026-12-01T09:05:00+00:00"])
    options = ExportOptions(zone=BERLIN, date_format="mdy", now=datetime(2026, 11, 1, tzinfo=UTC))
    assert {"ics", "buffer", "hootsuite", "sprout"} <= set(exporters.names())  # built-ins, through entry points
    for name in exporters.names():
        result = export(name, items, options)
        assert isinstance(result, ExportResult) and all(isinstance(c, bytes) for _, c in result.files)
    assert b"2026-12-01 10:00" in export("buffer", items, options).files[0][1]  # Berlin time
    [(left_out, why)] = export("sprout", items, options).skipped
    assert left_out == items[1].id and why == (f"less than 10 minutes from item {items[0].id}'s post at "
                                               "2026-12-01T09:00:00+00:00 on this channel; Sprout refuses it")


def test_an_unknown_exporter_or_date_format_names_the_known_ones(queue: Queue) -> None:
    with pytest.raises(PluginError, match="unknown exporter 'icss'.*did you mean 'ics'"):
        export("icss", [])
    with pytest.raises(ScheduleError, match="unknown date format 'ymd'.*dmy, mdy"):
        ExportOptions(date_format="ymd")


def test_a_registered_exporter_is_used_like_a_built_in(queue: Queue) -> None:
    items = _scheduled(queue, ["2026-12-01T09:00:00+00:00"])

    def plain(found: object, options: ExportOptions) -> ExportResult:
        return ExportResult([(".txt", b"".join(i.draft.parts[0].encode() for i, _ in scheduled(found)))])

    exporters.register("plain", plain)
    try:
        assert export("plain", items).files[0][1].startswith(b"Planning beats guessing.")
        assert "plain" in exporters.names()
    finally:
        exporters.unregister("plain")


def test_import_checks_rows_against_the_workspace_catalogue(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text(f"platform,text\nbluesky,{'y' * 301}\npinboard,A post for our own network.\n")
    assert [r.problems != [] for r in read_csv(path, None, BERLIN)] == [True, True]
    specs = {**registry(), "bluesky": registry()["bluesky"].model_copy(update={"limit": 400}),
             "pinboard": PlatformSpec(name="pinboard", label="Pinboard", limit=200, counting="graphemes")}
    rows = read_csv(path, None, BERLIN, specs=specs)
    assert [(r.platform, r.problems) for r in rows] == [("bluesky", []), ("pinboard", [])]


# --- issue 16: exports the other tools accept ---------------------------------------------------------------

NORTHWIND = "Northwind Advisory"
THREAD = ["Batching beats daily scrambling: one afternoon a month writes the whole calendar.",
          "Step one: list the month's pillars and the platforms each one feeds.",
          "Step two: draft, review and schedule in one sitting. Guide: https://e.example/batch"]


def _post(queue: Queue, platform: str, parts: list[str], when: datetime, brand: str = NORTHWIND,
          hashtags: tuple[str, ...] = ()) -> Item:
    """A scheduled item with exactly these posts, pinned at `when`."""
    draft = Draft(platform, parts, hashtags=list(hashtags), provenance=Provenance(pillar_hash=f"{platform}{parts}"))
    item = queue.add(draft, "pillar.md", brand)
    assert item is not None and item.problems == [], item and item.problems
    queue.approve(item.id, "ana", item.revision)
    return pin(queue, item.id, when, "ana")


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def test_each_channel_gets_its_own_file_named_for_it(queue: Queue, tmp_path: Path) -> None:
    at = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
    linkedin = _post(queue, "linkedin", ["A LinkedIn post for Northwind."], at)
    x = _post(queue, "x", ["An X post for Northwind."], at)
    other = _post(queue, "linkedin", ["A LinkedIn post for the other brand."], at, brand="Café Noir")
    options = ExportOptions(now=datetime(2027, 1, 1, tzinfo=UTC))
    for name in ("buffer", "hootsuite", "sprout"):
        result = export(name, [linkedin, x, other], options)
        written = result.write(tmp_path / result.filename)
        assert [p.name for p in written] == [f"{name}-linkedin-cafe-noir.csv",
                                             f"{name}-linkedin-northwind-advisory.csv",
                                             f"{name}-x-northwind-advisory.csv"]
        texts = [[cell for row in _rows(p.read_bytes()) for cell in row] for p in written]
        assert [t for t in texts[0] if "post" in t] == ["A LinkedIn post for the other brand."]
        assert [t for t in texts[2] if "post" in t] == ["An X post for Northwind."]
        assert result.changes == [] and result.rows == 3
    with pytest.raises(ScheduleError, match="make 3 Buffer files"):
        export_buffer([linkedin, x, other], ZoneInfo("UTC"))  # the old helper returned one file: it says why not


def test_buffer_splits_past_100_rows_and_the_free_plan_takes_10(queue: Queue) -> None:
    start = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
    items = [_post(queue, "x", [f"Post number {n} of the month."], start + timedelta(hours=n)) for n in range(12)]
    paid = export("buffer", items)
    assert [s for s, _ in paid.files] == ["-x-northwind-advisory"] and len(_rows(paid.files[0][1])) == 13
    free = export("buffer", items, ExportOptions(buffer_plan="free"))
    assert [s for s, _ in free.files] == ["-x-northwind-advisory-1", "-x-northwind-advisory-2"]
    assert [len(_rows(c)) - 1 for _, c in free.files] == [10, 2]  # each file has Buffer's header
    assert free.summary() == "wrote 12 rows in 2 files; 0 dropped, 0 moved"


@pytest.mark.parametrize(("name", "minutes"), [("buffer", 1), ("hootsuite", 5), ("sprout", 10)])
def test_a_thread_is_one_row_per_post_in_order_with_a_note(queue: Queue, name: str, minutes: int) -> None:
    item = _post(queue, "x_thread", THREAD, datetime(2027, 1, 5, 17, 0, tzinfo=UTC))
    result = export(name, [item], ExportOptions(date_format="mdy", now=datetime(2027, 1, 1, tzinfo=UTC)))
    rows = _rows(result.files[0][1])
    rows = rows[1:] if name != "hootsuite" else rows
    if name == "buffer":
        texts, times = [r[0] for r in rows], [r[3][-5:] for r in rows]
    elif name == "hootsuite":
        texts, times = [r[1] + (" " + r[2] if r[2] else "") for r in rows], [r[0][-5:] for r in rows]
    else:
        texts, times = [r[2] for r in rows], [r[1] for r in rows]
    assert texts == THREAD  # never one long post: three rows, in order
    assert times == [f"17:{m:02d}" for m in (0, minutes, 2 * minutes)]
    assert result.changes == [] and result.rows == 3
    [note] = result.notes
    assert f"3 separate posts, in order, {minutes} minute" in note and "not as a reply chain" in note


def test_a_row_over_the_platform_limit_is_dropped_and_reported(queue: Queue) -> None:
    item = _post(queue, "x_thread", THREAD, datetime(2027, 1, 5, 17, 0, tzinfo=UTC))
    fine = _post(queue, "x", ["Short enough."], datetime(2027, 1, 6, 17, 0, tzinfo=UTC))
    # the workspace's catalogue changed since approval: X threads now take 70 characters a post
    specs = {**registry(), "x_thread": registry()["x_thread"].model_copy(update={"limit": 70})}
    result = export("buffer", [item, fine], ExportOptions(specs=specs))
    assert [c.part for c in result.changes] == [1, 2, 3]  # the whole thread: half a thread is worse than none
    assert all(c.change == "dropped" and c.written is None for c in result.changes)
    assert "post 1/3 does not fit X thread: 81/70 (x_weighted)" in result.changes[0].reason
    assert result.skipped == [(item.id, result.changes[0].reason)]
    assert [s for s, _ in result.files] == ["-x-northwind-advisory"]  # no file for the emptied channel
    assert result.summary() == "wrote 1 row in 1 file; 3 dropped, 0 moved"


def test_hashtags_stay_in_the_text_and_buffer_tags_stay_empty(queue: Queue) -> None:
    item = _post(queue, "x", ["Batch the month in one afternoon. #contentops #planning"],
                 datetime(2027, 1, 5, 9, 0, tzinfo=UTC), hashtags=("#contentops", "#planning"))
    [header, row] = _rows(export("buffer", [item]).files[0][1])
    assert header[2] == "Tags" and row[2] == ""  # Buffer's Tags are its own labels, not hashtags
    assert row[0] == "Batch the month in one afternoon. #contentops #planning"


def test_every_moved_or_dropped_row_is_reported(queue: Queue) -> None:
    now = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
    odd = _post(queue, "x", ["At an odd minute."], datetime(2027, 1, 5, 10, 7, tzinfo=UTC))
    soon = _post(queue, "linkedin", ["Too soon."], datetime(2027, 1, 5, 9, 5, tzinfo=UTC))
    close = _post(queue, "x", ["Three minutes after the odd one."], datetime(2027, 1, 5, 10, 10, tzinfo=UTC))
    options = ExportOptions(zone=BERLIN, now=now)
    hootsuite = export("hootsuite", [odd, soon, close], options)
    moved = [c for c in hootsuite.changes if c.change == "moved"]
    assert [(c.item_id, c.asked.astimezone(UTC).strftime("%H:%M"), c.written.astimezone(UTC).strftime("%H:%M"))
            for c in moved] == [(odd.id, "10:07", "10:10")]
    assert moved[0].describe(BERLIN) == (f"item {odd.id}: moved from 2027-01-05 11:07 CET to 2027-01-05 11:10 CET: "
                                         "Hootsuite takes times on 5-minute marks only")
    [dropped] = [c for c in hootsuite.changes if c.change == "dropped"]
    assert dropped.item_id == soon.id and dropped.asked == soon.scheduled_at and "10 minutes ahead" in dropped.reason
    assert hootsuite.summary() == "wrote 2 rows in 1 file; 1 dropped, 1 moved"
    sprout = export("sprout", [odd, soon, close], options)
    assert [(c.item_id, c.change) for c in sprout.changes] == [(soon.id, "dropped"), (close.id, "dropped")]
    assert f"less than 10 minutes from item {odd.id}'s post" in sprout.changes[1].reason
    assert sprout.summary() == "wrote 1 row in 1 file; 2 dropped, 0 moved"


def test_planned_times_are_ones_every_export_takes(queue: Queue, tmp_path: Path) -> None:
    """Slots land on 5-minute marks; a channel's posts stay 10 minutes apart, a thread from first post to last."""
    now = datetime(2026, 11, 22, tzinfo=UTC)  # a Sunday
    config = ScheduleConfig(slots={"linkedin": ["Mon 09:07"], "x": ["Mon 09:00", "Mon 09:05", "Mon 09:15"],
                                   "x_thread": ["Mon 09:00", "Mon 09:15", "Mon 09:30", "Mon 09:35"]},
                            min_spacing_minutes={"x": 0, "x_thread": 0})
    approved(queue, "linkedin")
    approved(queue, "x", n=2)
    for n in range(2):
        draft = Draft("x_thread", [f"{p} ({n})" for p in THREAD], provenance=Provenance(pillar_hash=f"t{n}"))
        added = queue.add(draft, "pillar.md", "b")
        assert added is not None
        queue.approve(added.id, "ana", 1)
    placed = plan(queue, config, now=now)
    assert [(p.item.platform, p.when.strftime("%H:%M")) for p in placed] == [
        ("linkedin", "09:10"),  # 09:07 is no 5-minute mark
        ("x", "09:00"), ("x", "09:15"),  # 09:05 is within 10 minutes of 09:00 even with no spacing set
        # the first thread's last post goes out at 09:20 (Sprout); 09:30 would read back as a fourth post of it
        ("x_thread", "09:00"), ("x_thread", "09:35")]
    items = queue.list(state="scheduled")
    for name in ("buffer", "hootsuite", "sprout"):
        assert export(name, items, ExportOptions(now=now)).changes == [], name
    # Sprout's threads, 10 minutes a post, read back as the two threads they are
    path = tmp_path / "sprout-x_thread-b.csv"
    path.write_bytes(dict(export("sprout", items, ExportOptions(now=now)).files)["-x_thread-b"])
    assert [len(r.parts) for r in read_csv(path, None, ZoneInfo("UTC"))] == [3, 3]


def test_import_reads_a_headerless_file_whose_first_message_says_time(tmp_path: Path) -> None:
    path = tmp_path / "hootsuite-x-b.csv"
    path.write_text("05/01/2027 09:00,Time to plan: the post text and its posting time.,\n"
                    "05/01/2027 10:00,Second post.,https://e.example\n")
    rows = read_csv(path, None, ZoneInfo("UTC"))
    assert [(r.line, r.platform, r.text, r.problems) for r in rows] == [
        (1, "x", "Time to plan: the post text and its posting time.", []),
        (2, "x", "Second post. https://e.example", [])]  # the platform from the file's name


def test_the_platform_comes_from_the_file_name_or_platform(tmp_path: Path) -> None:
    path = tmp_path / "plan-x-linkedin.csv"
    path.write_text("Text,Image URL,Tags,Posting Time\nA post.,,,2027-01-05 09:00\n")
    with pytest.raises(ScheduleError, match=r"plan-x-linkedin.csv: --platform: the file name names several "
                                            r"platforms \(x, linkedin\)\..*--platform x"):
        read_csv(path, None, ZoneInfo("UTC"))
    assert [r.platform for r in read_csv(path, "linkedin", ZoneInfo("UTC"))] == ["linkedin"]
    plain = tmp_path / "posts.csv"
    plain.write_text("Text,Posting Time\nA post.,2027-01-05 09:00\n")
    [row] = read_csv(plain, None, ZoneInfo("UTC"))
    assert "no platform: add a platform column, pass --platform" in row.problems[0]


def _round_trip_items(queue: Queue) -> list[Item]:
    return [
        _post(queue, "x_thread", THREAD, datetime(2026, 12, 1, 17, 0, tzinfo=UTC)),
        _post(queue, "x", ["Plan once, post all month. #contentops #planning"],
              datetime(2026, 12, 2, 11, 0, tzinfo=UTC), hashtags=("#contentops", "#planning")),
        _post(queue, "linkedin", ['=HYPERLINK("https://e.example","read") is how a spreadsheet sees this post.'],
              datetime(2026, 12, 3, 8, 0, tzinfo=UTC)),
        _post(queue, "linkedin", ["Grüße aus Köln: Ça marche, 日本語も, emoji 🚀 too.\n\nA second paragraph."],
              datetime(2026, 12, 4, 8, 0, tzinfo=UTC)),
        # Berlin's clocks go back at 03:00 CEST on 25 Oct 2026 (its first 02:30), and jump at 02:00 on 28 Mar 2027
        _post(queue, "x", ["The night the clocks go back."], datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        _post(queue, "x", ["The first minute of summer time."], datetime(2027, 3, 28, 1, 0, tzinfo=UTC)),
    ]


@pytest.mark.parametrize("name", ["buffer", "hootsuite", "sprout"])
def test_every_export_reads_back_as_the_same_items(name: str, queue: Queue, queue_url: str, tmp_path: Path) -> None:
    items = _round_trip_items(queue)
    result = export(name, items, ExportOptions(zone=BERLIN, date_format="mdy",
                                               now=datetime(2026, 10, 1, tzinfo=UTC)))
    assert result.changes == [] and result.rows == 8
    written = result.write(tmp_path / result.filename)
    assert [p.name for p in written] == [f"{name}-{p}-northwind-advisory.csv" for p in ("linkedin", "x", "x_thread")]
    rows = [r for path in written for r in read_csv(path, None, BERLIN, "mdy")]
    assert all(r.problems == [] for r in rows), [r.problems for r in rows]
    # in UTC: Python never calls an ambiguous wall-clock time (02:30 on 25 Oct) equal to a time in another zone
    assert sorted((r.platform, r.parts, r.when.astimezone(UTC)) for r in rows if r.when) == \
        sorted((i.platform, i.draft.parts, i.scheduled_at) for i in items)
    # into another workspace's queue: the same items, in review, at their times
    other = Queue(f"sqlite:///{tmp_path / 'other.sqlite'}", workspace=tmp_path)
    created = import_rows(other, rows, NORTHWIND, "ana")
    assert sorted((i.platform, i.draft.parts, i.scheduled_at) for i in created) == \
        sorted((i.platform, i.draft.parts, i.scheduled_at) for i in items)


def test_a_wall_clock_time_that_happens_twice_gets_a_note(queue: Queue) -> None:
    second = _post(queue, "x", ["The second 02:30."], datetime(2026, 10, 25, 1, 30, tzinfo=UTC))  # 02:30 CET
    result = export("buffer", [second], ExportOptions(zone=BERLIN, now=datetime(2026, 10, 1, tzinfo=UTC)))
    assert _rows(result.files[0][1])[1][3] == "2026-10-25 02:30"
    assert result.notes == [f"item {second.id}: 2026-10-25 02:30 happens twice in Europe/Berlin (the clocks go "
                            "back); the file has the wall-clock time only, so check which one Buffer took."]


def test_cli_export_reports_and_exits_1_unless_drops_are_allowed(queue_url: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from workbench.cli import main

    monkeypatch.chdir(tmp_path)
    queue = Queue(queue_url, workspace=tmp_path)
    soon = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=2)
    odd = _post(queue, "x", ["At an odd minute."], soon.replace(minute=7))
    _post(queue, "linkedin", ["A LinkedIn post."], soon.replace(minute=30))
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(main, ["schedule", "export", *args, "--db", queue_url])

    moved = run("--format", "hootsuite", "--out", "plan.csv")
    assert moved.exit_code == 1, moved.output
    assert f"item {odd.id}: moved from" in moved.output and "Hootsuite takes times on 5-minute marks" in moved.output
    assert "wrote 2 rows in 2 files; 0 dropped, 1 moved" in moved.output
    assert sorted(p.name for p in tmp_path.glob("plan-*.csv")) == ["plan-linkedin-northwind-advisory.csv",
                                                                  "plan-x-northwind-advisory.csv"]
    assert run("--format", "hootsuite", "--out", "plan.csv", "--allow-drops").exit_code == 0
    fine = run("--format", "buffer", "--out", "buffer.csv")
    assert fine.exit_code == 0 and "wrote 2 rows in 2 files; 0 dropped, 0 moved" in fine.output
    several = run("--format", "buffer")  # stdout takes one file
    assert several.exit_code == 2 and "this export is 2 files" in several.output and "--out" in several.output
    ics = run("--format", "ics")
    assert ics.exit_code == 0 and ics.stdout.startswith("BEGIN:VCALENDAR")
    # and `schedule import` reads the files back, the platform from each file's name
    imported = runner.invoke(main, ["schedule", "import", "plan-x-northwind-advisory.csv", "--preview",
                                    "--db", queue_url])
    assert imported.exit_code == 0 and "line 1: x at" in imported.output and "1 item(s) would be created" in \
        imported.output


def _clock(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The queue's clock, set by the test: [now]."""
    import workbench.queue
    import workbench.queue.store

    now = [datetime(2026, 11, 1, 9, 0, tzinfo=UTC)]
    monkeypatch.setattr(workbench.queue, "now_utc", lambda: now[0])
    monkeypatch.setattr(workbench.queue.store, "now_utc", lambda: now[0])
    return now


def _events(queue: Queue) -> dict[int, Any]:
    cal = Calendar.from_ical(export_queue("ics", queue).files[0][1])
    return {int(str(e["uid"]).split("-")[2]): e for e in cal.walk("VEVENT")}


def test_ics_sequence_last_modified_and_cancelled_events(queue: Queue, monkeypatch: pytest.MonkeyPatch) -> None:
    now = _clock(monkeypatch)
    moving, leaving = approved(queue, n=2)
    queue.set_schedule(moving, datetime(2026, 12, 1, 9, 0, tzinfo=UTC), "planner")
    queue.set_schedule(leaving, datetime(2026, 12, 2, 9, 0, tzinfo=UTC), "planner")
    first = _events(queue)
    assert [(int(e["sequence"]), str(e["status"])) for e in first.values()] == [(0, "CONFIRMED"), (0, "CONFIRMED")]
    assert str(first[moving]["uid"]) == f"workbench-item-{moving}-{queue.workspace_id}@workbench"

    now[0] = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    pin(queue, moving, datetime(2026, 12, 1, 15, 0, tzinfo=UTC), "ana")  # moved: SEQUENCE and LAST-MODIFIED go up
    pin(queue, moving, datetime(2026, 12, 1, 15, 0, tzinfo=UTC), "ana")  # the same time again: no change
    queue.edit(leaving, ["Edited after scheduling. Follow us."], "bob", 1)  # back to review: off the schedule
    second = _events(queue)
    assert int(second[moving]["sequence"]) == 1 and str(second[moving]["status"]) == "CONFIRMED"
    assert second[moving].decoded("last-modified") == now[0]
    assert second[moving].decoded("dtstart") == datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    assert str(second[leaving]["status"]) == "CANCELLED" and int(second[leaving]["sequence"]) == 1
    assert second[leaving].decoded("dtstart") == datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # where it was
    assert second[leaving]["uid"] == first[leaving]["uid"]  # the same event, so the calendar drops it

    now[0] = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
    queue.approve(leaving, "ana", 2)
    queue.set_schedule(leaving, datetime(2026, 12, 2, 9, 0, tzinfo=UTC), "planner")  # back, at the same time
    third = _events(queue)
    assert (int(third[leaving]["sequence"]), str(third[leaving]["status"])) == (2, "CONFIRMED")


def test_ics_uids_differ_between_workspaces(tmp_path: Path) -> None:
    uids = []
    for name in ("a", "b"):
        q = Queue(f"sqlite:///{tmp_path / f'{name}.sqlite'}", workspace=tmp_path)
        [item_id] = approved(q)
        q.set_schedule(item_id, datetime(2026, 12, 1, 9, 0, tzinfo=UTC), "ana")
        uids.append(str(Calendar.from_ical(export_queue("ics", q).files[0][1]).walk("VEVENT")[0]["uid"]))
    assert uids[0] != uids[1] and all(u.startswith("workbench-item-1-") for u in uids)


def test_ics_a_failed_post_is_cancelled_and_a_retry_brings_it_back(queue: Queue,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    now = _clock(monkeypatch)
    [item_id] = approved(queue)
    item = queue.set_schedule(item_id, datetime(2026, 11, 1, 9, 5, tzinfo=UTC), "planner")
    assert queue.claim_for_publishing(item, "publisher", now=datetime(2026, 11, 1, 9, 6, tzinfo=UTC))
    queue.finish_publishing(item_id, "failed", "publisher", "webhook", ["HTTP 400"], error="HTTP 400")
    failed = _events(queue)[item_id]
    assert (str(failed["status"]), int(failed["sequence"])) == ("CANCELLED", 1)  # it did not go out
    now[0] = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
    queue.resolve_retry(item_id, "ana")
    retried = _events(queue)[item_id]
    assert (str(retried["status"]), int(retried["sequence"])) == ("CONFIRMED", 2)  # newer than the cancellation
