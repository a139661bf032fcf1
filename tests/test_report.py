"""Charts where people would rather look than read: in `workbench report`'s page and in the widgets."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from workbench.cli import main
from workbench.config import load_settings
from workbench.drafts import Draft, Provenance
from workbench.report import Placed, build_report, mix_per_week, parse_period, posting_heatmap, svg
from workbench.schedule import pin

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "media/samples/batch-your-content.md"
TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def pictures(page: str) -> str:
    """The SVG inside every chart image of a page or widget (what a viewer draws)."""
    found = re.findall(r"src='data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)'", page)
    return "\n".join(base64.b64decode(data).decode("utf-8") for data in found)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    queue = load_settings(workspace=tmp_path).queue()
    for n, (platform, when) in enumerate([("x", TUESDAY), ("linkedin", TUESDAY + timedelta(days=7)),
                                          ("x", TUESDAY + timedelta(days=14)), ("x", TUESDAY + timedelta(days=2)),
                                          ("linkedin", None)]):
        item = queue.add(Draft(platform, [f"Post {n}: batching saves a day a week. Follow us."],
                               provenance=Provenance(pillar_hash=f"r{n}")), "p", "northwind-advisory")
        assert item is not None
        if when is not None:
            queue.approve(item.id, "ana", item.revision)
            pin(queue, item.id, when, "ana")
    return tmp_path


def test_the_report_is_one_self_contained_page(workspace: Path) -> None:
    result = CliRunner().invoke(main, ["report", "--out", "report.html"])
    assert result.exit_code == 0 and "wrote report.html" in result.output
    page = (workspace / "report.html").read_text()
    assert page.startswith("<!doctype html>") and page.count("<img class='wb-chart'") == 3
    assert not re.search(r"""(src|href)=["']?https?:""", page) and "<script" not in page  # nothing to fetch
    drawn = pictures(page)
    assert drawn.count("<svg") == 3 and "<script" not in drawn
    assert "Scores of the drafts (5)" in drawn and "When the plan posts (4 posts, UTC)" in drawn
    assert "Platform mix per week (4 posts)" in drawn and "5 drafts (1 in_review, 4 scheduled)" in page
    assert "alt='Heatmap of 4 posts by weekday and hour'" in page


def test_the_report_covers_the_period_asked(workspace: Path) -> None:
    queue = load_settings(workspace=workspace).queue()
    later = datetime.now(UTC) + timedelta(days=400)
    report = build_report(queue, ZoneInfo("UTC"), parse_period("30d"), now=later)
    assert "0 drafts" in report.title and "Nothing is scheduled in this period" in report.html()
    bad = CliRunner().invoke(main, ["report", "--since", "soon"])
    assert bad.exit_code == 2 and "'soon' is not a period" in bad.output and "90d" in bad.output


def test_the_heatmap_and_the_mix_count_what_they_are_given() -> None:
    zone = ZoneInfo("Europe/Berlin")
    heat = svg(posting_heatmap([TUESDAY, TUESDAY + timedelta(days=7)], zone))
    assert "When the plan posts (2 posts, Europe/Berlin)" in heat
    mix = svg(mix_per_week([Placed(TUESDAY, "x", False), Placed(TUESDAY, "x", True),
                            Placed(TUESDAY + timedelta(days=7), "bluesky", False)], zone))
    assert "Platform mix per week (3 posts)" in mix and "promotion %" in mix and "bluesky" in mix


def test_the_widgets_show_the_charts(workspace: Path) -> None:
    from workbench.ui import Calendar, Composer

    settings = load_settings(workspace=workspace)
    composer = Composer(settings, pillar=SAMPLE)
    composer.platforms.value = ("linkedin", "x")
    drafts = composer.generate()
    assert f"Scores of this run's drafts ({len(drafts)})" in pictures(composer.charts.value)
    calendar = Calendar(settings=settings, export_dir=workspace / "exports")
    drawn = pictures(calendar.charts.value)
    assert "When the plan posts (4 posts" in drawn and "Platform mix per week" in drawn
