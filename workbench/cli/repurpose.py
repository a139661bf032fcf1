"""`repurpose`: pillar files and folders into platform drafts, as a batch."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from ..brand import load_brand
from ..config import Settings, load_settings
from ..engines import engine_names
from ..engines.chat import watching
from ..errors import WorkbenchError
from ..media.transcribe import listening
from ..pillar import iter_pillar_files
from ..platforms import PlatformSpec
from ..repurpose import (
    DEFAULT_RUN_PLATFORMS,
    BatchInterrupted,
    PillarResult,
    RunOptions,
    defect_summary,
    estimate_batch,
    on_cluster,
    queue_results,
    run_batch,
)
from ._base import HandledCommand, console


@click.command("repurpose", cls=HandledCommand, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--brand", "-b", help="Brand voice: a name from brand_voice/ or a YAML file.")
@click.option("--platforms", "-p", help=f"Comma-separated (default: {','.join(DEFAULT_RUN_PLATFORMS)}).")
@click.option("--engine", "-e", type=click.Choice(engine_names()),
              help="Default: extractive (offline). More engines come from installed plugins.")
@click.option("--model", help="LLM engine: model name.")
@click.option("--base-url", help="LLM engine: an OpenAI-compatible server, e.g. http://localhost:11434/v1.")
@click.option("--variants", "-n", type=click.IntRange(1, 10), default=1, show_default=True,
              help="Distinct drafts per platform.")
@click.option("--out", "-o", type=click.Path(path_type=Path), help="Output folder (default: out).")
@click.option("--workers", "-w", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Pillars processed in parallel on this machine.")
@click.option("--scheduler", help="Run the batch on a Dask cluster: its scheduler address, e.g. tcp://10.0.0.5:8786 "
                                  "(--out must be storage every worker can reach).")
@click.option("--force", is_flag=True, help="Redo pillars whose content and settings are unchanged.")
@click.option("--dry-run", is_flag=True, help="LLM engine: estimate tokens and cost with tiktoken; send nothing.")
@click.option("--images", is_flag=True, help="Quote cards for the text drafts and a carousel PDF for LinkedIn.")
@click.option("--layout", type=click.Choice(["center", "face", "blur"]), default="center", show_default=True,
              help="Video pillars: how a 16:9 frame becomes 9:16 (face follows the speaker; it needs the [faces] "
                   "extra).")
@click.option("--queue", "to_queue", is_flag=True, help="Also put the drafts into the review queue.")
@click.option("--db", help="Queue database URL (with --queue).")
def repurpose_cmd(paths: tuple[Path, ...], brand: str | None, platforms: str | None, engine: str | None,
                  model: str | None, base_url: str | None, variants: int, out: Path | None, workers: int,
                  scheduler: str | None, force: bool, dry_run: bool, images: bool, layout: str, to_queue: bool,
                  db: str | None) -> None:
    """Repurpose pillar files and folders (recursive) into platform drafts.

    Writes OUT/<pillar>/drafts.json and drafts.md; exits 1 when any pillar failed.
    """
    settings = load_settings()
    names = tuple(s.name for s in settings_platforms(settings, platforms))
    options = RunOptions(brand=settings.get("brand", brand), platforms=names,
                         engine=settings.get("engine", engine), model=settings.get("model", model),
                         base_url=settings.get("base_url", base_url), variants=variants, force=force,
                         workers=workers, out=Path(settings.get("out", out)), images=images,
                         reel_layout=layout)
    if options.out.exists() and not options.out.is_dir():  # fails once, not once per pillar
        raise WorkbenchError("is a file, not a folder.", path=options.out, field="--out",
                             fix="choose a folder for the outputs (it is created if missing), or move that file.")
    load_brand(options.brand, settings.workspace)  # a bad profile fails once, before the batch
    if dry_run:
        _print_estimate(estimate_batch(list(paths), options, settings), options.model or "")
        return
    try:
        with ExitStack() as stack:
            executor = stack.enter_context(on_cluster(scheduler)) if scheduler else None
            bar = stack.enter_context(Progress(transient=True))
            task = bar.add_task("repurposing", total=len(iter_pillar_files(list(paths))))
            # the LLM engine's requests in flight, as they go out and come back
            stack.enter_context(watching(lambda n: bar.update(task, description=f"repurposing ({n} in flight)")))
            # a talk with no transcript is transcribed as it loads
            stack.enter_context(listening(lambda path, at, of: bar.update(
                task, description=f"transcribing {escape(path.name)} ({at:.0f} / {of:.0f} s)" if at < of
                else "repurposing")))
            results = run_batch(list(paths), options, settings, executor=executor,
                                progress=lambda r: bar.advance(task))
    except BatchInterrupted as stop:
        # the batch has stopped its workers: say what was done, so a re-run (which skips it) is the next step
        _print_table(stop.results, options)
        _print_counts(stop.results, options)
        console().print(f"Interrupted: {len(stop.not_run)} pillar(s) not run. Run the same command again to "
                        "finish (pillars already written are skipped).")
        sys.exit(130)
    _print_table(results, options)
    if to_queue:
        added, present = queue_results(results, options.brand, settings.queue(db))
        console().print(f"Queue: {added} draft(s) added for review, {present} already there.")
    failed = _print_counts(results, options)
    sys.exit(1 if failed or not results else 0)


def _print_table(results: list[PillarResult], options: RunOptions) -> None:
    """The summary table, then the notes."""
    llm = options.engine == "llm"
    columns = ["pillar", "status", "drafts", "problems"] + (["tokens in/out", "cache hits"] if llm else [])
    table = Table(*columns, "output / error", title="repurpose summary")
    for r in results:
        extra = ([f"{r.usage.get('input_tokens', 0)}/{r.usage.get('output_tokens', 0)}",
                  str(r.usage.get("cache_hits", 0))] if llm else [])
        table.add_row(str(r.path), r.status if r.ok else "FAILED", str(r.drafts), str(r.problems), *extra,
                      str(r.output) if r.ok else r.error)
    screen = console()
    screen.print(table)
    for r in results:
        for note in r.warnings:
            screen.print(f"note: {r.path}: {note}")


def _print_counts(results: list[PillarResult], options: RunOptions) -> int:
    """The defects found, then the closing line; the number of pillars that failed."""
    for line in defect_summary(results):
        console().print(line)
    failed = sum(not r.ok for r in results)
    unchanged = sum(r.status == "unchanged" for r in results)
    console().print(f"{len(results) - failed - unchanged} written, {unchanged} unchanged, {failed} failed. "
                    f"Outputs in {options.out}/")
    return failed


def _print_estimate(rows: list[dict[str, Any]], model: str) -> None:
    table = Table("pillar", "requests", "input tokens", "output tokens (est.)", "cost USD",
                  title=f"dry run: {model} (counted with tiktoken cl100k_base; nothing sent)")
    for r in rows:
        if "error" in r:
            table.add_row(r["pillar"], "-", "-", "-", r["error"])
        else:
            table.add_row(r["pillar"], str(r["requests"]), str(r["input_tokens"]), str(r["output_tokens"]),
                          f"{r['cost_usd']:.4f}")
    console().print(table)


def settings_platforms(settings: Settings, value: str | None) -> list[PlatformSpec]:
    names = value.split(",") if value else [n for n, s in settings.platforms().items() if s.default]
    return [settings.platform(n.strip()) for n in names if n.strip()]
