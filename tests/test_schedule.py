"""Slots, planning across daylight saving, exports the tools accept, and CSV import."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from workbench.drafts import CTA, Draft, Provenance
from workbench.platforms import PlatformSpec, registry
from workbench.plugins import PluginError
from workbench.queue import Queue
from workbench.schedule import (
    ExportOptions,
    ExportResult,
    ScheduleConfig,
    ScheduleError,
    export,
    export_buffer,
    export_hootsuite,
    export_ics,
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
    assert [str(e["uid"]) for e in events] == [f"workbench-item-{items[0].id}@b", f"workbench-item-{items[1].id}@b"]
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
    assert [s for s, _ in result.files] == ["-1", "-2"]
    assert [len(c.splitlines()) for _, c in result.files] == [350, 1]


def test_sprout_csv(queue: Queue) -> None:
    items = _scheduled(queue, ["2026-12-01T09:00:00+00:00", "2026-12-01T09:05:00+00:00"])
    result = export_sprout(items, ZoneInfo("UTC"), "mdy", now=datetime(2026, 11, 1, tzinfo=UTC))
    rows = list(csv.DictReader(io.StringIO(result.files[0][1])))
    assert list(rows[0]) == ["date", "time_24hr", "message_text"]
    assert (rows[0]["date"], rows[0]["time_24hr"]) == ("12/01/2026", "09:00")
    assert len(rows) == 1 and "10 minutes after the previous" in result.skipped[0][1]


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
    assert left_out == items[1].id and why == "less than 10 minutes after the previous message; Sprout refuses it"


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
