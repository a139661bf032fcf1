"""Transcripts read like writing: no fillers, stammers, restarts or caption capitals; sentences of a readable
length even from unpunctuated auto-captions; a long talk in topic sections; speakers as metadata."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from workbench.pillar import load_pillar
from workbench.speech import tidy

FILLERS = re.compile(r"\b(um|uh|er|erm)\b|\byou know,|\bI mean,", re.IGNORECASE)


def _ts(x: float) -> str:
    ms = int(round(x * 1000))
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def write_srt(path: Path, cues: list[tuple[float, float, str]]) -> Path:
    path.write_text("\n".join(f"{i}\n{_ts(a)} --> {_ts(b)}\n{t}\n" for i, (a, b, t) in enumerate(cues, 1)),
                    encoding="utf-8")
    return path


SPOKEN = [
    (1.0, 3.0, "JOHN: So, um, welcome everyone.\nToday we talk"),
    (3.0, 5.5, "About batching, uh, content. It turns out"),
    (5.5, 8.0, "That this saves the the team\n3 hours a week."),
    (8.0, 10.0, "[applause]"),
    (10.0, 12.5, ">> Speaker 2: You know, we were -- we went\nto Paris, and I I think"),
    (12.5, 15.0, "it worked. I mean, it really worked."),
    (15.0, 16.0, "[Interviewer] Okay."),
    (16.0, 18.5, "[Interviewer] What would you tell a small team like this one?"),
]


def test_fillers_restarts_and_caption_capitals_are_gone(tmp_path: Path) -> None:
    p = load_pillar(write_srt(tmp_path / "talk.srt", SPOKEN))
    got = [(s.text, s.speaker) for s in p.sentences]
    assert got == [
        ("So, welcome everyone.", "John"),
        ("Today we talk about batching content.", "John"),
        ("It turns out that this saves the team 3 hours a week.", "John"),
        ("We went to Paris, and I think it worked.", "Speaker 2"),
        ("It really worked.", "Speaker 2"),
        ("What would you tell a small team like this one?", "Interviewer"),
    ]
    # each sentence keeps the times of the cues it was said in
    assert (p.sentences[2].start, p.sentences[2].end) == (3.0, 8.0)
    assert p.meta["dropped"] == {"filler": 1, "sound": 1}
    assert p.meta["cleaned"]["fillers"] >= 4 and p.meta["cleaned"]["repeats"] == 2
    assert not any(":" in s.text or "[" in s.text or ">>" in s.text for s in p.sentences)


@pytest.mark.parametrize(("spoken", "written"), [
    ("so like, we had ten people", "So we had ten people."),
    ("it is, like, huge", "It is huge."),
    ("he looks like this", "He looks like this."),
    ("i love it, kind of, a lot", "I love it a lot."),
    ("it is a kind of tool", "It is a kind of tool."),
    ("let you know the plan", "Let you know the plan."),
    ("I mean this in terms of design", "I mean this in terms of design."),
    ("we were -- we went home", "We went home."),
    ("that it-- these are scientists", "That these are scientists."),
    ("I am gonna de-- deconstruct it", "I am gonna deconstruct it."),
    ("who is at the, uh, geography department", "Who is at the geography department."),
])
def test_one_spoken_sentence_as_written(spoken: str, written: str) -> None:
    assert tidy(spoken) == written


MADE_UP = [
    "the first thing we do every monday is look at the calendar for the whole week",
    "then we pick three ideas that our readers asked about in the comments",
    "okay so each idea gets one long post and two short ones",
    "we write all of them in a single sitting because switching costs us an hour",
    "and then the designer makes the images on tuesday morning",
    "so by wednesday everything is scheduled and we can talk to customers",
    "now the second part is about measuring what worked",
    "we look at saves and shares more than likes because a save means the post was useful",
    "the numbers go into a sheet that the whole team can read",
    "but the most important thing is to write down what we learned",
    "anyway the third part is the hardest one which is saying no to ideas",
    "every idea that does not fit the month goes into a backlog we read once a quarter",
]


def _auto_captions(minutes: float, seed: int = 7) -> list[tuple[float, float, str]]:
    """An unpunctuated, lower-case auto-caption: made-up talk cut into 2-4 s cues, pauses here and there."""
    rng = random.Random(seed)
    words = []
    while len(words) < minutes * 60 * 2.6:
        words += rng.choice(MADE_UP).split()
    cues, t, i = [], 0.0, 0
    while i < len(words):
        n = rng.randint(5, 10)
        span = rng.uniform(2.0, 4.0)
        cues.append((t, t + span, " ".join(words[i:i + n])))
        t += span + (rng.choice([0.0, 0.0, 0.1, 0.8]))
        i += n
    return cues


def test_an_unpunctuated_auto_caption_becomes_sentences_in_sections(tmp_path: Path) -> None:
    cues = _auto_captions(22)
    assert cues[-1][1] > 20 * 60
    p = load_pillar(write_srt(tmp_path / "auto.srt", cues))
    lengths = [len(s.text.split()) for s in p.sentences]
    assert max(lengths) <= 60 and sum(lengths) / len(lengths) <= 30
    assert len(p.sentences) > 150
    assert all(s.text[0].isupper() and s.text.endswith((".", "?", "!")) for s in p.sentences)
    assert p.meta["punctuated"] is False
    assert len(p.sections) >= 4
    spans = [(p.sentences[0].start, 0.0)]
    by_section: dict[int, list[float]] = {}
    for s in p.sentences:
        by_section.setdefault(s.section, []).extend([s.start or 0.0, s.end or 0.0])
    minutes = [(max(v) - min(v)) / 60 for v in by_section.values()]
    assert all(1.5 <= m <= 7 for m in minutes), minutes
    assert spans and not any(FILLERS.search(s.text) for s in p.sentences)


def test_a_short_clip_is_one_section(tmp_path: Path) -> None:
    p = load_pillar(write_srt(tmp_path / "short.srt", SPOKEN))
    assert len(p.sections) == 1


def test_the_corpus_talks_read_like_writing(shared: Path) -> None:
    talks = sorted((shared / "corpus" / "transcripts").glob("*.srt"))
    if not talks:
        pytest.skip(f"no transcripts under {shared / 'corpus' / 'transcripts'}")
    for f in talks:
        p = load_pillar(f)
        assert len(p.sections) >= 3 and len(p.sentences) >= 40, f.name
        for s in p.sentences:
            assert len(s.text.split()) <= 60, (f.name, s.text)
            assert not re.search(r"(?<![\w-])(um|uh)(?![\w-])", s.text, re.IGNORECASE), (f.name, s.text)
            assert not re.match(r"^(?:>>|\[|[A-Z][\w-]+:\s)", s.text), (f.name, s.text)
            assert s.start is not None and s.end is not None and s.start <= s.end


def test_a_tag_after_a_statement_goes_and_a_real_question_stays() -> None:
    assert tidy("it is nowhere near five cars, right?") == "It is nowhere near five cars."
    assert tidy("so the experts work on the code they know, okay?").endswith("code they know.")
    assert tidy("Is that right?") == "Is that right?"
    assert tidy("Right?") == "Right?"
