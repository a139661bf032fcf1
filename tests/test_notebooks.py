"""The three notebooks run top to bottom, offline, in a temporary workspace; in git they carry no outputs."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_NOTEBOOK_WORKSPACE", str(tmp_path))
    monkeypatch.setenv("WORKBENCH_ROOT", str(ROOT))
    book = nbformat.read(path, as_version=4)
    NotebookClient(book, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
                   ).execute()
    text = "\n".join(o.get("text", "") for c in book.cells if c.cell_type == "code" for o in c.outputs)
    errors = [o for c in book.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    widgets = sum(1 for c in book.cells if c.cell_type == "code" for o in c.outputs
                  if "application/vnd.jupyter.widget-view+json" in o.get("data", {}))
    assert widgets >= 1
    if path.name.startswith("01"):
        # two variants of LinkedIn and Instagram, one thread (the sample has one list to thread)
        assert "0 problem(s)" in text and "5 draft(s) in the queue" in text
        assert list((tmp_path / "out" / "talk" / "media").glob("*.mp4"))  # the reel was cut
    elif path.name.startswith("02"):
        assert "3 item(s) in the queue" in text
    else:
        assert "4 approved item(s)" in text and "schedule.ics" in text and "Text,Image URL,Tags,Posting Time" in text
