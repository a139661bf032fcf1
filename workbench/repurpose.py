"""Orchestration: one pillar into drafts for every platform, and a batch that goes on past a bad pillar.

A pillar is skipped when neither its content nor the settings that shape its drafts changed since the
last run (a fingerprint in OUT/<stem>/manifest.json) and its outputs read back whole, so re-running a
folder costs nothing. Any failure of one pillar (bad input, a full disk, a bug, a lost worker) is a
failed row in the summary; Ctrl-C stops the batch (and its workers) and reports what was done.
"""

from __future__ import annotations

import errno
import hashlib
import json
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from importlib.metadata import version
from pathlib import Path
from types import FrameType
from typing import Any

from .brand import BrandVoice, load_brand
from .brief import NoDraft
from .compose import is_promotional
from .config import Settings
from .drafts import Draft, Problem
from .engines import Engine, get_engine
from .errors import WorkbenchError
from .files import write_atomic
from .findings import across_drafts, count_codes, defect_notes, format_counts
from .pillar import Pillar, iter_pillar_files, load_pillar
from .platforms import DEFAULT_PLATFORMS, PlatformSpec
from .redact import redact, redact_url, url_secrets
from .scoring import deductions, headline, score_set

SKIPPED_NOTE = "skipped:"  # a note that a platform got no draft, and why ("skipped: tiktok (no standalone ...)")

# what `repurpose` writes when no --platforms is given (`PlatformSpec.default`; reels need a video)
DEFAULT_RUN_PLATFORMS = tuple(name for name, spec in DEFAULT_PLATFORMS.items() if spec.default)


@dataclass
class RunOptions:
    """Everything that shapes a run's drafts (and so its fingerprint)."""

    brand: str
    platforms: tuple[str, ...] = DEFAULT_RUN_PLATFORMS
    engine: str = "extractive"
    model: str | None = None
    base_url: str | None = None
    variants: int = 1
    force: bool = False
    workers: int = 1
    out: Path = Path("out")
    images: bool = False  # quote cards and a LinkedIn carousel for the text drafts
    reel_layout: str = "center"  # center, face, blur


class PillarStatus(StrEnum):
    OK = "ok"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass
class PillarResult:
    path: Path
    status: PillarStatus
    output: Path | None = None
    error: str = ""
    drafts: int = 0
    problems: int = 0
    warnings: list[str] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=dict)
    items: list[Draft] = field(default_factory=list)  # the drafts themselves, in memory
    skipped: list[str] = field(default_factory=list)  # "tiktok (no standalone sentence under 100 characters)"

    @property
    def summary(self) -> str:
        """The status as the summary prints it: 'ok, 2 platforms skipped: tiktok (…), x (…)'."""
        if not self.skipped or not self.ok:
            return str(self.status)
        n = len(self.skipped)
        return f"{self.status}, {n} platform{'s' if n > 1 else ''} skipped: {', '.join(self.skipped)}"

    @property
    def ok(self) -> bool:
        return self.status is not PillarStatus.FAILED

    @property
    def defects(self) -> dict[str, int]:
        """How many of this pillar's drafts have each rubric code."""
        return dict(count_codes(d.score for d in self.items))

    @property
    def across(self) -> list[str]:
        """What the checks between this pillar's drafts found (the same hook, a cloned variant)."""
        return across_drafts(self.items)


