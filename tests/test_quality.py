"""The scorer against the editor's ratings (`../shared/eval/editor-ratings.jsonl`): the targets the
team set for telling a postable draft from raw material, checked on every CI run.

The benchmark (`benchmarks/quality_eval.py`) prints the same figures with the per-code table."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
BLOCKING = ("EMPTY", "FRAGMENT", "CTA_MISMATCH", "LINK_PHRASE", "META", "SPEECH", "MISLEADING")


def _evaluate(shared: Path) -> dict[str, Any]:
    spec = importlib.util.spec_from_file_location("quality_eval", ROOT / "benchmarks" / "quality_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = [json.loads(line) for line in (shared / "eval" / "editor-ratings.jsonl").read_text().splitlines()
            if line.strip()]
    report: dict[str, Any] = module.evaluate(rows)
    return report


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    shared = ROOT.parent / "shared"
    if not (shared / "eval" / "editor-ratings.jsonl").is_file():
        pytest.skip(f"the editor's ratings are not at {shared / 'eval'} (shared data sits beside the checkout)")
    return _evaluate(shared)


def test_score_orders_drafts_as_the_editor_does(report: dict[str, Any]) -> None:
    assert report["n"] >= 100
    assert report["spearman"] >= 0.6
    assert report["auc_postable"] >= 0.85


def test_a_good_post_scores_above_its_broken_twin(report: dict[str, Any]) -> None:
    assert report["pairs"] >= 10 and report["pair_accuracy"] >= 0.9


def test_no_unusable_draft_is_ready(report: dict[str, Any]) -> None:
    assert report["ready_rated_1"] == 0
    assert report["ready_share_rated_le2"] <= 0.1


@pytest.mark.parametrize("code", BLOCKING)
def test_blocking_codes_are_found(report: dict[str, Any], code: str) -> None:
    """Recall >= 0.7 on every code that stops a draft going out (where the file labels it)."""
    found = report["codes"][code]
    assert found["labelled"] > 0 and found["recall"] >= 0.7, found
