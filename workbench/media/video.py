"""Video: probe, audio energy, and rendering a vertical clip in one ffmpeg pass.

The ffmpeg binary is the one `imageio-ffmpeg` ships (a fresh machine has no system ffmpeg); that package
ships no ffprobe, so probing reads `ffmpeg -i`'s stream report. Sources are always streamed by ffmpeg:
nothing reads a whole video into Python memory.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import WorkbenchError
from ..platforms import VideoSpec
from ..resources import data_path

PROJECT_FONTS = data_path("fonts")
OUT_W, OUT_H = 1080, 1920


class MediaError(WorkbenchError):
    pass


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    exe: str = imageio_ffmpeg.get_ffmpeg_exe()  # untyped library
    return exe


@dataclass(frozen=True)
class VideoInfo:
    path: Path
    duration: float
    width: int
    height: int
    fps: float
    video_codec: str
    has_audio: bool
    audio_codec: str | None = None
    sample_rate: int | None = None
    pix_fmt: str | None = None
    profile: str | None = None


def ffmpeg_report(path: Path) -> str:
    """What `ffmpeg -i` says of a file (its streams and duration), read by `probe` and by transcription."""
    return subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True,
                          errors="replace", timeout=60).stderr


DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")


def seconds(duration: re.Match[str]) -> float:
    """A `DURATION` match in seconds."""
    h, m, s = duration.groups()
    return int(h) * 3600 + int(m) * 60 + float(s)


def probe(path: str | Path) -> VideoInfo:
    """Streams and duration from `ffmpeg -i`; a file ffmpeg cannot read is a clear MediaError."""
    path = Path(path)
    if not path.exists():
        raise MediaError("video not found.", path=path, fix="check the path.")
    if path.stat().st_size == 0:
        raise MediaError("the video file is empty (0 bytes).", path=path, fix="copy the video again.")
    report = ffmpeg_report(path)
    video = re.search(r"Stream #\S+.*?: Video: (\w+)(?: \((\w[\w ]*?)\))?.*?(?:, (\w+)\(.*?\))?, (\d+)x(\d+)", report)
    duration = DURATION.search(report)
    audio_only = re.search(r"Stream #\S+.*?: Audio: (\w+)", report)
    if video is None and audio_only and duration and "moov atom not found" not in report:
        raise MediaError(f"the file has no video stream, only audio ({audio_only.group(1)}).", path=path,
                         fix="use the video itself (an .m4a or an audio-only .mp4 has no picture to cut).")
    if "moov atom not found" in report or "Invalid data found" in report or video is None or duration is None:
        with path.open("rb") as fh:
            starts_like_mp4 = fh.read(12)[4:8] == b"ftyp"
        truncated = "moov atom not found" in report and starts_like_mp4
        reason = "truncated (its index is missing)" if truncated else "not a readable video"
        raise MediaError(f"the file is {reason}.", path=path,
                         fix="re-export or re-download the video; a copy that stopped part-way cannot be cut.")
    fps = re.search(r"(\d+(?:\.\d+)?) fps", report)
    audio = re.search(r"Stream #\S+.*?: Audio: (\w+).*?, (\d+) Hz", report)
    pix = re.search(r"Video: \w+.*?, (yuv\w+|rgb\w+|gray\w*|nv12)", report)
    return VideoInfo(path=path, duration=seconds(duration), width=int(video.group(4)),
                     height=int(video.group(5)), fps=float(fps.group(1)) if fps else 0.0,
                     video_codec=video.group(1), has_audio=audio is not None,
                     audio_codec=audio.group(1) if audio else None,
                     sample_rate=int(audio.group(2)) if audio else None,
                     pix_fmt=pix.group(1) if pix else None, profile=video.group(2))


def audio_energy(path: str | Path, seconds: float | None = None, rate: int = 8000) -> np.ndarray:
    """Loudness per second (dBFS of the RMS), decoded in a stream at 8 kHz mono: an hour is 3,600 floats."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(path), "-vn", "-ac", "1", "-ar", str(rate),
           "-f", "s16le", "-"]
    if seconds:
        cmd[5:5] = ["-t", f"{seconds:.3f}"]
    values: list[float] = []
    chunk = rate * 2  # one second of 16-bit samples
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as proc:
        assert proc.stdout is not None
        while True:
            data = proc.stdout.read(chunk)
            if not data:
                break
            samples = np.frombuffer(data[: len(data) // 2 * 2], dtype=np.int16).astype(np.float32) / 32768.0
            rms = float(np.sqrt(np.mean(samples * samples))) if samples.size else 0.0
            values.append(20 * np.log10(max(rms, 1e-6)))
    return np.array(values, dtype=np.float32)


# ---------------------------------------------------------------------------------------------

def crop_width(height: int) -> int:
    """The width of the 9:16 slice of a frame `height` tall, even, as the render's crop takes it
    (`trunc(ih*9/16/2)*2` in its filter)."""
    return int(height * 9 / 16 / 2) * 2


@dataclass
class RenderPlan:
    """Everything one clip's ffmpeg call needs; `command()` is that call."""

    source: Path
    start: float
    end: float
    output: Path
    width: int = OUT_W
    height: int = OUT_H
    fps: int = 30
    layout: str = "center"  # center, face, blur
    crop_x: float | None = None  # centre of the crop as a fraction of the source width (face layout)
    crop_commands: Path | None = None  # `sendcmd` lines that move the crop as the speaker moves (`faces.track`)
    captions: Path | None = None
    fonts_dir: Path = PROJECT_FONTS
    loudness: float = -14.0
    has_audio: bool = True
    logo: Path | None = None
    crf: int = 20
    preset: str = "veryfast"
    extra_video_filters: list[str] = field(default_factory=list)
    intro: Path | None = None  # still images (Pillow cards) shown before / after the clip, same pass
    outro: Path | None = None
    card_seconds: float = 1.5

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def total(self) -> float:
        cards = sum(1 for c in (self.intro, self.outro) if c is not None)
        return self.duration + cards * self.card_seconds

    def video_filter(self) -> str:
        w, h = self.width, self.height
        if self.layout == "blur":
            # the whole frame in the middle over a blurred, zoomed copy of itself
            chain = (f"[0:v]split[bgsrc][fgsrc];[bgsrc]scale={w}:{h}:force_original_aspect_ratio=increase,"
                     f"crop={w}:{h},boxblur=20:2[bg];[fgsrc]scale={w}:-2[fg];[bg][fg]overlay=(W-w)/2:(H-h)/2")
        else:
            centre = 0.5 if self.crop_x is None else min(max(self.crop_x, 0.0), 1.0)
            # crop width: the 9:16 slice of the source height, even; x clamped to the frame
            cw = "trunc(ih*9/16/2)*2"
            x = f"trunc(max(0\\,min(iw-{cw}\\,iw*{centre:.4f}-{cw}/2))/2)*2"
            moves = f"sendcmd=f={filter_path(self.crop_commands)}," if self.crop_commands is not None else ""
            chain = f"[0:v]{moves}crop@face={cw}:ih:{x}:0,scale={w}:{h}"
        chain += f",setsar=1,fps={self.fps}"
        for extra in self.extra_video_filters:
            chain += f",{extra}"
        if self.captions is not None:
            chain += f",ass={filter_path(self.captions)}:fontsdir={filter_path(self.fonts_dir)}"
        if self.logo is not None:
            # a PNG logo is full-range RGB: bring the result back to TV range, or players get yuvj420p
            chain += (f"[base];movie={filter_path(self.logo)},scale=180:-1[logo];[base][logo]overlay=W-w-40:60,"
                      "scale=out_range=tv")
        return chain + ",format=yuv420p[v]"

    def _cards(self, first_input: int) -> tuple[list[str], str, str]:
        """Inputs and filters that wrap the clip in intro / outro cards, then concatenate, in the same pass."""
        inputs, graph, segments = [], "", []
        index = first_input
        for name, card in (("intro", self.intro), ("outro", self.outro)):
            if card is None:
                continue
            inputs += ["-loop", "1", "-framerate", str(self.fps), "-t", f"{self.card_seconds:.3f}", "-i", str(card)]
            graph += (f";[{index}:v]scale={self.width}:{self.height},setsar=1,fps={self.fps},format=yuv420p,"
                      f"scale=out_range=tv[{name}v];anullsrc=r=48000:cl=stereo,atrim=duration={self.card_seconds:.3f}"
                      f"[{name}a]")
            segments.append(name)
            index += 1
        order = (["[introv][introa]"] if "intro" in segments else []) + ["[v][a]"] + \
                (["[outrov][outroa]"] if "outro" in segments else [])
        graph += f";{''.join(order)}concat=n={len(order)}:v=1:a=1[vout][aout]"
        return inputs, graph, "[vout]"

    def command(self) -> list[str]:
        cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
               "-ss", f"{self.start:.3f}", "-t", f"{self.duration:.3f}", "-i", str(self.source)]
        if self.has_audio:
            audio = (f"[0:a]loudnorm=I={self.loudness}:TP=-1.5:LRA=11,aresample=48000,"
                     "aformat=channel_layouts=stereo[a]")
        else:
            # a silent track: players and platforms expect one
            cmd += ["-f", "lavfi", "-t", f"{self.duration:.3f}",
                    "-i", "anullsrc=channel_layout=stereo:sample_rate=48000"]
            audio = "[1:a]anull[a]"
        graph, video_out, audio_out = f"{self.video_filter()};{audio}", "[v]", "[a]"
        if self.intro is not None or self.outro is not None:
            inputs, extra, video_out = self._cards(1 if self.has_audio else 2)
            cmd += inputs
            graph += extra
            audio_out = "[aout]"
        cmd += ["-filter_complex", graph, "-map", video_out, "-map", audio_out,
                "-c:v", "libx264", "-profile:v", "high", "-preset", self.preset, "-crf", str(self.crf),
                "-pix_fmt", "yuv420p", "-r", str(self.fps), "-c:a", "aac", "-b:a", "160k", "-ar", "48000",
                "-movflags", "+faststart", "-t", f"{self.total:.3f}", str(self.output)]
        return cmd


def filter_path(path: Path) -> str:
    """A path inside an ffmpeg filter graph: quote the characters the graph parser treats specially."""
    return str(path).replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'").replace(",", "\\,")


def run_ffmpeg(cmd: list[str], what: str, path: Path) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-3:]
        raise MediaError(f"ffmpeg could not {what}: {' | '.join(tail)[:400]}", path=path,
                         fix=f"run it by hand to see the whole error: {shlex.join(cmd)[:200]}...")


