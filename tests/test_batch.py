"""A batch on any executor: in this process, a process pool, a thread pool or a Dask cluster."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import repurpose_cmd
from workbench.config import load_settings
from workbench.repurpose import PillarStatus, RunOptions, run_batch

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "media" / "samples" / "batch-your-content.md"


def _pillars(folder: Path) -> Path:
    folder.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    (folder / "batching.md").write_text(text, encoding="utf-8")
    (folder / "mornings.md").write_text(text.replace("Batch your content", "Plan your mornings"), encoding="utf-8")
    (folder / "broken.md").write_bytes(b"\x00\x01binary")
    return folder


def _options(tmp_path: Path, **kw: object) -> RunOptions:
    return RunOptions(brand="northwind-advisory", platforms=("linkedin", "bluesky"), out=tmp_path / "out", **kw)  # type: ignore[arg-type]


def test_any_executor_drafts_come_back_in_memory_and_the_caller_writes(tmp_path: Path) -> None:
    folder = _pillars(tmp_path / "pillars")
    seen: list[str] = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = run_batch([folder], _options(tmp_path), load_settings(workspace=tmp_path), executor=pool,
                            progress=lambda r: seen.append(r.path.name))
    # batching, broken, mornings
    assert [r.status for r in results] == [PillarStatus.OK, PillarStatus.FAILED, PillarStatus.OK]
    assert sorted(seen) == ["batching.md", "broken.md", "mornings.md"]
    assert "binary" in results[1].error
    for r in (results[0], results[2]):
        assert [d.platform for d in r.items] == ["linkedin", "bluesky"]
        written = json.loads((r.output / "drafts.json").read_text(encoding="utf-8"))  # type: ignore[operator]
        assert [d["parts"] for d in written] == [d.parts for d in r.items]
        assert not list(r.output.glob(".*.tmp"))  # type: ignore[union-attr]
    # unchanged pillars come back with their drafts, read from their outputs
    again = run_batch([folder], _options(tmp_path), load_settings(workspace=tmp_path))
    assert [r.status for r in again] == [PillarStatus.UNCHANGED, PillarStatus.FAILED, PillarStatus.UNCHANGED]
    assert [d.parts for d in again[0].items] == [d.parts for d in results[0].items]


@pytest.fixture(scope="module")
def dask_cluster() -> object:
    distributed = pytest.importorskip("distributed", reason="the 'distributed' package (pip install '.[dask]')")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                       silence_logs=50)
    try:
        yield cluster
    finally:
        cluster.close()


def test_a_batch_on_a_dask_local_cluster(dask_cluster: object, tmp_path: Path) -> None:
    from distributed import Client

    folder = _pillars(tmp_path / "pillars")
    with Client(dask_cluster) as client:  # type: ignore[no-untyped-call]
        results = run_batch([folder], _options(tmp_path), load_settings(workspace=tmp_path),
                            executor=client.get_executor(pure=False))
    assert [r.status for r in results] == [PillarStatus.OK, PillarStatus.FAILED, PillarStatus.OK]
    assert (tmp_path / "out" / "mornings" / "drafts.md").read_text(encoding="utf-8").startswith("# Plan your mornings")


def test_repurpose_scheduler_option_runs_on_the_cluster(dask_cluster: object, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _pillars(tmp_path / "pillars")
    address = dask_cluster.scheduler_address  # type: ignore[attr-defined]
    result = CliRunner().invoke(repurpose_cmd, ["pillars", "-p", "x", "--scheduler", address])
    assert result.exit_code == 1, result.output  # the broken pillar fails, the batch goes on
    assert "2 written, 0 unchanged, 1 failed" in result.output
    assert (tmp_path / "out" / "batching" / "drafts.json").exists()


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
    monkeypatch.chdir(tmp_path)
    _pillars(tmp_path / "pillars")
    result = CliRunner().invoke(repurpose_cmd, ["pillars", "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output and "Traceback" not in result.output
