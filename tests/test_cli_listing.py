"""The command line as a daily tool: pages, sorting and search in `queue list`, JSON from every listing,
"did you mean" for the names people type, and shell completion."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import main, repurpose_cmd
from workbench.config import load_settings
from workbench.drafts import Draft, Provenance

TEXTS = ["Batching saves a day a week.", "Café owners post less, and better.", "Measure saves, not likes.",
         "One afternoon plans a month.", "Threads beat single posts here.", "Write ten hooks, keep one.",
         "A long post " + "that keeps going " * 12 + "until the very end."]


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    queue = load_settings(workspace=tmp_path).queue()
    for n, text in enumerate(TEXTS):
        item = queue.add(Draft("x", [text], provenance=Provenance(pillar_hash=f"l{n}")), "p", "northwind-advisory")
        assert item is not None
    return tmp_path


def listed(args: list[str], columns: int = 120) -> list[dict[str, object]]:
    result = CliRunner(env={"COLUMNS": str(columns)}).invoke(main, ["queue", "list", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_queue_list_pages_sorts_and_searches(workspace: Path) -> None:
    assert [i["id"] for i in listed(["--limit", "3"])] == [1, 2, 3]
    assert [i["id"] for i in listed(["--limit", "3", "--offset", "6"])] == [7]
    page = CliRunner().invoke(main, ["queue", "list", "--limit", "3"])
    assert "queue: 3 item(s) (1-3)" in page.output and "more: --offset 3 for the next 3." in page.output
    last = CliRunner().invoke(main, ["queue", "list", "--limit", "3", "--offset", "6"])
    assert "(7-7)" in last.output and "more:" not in last.output
    scores = [i["score"] for i in listed(["--sort", "score", "--desc"])]
    assert scores == sorted(scores, reverse=True)
    assert [i["id"] for i in listed(["--sort", "id", "--desc", "--limit", "2"])] == [7, 6]
    assert [i["text"] for i in listed(["--search", "CAFÉ"])] == [TEXTS[1]]  # any case, not only ASCII
    assert [i["id"] for i in listed(["--search", "saves"])] == [1, 3]
    assert listed(["--search", "saves", "--offset", "1"])[0]["id"] == 3  # the page is of what matched
    bad = CliRunner().invoke(main, ["queue", "list", "--sort", "colour"])
    assert bad.exit_code == 2 and "colour" in bad.output


def test_queue_list_uses_the_terminal_width(workspace: Path) -> None:
    narrow = CliRunner(env={"COLUMNS": "120"}).invoke(main, ["queue", "list", "--search", "long post"]).output
    wide = CliRunner(env={"COLUMNS": "220"}).invoke(main, ["queue", "list", "--search", "long post"]).output
    assert max(len(line) for line in wide.splitlines()) > 200 >= max(len(line) for line in narrow.splitlines())
    assert "until the very" not in narrow.replace("\n", " ") and "keeps going that keeps going" in wide


def test_every_listing_has_json(workspace: Path) -> None:
    queue = load_settings(workspace=workspace).queue()
    queue.approve(1, "ana", 1)
    assert CliRunner().invoke(main, ["schedule", "plan"]).exit_code == 0
    planned = json.loads(CliRunner().invoke(main, ["schedule", "list", "--json"]).output)
    assert [(p["item"], p["platform"]) for p in planned] == [(1, "x")] and "+00:00" in planned[0]["when"]
    rules = json.loads(CliRunner().invoke(main, ["platforms", "--json"]).output)
    assert rules["x"]["limit"] == 280 and "twitter" in rules["x"]["aliases"]
    assert json.loads(CliRunner().invoke(main, ["queue", "list", "--json"]).output)[0]["id"] == 1


@pytest.mark.parametrize(("typed", "meant"), [("twitter", "'x' (X post)"), ("yt", "'youtube_shorts'"),
                                              ("Instagram-Reels", "'reels'"), ("linkdin", "'linkedin'")])
def test_did_you_mean_for_the_names_people_type(typed: str, meant: str, workspace: Path) -> None:
    (workspace / "p.md").write_text("# T\n\nBatching saves a day a week. Plan a month in one afternoon.\n")
    result = CliRunner().invoke(repurpose_cmd, ["p.md", "-p", typed])
    assert result.exit_code == 2 and f"did you mean {meant}" in result.output, result.output
    assert not (workspace / "out" / "p").exists()  # nothing drafted for a platform it guessed
    check = CliRunner().invoke(main, ["check", "-p", typed, "-"], input="hello")
    assert check.exit_code == 2 and f"did you mean {meant}" in check.output


def test_did_you_mean_for_a_brand(workspace: Path) -> None:
    (workspace / "p.md").write_text("# T\n\nBatching saves a day a week. Plan a month in one afternoon.\n")
    result = CliRunner().invoke(repurpose_cmd, ["p.md", "-p", "x", "--brand", "northwind"])
    assert result.exit_code == 2 and "did you mean 'northwind-advisory'?" in result.output


def test_shell_completion_is_offered(tmp_path: Path) -> None:
    """What the README tells users to put in their shell's start-up file."""
    script = Path(sys.executable).parent / "workbench"
    if not script.exists():
        pytest.skip("the workbench script is not installed in this environment")
    out = subprocess.run([str(script)], env={**os.environ, "_WORKBENCH_COMPLETE": "bash_source"},
                         capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0 and "_workbench_completion" in out.stdout and "complete " in out.stdout
    words = subprocess.run([str(script)], env={**os.environ, "_WORKBENCH_COMPLETE": "bash_complete",
                                               "COMP_WORDS": "workbench que", "COMP_CWORD": "1"},
                           capture_output=True, text=True, cwd=tmp_path)
    assert "queue" in words.stdout


def test_schedule_pin_refuses_a_time_that_has_passed(workspace: Path) -> None:
    queue = load_settings(workspace=workspace).queue()
    queue.approve(1, "ana", 1)
    result = CliRunner().invoke(main, ["schedule", "pin", "1", "2020-01-06 09:00"])
    assert result.exit_code == 2 and "has passed" in result.output and "free slots" in result.output
    assert queue.get(1).scheduled_at is None
    later = CliRunner().invoke(main, ["schedule", "pin", "1", "2030-01-07 09:00"])
    assert later.exit_code == 0 and queue.get(1).pinned
