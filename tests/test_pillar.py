from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

from workbench.errors import (
    BinaryFileError,
    DecodeError,
    EmptyFileError,
    FileTooLargeError,
    PillarError,
    TranscriptError,
    UnsupportedFormatError,
    WorkbenchError,
)
from workbench.pillar import PillarDecodeWarning, iter_pillar_files, load_pillar
from workbench.text import split_sentences

MARKDOWN = """---
title: Ten lessons from shipping
author: Dana Reyes
date: 2025-03-01
tags: [planning, teams]
url: https://blog.example/ten-lessons
---
# Shipping notes

We shipped 42 releases in 2024. Growth was 3.5% a month, e.g. in the U.S. market.

## Plan first

Dr. Lee says [planning](https://example.com/plan?x=1) saves time. It cut our cycle from 10 days to 4.

- Write it down before you build.
- Share it with the whole team early.

> Plans are worthless, but planning is everything.
"""


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8")
    return p


def test_markdown_with_front_matter(tmp_path: Path) -> None:
    p = load_pillar(write(tmp_path, "lessons.md", MARKDOWN))
    assert p.title == "Ten lessons from shipping"
    assert p.meta["author"] == "Dana Reyes" and p.meta["tags"] == ["planning", "teams"]
    assert p.meta["date"] == "2025-03-01"
    assert [s.heading for s in p.sections] == ["Shipping notes", "Plan first"]
    texts = [s.text for s in p.sentences]
    assert "Growth was 3.5% a month, e.g. in the U.S. market." in texts
    assert "Dr. Lee says planning saves time." in texts
    assert [s.kind for s in p.sentences if "Share it" in s.text] == ["bullet"]
    assert [s.kind for s in p.sentences if "Plans are" in s.text] == ["quote"]
    assert ("https://example.com/plan?x=1", "planning") in [(link.url, link.text) for link in p.links]
    assert {n.text for n in p.numbers} >= {"42", "2024", "3.5", "10", "4"}
    assert p.content_hash and len(p.content_hash) == 64


def test_sentence_ids_are_stable_and_unique(tmp_path: Path) -> None:
    first = load_pillar(write(tmp_path, "a.md", MARKDOWN))
    edited = load_pillar(write(tmp_path, "b.md", MARKDOWN.replace("# Shipping notes\n", "# Shipping notes\n\nA new "
                                                                  "opening line.\n")))
    assert len({s.id for s in first.sentences}) == len(first.sentences)
    # inserting a sentence does not renumber the others
    assert {s.id for s in first.sentences} <= {s.id for s in edited.sentences}
    assert first.sentence(first.sentences[0].id).text == first.sentences[0].text


def test_plain_text_in_the_corpus_style(tmp_path: Path) -> None:
    text = ("The Title Of The Piece\nIntro paragraph one. It has two sentences.\nA Bare Heading\n"
            "- First bullet: details here.\n- Second bullet.\nClosing Thoughts\nThe end is near, e.g. now.\n")
    p = load_pillar(write(tmp_path, "piece.txt", text))
    assert p.title == "The Title Of The Piece"
    assert [s.heading for s in p.sections] == ["The Title Of The Piece", "A Bare Heading", "Closing Thoughts"]
    assert [s.kind for s in p.sentences] == ["paragraph", "paragraph", "bullet", "bullet", "paragraph"]


def test_hard_wrapped_plain_text_is_joined_into_paragraphs(tmp_path: Path) -> None:
    text = "Title Line\nThis paragraph was wrapped by an editor at a fixed width\nso its second line continues.\n"
    p = load_pillar(write(tmp_path, "wrapped.txt", text))
    assert [s.text for s in p.sentences] == [
        "This paragraph was wrapped by an editor at a fixed width so its second line continues."]


def test_the_shared_corpus_article(shared: Path) -> None:
    p = load_pillar(shared / "corpus/pillars/what-is-social-media-management.txt")
    assert p.title.startswith("What Is Social Media Management")
    headings = [s.heading for s in p.sections]
    assert "The Four Pillars of Professional SMM" in headings and "Conclusion" in headings
    assert len(p.sentences) > 60
    assert {"2025", "3500", "80", "20"} <= {n.text for n in p.numbers}
    assert not any(n.text == "2" for n in p.numbers)  # "B2B" is a word, not a number


