"""A new platform is one catalogue entry: drafts, validation, a preview and a schedule slot, no code change."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import main, repurpose_cmd
from workbench.config import load_settings
from workbench.drafts import Draft
from workbench.errors import ConfigError
from workbench.platforms import validate
from workbench.schedule import plan
from workbench.ui.preview import render_preview

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "media" / "samples" / "batch-your-content.md"

# a test-only network: nothing in the code names it
PIXELFED = """\
catalogue:
  pixelfed:
    label: Pixelfed caption
    limit: 240
    counting: graphemes
    max_hashtags: 4
    hashtag_target: 3
    links_clickable: false
    cta_preference: [save, comment, follow]
    preview: media
    hook_window: 90
    more_label: "'more'"
    guidance: A photo caption of two or three short lines and a few hashtags.
    slots: ["Wed 08:30"]
    source: test-only entry
"""


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "workbench.yaml").write_text(PIXELFED, encoding="utf-8")
    (tmp_path / "batching.md").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def test_a_catalogue_entry_gets_drafts_validation_preview_and_a_slot(workspace: Path) -> None:
    settings = load_settings(workspace=workspace)
    spec = settings.platform("pixelfed")
    assert spec.label == "Pixelfed caption" and "pixelfed" in settings.platforms()

    # drafts, from the batch command, checked against the entry's own rules
    result = CliRunner().invoke(repurpose_cmd, ["batching.md", "-p", "pixelfed,bluesky", "--queue"])
    assert result.exit_code == 0, result.output
    drafts = [Draft.from_dict(d) for d in json.loads((workspace / "out/batching/drafts.json").read_text())]
    mine = drafts[0]
    assert mine.platform == "pixelfed" and mine.problems == []
    assert spec.length(mine.parts[0]) <= 240 and "http" not in mine.parts[0]  # links are not clickable there
    assert 1 <= len(mine.hashtags) <= 3 and mine.cta is not None and mine.cta.kind in ("save", "comment", "follow")

    # validation: the entry's limit and hashtag cap
    too_long = Draft("pixelfed", ["word " * 60 + "#a #b #c #d #e"])
    assert {p.code for p in validate(too_long, spec)} == {"too_long", "too_many_hashtags"}
    checked = CliRunner().invoke(main, ["check", "-p", "pixelfed", "-"], input="Short caption. #one")
    assert checked.exit_code == 0 and "Pixelfed caption: 19/240 (graphemes) - valid" in checked.output

    # a preview in the entry's style (a caption under its picture, cut at the hook window)
    html = render_preview(mine, spec)
    assert "class='wb-square'" in html and "<b>Your brand</b> " in html and "/240 (graphemes)" in html

    # a slot from the entry: approve the queued draft and plan it
    queue = settings.queue()
    item = next(i for i in queue.list() if i.platform == "pixelfed")
    queue.approve(item.id, "editor", item.revision)
    placed = plan(queue, settings.schedule_for(), now=datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    when = next(p.when for p in placed if p.item.id == item.id)
    assert when is not None and when.strftime("%a %H:%M") == "Wed 08:30"


def test_a_catalogue_entry_cannot_replace_a_built_in(tmp_path: Path) -> None:
    (tmp_path / "workbench.yaml").write_text("catalogue:\n  x:\n    label: X\n    limit: 10\n    counting: utf16\n")
    with pytest.raises(ConfigError, match="x is built in: change its facts under 'platforms:' instead"):
        load_settings(workspace=tmp_path)


def test_a_catalogue_entry_missing_a_fact_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "workbench.yaml").write_text("catalogue:\n  pixelfed:\n    label: Pixelfed\n    limit: 240\n")
    with pytest.raises(ConfigError, match=r"workbench.yaml:2: catalogue.pixelfed.counting: Field required"):
        load_settings(workspace=tmp_path)


def test_any_fact_can_be_overridden_by_the_workspace(tmp_path: Path) -> None:
    (tmp_path / "workbench.yaml").write_text("platforms:\n  linkedin:\n    hashtag_target: 1\n"
                                             "    slots: ['Mon 07:00']\n  mastodon:\n    limit: 1000\n")
    settings = load_settings(workspace=tmp_path)
    assert settings.platform("linkedin").hashtag_target == 1 and settings.platform("linkedin").slots == ("Mon 07:00",)
    assert settings.platform("mastodon").limit == 1000 and settings.platform("mastodon").label == "Mastodon post"
    (tmp_path / "workbench.yaml").write_text("platforms:\n  linkedin:\n    points: -1\n")
    with pytest.raises(ConfigError, match=r"workbench.yaml:3: platforms.linkedin.points: Input should be greater"):
        load_settings(workspace=tmp_path)
