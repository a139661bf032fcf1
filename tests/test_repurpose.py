from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import repurpose_cmd

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "media/samples/batch-your-content.md"


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pillars").mkdir()
    shutil.copy(SAMPLE, tmp_path / "pillars" / "batching.md")
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(repurpose_cmd, list(args))
    return result.exit_code, result.output


def test_writes_drafts_json_and_review_sheet(workspace: Path) -> None:
    code, output = run("pillars", "--platforms", "linkedin,x_thread,instagram", "--variants", "2")
    assert code == 0, output
    assert "1 written, 0 unchanged, 0 failed. Outputs in out/" in output
    drafts = json.loads((workspace / "out/batching/drafts.json").read_text())
    # the sample has one list, so one thread: a second would repeat its steps
    assert [d["platform"] for d in drafts] == ["linkedin", "linkedin", "x_thread", "instagram", "instagram"]
    assert "skipped: x_thread variant 2" in output
    for d in drafts:
        assert {"platform", "parts", "hashtags", "cta", "problems", "score", "provenance"} <= set(d)
        assert d["problems"] == [] and d["provenance"]["source_sentence_ids"]
        assert d["score"]["verdict"] in ("ready", "needs edit") and 0 <= d["score"]["overall"] <= 100
        assert {"tone", "cta", "platform_fit"} <= set(d["score"])
    # best variant first
    for platform in ("linkedin", "instagram"):
        a, b = (d for d in drafts if d["platform"] == platform)
        assert a["score"]["overall"] >= b["score"]["overall"]
    sheet = (workspace / "out/batching/drafts.md").read_text()
    assert sheet.startswith("# Batch your content, win back your week")
    assert "## X thread — ok" in sheet and "/280 (x_weighted)_" in sheet
    assert "Score " in sheet and "tone " in sheet


def test_unchanged_pillars_are_skipped_until_forced_or_changed(workspace: Path) -> None:
    assert run("pillars")[0] == 0
    drafts = workspace / "out/batching/drafts.json"
    stamp = drafts.stat().st_mtime_ns
    code, output = run("pillars")
    assert code == 0 and "0 written, 1 unchanged" in output and drafts.stat().st_mtime_ns == stamp
    assert "1 written" in run("pillars", "--force")[1]
    assert "1 written" in run("pillars", "--brand", "sunny-studio")[1]  # settings changed
    (workspace / "pillars/batching.md").write_text(SAMPLE.read_text() + "\nOne more closing sentence here.\n")
    assert "1 written" in run("pillars", "--brand", "sunny-studio")[1]  # content changed


def test_batch_goes_on_past_a_bad_pillar(workspace: Path) -> None:
    (workspace / "pillars/broken.srt").write_text("1\n00:00:05,000 --> 00:00:01,000\nHello there.\n")
    (workspace / "pillars/empty.txt").write_text("")
    code, output = run("pillars", "-p", "x")
    assert code == 1
    assert "1 written, 0 unchanged, 2 failed" in output
    assert "cue 1 ends (1.000 s) before it starts" in output and "the file is empty" in output
    assert (workspace / "out/batching/drafts.json").exists()


def test_parallel_workers_give_the_same_drafts(workspace: Path) -> None:
    shutil.copy(SAMPLE, workspace / "pillars" / "second.md")
    assert run("pillars", "-o", "one", "-w", "1")[0] == 0
    assert run("pillars", "-o", "two", "-w", "2")[0] == 0
    for stem in ("batching", "second"):
        assert (workspace / "one" / stem / "drafts.json").read_text() == \
               (workspace / "two" / stem / "drafts.json").read_text()


def test_bad_options_fail_before_any_work(workspace: Path) -> None:
    code, output = run("pillars", "--platforms", "linkedin,tiktokk")
    assert code == 2 and "unknown platform 'tiktokk'" in output and not (workspace / "out").exists()
    code, output = run("pillars", "--brand", "nobody")
    assert code == 2 and "no brand voice named 'nobody'" in output