HTML = """<html><head><title>Ten Lessons | Blog</title><meta name="author" content="Dana Reyes"></head><body>
<nav><a href='/'>Home</a> <a href='/about'>About us</a> <a href='/pricing'>Pricing plans</a></nav>
<article><h1>Ten lessons from shipping</h1>
<p>We shipped 42 releases in 2024. Growth was 3.5% a month, e.g. in the U.S. market, and it held all year.</p>
<h2>Plan first</h2><p>Dr. Lee says <a href="https://example.com/plan">planning</a> saves time. It cut our cycle
from 10 days to 4 days, and we kept quality steady across every team we worked with.</p>
<ul><li>Write it down before you build anything at all.</li><li>Share it with the whole team early.</li></ul>
</article><footer>Copyright 2025 Example Inc. Privacy policy. Terms of service. Cookie settings.</footer></body></html>
"""


def test_html_keeps_the_article_and_drops_navigation(tmp_path: Path) -> None:
    p = load_pillar(write(tmp_path, "page.html", HTML))
    assert p.title == "Ten lessons from shipping"
    body = p.text
    assert "We shipped 42 releases in 2024." in body and "Share it with the whole team early." in body
    assert "About us" not in body and "Privacy policy" not in body
    assert "https://example.com/plan" in [link.url for link in p.links]


def test_html_with_no_article_text(tmp_path: Path) -> None:
    with pytest.raises(PillarError, match="no article text"):
        load_pillar(write(tmp_path, "app.html", "<html><head><script>var app = 1;</script></head>"
                                               "<body><div id='root'></div></body></html>"))


SRT = """1
00:00:01,000 --> 00:00:04,000
ALICE: Welcome to the show. Today we talk

2
00:00:04,000 --> 00:00:07,500
about batching content. It saves 3 hours a week.

3
00:00:10,000 --> 00:00:12,000
BOB: Does it really?
"""

VTT = """WEBVTT

00:00:01.000 --> 00:00:03.000
<v Alice>Hello there, friends.

00:00:03.500 --> 00:00:05.250
<v Alice>This is 3.5% better than last year.
"""


def test_srt_transcript_with_speakers_and_times(tmp_path: Path) -> None:
    p = load_pillar(write(tmp_path, "talk.srt", SRT))
    assert p.format == "srt" and p.duration == 12.0
    s = [(x.text, x.start, x.end, x.speaker) for x in p.sentences]
    assert s == [
        ("Welcome to the show.", 1.0, 4.0, "Alice"),
        ("Today we talk about batching content.", 1.0, 7.5, "Alice"),
        ("It saves 3 hours a week.", 4.0, 7.5, "Alice"),
        ("Does it really?", 10.0, 12.0, "Bob"),
    ]
    assert p.title != "Talk" and any("states no title" in w for w in p.warnings)  # never the file name


def test_vtt_transcript_with_voices(tmp_path: Path) -> None:
    p = load_pillar(write(tmp_path, "intro.vtt", VTT))
    assert [(x.text, x.start, x.end, x.speaker) for x in p.sentences] == [
        ("Hello there, friends.", 1.0, 3.0, "Alice"),
        ("This is 3.5% better than last year.", 3.5, 5.25, "Alice"),
    ]


def test_video_takes_the_transcript_beside_it(tmp_path: Path) -> None:
    video = write(tmp_path, "keynote.mp4", b"\x00\x00\x00\x18ftypmp42")
    write(tmp_path, "keynote.srt", SRT)
    p = load_pillar(video)
    assert p.format == "video" and p.video_path == video and p.transcript_path == tmp_path / "keynote.srt"
    assert len(p.sentences) == 4
    # a folder run takes the video once, not its transcript a second time
    assert iter_pillar_files([tmp_path]) == [video]