def repurpose(pillar: Pillar, brand: BrandVoice, specs: list[PlatformSpec], engine: Engine,
              variants: int = 1, media_dir: Path | None = None, images: bool = False,
              reel_layout: str = "center", notes: list[str] | None = None,
              progress: Callable[[str], None] | None = None) -> list[Draft]:
    """Drafts for every platform (and variant) of one pillar; the brief is extracted once.

    With `media_dir`: a video pillar gets vertical clips for the video platforms (one draft per clip, the
    clip as its media), and with `images` the text drafts get quote cards and LinkedIn a carousel.
    """
    said = len(getattr(engine, "notes", []))
    brief = engine.brief(pillar)
    if notes is not None:  # what the engine had to say of the brief (the LLM's fell back to the offline one)
        notes.extend(getattr(engine, "notes", [])[said:])
    start_run = getattr(engine, "start_run", None)
    if callable(start_run):
        start_run(pillar, brand)  # the openings a run has used start empty: the same input, the same drafts
    made: dict[int, list[Draft]] = {}
    skipped: dict[int, str] = {}  # a platform stops at its first skip: one note each
    count = 0
    # an engine whose run claims openings (`threads_first`) drafts the thread first: it needs the pillar's
    # one list or "how to" most; the drafts and notes still come out in the order of `specs`
    first = bool(getattr(engine, "threads_first", False))
    order = sorted(range(len(specs)), key=lambda i: first and not specs[i].is_thread)
    reels = {k for k in order if media_dir is not None and pillar.video_path is not None and specs[k].clips}
    for k in order:
        if k in reels and media_dir is not None:
            if progress is not None:
                progress(specs[k].name)
            made[k] = _reel_drafts(pillar, brief, brand, specs[k], engine, max(variants, 3), media_dir, reel_layout,
                                   notes)
            count += len(made[k])
    # every platform's first draft before any platform's second: a pillar with few ideas gives each platform one,
    # not two to the platforms drafted first and none to the last
    parallel = getattr(engine, "concurrency", None)
    if parallel is not None:  # an engine that waits on a server: every request goes out at once
        _draft_concurrently(pillar, brief, brand, specs, engine, variants, order, reels, made, skipped,
                            int(parallel), progress, count)
    else:
        for v in range(variants):
            for k in order:
                spec = specs[k]
                if k in reels or k in skipped:
                    continue  # a platform with nothing left for one variant has nothing for the next
                if progress is not None and v == 0:
                    progress(spec.name)
                # the brand's value/promotion mix holds over the run: every n-th draft promotes
                promotional = is_promotional(count, brand.mix.promotion)
                try:
                    made.setdefault(k, []).append(engine.draft(pillar, brief, brand, spec, variant=v,
                                                               promotional=promotional))
                except NoDraft as skip:
                    skipped[k] = (f"{SKIPPED_NOTE} {spec.name}" + (f" variant {v + 1}" if v else "")
                                  + f" ({skip.reason})")
                    continue
                count += 1
    drafts: list[Draft] = []
    choices: list[tuple[int, int]] = []  # where each platform's variants are, to order them once scored
    for k in range(len(specs)):
        if notes is not None and k in skipped:
            notes.append(skipped[k])
        options = made.get(k, [])
        if options and k not in reels:
            choices.append((len(drafts), len(drafts) + len(options)))
        drafts.extend(options)
    score_together(drafts, pillar, brand, {s.name: s for s in specs})
    for start, end in choices:
        # best variant first: the scorer picks, the editor sees the alternatives after it
        drafts[start:end] = sorted(drafts[start:end], key=lambda d: -(d.score or {}).get("overall", 0))
    if media_dir is not None and images:
        _attach_images(pillar, brief, brand, drafts, {s.name: s for s in specs}, media_dir)
    return drafts


def _draft_concurrently(pillar: Pillar, brief: Any, brand: BrandVoice, specs: list[PlatformSpec], engine: Engine,
                        variants: int, order: list[int], reels: set[int], made: dict[int, list[Draft]],
                        skipped: dict[int, str], parallel: int, progress: Callable[[str], None] | None,
                        count: int) -> None:
    """`repurpose`'s drafting loop for an engine with `concurrency`: the same drafts in the same order, each
    platform's variants independent of one another, every request in flight at once (the engine's gate holds
    the server's limits). `count` drafts (reels) came before: the brand's promotion mix goes on from there."""
    jobs = [(v, k) for v in range(variants) for k in order if k not in reels]
    promotional = {job: is_promotional(count + n, brand.mix.promotion) for n, job in enumerate(jobs)}
    # an engine may draft several platforms in one request (`LLMEngine.together`): a variant's jobs in batches
    together, draft_together = getattr(engine, "together", None), getattr(engine, "draft_together", None)
    batches: list[list[tuple[int, int]]] = []
    for v in range(variants):
        ks = [k for k in order if k not in reels]
        groups = (together([specs[k] for k in ks]) if callable(together) and callable(draft_together)
                  else [[i] for i in range(len(ks))])
        batches += [[(v, ks[i]) for i in group] for group in groups]

    def one(batch: list[tuple[int, int]]) -> list[Draft | NoDraft]:
        if len(batch) > 1 and callable(draft_together):
            drafted: list[Draft | NoDraft] = draft_together(
                pillar, brief, brand, [specs[k] for _, k in batch], variant=batch[0][0],
                promotional=[promotional[job] for job in batch])
            return drafted
        (v, k), = batch
        try:
            return [engine.draft(pillar, brief, brand, specs[k], variant=v, promotional=promotional[(v, k)])]
        except NoDraft as skip:
            return [skip]

    with ThreadPoolExecutor(max_workers=min(parallel, max(len(batches), 1))) as pool:
        if progress is not None:
            for k in order:
                if k not in reels:
                    progress(specs[k].name)
        results = {job: result for batch, drafted in zip(batches, pool.map(one, batches), strict=True)
                   for job, result in zip(batch, drafted, strict=True)}
    for v, k in jobs:
        result = results[(v, k)]
        if isinstance(result, NoDraft):
            skipped.setdefault(k, f"{SKIPPED_NOTE} {specs[k].name}" + (f" variant {v + 1}" if v else "")
                               + f" ({result.reason})")
        else:
            made.setdefault(k, []).append(result)


