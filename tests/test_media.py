"""Reels and images, on small fixtures generated with ffmpeg's lavfi sources; outputs checked with ffmpeg."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw

from workbench.brand import load_brand
from workbench.cli import main, repurpose_cmd
from workbench.media.captions import Word, ass_document, group_lines, spread_words, write_captions
from workbench.media.clips import Clip, candidates, choose, score_clip, topic_boundaries
from workbench.media.images import card_sizes, carousel, fit_text, quote_card
from workbench.media.reels import make_reels
from workbench.media.video import MediaError, RenderPlan, ffmpeg_exe, integrated_loudness, probe, render
from workbench.pillar import load_pillar
from workbench.platforms import PlatformSpec, VideoSpec, get_platform

LINES = ["Did you know it takes 23 minutes to refocus after an interruption?",
         "That is why batching matters so much for small teams.",
         "We plan a whole month of posts in one afternoon.",
         "So the week stays free for real conversations with customers.",
         "Here is the biggest mistake we see in analytics reports.",
         "Teams measure likes instead of saves and shares.",
         "A save means the post was useful to someone.",
         "Thanks for watching and see you next week."]


def make_video(path: Path, seconds: float, audio: bool = True, size: str = "320x180") -> Path:
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
           f"testsrc2=size={size}:rate=30"]
    if audio:
        cmd += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]
    cmd += ["-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    cmd += ["-c:a", "aac"] if audio else []
    subprocess.run(cmd + [str(path)], check=True)
    return path


def write_srt(path: Path, lines: list[str], cue: float = 2.5, start: float = 0.0) -> Path:
    def ts(x: float) -> str:
        ms = int(round(x * 1000))
        return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"
    blocks = [f"{i + 1}\n{ts(start + i * cue)} --> {ts(start + (i + 1) * cue)}\n{t}\n" for i, t in enumerate(lines)]
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def talk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("talk")
    video = make_video(folder / "talk.mp4", 20)
    write_srt(folder / "talk.srt", LINES)
    return video


@pytest.fixture(scope="module")
def reels(talk: Path, tmp_path_factory: pytest.TempPathFactory) -> list:
    return make_reels(talk, tmp_path_factory.mktemp("out"), "reels", count=2, min_seconds=4, max_seconds=6)


def test_probe_reads_streams(talk: Path) -> None:
    info = probe(talk)
    assert (info.width, info.height, info.fps, info.video_codec, info.has_audio) == (320, 180, 30.0, "h264", True)
    assert abs(info.duration - 20) < 0.1 and info.sample_rate == 48000


def test_corrupt_and_truncated_videos_get_a_clear_error(talk: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00\x01not a video" * 500)
    with pytest.raises(MediaError, match="not a readable video.*re-export"):
        probe(junk)
    data = talk.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])  # the index (moov) sits at the end: a half download has none
    with pytest.raises(MediaError, match="truncated"):
        probe(cut)
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(MediaError, match="empty"):
        probe(empty)


def test_word_times_and_caption_lines() -> None:
    words = spread_words("It takes twenty three minutes", 10.0, 13.0)
    assert words[0].start == 10.0 and words[-1].end == pytest.approx(13.0, abs=0.01)
    assert words[2].end - words[2].start > words[0].end - words[0].start  # longer words get more time
    lines = group_lines(spread_words("It takes about twenty three minutes to refocus after an interruption.",
                                     0, 5))
    assert all(len(line.words) <= 3 and (len(line.text) <= 20 or len(line.words) == 1) for line in lines)
    doc = ass_document(lines, margin_bottom=420)
    assert doc.count("Dialogue:") == len(lines) and "{\\k" in doc and "PlayResY: 1920" in doc
    assert ",2,80,80,420,1" in doc  # bottom-centre, inside the safe zone


def test_missing_font_is_a_clear_error(tmp_path: Path) -> None:
    lines = group_lines([Word("Hello", 0, 1)])
    with pytest.raises(MediaError, match="caption font is missing"):
        write_captions(lines, tmp_path / "a.ass", fonts_dir=tmp_path)


def test_clip_choice_ranks_hooks_and_explains(talk: Path) -> None:
    pillar = load_pillar(talk)
    clips = choose(pillar, count=3, min_seconds=4, max_seconds=6)
    assert clips[0].sentences[0].text.endswith("?") and "opens with a question" in clips[0].reasons
    assert all(a.end <= b.start or b.end <= a.start for a in clips for b in clips if a is not b)
    assert not any(c.sentences[0].text.startswith(("So ", "That ")) for c in clips[:2])
    timed = [s for s in pillar.sentences if s.start is not None]
    so = next(c for c in candidates(pillar, 4, 6) if c.sentences[0].text.startswith("So "))
    scored = score_clip(so, set(), {s.id: k for k, s in enumerate(timed)}, None, None)
    assert "opens on 'So': it leans on what came before" in scored.reasons and scored.score < clips[0].score


def test_topic_boundaries_find_a_change_of_subject() -> None:
    from workbench.pillar import Sentence

    texts = ["Batching posts saves time for teams.", "Batching posts in one afternoon helps teams.",
             "Teams batching posts plan better.", "Posts batched ahead save teams time.",
             "Coffee beans need roasting at high heat.", "Roasting coffee beans brings out flavour.",
             "Fresh coffee beans roast evenly.", "Dark roasting hides coffee flavour."]
    sentences = [Sentence(f"s{i}", t, 0, 0) for i, t in enumerate(texts)]
    assert 3 in topic_boundaries(sentences, window=2)


def test_rendered_reel_fits_the_platform(reels: list) -> None:
    reel = reels[0]
    info = probe(reel.video)
    assert (info.width, info.height, info.fps) == (1080, 1920, 30.0)
    assert (info.video_codec, info.profile, info.pix_fmt) == ("h264", "High", "yuv420p")
    assert (info.audio_codec, info.sample_rate) == ("aac", 48000)
    assert abs(info.duration - reel.clip.duration) < 0.15 and reel.problems == []
    data = reel.video.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # +faststart
    assert integrated_loudness(reel.video) == pytest.approx(-14.0, abs=1.5)
    assert reel.srt.read_text().startswith("1\n00:00:00,000 --> ") and reel.poster.stat().st_size > 1000


def test_captions_are_burned_in(talk: Path, reels: list, tmp_path: Path) -> None:
    clip = reels[0].clip
    plain = make_reels(talk, tmp_path, "reels", count=1, min_seconds=clip.duration, max_seconds=clip.duration,
                       captions=False)[0]
    assert (plain.clip.start, plain.clip.end) == (clip.start, clip.end)

    def bottom(video: Path) -> Image.Image:
        frame = tmp_path / f"{video.stem}.png"
        subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-ss", "1.5", "-i", str(video),
                        "-frames:v", "1", str(frame)], check=True)
        return Image.open(frame).convert("L").crop((0, 1300, 1080, 1600))

    a, b = bottom(reels[0].video), bottom(plain.video)
    diff = sum(abs(x - y) for x, y in zip(a.getdata(), b.getdata(), strict=True)) / (1080 * 300)
    assert diff > 2.0  # the caption band differs; the rest of the frame is the same source


def test_video_without_audio_gets_a_silent_track(tmp_path: Path) -> None:
    video = make_video(tmp_path / "mute.mp4", 8, audio=False)
    write_srt(tmp_path / "mute.srt", LINES[:3])
    [reel] = make_reels(video, tmp_path / "out", "reels", count=1, min_seconds=4, max_seconds=6)
    assert probe(reel.video).audio_codec == "aac"
    assert "the source has no audio: the clip carries a silent track" in reel.problems


def test_a_transcript_longer_than_the_video(tmp_path: Path) -> None:
    video = make_video(tmp_path / "short.mp4", 5)
    write_srt(tmp_path / "short.srt", LINES)  # 20 s of cues
    with pytest.raises(MediaError, match="transcript runs to 20.0 s but the video ends at 5.0 s"):
        make_reels(video, tmp_path / "out", "reels", min_seconds=3, max_seconds=6)


def test_a_clip_cut_short_by_the_video_end_is_skipped_with_the_reason(tmp_path: Path) -> None:
    video = make_video(tmp_path / "end.mp4", 5)
    write_srt(tmp_path / "end.srt", ["So we start here.", "Did you know the last line runs past the end?"],
              cue=3.3)  # cues 0-3.3, 3.3-6.6: 1.6 s past the end
    spec = PlatformSpec(name="reels", label="Test reel", limit=100, counting="utf16",
                        video=VideoSpec(width=1080, height=1920, min_seconds=3, max_seconds=6))
    reels = make_reels(video, tmp_path / "out", spec, count=1, min_seconds=3, max_seconds=4)
    assert reels[0].video is None and "shorter than Test reel's minimum of 3 s" in reels[0].skipped


def test_face_layout_without_a_face_falls_back_to_the_blurred_frame(talk: Path, tmp_path: Path) -> None:
    [reel] = make_reels(talk, tmp_path, "tiktok", count=1, min_seconds=3, max_seconds=6, layout="face",
                        captions=False)
    assert reel.layout == "blur" and (probe(reel.video).width, probe(reel.video).height) == (1080, 1920)
    assert reel.track is None and reel.describe_layout("face") == "blur (no face to follow)"


def test_quote_cards_in_every_size_with_alt_text(tmp_path: Path) -> None:
    brand = load_brand("northwind-advisory")
    for size, (w, h) in {n: (c.width, c.height) for n, c in card_sizes().items()}.items():
        card = quote_card("Batching fixes that: you plan, write and schedule a whole month of posts in one "
                          "sitting.", tmp_path / f"{size}.png", size, brand)
        assert Image.open(card.path).size == (w, h) and card.alt_text.startswith("Quote card: \u201cBatching")
    with pytest.raises(MediaError, match="unknown card size 'story'"):
        quote_card("x", tmp_path / "s.png", "story", brand)


def test_text_shrinks_to_fit_and_never_overflows() -> None:
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    short_font, short_lines, _ = fit_text(draw, "Short quote.", (900, 400), None)
    long_font, long_lines, line_h = fit_text(draw, "A much longer quote " * 12, (900, 400), None)
    assert long_font.size < short_font.size and len(long_lines) * line_h <= 400
    assert all(draw.textlength(line, font=long_font) <= 900 for line in long_lines)
    with pytest.raises(MediaError, match="too long for a card"):
        fit_text(draw, "word " * 2000, (300, 200), None)


def test_carousel_png_slides_and_one_pdf(tmp_path: Path) -> None:
    slides, pdf = carousel("Batch your content", ["Plan the month.", "Write in one pass.", "Measure saves."],
                           tmp_path, "batch", load_brand("sunny-studio"), closing="Save this for later!")
    assert len(slides) == 5 and all(Image.open(s.path).size == (1080, 1350) for s in slides)
    assert slides[0].alt_text == "Title slide of 5: Batch your content"
    assert pdf.path.read_bytes().count(b"/Type /Page\n") + pdf.path.read_bytes().count(b"/Type /Page\r") == 5 or \
        pdf.path.read_bytes().count(b"/Type /Page") - pdf.path.read_bytes().count(b"/Type /Pages") == 5


def test_missing_logo_is_a_clear_error(tmp_path: Path) -> None:
    brand = load_brand("northwind-advisory").model_copy(deep=True)
    brand.visual.logo = str(tmp_path / "nope.png")
    with pytest.raises(MediaError, match="logo file not found"):
        quote_card("Hello there.", tmp_path / "c.png", "square", brand)


def test_repurpose_a_video_gives_reel_drafts_and_a_bad_video_does_not_stop_the_batch(
        talk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    for name in ("talk.mp4", "talk.srt"):
        (tmp_path / "in" / name).write_bytes((talk.parent / name).read_bytes())
    (tmp_path / "in" / "broken.mp4").write_bytes(b"garbage" * 100)
    (tmp_path / "in" / "broken.srt").write_text("1\n00:00:00,000 --> 00:00:02,000\nHello there.\n")
    result = CliRunner().invoke(repurpose_cmd, ["in", "-p", "reels,x", "--images"])
    assert result.exit_code == 1 and "1 written, 0 unchanged, 1 failed" in result.output
    assert "not a readable video" in result.output
    import json

    drafts = json.loads((tmp_path / "out/talk/drafts.json").read_text())
    reels = [d for d in drafts if d["platform"] == "reels"]
    assert reels and all(d["media"][0]["kind"] == "reel" and Path(d["media"][0]["path"]).exists() for d in reels)
    assert all(d["problems"] == [] for d in drafts)
    assert any(m["kind"] == "image" for d in drafts if d["platform"] == "x" for m in d["media"])


def test_reels_command(talk: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["reels", str(talk), "-n", "1", "--min-seconds", "3", "--max-seconds", "6",
                                       "-o", str(tmp_path / "r"), "--no-captions"])
    assert result.exit_code == 0, result.output
    assert "opens with a question" in result.output and len(list((tmp_path / "r").glob("*.mp4"))) == 1
    listed = CliRunner().invoke(main, ["reels", str(talk), "-n", "1", "--min-seconds", "3", "--max-seconds", "6",
                                       "-o", str(tmp_path / "j"), "--no-captions", "--json"])
    [clip] = json.loads(listed.output)
    assert listed.exit_code == 0 and clip["video"].endswith(".mp4") and clip["layout"] == "center"
    assert clip["end"] > clip["start"] and "opens with a question" in " ".join(clip["reasons"])


def test_platform_video_specs() -> None:
    assert get_platform("x").video.width == 720 and get_platform("x").video.max_seconds == 140
    assert get_platform("reels").video.height == 1920


def test_reels_command_says_when_no_clip_fits(talk: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["reels", str(talk), "--min-seconds", "3", "--max-seconds", "4", "-o",
                                       str(tmp_path)])
    assert result.exit_code == 1
    assert "no clip of 3-4 s fits between sentence boundaries" in result.output


def test_brand_logo_overlay(talk: Path, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (200, 80), (255, 0, 0, 255)).save(logo)
    [reel] = make_reels(talk, tmp_path / "out", "reels", count=1, min_seconds=3, max_seconds=6, logo=logo,
                        captions=False)
    assert reel.problems == []  # still h264 yuv420p, TV range, 1080x1920
    frame = tmp_path / "f.png"
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-ss", "1", "-i", str(reel.video),
                    "-frames:v", "1", str(frame)], check=True)
    r, g, b = Image.open(frame).convert("RGB").getpixel((1080 - 40 - 90, 60 + 35))  # inside the logo's box
    assert r > 200 and g < 60 and b < 60


def test_intro_and_outro_cards_in_the_same_pass(talk: Path, tmp_path: Path) -> None:
    [reel] = make_reels(talk, tmp_path, "reels", count=1, min_seconds=3, max_seconds=6, intro="Batch your content",
                        outro="Follow for more.", brand=load_brand("sunny-studio"))
    info = probe(reel.video)
    assert (info.width, info.height, info.pix_fmt, info.sample_rate) == (1080, 1920, "yuv420p", 48000)
    assert abs(info.duration - (reel.clip.duration + 3.0)) < 0.2 and reel.problems == []
    frame = tmp_path / "first.png"
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-ss", "0.5", "-i", str(reel.video),
                    "-frames:v", "1", str(frame)], check=True)
    r, g, b = Image.open(frame).convert("RGB").getpixel((40, 40))
    assert abs(r - 0xFF) < 24 and abs(g - 0x7A) < 24 and abs(b - 0x59) < 24  # the brand's primary colour
    assert (tmp_path / "talk-intro.png").exists() and (tmp_path / "talk-outro.png").exists()


def test_the_x_variant_is_720x1280(talk: Path, tmp_path: Path) -> None:
    [reel] = make_reels(talk, tmp_path, "x", count=1, min_seconds=3, max_seconds=6)
    info = probe(reel.video)
    assert (info.width, info.height) == (720, 1280) and reel.problems == []


def _plan(talk: Path, out: Path) -> RenderPlan:
    return RenderPlan(source=talk, start=0.0, end=4.0, output=out / "reels" / "clip.mp4", preset="ultrafast")


def test_an_interrupted_render_leaves_no_partial_mp4(talk: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while ffmpeg writes: ffmpeg is stopped and its file deleted; nothing is left under the real name."""
    started: list[Path] = []

    def interrupted(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
        target = Path(cmd[-1])
        with subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as proc:
            deadline = time.monotonic() + 30
            while not (target.exists() and target.stat().st_size > 0) and time.monotonic() < deadline:
                time.sleep(0.01)
            started.append(target)
            proc.kill()  # what subprocess.run does to its child on KeyboardInterrupt
        raise KeyboardInterrupt

    monkeypatch.setattr(subprocess, "run", interrupted)
    with pytest.raises(KeyboardInterrupt):
        render(_plan(talk, tmp_path))
    assert started and started[0].parent == tmp_path / "reels"  # ffmpeg had begun writing, beside the output
    assert list((tmp_path / "reels").iterdir()) == []


def test_a_failed_render_leaves_no_partial_mp4(talk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
        Path(cmd[-1]).write_bytes(b"\x00\x00\x00\x18ftypmp42 half a file")
        return subprocess.CompletedProcess(cmd, 1, "", "No space left on device")

    monkeypatch.setattr(subprocess, "run", failing)
    with pytest.raises(MediaError, match="No space left on device"):
        render(_plan(talk, tmp_path))
    assert list((tmp_path / "reels").iterdir()) == []
    monkeypatch.undo()
    assert render(_plan(talk, tmp_path)) == tmp_path / "reels" / "clip.mp4"
    assert [f.name for f in (tmp_path / "reels").iterdir()] == ["clip.mp4"]
    assert probe(tmp_path / "reels" / "clip.mp4").height == 1920


def test_word_times_beside_a_video_are_read_or_say_how_to_make_them_again(tmp_path: Path) -> None:
    from workbench.media.transcribe import TranscribeError, Transcript, Word, words_beside, write_transcript

    video = tmp_path / "talk.mp4"
    assert words_beside(video) is None  # never transcribed: cue times are spread over the words, as before
    heard = Transcript([Word(0.0, 0.4, " Batching", 0.9), Word(0.4, 0.9, " saves", 0.9),
                        Word(0.9, 1.4, " hours.", 0.9), Word(2.5, 3.0, " Really.", 0.8)], 3.2, "en", "tiny.en")
    written = write_transcript(video, heard)
    assert [p.name for p in written] == ["talk.srt", "talk.vtt", "talk.words.json"]
    assert words_beside(video) == heard.words
    # one cue per sentence (and at the pause), in SubRip and WebVTT
    assert (tmp_path / "talk.srt").read_text() == ("1\n00:00:00,000 --> 00:00:01,400\nBatching saves hours.\n\n"
                                                   "2\n00:00:02,500 --> 00:00:03,000\nReally.\n\n")
    assert (tmp_path / "talk.vtt").read_text().startswith("WEBVTT\n\n00:00:00.000 --> 00:00:01.400\n")
    (tmp_path / "talk.words.json").write_text('{"words": [{"start": 2, "end": 1, "text": "x"}]}')
    with pytest.raises(TranscribeError, match="out of order.*workbench transcribe talk.mp4"):
        words_beside(video)
    (tmp_path / "talk.words.json").write_text("{not json")
    with pytest.raises(TranscribeError, match="not readable"):
        words_beside(video)


def test_clip_choice_hears_dead_air_and_a_start_with_no_breath(talk: Path) -> None:
    from workbench.media.transcribe import Word as Heard

    pillar = load_pillar(talk)
    timed = [s for s in pillar.sentences if s.start is not None and s.end is not None]

    def heard(hush: object = None, breathless: object = None) -> list[Heard]:
        """The talk's words as a model would time them: the `hush` sentence spoken in two bursts with a silence
        between; the word before the `breathless` sentence running right up to it."""
        out: list[Heard] = []
        for s in timed:
            assert s.start is not None and s.end is not None
            words = spread_words(s.text, s.start + 0.1, s.end - 0.1)  # a breath between sentences
            if s is hush:
                cut, first, last = len(words) // 2, s.start + 0.2 * (s.end - s.start), s.end - 0.2 * (s.end - s.start)
                words = (spread_words(" ".join(w.text for w in words[:cut]), s.start, first)
                         + spread_words(" ".join(w.text for w in words[cut:]), last, s.end))
            if s is breathless and out:
                out[-1] = Heard(out[-1].start, words[0].start - 0.05, out[-1].text, 0.9)
            out += [Heard(w.start, w.end, " " + w.text, 0.9) for w in words]
        return out

    index = {s.id: k for k, s in enumerate(timed)}

    def clip_at(clip: Clip, words: list[Heard]) -> Clip:
        """The same clip, scored with these word times."""
        return score_clip(Clip(clip.start, clip.end, clip.sentences), set(), index, None, None, (4, 6), words)

    plain = choose(pillar, count=8, min_seconds=4, max_seconds=6, heard=heard())
    assert not any("silence" in r or "runs on" in r for c in plain for r in c.reasons)
    # a long silence inside a clip: it scores lower, and says where
    best = plain[0]
    hushed = clip_at(best, heard(hush=best.sentences[0]))
    assert hushed.score < clip_at(best, heard()).score and any(" s of silence at " in r for r in hushed.reasons)
    # a clip whose first sentence runs on from the word before it (a break the transcript made, not the speaker)
    later = next(c for c in plain if c.sentences[0] is not timed[0])
    flowing = clip_at(later, heard(breathless=later.sentences[0]))
    assert "runs on from the word before it: no pause where it starts" in flowing.reasons
    assert flowing.score < clip_at(later, heard()).score
