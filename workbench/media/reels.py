"""From a talk video to ready-to-post vertical clips: choose moments, caption them, render each in one
ffmpeg pass, check the result against the platform's video spec, and write an .srt and a poster frame."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..brand import BrandVoice
from ..pillar import Pillar, load_pillar
from ..platforms import PlatformSpec, get_platform
from .captions import Line, Word, group_lines, spread_words, write_captions
from .clips import Clip, choose, ranked
from .faces import FaceTrack, detector, track
from .images import title_card
from .transcribe import Word as HeardWord
from .transcribe import words_beside
from .video import MediaError, RenderPlan, audio_energy, check_against, crop_width, poster_frame, probe, render


@dataclass
class Reel:
    clip: Clip
    video: Path | None
    srt: Path | None = None
    poster: Path | None = None
    problems: list[str] = field(default_factory=list)
    skipped: str = ""
    layout: str = "center"
    track: FaceTrack | None = None  # where the crop followed the speaker (face layout)

    def describe_layout(self, asked: str) -> str:
        """The layout as a user reads it: what followed the speaker, or why the frame was not cropped."""
        if self.video is None:
            return ""
        if self.track is not None:
            cuts = len(self.track.shots)
            return (f"face ({self.track.detector}: in {self.track.seen} of {len(self.track.times)} samples"
                    + (f", {cuts} shot change{'s' if cuts != 1 else ''})" if cuts else ")"))
        if asked == "face" and self.layout == "blur":
            return "blur (no face to follow)"
        return self.layout


PAD = 0.15  # seconds a clip keeps before its first word and after its last (never into a neighbouring word)


def snap(clip: Clip, heard: list[HeardWord]) -> Clip:
    """The clip's ends on word boundaries: from just before its first word to just after its last, never inside
    a word (a word the cut would have split is kept whole) and never into the next one."""
    inside = [i for i, w in enumerate(heard) if w.end > clip.start and w.start < clip.end]
    if not inside:
        return clip
    first, last = inside[0], inside[-1]
    start = max(heard[first].start - PAD, heard[first - 1].end if first else 0.0, 0.0)
    end = heard[last].end + PAD
    if last + 1 < len(heard):
        end = min(end, heard[last + 1].start)
    return replace(clip, start=round(start, 3), end=round(max(end, heard[last].end), 3))


def clip_words(clip: Clip, heard: list[HeardWord] | None = None) -> list[Word]:
    """Word times relative to the clip. With the words as the model heard them (`heard`, the clip cut between
    words by `snap`), the transcript's words take their times in order where the two agree word for word;
    otherwise (or with no word times) a cue's time is spread over its words by length."""
    tokens = [t for s in clip.sentences for t in s.text.split()]
    said = [w for w in (heard or []) if w.end > clip.start and w.start < clip.end and w.text.strip()]
    if said and len(said) == len(tokens):  # the transcript's words, in order, at the times they were heard
        return [Word(t, round(w.start - clip.start, 3), round(w.end - clip.start, 3))
                for t, w in zip(tokens, said, strict=True)]
    # no word times, or they do not line up with the transcript's words (it was edited by hand)
    return _spread(clip)


def _spread(clip: Clip) -> list[Word]:
    """Word times relative to the clip; sentences that share a cue share its time span."""
    words: list[Word] = []
    group: list[tuple[str, float, float]] = []  # (text, start, end) of the sentences in one time span

    def flush() -> None:
        if group:
            text = " ".join(t for t, _, _ in group)
            words.extend(Word(w.text, w.start - clip.start, w.end - clip.start)
                         for w in spread_words(text, group[0][1], group[-1][2]))
            group.clear()

    for s in clip.sentences:
        if s.start is None or s.end is None:  # clips are cut from timed (transcript) sentences only
            raise TypeError(f"sentence {s.id!r} in a clip has no start or end time")
        if group and (s.start, s.end) != group[-1][1:] and s.start >= group[-1][2] - 0.01:
            flush()
        group.append((s.text, s.start, s.end))
    flush()
    return words


def candidates_heard(video: Path, pillar: Pillar, min_seconds: float = 15, max_seconds: float = 60) -> list[Clip]:
    """Every candidate clip of a talk scored as `make_reels` scores them (the audio's energy, and the words as
    the model heard them where `workbench transcribe` ran), best first: what the reel timeline draws."""
    info = probe(video)
    return ranked(pillar, min_seconds, max_seconds, audio_energy(video) if info.has_audio else None,
                  words_beside(video))