def score_together(drafts: list[Draft], pillar: Pillar, brand: BrandVoice, specs: dict[str, PlatformSpec]) -> None:
    """Score the drafts of one pillar for one brand as a set (`score_set`): each with the checks against the
    pillar, and the checks between them (the same hook on several platforms, a variant that clones another).
    What else a draft's score holds (a clip's timing) is kept."""
    for draft, result in zip(drafts, score_set(drafts, brand, specs, pillar=pillar), strict=True):
        kept = {k: v for k, v in (draft.score or {}).items() if k == "clip"}
        draft.score = {**result.to_dict(), **kept}


def _reel_drafts(pillar: Pillar, brief: Any, brand: BrandVoice, spec: PlatformSpec, engine: Engine, count: int,
                 media_dir: Path, layout: str, notes: list[str] | None) -> list[Draft]:
    """One draft per clip: the caption is written from the clip's own sentences."""
    from .brief import Brief, BriefItem
    from .drafts import MediaAsset
    from .media.reels import make_reels

    if pillar.video_path is None:  # the caller asks for reels only when the pillar has a video
        raise TypeError("reel drafts need a pillar with a video")
    drafts = []
    reels = make_reels(pillar.video_path, media_dir, spec, count=count, pillar=pillar, layout=layout)
    if not reels and notes is not None:
        longest = min(spec.video.max_seconds, 60) if spec.video else 60
        notes.append(f"{spec.label}: no clip of 15-{longest:g} s fits this "
                     f"talk ({pillar.duration or 0:.0f} s of transcript); no {spec.name} drafts")
    for n, reel in enumerate(reels):
        if reel.video is None:
            if notes is not None:
                notes.append(f"{spec.label} clip {n + 1} skipped: {reel.skipped}")
            continue
        items = [BriefItem(s.text, s.id) for s in reel.clip.sentences]
        clip_brief = Brief(pillar.content_hash, brief.headline, key_points=items[1:], hooks=items[:1],
                           keywords=brief.keywords, scope=list(reel.clip.sentence_ids))
        try:
            draft = engine.draft(pillar, clip_brief, brand, spec, variant=n, promotional=False)
        except NoDraft as skip:
            if notes is not None:
                notes.append(f"{spec.label} clip {n + 1} skipped: {skip.reason}")
            continue
        duration = reel.clip.end - reel.clip.start
        draft.media = [MediaAsset("reel", str(reel.video), alt_text=f"Vertical clip, {duration:.0f} s, captioned: "
                                  f"{reel.clip.text[:300]}", width=spec.video.width if spec.video else None,
                                  height=spec.video.height if spec.video else None, duration=round(duration, 2))]
        if reel.poster:
            draft.media.append(MediaAsset("poster", str(reel.poster), alt_text="Poster frame of the clip"))
        if reel.srt:
            draft.media.append(MediaAsset("captions", str(reel.srt)))
        draft.problems += [Problem("video", p, "media") for p in reel.problems]
        draft.provenance.source_sentence_ids = reel.clip.sentence_ids
        # scored with the run's other drafts (`score_together`); the clip's own numbers stay beside that
        draft.score = {"clip": {"start": reel.clip.start, "end": reel.clip.end, "score": reel.clip.score,
                                "reasons": reel.clip.reasons}}
        drafts.append(draft)
    return drafts


