"""Defects that need the pillar (`Context.source`): ORDER, DANGLING inside a post, MISLEADING numbers and
dropped qualifiers, NO_CONTEXT, PERSONA, THREAD_FLOW. Each detector yields nothing when the source is unknown,
except where the draft alone shows the defect (an ordinal nobody named, unexplained acronyms, another
company's "we", a thread's broken numbering).

The checks read the draft sentence by sentence (`Context.sentences`) and find where each came from with
`SourceIndex.match`: a sentence "extracted" from the source carries almost all of its words from one source
sentence; a hand-written paraphrase mostly does not locate, and then the source checks stay quiet.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from ..rubric import Defect
from ..text import find_numbers
from . import STOPWORDS, Context, Finding, SourceIndex, SourceSentence, content_words, detector, words

# -- shared helpers -----------------------------------------------------------------------------------------

_COUNTER = re.compile(r"(?:^|\s)(\d{1,2})\s*/\s*(\d{1,2})\s*$|^\s*(\d{1,2})\s*/\s*(\d{1,2})(?=\s)")
_TAGS_ONLY = re.compile(r"^(?:\s*#\w+)+\s*$")
_LABEL = re.compile(r"^\s*(?:[-•→*]\s*)?[A-Z][\w&/’'() ]{0,60}(?::|\s[-–—])\s+")
_LIST_MARK = re.compile(r"^\s*(?:\d{1,2}[.)]|[-•→*])\s+")
_CTA = re.compile(
    r"^(?:which|what|tell|follow|save|share|comment|read|register|sign up|subscribe|dm|grab|get the|download|"
    r"join|click|learn more|see|the complete|full guide)\b|link in bio|link below|in the comments|tell (?:me|us)\b|"
    r"https?://", re.IGNORECASE)


@dataclass(frozen=True)
class _Sentence:
    start: int
    end: int
    text: str
    part: int
    first_in_part: bool


_last_sentences: list[tuple[Context, list[_Sentence]]] = []  # the last draft's, for the next detector


def _sentences(ctx: Context) -> list[_Sentence]:
    """The draft's sentences with their part, hashtag-only lines and a thread's "n/N" counter left out."""
    last = _last_sentences[-1] if _last_sentences else None
    if last is not None and last[0] is ctx:
        return last[1]
    out = _split(ctx)
    _last_sentences[:] = [(ctx, out)]
    return out


def _split(ctx: Context) -> list[_Sentence]:
    out: list[_Sentence] = []
    spans = ctx.part_spans
    part, seen_in_part = 0, 0
    for start, end in ctx.sentences:
        while part + 1 < len(spans) and start >= spans[part + 1][0]:
            part, seen_in_part = part + 1, 0
        text = ctx.text[start:end]
        if _TAGS_ONLY.match(text):
            continue
        m = _COUNTER.search(text)
        if m:
            text = text[:m.start()] if m.group(1) else text[m.end():]
            if not words(text):
                continue
        out.append(_Sentence(start, end, text, part, seen_in_part == 0))
        seen_in_part += 1
    return out


def _is_cta(text: str) -> bool:
    return bool(_CTA.search(_LIST_MARK.sub("", text).strip()))


_Match = tuple[SourceSentence, float, float] | None
_match_cache: weakref.WeakKeyDictionary[SourceIndex, dict[tuple[str, float], _Match]] = weakref.WeakKeyDictionary()


def _match(src: SourceIndex, text: str, threshold: float = 0.6) -> _Match:
    """`src.match`, remembered per source: the checks ask about the same sentences several times."""
    memo = _match_cache.setdefault(src, {})
    key = (text, threshold)
    if key not in memo:
        if len(memo) > 4096:
            memo.clear()
        memo[key] = src.match(text, threshold)
    return memo[key]


def _locate(src: SourceIndex, text: str) -> SourceSentence | None:
    found = _match(src, text)
    return found[0] if found else None


def _extracted(src: SourceIndex, text: str) -> SourceSentence | None:
    """The source sentence `text` was copied from: nearly all its words, and at least half the source's."""
    found = _match(src, text)
    mine = len(content_words(text))
    if found and found[1] >= 0.9 and (found[2] >= 0.5 or mine >= 8) and mine >= 3:
        return found[0]
    return None


def _stem(word: str) -> str:
    return word.rstrip("s")[:5]


def _quote(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


# -- ORDER ----------------------------------------------------------------------------------------------------

def _positions(ctx: Context, src: SourceIndex) -> list[tuple[float, _Sentence]]:
    """(source position, sentence) for every extracted sentence or pasted heading, in draft order."""
    out: list[tuple[float, _Sentence]] = []
    for s in _sentences(ctx):
        heading = src.heading_position(s.text)
        if heading is not None and heading >= 0:
            out.append((heading, s))
            continue
        found = _extracted(src, s.text)
        if found is not None:
            out.append((float(found.index), s))
    return out


@detector(Defect.ORDER)
def order_source(ctx: Context) -> Iterator[Finding]:
    """Extracted sentences that run against the source's order: salad, often in score order."""
    if ctx.source is None:
        return
    placed = _positions(ctx, ctx.source)
    # a question hook and one point is not salad: three pieces at least, and a third of the steps backwards
    if len(placed) < 3:
        return
    backwards = [(a, b) for a, b in zip(placed, placed[1:], strict=False) if b[0] < a[0]]
    if not backwards or (len(backwards) < 2 and len(backwards) * 3 < len(placed) - 1):
        return
    (_, first), (_, second) = backwards[0]
    yield Finding(
        Defect.ORDER,
        f"{len(placed)} sentences taken from the source run out of its order ({len(backwards)} step(s) back): "
        f"\"{_quote(second.text, 50)}\" comes after \"{_quote(first.text, 50)}\", which follows it in the source.",
        "Rebuild the post around one point and put the sentences that support it in the order the argument needs.",
        span=(second.start, second.end), rule="order_source_inversions")


# -- DANGLING inside a post ----------------------------------------------------------------------------------

_INITIAL_REF = re.compile(r"^(this|that|these|those|it|they|them)\b", re.IGNORECASE)
_DEMONSTRATIVE_NP = re.compile(r"\b(these|those)\s+([a-z][a-z'-]+)", re.IGNORECASE)
_PLURAL_PRONOUN = re.compile(r"\b(them|they)\b", re.IGNORECASE)
_NOT_ANAPHORIC = frozenset("who that which with of in whose whom".split())
_NOT_PLURAL = frozenset("is was has this its us thus less always perhaps across towards does yes news its "
                        "analysis basis process business success".split())


_IRREGULAR_PLURALS = frozenset("people children men women staff folk data media everyone".split())


def _plural_nouns(text: str) -> list[str]:
    return [w for w in words(text) if w in _IRREGULAR_PLURALS or (
        len(w) > 3 and w.endswith("s") and not w.endswith("ss") and w not in STOPWORDS and w not in _NOT_PLURAL)]


def _plural_before(text: str) -> list[str]:
    """Plural nouns in `text` but its last word (the verb or preposition right before the pronoun)."""
    return _plural_nouns(" ".join(words(text)[:-1]))


_SUBSTITUTE = re.compile(r"\b(it|them)\b", re.IGNORECASE)


def _substituted(body: str, source: str) -> tuple[int, int, str] | None:
    """A pronoun the draft put where the source names a thing: "return to it after" for "return to a task
    after". (start, end, the source's noun) or None."""
    for m in _SUBSTITUTE.finditer(body):
        before, after = words(body[:m.start()]), words(body[m.end():])
        if not before or len(after) < 2:
            continue
        pattern = (rf"\b{re.escape(before[-1])}\s+((?:[\w'-]+\s+){{0,3}}?[\w'-]+)\s+"
                   rf"{re.escape(after[0])}\s+{re.escape(after[1])}\b")
        hit = re.search(pattern, source, re.IGNORECASE)
        if hit is None:
            continue
        nouns = [w for w in words(hit.group(1)) if w not in STOPWORDS and len(w) > 2]
        if nouns and not _SUBSTITUTE.fullmatch(hit.group(1)):
            return m.start(), m.end(), nouns[-1]
    return None


def _supplied(src: SourceIndex, prev_source: SourceSentence, before: list[_Sentence], referent: str | None) -> bool:
    """Does the draft, before this sentence, give what the source's previous sentence gave?"""
    earlier = " ".join(s.text for s in before)
    if referent and referent in words(earlier):
        return True
    for s in before:
        found = _locate(src, s.text)
        if found is not None and found.index == prev_source.index:
            return True
    if before:
        shared = content_words(before[-1].text) & prev_source.words
        if len(shared) >= 3 or (prev_source.words and len(shared) / len(prev_source.words) >= 0.5):
            return referent is None
    return False


_FAR_NP = re.compile(r"\b(this|these|those)\s+([a-z][a-z'-]+)", re.IGNORECASE)
_NOT_FAR = frozenset("way week weeks year years month months day days morning time times moment point case "
                     "post article blog guide page talk video".split())
FAR_BACK = 3  # source sentences a "this nuance" may reach back for its noun


def far_reference(text: str, earlier: list[str], said: str = "") -> tuple[int, int, str] | None:
    """A "this nuance" or "these maps" in `text` whose noun the post has not named (in `said`, or in `text`
    before it) but one of the `earlier` source sentences (nearest last) did: the reader meets "these maps"
    with the maps left out (review r13: rated 2, NO_CONTEXT and DANGLING). (start, end, the naming sentence)."""
    for m in _FAR_NP.finditer(text):
        noun = m.group(2).lower()
        if m.start() == 0 or len(noun) < 4 or noun in STOPWORDS or noun in _NOT_ANAPHORIC or noun in _NOT_FAR \
                or noun.endswith(("ing", "ed", "ly")):
            continue
        stem = _stem(noun)
        if stem in {_stem(w) for w in words(f"{said} {text[:m.start()]}")}:
            continue
        named = next((e for e in reversed(earlier) if stem in {_stem(w) for w in words(e)}), None)
        if named is not None:
            return m.start(), m.end(), named
    return None


def _far(src: SourceIndex, found: SourceSentence, text: str, said: str) -> tuple[int, int, str] | None:
    earlier = [e.text for e in src.sentences[max(0, found.index - FAR_BACK):found.index]
               if e.section == found.section]
    return far_reference(text, earlier, said)


@detector(Defect.DANGLING)
def dangling_source(ctx: Context) -> Iterator[Finding]:
    """A this/these/those/it/they inside the post whose antecedent was the source sentence the draft left out."""
    src = ctx.source
    if src is None:
        return
    sentences = _sentences(ctx)
    for k, s in enumerate(sentences):
        found = _locate(src, s.text)
        if found is None:
            continue
        prev_source = src.before(found.index)
        if prev_source is None:
            continue
        body = _LABEL.sub("", s.text, count=1) if _LABEL.match(s.text) else s.text
        labelled = body is not s.text
        if labelled:
            continue  # a "Label: this …" line takes its referent from the label (a META matter, not DANGLING)
        source_body = _LABEL.sub("", found.text, count=1)
        far = _far(src, found, body, " ".join(x.text for x in sentences[:k]))
        if far is not None:
            start, end, named = far
            offset = s.start + (ctx.text[s.start:s.end].find(s.text) if s.text else 0)
            at = len(s.text) - len(body)
            yield Finding(
                Defect.DANGLING,
                f"\"{body[start:end]}\" in \"{_quote(s.text)}\" points back past what the post holds, to a "
                f"source sentence it left out: \"{_quote(named, 60)}\".",
                f"Name what \"{body[start:end]}\" means, or start the post where the source introduces it.",
                span=(offset + at + start, offset + at + end), rating=3, blocking=False, rule="dangling_far_ref",
                where=f"part {s.part + 1}" if len(ctx.part_spans) > 1 else None)
            continue
        refs: list[tuple[int, int, str, str | None]] = []  # (start in s.text, end, words, referent)
        m = _INITIAL_REF.match(body)
        if m and not labelled and not s.first_in_part and _INITIAL_REF.match(source_body) \
                and _INITIAL_REF.match(source_body).group(1).lower() == m.group(1).lower():  # type: ignore[union-attr]
            at = len(s.text) - len(body)
            referent = None
            if m.group(1).lower() in ("they", "them", "these", "those"):
                plural = _plural_nouns(prev_source.text)
                referent = plural[-1] if plural else None
            refs.append((at + m.start(1), at + m.end(1), m.group(1), referent))
        for m in _DEMONSTRATIVE_NP.finditer(body):
            noun = m.group(2).lower()
            if m.start() == 0 or noun in _NOT_ANAPHORIC or noun in STOPWORDS or noun.endswith(("ing", "ed")) \
                    or re.search(r"\b(?:such as|like|including)\s+$", body[:m.start()], re.IGNORECASE):
                continue
            phrase = m.group(0).lower()
            if phrase not in found.text.lower():
                continue
            at = len(s.text) - len(body)
            own = words(body[:m.start()])
            if _stem(m.group(2).lower()) in {_stem(w) for w in own}:
                continue
            refs.append((at + m.start(), at + m.end(), m.group(0), m.group(2).lower()))
        for m in _PLURAL_PRONOUN.finditer(body):
            if m.start() == 0:
                continue
            if not re.search(rf"\b{m.group(1)}\b", source_body, re.IGNORECASE):
                continue
            src_at = re.search(rf"\b{m.group(1)}\b", source_body, re.IGNORECASE)
            if src_at is None or _plural_before(source_body[:src_at.start()]) or _plural_before(body[:m.start()]):
                continue  # its antecedent is inside the sentence
            plural = _plural_nouns(prev_source.text)
            at = len(s.text) - len(body)
            refs.append((at + m.start(), at + m.end(), m.group(0), plural[-1] if plural else None))
        if not refs:
            sub = _substituted(body, found.text)
            if sub is not None:
                at = len(s.text) - len(body)
                start, end, noun = sub
                if noun not in words(" ".join(x.text for x in sentences[:k])):
                    offset = s.start + (ctx.text[s.start:s.end].find(s.text) if s.text else 0)
                    yield Finding(
                        Defect.DANGLING,
                        f"\"{body[start:end]}\" in \"{_quote(s.text)}\" stands for \"{noun}\" in the source, "
                        "which the post never names.",
                        f"Write \"{noun}\" instead of \"{body[start:end]}\".",
                        span=(offset + at + start, offset + at + end), rating=4, blocking=False,
                        rule="dangling_pronoun_for_noun",
                        where=f"part {s.part + 1}" if len(ctx.part_spans) > 1 else None)
            continue
        for start, end, said, referent in refs[:1]:
            if _supplied(src, prev_source, sentences[:k], referent):
                continue
            offset = s.start + (ctx.text[s.start:s.end].find(s.text) if s.text else 0)
            meant = f" (the source means \"{referent}\")" if referent else ""
            yield Finding(
                Defect.DANGLING,
                f"\"{said}\" in \"{_quote(s.text)}\" points back to a source sentence the post left out"
                f"{meant}: \"{_quote(prev_source.text, 60)}\".",
                f"Replace \"{said}\" with what it means{' (' + referent + ')' if referent else ''}, or keep the "
                "sentence it refers to just before it.",
                span=(offset + start, offset + end), rating=4, blocking=False, rule="dangling_source_ref",
                where=f"part {s.part + 1}" if len(ctx.part_spans) > 1 else None)
            break


# -- MISLEADING ---------------------------------------------------------------------------------------------

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "twelve": 12, "twenty": 20, "thirty": 30, "fifty": 50, "hundred": 100}
_MULTIPLIER_WORDS = {"double": 2, "doubles": 2, "doubled": 2, "doubling": 2, "twice": 2, "triple": 3,
                     "triples": 3, "tripled": 3, "tripling": 3, "quadruple": 4, "quadruples": 4,
                     "quadrupled": 4}
_TIMES = re.compile(r"^\s*(?:x\b|times\b|×)", re.IGNORECASE)
_WORD_NUMBER = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\s+times\b|\b(" + "|".join(_MULTIPLIER_WORDS)
                          + r")\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[.;:!?,()\n—–]|\b(?:and|but|while|which|because|so)\b", re.IGNORECASE)
_UNITS = frozenset("minutes minute hours hour seconds second days day weeks week months month years year percent "
                   "times per each every more less many much than fewer average million millions billion billions "
                   "thousand thousands hundred hundreds".split())


@dataclass(frozen=True)
class _Number:
    value: float
    multiplier: bool
    start: int
    end: int
    text: str


def _numbers(text: str) -> list[_Number]:
    """Numbers a reader takes as facts: digits, "3x", "three times", "triples"."""
    out: list[_Number] = []
    for n in find_numbers(text):
        mult = bool(_TIMES.match(text[n.end:])) or n.text.lower().endswith("x")
        end = n.end + (_TIMES.match(text[n.end:]).end() if _TIMES.match(text[n.end:]) else 0)  # type: ignore[union-attr]
        out.append(_Number(n.value, mult, n.start, end, text[n.start:end]))
    for m in _WORD_NUMBER.finditer(text):
        if m.group(1):
            out.append(_Number(float(_NUMBER_WORDS[m.group(1).lower()]), True, m.start(), m.end(), m.group(0)))
        else:
            out.append(_Number(float(_MULTIPLIER_WORDS[m.group(2).lower()]), True, m.start(), m.end(), m.group(0)))
    return sorted(out, key=lambda n: n.start)


def _series(text: str, end: int) -> frozenset[str]:
    """The content words after a number, to its clause end, units left out: what the number measures."""
    rest = text[end:]
    cut = _CLAUSE_END.search(rest)
    clause = rest[:cut.start()] if cut else rest
    return frozenset(_stem(w) for w in content_words(clause) if w not in _UNITS and not w[0].isdigit())


def _is_fact(text: str, n: _Number) -> bool:
    if n.multiplier:
        return True
    if 1900 <= n.value <= 2100 and float(n.value).is_integer() and "%" not in n.text:
        return False  # a year
    if _COUNTER.search(text[max(0, n.start - 3):n.end + 4]) and "/" in text[n.start - 1:n.end + 1]:
        return False
    return n.value >= 10 or "%" in text[n.end:n.end + 1] or not float(n.value).is_integer()


_SourceNumbers = list[tuple[float, bool, frozenset[str], float | None, float | None]]
_source_numbers_cache: weakref.WeakKeyDictionary[SourceIndex, _SourceNumbers] = weakref.WeakKeyDictionary()


def _source_numbers(src: SourceIndex) -> _SourceNumbers:
    """Every number in the source: (value, multiplier?, its series, the number before and after it nearby),
    built once per source index."""
    key = src
    if key not in _source_numbers_cache:
        found: list[tuple[float, bool, frozenset[str], float | None, float | None]] = []
        for s in src.sentences:
            nums = _numbers(s.text)
            for i, n in enumerate(nums):
                prev = nums[i - 1].value if i and n.start - nums[i - 1].end <= 30 else None
                nxt = nums[i + 1].value if i + 1 < len(nums) and nums[i + 1].start - n.end <= 30 else None
                found.append((n.value, n.multiplier, _series(s.text, n.end), prev, nxt))
        _source_numbers_cache[key] = found
    return _source_numbers_cache[key]


_HEDGE = re.compile(r"\b(can|may|might|could|often|usually|typically|generally|sometimes|indirectly|"
                    r"potentially|likely|about(?=\s+\$?\d)|up to|in (?:one|our|a) (?:pilot|study|survey|trial))\b",
                    re.IGNORECASE)
_DRAFT_HEDGE = re.compile(r"\b(can|may|might|could|often|usually|typically|generally|sometimes|indirect(?:ly)?|"
                          r"potentially|likely|about|around|roughly|nearly|almost|approximately|like|up to|some|"
                          r"help(?:s|ed)?|tends?|pilot|study|studies|survey|trial|research|found|according)\b|~",
                          re.IGNORECASE)


@detector(Defect.MISLEADING)
def misleading_source(ctx: Context) -> Iterator[Finding]:
    """Numbers set beside a series they do not measure, and claims cut from their qualifier."""
    src = ctx.source
    if src is None:
        return
    known = _source_numbers(src)
    sentences = _sentences(ctx)
    settled: set[float] = set()  # numbers the draft already set beside their series
    for k, s in enumerate(sentences):
        offset = s.start
        nums = _numbers(s.text)
        for i, n in enumerate(nums):
            if not _is_fact(s.text, n):
                continue
            mine = _series(s.text, n.end)
            if not mine or n.value in settled:
                continue
            prev = nums[i - 1].value if i and n.start - nums[i - 1].end <= 30 else None
            nxt = nums[i + 1].value if i + 1 < len(nums) and nums[i + 1].start - n.end <= 30 else None
            theirs = [(series, p, q) for value, mult, series, p, q in known
                      if value == n.value and mult == n.multiplier]
            if not theirs or any(not series for series, _, _ in theirs):
                continue  # unknown to the source, or a source use that names nothing after it ("30 or 60 minutes")
            if any(mine & series or (nxt is not None and nxt == q) or (prev is not None and prev == p)
                   for series, p, q in theirs):
                settled.add(n.value)
                continue
            what = sorted({w for series, _, _ in theirs for w in series})[:4]
            headline = k == 0
            yield Finding(
                Defect.MISLEADING,
                f"\"{_quote(s.text[n.start:], 50)}\": the source's {n.text.strip()} measures "
                f"{', '.join(what) or 'something else'}, not what this sentence puts it beside.",
                f"Put {n.text.strip()} back beside what it measures in the source, or drop it.",
                span=(offset + n.start, offset + min(len(s.text), n.end + 40)), rating=1 if headline else 2,
                blocking=True, rule="misleading_number_series")
            break
        # a claim cut from its qualifier, clause by clause
        for clause_start, clause in _clauses(s.text):
            if len(content_words(clause)) < 4:
                continue
            found = _match(src, clause, 0.7)
            if found is None or len(content_words(clause) & found[0].words) < 4:
                continue
            hedge = _HEDGE.search(found[0].text)
            kept = hedge is not None and re.search(rf"\b{re.escape(hedge.group(0))}\b", s.text, re.IGNORECASE)
            if hedge is None or _DRAFT_HEDGE.search(clause) or kept:
                # (kept: the sentence has the qualifier in another clause, "…, and without structure they can…")
                continue
            claim = content_words(" ".join(words(found[0].text[hedge.end():])[:3]))
            if not claim & content_words(clause):
                continue
            yield Finding(
                Defect.MISLEADING,
                f"\"{_quote(clause, 60)}\" drops the source's \"{hedge.group(0)}\": "
                f"\"{_quote(found[0].text[hedge.start():], 60)}\".",
                f"Restore the qualifier (\"{hedge.group(0)}\") so the claim says no more than the source does.",
                span=(offset + clause_start, offset + clause_start + len(clause)), rating=3, blocking=True,
                rule="misleading_dropped_qualifier")
            break



# an approximation before a number ("close to 40%"), an absolute in a claim, a hedge in a source sentence
_APPROX = re.compile(r"\b(?:about|around|roughly|nearly|almost|approximately|close\s+to|up\s+to|more\s+than|over|"
                     r"under|less\s+than|at\s+least|some|like|~)\s*[$£€]?$", re.IGNORECASE)  # "takes like 23 minutes"
_NEGATED = re.compile(r"\b(?:not|n't|n’t|no)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)  # "do not assume every meeting"
_ABSOLUTE = re.compile(r"\b(always|never|every|guaranteed?|without\s+exception)\b", re.IGNORECASE)
_SOFT = re.compile(r"\b(often|usually|generally|typically|sometimes|can|may|might|tends?\s+to)\b", re.IGNORECASE)
_Occurrences = dict[tuple[float, bool], list[tuple[SourceSentence, bool]]]
_occurrences_cache: weakref.WeakKeyDictionary[SourceIndex, _Occurrences] = weakref.WeakKeyDictionary()


def _occurrences(src: SourceIndex) -> _Occurrences:
    """Each number of the source: the sentences it is in, and whether an approximation comes before it there."""
    if src not in _occurrences_cache:
        found: _Occurrences = {}
        for sent in src.sentences:
            for n in _numbers(sent.text):
                approx = bool(_APPROX.search(sent.text[max(0, n.start - 16):n.start]))
                found.setdefault((n.value, n.multiplier), []).append((sent, approx))
        _occurrences_cache[src] = found
    return _occurrences_cache[src]


@detector(Defect.MISLEADING, name="misleading_overstated")
def overstated(ctx: Context) -> Iterator[Finding]:
    """A number stated exactly where the source approximates it ("40%" for "close to 40%"), and an absolute
    ("every", "never", "always") in a claim whose source sentence hedges it ("often", "generally")."""
    src = ctx.source
    if src is None:
        return
    known = _occurrences(src)
    for s in _sentences(ctx):
        nums = [n for n in _numbers(s.text) if _is_fact(s.text, n)]
        for n in nums:
            occ = known.get((n.value, n.multiplier), [])
            mine = _series(s.text, n.end)
            if mine and not any(mine & _series(sent.text, x.end) for sent, _ in occ for x in _numbers(sent.text)
                                if x.value == n.value):
                continue  # beside another series: `misleading_source` reports that
            if occ and all(approx for _, approx in occ) and not _APPROX.search(s.text[max(0, n.start - 16):n.start]):
                where = occ[0][0].text
                m = _numbers(where)
                before = next((where[max(0, x.start - 16):x.start].strip() for x in m if x.value == n.value), "")
                yield Finding(
                    Defect.MISLEADING,
                    f"\"{n.text.strip()}\" is stated exactly; the source says "
                    f"\"{_quote(before, 16)} {n.text.strip()}\".",
                    "Keep the source's approximation (\"about\", \"close to\") with the number.",
                    span=(s.start + n.start, s.start + n.end), rating=3, blocking=True,
                    rule="misleading_dropped_approximation")
                return
        absolute = _ABSOLUTE.search(s.text)
        if absolute is None or not nums or _NEGATED.search(s.text[max(0, absolute.start() - 30):absolute.start()]):
            continue
        for n in nums:
            for sent, _ in known.get((n.value, n.multiplier), []):
                hedge = _SOFT.search(sent.text)
                if hedge and not re.search(rf"\b{re.escape(absolute.group(1))}\b", sent.text, re.IGNORECASE):
                    yield Finding(
                        Defect.MISLEADING,
                        f"\"{absolute.group(1)}\" makes a rule of what the source hedges: \"{_quote(sent.text, 70)}\" "
                        f"(\"{hedge.group(1)}\").",
                        f"Say it as the source does (\"{hedge.group(1)}\"), not \"{absolute.group(1)}\".",
                        span=(s.start + absolute.start(), s.start + absolute.end()), rating=3, blocking=True,
                        rule="misleading_absolute")
                    return

def _clauses(text: str) -> Iterator[tuple[int, str]]:
    at = 0
    for m in re.finditer(r";|,\s+(?:and|but|so|which)\s+|\.\s", text):
        yield at, text[at:m.start()]
        at = m.end()
    yield at, text[at:]


# -- NO_CONTEXT -----------------------------------------------------------------------------------------------

_ORD = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last"
_ITEM = "stage|step|job|phase|pillar|tip|rule|lesson|principle|habit|mistake|level"
_NUM = r"\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten"
_ITEM_REF = re.compile(rf"\b(?:(?:{_ITEM})s?[ \t]+(?:{_NUM})\b(?![ \t]*[:.)/-])"
                       rf"|the\s+(?:{_ORD})(?=\s*[,.;:!?]|\s+(?:is|was|matters|comes)\b))", re.IGNORECASE)
_ITEM_COUNT = re.compile(rf"\b(?:{_NUM})[\s-]+(?:{_ITEM})s\b", re.IGNORECASE)
_PICK = re.compile(rf"\bwhich\s+(?:{_ITEM})\b", re.IGNORECASE)
_NAMED = re.compile(rf"(?m)^\s*(?:\d{{1,2}}[.)]|[-•→*]|(?:{_ITEM})\s+(?:{_NUM})\s*[:.)-])\s*\S", re.IGNORECASE)
_VIDEO = re.compile(r"\b(video|clip|reel|watch|carousel|slides?)\b", re.IGNORECASE)
_ACRONYM = re.compile(r"\b([A-Z][A-Z0-9&]{1,4})s?\b")
_PLAIN_ACRONYMS = frozenset("AI TV OK US UK EU DM DMS PR CEO FAQ POV URL PDF USA LOL FYI ASAP DIY PS AM PM ID "
                            "UC NYC LA SF UI UX API".split())
_PRONOUNS = re.compile(r"\b(this|that's|these|those|it|it's|they|they're|them|its|their)\b", re.IGNORECASE)


def _unexplained_acronyms(text: str) -> list[str]:
    out: list[str] = []
    for m in _ACRONYM.finditer(text):
        acr = m.group(1)
        if acr in _PLAIN_ACRONYMS or acr in out or acr.isdigit() or not any(c.isalpha() for c in acr):
            continue
        line = text[text.rfind("\n", 0, m.start()) + 1:text.find("\n", m.end()) % (len(text) + 1)]
        caps = re.findall(r"\b[A-Z]{2,}\b", line)
        if len(caps) >= 2 and sum(len(c) >= 4 for c in caps) >= 2:
            continue  # shouting, not an acronym
        if len(acr) >= 4 and sum(c in "AEIOU" for c in acr) >= 2:
            continue  # a capitalised word
        if f"({acr})" in text or f"({acr}s)" in text or re.search(rf"\b{acr}s?\s*\(", text):
            continue  # spelled out
        out.append(acr)
    return out


# a hypothetical told as a story ("Looking at the other websites in your list, you realize…", "Excited, you start
# by…"): the main clause narrates what "you" noticed or decided; "When you realize…, ask" is advice, not a scene
_SCENE = re.compile(r"^\W*(?:(?!(?:if|when|whenever|before|once|after|until|unless|then)\b)[\w'’-]+[^\w.!?]+){0,10}?"
                    r"you(?:['’]ve| have)?\s+(?:realize|realise|notice|decide|discover|look closer|stop to|"
                    r"start by|prepare to|find yourself)\b"
                    # a walk-through of one imagined user: "The user waits while the website slowly loads."
                    r"|^\W*the\s+(?:user|visitor|customer|shopper|participant)\s+[a-z]+s\s+(?:while|as|"
                    r"until)\b", re.IGNORECASE)


def opens_in_scene(sentence: str) -> bool:
    """Does this sentence, as a post's opening, narrate a scene from the source's story (`no_context_scene`)?"""
    return _SCENE.search(sentence) is not None


@detector(Defect.NO_CONTEXT)
def no_context(ctx: Context) -> Iterator[Finding]:
    """What a reader who has not seen the source cannot follow: items referred to by number, acronyms, pronouns."""
    text = ctx.text
    named = len(_NAMED.findall(text)) >= 2
    ref = _ITEM_REF.search(text)
    count = _ITEM_COUNT.search(text)
    video = bool(_VIDEO.search(text)) or ctx.spec.name in ("tiktok", "youtube_shorts")
    if not named and not video and (ref or (count and _PICK.search(text))):
        m = ref or count
        assert m is not None
        yield Finding(
            Defect.NO_CONTEXT, f"\"{m.group(0)}\" refers to items the post never names.",
            "Name the items (a short list), or say the point without the numbering.",
            span=m.span(), rating=3, rule="no_context_unnamed_items")
        return
    if ctx.brand.reading_grade <= 8:
        acronyms = _unexplained_acronyms(text)
        if len(acronyms) >= 3:
            first = re.search(rf"\b{acronyms[0]}", text)
            yield Finding(
                Defect.NO_CONTEXT,
                f"{len(acronyms)} unexplained acronyms ({', '.join(acronyms)}) for readers the brand speaks to "
                "plainly.",
                "Spell the terms out in plain words, or keep one acronym and explain it.",
                span=first.span() if first else None, rating=3, rule="no_context_acronyms")
            return
    opening = next((s for s in _sentences(ctx) if not _is_cta(s.text)), None)
    if opening is not None and (scene := _SCENE.search(opening.text)) is not None:
        yield Finding(
            Defect.NO_CONTEXT, f"the post opens inside a story the reader has not heard ('{scene.group(0)}').",
            "Open with the lesson the story teaches, then tell the scene if there is room.",
            span=(opening.start + scene.start(), opening.start + scene.end()), rating=3, rule="no_context_scene")
    if len(_PRONOUNS.findall(text)) < 3 or len(text) > 600:
        return
    body = [s for s in _sentences(ctx) if not _is_cta(s.text)]
    if 1 <= len(body) <= 3:
        joined = " ".join(s.text for s in body)
        pronouns = _PRONOUNS.findall(joined)
        nouns = [w for w in content_words(joined) if not w.isdigit()]
        if len(pronouns) >= 3 and len(pronouns) * 2 >= len(nouns):
            yield Finding(
                Defect.NO_CONTEXT,
                f"The post is mostly pronouns ({', '.join(p.lower() for p in pronouns[:5])}) with nothing they "
                "refer to.",
                "Say what \"this\" and \"they\" are: name the thing the post is about.",
                span=(body[0].start, body[-1].end), rating=2, rule="no_context_pronouns")


# a pillar this long covers more than its subject in every line: a post lifted from it must say what it is about
SUBJECT_PILLAR = 40


@detector(Defect.NO_CONTEXT, name="no_context_off_subject")
def off_subject(ctx: Context) -> Iterator[Finding]:
    """A post from a long pillar that never says what it is about: none of the subject words of the pillar's
    title (`keyphrases.subject_words`: "content debt", "meeting", "influencer") is in its sentences or its
    title. "Track metrics for page traffic, 404s or errors." leaves the reader asking: metrics for what?
    Editors rated such posts 1.8 on average (blind reviews r4-r7), against 2.6 for those that say it."""
    from ..keyphrases import names_subject, subject_words  # keyphrases reads the topic lists of this package

    source = ctx.source
    if source is None or len(source.sentences) < SUBJECT_PILLAR:
        return
    subject = subject_words(source.title)
    body = [s for s in _sentences(ctx) if not _is_cta(s.text)]
    if not subject or not body:
        return
    said = " ".join([ctx.draft.title or "", *(s.text for s in body)])
    if names_subject(said, subject):
        return
    yield Finding(Defect.NO_CONTEXT,
                  f"the post never says what it is about: none of {', '.join(sorted(subject))} (the subject of "
                  f"'{source.title[:60]}') is in it.",
                  "Name the subject in the first line, or post a passage that names it.",
                  span=(body[0].start, body[-1].end), rating=3, rule="no_context_off_subject")


# -- NO_CONTEXT: names and things the source introduced before the sentence the post took ---------------------

_TOKEN = re.compile(r"(?<![\w#@/.])[A-Za-z0-9][\w&-]*")
# names any reader knows: a post may use them without introducing them (the platforms are added from the catalogue)
_WELL_KNOWN = frozenset("""google microsoft apple amazon twitter wikipedia github reddit slack zoom excel canva chatgpt
openai netflix spotify python javascript english american america americans europe european covid ai monday tuesday
wednesday thursday friday saturday sunday january february march april may june july august september october
november december whatsapp pinterest snapchat seo""".split())
# a definite noun phrase that a relative clause, "of" or a participle defines is not a reference back
_DEFINED_AFTER = frozenset("of that which who whose whom where when you we your our i they behind between for".split())
_GENERIC_THE = frozenset("""same best worst first last next most least world internet public government way end
start beginning time day week month year people reader readers audience user users future past moment truth answer
question rest other others right wrong whole only real main key number entire overall final following above below
latter former current different various actual very""".split())
_VERBISH = frozenset("is are was were has have had do does did can could will would should may might must "
                     "does not stop".split())
_THE_NP = re.compile(r"\b[Tt]he\s+([a-z][a-z-]+)(?:\s+([a-z][a-z-]+))?")


@dataclass(frozen=True)
class _Names:
    first: dict[str, int]  # a name -> the index of the first source sentence that uses it (-1: the title)


def _source_names(src: SourceIndex) -> _Names:
    """The pillar's names (capitalised inside a sentence somewhere, never written in lower case) and where each
    first appears."""
    found = src.remember(("no_context", "names"), lambda: _names_of(src))
    assert isinstance(found, _Names)
    return found


def _names_of(src: SourceIndex) -> _Names:
    lower: set[str] = set()
    capital_inside: set[str] = set()
    for sent in src.sentences:
        for n, m in enumerate(_TOKEN.finditer(sent.text)):
            w = _bare(m.group(0))
            if w.islower() or w.isdigit():
                lower.add(w)
            elif n > 0 and any(c.isupper() for c in w):
                capital_inside.add(w)
    # (an acronym in capitals, "SMM", is the acronym check's: readers of a trade post often know them)
    names = {w for w in capital_inside if w.lower() not in lower and w.lower() not in _WELL_KNOWN
             and not (w.isupper() and w.isalpha())}
    first: dict[str, int] = {}
    for w in _TOKEN.findall(src.title or ""):
        if _bare(w) in names:
            first.setdefault(_bare(w), -1)
    for sent in src.sentences:
        for m in _TOKEN.finditer(sent.text):
            w = _bare(m.group(0))
            if w in names:
                first.setdefault(w, sent.index)
    return _Names(first)


def _bare(token: str) -> str:
    """A token without a possessive ("18F's" -> "18F")."""
    return token[:-2] if token.endswith(("'s", "’s")) else token  # not re.sub: called for every source word


def names_in(text: str) -> frozenset[str]:
    """Every word of `text` as `unmet` compares names (possessives off): what a post has already said."""
    return frozenset(_bare(w) for w in _TOKEN.findall(text))


@lru_cache(maxsize=1)
def _platform_names() -> frozenset[str]:
    """The platforms' own names ("LinkedIn", "TikTok"), from the catalogue."""
    from ..platforms import DEFAULT_PLATFORMS
    return frozenset(w.lower() for spec in DEFAULT_PLATFORMS.values() for w in spec.label.split())


@dataclass(frozen=True)
class Unmet:
    """A name or a thing a sentence uses that the source introduced before it: (start, end) in the sentence."""

    rule: str  # "no_context_name" ("Fresh Empire", "18F") or "no_context_the" ("the campaign")
    start: int
    end: int
    words: str


def unmet(src: SourceIndex, text: str, seen: frozenset[str] = frozenset(), opening: bool = True) -> Unmet | None:
    """What in `text`, a sentence taken from the source, the reader meets cold: a name the source introduced in
    an earlier sentence (and not in `seen`, the names the post already used) or, in a post's `opening`, a "the
    campaign" the source met before. None when `text` was not taken from the source. The offline engine asks
    the same question of its openings."""
    key = ("unmet", f"{opening}\0{text}\0{' '.join(sorted(seen))}")  # the engine asks again per platform
    found = src.remember(key, lambda: _unmet(src, text, seen, opening))
    assert found is None or isinstance(found, Unmet)
    return found


def _unmet(src: SourceIndex, text: str, seen: frozenset[str], opening: bool) -> Unmet | None:
    found = _extracted(src, text)
    if found is None or _is_cta(text):
        return None
    names = _source_names(src)
    known = _platform_names()
    for m in _TOKEN.finditer(text):
        w = _bare(m.group(0))
        at = names.first.get(w)
        if at is not None and at < found.index and w not in seen and w.lower() not in known:
            return Unmet("no_context_name", m.start(), m.start() + len(w), w)
    return _unmet_thing(src, text, found) if opening else None


def _unmet_thing(src: SourceIndex, text: str, found: SourceSentence) -> Unmet | None:
    """'The campaign team selected…' where the source met the campaign earlier."""
    for m in _THE_NP.finditer(text):
        head, after = m.group(1), (m.group(2) or "")
        if head in _GENERIC_THE or head in STOPWORDS or head in _DEFINED_AFTER or len(head) < 4:
            continue
        nxt = text[m.end(1):].split()
        if nxt and (nxt[0].lower().strip(",.;:") in _DEFINED_AFTER or nxt[1:2] == ["by"]):
            continue  # "the tools provided by…" defines itself
        if after and after in _DEFINED_AFTER:
            continue
        earlier = " ".join(src.sentences[i].text.lower() for i in src._postings.get(head, ()) if i < found.index)
        verb_next = not after or after.endswith(("s", "ed")) or after in _VERBISH
        # "the campaign team" where the source ran "the campaign team" before, or "the group meets" where it
        # wrote "a group" or "the group" before: a reference back, not a phrase that defines itself
        met = re.search(rf"\b(?:the|a|an)\s+{head}\b", earlier)
        if (after and f"{head} {after}" in earlier) or (verb_next and met):
            return Unmet("no_context_the", m.start(), m.end(1), f"{m.group(0).split()[0]} {head}")
    return None


@detector(Defect.NO_CONTEXT, name="no_context_unmet")
def no_context_unmet(ctx: Context) -> Iterator[Finding]:
    """A name ("Fresh Empire", "18F", "Kate") or a thing ("the campaign", "the group") the source introduced
    before the sentence the post took, and the post never does: the reader meets it cold."""
    src = ctx.source
    if src is None:
        return
    seen = names_in(ctx.draft.title or "")
    opening = True
    for s in _sentences(ctx):
        found = unmet(src, s.text, seen, opening)
        if found is not None:
            span = (s.start + found.start, s.start + found.end)
            if found.rule == "no_context_name":
                yield Finding(Defect.NO_CONTEXT, f"'{found.words}' is never introduced: the source says who or what "
                                                 "it is before this sentence, the post does not.",
                              f"Say who or what {found.words} is, or leave the name out.", span=span, rating=3,
                              rule=found.rule)
            else:
                yield Finding(Defect.NO_CONTEXT, f"'{found.words}' points back to something the source introduced "
                                                 "earlier; the post never says which.",
                              f"Say which {found.words.split()[-1]} (name it), or open with the sentence that "
                              "introduces it.", span=span, rating=3, rule=found.rule)
            return
        seen |= names_in(s.text)
        opening = False


# -- PERSONA --------------------------------------------------------------------------------------------------

_OUR_WORK = re.compile(r"\b(?:our|my)\s+(pilot|pilots|study|studies|research|survey|surveys|clients|client|customers|"
                       r"data|experiment|experiments|trial|trials|findings|analysis|test|tests|benchmark|report)\b",
                       re.IGNORECASE)
_AT_COMPANY = re.compile(r"\bAt\s+([A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,3}),?\s+(?:we|our\s+team)\b")
_FIRST_PERSON = re.compile(r"\b(we|our|us|we're|we've|ours)\b", re.IGNORECASE)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@detector(Defect.PERSONA)
def persona(ctx: Context) -> Iterator[Finding]:
    """The source author's first person carried into the brand: another company's "we", "our pilot"."""
    brand_key = _key(ctx.brand.name)
    for m in _AT_COMPANY.finditer(ctx.text):
        if _key(m.group(1)) != brand_key and brand_key not in _key(m.group(1)):
            yield Finding(
                Defect.PERSONA, f"\"{m.group(0)}\" has {m.group(1)} speaking as \"we\" under {ctx.brand.name}'s name.",
                f"Delete the self-introduction, or credit {m.group(1)} in the third person.",
                span=m.span(), rating=1, blocking=True, rule="persona_other_company")
            return
    src = ctx.source
    if src is None:
        return
    source_text = " ".join(s.text for s in src.sentences).lower()
    for m in _OUR_WORK.finditer(ctx.text):
        noun = m.group(1).lower()
        if not re.search(rf"\b{noun.rstrip('s')}", source_text):
            continue
        yield Finding(
            Defect.PERSONA,
            f"\"{m.group(0)}\" claims the source's {noun} as {ctx.brand.name}'s own.",
            f"Say whose {noun} it is (\"one {noun.rstrip('s')}\", or name who ran it).",
            span=m.span(), rating=4, blocking=False, rule="persona_our_work")
        return
    copied = []
    for s in _sentences(ctx):
        if _is_cta(s.text) or not _FIRST_PERSON.search(s.text):
            continue
        found = _match(src, s.text, 0.8)
        if found is None or found[2] < 0.5 or not _FIRST_PERSON.search(found[0].text):
            continue
        copied.append(s)
    if not copied:
        return
    s = copied[0]
    we = _FIRST_PERSON.search(s.text)
    assert we is not None
    if len(copied) >= 2:  # the post speaks as the source's author throughout: another organisation's "we"
        yield Finding(
            Defect.PERSONA,
            f"{len(copied)} sentences keep the source author's first person (\"{_quote(s.text, 50)}\"): the post "
            f"speaks as them under {ctx.brand.name}'s name.",
            "Rewrite it in the brand's voice and credit the source's author in the third person.",
            span=(s.start + we.start(), s.start + we.end()), rating=1, blocking=True, rule="persona_speaks_as_source")
        return
    yield Finding(
        Defect.PERSONA,
        f"\"{_quote(s.text, 60)}\" keeps the source author's \"{we.group(0)}\".",
        "Rewrite the sentence in the brand's own voice, or attribute it to the source's author.",
        span=(s.start + we.start(), s.start + we.end()), rating=4, blocking=False, rule="persona_copied_we")


# -- THREAD_FLOW ------------------------------------------------------------------------------------------------

_PART_COUNTER = re.compile(r"(?:^|\s)(\d{1,2})\s*/\s*(\d{1,2})\s*$|^\s*(\d{1,2})\s*/\s*(\d{1,2})(?=\s)")
_PART_LABEL = re.compile(rf"^\s*(?:\d{{1,2}}/\d{{1,2}}\s+)?({_ITEM})\s+({_NUM})\b", re.IGNORECASE)
_LIST_NUMBER = re.compile(r"(?m)^\s*(\d{1,2})[.)]\s+\S")


def _as_int(token: str) -> int:
    return int(token) if token.isdigit() else int(_NUMBER_WORDS[token.lower()])


@detector(Defect.THREAD_FLOW)
def thread_flow(ctx: Context) -> Iterator[Finding]:
    """A thread whose posts do not lead from one to the next: steps out of sequence, a stray or missing step,
    broken "n/N" numbering, posts taken from the source out of order, no payoff at the end."""
    if not ctx.spec.is_thread or len(ctx.draft.parts) < 2:
        return
    parts = ctx.draft.parts
    spans = ctx.part_spans
    problems: list[tuple[str, tuple[int, int] | None, str]] = []  # (what, span, where)
    severe = False

    counters = [_PART_COUNTER.search(p.strip()) for p in parts]
    if any(counters):
        got = [(int(m.group(1) or m.group(3)), int(m.group(2) or m.group(4))) if m else None for m in counters]
        bad = [i for i, g in enumerate(got) if g is None or g != (i + 1, len(parts))]
        if bad:
            i = bad[0]
            seen = got[i]
            problems.append((f"post {i + 1} is numbered {'nothing' if seen is None else f'{seen[0]}/{seen[1]}'}, "
                             f"not {i + 1}/{len(parts)}", spans[i], f"part {i + 1}"))

    labels = [(i, m) for i, p in enumerate(parts) if (m := _PART_LABEL.match(p))]
    if len(labels) >= 2:
        numbers = [_as_int(m.group(2)) for _, m in labels]
        if numbers != sorted(numbers):
            i, m = next((labels[j] for j in range(1, len(numbers)) if numbers[j] < numbers[j - 1]), labels[0])
            problems.append((f"{labels[0][1].group(1).lower()}s run {', '.join(map(str, numbers))}",
                             (spans[i][0] + m.start(1), spans[i][0] + m.end(2)), f"part {i + 1}"))
        elif numbers != list(range(numbers[0], numbers[0] + len(numbers))):
            problems.append((f"{labels[0][1].group(1).lower()}s run {', '.join(map(str, numbers))}: one is missing",
                             None, "thread"))

    listed = [(i, m) for i, p in enumerate(parts) for m in _LIST_NUMBER.finditer(p)]
    if listed:
        numbers = [int(m.group(1)) for _, m in listed]
        if numbers[0] > 1 or numbers != list(range(1, len(numbers) + 1)):
            i, m = listed[0] if numbers[0] != 1 else next(
                (listed[j] for j in range(1, len(numbers)) if numbers[j] != numbers[j - 1] + 1), listed[0])
            problems.append((f"list item \"{m.group(1)}.\" has no steps before it" if numbers[0] > 1 else
                             f"list numbers run {', '.join(map(str, numbers))}",
                             (spans[i][0] + m.start(1), spans[i][0] + m.end(1) + 1), f"part {i + 1}"))

    if ctx.source is not None:
        placed: list[tuple[int, int]] = []
        for s in _sentences(ctx):
            if placed and placed[-1][0] == s.part:
                continue
            found = _extracted(ctx.source, s.text)
            if found is not None:
                placed.append((s.part, found.index))
        back = [(a, b) for a, b in zip(placed, placed[1:], strict=False) if b[1] < a[1]]
        if len(placed) >= 3 and back:
            severe = severe or len(back) >= 2
            i = back[0][1][0]
            problems.append((f"posts taken from the source jump back {len(back)} time(s) (post {i + 1} comes from "
                             "earlier in the source than the post before it)", spans[i], f"part {i + 1}"))

    last = [s for s in _sentences(ctx) if s.part == len(parts) - 1]
    if last and all(_is_cta(s.text) for s in last):
        problems.append(("the last post is only a call to action: the thread has no payoff", spans[-1],
                         f"part {len(parts)}"))
    elif labels and labels[-1][0] == len(parts) - 1:
        problems.append((f"the thread stops on {labels[-1][1].group(0).strip()} with no wrap-up", spans[-1],
                         f"part {len(parts)}"))

    if not problems:
        return
    severe = severe or len(problems) >= 3
    what, span, where = problems[0]
    more = (f" (and {len(problems) - 1} more: " + "; ".join(p[0] for p in problems[1:]) + ")"
            if len(problems) > 1 else "")
    yield Finding(
        Defect.THREAD_FLOW, f"The thread does not run in sequence: {what}{more}.",
        "Put the posts in the order the steps happen, number them n/N, and end on a post that pays off the promise.",
        span=span, rating=2 if severe else 3, rule="thread_flow_sequence", where=where)
