"""Open registries: an outside package adds an engine with one module and one entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.engines import engine_names, get_engine
from workbench.errors import WorkbenchError
from workbench.pillar import READERS, supported_suffixes
from workbench.plugins import Group, Registry

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "tests" / "plugins" / "echo-engine"
SAMPLE = ROOT / "media" / "samples" / "batch-your-content.md"
BIN = Path(sys.executable).parent


def test_builtins_come_through_the_entry_points() -> None:
    assert engine_names()[:2] == ["extractive", "llm"]
    assert {"markdown", "text", "html", "srt", "vtt"} <= set(READERS.names())
    assert {".md", ".txt", ".html", ".srt", ".vtt", ".mp4"} <= supported_suffixes()


def test_an_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(WorkbenchError) as exc:
        get_engine("extractve")
    assert "unknown engine 'extractve'" in str(exc.value) and "did you mean 'extractive'?" in str(exc.value)
    assert "extractive, llm" in str(exc.value)


def test_a_broken_plugin_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib.metadata import EntryPoint

    registry: Registry[object] = Registry(Group.ENGINES, "engine", "--engine")
    registry._found = {"broken": EntryPoint("broken", "no_such_module:create", Group.ENGINES.value)}
    with pytest.raises(WorkbenchError, match="'broken' is installed but cannot be loaded: ModuleNotFoundError"):
        registry.get("broken")


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plugin installed by pip (not imported from the tests folder) into its own site directory."""
    site = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                           "--target", str(site), str(PLUGIN)], capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.fail(f"pip could not install the test plugin: {done.stderr[-2000:]}")
    return site


def _run(args: list[str], site: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    env["PYTHONPATH"] = str(site)
    return subprocess.run([str(BIN / "repurpose"), *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=300)


def test_an_installed_plugin_engine_is_offered_and_used(plugin_site: Path, tmp_path: Path) -> None:
    helped = _run(["--help"], plugin_site, tmp_path)
    assert helped.returncode == 0, helped.stderr
    assert "[extractive|llm|echo]" in " ".join(helped.stdout.split())
    (tmp_path / "a.md").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    done = _run(["a.md", "--engine", "echo", "-p", "bluesky,linkedin", "--out", "out"], plugin_site, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    drafts = json.loads((tmp_path / "out" / "a" / "drafts.json").read_text(encoding="utf-8"))
    assert [d["provenance"]["engine"] for d in drafts] == ["echo", "echo"]
    assert drafts[0]["parts"][0].startswith("Most small teams write social posts one at a time")
    # without the plugin installed, the same command is refused with the known engines listed
    bare = _run(["a.md", "--engine", "echo"], tmp_path / "nowhere", tmp_path)
    assert bare.returncode == 2 and "'echo' is not one of 'extractive', 'llm'" in bare.stderr