def _attach_images(pillar: Pillar, brief: Any, brand: BrandVoice, drafts: list[Draft], specs: dict[str, PlatformSpec],
                   media_dir: Path) -> None:
    from .drafts import MediaAsset
    from .media.images import carousel, quote_card

    quote = next((q.text for q in brief.quotes + brief.key_points if len(q.text) <= 220), None)
    cards: dict[str, Any] = {}
    for d in drafts:
        size = specs[d.platform].card
        if size is None or quote is None or any(m.kind == "reel" for m in d.media):
            continue
        if size.name not in cards:
            cards[size.name] = quote_card(quote, media_dir / f"{pillar.stem}-quote-{size.name}.png", size, brand)
        card = cards[size.name]
        d.media.append(MediaAsset("image", str(card.path), card.alt_text, card.width, card.height))
        if specs[d.platform].carousel and brief.key_points:
            if "carousel" not in cards:
                closing = next((t for o in brand.ctas.values() for t in o.texts), None)
                cards["carousel"] = carousel(pillar.title, [k.text for k in brief.key_points[:6]], media_dir,
                                             pillar.stem, brand, closing)
            _, pdf = cards["carousel"]
            d.media.append(MediaAsset("pdf", str(pdf.path), pdf.alt_text, pdf.width, pdf.height))


def _fingerprint(pillar: Pillar, brand: BrandVoice, specs: list[PlatformSpec], options: RunOptions) -> str:
    brand_bytes = Path(brand.source_path).read_bytes() if brand.source_path else b""
    key = {
        "pillar": pillar.content_hash,
        "brand": hashlib.sha256(brand_bytes).hexdigest(),
        "platforms": [s.model_dump(mode="json") for s in specs],
        "engine": options.engine, "model": options.model, "base_url": redact_url(options.base_url),
        "variants": options.variants, "version": version("workbench"), "images": options.images,
        "layout": options.reel_layout,
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def skipped_platforms(notes: list[str]) -> list[str]:
    """The notes that say a platform got no draft, as 'tiktok (why)'."""
    return [n[len(SKIPPED_NOTE):].strip() for n in notes if n.startswith(SKIPPED_NOTE)]


def review_sheet(pillar: Pillar, drafts: list[Draft], specs: dict[str, PlatformSpec], brand: BrandVoice,
                 skipped: list[str] | None = None) -> str:
    """drafts.md: every draft with its counts against the limits and its problems, for a person to read."""
    lines = [f"# {pillar.title}", "", f"Source: `{pillar.path}` · brand: {brand.name} · "
             f"engine: {drafts[0].provenance.engine if drafts else '-'} · {len(drafts)} drafts", "",
             f"Defects (drafts per code): {format_counts(count_codes(d.score for d in drafts))}", ""]
    if skipped:
        lines.extend([f"Skipped (no draft): {', '.join(skipped)}", ""])
    across = across_drafts(drafts)
    if across:
        lines.extend([*(f"- across drafts: {line}" for line in across), ""])
    for d in drafts:
        spec = specs[d.platform]
        status = "ok" if not d.problems else f"{len(d.problems)} problem(s)"
        lines.append(f"## {spec.label}" + (f" (variant {d.variant + 1})" if d.variant else "") + f" — {status}")
        lines.append("")
        if d.score:
            lines.append(headline(d.score))
            lines.extend(f"- {r['points']} {r['message']}" for r in deductions(d.score)
                         if r.get("component") != "content")  # the defects follow, with their words and fix
            lines.append("")
            notes = defect_notes(d.score, d.text)
            if notes:
                lines.append(f"Defects ({len(notes)}):")
                lines.extend(f"- **{n.code.value}**" + (" (blocking)" if n.blocking else "")
                             + (f" “{n.quote}”" if n.quote else "") + f": {n.message}"
                             + (f" Fix: {n.fix}" if n.fix else "") for n in notes)
                lines.append("")
        if d.title:
            lines.append(f"**Title** ({len(d.title)}/{spec.title_limit}): {d.title}")
            lines.append("")
        for i, part in enumerate(d.parts, 1):
            label = f"Post {i}/{len(d.parts)}: " if len(d.parts) > 1 else ""
            lines.append(f"_{label}{spec.length(part)}/{spec.limit} ({spec.counting.value})_")
            lines.append("")
            lines.extend(f"> {line}" if line else ">" for line in part.split("\n"))
            lines.append("")
        if d.cta:
            lines.append(f"CTA: {d.cta.kind}" + (f" → {d.cta.url}" if d.cta.url else ""))
        for p in d.problems:
            lines.append(f"- **{p.code}** {('[' + p.where + '] ') if p.where else ''}{p.message}")
        lines.append("")
    return "\n".join(lines)


@dataclass
class PillarDrafts:
    """What a worker sends back: the drafts in memory, and what the caller needs to write and report."""

    path: Path
    target: Path
    status: PillarStatus
    drafts: list[Draft] = field(default_factory=list)
    fingerprint: str = ""
    review_sheet: str = ""
    notes: list[str] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=dict)
    error: str = ""


