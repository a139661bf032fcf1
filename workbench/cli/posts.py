"""`workbench inspect`, `check`, `score` and `platforms`: a pillar and a post against the rules."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from ..brand import load_brand
from ..config import load_settings
from ..drafts import Draft, parts_from_text
from ..pillar import Pillar, load_pillar
from ..platforms import Counting, PlatformSpec, validate
from ..text import word_count
from ._base import HandledCommand, console, read_text


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


@click.command(cls=HandledCommand)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--transcript", type=click.Path(path_type=Path), help="Transcript for a video (default: beside it).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def inspect(file: Path, transcript: Path | None, as_json: bool) -> None:
    """Summarise a pillar: title, sections, sentences, duration, statistics found."""
    settings = load_settings()
    p = load_pillar(file, max_bytes=settings.get("max_pillar_bytes"), transcript=transcript)
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


@click.command(cls=HandledCommand)
@click.option("--platform", "-p", required=True, help="Platform name (see `workbench platforms`).")
@click.option("--title", help="Title, for platforms that have one (YouTube).")
@click.option("--json", "as_json", is_flag=True, help='Print {"platform", "length", "limit", "valid", "problems"}.')
@click.argument("file", type=click.File("rb"), default="-")
def check(platform: str, title: str | None, as_json: bool, file: Any) -> None:
    """Check a post (FILE or - for stdin) against a platform's rules; exit 1 when it does not fit.

    For a thread, separate the posts with a line holding only '---'.
    """
    settings = load_settings()
    spec = settings.platform(platform)
    report = check_report(read_text(file), spec, title)
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


@click.command("score", cls=HandledCommand)
@click.option("--brand", "-b", help="Brand voice: a name from brand_voice/ or a YAML file.")
@click.option("--platform", "-p", required=True, help="Platform name (see `workbench platforms`).")
@click.option("--title", help="Title, for platforms that have one (YouTube).")
@click.option("--pillar", type=click.Path(path_type=Path),
              help="The source the draft was made from: adds the checks that compare the draft with it.")
@click.option("--judge", type=click.Choice(["rules", "llm"]), default="rules", show_default=True,
              help="llm: add an LLM judge's rubric rating and defects (averaged with the rules; never blocking).")
@click.option("--model", help="--judge llm: model name.")
@click.option("--base-url", help="--judge llm: an OpenAI-compatible server, e.g. http://localhost:8080/v1.")
@click.option("--json", "as_json", is_flag=True, help="Print the score, its reasons and defects as JSON.")
@click.argument("file", type=click.File("rb"), default="-")
def score_cmd(brand: str | None, platform: str, title: str | None, pillar: Path | None, judge: str,
              model: str | None, base_url: str | None, as_json: bool, file: Any) -> None:
    """Score a draft (FILE or - for stdin) for tone, call to action and platform fit, with reasons, and
    list its defects (rubric codes) with the words they are about and the fix.

    Exits 1 when the verdict is 'needs edit'. For a thread, separate posts with a line '---'.
    """
    from ..engines import get_engine
    from ..findings import defect_notes, defects_heading, note_line
    from ..scoring import score

    settings = load_settings()
    spec = settings.platform(platform)
    voice = load_brand(settings.get("brand", brand), settings.workspace)
    source = load_pillar(pillar, max_bytes=settings.get("max_pillar_bytes")) if pillar is not None else None
    draft = Draft(platform=spec.name, parts=parts_from_text(read_text(file), spec.is_thread), title=title)
    engine = (get_engine("llm", model=settings.get("model", model), base_url=settings.get("base_url", base_url),
                         settings=settings) if judge == "llm" else None)
    result = score(draft, voice, spec, pillar=source, judge=engine)
    data = result.to_dict()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        click.echo(f"{voice.name} on {spec.label}: {result.overall}/100, {result.verdict} "
                   f"(threshold {voice.scoring.threshold})")
        if result.judge is not None:
            click.echo(f"  LLM judge: rating {result.judge.get('rating')}/5 (averaged in)"
                       + (f"; {result.judge['note']}" if result.judge.get("note") else ""))
        notes = defect_notes(data, draft.text)
        click.echo(f"  {defects_heading(notes)}")
        for note in notes:
            click.echo(f"    {note_line(note)}")
        for name, comp in (("tone", result.tone), ("cta", result.cta), ("platform fit", result.platform_fit)):
            kind = f" [{result.cta_kind}]" if name == "cta" and result.cta_kind else ""
            click.echo(f"  {name} {comp.score}{kind}")
            for r in comp.reasons:
                click.echo(f"    {r.points:+d} {r.message}")
    sys.exit(0 if result.verdict == "ready" else 1)


@click.command(cls=HandledCommand)
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
    console().print(table)


def _rule_row(s: PlatformSpec) -> list[str]:
    limit = f"{s.limit:,}" + (f" x {s.max_parts} posts" if s.is_thread else "")
    if s.title_limit:
        limit += f"; title {s.title_limit}"
    preview = (f"{s.hook_window} chars" if s.hook_window else "-") + (f" / {s.hook_lines} lines" if s.hook_lines
                                                                      else "")
    video = (f"{s.video.width}x{s.video.height}, {s.video.min_seconds:g}-{s.video.max_seconds:g} s"
             if s.video else "-")
    counted = s.counting.value + (f", URL={s.url_length}"
                                  if s.counting in (Counting.X_WEIGHTED, Counting.MASTODON) else "")
    return [s.name, s.label, limit, counted, "-" if s.max_hashtags is None else f"max {s.max_hashtags}",
            preview, video, s.source]


# ---------------------------------------------------------------------------------------------
