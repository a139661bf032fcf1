"""Orchestration: one pillar, and a batch of pillars that goes on past a bad one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from rich.progress import Progress

from .config import Settings
from .errors import WorkbenchError
from .pillar import iter_pillar_files, load_pillar


@dataclass
class PillarResult:
    path: Path
    ok: bool
    output: Path | None = None
    error: str = ""
    sentences: int = 0
    statistics: int = 0


def run_one(path: Path, out_dir: Path, settings: Settings) -> PillarResult:
    from .cli import pillar_summary

    pillar = load_pillar(path, max_bytes=settings.get("max_pillar_bytes"))
    target = out_dir / pillar.stem
    target.mkdir(parents=True, exist_ok=True)
    (target / "pillar.json").write_text(json.dumps(pillar_summary(pillar), indent=2, ensure_ascii=False),
                                        encoding="utf-8")
    return PillarResult(path, True, target, sentences=len(pillar.sentences), statistics=len(pillar.numbers))


def run_batch(paths: list[Path], out_dir: Path, settings: Settings) -> list[PillarResult]:
    files = iter_pillar_files(list(paths))
    results: list[PillarResult] = []
    with Progress(transient=True) as progress:
        task = progress.add_task("repurposing", total=len(files))
        for path in files:
            try:
                results.append(run_one(path, out_dir, settings))
            except WorkbenchError as exc:
                results.append(PillarResult(path, False, error=str(exc)))
            progress.advance(task)
    return results