def draft_pillar(path: Path, options: RunOptions, settings: Settings, target: Path) -> PillarDrafts:
    """One pillar into drafts, in memory; a pillar whose fingerprint is unchanged comes back from its
    drafts.json. Runs on any worker: it writes media (clips, cards) under `target` and nothing else."""
    pillar = load_pillar(path, max_bytes=settings.get("max_pillar_bytes"))
    brand = load_brand(options.brand, settings.workspace)
    specs = [settings.platform(name) for name in options.platforms]
    fingerprint = _fingerprint(pillar, brand, specs, options)
    notes = list(pillar.warnings)
    if not options.force:
        previous, usage, damage = _previous_drafts(target, fingerprint)
        if previous is not None:
            return PillarDrafts(path, target, PillarStatus.UNCHANGED, previous, fingerprint, usage=usage)
        if damage:
            notes.append(f"{damage}; drafted again")
    engine = get_engine(options.engine, model=options.model, base_url=options.base_url, settings=settings)
    drafts = repurpose(pillar, brand, specs, engine, options.variants, media_dir=target / "media",
                       images=options.images, reel_layout=options.reel_layout, notes=notes)
    usage = engine.usage.to_dict() if hasattr(engine, "usage") else {}
    sheet = review_sheet(pillar, drafts, {s.name: s for s in specs}, brand, skipped_platforms(notes))
    return PillarDrafts(path, target, PillarStatus.OK, drafts, fingerprint, sheet, notes, usage)


def _previous_drafts(target: Path, fingerprint: str) -> tuple[list[Draft] | None, dict[str, int], str]:
    """The drafts a previous run wrote for this fingerprint, when all its outputs read back whole.

    A run stopped part-way (or a copy cut off) leaves outputs that do not parse: that is "run again",
    never "unchanged". Returns (drafts or None, usage, what was damaged: empty when nothing was)."""
    manifest, drafts_json = target / "manifest.json", target / "drafts.json"
    if not manifest.is_file():
        return None, {}, ""  # never run, or cut short before the manifest (written last)
    try:
        previous = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, {}, f"{manifest} was cut off or is damaged"
    if not isinstance(previous, dict) or not isinstance(previous.get("drafts"), int):
        return None, {}, f"{manifest} is not a manifest this program wrote"
    if previous.get("fingerprint") != fingerprint:
        return None, {}, ""
    try:
        saved = json.loads(drafts_json.read_text(encoding="utf-8"))
        if not isinstance(saved, list) or len(saved) != previous["drafts"]:
            raise ValueError("not the drafts the manifest counts")
        drafts = [Draft.from_dict(d) for d in saved]
        if not (target / "drafts.md").is_file():
            raise ValueError("drafts.md is missing")
    except Exception:  # whatever is wrong with the saved drafts, drafting again is the answer
        return None, {}, f"{drafts_json} was cut off or does not match its manifest"
    usage = previous.get("usage")
    return drafts, usage if isinstance(usage, dict) else {}, ""


