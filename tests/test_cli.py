from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import main

ARTICLE = """# Batching content

We batch a month of posts in one afternoon. It saves 6 hours a week.

## Why it works

- Context switching costs 23 minutes each time.
- One afternoon replaces 20 short sessions.
"""


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def test_inspect_prints_a_summary(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "batching.md").write_text(ARTICLE)
    result = runner.invoke(main, ["inspect", "batching.md"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "File:       batching.md\n"
        "Format:     markdown\n"
        "Title:      Batching content\n"
        "Sections:   2\n"
        "Sentences:  4\n"
        "Words:      28\n"
        "Links:      0\n"
        "Statistics: 3 (6, 23, 20)\n"
        "Outline:\n"
        "  Batching content [2]\n"
        "    Why it works [2]\n"
    )


def test_inspect_transcript_shows_duration(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "t.srt").write_text("1\n00:01:00,000 --> 00:01:05,000\nHOST: Hello and welcome.\n")
    result = runner.invoke(main, ["inspect", "t.srt", "--json"])
    info = json.loads(result.output)
    assert info["duration"] == 65.0 and info["speakers"] == ["Host"] and info["sentences"] == 1
    assert "Duration:   00:01:05" in runner.invoke(main, ["inspect", "t.srt"]).output


def test_inspect_bad_file_exits_2_with_the_fix(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "empty.md").write_text("")
    result = runner.invoke(main, ["inspect", "empty.md"])
    assert result.exit_code == 2
    assert result.output == "error: empty.md: the file is empty (0 bytes). Fix: add the article or transcript text.\n"


def test_check_json_and_exit_codes(runner: CliRunner) -> None:
    ok = runner.invoke(main, ["check", "--platform", "x", "--json", "-"], input="Hello https://example.com/x 🧑‍🧑‍🧒\n")
    assert ok.exit_code == 0
    assert json.loads(ok.output) == {"platform": "x", "length": 32, "limit": 280, "valid": True, "problems": []}
    bad = runner.invoke(main, ["check", "-p", "bluesky", "--json", "-"], input="y" * 301)
    assert bad.exit_code == 1
    report = json.loads(bad.output)
    assert (report["length"], report["valid"], report["problems"][0]["code"]) == (301, False, "too_long")


def test_check_human_output_and_threads(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", "-p", "x_thread", "-"], input="first post\n---\n" + "z " * 150)
    assert result.exit_code == 1
    assert result.output == (
        "X thread: 2 posts, longest 299/280 (x_weighted) - INVALID\n"
        "  error: [part 2] too_long: 299/280 (x_weighted); cut after '...z z z z z z z z z z z z z z z' "
        "or split it into a thread.\n"
    )


def test_check_unknown_platform(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", "-p", "tiktk", "-"], input="hi")
    assert result.exit_code == 2
    assert "unknown platform 'tiktk'. Fix: did you mean 'tiktok'?" in result.output


def test_platforms_markdown_table_lists_every_platform_with_a_source(runner: CliRunner) -> None:
    result = runner.invoke(main, ["platforms", "--markdown"])
    lines = result.output.splitlines()
    assert lines[0] == "| platform | name | limit | counted as | hashtags | preview | video | source |"
    assert len(lines) == 2 + 11
    assert "| x | X post | 280 | x_weighted, URL=23 | max 2 |" in result.output
    assert all(line.rstrip(" |").split("|")[-1].strip() for line in lines[2:])
