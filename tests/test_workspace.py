"""`workbench init` and how commands and notebooks find their workspace."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import main, repurpose_cmd
from workbench.config import find_workspace, load_settings
from workbench.errors import ConfigError
from workbench.workspace import init_workspace


def test_init_makes_a_workspace_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "team"
    report = init_workspace(folder, timezone="Europe/Berlin")
    made = {str(p.relative_to(folder)) for p in report.created}
    assert {"workbench.yaml", "brand_voice/northwind-advisory.yaml", "pillars/batch-your-content.md",
            "notebooks/01-repurpose.ipynb", "notebooks/02-review.ipynb", "notebooks/03-schedule.ipynb",
            ".workbench/queue.sqlite"} <= made and report.kept == []
    settings = load_settings(workspace=folder)  # the commented template is a valid config
    assert settings.path == folder / "workbench.yaml" and settings.schedule_for().timezone == "Europe/Berlin"
    assert settings.get("brand") == "northwind-advisory" and settings.queue().count() == 0
    (folder / "workbench.yaml").write_text("brand: sunny-studio\n")  # the user's edits are theirs
    (folder / "brand_voice" / "sunny-studio.yaml").unlink()  # and a copy they removed comes back
    again = init_workspace(folder)
    assert [str(p.relative_to(folder)) for p in again.created] == ["brand_voice/sunny-studio.yaml"]
    assert (folder / "workbench.yaml").read_text() == "brand: sunny-studio\n"
    assert {str(p.relative_to(folder)) for p in again.kept} >= {"workbench.yaml", ".workbench/queue.sqlite"}


def test_commands_and_notebooks_find_the_workspace_from_inside_it(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "team"
    init_workspace(folder)
    inside = folder / "notebooks"
    assert find_workspace(inside) == folder.resolve() and find_workspace(folder) == folder
    assert find_workspace(tmp_path) == tmp_path  # outside any workspace: the folder itself
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(repurpose_cmd, ["pillars/batch-your-content.md", "-p", "linkedin", "--queue"])
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(inside)  # a command started in a subfolder uses the same queue
    listed = CliRunner().invoke(main, ["queue", "list"])
    assert listed.exit_code == 0 and "queue: 1 item(s)" in listed.output
    other = tmp_path / "elsewhere"
    other.mkdir()
    monkeypatch.chdir(other)
    monkeypatch.setenv("WORKBENCH_HOME", str(folder))  # or from anywhere, named
    assert load_settings().workspace == folder and load_settings().queue().count() == 1
    monkeypatch.setenv("WORKBENCH_HOME", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="WORKBENCH_HOME names a folder that does not exist"):
        load_settings()


def test_init_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init", "team"])
    assert result.exit_code == 0 and "created  workbench.yaml" in result.output
    assert "Workspace ready: team. Next:" in result.output and "workbench schedule plan" in result.output
    again = CliRunner().invoke(main, ["init", "team"])
    assert again.exit_code == 0 and "created" not in again.output
    assert "kept     workbench.yaml (already there, not changed)" in again.output
    (tmp_path / "a-file").write_text("x")
    bad = CliRunner().invoke(main, ["init", "a-file"])
    assert bad.exit_code == 2 and "is a file, not a folder" in bad.output and "Traceback" not in bad.output
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "workbench.yaml").write_text("brand: [unclosed\n")
    result = CliRunner().invoke(main, ["init", "broken"])  # an existing, broken config is said, not replaced
    assert result.exit_code == 2 and "workbench.yaml" in result.output
    assert (broken / "workbench.yaml").read_text() == "brand: [unclosed\n"
