"""A batch under faults: a pillar that breaks the code, a full disk, a file in the way, a worker that dies,
cut-off outputs, colliding output names, Ctrl-C; and eight processes opening a fresh queue database at once."""

from __future__ import annotations

import errno
import importlib
import json
import multiprocessing
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from workbench.cli import repurpose_cmd
from workbench.config import load_settings
from workbench.repurpose import PillarStatus, RunOptions, run_batch

repurpose_module = importlib.import_module("workbench.repurpose")  # `workbench.repurpose` is also a function

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SAMPLE = ROOT / "media" / "samples" / "batch-your-content.md"
SMALL = ("# Note {n}\n\nSmall teams lose focus when they switch tasks all day. Batching posts saves about 3 hours "
         "a week. Plan a month of posts in one afternoon.\n")


def small(path: Path, n: int | str = 1) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SMALL.format(n=n), encoding="utf-8")
    return path


def bad_date(path: Path) -> Path:
    """Front matter the loader reads as YAML, with a date that does not exist."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\ntitle: Leap\ndate: 2024-02-30\n---\n" + SMALL.format(n="leap"), encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str]:
    """Exit status and output, with the summary table's borders and wrapping taken out (one line of words)."""
    result = CliRunner().invoke(repurpose_cmd, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, " ".join(result.output.replace("│", " ").split())


def options(out: Path, **kw: Any) -> RunOptions:
    return RunOptions(brand="northwind-advisory", platforms=("x",), out=out, **kw)


# -- 13: one bad pillar never aborts the batch ------------------------------------------------------------

def test_a_date_that_does_not_exist_fails_its_pillar_and_the_batch_goes_on(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    small(tmp_path / "p" / "a.md")
    bad_date(tmp_path / "p" / "b.md")
    small(tmp_path / "p" / "c.md")
    code, output = run("p", "-p", "x")
    assert code == 1 and "Traceback" not in output
    assert "2 written, 0 unchanged, 1 failed" in output
    assert (tmp_path / "out" / "c" / "drafts.json").exists()


def test_a_bad_pillar_on_the_process_pool_is_a_failed_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for n in range(3):
        small(tmp_path / "p" / f"n{n}.md", n)
    bad_date(tmp_path / "p" / "leap.md")
    code, output = run("p", "-p", "x", "-w", "2")
    assert code == 1 and "Traceback" not in output
    assert "3 written, 0 unchanged, 1 failed" in output


def test_a_full_disk_is_reported_per_pillar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("a", "b", "c"):
        small(tmp_path / "p" / f"{name}.md")
    real = repurpose_module.write_atomic

    def full(path: Path, data: str | bytes) -> Path:
        if path.parent.name == "b":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, data)

    monkeypatch.setattr(repurpose_module, "write_atomic", full)
    code, output = run("p", "-p", "x")
    assert code == 1 and "Traceback" not in output
    assert "2 written, 0 unchanged, 1 failed" in output
    assert "No space left on device" in output and "free some disk space" in output
    assert (tmp_path / "out" / "c" / "drafts.json").exists()


def test_a_file_where_the_output_folder_goes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("a", "b", "c"):
        small(tmp_path / "p" / f"{name}.md")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "b").write_text("not a folder")
    code, output = run("p", "-p", "x")
    assert code == 1 and "Traceback" not in output
    assert "2 written, 0 unchanged, 1 failed" in output
    assert "a file is in the way" in output
    assert (tmp_path / "out" / "b").read_text() == "not a folder"
    assert (tmp_path / "out" / "c" / "drafts.json").exists()


def test_an_unexpected_exception_is_an_internal_error_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("a", "b", "c"):
        small(tmp_path / "p" / f"{name}.md", name)
    real = repurpose_module.repurpose

    def buggy(pillar: Any, *args: Any, **kw: Any) -> Any:
        if pillar.stem == "b":
            raise KeyError("surprise")
        return real(pillar, *args, **kw)

    monkeypatch.setattr(repurpose_module, "repurpose", buggy)
    code, output = run("p", "-p", "x")
    assert code == 1 and "Traceback" not in output
    assert "internal error: KeyError: 'surprise'" in output and "please report" in output
    assert "2 written, 0 unchanged, 1 failed" in output


class _FlakyExecutor(Executor):
    """Runs work in this thread, except that the worker for `lost` dies (the future holds its exception)."""

    def __init__(self, lost: str) -> None:
        self.lost = lost

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        if Path(args[0]).stem == self.lost:
            future.set_exception(RuntimeError("worker lost"))
        else:
            future.set_result(fn(*args, **kwargs))
        return future


