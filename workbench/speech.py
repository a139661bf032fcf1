"""Transcripts that read like writing: captions become clean, timed sentences in topic sections.

A caption file is speech cut into screen-sized pieces: speaker labels, sound tags ("[applause]"), fillers ("um",
"you know,"), stammers ("the the"), restarts ("we were -- we went"), a capital wherever a caption line began, and,
in auto-captions, no punctuation at all. Engines quote sentences, so each of those is a defect in a post (rubric
code SPEECH). Everything here is rules, no model: it must run offline, fast, on any machine.

`transcribe(cues)` is the whole pass: labels and sounds out, rolling captions de-duplicated, caption casing
repaired, sentences found (punctuation where the talk has it; pauses, cue breaks and discourse markers where it
has none, with a length cap), each sentence tidied (`tidy`), then the talk cut into sections of a few minutes
by TextTiling (`topic_boundaries`, `gap_depths`; the reels' clip chooser shares them).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex
import yaml

from .text import alternation

DATA = Path(__file__).resolve().parent / "data" / "ingest.yaml"

LONG_PUNCTUATED = 40  # words: a punctuated sentence longer than this is cut at a comma, pause or cue break
CAP_UNPUNCTUATED = 25  # words: an unpunctuated stretch longer than this is cut (pieces stay under ~35)
HARD_CAP = 60  # words: no sentence is longer, whatever the input
PAUSE = 0.6  # seconds between cues: a likely sentence break in unpunctuated speech
TURN_PAUSE = 2.0  # seconds: a pause this long starts a new block (turn)
SECTION_SECONDS = 240.0  # a topic section's target length; sections run roughly 2-6 minutes
MIN_SECTIONED = 90.0  # seconds: a shorter talk is one section
TILING_UNITS = 2000  # TextTiling runs over at most this many units (groups of sentences): linear in any talk


@lru_cache(maxsize=1)
def word_lists() -> dict[str, dict[str, Any]]:
    """The ingest word lists (workbench/data/ingest.yaml), read once. Every value is a string (BaseLoader):
    'no' and 'yes' are words here, not booleans."""
    loaded = yaml.load(DATA.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # noqa: S506 (BaseLoader is safe)
    return loaded if isinstance(loaded, dict) else {}


def _speech(name: str) -> list[str]:
    words = word_lists().get("speech", {}).get(name, [])
    return [str(w) for w in words] if isinstance(words, list) else []


@dataclass(slots=True)
class Cue:
    """One caption: its times, its text (lines kept, markup already removed) and its speaker when known."""

    start: float
    end: float
    text: str
    speaker: str | None = None
    turn: bool = False  # a mark (">>", "- ", a label) says a new speaker starts here


@dataclass(frozen=True, slots=True)
class SpokenSentence:
    text: str
    start: float
    end: float
    speaker: str | None
    turn: int  # the speaker turn it belongs to (one block per turn and section)


@dataclass
class Talk:
    """A transcript read as writing: sentences, where sections start (sentence indices), what was cleaned."""

    sentences: list[SpokenSentence]
    section_starts: list[int]
    punctuated: bool
    dropped: Counter[str] = field(default_factory=Counter)
    cleaned: Counter[str] = field(default_factory=Counter)
    topics: list[str | None] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Patterns, compiled once from the word lists

@dataclass(frozen=True)
class _Patterns:
    fillers: re.Pattern[str]
    comma_fillers: re.Pattern[str]
    hedges: re.Pattern[str]
    quick: re.Pattern[str]
    prefix_restart: re.Pattern[str]
    leading_fillers: re.Pattern[str]
    trailing_fillers: re.Pattern[str]
    tag_question: re.Pattern[str]
    like: re.Pattern[str]
    repeat1: re.Pattern[str]
    repeat2: re.Pattern[str]
    restart: re.Pattern[str]
    dangling: re.Pattern[str]
    sounds: re.Pattern[str]
    bracket_label: re.Pattern[str]
    label: regex.Pattern[str]
    double_ok: frozenset[str]
    backchannel: frozenset[str]
    no_end: frozenset[str]
    markers: frozenset[str]
    markers2: frozenset[str]
    abbreviations: frozenset[str]
    stopwords: frozenset[str]
    generic: frozenset[str]
    sound_words: frozenset[str]


@lru_cache(maxsize=1)
def patterns() -> _Patterns:
    fillers = alternation(_speech("fillers"))
    comma = alternation(w for w in _speech("comma_fillers") if w != "like")
    sounds = alternation(_speech("sounds"))
    no_end = frozenset(_speech("no_end"))
    markers = _speech("discourse_markers")
    return _Patterns(
        # "um", "uh," anywhere; with the comma or stop that set it off
        fillers=re.compile(rf"(,\s*)?(?<![\w'’-])(?:{fillers})(?![\w'’-])(\s*(?:\.\.\.|…|[,.;]))?", re.IGNORECASE),
        # ", sort of," ", basically," ", like," set off by commas
        comma_fillers=re.compile(rf"(,\s*)(?:{comma}|like)(\s*,|\s*\.\.\.|…)", re.IGNORECASE),
        hedges=re.compile(r"(?<![\w'’-])(?:you know|I mean)(?![\w'’-])", re.IGNORECASE),
        quick=re.compile(rf"(?<![\w'’-])(?:{fillers}|{comma}|like|you know|i mean)(?![\w'’-])", re.IGNORECASE),
        prefix_restart=re.compile(r"(?<![\w'’-])([A-Za-z]{1,8})(?:--+|—|–)\s*(\1[A-Za-z]+)", re.IGNORECASE),
        leading_fillers=re.compile(rf"^(?:{comma}|like)\s*,\s*", re.IGNORECASE),
        trailing_fillers=re.compile(rf",\s*(?:{comma})(?=\s*[.?!]?\s*$)", re.IGNORECASE),
        # "…faster, right?" after a statement of five words or more: the tag goes, the statement stays
        tag_question=re.compile(rf"^((?:\S+\s+){{4,}}\S+?),\s*(?:{alternation(_speech('tag_questions'))})\?\s*$",
                                re.IGNORECASE),
        # "we had like, ten people": 'like' set off by a comma after it, not after a verb that takes it
        like=re.compile(r"(?<!\bwas)(?<!\bis)(?<!\bwere)(?<!\bam)(?<!\bare)(?<!'s)(?<!’s)(?<!\bfeel)(?<!\bfeels)"
                        r"(?<!\blooks)(?<!\blook)(?<!\bseems)(?<!\bsounds)(?<!\bjust)\s+like\s*,\s+", re.IGNORECASE),
        repeat1=re.compile(r"(?<![\w'’-])([A-Za-z][\w'’]*)(?:,?\s+\1)+(?![\w'’-])", re.IGNORECASE),
        repeat2=re.compile(r"(?<![\w'’-])([A-Za-z][\w'’]*\s+[A-Za-z][\w'’]*)(?:,?\s+\1)+(?![\w'’-])", re.IGNORECASE),
        # "we were -- we went": a short fragment, a dash, and a restart on the fragment's first word
        restart=re.compile(r"(?<![\w'’-])([A-Za-z][\w'’]*)((?:\s+[\w'’]+){0,4})\s*(?:--+|—|–)\s*(\1)(?![\w'’-])",
                           re.IGNORECASE),
        # "that it-- these are": a word that cannot end a thought, cut off by a dash
        dangling=re.compile(rf"(?<![\w'’-])(?:{alternation(_speech('restart_words'))})(?:--+|—)(?=\s*[\w\"“])",
                            re.IGNORECASE),
        # "(applause)", "[laughter]", and any bracketed stage direction in lower case ("[man speaking indistinctly]")
        sounds=re.compile(rf"(?i:[\[(]\s*(?:{sounds})\s*[\])])|\[[^\[\]A-Z]{{1,60}}\]|♪[^♪]{{0,200}}♪|♪"),
        bracket_label=re.compile(r"^\[([^\[\]\n]{1,40})\]\s*:?\s*"),
        label=regex.compile(r"^(?:>>\s*)?([\p{Lu}][\p{L}\p{N} .'’-]{0,30}?|[\p{Ll}][\p{Ll} ]{1,20}?):\s*"),
        double_ok=frozenset(_speech("double_ok")),
        backchannel=frozenset(_speech("backchannel")),
        no_end=no_end,
        markers=frozenset(m for m in markers if " " not in m),
        markers2=frozenset(m for m in markers if " " in m),
        abbreviations=frozenset(_speech("abbreviations")),
        stopwords=frozenset(_speech("stopwords")),
        generic=frozenset(_speech("generic_speakers")),
        sound_words=frozenset(_speech("sounds")),
    )


# ---------------------------------------------------------------------------------------------
# Cues: labels, sounds, rolling captions, casing

_TURN_MARK = re.compile(r"^(?:>>+|-\s+|–\s+)\s*")
_SPACES = re.compile(r"\s+")


_ROLES = frozenset("host interviewer interviewee moderator presenter narrator announcer speaker".split())


def _looks_like_name(label: str) -> bool:
    words = label.split()
    return 0 < len(words) <= 3 and all(w[:1].isupper() or w[:1].isdigit() for w in words)


def _label(line: str, counts: Counter[str]) -> tuple[bool, str | None, str]:
    """(whether the line opens with a speaker label, the speaker's name or None for an unnamed voice, the rest)."""
    p = patterns()
    m = p.label.match(line)
    if m:
        name = m.group(1).strip()
        low = name.lower()
        if low in p.generic or low.rstrip(" 0123456789") in p.generic:
            # a role names a voice ("Host", "Speaker 2"); "Man", "Audience" or "Both" name nobody
            role = low.rstrip(" 0123456789") in _ROLES and low != "speaker"
            return True, (name.title() if role else None), line[m.end():]
        if name[:1].isupper() and len(name.split()) <= 3 and (name.isupper() or counts[m.group(1)] > 1):
            return True, (name.title() if name.isupper() else name), line[m.end():]
        return False, None, line
    b = p.bracket_label.match(line)
    if b:
        name = b.group(1).strip()
        if name.lower() not in p.sound_words and _looks_like_name(name):
            return True, name, line[b.end():]
    return False, None, line


def split_speakers(cues: list[Cue]) -> list[Cue]:
    """Speaker labels out of the text, into `speaker`: "ALICE:", "Alice:" (when it recurs), ">> Speaker 2:",
    "[Interviewer]", a lower-case caption label for an unnamed voice ("man:", kept as no name). A label may
    start any caption line: a cue with two speakers becomes two cues, its time shared by length."""
    p = patterns()
    counts: Counter[str] = Counter()
    for cue in cues:
        if ":" in cue.text:
            for line in cue.text.split("\n"):
                m = p.label.match(_TURN_MARK.sub("", line.strip()))
                if m:
                    counts[m.group(1)] += 1
    out: list[Cue] = []
    current: str | None = None
    for cue in cues:
        lines: list[tuple[str | None, bool, str]] = []
        turn = False
        if cue.speaker is not None:
            turn, current = cue.speaker != current, cue.speaker
        for raw in cue.text.split("\n"):
            line = raw.strip()
            if not line:
                continue
            mark = _TURN_MARK.match(line)
            if mark:
                line, turn = line[mark.end():], True
            labelled, name, line = _label(line, counts)
            if labelled:
                current, turn = name, True
            lines.append((current, turn, line))
            turn = False
        pieces: list[tuple[str | None, bool, list[str]]] = []
        for who, new_turn, line in lines:
            if pieces and not new_turn and pieces[-1][0] == who:
                pieces[-1][2].append(line)
            else:
                pieces.append((who, new_turn, [line]))
        total = sum(len(" ".join(t)) for _, _, t in pieces) or 1
        at = cue.start
        for k, (who, new_turn, text) in enumerate(pieces):
            joined = "\n".join(t for t in text if t)
            span = (cue.end - cue.start) * len(" ".join(text)) / total
            stop = cue.end if k == len(pieces) - 1 else at + span
            if joined:
                out.append(Cue(at, stop, joined, who, new_turn))
            at = stop
    return out


def _remove_sounds(cues: list[Cue], dropped: Counter[str]) -> None:
    sounds = patterns().sounds
    for cue in cues:
        if "[" in cue.text or "(" in cue.text or "♪" in cue.text:
            cue.text, n = sounds.subn(" ", cue.text)
            dropped["sound"] += n


def _dedupe_rolling(cues: list[Cue], cleaned: Counter[str]) -> None:
    """Auto-captions roll: each cue repeats the end of the one before. The repeated words are dropped."""
    prev: list[str] = []
    for cue in cues:
        words = cue.text.split()
        if prev and len(words) >= 3:
            tail = prev[-15:]
            first = words[0].lower()
            for i, w in enumerate(tail):
                k = len(tail) - i
                if k >= 3 and w.lower() == first and [x.lower() for x in tail[i:]] == [x.lower() for x in words[:k]]:
                    cue.text = " ".join(words[k:])
                    cleaned["rolling"] += 1
                    words = words[k:]
                    break
        prev = words


_ENDS_SENTENCE = re.compile(r"[.!?…:\"”]\s*$")
_FIRST_WORD = re.compile(r"^([\"“‘(]*)([A-Z][a-z'’]+)\b")


def repair_casing(cues: list[Cue], cleaned: Counter[str]) -> None:
    """A capital where a caption line began, mid-sentence ("it turns out\\nThat this"), goes back to lower case,
    unless the word is 'I', an acronym, or a name (this talk never writes it in lower case, or writes it with a
    capital mid-sentence)."""
    text = "\n".join(c.text for c in cues)
    lower = set(re.findall(r"(?<![\w'’])[a-z][a-z'’]*", text))
    named = set(re.findall(r"(?<=[a-z,;] )[A-Z][a-z'’]+", text))
    keep = frozenset(w.title() for w in _speech("i_words")) | {"I"}
    stop = patterns().stopwords
    ended = True
    for cue in cues:
        if cue.turn:
            ended = True
        lines = cue.text.split("\n")
        for k, line in enumerate(lines):
            m = _FIRST_WORD.match(line)
            if m and not ended and not m.group(1).strip("("):  # a capital after an opening quote starts a quote
                word = m.group(2)
                if word not in keep and (word.lower() in lower or word.lower() in stop) and word not in named:
                    lines[k] = m.group(1) + word.lower() + line[m.end():]
                    cleaned["casing"] += 1
            if line.strip():
                ended = bool(_ENDS_SENTENCE.search(line))
        cue.text = " ".join(" ".join(lines).split())


# ---------------------------------------------------------------------------------------------
# Sentences

_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9¿¡]|\s*$)")
_TERMINAL_COUNT = re.compile(r"[.!?](?:\s|$)")


