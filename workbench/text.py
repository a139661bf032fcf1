"""Text primitives shared by ingest, the engines, validation and scoring.

Sentence splitting is pysbd (rule-based, handles "e.g.", "Dr.", "3.5%", initials). pysbd splits inside
URLs at "?" and ".", so URLs are masked with same-length placeholders before segmenting and put back
after; spans stay exact because the mask keeps every offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pysbd
import regex

URL_RE = re.compile(r"""(?:https?://|www\.)[^\s<>"']+""", re.IGNORECASE)
_URL_TRAIL = ".,;:!?)]}'\""
HASHTAG_RE = regex.compile(r"(?<![\w&#])#(\w*\p{L}\w*)")

# Numbers a reader would call a fact: 3,500 / 3.5% / $1.2M / 80/20 / 2025 / 10x / 24/7 / 65 characters.
NUMBER_RE = regex.compile(
    r"""(?<![\w.,])(?:[$€£¥])?
        (?: \d{1,3}(?:,\d{3})+(?:\.\d+)?     # 1,234,567.89
          | \d+(?:\.\d+)? )                 # 42 / 3.5
        (?=[^\p{L}\d]|$|(?:x|k|K|M|m|B|bn|s|st|nd|rd|th)\b)
    """,
    regex.VERBOSE,
)


def find_urls(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in URL_RE.finditer(text):
        start, end = m.span()
        while end > start and text[end - 1] in _URL_TRAIL:
            # keep a closing bracket that has its opening bracket inside the URL
            if text[end - 1] == ")" and text[start:end].count("(") >= text[start:end].count(")"):
                break
            end -= 1
        spans.append((start, end))
    return spans


def mask_urls(text: str) -> str:
    """Replace each URL with a run of 'x' of the same length, so offsets are unchanged."""
    out = list(text)
    for start, end in find_urls(text):
        out[start:end] = "x" * (end - start)
    return "".join(out)


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`, trimmed of surrounding whitespace."""
    return list(_sentence_spans(text))


@lru_cache(maxsize=4096)
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    # cached: the scorer asks for the same draft's sentences several times on every keystroke
    if not text.strip():
        return ()
    masked = mask_urls(text)
    spans = []
    for seg in _segmenter().segment(masked):
        start, end = seg.start, seg.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return tuple(_merge_orphans(text, spans))


def _merge_orphans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Glue fragments pysbd leaves behind (a lone ')' or '"', a list number, half of a word cut at a '?' with
    no space after it) to their neighbour."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        piece = text[start:end]
        glued = merged and not any(c.isspace() for c in text[merged[-1][1]:start])  # a cut inside a word
        if merged and (glued or (not regex.search(r"\p{L}", piece) and len(piece) <= 3)):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def split_sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def word_count(text: str) -> int:
    return len(regex.findall(r"\b[\p{L}\p{N}'’-]+\b", text))


@dataclass(frozen=True)
class NumberMention:
    """A number as written in the source, with its normalised value for comparison."""

    text: str
    value: float
    start: int
    end: int


def _to_value(raw: str) -> float:
    return float(raw.lstrip("$€£¥").replace(",", ""))


def find_numbers(text: str) -> list[NumberMention]:
    """Digits-based numbers in `text`, URLs excluded (a URL's digits are not facts)."""
    masked = mask_urls(text)
    found = []
    for m in NUMBER_RE.finditer(masked):
        raw = m.group(0)
        if set(raw) <= {"x"}:
            continue
        found.append(NumberMention(text[m.start():m.end()], _to_value(raw), m.start(), m.end()))
    return found


def number_values(text: str) -> set[float]:
    return {n.value for n in find_numbers(text)}


_THREAD_COUNTER = regex.compile(r"(?m)(?:^\s*\d{1,2}/\d{1,2}(?=\s)|\s\d{1,2}/\d{1,2}[ \t]*$)")


def unsupported_numbers(draft_text: str, source_values: set[float]) -> list[str]:
    """Numbers in a draft that the source never states: the "nothing invented" check.

    A thread's "3/7" post counter is structure, not a fact, and is ignored.
    """
    text = _THREAD_COUNTER.sub(" ", draft_text)
    return [n.text for n in find_numbers(text) if n.value not in source_values]


def hashtags(text: str) -> list[str]:
    return ["#" + m.group(1) for m in HASHTAG_RE.finditer(mask_urls(text))]

