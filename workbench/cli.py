"""Command line: `workbench` (a group) and `repurpose` (the batch job). Thin: every command calls the
same public functions the notebooks and widgets use."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from .brand import load_brand
from .config import load_settings
from .drafts import Draft, parts_from_text
from .errors import WorkbenchError
from .pillar import Pillar, load_pillar
from .platforms import PlatformSpec, validate
from .repurpose import DEFAULT_RUN_PLATFORMS, RunOptions, estimate_batch, run_batch
from .text import word_count


def _console(err: bool = False) -> Console:
    # wide enough that tables are not wrapped in logs and in tests; colour only on a terminal
    return Console(stderr=err, width=max(Console().width, 120), highlight=False)


def _fail(exc: WorkbenchError) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="workbench")
def main() -> None:
    """Content repurposing workbench: inspect pillars, check posts against platform rules."""


# ---------------------------------------------------------------------------------------------

def pillar_summary(p: Pillar) -> dict[str, Any]:
    return {
        "path": str(p.path),
        "format": p.format,
        "title": p.title,
        "sections": [{"heading": s.heading, "level": s.level,
                      "sentences": sum(len(b.sentence_ids) for b in s.blocks)} for s in p.sections],
        "sentences": len(p.sentences),
        "words": word_count(p.text),
        "duration": p.duration,
        "links": [link.url for link in p.links],
        "statistics": [{"text": n.text, "sentence": p.sentence(n.sentence_id).text} for n in p.numbers],
        "speakers": sorted({s.speaker for s in p.sentences if s.speaker}),
        "content_hash": p.content_hash,
        "video": str(p.video_path) if p.video_path else None,
        "transcript": str(p.transcript_path) if p.transcript_path else None,
        "warnings": p.warnings,
    }


def _hms(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--transcript", type=click.Path(path_type=Path), help="Transcript for a video (default: beside it).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def inspect(file: Path, transcript: Path | None, as_json: bool) -> None:
    """Summarise a pillar: title, sections, sentences, duration, statistics found."""
    settings = load_settings()
    try:
        p = load_pillar(file, max_bytes=settings.get("max_pillar_bytes"), transcript=transcript)
    except WorkbenchError as exc:
        _fail(exc)
    info = pillar_summary(p)
    if as_json:
        click.echo(json.dumps(info, indent=2, ensure_ascii=False))
        return
    out = [f"File:       {info['path']}",
           f"Format:     {info['format']}",
           f"Title:      {info['title']}",
           f"Sections:   {len(info['sections'])}",
           f"Sentences:  {info['sentences']}",
           f"Words:      {info['words']}"]
    if p.duration is not None:
        out.append(f"Duration:   {_hms(p.duration)}")
    if info["speakers"]:
        out.append(f"Speakers:   {', '.join(info['speakers'])}")
    if p.video_path:
        out.append(f"Video:      {p.video_path}")
        out.append(f"Transcript: {p.transcript_path}")
    out.append(f"Links:      {len(info['links'])}")
    stats = [n["text"] for n in info["statistics"]]
    out.append(f"Statistics: {len(stats)}" + (f" ({', '.join(dict.fromkeys(stats))})" if stats else ""))
    out.append("Outline:")
    for s in info["sections"]:
        indent = "  " * max(s["level"] - 1, 0)
        out.append(f"  {indent}{s['heading'] or '(untitled)'} [{s['sentences']}]")
    for w in p.warnings:
        out.append(f"Warning:    {w}")
    click.echo("\n".join(out))


# ---------------------------------------------------------------------------------------------

def check_report(text: str, spec: PlatformSpec, title: str | None = None) -> dict[str, Any]:
    parts = parts_from_text(text, spec.is_thread)
    draft = Draft(platform=spec.name, parts=parts, title=title)
    problems = validate(draft, spec)
    lengths = [spec.length(p) for p in parts] or [0]
    report: dict[str, Any] = {
        "platform": spec.name,
        "length": max(lengths),
        "limit": spec.limit,
        "valid": not any(p.severity == "error" for p in problems),
        "problems": [p.to_dict() for p in problems],
    }
    if spec.is_thread:
        report["parts"] = lengths
    return report


@main.command()
@click.option("--platform", "-p", required=True, help="Platform name (see `workbench platforms`).")
@click.option("--title", help="Title, for platforms that have one (YouTube).")
@click.option("--json", "as_json", is_flag=True, help='Print {"platform", "length", "limit", "valid", "problems"}.')
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
def check(platform: str, title: str | None, as_json: bool, file: Any) -> None:
    """Check a post (FILE or - for stdin) against a platform's rules; exit 1 when it does not fit.

    For a thread, separate the posts with a line holding only '---'.
    """
    settings = load_settings()
    try:
        spec = settings.platform(platform)
    except WorkbenchError as exc:
        _fail(exc)
    report = check_report(file.read(), spec, title)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        lengths = report.get("parts")
        counted = (f"{len(lengths)} posts, longest {report['length']}/{report['limit']}" if lengths
                   else f"{report['length']}/{report['limit']}")
        click.echo(f"{spec.label}: {counted} ({spec.counting.value}) - {'valid' if report['valid'] else 'INVALID'}")
        for p in report["problems"]:
            where = f"[{p['where']}] " if p["where"] else ""
            click.echo(f"  {p['severity']}: {where}{p['code']}: {p['message']}")
    sys.exit(0 if report["valid"] else 1)


@main.command("score")
@click.option("--brand", "-b", help="Brand voice: a name from brand_voice/ or a YAML file.")
@click.option("--platform", "-p", required=True, help="Platform name (see `workbench platforms`).")
@click.option("--title", help="Title, for platforms that have one (YouTube).")
@click.option("--json", "as_json", is_flag=True, help="Print the score and its reasons as JSON.")
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
def score_cmd(brand: str | None, platform: str, title: str | None, as_json: bool, file: Any) -> None:
    """Score a draft (FILE or - for stdin) for tone, call to action and platform fit, with reasons.

    Exits 1 when the verdict is 'needs edit'. For a thread, separate posts with a line '---'.
    """
    from .scoring import score

    settings = load_settings()
    try:
        spec = settings.platform(platform)
        voice = load_brand(settings.get("brand", brand), settings.workspace)
    except WorkbenchError as exc:
        _fail(exc)
    draft = Draft(platform=spec.name, parts=parts_from_text(file.read(), spec.is_thread), title=title)
    result = score(draft, voice, spec)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        click.echo(f"{voice.name} on {spec.label}: {result.overall}/100, {result.verdict} "
                   f"(threshold {voice.scoring.threshold})")
        for name, comp in (("tone", result.tone), ("cta", result.cta), ("platform fit", result.platform_fit)):
            kind = f" [{result.cta_kind}]" if name == "cta" and result.cta_kind else ""
            click.echo(f"  {name} {comp.score}{kind}")
            for r in comp.reasons:
                click.echo(f"    {r.points:+d} {r.message}")
    sys.exit(0 if result.verdict == "ready" else 1)


@main.command()
@click.option("--markdown", is_flag=True, help="Print a Markdown table (as in the README).")
@click.option("--json", "as_json", is_flag=True, help="Print the registry as JSON.")
def platforms(markdown: bool, as_json: bool) -> None:
    """The platform rules: limits, how length is counted, hashtags, and where each number comes from."""
    specs = load_settings().platforms()
    if as_json:
        click.echo(json.dumps({k: v.model_dump(mode="json") for k, v in specs.items()}, indent=2))
        return
    rows = [_rule_row(s) for s in specs.values()]
    headers = ["platform", "name", "limit", "counted as", "hashtags", "preview", "video", "source"]
    if markdown:
        click.echo("| " + " | ".join(headers) + " |")
        click.echo("|" + "---|" * len(headers))
        for r in rows:
            click.echo("| " + " | ".join(r) + " |")
        return
    table = Table(*headers[:-1], title="Platform rules (workbench platforms --markdown shows sources)")
    for r in rows:
        table.add_row(*r[:-1])
    _console().print(table)


def _rule_row(s: PlatformSpec) -> list[str]:
    limit = f"{s.limit:,}" + (f" x {s.max_parts} posts" if s.is_thread else "")
    if s.title_limit:
        limit += f"; title {s.title_limit}"
    preview = (f"{s.hook_window} chars" if s.hook_window else "-") + (f" / {s.hook_lines} lines" if s.hook_lines
                                                                      else "")
    video = (f"{s.video.width}x{s.video.height}, {s.video.min_seconds:g}-{s.video.max_seconds:g} s"
             if s.video else "-")
    counted = s.counting.value + (f", URL={s.url_length}" if s.counting.value in ("x_weighted", "mastodon") else "")
    return [s.name, s.label, limit, counted, "-" if s.max_hashtags is None else f"max {s.max_hashtags}",
            preview, video, s.source]


# ---------------------------------------------------------------------------------------------

@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--brand", "-b", help="Brand voice: a name from brand_voice/ or a YAML file.")
@click.option("--platforms", "-p", help=f"Comma-separated (default: {','.join(DEFAULT_RUN_PLATFORMS)}).")
@click.option("--engine", "-e", type=click.Choice(["extractive", "llm"]), help="Default: extractive (offline).")
@click.option("--model", help="LLM engine: model name.")
@click.option("--base-url", help="LLM engine: an OpenAI-compatible server, e.g. http://localhost:11434/v1.")
@click.option("--variants", "-n", type=click.IntRange(1, 10), default=1, show_default=True,
              help="Distinct drafts per platform.")
@click.option("--out", "-o", type=click.Path(path_type=Path), help="Output folder (default: out).")
@click.option("--workers", "-w", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Pillars processed in parallel.")
@click.option("--force", is_flag=True, help="Redo pillars whose content and settings are unchanged.")
@click.option("--dry-run", is_flag=True, help="LLM engine: estimate tokens and cost with tiktoken; send nothing.")
@click.option("--images", is_flag=True, help="Quote cards for the text drafts and a carousel PDF for LinkedIn.")
@click.option("--layout", type=click.Choice(["center", "face", "blur"]), default="center", show_default=True,
              help="Video pillars: how a 16:9 frame becomes 9:16 (face needs opencv-python-headless).")
@click.option("--queue", "to_queue", is_flag=True, help="Also put the drafts into the review queue.")
@click.option("--db", help="Queue database URL (with --queue).")
def repurpose_cmd(paths: tuple[Path, ...], brand: str | None, platforms: str | None, engine: str | None,
                  model: str | None, base_url: str | None, variants: int, out: Path | None, workers: int,
                  force: bool, dry_run: bool, images: bool, layout: str, to_queue: bool, db: str | None) -> None:
    """Repurpose pillar files and folders (recursive) into platform drafts.

    Writes OUT/<pillar>/drafts.json and drafts.md; exits 1 when any pillar failed.
    """
    try:
        settings = load_settings()
        names = tuple(s.name for s in settings_platforms(settings, platforms))
        options = RunOptions(brand=settings.get("brand", brand), platforms=names,
                             engine=settings.get("engine", engine), model=settings.get("model", model),
                             base_url=settings.get("base_url", base_url), variants=variants, force=force,
                             workers=workers, out=Path(settings.get("out", out)), images=images,
                             reel_layout=layout)
        load_brand(options.brand, settings.workspace)  # a bad profile fails once, before the batch
        if dry_run:
            _print_estimate(estimate_batch(list(paths), options, settings), options.model or "")
            return
    except WorkbenchError as exc:
        _fail(exc)
    results = run_batch(list(paths), options, settings)
    llm = options.engine == "llm"
    columns = ["pillar", "status", "drafts", "problems"] + (["tokens in/out", "cache hits"] if llm else [])
    table = Table(*columns, "output / error", title="repurpose summary")
    for r in results:
        extra = ([f"{r.usage.get('input_tokens', 0)}/{r.usage.get('output_tokens', 0)}",
                  str(r.usage.get("cache_hits", 0))] if llm else [])
        table.add_row(str(r.path), r.status if r.ok else "FAILED", str(r.drafts), str(r.problems), *extra,
                      str(r.output) if r.ok else r.error)
    console = _console()
    console.print(table)
    for r in results:
        for note in r.warnings:
            console.print(f"note: {r.path}: {note}")
    if to_queue:
        from .repurpose import queue_results

        try:
            added, present = queue_results(results, options.brand, settings.queue(db))
        except WorkbenchError as exc:
            _fail(exc)
        console.print(f"Queue: {added} draft(s) added for review, {present} already there.")
    failed = [r for r in results if not r.ok]
    unchanged = sum(r.status == "unchanged" for r in results)
    console.print(f"{len(results) - len(failed) - unchanged} written, {unchanged} unchanged, {len(failed)} failed. "
                  f"Outputs in {options.out}/")
    sys.exit(1 if failed or not results else 0)


def _print_estimate(rows: list[dict[str, Any]], model: str) -> None:
    table = Table("pillar", "requests", "input tokens", "output tokens (est.)", "cost USD",
                  title=f"dry run: {model} (counted with tiktoken cl100k_base; nothing sent)")
    for r in rows:
        if "error" in r:
            table.add_row(r["pillar"], "-", "-", "-", r["error"])
        else:
            table.add_row(r["pillar"], str(r["requests"]), str(r["input_tokens"]), str(r["output_tokens"]),
                          f"{r['cost_usd']:.4f}")
    _console().print(table)


def settings_platforms(settings: Any, value: str | None) -> list[PlatformSpec]:
    names = value.split(",") if value else list(DEFAULT_RUN_PLATFORMS)
    return [settings.platform(n.strip()) for n in names if n.strip()]


def repurpose_main() -> None:
    repurpose_cmd()


@main.command("reels")
@click.argument("video", type=click.Path(path_type=Path))
@click.option("--transcript", type=click.Path(path_type=Path), help="Transcript (default: .srt/.vtt beside the video).")
@click.option("--count", "-n", type=click.IntRange(1, 20), default=3, show_default=True)
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("reels"), show_default=True)
@click.option("--platform", "-p", default="reels", show_default=True, help="reels, tiktok, youtube_shorts, linkedin, x.")
@click.option("--min-seconds", type=float, default=15, show_default=True)
@click.option("--max-seconds", type=float, default=60, show_default=True)
@click.option("--layout", type=click.Choice(["center", "face", "blur"]), default="center", show_default=True)
@click.option("--no-captions", is_flag=True)
@click.option("--intro", help="Text of a card shown before each clip (brand colours).")
@click.option("--outro", help="Text of a card shown after each clip, e.g. your call to action.")
@click.option("--brand", "-b", help="Brand voice for the cards' colours, font and logo.")
def reels_cmd(video: Path, transcript: Path | None, count: int, out: Path, platform: str, min_seconds: float,
              max_seconds: float, layout: str, no_captions: bool, intro: str | None, outro: str | None,
              brand: str | None) -> None:
    """Cut vertical clips with burned-in captions from a talk video, best moments first."""
    from .media.reels import make_reels

    try:
        settings = load_settings()
        voice = load_brand(settings.get("brand", brand), settings.workspace) if (intro or outro) else None
        reels = make_reels(video, out, platform, count=count, min_seconds=min_seconds, max_seconds=max_seconds,
                           transcript=transcript, layout=layout, captions=not no_captions, intro=intro, outro=outro,
                           brand=voice)
    except WorkbenchError as exc:
        _fail(exc)
    if not reels:
        click.echo(f"no clip of {min_seconds:g}-{max_seconds:g} s fits between sentence boundaries in {video}: "
                   "widen --min-seconds / --max-seconds.")
        sys.exit(1)
    table = Table("clip", "from", "to", "score", "why", "file / skipped", title=f"{len(reels)} clip(s)")
    for n, r in enumerate(reels, 1):
        table.add_row(str(n), f"{r.clip.start:.1f}", f"{r.clip.end:.1f}", f"{r.clip.score:g}", "; ".join(r.clip.reasons),
                      str(r.video) if r.video else r.skipped)
    _console().print(table)
    bad = [r for r in reels if r.problems]
    for r in bad:
        click.echo(f"{r.video}: {'; '.join(r.problems)}")
    sys.exit(1 if not reels or any(r.video is None for r in reels) else 0)


@main.command("cards")
@click.argument("pillar", type=click.Path(path_type=Path))
@click.option("--brand", "-b")
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("cards"), show_default=True)
def cards_cmd(pillar: Path, brand: str | None, out: Path) -> None:
    """Quote cards in every feed size and a carousel (PNG slides and a PDF) from a pillar's brief."""
    from .brief import extract_brief
    from .media.images import CARD_SIZES, carousel, quote_card

    settings = load_settings()
    try:
        p = load_pillar(pillar, max_bytes=settings.get("max_pillar_bytes"))
        voice = load_brand(settings.get("brand", brand), settings.workspace)
        brief = extract_brief(p)
        quote = next((q.text for q in brief.quotes + brief.key_points if len(q.text) <= 220), p.title)
        made = [quote_card(quote, out / f"{p.stem}-quote-{size}.png", size, voice) for size in CARD_SIZES]
        slides, pdf = carousel(p.title, [k.text for k in brief.key_points[:6]], out, p.stem, voice)
    except WorkbenchError as exc:
        _fail(exc)
    for image in [*made, *slides, pdf]:
        click.echo(f"{image.path} ({image.width}x{image.height}) alt: {image.alt_text[:90]}")


def _register_editor_commands() -> None:
    from .cli_queue import publish_cmd, queue_group, schedule_group

    main.add_command(queue_group)
    main.add_command(schedule_group)
    main.add_command(publish_cmd)


_register_editor_commands()

if __name__ == "__main__":  # pragma: no cover
    main()