def write_outputs(made: PillarDrafts) -> PillarResult:
    """drafts.json, drafts.md and manifest.json for a pillar, each written atomically (the caller's side)."""
    problems = sum(len(d.problems) for d in made.drafts)
    if made.status is PillarStatus.OK:
        write_atomic(made.target / "drafts.json",
                     json.dumps([d.to_dict() for d in made.drafts], indent=2, ensure_ascii=False))
        write_atomic(made.target / "drafts.md", made.review_sheet)
        # the manifest goes last: a run cut short before it is redone, never taken as unchanged
        write_atomic(made.target / "manifest.json",
                     json.dumps({"fingerprint": made.fingerprint, "pillar": str(made.path), "drafts": len(made.drafts),
                                 "problems": problems, "usage": made.usage,
                                 "defects": dict(count_codes(d.score for d in made.drafts)),
                                 "skipped": skipped_platforms(made.notes),
                                 "across_drafts": across_drafts(made.drafts)}, indent=2))
    return PillarResult(made.path, made.status, made.target, drafts=len(made.drafts), problems=problems,
                        warnings=made.notes, usage=made.usage, items=made.drafts,
                        skipped=skipped_platforms(made.notes))


def run_one(path: Path, options: RunOptions, settings: Settings, target: Path | None = None) -> PillarResult:
    """One pillar, drafted and written here."""
    return write_outputs(draft_pillar(path, options, settings, target or options.out / _folder_name(path.stem)))


def estimate_batch(paths: list[Path], options: RunOptions, settings: Settings) -> list[dict[str, object]]:
    """--dry-run: what an LLM run would cost, counted with tiktoken; nothing is sent."""
    from .engines.llm import LLMEngine

    if options.engine != "llm":
        raise WorkbenchError("--dry-run estimates the LLM engine's tokens; the extractive engine uses none.",
                             field="--dry-run", fix="add --engine llm --model M.")
    # counting needs no key: nothing is sent
    engine = get_engine("llm", model=options.model, base_url=options.base_url, settings=settings,
                        api_key="dry-run")
    if not isinstance(engine, LLMEngine):
        raise WorkbenchError("--dry-run estimates the LLM engine's tokens; the extractive engine uses none.",
                             field="--dry-run", fix="add --engine llm --model M.")
    brand = load_brand(options.brand, settings.workspace)
    specs = [settings.platform(name) for name in options.platforms]
    rows: list[dict[str, object]] = []
    for path in iter_pillar_files(list(paths)):
        try:
            pillar = load_pillar(path, max_bytes=settings.get("max_pillar_bytes"))
        except WorkbenchError as exc:
            rows.append({"pillar": str(path), "error": str(exc)})
            continue
        rows.append({"pillar": str(path), **engine.estimate(pillar, brand, specs, options.variants)})
    return rows


def _folder_name(name: str) -> str:
    """A folder name that stays inside --out: no leading dots (a pillar `...md` has the stem `..`)."""
    return name.strip().lstrip(".").strip() or "pillar"


def _targets(files: list[Path], out: Path) -> dict[Path, Path]:
    """A folder of its own under `out` for every pillar, the same for the same files every run: OUT/<stem>;
    where names collide (case aside: some file systems ignore it) OUT/<parent>-<stem>, then with the file
    type added (<parent>-<stem>-<suffix>), then a counter."""
    def parent(f: Path) -> str:
        return f.absolute().parent.name

    levels: list[Callable[[Path], str]] = [
        lambda f: f.stem,
        lambda f: f"{parent(f)}-{f.stem}" if parent(f) else f.stem,
        lambda f: f"{parent(f)}-{f.stem}-{f.suffix.lstrip('.').lower()}" if f.suffix else f"{parent(f)}-{f.stem}",
    ]
    names: dict[Path, str] = {}
    taken: set[str] = set()
    pending = list(files)
    for level in levels:
        wanted = {f: _folder_name(level(f)) for f in pending}
        counts = Counter(name.casefold() for name in wanted.values())
        left = []
        for f in pending:
            key = wanted[f].casefold()
            if counts[key] == 1 and key not in taken:
                names[f] = wanted[f]
                taken.add(key)
            else:
                left.append(f)
        pending = left
    for f in pending:
        base, n = _folder_name(levels[-1](f)), 2
        while f"{base}-{n}".casefold() in taken:
            n += 1
        names[f] = f"{base}-{n}"
        taken.add(names[f].casefold())
    return {f: out / names[f] for f in files}


def _renamed_note(path: Path, target: Path) -> str | None:
    """The note a pillar gets when its output folder is not simply its file name's stem."""
    if target.name == path.stem:
        return None
    why = ("the name would point outside --out" if _folder_name(path.stem) != path.stem
           else "another pillar has the same name")
    return f"output folder is {target} ({why})"


REPORT_BUG = "This is a bug in workbench: please report it with the pillar file and the command you ran."