def test_a_worker_exception_on_any_executor_comes_back_as_a_failed_row(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        small(tmp_path / "p" / f"{name}.md", name)
    results = run_batch([tmp_path / "p"], options(tmp_path / "out"), load_settings(workspace=tmp_path),
                        executor=_FlakyExecutor("b"))
    assert [r.status for r in results] == [PillarStatus.OK, PillarStatus.FAILED, PillarStatus.OK]
    assert results[1].error.startswith("internal error: RuntimeError: worker lost")
    with ThreadPoolExecutor(max_workers=2) as pool:
        bad_date(tmp_path / "p" / "d.md")
        results = run_batch([tmp_path / "p"], options(tmp_path / "out2"), load_settings(workspace=tmp_path),
                            executor=pool)
    assert [r.status for r in results] == [PillarStatus.OK] * 3 + [PillarStatus.FAILED]


# -- 14: outputs cut off mid-write are redone, never "unchanged" -------------------------------------------

def _first_run(tmp_path: Path) -> Path:
    small(tmp_path / "p" / "a.md")
    results = run_batch([tmp_path / "p"], options(tmp_path / "out"), load_settings(workspace=tmp_path))
    assert results[0].status is PillarStatus.OK
    return tmp_path / "out" / "a"


@pytest.mark.parametrize("damage", ["drafts cut off", "manifest cut off", "drafts count differs", "drafts not a list"])
def test_damaged_outputs_are_drafted_again(tmp_path: Path, damage: str) -> None:
    folder = _first_run(tmp_path)
    drafts, manifest = folder / "drafts.json", folder / "manifest.json"
    good = drafts.read_text(encoding="utf-8")
    if damage == "drafts cut off":
        drafts.write_text(good[: len(good) // 2], encoding="utf-8")
    elif damage == "manifest cut off":
        text = manifest.read_text(encoding="utf-8")
        manifest.write_text(text[: len(text) // 2], encoding="utf-8")
    elif damage == "drafts count differs":
        drafts.write_text(json.dumps(json.loads(good) * 2), encoding="utf-8")
    else:
        drafts.write_text('{"platform": "x"}', encoding="utf-8")
    again = run_batch([tmp_path / "p"], options(tmp_path / "out"), load_settings(workspace=tmp_path))
    assert again[0].status is PillarStatus.OK, again[0].error
    assert any("drafted again" in note for note in again[0].warnings)
    assert drafts.read_text(encoding="utf-8") == good
    assert json.loads(manifest.read_text(encoding="utf-8"))["drafts"] == len(json.loads(good))
    third = run_batch([tmp_path / "p"], options(tmp_path / "out"), load_settings(workspace=tmp_path))
    assert third[0].status is PillarStatus.UNCHANGED


def test_queue_after_a_cut_off_drafts_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    small(tmp_path / "p" / "a.md")
    assert run("p", "-p", "x")[0] == 0
    drafts = tmp_path / "out" / "a" / "drafts.json"
    drafts.write_text(drafts.read_text(encoding="utf-8")[:40], encoding="utf-8")
    code, output = run("p", "-p", "x", "--queue", "--db", f"sqlite:///{tmp_path / 'q.sqlite'}")
    assert code == 0, output
    assert "1 written, 0 unchanged" in output and "Queue: 1 draft(s) added" in output


# -- 15: every pillar gets its own output folder, inside --out ---------------------------------------------

def test_colliding_output_names_are_made_unique_with_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    small(tmp_path / "p" / "a" / "x.md", "md")
    small(tmp_path / "p" / "a" / "x.txt", "txt")
    small(tmp_path / "p" / "a-x.md", "dash")
    code, output = run("p", "-p", "x")
    assert code == 0, output
    assert "3 written, 0 unchanged, 0 failed" in output
    folders = sorted(f.name for f in (tmp_path / "out").iterdir())
    assert len(folders) == 3
    titles = sorted(json.loads((tmp_path / "out" / f / "manifest.json").read_text())["pillar"] for f in folders)
    assert titles == sorted(["p/a-x.md", "p/a/x.md", "p/a/x.txt"])
    assert output.count("output folder") >= 2 and "note:" in output
    # the same files get the same folders next time: nothing is redone
    code, output = run("p", "-p", "x")
    assert "0 written, 3 unchanged" in output
    assert sorted(f.name for f in (tmp_path / "out").iterdir()) == folders


def test_case_only_differences_do_not_share_a_folder(tmp_path: Path) -> None:
    targets = repurpose_module._targets([Path("p/Note.md"), Path("q/note.md"), Path("q/NOTE.txt")], Path("out"))
    names = [t.name.casefold() for t in targets.values()]
    assert len(set(names)) == 3


@pytest.mark.parametrize("name", ["...md", "..md"])
def test_a_pillar_name_never_writes_outside_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "work").mkdir()
    small(tmp_path / "work" / name)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = CliRunner().invoke(repurpose_cmd, ["--out", str(tmp_path / "work" / "out"), "-p", "x",
                                                str(tmp_path / "work" / name)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "work" / "out"
    made = [p for p in out.iterdir()]
    assert len(made) == 1 and made[0].is_dir() and (made[0] / "drafts.json").exists()
    assert made[0].resolve().parent == out.resolve()
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert not (tmp_path / "work" / "drafts.json").exists()


# -- 16: Ctrl-C stops the batch: no new work, a summary of what was done, exit 130 -------------------------

def test_ctrl_c_with_two_workers_stops_the_batch_at_once(tmp_path: Path) -> None:
    for n in range(400):
        small(tmp_path / "p" / f"n{n:03d}.md", n)
    out = tmp_path / "out"
    proc = subprocess.Popen([str(BIN / "repurpose"), "p", "-p", "x", "-w", "2"], cwd=tmp_path, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not (out.is_dir() and any(out.iterdir())):
            assert proc.poll() is None and time.monotonic() < deadline, "no output appeared"
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        sent = time.monotonic()
        output, _ = proc.communicate(timeout=15)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, output
    assert took < 5, f"the batch took {took:.1f} s to stop"
    assert "Interrupted:" in output and "not run" in output and "Traceback" not in output
    count = len(list(out.iterdir()))
    time.sleep(3)
    assert len(list(out.iterdir())) == count < 400  # the workers are gone: nothing more appears


def test_ctrl_c_in_process_prints_what_was_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("a", "b", "c"):
        small(tmp_path / "p" / f"{name}.md", name)
    real = repurpose_module.repurpose

    def interrupted(pillar: Any, *args: Any, **kw: Any) -> Any:
        if pillar.stem == "b":
            raise KeyboardInterrupt
        return real(pillar, *args, **kw)

    monkeypatch.setattr(repurpose_module, "repurpose", interrupted)
    code, output = run("p", "-p", "x")
    assert code == 130
    assert "1 written, 0 unchanged, 0 failed" in output and "Interrupted: 2 pillar(s) not run" in output
    assert sorted(f.name for f in (tmp_path / "out").iterdir()) == ["a"]


# -- 17: eight first starts at once on a fresh database: every one succeeds, each migration runs once ------

def _first_start(url: str, barrier: Any, outcomes: Any) -> None:
    """One process opening the queue (which migrates) the moment all eight are ready; what it applied."""
    from workbench.queue import Queue

    applied: list[int] = []
    migrate = Queue.migrate

    def recording(self: Queue) -> list[int]:
        done = migrate(self)
        applied.extend(done)
        return done

    Queue.migrate = recording  # type: ignore[method-assign]
    barrier.wait(timeout=120)
    try:
        Queue(url)
        outcomes.put(("ok", applied))
    except Exception as exc:
        outcomes.put(("error", f"{type(exc).__name__}: {exc}"))


def test_eight_processes_open_a_fresh_database_at_once(queue_url: str) -> None:
    from workbench.queue import Queue
    from workbench.queue.migrations import MIGRATIONS

    ctx = multiprocessing.get_context("fork")  # each process opens its own connections after the fork
    barrier, outcomes = ctx.Barrier(8), ctx.Queue()
    processes = [ctx.Process(target=_first_start, args=(queue_url, barrier, outcomes)) for _ in range(8)]
    for proc in processes:
        proc.start()
    try:
        results = [outcomes.get(timeout=180) for _ in processes]
    finally:
        for proc in processes:
            proc.join(30)
            if proc.is_alive():
                proc.kill()
    assert [error for kind, error in results if kind == "error"] == []
    applied = sorted(version for _, versions in results for version in versions)
    assert applied == [m.version for m in MIGRATIONS]  # each step applied by exactly one process
    assert Queue(queue_url).migrations() == [(m.version, m.name) for m in MIGRATIONS]


def _open_sqlite(url: str, barrier: Any, outcomes: Any) -> None:
    """Open a connection to the queue file the moment all eight are ready; its journal mode, or the error."""
    from workbench.queue.store import Store

    barrier.wait(timeout=120)
    try:
        with Store(url).engine.connect() as conn:
            outcomes.put(("ok", conn.exec_driver_sql("PRAGMA journal_mode").scalar()))
    except Exception as exc:
        outcomes.put(("error", f"{type(exc).__name__}: {exc}"))


def test_eight_processes_connecting_to_fresh_sqlite_files_all_get_wal(tmp_path: Path) -> None:
    """Switching a new file to WAL ignores SQLite's busy timeout; one round in five lost a process to
    "database is locked" before the switch waited for its turn. Twenty rounds make that a sure catch."""
    ctx = multiprocessing.get_context("fork")
    for round_ in range(20):
        url = f"sqlite:///{tmp_path}/queue-{round_}.sqlite"
        barrier, outcomes = ctx.Barrier(8), ctx.Queue()
        processes = [ctx.Process(target=_open_sqlite, args=(url, barrier, outcomes)) for _ in range(8)]
        for proc in processes:
            proc.start()
        try:
            results = [outcomes.get(timeout=120) for _ in processes]
        finally:
            for proc in processes:
                proc.join(30)
                if proc.is_alive():
                    proc.kill()
        assert results == [("ok", "wal")] * 8, f"round {round_}: {results}"