def is_punctuated(texts: Sequence[str]) -> bool:
    """Whether the talk was punctuated by a person (or a captioner): about one full stop per 40 words at least."""
    sample = " ".join(texts[:4000])
    words = sample.count(" ") + 1
    return len(_TERMINAL_COUNT.findall(sample)) * 40 >= words


def _sentence_ends(text: str) -> list[int]:
    """Where sentences end in punctuated text (offsets after the mark), not after 'Dr.', 'e.g.' or an initial."""
    abbreviations = patterns().abbreviations
    ends = []
    for m in _SENTENCE_END.finditer(text):
        if text[m.start()] == ".":
            token = text[text.rfind(" ", 0, m.start()) + 1:m.start()].lower().lstrip("(\"“")
            if token in abbreviations or (len(token) == 1 and token.isalpha()):
                continue
        ends.append(m.end())
    if not ends or ends[-1] < len(text.rstrip()):
        ends.append(len(text))
    return ends


def _bare(word: str) -> str:
    return word.strip(".,;:!?\"“”‘’'()[]—–-").lower()


def _cuts(text: str, a: int, b: int, cue_starts: Sequence[int], gaps: dict[int, float], cap: int) -> list[int]:
    """Where to cut text[a:b] (a run with no full stop, or a sentence too long) into sentences, as offsets.

    Each gap between words is scored: a pause (3), a discourse marker after a cue break or comma (2.5), a comma
    at a cue break (2), a marker (1.5), a comma or dash (1.2), a cue break (1); never after a word a sentence
    cannot end on ('the', 'of'). First the run is cut at every pause and marked break (linear, however long the
    run); then each piece still over `cap` words is cut at its best-scoring gap, balanced, until none is."""
    p = patterns()
    words = [(m.start(), m.end()) for m in _WORD.finditer(text, a, b)]
    n = len(words)
    if n <= cap:
        return []
    starts = set(cue_starts)
    scores = [0.0] * n
    for i in range(1, n):
        ws, we = words[i]
        prev = text[words[i - 1][0]:words[i - 1][1]]
        if _bare(prev) in p.no_end and not prev.endswith((",", ";", ".", "?", "!")):
            scores[i] = -1.0
            continue
        word = _bare(text[ws:we])
        two = f"{word} {_bare(text[words[i + 1][0]:words[i + 1][1]])}" if i + 1 < n else ""
        marker = word in p.markers or two in p.markers2
        comma = prev.endswith((",", ";", ":", "--", "—"))
        at_cue = ws in starts
        if at_cue and gaps.get(ws, 0.0) >= PAUSE:
            scores[i] = 3.0
        elif marker and (at_cue or comma):
            scores[i] = 2.5
        elif comma and at_cue:
            scores[i] = 2.0
        elif marker:
            scores[i] = 1.5
        elif comma:
            scores[i] = 1.2
        elif at_cue:
            scores[i] = 1.0
    pieces: list[tuple[int, int]] = []
    begin = 0
    for i in range(1, n):
        s = scores[i]
        if s >= 2.5 and i - begin >= (4 if s >= 3 else 8) and n - i >= 4:
            pieces.append((begin, i))
            begin = i
        elif i - begin >= 3 * cap:
            j = max(range(begin + cap // 2, i), key=lambda k: (scores[k], k))
            pieces.append((begin, j))
            begin = j
    pieces.append((begin, n))
    cuts: list[int] = []
    todo = [piece for piece in pieces if piece[1] - piece[0] > cap]
    cuts.extend(lo for lo, _ in pieces[1:])
    while todo:
        lo, hi = todo.pop()
        span = hi - lo
        mid = (lo + hi) / 2
        best = max(range(lo + 4, hi - 3), key=lambda k: scores[k] - abs(k - mid) / span)
        cuts.append(best)
        todo.extend(piece for piece in ((lo, best), (best, hi)) if piece[1] - piece[0] > cap)
    return [words[i][0] for i in sorted(cuts)]


def tidy(text: str, cleaned: Counter[str] | None = None) -> str:
    """One spoken sentence as written text: fillers, stammers and restarts out, 'i' as 'I', a capital first and
    a full stop last. Counts what it removed in `cleaned` (fillers, repeats, restarts)."""
    p = patterns()
    counts = cleaned if cleaned is not None else Counter()
    if "-" in text or "—" in text or "–" in text:
        text, n = p.restart.subn(r"\3", text)
        counts["restarts"] += n
        text, n = p.prefix_restart.subn(r"\2", text)
        counts["restarts"] += n
        text, n = p.dangling.subn("", text)
        counts["restarts"] += n
        text = re.sub(r"\s*(?:--+|—|–)\s*(?=\S)", " — ", text)
        text = re.sub(r"\s*(?:--+|—|–)\s*$", "", text)
    if p.quick.search(text):
        text, n = p.fillers.subn(lambda m: _mend(m, text), text)
        counts["fillers"] += n
        text, n = p.comma_fillers.subn(lambda m: _mend(m, text), text)
        counts["fillers"] += n
        text, n = p.leading_fillers.subn("", text)
        counts["fillers"] += n
        text, n = p.trailing_fillers.subn("", text)
        counts["fillers"] += n
        text, n = p.like.subn(" ", text)
        counts["fillers"] += n
        text = _drop_hedges(text, counts)
    if text.endswith("?"):
        text, n = p.tag_question.subn(r"\1.", text)
        counts["fillers"] += n
    text, n = p.repeat2.subn(lambda m: m.group(1), text)
    counts["repeats"] += n
    text = p.repeat1.sub(lambda m: _one(m, p.double_ok, counts), text)
    text = re.sub(r"(?<![\w'’])i(?=$|[\s,.;:!?'’])", "I", text)
    text = re.sub(r"\s+([,.;:?!])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    text = re.sub(r",\s*([.?!])", r"\1", text)
    text = _SPACES.sub(" ", text).strip(" ,;:")
    text = re.sub(r"^[—–.\-]+\s*", "", text)
    if not text:
        return ""
    if text[-1] in ",;:—–-":
        text = text.rstrip(",;:—–- ")
    if text and text[-1] not in ".!?…\"”’')":
        text += "."
    for k, ch in enumerate(text):
        if ch.isalpha():
            if ch.islower():
                text = text[:k] + ch.upper() + text[k + 1:]
            break
        if ch.isdigit():
            break
    return text


_LAST_WORD = re.compile(r"([\w'’]+)\W*$")
_NEXT_WORD = re.compile(r"\s*([\w'’]+)")
_HEDGE_OBJECT = frozenset("what that how why who whom where when if whether about it this him her them me us you "
                          "anything something everything nothing".split())
_HEDGE_VERB = frozenset("do don't did didn't let if as all what will would ll you to".split())


def _mend(m: re.Match[str], text: str) -> str:
    """What a removed filler leaves: the comma that set it off stays (once) unless the word before it cannot
    end a phrase ("at the, uh, department" reads "at the department"); a full stop or an ellipsis after it stays
    as a full stop when the sentence ends there."""
    before, after = m.group(1), m.group(2)
    if after and ("." in after or "…" in after) and not text[m.end():].strip():
        return "."
    if not (before or (after and "," in after)) or m.end() >= len(text.rstrip()):
        return " "
    p = patterns()
    prev = _LAST_WORD.search(text, 0, m.start())
    nxt = _NEXT_WORD.match(text, m.end())
    if (prev is not None and prev.group(1).lower() in p.backchannel) or (nxt and nxt.group(1).lower() in p.markers):
        return ", "  # "Okay, uh, so": the comma belongs to the sentence, not to the filler
    return " "


def _drop_hedges(text: str, counts: Counter[str]) -> str:
    """'you know' and 'I mean' when they are fillers: set off by a comma or dash, opening the sentence or a
    clause, or ending it ("so, you know, we tried" / "I mean, it works"), not when they say something ("let
    you know", "I mean this", "you know what happened")."""
    p = patterns()
    out: list[str] = []
    at = 0
    for m in p.hedges.finditer(text):
        prev = _LAST_WORD.search(text, 0, m.start())
        gap = text[prev.end() if prev else 0:m.start()]
        prev_word = prev.group(1).lower() if prev else ""
        rest = text[m.end():]
        nxt = _NEXT_WORD.match(rest)
        next_word = nxt.group(1).lower() if nxt else ""
        set_off_after = bool(re.match(r"\s*(?:,|—|–|--|\.\.\.|…|[.?!]\s*$|$)", rest))
        set_off_before = prev is None or any(c in gap for c in ",—–(") or prev_word in (
            "and", "but", "so", "or", "like", "because", "just", "then", "well", "yeah", "okay")
        if prev_word in _HEDGE_VERB and not any(c in gap for c in ",—–"):
            continue
        if not (set_off_after or (set_off_before and next_word not in _HEDGE_OBJECT)):
            continue
        end = m.end()
        tail = re.match(r"\s*(?:,|—|–|--)?", rest)
        end += tail.end() if tail else 0
        out.append(text[at:m.start()])
        out.append(" ")
        at = end
        counts["fillers"] += 1
    if not out:
        return text
    out.append(text[at:])
    return "".join(out)


def _one(m: re.Match[str], ok: frozenset[str], counts: Counter[str]) -> str:
    word = m.group(1)
    if word.lower() in ok:
        return m.group(0)
    counts["repeats"] += 1
    return word


def is_backchannel(text: str) -> bool:
    """'Okay.', 'Yeah, right.', 'Thank you.': a sentence that says nothing a post could use."""
    bc = patterns().backchannel
    rest = text.lower()
    for phrase in ("thank you", "all right", "uh-huh", "mm-hmm"):
        rest = rest.replace(phrase, " ")
    words = [_bare(w) for w in rest.split()]
    return all(w in bc or not w for w in words)


@dataclass
class _Turn:
    speaker: str | None
    cues: list[Cue] = field(default_factory=list)


def _turns(cues: list[Cue]) -> list[_Turn]:
    turns: list[_Turn] = []
    for cue in cues:
        if not cue.text.strip():
            continue
        last = turns[-1] if turns else None
        if last is None or cue.turn or cue.speaker != last.speaker or cue.start - last.cues[-1].end >= TURN_PAUSE:
            turns.append(_Turn(cue.speaker))
        turns[-1].cues.append(cue)
    return turns


def sentences_from_cues(cues: list[Cue], dropped: Counter[str], cleaned: Counter[str]) -> tuple[
        list[SpokenSentence], bool]:
    """Clean, timed sentences from prepared cues (labels split, sounds out, casing repaired); and whether the
    talk was punctuated. A sentence's time runs from the start of the cue its first word is in to the end of
    the cue its last word is in."""
    punctuated = is_punctuated([c.text for c in cues])
    out: list[SpokenSentence] = []
    for t, turn in enumerate(_turns(cues)):
        pieces, starts, ends = [], [], []
        gaps: dict[int, float] = {}
        pos = 0
        for k, cue in enumerate(turn.cues):
            pieces.append(cue.text)
            starts.append(pos)
            if k:
                gaps[pos] = cue.start - turn.cues[k - 1].end
            pos += len(cue.text) + 1
            ends.append(pos)
        text = " ".join(pieces)
        bounds = _sentence_ends(text) if punctuated else [len(text)]
        cap = LONG_PUNCTUATED if punctuated else CAP_UNPUNCTUATED
        a = 0
        spans: list[tuple[int, int]] = []
        for b in bounds:
            cut_at = _cuts(text, a, b, starts, gaps, cap)
            for c in cut_at:
                spans.append((a, c))
                a = c
            spans.append((a, b))
            a = b
        for a, b in spans:
            raw = text[a:b].strip()
            if not raw:
                continue
            sentence = tidy(raw, cleaned)
            if not sentence or is_backchannel(sentence):
                dropped["filler"] += 1
                continue
            if len(sentence.split()) > HARD_CAP:  # a run no rule could cut (one 'word' per cue, say)
                sentence = " ".join(sentence.split()[:HARD_CAP]).rstrip(",;:") + "…"
            i = bisect_right(starts, a + (len(text[a:b]) - len(text[a:b].lstrip()))) - 1
            j = bisect_right(starts, max(b - 1, a)) - 1
            out.append(SpokenSentence(sentence, turn.cues[max(i, 0)].start, turn.cues[max(j, 0)].end,
                                      turn.speaker, t))
    return out, punctuated


# ---------------------------------------------------------------------------------------------
# TextTiling (Hearst 1997): where the vocabulary changes, the topic does

_TERM = re.compile(r"[A-Za-z][A-Za-z'’-]+")


def terms(text: str, stopwords: frozenset[str] | None = None) -> Counter[str]:
    """The content words of a text, lower case, plural 's' folded."""
    stop = patterns().stopwords if stopwords is None else stopwords
    out: Counter[str] = Counter()
    for w in _TERM.findall(text):
        w = w.lower()
        if len(w) > 2 and w not in stop:
            out[w[:-1] if w.endswith("s") and not w.endswith("ss") and len(w) > 4 else w] += 1
    return out


def cosine(a: Counter[str], b: Counter[str]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def gap_similarities(bags: Sequence[Counter[str]], window: int) -> list[float]:
    """For each gap k (after unit k): the cosine similarity of the `window` units before it and after it."""
    sims = []
    for k in range(len(bags) - 1):
        left: Counter[str] = Counter()
        for bag in bags[max(0, k - window + 1):k + 1]:
            left.update(bag)
        right: Counter[str] = Counter()
        for bag in bags[k + 1:k + 1 + window]:
            right.update(bag)
        sims.append(cosine(left, right))
    return sims


def topic_boundaries(bags: Sequence[Counter[str]], window: int = 3) -> set[int]:
    """Gaps whose depth (how far the similarity dips below the highest point on each side) stands above the
    mean by a standard deviation, and above 0.15: a change of subject. Gaps near either end, where one side's
    block is cut short, are not judged."""
    n = len(bags)
    if n < 2 * window + 1:
        return set()
    sims = gap_similarities(bags, window)
    left_peak, right_peak = [0.0] * len(sims), [0.0] * len(sims)
    peak = 0.0
    for k, s in enumerate(sims):
        peak = max(peak, s)
        left_peak[k] = peak
    peak = 0.0
    for k in range(len(sims) - 1, -1, -1):
        peak = max(peak, sims[k])
        right_peak[k] = peak
    depths = [(left_peak[k] - s) + (right_peak[k] - s) for k, s in enumerate(sims)]
    mean = sum(depths) / len(depths)
    sd = math.sqrt(sum((d - mean) ** 2 for d in depths) / len(depths))
    return {k for k in range(window - 1, n - window) if depths[k] > mean + sd and depths[k] > 0.15}


def gap_depths(sims: Sequence[float], reach: int) -> list[float]:
    """Hearst's depth score: how far each gap's similarity sits below the nearest peak on each side (climbing
    while the similarity rises, at most `reach` gaps away)."""
    depths = []
    n = len(sims)
    for k, s in enumerate(sims):
        left = s
        i = k - 1
        while i >= 0 and k - i <= reach and sims[i] >= left:
            left = sims[i]
            i -= 1
        right = s
        j = k + 1
        while j < n and j - k <= reach and sims[j] >= right:
            right = sims[j]
            j += 1
        depths.append((left - s) + (right - s))
    return depths


def section_starts(sentences: Sequence[SpokenSentence], target: float = SECTION_SECONDS) -> list[int]:
    """Sentence indices where topic sections start (always 0): a talk of D seconds gets max(3, D/target)
    sections, each cut at the deepest topic change (TextTiling) within a window around its target length; a
    change of speaker or a long pause helps a cut. A talk under 90 s is one section."""
    n = len(sentences)
    if n == 0:
        return []
    duration = sentences[-1].end - sentences[0].start
    if duration < MIN_SECTIONED or n < 12:
        return [0]
    count = max(3, round(duration / target))
    size = max(1, math.ceil(n / TILING_UNITS))  # sentences per unit
    units = [list(range(i, min(i + size, n))) for i in range(0, n, size)]
    bags = []
    for unit in units:
        bag: Counter[str] = Counter()
        for i in unit:
            bag.update(terms(sentences[i].text))
        bags.append(bag)
    window = max(2, min(8, len(units) // (count * 3) or 2))
    sims = gap_similarities(bags, window)
    depths = gap_depths(sims, reach=3 * window)
    # gap g sits after unit g: the next section would start at units[g + 1][0]
    options = []
    for g, depth in enumerate(depths):
        first = units[g + 1][0]
        prev = sentences[first - 1]
        here = sentences[first]
        bonus = (0.05 if here.speaker != prev.speaker else 0.0) + (0.05 if here.start - prev.end >= TURN_PAUSE else 0.0)
        options.append((here.start, depth + bonus, first))
    per = duration / count
    starts = [0]
    t0 = sentences[0].start
    end = sentences[-1].end
    k = 0
    while end - t0 >= 1.5 * per and len(starts) < count:
        window_options = [(score, first) for at, score, first in options
                          if 0.6 * per <= at - t0 <= 1.5 * per and end - at >= 0.6 * per and first > starts[-1]]
        if window_options:
            first = max(window_options)[1]
        else:
            later = [first for at, _, first in options if at - t0 >= per and first > starts[-1]]
            if not later:
                break
            first = later[0]
        starts.append(first)
        t0 = sentences[first].start
        k += 1
    return starts


def key_phrase(texts: Iterable[str], limit: int = 400, against: Counter[str] | None = None) -> str | None:
    """The phrase a stretch of text keeps coming back to (two or three content words in a row, 'of' allowed
    inside), in Title Case; None when nothing recurs. With `against` (phrase counts of the whole talk), a
    phrase common everywhere weighs less than one particular to this stretch."""
    stop = patterns().stopwords
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for n, text in enumerate(texts):
        if n >= limit:
            break
        for phrase in phrases(text, stop):
            counts[phrase] += 1
            first_seen.setdefault(phrase, n)
    if not counts:
        return None

    def weight(item: tuple[str, int]) -> tuple[float, int]:
        phrase, c = item
        w = c * (1 + 0.6 * (phrase.count(" ") - phrase.count(" of ")))
        if against is not None and against[phrase]:
            w *= c / against[phrase]
        return (w, -first_seen[phrase])

    phrase, c = max(counts.items(), key=weight)
    if c < 2:
        return None
    return title_case(phrase)


_PHRASE_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|[^\sA-Za-z]+")


def phrases(text: str, stop: frozenset[str]) -> list[str]:
    """Runs of two or three content words ('carbon footprint', 'footprint of transformers')."""
    out = []
    run: list[str] = []
    for token in [*_PHRASE_WORD.findall(text), "."]:
        w = token.lower()
        if w.isalpha() and len(w) > 2 and w not in stop:
            run.append(w)
            continue
        if w == "of" and run and run[-1] != "of":
            run.append(w)
            continue
        while run and run[-1] == "of":
            run.pop()
        for size in (2, 3):
            for i in range(len(run) - size + 1):
                gram = run[i:i + size]
                if gram[0] != "of" and gram[-1] != "of":
                    out.append(" ".join(gram))
        run = []
    return out


_SMALL = frozenset("a an and as at but by for in nor of on or the to vs via".split())


def title_case(phrase: str) -> str:
    words = phrase.split()
    return " ".join(w if w.isupper() and len(w) > 1 else w.lower() if k and w.lower() in _SMALL
                    else w[:1].upper() + w[1:] for k, w in enumerate(words))


def transcribe(cues: list[Cue]) -> Talk:
    """The whole pass: a caption file's cues (times in order, markup removed) to a `Talk`."""
    dropped: Counter[str] = Counter()
    cleaned: Counter[str] = Counter()
    prepared = split_speakers(cues)
    _remove_sounds(prepared, dropped)
    _dedupe_rolling(prepared, cleaned)
    repair_casing(prepared, cleaned)
    sentences, punctuated = sentences_from_cues(prepared, dropped, cleaned)
    starts = section_starts(sentences)
    talk = Talk(sentences, starts, punctuated, dropped, cleaned)
    if len(starts) > 1:
        whole: Counter[str] = Counter()
        stop = patterns().stopwords
        for s in sentences:
            whole.update(phrases(s.text, stop))
        bounds = [*starts, len(sentences)]
        talk.topics = [key_phrase((s.text for s in sentences[a:b]), limit=10 ** 6, against=whole)
                       for a, b in zip(bounds, bounds[1:], strict=False)]
    return talk