def failure_message(exc: BaseException, target: Path) -> str:
    """What the summary says for a pillar that failed: the user's error as it is; a file system error with
    the path and a fix; anything else as an internal error to report."""
    if isinstance(exc, WorkbenchError):
        return str(exc)
    if isinstance(exc, OSError):
        blocker = next((p for p in (target, *target.parents) if p.is_file()), None)
        if blocker is not None:
            what = "the output folder" if blocker == target else f"the output folder {target}"
            return str(WorkbenchError(f"a file is in the way of {what}.", path=blocker,
                                      fix="move or rename that file, or choose another --out."))
        where = exc.filename or target
        if exc.errno == errno.ENOSPC:
            fix = "free some disk space (or choose another --out) and run again."
        elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            fix = "check its permissions (or a read-only disk), or choose another --out."
        else:
            fix = "check the path and the disk, and run again."
        return str(WorkbenchError(f"{exc.strerror or exc}.", path=where, fix=fix))
    return f"internal error: {type(exc).__name__}: {exc}. {REPORT_BUG}"


def _reported(exc: BaseException, target: Path, options: RunOptions, settings: Settings) -> str:
    """A failed pillar's summary text, with the API key and URL userinfo redacted (wherever it failed)."""
    secrets = [*settings.secret_values(), *url_secrets(options.base_url)]
    return redact(failure_message(exc, target), secrets)


def _safe_draft(path: Path, options: RunOptions, settings: Settings, target: Path) -> PillarDrafts:
    """Whatever goes wrong with one pillar is a failed row, not a crashed batch (on any worker)."""
    try:
        return draft_pillar(path, options, settings, target)
    except Exception as exc:  # every failure is reported in the summary; the batch goes on
        return PillarDrafts(path, target, PillarStatus.FAILED, error=_reported(exc, target, options, settings))


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C during a batch, after it stopped its work: what was done (`results`) and what was not run."""

    def __init__(self, results: list[PillarResult], not_run: list[Path]) -> None:
        super().__init__(f"interrupted: {len(results)} pillar(s) done, {len(not_run)} not run")
        self.results = results
        self.not_run = not_run


def _worker_signals() -> None:
    """A pool worker leaves Ctrl-C to the batch, which stops it with SIGTERM (raised here as SystemExit, so a
    render in progress kills its ffmpeg and deletes its partial file on the way out)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminated)