@contextmanager
def _into_place(output: Path) -> Iterator[Path]:
    """A temporary name beside `output` for ffmpeg to write (hidden, same suffix: ffmpeg picks its format by
    it), renamed to `output` when the block succeeds and deleted on any failure or Ctrl-C: a render that
    stopped part-way never leaves a partial file under the real name."""
    partial = output.with_name(f".{output.stem}.{os.getpid()}.partial{output.suffix}")
    try:
        yield partial
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)


def render(plan: RenderPlan) -> Path:
    plan.output.parent.mkdir(parents=True, exist_ok=True)
    with _into_place(plan.output) as partial:
        run_ffmpeg(replace(plan, output=partial).command(), "cut the clip", plan.source)
    return plan.output


def poster_frame(video: Path, output: Path, at: float) -> Path:
    with _into_place(output) as partial:
        run_ffmpeg([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-ss", f"{at:.3f}", "-i", str(video),
                    "-frames:v", "1", "-q:v", "3", str(partial)], "take a poster frame", video)
    return output


def integrated_loudness(video: Path) -> float:
    """EBU R128 integrated loudness (LUFS) of a file's audio."""
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(video), "-af", "ebur128=framelog=quiet",
                           "-f", "null", "-"], capture_output=True, text=True, errors="replace")
    found = re.findall(r"I:\s+(-?\d+(?:\.\d+)?) LUFS", proc.stderr)
    return float(found[-1]) if found else float("nan")


def check_against(info: VideoInfo, spec: VideoSpec, label: str) -> list[str]:
    """What a rendered file gets wrong for a platform's video spec (empty: it fits)."""
    problems = []
    if (info.width, info.height) != (spec.width, spec.height):
        problems.append(f"{info.width}x{info.height}; {label} wants {spec.width}x{spec.height}")
    if not spec.min_seconds - 0.05 <= info.duration <= spec.max_seconds + 0.05:
        problems.append(f"{info.duration:.1f} s; {label} takes {spec.min_seconds:g}-{spec.max_seconds:g} s")
    if abs(info.fps - spec.fps) > 0.5:
        problems.append(f"{info.fps:g} fps; {label} wants {spec.fps}")
    if info.video_codec != "h264" or info.pix_fmt != "yuv420p":
        problems.append(f"{info.video_codec}/{info.pix_fmt}; {label} wants h264/yuv420p")
    if not info.has_audio or info.audio_codec != "aac":
        problems.append(f"audio {info.audio_codec or 'missing'}; {label} wants AAC")
    return problems
