from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture
def shared() -> Path:
    """The team's shared data beside the checkout; tests that need it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"shared data not found at {SHARED} (it sits beside the project checkout)")
    return SHARED


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's own workspace config or keys."""
    for name in ("WORKBENCH_CONFIG", "WORKBENCH_BRAND", "WORKBENCH_ENGINE", "WORKBENCH_MODEL", "WORKBENCH_BASE_URL",
                 "WORKBENCH_OUT", "WORKBENCH_MAX_PILLAR_BYTES", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


# the fake OpenAI server lives beside the tests
import sys  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
