from __future__ import annotations

from pathlib import Path

import pytest

from workbench.config import load_settings
from workbench.errors import ConfigError


def test_order_explicit_then_file_then_environment_then_default(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(workspace=tmp_path)
    assert settings.get("brand") == "northwind-advisory"  # default
    monkeypatch.setenv("WORKBENCH_BRAND", "sunny-studio")
    assert settings.get("brand") == "sunny-studio"  # environment
    (tmp_path / "workbench.yaml").write_text("brand: from-file\nmax_pillar_bytes: 5000\n")
    settings = load_settings(workspace=tmp_path)
    assert settings.get("brand") == "from-file"  # file beats environment
    assert settings.get("brand", "explicit") == "explicit"
    assert settings.get("max_pillar_bytes") == 5000


def test_platform_overrides_from_the_workspace(tmp_path: Path) -> None:
    (tmp_path / "workbench.yaml").write_text("platforms:\n  mastodon:\n    limit: 11000\n  x:\n    limit: 25000\n")
    settings = load_settings(workspace=tmp_path)
    assert settings.platform("mastodon").limit == 11000
    assert settings.platform("x").fits("word " * 2000)
    assert settings.platform("bluesky").limit == 300


@pytest.mark.parametrize(("text", "expected"), [
    ("brnad: x\n", ":1: brnad: unknown field (did you mean 'brand'?)"),
    ("platforms:\n  tiktokk:\n    limit: 10\n", ":2: platforms.tiktokk: Value error, unknown platform 'tiktokk'"),
    ("platforms:\n  x:\n    limt: 10\n", ":3: platforms.x.limt: unknown field (did you mean 'limit'?)"),
])
def test_a_bad_config_names_line_and_field(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "workbench.yaml").write_text(text)
    with pytest.raises(ConfigError) as exc:
        load_settings(workspace=tmp_path)
    assert expected in str(exc.value)


def test_bad_number_in_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WORKBENCH_MAX_PILLAR_BYTES", "lots")
    with pytest.raises(ConfigError, match="WORKBENCH_MAX_PILLAR_BYTES='lots' is not a whole number"):
        load_settings(workspace=tmp_path).get("max_pillar_bytes")


def test_anchors_and_aliases_are_refused(tmp_path: Path) -> None:
    laughs = "".join(f"  l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9 if i > 1 else ['lol'] * 9)}]\n"
                     for i in range(1, 10))
    (tmp_path / "workbench.yaml").write_text(f"publish:\n  publishers:\n    folder:\n{laughs}")
    with pytest.raises(ConfigError, match=r"anchor '&l1': anchors and aliases are not allowed at line 4"):
        load_settings(workspace=tmp_path)


def test_an_oversize_config_is_refused(tmp_path: Path) -> None:
    (tmp_path / "workbench.yaml").write_text("author: " + "x" * (1024 * 1024) + "\n")
    with pytest.raises(ConfigError, match=r"workspace config file is 1\.0 MB, over the 1024 KiB limit"):
        load_settings(workspace=tmp_path)