def make_reels(video: str | Path, out_dir: Path, platform: str | PlatformSpec = "reels", count: int = 3,
               min_seconds: float | None = None, max_seconds: float = 60, transcript: str | Path | None = None,
               layout: str = "center", pillar: Pillar | None = None, captions: bool = True,
               logo: Path | None = None, intro: str | None = None, outro: str | None = None,
               brand: BrandVoice | None = None, face_model: Path | None = None) -> list[Reel]:
    """Clips for `platform`; `intro` / `outro` text becomes a card (Pillow, brand colours) before / after each
    clip, in the same ffmpeg pass. The face layout follows the speaker (`faces.track`; `face_model`: a YuNet
    .onnx file for OpenCV's DNN detector instead of its Haar cascade)."""
    spec = platform if isinstance(platform, PlatformSpec) else get_platform(platform)
    if spec.video is None:
        raise MediaError(f"{spec.label} has no video format.", field="platform",
                         fix="use reels, tiktok, youtube_shorts, linkedin or x.")
    video = Path(video)
    info = probe(video)
    pillar = pillar or load_pillar(video, transcript=transcript)
    if pillar.duration is not None and pillar.duration > info.duration + 2.0:
        raise MediaError(f"the transcript runs to {pillar.duration:.1f} s but the video ends at {info.duration:.1f} s.",
                         path=pillar.transcript_path or video, field="transcript",
                         fix="check that this transcript belongs to this video (or that the video is complete).")
    lo = max(min_seconds if min_seconds is not None else 15.0, spec.video.min_seconds)
    hi = min(max_seconds, spec.video.max_seconds)
    energy = audio_energy(video) if info.has_audio else None
    heard = words_beside(video)  # what `workbench transcribe` heard, word by word, where it ran
    chosen = choose(pillar, count=count, min_seconds=lo, max_seconds=hi, energy=energy, heard=heard)
    if heard:  # a clip the snap would take past the platform's longest keeps its sentence-boundary cut
        chosen = [cut if cut.duration <= hi else clip for clip, cut in ((c, snap(c, heard)) for c in chosen)]
    out_dir.mkdir(parents=True, exist_ok=True)
    size = (spec.video.width, spec.video.height)
    intro_card = title_card(intro, out_dir / f"{pillar.stem}-intro.png", size, brand).path if intro else None
    outro_card = title_card(outro, out_dir / f"{pillar.stem}-outro.png", size, brand).path if outro else None
    faces = detector(face_model) if layout == "face" else None
    width = crop_width(info.height)
    reels = []
    for n, clip in enumerate(chosen, 1):
        end = min(clip.end, info.duration)
        if end - clip.start < spec.video.min_seconds:
            reels.append(Reel(clip, None, skipped=f"{end - clip.start:.1f} s is shorter than {spec.label}'s "
                                                  f"minimum of {spec.video.min_seconds:g} s"))
            continue
        stem = out_dir / f"{pillar.stem}-{spec.name}-{n:02d}"
        ass = srt_path = None
        if captions:
            lines: list[Line] = group_lines(clip_words(clip, heard))
            ass, srt_path = stem.with_suffix(".ass"), stem.with_suffix(".srt")
            write_captions(lines, ass, srt_path, safe_bottom=max(spec.video.safe_bottom, 200))
        chosen_layout, followed = layout, None
        if layout == "face" and width < info.width:
            followed = track(video, clip.start, end, (info.width, info.height), faces, width) if faces else None
            if followed is None:
                chosen_layout = "blur"  # no face found (or no OpenCV): show the whole frame rather than guess
        elif info.width < info.height or layout == "face":
            chosen_layout = "center"  # already upright: nothing to follow sideways
        plan = RenderPlan(source=video, start=clip.start, end=end, output=stem.with_suffix(".mp4"),
                          width=spec.video.width, height=spec.video.height, fps=spec.video.fps,
                          layout=chosen_layout, captions=ass, has_audio=info.has_audio, logo=logo,
                          intro=intro_card, outro=outro_card)
        with tempfile.TemporaryDirectory() as tmp:
            if followed is not None:
                plan.crop_x = followed.at(0.0)
                plan.crop_commands = Path(tmp) / "crop.cmd"
                plan.crop_commands.write_text(followed.commands(info.width, width, spec.video.fps,
                                                                end - clip.start, "crop@face"))
            render(plan)
        out = probe(plan.output)
        reel = Reel(clip, plan.output, srt_path, poster_frame(plan.output, stem.with_suffix(".jpg"), out.duration / 2),
                    check_against(out, spec.video, spec.label), layout=chosen_layout, track=followed)
        if not info.has_audio:
            reel.problems.append("the source has no audio: the clip carries a silent track")
        reels.append(reel)
    return reels

