"""`workbench reels`, `workbench cards` and `workbench transcribe`: clips, images and captions from a pillar."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from ..brand import load_brand
from ..config import load_settings
from ..media.transcribe import listening
from ..pillar import load_pillar
from ._base import HandledCommand, console


@click.command("reels", cls=HandledCommand)
@click.argument("video", type=click.Path(path_type=Path))
@click.option("--transcript", type=click.Path(path_type=Path), help="Transcript (default: .srt/.vtt beside the video).")
@click.option("--count", "-n", type=click.IntRange(1, 20), default=3, show_default=True)
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("reels"), show_default=True)
@click.option("--platform", "-p", default="reels", show_default=True,
              help="Any platform with a video spec (see `workbench platforms`).")
@click.option("--min-seconds", type=float, default=15, show_default=True)
@click.option("--max-seconds", type=float, default=60, show_default=True)
@click.option("--layout", type=click.Choice(["center", "face", "blur"]), default="center", show_default=True)
@click.option("--face-model", type=click.Path(path_type=Path),
              help="With --layout face: a YuNet .onnx face model for OpenCV's DNN detector (default: its Haar "
                   "cascade).")
@click.option("--no-captions", is_flag=True)
@click.option("--intro", help="Text of a card shown before each clip (brand colours).")
@click.option("--outro", help="Text of a card shown after each clip, e.g. your call to action.")
@click.option("--brand", "-b", help="Brand voice for the cards' colours, font and logo.")
@click.option("--json", "as_json", is_flag=True, help="The clips as JSON (for scripts).")
def reels_cmd(video: Path, transcript: Path | None, count: int, out: Path, platform: str, min_seconds: float,
              max_seconds: float, layout: str, face_model: Path | None, no_captions: bool, intro: str | None,
              outro: str | None, brand: str | None, as_json: bool) -> None:
    """Cut vertical clips with burned-in captions from a talk video, best moments first."""
    from ..media.reels import make_reels

    settings = load_settings()
    voice = load_brand(settings.get("brand", brand), settings.workspace) if (intro or outro) else None
    with Progress(TextColumn("{task.description}"), BarColumn(), transient=True, console=console(err=True)) as bar:
        task = bar.add_task("cutting clips", total=None)

        def heard(path: Path, position: float, duration: float) -> None:  # a talk with no transcript beside it
            bar.update(task, total=duration, completed=position,
                       description=f"transcribing {escape(path.name)} ({position:.0f} / {duration:.0f} s)")

        with listening(heard):
            reels = make_reels(video, out, settings.platform(platform), count=count, min_seconds=min_seconds,
                               max_seconds=max_seconds, transcript=transcript, layout=layout,
                               captions=not no_captions, intro=intro, outro=outro, brand=voice,
                               face_model=face_model)
    if not reels:
        click.echo(f"no clip of {min_seconds:g}-{max_seconds:g} s fits between sentence boundaries in {video}: "
                   "widen --min-seconds / --max-seconds.")
        sys.exit(1)
    if as_json:
        click.echo(json.dumps([{"start": r.clip.start, "end": r.clip.end, "score": r.clip.score,
                                "reasons": r.clip.reasons, "layout": r.describe_layout(layout),
                                "video": str(r.video) if r.video else None, "srt": str(r.srt) if r.srt else None,
                                "poster": str(r.poster) if r.poster else None, "skipped": r.skipped or None,
                                "problems": r.problems} for r in reels], ensure_ascii=False))
        sys.exit(1 if any(r.video is None for r in reels) else 0)
    table = Table("clip", "from", "to", "score", "why", "layout", "file / skipped", title=f"{len(reels)} clip(s)")
    for n, r in enumerate(reels, 1):
        table.add_row(str(n), f"{r.clip.start:.1f}", f"{r.clip.end:.1f}", f"{r.clip.score:g}",
                      escape("; ".join(r.clip.reasons)), r.describe_layout(layout),
                      escape(str(r.video) if r.video else r.skipped))
    console().print(table)
    bad = [r for r in reels if r.problems]
    for r in bad:
        click.echo(f"{r.video}: {'; '.join(r.problems)}")
    sys.exit(1 if not reels or any(r.video is None for r in reels) else 0)


@click.command("transcribe", cls=HandledCommand)
@click.argument("recording", type=click.Path(path_type=Path))
@click.option("--model", type=click.Path(path_type=Path),
              help="A local faster-whisper model folder (default: tiny.en from the [transcribe] extra).")
@click.option("--language", help="The talk's language code (default: English for an .en model, else detected).")
def transcribe_cmd(recording: Path, model: Path | None, language: str | None) -> None:
    """Transcribe a talk or podcast offline: writes .srt, .vtt and .words.json beside it."""
    from ..media.transcribe import transcribe_beside

    load_settings()  # a mistake in workbench.yaml is said before minutes of transcription, as by every command
    with Progress(TextColumn("transcribing"), BarColumn(), TextColumn("{task.description}"),
                  transient=True, console=console(err=True)) as bar:
        task = bar.add_task("", total=None)

        def heard(position: float, duration: float) -> None:
            bar.update(task, total=duration, completed=position,
                       description=f"{position:.0f} / {duration:.0f} s of audio")

        transcript, written = transcribe_beside(recording, model=model, language=language, progress=heard)
    speed = transcript.duration / transcript.seconds if transcript.seconds else 0.0
    click.echo(f"{len(transcript.words)} words, {transcript.duration:.1f} s of audio in {transcript.seconds:.1f} s "
               f"({speed:.1f}x real time; {transcript.model}, {transcript.language}).")
    for path in written:
        click.echo(f"wrote {path}")


@click.command("cards", cls=HandledCommand)
@click.argument("pillar", type=click.Path(path_type=Path))
@click.option("--brand", "-b")
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("cards"), show_default=True)
def cards_cmd(pillar: Path, brand: str | None, out: Path) -> None:
    """Quote cards in every feed size and a carousel (PNG slides and a PDF) from a pillar's brief."""
    from ..brief import extract_brief
    from ..media.images import card_sizes, carousel, quote_card

    settings = load_settings()
    p = load_pillar(pillar, max_bytes=settings.get("max_pillar_bytes"))
    voice = load_brand(settings.get("brand", brand), settings.workspace)
    brief = extract_brief(p)
    quote = next((q.text for q in brief.quotes + brief.key_points if len(q.text) <= 220), p.title)
    made = [quote_card(quote, out / f"{p.stem}-quote-{name}.png", size, voice)
            for name, size in card_sizes(settings.platforms().values()).items()]
    slides, pdf = carousel(p.title, [k.text for k in brief.key_points[:6]], out, p.stem, voice)
    for image in [*made, *slides, pdf]:
        click.echo(f"{image.path} ({image.width}x{image.height}) alt: {image.alt_text[:90]}")