def test_video_without_transcript(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # it is transcribed (tests/test_transcribe.py); a file that holds no recording says so, and nothing is written
    video = write(tmp_path, "clip.mov", b"\x00\x00\x00\x18ftypqt  ")
    with pytest.raises(WorkbenchError, match="not a readable video or audio recording") as bad:
        load_pillar(video)
    assert bad.value.path == str(video) and [p.name for p in tmp_path.glob("clip*")] == ["clip.mov"]
    # without the [transcribe] extra: every way to a transcript
    monkeypatch.setitem(sys.modules, "faster_whisper", None)
    with pytest.raises(PillarError, match="no transcript beside this video, and no speech model") as exc:
        load_pillar(video)
    assert "clip.srt" in str(exc.value) and "--transcript" in str(exc.value) and "[transcribe]" in str(exc.value)


# --- bad input: each its own error, naming the file and the fix ------------------------------

@pytest.mark.parametrize(("name", "content", "error", "phrase"), [
    ("empty.md", b"", EmptyFileError, "empty (0 bytes)"),
    ("blank.txt", b"   \n\n\t\n", EmptyFileError, "only whitespace"),
    ("only-heading.md", b"# Just a heading\n", EmptyFileError, "no sentences"),
    ("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), BinaryFileError, "binary"),
    ("slides.pptx", b"PK\x03\x04", UnsupportedFormatError, "unsupported file type '.pptx'"),
    ("broken.srt", SRT.replace("00:00:04,000 -->", "00:00:0x,000 -->"), TranscriptError, "line 6: broken timestamp"),
    ("broken.vtt", VTT.replace("00:00:03.500", "00:03.5"), TranscriptError, "broken timestamp"),
    ("backwards.srt", "1\n00:00:05,000 --> 00:00:02,000\nHi there.\n", TranscriptError, "ends (2.000 s) before"),
    ("unordered.srt", "1\n00:00:05,000 --> 00:00:06,000\nHi.\n\n2\n00:00:01,000 --> 00:00:02,000\nYo.\n",
     TranscriptError, "cue 2 starts at 1.000 s, before cue 1"),
    ("nocues.vtt", "WEBVTT\n\nNOTE nothing here\n", TranscriptError, "no cues"),
    ("badfront.md", "---\ntitle: [unclosed\n---\nBody text here.\n", PillarError, "front matter"),
])
def test_bad_input_gets_a_clear_error(tmp_path: Path, name: str, content: str | bytes, error: type,
                                      phrase: str) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(error) as exc:
        load_pillar(path)
    message = str(exc.value)
    assert phrase in message
    assert str(path) in message and "Fix:" in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PillarError, match="file not found"):
        load_pillar(tmp_path / "nope.md")


def test_oversized_file_limit_is_configurable(tmp_path: Path) -> None:
    path = write(tmp_path, "big.md", "A sentence here. " * 200)
    with pytest.raises(FileTooLargeError, match="max_pillar_bytes"):
        load_pillar(path, max_bytes=1000)
    assert load_pillar(path, max_bytes=10_000).sentences


def test_bom_utf16_and_cp1252_are_read(tmp_path: Path) -> None:
    bom = load_pillar(write(tmp_path, "bom.txt", "\ufeffTitle\nCafé opens at 9. Come by.\n".encode("utf-8")))
    assert bom.title == "Title" and bom.sentences[0].text == "Café opens at 9."
    u16 = load_pillar(write(tmp_path, "u16.txt", "Title\nNaïve plans fail.\n".encode("utf-16")))
    assert u16.sentences[0].text == "Naïve plans fail."
    with pytest.warns(PillarDecodeWarning, match="read as cp1252"):
        legacy = load_pillar(write(tmp_path, "legacy.txt", "Title\n“Quotes” and café matter.\n".encode("cp1252")))
    assert legacy.sentences[0].text == "“Quotes” and café matter."
    assert legacy.warnings and "cp1252" in legacy.warnings[0]


def test_bytes_that_are_neither_utf8_nor_cp1252(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DecodeError, match="re-save the file as UTF-8"):
            load_pillar(write(tmp_path, "odd.txt", b"Title\nabc \x81\x8d def.\n"))


@pytest.mark.parametrize(("text", "expected"), [
    ("Dr. Smith grew 3.5% in 2024. Then he left.", ["Dr. Smith grew 3.5% in 2024.", "Then he left."]),
    ("Use a plan, e.g. a calendar. It helps.", ["Use a plan, e.g. a calendar.", "It helps."]),
    ("See https://example.com/a.b?c=1&d=2. Then decide.", ["See https://example.com/a.b?c=1&d=2.", "Then decide."]),
    ("Is it worth it? Yes! Absolutely.", ["Is it worth it?", "Yes!", "Absolutely."]),
])
def test_sentence_splitting(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected
