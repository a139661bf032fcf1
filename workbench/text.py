"""Text primitives shared by ingest, the engines, validation and scoring.

Sentence splitting is pysbd (rule-based, handles "e.g.", "Dr.", "3.5%", initials). pysbd splits inside
URLs at "?" and ".", so URLs are masked with same-length placeholders before segmenting and put back
after; spans stay exact because the mask keeps every offset.

pysbd is slow (about 0.3 MB/s, and some of its steps grow with the square of its input: a 500 KB line took
266 s), so it only sees what needs it. A boundary it always makes (a plain word, not an abbreviation, then
". ", "! " or "? ", then a capitalised word, outside quotes and brackets) is cut first; a piece with no
punctuation inside is one sentence without asking pysbd; the other pieces go to pysbd at most `WINDOW`
characters at a time. A `SentenceSplitter` with a budget (ingest has one per pillar) stops calling pysbd
once it has read that much and cuts the rest by the same plain rules, so no pillar's shape can make
ingest slow; a run of text with no sentence end is cut at a space every `MAX_SENTENCE` characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import regex
from pysbd.between_punctuation import BetweenPunctuation  # type: ignore[import-untyped]
from pysbd.lang.english import English  # type: ignore[import-untyped]
from pysbd.processor import Processor  # type: ignore[import-untyped]

URL_RE = re.compile(r"""(?:https?://|www\.)[^\s<>"']+""", re.IGNORECASE)
_URL_HINT = re.compile(r"://|www\.", re.IGNORECASE)  # no match: no URL, and nothing to mask
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
    spans: list[tuple[int, int]] = []
    if not _URL_HINT.search(text):
        return spans
    for m in URL_RE.finditer(text):
        start, end = m.span()
        opens = closes = -1
        while end > start and text[end - 1] in _URL_TRAIL:
            # keep a closing bracket that has its opening bracket inside the URL (counted once, not per
            # character: a URL of a million ')' must not cost a million counts)
            if text[end - 1] == ")":
                if opens < 0:
                    opens, closes = text.count("(", start, end), text.count(")", start, end)
                if opens >= closes:
                    break
                closes -= 1
            end -= 1
        spans.append((start, end))
    return spans


def mask_urls(text: str) -> str:
    """Replace each URL with a run of 'x' of the same length, so offsets are unchanged."""
    urls = find_urls(text)
    if not urls:
        return text
    out: list[str] = []
    last = 0
    for start, end in urls:
        out += [text[last:start], "x" * (end - start)]
        last = end
    out.append(text[last:])
    return "".join(out)


# --- sentences -------------------------------------------------------------------------------------------

WINDOW = 2000  # the most pysbd reads at once (its abbreviation step grows with the square of its input)
MAX_SENTENCE = 2000  # a run with no sentence end (a pasted log, a 10 MB line) is cut at a space past this
PILLAR_BUDGET = 800_000  # characters of pysbd per pillar (list items count extra): under 4 s at its slowest

_ABBREVIATIONS = frozenset(a.strip().lower() for a in English.Abbreviation.ABBREVIATIONS)
# a boundary pysbd always makes: a plain word (2+ letters) ends with . ! or ?, then spaces, then a capitalised
# word; `_pieces` refuses abbreviations, "Yahoo!" and anything inside quotes or brackets
_CANDIDATE = regex.compile(r"(?<!\S)(\p{L}{2,})([.!?])( +)(?=\p{Lu}\p{Ll})")
# what makes a piece need pysbd: punctuation inside it, a line break, quotes, brackets, pysbd's own
# placeholder characters (it would turn them into punctuation), a backslash
_HAZARD = re.compile("[.!?。．！？…‽\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029\"“”«»()\\[\\]{}（）「」‘\\\\"
                        "ȸȹ∮∯⌬⎋☄☇☈☉☏☝♝♟♨♬♭✂ᓰᓱᓳᓴᓷᓸ،]|--|(?<!\\S)'")
# where pysbd keeps punctuation from ending a sentence: its own patterns, so the regions are the same
_PROTECTED = [re.compile(p) for p in (
    BetweenPunctuation.BETWEEN_SINGLE_QUOTES_REGEX, BetweenPunctuation.BETWEEN_SINGLE_QUOTE_SLANTED_REGEX,
    BetweenPunctuation.BETWEEN_DOUBLE_QUOTES_REGEX_2, BetweenPunctuation.BETWEEN_SQUARE_BRACKETS_REGEX_2,
    BetweenPunctuation.BETWEEN_PARENS_REGEX_2, BetweenPunctuation.BETWEEN_QUOTE_ARROW_REGEX_2,
    BetweenPunctuation.BETWEEN_EM_DASHES_REGEX_2, BetweenPunctuation.BETWEEN_QUOTE_SLANTED_REGEX_2,
    r"（[^）]*）", r"「[^」]*」")]
# pysbd reads list items ("a)", "(iv)", "2.", "b.") across the whole text, numbering and all: a text short enough
# for one window that holds one goes to pysbd whole, as it always did
_LIST_MARK = regex.compile(r"(?<![^\s(\-⁃])(?:\p{L}{1,8}\)|\p{L}\.|\d{1,2}\.(?=[\s)]|$)|\d{1,2}\)(?=\s|$))")
_OPENER = regex.compile(r"[\"“«\[(（「‘\\]|--|(?<!\S)'")
# the plain rules, once the budget is spent: . ! ? (and closing quotes or brackets), then a capital, a digit or
# an opening quote; the word before must not be an abbreviation, an initial or dotted ("e.g.", "U.S.")
_LITE = regex.compile(r"([.!?]+[\"”’')\]]*)(\s+)(?=[\"“‘(\[]?[\p{Lu}\d])")


class _Abbreviations(English.AbbreviationReplacer):  # type: ignore[misc]
    """pysbd's abbreviation step in one pass. pysbd ran, for each of its 188 abbreviations found anywhere in a
    line (as the start of any word), one substitution over the whole line per occurrence: quadratic, and slow
    even on ordinary prose. A period is replaced only right after a whole word that is an abbreviation, and
    whether it is depends on the characters around it alone, so deciding each period once gives the same text.
    The seven dotted abbreviations ("e.g", "u.s") keep pysbd's own loop (its unescaped pattern is part of
    their behaviour), run once per distinct form instead of once per occurrence."""

    def search_for_abbreviations_in_string(self, text: str) -> str:
        lowered = text.lower()
        periods = []
        for m in _ABBREVIATION_DOT.finditer(text):
            word = m.group(1).lower()
            if word not in _WORD_ABBREVIATIONS:
                continue
            rule = (_PREPOSITIVE_NEXT if word in _PREPOSITIVE else _NUMBER_NEXT if word in _NUMBER
                    else _PERIOD_NEXT)
            if rule.match(text, m.end()):
                periods.append(m.end() - 1)
        if periods:
            chars = list(text)
            for at in periods:
                chars[at] = "∯"
            text = "".join(chars)
        for stripped in _DOTTED_ABBREVIATIONS:
            if stripped not in lowered:
                continue
            done: set[str] = set()
            for found in re.findall(rf"(?:^|\s|\r|\n){stripped}", text, flags=re.IGNORECASE):
                if found.strip() not in done:  # unescaped, as pysbd does
                    done.add(found.strip())
                    text = self.replace_period_of_abbr(text, found)
        return str(text)


_WORD_ABBREVIATIONS = frozenset(a for a in English.Abbreviation.ABBREVIATIONS if a.isalpha())
_DOTTED_ABBREVIATIONS = [a for a in English.Abbreviation.ABBREVIATIONS if not a.isalpha()]
_PREPOSITIVE = frozenset(English.Abbreviation.PREPOSITIVE_ABBREVIATIONS)
_NUMBER = frozenset(English.Abbreviation.NUMBER_ABBREVIATIONS)
_ABBREVIATION_DOT = re.compile(r"(?<!\S)([A-Za-z]+)\.")
# what may follow the period for pysbd to take it as an abbreviation's (pysbd's lookaheads, verbatim)
_PREPOSITIVE_NEXT = re.compile(r"(\s|:\d+)")
_NUMBER_NEXT = re.compile(r"(\s\d|\s+\()")
_PERIOD_NEXT = re.compile(r"((\.|\:|-|\?|,)|(\s([a-z]|I\s|I'm|I'll|\d|\()))")


class _English(English):  # type: ignore[misc]
    AbbreviationReplacer = _Abbreviations


def _pysbd(text: str) -> list[tuple[int, int]]:
    """pysbd's sentences of `text` as spans. Its own span step compiled a regex per sentence; `find` gives
    the same spans."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for sentence in Processor(text, _English).process() or []:
        if not sentence:
            continue
        at = text.find(sentence, cursor)
        if at >= 0:
            spans.append((at, at + len(sentence)))
            cursor = at + len(sentence)
    return spans


class SentenceSplitter:
    """Sentence spans of many texts under one pysbd budget (characters; None: no limit). Once it is spent,
    pieces that need pysbd are cut by the plain rules instead (`lite_used` says whether that happened)."""

    def __init__(self, budget: int | None = None) -> None:
        self.budget = budget
        self.lite_used = False

    def spans(self, text: str) -> list[tuple[int, int]]:
        first, last = 0, len(text)
        if text[:1].isspace() or text[-1:].isspace():
            first, last = len(text) - len(text.lstrip()), len(text.rstrip())
            if first >= last:
                return []
        elif not text:
            return []
        if last - first <= MAX_SENTENCE and not _URL_HINT.search(text):
            # most bullets and short paragraphs: one sentence, nothing to split
            inner = last - 1 if text[last - 1] in ".!?" else last
            if _HAZARD.search(text, first, inner) is None:
                return [(first, last)]
        masked = mask_urls(text)
        raw: list[tuple[int, int]] = []
        hard: set[int] = set()  # starts of pieces cut at a space for length: never glued back
        whole = len(masked) <= WINDOW and _LIST_MARK.search(masked) is not None
        for start, end in [(0, len(masked))] if whole else self._pieces(masked):
            if self._simple(masked, start, end):
                self._cut_long(masked, start, end, raw, hard)
            elif self.budget is None or self.budget > 0:
                self._exact(masked, start, end, raw, hard)
            else:
                self.lite_used = True
                self._lite(masked, start, end, raw, hard)
        spans = []
        for start, end in raw:
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start < end:
                spans.append((start, end))
        return _merge_orphans(text, spans, hard)

    # -- pieces between boundaries pysbd always makes --------------------------------------------------

    def _pieces(self, masked: str) -> list[tuple[int, int]]:
        protected = _protected(masked)
        pieces, start, i = [], 0, 0
        for m in _CANDIDATE.finditer(masked):
            word, mark = m.group(1), m.group(2)
            if mark == "." and word.lower() in _ABBREVIATIONS or mark == "!" and word.endswith(("Yahoo", "Yum")):
                continue
            at = m.start(2)
            while i < len(protected) and protected[i][1] <= at:
                i += 1
            if i < len(protected) and protected[i][0] < at:
                continue
            pieces.append((start, m.end(2)))
            start = m.end(3)
        pieces.append((start, len(masked)))
        return pieces

    @staticmethod
    def _simple(masked: str, start: int, end: int) -> bool:
        """One sentence for pysbd too: nothing in it but words (its last character may end the sentence)."""
        while end > start and masked[end - 1].isspace():
            end -= 1
        if end > start and masked[end - 1] in ".!?":
            end -= 1
        return _HAZARD.search(masked, start, end) is None

    # -- the three ways a piece becomes sentences -------------------------------------------------------

    @staticmethod
    def _cut_long(masked: str, start: int, end: int, raw: list[tuple[int, int]], hard: set[int]) -> None:
        while end - start > MAX_SENTENCE:
            cut = _space_before(masked, start, start + MAX_SENTENCE)
            raw.append((start, cut))
            hard.add(cut)
            start = cut
        raw.append((start, end))

    def _exact(self, masked: str, start: int, end: int, raw: list[tuple[int, int]], hard: set[int]) -> None:
        """pysbd over a window at a time; a window cut mid-text keeps all but its last sentence, which starts
        the next window."""
        pos = start
        while pos < end:
            while pos > start and pos < end and masked[pos].isspace():  # the first window is given as it is
                pos += 1
            if pos >= end:
                return
            stop = min(end, pos + WINDOW)
            newline = masked.rfind("\n", pos + 1, stop) if stop < end else -1
            if newline > 0:  # pysbd always ends a sentence at a line break
                stop = newline
            found = self._run(masked, pos, stop)
            if stop == end or newline > 0:
                raw.extend(found)
                pos = stop
            elif len(found) >= 2:
                raw.extend(found[:-1])
                pos = found[-1][0]
            else:  # one sentence longer than the window
                cut = _space_before(masked, pos, pos + MAX_SENTENCE)
                raw.append((pos, cut))
                hard.add(cut)
                pos = cut

    def _run(self, masked: str, start: int, stop: int) -> list[tuple[int, int]]:
        if self.budget is not None:
            # pysbd's list step costs list items x length (76 ms for a window of "1. a 2. b ..."): charge for it
            marks = len(_LIST_MARK.findall(masked, start, stop))
            self.budget -= (stop - start) * (20 + marks) // 20
        return [(start + a, start + b) for a, b in _pysbd(masked[start:stop])]

    def _lite(self, masked: str, start: int, end: int, raw: list[tuple[int, int]], hard: set[int]) -> None:
        pos = start
        for m in _LITE.finditer(masked, start, end):
            at = m.start()
            space = max(masked.rfind(" ", pos, at), masked.rfind("\n", pos, at), masked.rfind("\t", pos, at))
            word = masked[space + 1 if space >= 0 else pos:at].lstrip("\"“‘([")
            if "." in word or len(word) < 2 or word.lower() in _ABBREVIATIONS:
                continue
            self._cut_long(masked, pos, m.end(1), raw, hard)
            pos = m.end(2)
        self._cut_long(masked, pos, end, raw, hard)


def _space_before(text: str, start: int, limit: int) -> int:
    """Where to cut a run that is too long: just after its last space, tab or line break in the second half,
    else at the limit."""
    lo = start + (limit - start) // 2
    found = max(text.rfind(" ", lo, limit), text.rfind("\n", lo, limit), text.rfind("\t", lo, limit))
    return found + 1 if found >= 0 else limit


def _protected(masked: str) -> list[tuple[int, int]]:
    """Spans inside quotes, brackets and em-dash pairs, line by line as pysbd finds them, merged and sorted.
    A line with a backslash is protected whole (pysbd's patterns treat escapes in ways not worth copying)."""
    regions: list[tuple[int, int]] = []
    line_end = -1
    for m in _OPENER.finditer(masked):
        if m.start() < line_end:
            continue
        line_start = masked.rfind("\n", 0, m.start()) + 1
        line_end = masked.find("\n", m.start())
        if line_end < 0:
            line_end = len(masked)
        line = masked[line_start:line_end]
        if "\\" in line:
            regions.append((line_start, line_end))
            continue
        for pattern in _PROTECTED:
            regions.extend((line_start + r.start(), line_start + r.end()) for r in pattern.finditer(line))
    regions.sort()
    merged: list[tuple[int, int]] = []
    for start, end in regions:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`, trimmed of surrounding whitespace."""
    if len(text) > 4096:  # not cached: a long text would pin its memory in the cache
        return SentenceSplitter().spans(text)
    return list(_sentence_spans(text))


@lru_cache(maxsize=4096)
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    # cached: the scorer asks for the same draft's sentences several times on every keystroke
    return tuple(SentenceSplitter().spans(text))


def _merge_orphans(text: str, spans: list[tuple[int, int]], hard: set[int] | None = None) -> list[tuple[int, int]]:
    """Glue fragments pysbd leaves behind (a lone ')' or '"', a list number, half of a word cut at a '?' with
    no space after it) to their neighbour; never across a cut made for length (`hard`)."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        piece = text[start:end]
        glued = merged and not any(c.isspace() for c in text[merged[-1][1]:start])  # a cut inside a word
        if merged and not (hard and start in hard) and (
                glued or (not regex.search(r"\p{L}", piece) and len(piece) <= 3)):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def split_sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def word_count(text: str) -> int:
    return len(regex.findall(r"\b[\p{L}\p{N}'’-]+\b", text))


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of words and phrases, longest first (so "you know" wins over "you"), a space
    matching any run of whitespace: the one way the word lists in `data/` become patterns."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class NumberMention:
    """A number as written in the source, with its normalised value for comparison."""

    text: str
    value: float
    start: int
    end: int


def _to_value(raw: str) -> float:
    return float(raw.lstrip("$€£¥").replace(",", ""))


_DIGIT = re.compile(r"\d")


def find_numbers(text: str) -> list[NumberMention]:
    """Digits-based numbers in `text`, URLs excluded (a URL's digits are not facts)."""
    if not _DIGIT.search(text):
        return []
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

