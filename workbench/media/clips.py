"""Choosing moments: candidate clips snapped to sentence boundaries, ranked with reasons.

Signals: a hook at the start (a question, a number, a bold claim), self-contained (does not open on
"so" or "this"), one topic (no TextTiling boundary inside the clip), speech density (2-3.6 words a second
reads well as captions) and audio energy against the talk's own median. Where the words were timed as they
were heard (`workbench transcribe`), speech itself: the rate from the words, a stretch of dead air inside the
clip, and a start that runs on from the word before it with no breath (a sentence break the transcript made,
not the speaker). Each clip keeps its sentences, so the engines can write its caption.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from ..brief import DANGLING, STOPWORDS
from ..pillar import Pillar, Sentence
from ..speech import topic_boundaries as speech_topic_boundaries
from .transcribe import Word as HeardWord

BOLD = re.compile(r"\b(never|always|most|biggest|secret|mistake|truth|wrong|nobody|everyone|stop|the one|"
                  r"only|worst|best|myth)\b", re.IGNORECASE)
NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:%|percent|x|times|hours?|minutes?|days?|weeks?|years?)?")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")


@dataclass
class Clip:
    start: float
    end: float
    sentences: list[Sentence]
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    @property
    def sentence_ids(self) -> list[str]:
        return [s.id for s in self.sentences]


def _terms(text: str) -> Counter[str]:
    return Counter(w.lower() for w in WORD.findall(text) if w.lower() not in STOPWORDS and len(w) > 2)


def topic_boundaries(sentences: list[Sentence], window: int = 3) -> set[int]:
    """TextTiling (Hearst 1997), simplified: a gap after sentence k is a topic boundary when the lexical
    similarity of the blocks around it dips well below its neighbours (speech.topic_boundaries, which the
    transcript's topic sections share)."""
    return speech_topic_boundaries([_terms(s.text) for s in sentences], window)


def candidates(pillar: Pillar, min_seconds: float = 15, max_seconds: float = 60) -> list[Clip]:
    timed = [s for s in pillar.sentences if s.start is not None and s.end is not None]
    out = []
    for i in range(len(timed)):
        for j in range(i, len(timed)):
            span = timed[j].end - timed[i].start  # type: ignore[operator]
            if span > max_seconds:
                break
            if span >= min_seconds:
                out.append(Clip(timed[i].start, timed[j].end, timed[i:j + 1]))  # type: ignore[arg-type]
    return out


DEAD_AIR = 1.5  # seconds of silence inside a clip: where a viewer scrolls on
FLOW = 0.15  # seconds: a sentence that starts sooner than this after the word before it runs on from it


def score_clip(clip: Clip, boundaries: set[int], index: dict[str, int], energy: np.ndarray | None,
               baseline: float | None, sweet: tuple[float, float] = (20, 45),
               heard: list[HeardWord] | None = None) -> Clip:
    score, reasons = 0.0, []
    first = clip.sentences[0].text
    if first.rstrip().endswith("?"):
        score += 2
        reasons.append("opens with a question")
    elif NUMBER.search(first.split(",")[0]):
        score += 2
        reasons.append(f"opens with a number ('{NUMBER.search(first.split(',')[0]).group(0).strip()}')")  # type: ignore[union-attr]
    elif BOLD.search(first):
        score += 1.5
        reasons.append(f"opens with a bold claim ('{BOLD.search(first).group(0)}')")  # type: ignore[union-attr]
    if DANGLING.match(first.strip()):
        score -= 2
        reasons.append(f"opens on '{first.split()[0]}': it leans on what came before")
    else:
        score += 0.5
        reasons.append("stands on its own")
    first_i, last_i = index[clip.sentences[0].id], index[clip.sentences[-1].id]
    crossed = [k for k in boundaries if first_i <= k < last_i]
    if crossed:
        score -= 1.5 * len(crossed)
        reasons.append(f"changes topic {len(crossed)} time(s)")
    else:
        score += 1
        reasons.append("one topic")
    said = [w for w in heard or [] if w.start >= clip.start - 0.05 and w.end <= clip.end + 0.05]
    if len(said) >= 2:  # the speech as heard: its rate, its silences, and whether the clip starts on a breath
        density = len(said) / max(said[-1].end - said[0].start, 0.1)
        gap, at = max((b.start - a.end, a.end) for a, b in zip(said, said[1:], strict=False))
        if gap >= DEAD_AIR:
            score -= 1.5
            reasons.append(f"{gap:.1f} s of silence at {at:.0f} s")
        before = [w for w in heard or [] if w.end <= said[0].start + 1e-3]
        if before and said[0].start - before[-1].end < FLOW:
            score -= 1
            reasons.append("runs on from the word before it: no pause where it starts")
    else:
        density = sum(len(s.text.split()) for s in clip.sentences) / max(clip.duration, 0.1)
    if 2.0 <= density <= 3.6:
        score += 1
        reasons.append(f"brisk speech ({density:.1f} words/s)")
    elif density < 1.5:
        score -= 1
        reasons.append(f"slow, with pauses ({density:.1f} words/s)")
    if energy is not None and baseline is not None and energy.size:
        window = energy[int(clip.start):max(int(math.ceil(clip.end)), int(clip.start) + 1)]
        if window.size:
            lift = float(np.mean(window)) - baseline
            if lift > 3:
                score += 1
                reasons.append(f"energetic delivery (+{lift:.0f} dB over the talk's median)")
            elif lift < -6:
                score -= 1
                reasons.append(f"quiet stretch ({lift:.0f} dB under the talk's median)")
    if sweet[0] <= clip.duration <= sweet[1]:
        score += 0.5
        reasons.append(f"{clip.duration:.0f} s, in the {sweet[0]:g}-{sweet[1]:g} s sweet spot")
    clip.score = round(score, 2)
    clip.reasons = reasons
    return clip


def choose(pillar: Pillar, count: int = 3, min_seconds: float = 15, max_seconds: float = 60,
           energy: np.ndarray | None = None, heard: list[HeardWord] | None = None) -> list[Clip]:
    """The best `count` clips that do not overlap, best first (`heard`: the words as timed by the model)."""
    picked: list[Clip] = []
    for clip in ranked(pillar, min_seconds, max_seconds, energy, heard):
        if all(clip.end <= p.start or clip.start >= p.end for p in picked):
            picked.append(clip)
        if len(picked) == count:
            break
    return picked


def ranked(pillar: Pillar, min_seconds: float = 15, max_seconds: float = 60, energy: np.ndarray | None = None,
           heard: list[HeardWord] | None = None) -> list[Clip]:
    """Every candidate clip scored, best first (what `choose` picks from; the reel timeline draws them all)."""
    timed = [s for s in pillar.sentences if s.start is not None]
    index = {s.id: k for k, s in enumerate(timed)}
    boundaries = topic_boundaries(timed)
    baseline = float(np.median(energy)) if energy is not None and energy.size else None
    sweet = (max(min_seconds, 20.0), min(max_seconds, 45.0)) if max_seconds >= 20 else (min_seconds, max_seconds)
    scored = [score_clip(c, boundaries, index, energy, baseline, sweet, heard)
              for c in candidates(pillar, min_seconds, max_seconds)]
    scored.sort(key=lambda c: (-c.score, c.start, c.duration))
    return scored
