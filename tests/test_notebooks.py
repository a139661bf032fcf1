"""The three notebooks run top to bottom, offline, in one workspace that they share; in git they carry no outputs."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from workbench.config import load_settings
from workbench.workspace import init_workspace

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_three_notebooks() -> None:
    assert [p.name for p in NOTEBOOKS] == ["01-repurpose.ipynb", "02-review.ipynb", "03-schedule.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_are_stripped_in_git(path: Path) -> None:
    book = json.loads(path.read_text())
    for cell in book["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, f"{path.name} has outputs"


def run(path: Path) -> tuple[str, int]:
    """Execute a notebook as JupyterLab would (its folder as the current one); its printed text and widgets."""
    book = nbformat.read(path, as_version=4)
    NotebookClient(book, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
                   ).execute()
    errors = [o for c in book.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == [], f"{path.name}: {errors}"
    text = "\n".join(o.get("text", "") for c in book.cells if c.cell_type == "code" for o in c.outputs)
    widgets = sum(1 for c in book.cells if c.cell_type == "code" for o in c.outputs
                  if "application/vnd.jupyter.widget-view+json" in o.get("data", {}))
    return text, widgets


def test_the_three_notebooks_share_one_workspace_and_run_twice(tmp_path: Path) -> None:
    """`workbench init` makes the workspace; the notebooks it copied there run from their own folder and find it
    (a notebook's current folder is its own), share its queue with the command line, and run again unchanged."""
    workspace = tmp_path / "team"
    init_workspace(workspace)
    books = sorted((workspace / "notebooks").glob("*.ipynb"))
    assert [p.name for p in books] == [p.name for p in NOTEBOOKS]
    text, widgets = run(books[0])
    # two variants of LinkedIn and Instagram, one thread (the sample has one list to thread); the picked variant
    # of each platform goes to the queue
    assert "0 problem(s)" in text and "3 draft(s) sent; 3 item(s) in the queue" in text and widgets >= 1
    assert list((workspace / "out" / "talk" / "media").glob("*.mp4"))  # the reel was cut, in the workspace
    text, widgets = run(books[1])
    assert "3 item(s) in the queue, 3 in review" in text and widgets >= 1
    queue = load_settings(workspace=workspace).queue()  # the editor approves two (notebook 2's buttons)
    for item in queue.list()[:2]:
        queue.approve(item.id, "editor", item.revision)
    text, widgets = run(books[2])
    assert "2 approved item(s)" in text and "schedule.ics" in text and widgets >= 1
    for book in books:  # run all cells again: nothing is added twice, nothing fails
        run(book)
    assert queue.count() == 3 and queue.count(state="scheduled") == 2


def test_a_notebook_on_its_own_in_a_fresh_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Notebook 3 opened first, with WORKBENCH_HOME naming an empty folder: it fills the queue from the sample
    and plans it (what a new user sees), and writes nowhere else."""
    monkeypatch.setenv("WORKBENCH_HOME", str(tmp_path))
    text, _ = run(ROOT / "notebooks" / "03-schedule.ipynb")
    assert "4 approved item(s)" in text and "schedule.ics" in text
    assert (tmp_path / ".workbench" / "queue.sqlite").exists() and list((tmp_path / "exports").iterdir())
