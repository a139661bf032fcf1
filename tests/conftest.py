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
    """No test reads the developer's own workspace, config or keys: every WORKBENCH_* and OPENAI_* variable is
    cleared, and each test starts in its own empty folder (a default queue or `out/` lands there)."""
    import os

    for name in list(os.environ):
        if name.startswith(("WORKBENCH_", "OPENAI_")):
            monkeypatch.delenv(name)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)


# the fake OpenAI server lives beside the tests
import sys  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))


# --- databases: every queue test runs on SQLite, and on a real PostgreSQL server when one is installed ---

import glob  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from itertools import count  # noqa: E402

_db_numbers = count(1)


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on loopback, started for this test run; skipped when not installed."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL is not installed (initdb not found); .ci/run installs Debian's postgresql")
    as_root = os.geteuid() == 0
    if as_root and not shutil.which("runuser"):
        pytest.skip("running as root without runuser: cannot start PostgreSQL as another user")
    base = tempfile.mkdtemp(prefix="wb-pg-")
    data = os.path.join(base, "data")
    prefix: list[str] = []
    if as_root:
        try:
            shutil.chown(base, "postgres")
        except (LookupError, PermissionError):
            pytest.skip("no 'postgres' user to run PostgreSQL as")
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    try:
        subprocess.run(prefix + [initdb, "-D", data, "--auth=trust", "-U", "postgres", "-E", "UTF8"], check=True,
                       capture_output=True, timeout=120)
        subprocess.run(prefix + [pg_ctl, "-D", data, "-l", os.path.join(base, "log"), "-w", "-t", "60", "-o",
                                 f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
                       check=True, capture_output=True, timeout=120, input=b"")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        pytest.skip(f"PostgreSQL did not start: {detail.decode(errors='replace')[:200]}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(prefix + [pg_ctl, "-D", data, "-m", "immediate", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def queue_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty queue database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.sqlite'}"
    return _new_pg_database(request.getfixturevalue("postgres_server"))


@pytest.fixture
def other_queue_url(request: pytest.FixtureRequest, queue_url: str, tmp_path: Path) -> str:
    """A second fresh, empty database of the same kind as `queue_url` (to compare what two codes build)."""
    if queue_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'other.sqlite'}"
    return _new_pg_database(request.getfixturevalue("postgres_server"))


def _new_pg_database(server: str) -> str:
    import psycopg

    name = f"wb_test_{os.getpid()}_{next(_db_numbers)}"
    with psycopg.connect(server.replace("postgresql+psycopg", "postgresql") + "/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{server}/{name}"


# CI replays the same property-test examples every run (a new random example that fails belongs in a
# developer's run, where it can be shrunk and pinned with @example, not in a landing gate)
from hypothesis import settings as _hsettings  # noqa: E402

_hsettings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    _hsettings.load_profile("ci")


@pytest.fixture
def server() -> Iterator[object]:
    """A local OpenAI-compatible server (`tests/llm_server.py`) for the LLM engine's tests."""
    from llm_server import FakeOpenAIServer

    with FakeOpenAIServer() as srv:
        yield srv
