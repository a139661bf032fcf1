"""What an editor would flag in a draft: the rubric's defect codes, found by rules, each at a span.

Every detector looks at one draft in its `Context` (the text, the brand, the platform and, when the
pillar is known, an index of its sentences) and yields `Finding`s: a code, the characters it is
about, what is wrong and what to do. `detect()` runs them all; `scoring.score()` turns the findings
into points and a verdict with the brand's `scoring:` table. Checks across the drafts of one run
(the same hook on several platforms, a variant that clones another) are in `cross.py`.

A detector is a function registered for its code with `@detector(Defect.X)`; a plugin adds one the
same way. `wording.py` holds the checks that need only the draft, `source.py` those that read the pillar.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from ..rubric import Defect
from ..text import hashtags, sentence_spans

if TYPE_CHECKING:
    from ..brand import BrandVoice
    from ..drafts import Draft
    from ..pillar import Pillar
    from ..platforms import PlatformSpec


@dataclass(frozen=True)
class Finding:
    """One defect at one place. `span` is (start, end) in `draft.text`; None for the title or the whole post."""

    code: Defect
    message: str  # what is wrong, quoting the words
    fix: str  # what a person does about it, in one sentence
    span: tuple[int, int] | None = None
    rating: int | None = None  # the editor rating this leaves at most (1-4); None: the brand's rule for the code
    blocking: bool | None = None  # None: the brand's rule for the code (`brand.scoring.defects`)
    rule: str = ""  # which check found it, for tests and tuning
    where: str | None = None  # "title", "part 3"


@dataclass(frozen=True)
class SourceSentence:
    index: int  # position in the pillar, 0-based
    text: str
    section: int
    heading: str | None
    words: frozenset[str]


_WORD = re.compile(r"[a-z0-9][a-z0-9'’%.-]*[a-z0-9%]|[a-z0-9]")
STOPWORDS = frozenset("""a an the and or but if then so of to in on at by for with from as is are was were be been
being it its this that these those they them their there here we our us you your i me my he she his her not no
do does did has have had will would can could should may might must just than too very also into over out up
about more most such what which who whom when where why how all any each some own same other""".split())


def words(text: str) -> list[str]:
    """Lower-case word tokens (numbers and percentages kept), for overlap and matching."""
    return _WORD.findall(text.lower())


def content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in words(text) if w not in STOPWORDS and len(w) > 2)


class SourceIndex:
    """The pillar as the checks need it: sentences in order with their words, headings and title.

    Built once per pillar (`SourceIndex.of(pillar)` caches it on the pillar's content hash)."""

    _cache: dict[str, SourceIndex] = {}

    def __init__(self, pillar: Pillar) -> None:
        self.pillar = pillar
        headings = [s.heading for s in pillar.sections]
        self.sentences = [SourceSentence(i, s.text, s.section,
                                         headings[s.section] if 0 <= s.section < len(headings) else None,
                                         content_words(s.text))
                          for i, s in enumerate(pillar.sentences)]
        self.headings = [h for h in headings if h]
        self.title = pillar.title
        self.memo: dict[tuple[str, str], object] = {}  # a detector's per-pillar answers (see `remember`)

    def remember(self, key: tuple[str, str], compute: Callable[[], object]) -> object:
        """A check's answer about this pillar, computed the first time it is asked: the engine and the
        detectors ask the same questions of the same sentences for every platform."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    @classmethod
    def of(cls, pillar: Pillar) -> SourceIndex:
        key = pillar.content_hash
        if key not in cls._cache:
            if len(cls._cache) > 64:
                cls._cache.clear()
            cls._cache[key] = cls(pillar)
        return cls._cache[key]

    @cached_property
    def _postings(self) -> dict[str, list[int]]:
        index: dict[str, list[int]] = {}
        for s in self.sentences:
            for w in s.words:
                index.setdefault(w, []).append(s.index)
        return index

    def locate(self, text: str, threshold: float = 0.6) -> SourceSentence | None:
        """The source sentence this text was taken from (most of its content words), or None."""
        mine = content_words(text)
        if not mine:
            return None
        counts: dict[int, int] = {}
        for w in mine:
            for i in self._postings.get(w, ()):
                counts[i] = counts.get(i, 0) + 1
        if not counts:
            return None
        # ties go to the sentence the text covers most (the verbatim one, not a longer one holding its
        # words), then to the earliest
        best = max(counts, key=lambda i: (counts[i] / max(len(mine), 1),
                                          counts[i] / max(len(self.sentences[i].words), 1), -i))
        return self.sentences[best] if counts[best] / len(mine) >= threshold else None

    # -- appended for the source checks (source.py) ------------------------------------------------------

    def match(self, text: str, threshold: float = 0.6) -> tuple[SourceSentence, float, float] | None:
        """Like `locate`, with how much of it was taken: (sentence, share of the text's content words found in
        it, share of the sentence's content words found in the text). A near-verbatim copy is (s, ~1, ~1)."""
        found = self.locate(text, threshold)
        if found is None:
            return None
        mine = content_words(text)
        shared = len(mine & found.words)
        return found, shared / len(mine), shared / max(len(found.words), 1)

    @cached_property
    def _heading_positions(self) -> dict[str, float]:
        """Normalised heading text -> a position between the sentences (just before its section's first one)."""
        first: dict[int, int] = {}
        for s in self.sentences:
            first.setdefault(s.section, s.index)
        out: dict[str, float] = {}
        for number, section in enumerate(self.pillar.sections):
            if section.heading and number in first:
                out.setdefault(" ".join(words(section.heading)), first[number] - 0.5)
        if self.title:
            out.setdefault(" ".join(words(self.title)), -1.0)
        return out

    def heading_position(self, text: str) -> float | None:
        """Where a heading (or the title) pasted as a line of the draft sits in the source, or None."""
        key = " ".join(words(text.lstrip("#").strip()))
        return self._heading_positions.get(key) if key else None

    def before(self, index: int) -> SourceSentence | None:
        """The source sentence before `index` (None for the first)."""
        return self.sentences[index - 1] if index > 0 else None


@dataclass
class Context:
    """One draft as every detector sees it."""

    draft: Draft
    brand: BrandVoice
    spec: PlatformSpec
    source: SourceIndex | None = None
    text: str = field(init=False)

    def __post_init__(self) -> None:
        self.text = self.draft.text

    @cached_property
    def part_spans(self) -> list[tuple[int, int]]:
        """(start, end) of each part in `text` (parts are joined with a blank line)."""
        spans, at = [], 0
        for part in self.draft.parts:
            spans.append((at, at + len(part)))
            at += len(part) + 2
        return spans

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """Sentence spans in `text`, line by line (a list item or a heading is its own sentence)."""
        out: list[tuple[int, int]] = []
        at = 0
        for line in self.text.split("\n"):
            if line.strip():
                out.extend((at + s, at + e) for s, e in sentence_spans(line))
            at += len(line) + 1
        return out

    @cached_property
    def tags(self) -> list[str]:
        return hashtags(self.text)


Detector = Callable[[Context], Iterable[Finding]]
DETECTORS: dict[str, Detector] = {}


def detector(code: Defect, name: str | None = None) -> Callable[[Detector], Detector]:
    """Register a detector for `code` under `name` (default: the function's name)."""

    def register(fn: Detector) -> Detector:
        DETECTORS[name or fn.__name__] = fn
        fn.code = code  # type: ignore[attr-defined]
        return fn

    return register


def get_detector(name: str) -> Detector:
    try:
        return DETECTORS[name]
    except KeyError:
        raise KeyError(f"no detector '{name}'; known: {', '.join(sorted(DETECTORS))}") from None


def detect(ctx: Context) -> list[Finding]:
    """Every detector's findings for one draft, in text order (title and whole-post findings first)."""
    found: list[Finding] = []
    for fn in DETECTORS.values():
        found.extend(fn(ctx))
    # two detectors may name the same words for the same defect (a pronoun that dangles at the start and
    # also points back into the source): the reader is told once, at the worse rating
    kept: dict[tuple[Defect, tuple[int, int]], Finding] = {}
    rest: list[Finding] = []
    for f in found:
        if f.span is None:
            rest.append(f)
            continue
        key = (f.code, f.span)
        if key not in kept or (f.rating or 5) < (kept[key].rating or 5):
            kept[key] = f
    return sorted(rest + list(kept.values()), key=lambda f: (f.span or (-1, -1), f.code.value))


def iter_lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) for every line of `text`."""
    at = 0
    for line in text.split("\n"):
        yield at, line
        at += len(line) + 1


from . import source, wording  # noqa: E402,F401  (the built-in detectors register themselves)