def _terminated(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the worker at once
    raise SystemExit(128 + signum)


def _stop_pool(pool: ProcessPoolExecutor, within: float = 1.5) -> None:
    """Cancel what has not started and stop the workers now: a stopped batch must not run on."""
    workers = list((pool._processes or {}).values())  # the pool offers no public way to stop running work
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.terminate()
    deadline = time.monotonic() + within
    for worker in workers:
        worker.join(max(0.0, deadline - time.monotonic()))
    for worker in workers:
        if worker.is_alive():
            worker.kill()
            worker.join(0.5)


def run_batch(paths: list[Path], options: RunOptions, settings: Settings, executor: Executor | None = None,
              progress: Callable[[PillarResult], None] | None = None) -> list[PillarResult]:
    """Every pillar under `paths`, drafted on `executor` (any `concurrent.futures.Executor`: a process pool,
    or a Dask cluster's `Client.get_executor()`), written here as each one comes back.

    Without an executor, `options.workers > 1` uses a local process pool and 1 runs in this process; with the
    LLM engine, pillars run on `llm.concurrency` threads of this process, sharing the server's limits. Media
    (clips, cards) are written by the workers under `options.out`, so on a cluster `out` must be storage
    every worker can reach. Ctrl-C cancels the work not started, stops a local pool's workers and raises
    `BatchInterrupted` with the pillars done."""
    files = list(dict.fromkeys(iter_pillar_files(list(paths))))
    targets = _targets(files, options.out)
    results: dict[Path, PillarResult] = {}

    def done(made: PillarDrafts) -> None:
        if made.status is PillarStatus.FAILED:
            result = PillarResult(made.path, PillarStatus.FAILED, error=made.error)
        else:
            try:
                result = write_outputs(made)
            except Exception as exc:  # a full disk or a file in the way fails this pillar only
                result = PillarResult(made.path, PillarStatus.FAILED,
                                      error=_reported(exc, made.target, options, settings))
        note = _renamed_note(made.path, made.target)
        if note:
            result.warnings.insert(0, note)
        results[made.path] = result
        if progress is not None:
            progress(result)

    # the LLM engine waits on a server, not on this machine's cores: its pillars go on threads of this process,
    # where every engine shares the server's gate (`llm.concurrency` in flight, `llm.requests_per_second`)
    on_threads = executor is None and options.engine == "llm" and len(files) > 1
    own_pool = executor is None and options.workers > 1 and len(files) > 1 and not on_threads
    pool: Executor | None = executor
    if on_threads:
        pool = ThreadPoolExecutor(max_workers=settings.file.llm.concurrency)
    elif own_pool:
        pool = ProcessPoolExecutor(max_workers=options.workers, initializer=_worker_signals)
    futures: dict[Future[PillarDrafts], Path] = {}
    try:
        if pool is None:
            for f in files:
                done(_safe_draft(f, options, settings, targets[f]))
        else:
            # workers may run elsewhere (another process's cwd, another machine): they get absolute paths
            futures = {pool.submit(_safe_draft, f.absolute(), options, settings, targets[f].absolute()): f
                       for f in files}
            for future in as_completed(futures):
                f = futures[future]
                try:
                    made = future.result()
                except Exception as exc:  # a worker that died or could not send its result back
                    made = PillarDrafts(f, targets[f], PillarStatus.FAILED,
                                        error=_reported(exc, targets[f], options, settings))
                made.path, made.target = f, targets[f]
                done(made)
    except KeyboardInterrupt:
        for future in futures:
            future.cancel()
        if own_pool and isinstance(pool, ProcessPoolExecutor):
            _stop_pool(pool)
        raise BatchInterrupted([results[f] for f in files if f in results],
                               [f for f in files if f not in results]) from None
    finally:
        if (own_pool or on_threads) and pool is not None:
            # after a Ctrl-C a process pool is already stopped, and this returns at once; threads finish the
            # requests they have in flight, and nothing new starts
            pool.shutdown(cancel_futures=True)
    return [results[f] for f in files]


@contextmanager
def on_cluster(address: str) -> Iterator[Executor]:
    """A Dask distributed cluster as an executor (`repurpose --scheduler tcp://HOST:PORT`), closed after use."""
    try:
        from distributed import Client
    except ImportError:
        raise WorkbenchError("running on a Dask cluster needs the 'distributed' package.", field="--scheduler",
                             fix="pip install 'workbench[dask]', or leave out --scheduler.") from None
    try:
        client = Client(address, timeout=10)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as exc:
        raise WorkbenchError(f"cannot reach the Dask scheduler at {address}: {exc}.", field="--scheduler",
                             fix="start it (`dask scheduler`, then `dask worker ADDRESS` on each machine) or check "
                                 "the address.") from None
    try:
        yield client.get_executor(pure=False)  # type: ignore[no-untyped-call]
    finally:
        client.close()  # type: ignore[no-untyped-call]


def defect_counts(results: list[PillarResult]) -> dict[str, int]:
    """Over a batch: how many drafts have each rubric code (pillars written or unchanged)."""
    return dict(count_codes(d.score for r in results if r.ok for d in r.items))


def defect_summary(results: list[PillarResult]) -> list[str]:
    """The batch summary's defect lines: what was found between each pillar's drafts, then the drafts per code
    ('defects: META 12, SAME_HOOK 8')."""
    lines = [f"across drafts: {r.path}: {line}" for r in results if r.ok for line in r.across]
    return [*lines, f"defects (drafts per code): {format_counts(defect_counts(results))}"]


def queue_drafts(queue: Any, drafts: list[Draft], pillar: str, brand: str, author: str = "repurpose",
                 ) -> tuple[int, int]:
    """The one route into the review queue (CLI and widgets): (added, already there)."""
    added = present = 0
    for draft in drafts:
        if queue.add(draft, pillar=pillar, brand=brand, author=author) is None:
            present += 1
        else:
            added += 1
    return added, present


def queue_results(results: list[PillarResult], brand: str, queue: Any) -> tuple[int, int]:
    """Every draft of the successful pillars into the review queue (a draft already there is skipped)."""
    added = present = 0
    for r in results:
        if r.ok:
            a, p = queue_drafts(queue, r.items, str(r.path), brand)
            added, present = added + a, present + p
    return added, present
