"""Scores a person can act on: tone (fit to the brand voice), call to action, platform fit, overall.

Every point taken off comes with a reason that says what to change. Rules, not a model: they are cheap
enough to run on every keystroke, and an editor can see why. An optional LLM judge (`judge=`) adds a
second opinion through the LLM engine and is averaged in; it is off by default.

Readability is Flesch-Kincaid with syllables from pyphen's hyphenation dictionary (textstat needs NLTK's
cmudict downloaded at run time, which an offline machine cannot do); sentiment is VADER.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

import pyphen
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from .brand import BrandVoice, EmojiPolicy
from .counting import emoji_list
from .defects import Context, Finding, SourceIndex, detect
from .defects.cross import cross_check
from .drafts import CTAKind, Draft, Problem
from .pillar import Pillar
from .platforms import PlatformSpec, get_platform, validate
from .rubric import Defect
from .text import HASHTAG_RE, find_urls, hashtags, split_sentences

# words that oversell, whatever the brand: a reader discounts them
HYPE = ("revolutionary", "game-changing", "game changer", "game-changer", "insane", "insanely", "10x", "mind-blowing",
        "mind blowing", "unbelievable", "best thing ever", "trust me", "literally", "crushing it", "epic",
        "guaranteed", "secret sauce", "skyrocket", "explode your", "overnight")
SPAM = ("click here", "limited-time", "limited time", "exclusive offer", "act now", "don't miss out", "gone forever",
        "before it's gone", "buy now", "100% free", "last chance")
IDIOM = ("lol", "lmao", "omg", "pov", "hot take", "real talk", "ngl", "tbh", "lowkey", "fr", "y'all", "vibe",
         "vibes", "lil", "gonna", "wanna", "me:", "also me", "unpopular opinion", "friendly reminder", "you got this",
         "we see you", "chaos gremlin")
JARGON = ("synergy", "leverage", "stakeholders", "utilize", "going forward", "best-in-class", "circle back",
          "paradigm", "bandwidth", "move the needle", "low-hanging fruit", "deliverables", "actionable insights")
ACRONYMS = {"SMM", "ROI", "KPI", "KPIS", "CTA", "CTR", "CPL", "UGC", "SEO", "B2B", "B2C", "SLA", "SLAS", "CRM",
            "API", "CET", "UTC", "USA", "CEO", "CMO", "AI", "PDF", "URL", "UTM", "FAQ", "MQL", "MQLS", "DM", "DMS"}

# detection order: the first matching kind wins
CTA_KINDS = (CTAKind.SIGNUP, CTAKind.DM, CTAKind.COMMENT, CTAKind.SAVE, CTAKind.SHARE, CTAKind.FOLLOW, CTAKind.LINK)
# the first matching kind wins: "Register via the link in the comments" asks for a sign-up
CTA_PATTERNS: dict[str, re.Pattern[str]] = {k: re.compile(p, re.IGNORECASE) for k, p in {
    "signup": r"\b(sign(ing)? ?up|register|registration|join (us|our|the) \w*\s?(session|webinar|waitlist|"
              r"newsletter|community|event|live|course|workshop)|book (a|your) (call|demo|seat|spot)|"
              r"start (your|a) (free )?trial|enrol+|subscribe to (our|the) newsletter|rsvp|get early access)\b",
    "dm": r"\b(dm (me|us)|send (me|us) a (dm|message)|message (me|us)|in (my|our) dms)\b",
    "comment": r"\b(in the comments|comment below|comment (with|your)|tell (me|us)\b|let (me|us) know|"
               r"drop (a|your|an)\b|vote (in|below|for)|reply (with|below)|share your (experience|thoughts|view|"
               r"take|story)|collecting (answers|responses|stories)|what do you think|sound off)\b",
    "save": r"\b(save (this|it|for later)|bookmark (this|it))\b",
    "share": r"\b(share (this|it) (with|to)|share this|repost|send this to|tag (a|an|your|someone|the|that|every)\b|"
             r"pass (this|it) on|"
             r"forward this)\b",
    "follow": r"\b(follow (us|me|our|my|for|along|@\w+|(?-i:[A-Z])\w+)|"
              r"subscribe( for| to (the|my|our) channel)?\b|turn on notifications|hit the bell)",
    "link": r"(\blink in (bio|the (first )?comment|the description)|\b(click|tap) (here|the link|below)|"
            r"\bread (the (full|whole|complete|rest)|more\b|our (full|latest|new))|"
            r"\b(download|grab|get) (the|our|your|a) |\bwatch the\b|\bvisit\b|"
            r"\bcheck out\b|\blearn more\b|\bat the link\b|\bfull (guide|breakdown|story|report|analysis)\b|"
            r"\b(shop|buy|order) (now|here)\b|https?://)",
}.items()}
IMPERATIVE = re.compile(r"^(\W*)(read|download|grab|get|watch|visit|click|tap|save|share|send|repost|tag|follow|"
                        r"subscribe|join|register|sign|book|comment|tell|let|drop|vote|dm|message|reply|try|"
                        r"start|learn|check|see)\b", re.IGNORECASE)
# a quotation of three words or more, in straight or curly double quotes
QUOTATION = re.compile(r'"[^"\n]{12,}?"|“[^”\n]{12,}?”')
# "n't 're 've 'll 'd 'm", and "'s" only after pronouns ("month's" is a possessive, not a contraction)
CONTRACTION = re.compile(r"\b(\w+n['’]t|\w+['’](re|ve|ll|d|m)|(it|that|there|here|what|who|he|she|let|where|how)"
                         r"['’]s)\b", re.IGNORECASE)
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_NO_URL = re.compile(r"https?://\S+")


class Verdict(StrEnum):
    READY = "ready"
    NEEDS_EDIT = "needs edit"


@dataclass
class Reason:
    component: str
    code: str  # a rubric code (`Defect`) when the reason is a defect, else the rule's own name
    message: str
    points: int  # taken off (negative) or added (positive)
    span: tuple[int, int] | None = None  # characters of `draft.text` it is about
    fix: str = ""
    blocking: bool = False
    rating: int | None = None  # the editor rating this defect leaves at most
    rule: str = ""


@dataclass
class Component:
    score: int
    reasons: list[Reason] = field(default_factory=list)


@dataclass
class Score:
    tone: Component
    cta: Component
    platform_fit: Component
    overall: int
    verdict: Verdict
    cta_kind: str | None
    judge: dict[str, Any] | None = None
    content: Component = field(default_factory=lambda: Component(100))

    @property
    def reasons(self) -> list[Reason]:
        return self.content.reasons + self.tone.reasons + self.cta.reasons + self.platform_fit.reasons

    @property
    def defects(self) -> list[str]:
        """The rubric codes found, each once, in the rubric's order."""
        found = {r.code for r in self.reasons if r.points < 0 or r.rule == "llm"}
        return [code.value for code in Defect if code.value in found]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["verdict"] = self.verdict.value
        data["defects"] = self.defects
        return data


class _Card:
    """Collects deductions for one component."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.reasons: list[Reason] = []

    def take(self, points: int, rule: str, message: str, *, voice: bool = False, span: tuple[int, int] | None = None,
             fix: str = "", rating: int | None = None, code: Defect | None = None) -> None:
        """A deduction; `voice=True` makes it a VOICE defect, `code` another rubric defect (the rule's name stays
        in `rule`)."""
        code = Defect.VOICE if voice else code
        code_name = code.value if code else rule
        self.reasons.append(Reason(self.name, code_name, message, -abs(points), span, fix, rating=rating, rule=rule))

    def give(self, points: int, code: str, message: str) -> None:
        self.reasons.append(Reason(self.name, code, message, abs(points)))

    def result(self, base: int = 100) -> Component:
        return Component(max(0, min(100, base + sum(r.points for r in self.reasons))), self.reasons)


@lru_cache(maxsize=64)
def _alternation(words: tuple[str, ...]) -> re.Pattern[str]:
    longest_first = sorted(words, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in longest_first) + r")(?![\w-])")


def _find(words: tuple[str, ...], text: str) -> list[str]:
    """The listed words and phrases that stand on their own in `text` (any case), in list order."""
    found = {m.group(1) for m in _alternation(words).finditer(text.lower())}
    return [w for w in words if w in found]


def _emoji_count(text: str) -> int:
    return len(emoji_list(text))


def _span_of(word: str, text: str) -> tuple[int, int] | None:
    """Where `word` first stands on its own in `text` (any case)."""
    m = re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", text, re.IGNORECASE)
    return (m.start(), m.end()) if m else None


def _emoji_span(text: str) -> tuple[int, int] | None:
    found = emoji_list(text)
    return (found[0]["match_start"], found[-1]["match_end"]) if found else None


@lru_cache(maxsize=1)
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US")


@lru_cache(maxsize=1)
def _sentiment() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=8192)
def _syllables(word: str) -> int:
    by_dictionary = len(_hyphenator().positions(word)) + 1
    by_vowels = len(re.findall(r"[aeiouy]+", word.lower().rstrip("e"))) or 1
    return max(by_dictionary, by_vowels)


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade level."""
    sentences = max(len(split_sentences(text)), 1)
    words = WORD.findall(text)
    if not words:
        return 0.0
    syllables = sum(_syllables(w) for w in words)
    return round(0.39 * len(words) / sentences + 11.8 * syllables / len(words) - 15.59, 1)


def detect_cta(text: str) -> CTAKind | None:
    """The kind of call to action a post makes, or None."""
    body = re.sub(r"(^|\s)#\w+", " ", text)
    for kind in CTA_KINDS:
        if CTA_PATTERNS[kind].search(body):
            return kind
    # a question put to the reader at the very end invites comments
    sentences = split_sentences(body.strip())
    if sentences and sentences[-1].rstrip(" 👇🙃").endswith("?") and re.search(r"\byou(r)?\b", sentences[-1], re.I):
        return CTAKind.COMMENT
    return None


def _cta_sentences(text: str) -> list[tuple[int, CTAKind, str]]:
    """(index, kind, sentence) of every sentence that asks for something."""
    out = []
    for i, s in enumerate(split_sentences(text)):
        for kind in CTA_KINDS:
            if CTA_PATTERNS[kind].search(s):
                out.append((i, kind, s))
                break
    return out


def _vector(text: str) -> Counter[str]:
    return Counter(w.lower() for w in WORD.findall(text) if len(w) > 2)


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    dot = sum(a[k] * b[k] for k in a if k in b)
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


# ---------------------------------------------------------------------------------------------

CASUAL_GRADE_GAP = 3  # a casual voice's body may read this many grades above the brand's before it is VOICE
# a casual brand's body longer than this that reads as a memo is VOICE across a long post (the rubric: at most
# 2); a shorter one is a line or two to restate (3)
MEMO_WORDS = 40

# A casual voice says things in everyday words. A body where more than ABSTRACT_SHARE of the words (and at
# least ABSTRACT_MIN of them) are long abstract words ("orchestration", "operational", "credibility") reads as
# corporate copy, however it is contracted: in blind reviews r1-r11, 84 of the 85 sunny-studio drafts over
# this line were rated VOICE (mean 2.1); 1 of the 72 without VOICE was over it.
ABSTRACT_SHARE = 0.08
ABSTRACT_MIN = 3
# an abstract word: eight letters or more with a noun or adjective ending made from another word, or nine
# letters or more and four syllables; names (capitalised inside a sentence) and acronyms are not counted
_ABSTRACT_END = re.compile(r"(?:tion|sion|ment|ity|ities|ance|ence|ness|ism|ive|al|ally)s?$")
EVERYDAY = frozenset((
    "actually", "especially", "usually", "really", "finally", "totally", "basically", "literally", "everything",
    "everybody", "everyone", "somebody", "anybody", "anything", "nobody", "information", "conversation",
    "comfortable", "interesting", "different", "difference", "important", "experience", "business", "family",
    "natural", "personal", "probably", "definitely", "absolutely", "generally", "eventually", "originally",
    "additional", "original", "terrible", "wonderful", "beautiful", "yourself", "ourselves", "themselves"))
_WORD_AT = re.compile(r"[A-Za-z][A-Za-z'’]*")


def abstract_words(text: str) -> list[str]:
    """The long abstract words of `text` (lower case, in order): what makes prose read as a memo."""
    found = []
    for m in _WORD_AT.finditer(text):
        word = m.group(0)
        j = m.start() - 1
        while j >= 0 and text[j].isspace():
            j -= 1
        if word.isupper() or (word[0].isupper() and j >= 0 and (text[j].isalnum() or text[j] in ",;")):
            continue  # an acronym, or a name inside a sentence
        low = word.lower()
        if low in EVERYDAY or len(low) < 8:
            continue
        if _ABSTRACT_END.search(low) or (len(low) >= 9 and _syllables(low) >= 4):
            found.append(low)
    return found


def _own(brand: BrandVoice) -> set[str]:
    """The sentences of the brand's CTA texts: their emoji and "tell me" are the brand's, not the post's register."""
    return {_plain(c) for opt in brand.ctas.values() for t in opt.texts for c in split_sentences(t)}


def _body(text: str, own: set[str]) -> str:
    """A post's own sentences: without its tags and the brand's CTA lines (`_own`)."""
    return " ".join(s for s in split_sentences(HASHTAG_RE.sub(" ", text)) if _plain(s) not in own)


@dataclass(frozen=True)
class Register:
    """How a casual brand's post body reads: source prose pasted in reads as a memo, whatever contractions or
    emoji were added to it (the rubric's VOICE, at most 2 across a long post)."""

    words: int
    grade: float
    hard: bool  # more than CASUAL_GRADE_GAP grades above the brand's
    abstract: tuple[str, ...]  # `corporate_register`'s words, or none

    @property
    def memo(self) -> bool:
        return self.hard or bool(self.abstract)


def casual_register(text: str, brand: BrandVoice) -> Register | None:
    """The register of a casual brand's post of 12 words or more, or None (a formal brand, a short post).
    The offline engine asks the same of a post before it offers it."""
    own = _own(brand)
    return _register(text, brand, own, _body(text, own))


def _register(text: str, brand: BrandVoice, own: set[str], body: str) -> Register | None:
    """`casual_register` of a post whose CTA sentences (`own`) and body the caller has already found."""
    if not brand.tone.contractions:
        return None
    n = len(WORD.findall(body))
    if n < 12:
        return None
    # a line is a sentence: list lines and short lines have no full stop
    lines = [ln for line in HASHTAG_RE.sub(" ", _NO_URL.sub(" ", text)).split("\n")
             if (ln := " ".join(c for c in split_sentences(line) if _plain(c) not in own).strip())
             and WORD.search(ln)]
    grade = reading_grade(" ".join(ln if ln[-1] in ".!?…:" else ln + "." for ln in lines)) if lines else 0.0
    return Register(n, grade, grade > brand.reading_grade + CASUAL_GRADE_GAP,
                    tuple(corporate_register(_NO_URL.sub(" ", body)) or ()))


def corporate_register(text: str) -> list[str] | None:
    """The abstract words of a body that reads as corporate copy in a casual voice (`ABSTRACT_SHARE`), or
    None (`casual_register` asks it of a casual brand's post)."""
    found = abstract_words(text)
    n = len(WORD.findall(text))
    return found if len(found) >= ABSTRACT_MIN and len(found) > ABSTRACT_SHARE * n else None


def score_tone(text: str, brand: BrandVoice, platform: str) -> Component:
    card = _Card("tone")
    formal = not brand.tone.contractions
    policy = brand.emoji_for(platform)
    found = brand.banned_in(text)
    for word in found:
        repl = brand.vocabulary.banned.get(word.lower())
        card.take(15, "banned_word", f"'{word}' is on the brand's banned list.", voice=True, span=_span_of(word, text),
                  fix=f"use '{repl}' instead." if repl else "cut that phrase.")
    banned = {w.lower() for w in found}
    for word in _find(HYPE, text):
        if word not in banned:
            card.take(15, "hype", f"'{word}' oversells.", voice=True, span=_span_of(word, text),
                      fix="state the specific result instead.")
    for word in _find(SPAM, text):
        card.take(15, "spam", f"'{word}' reads as an ad.", voice=True, span=_span_of(word, text),
                  fix="say what the reader gets.")
    n_emoji = _emoji_count(text)
    if policy.policy is EmojiPolicy.NONE and n_emoji:
        card.take(25, "emoji", f"{n_emoji} emoji; {brand.name} uses none.", voice=True, span=_emoji_span(text),
                  fix="remove them.")
    elif n_emoji > policy.max_per_post:
        card.take(10 * (n_emoji - policy.max_per_post), "emoji",
                  f"{n_emoji} emoji; the brand allows {policy.max_per_post} per post here.", voice=True,
                  span=_emoji_span(text), fix=f"keep {policy.max_per_post} and delete the rest.")
    elif policy.policy is EmojiPolicy.FREE and n_emoji == 0:
        card.take(5, "emoji_missing", "no emoji: this voice welcomes one to three.")
    bangs = text.count("!")
    if bangs > brand.tone.exclamations:
        per = 15 if brand.tone.exclamations == 0 else 8
        card.take(per * min(bangs - brand.tone.exclamations, 3), "exclamations",
                  f"{bangs} exclamation mark(s); the brand allows {brand.tone.exclamations}.", voice=True,
                  span=(text.index("!"), text.index("!") + 1), fix="use full stops.")
    shout = [w for w in re.findall(r"\b[A-Z]{4,}\b", text) if w not in ACRONYMS]
    if len(shout) >= 1 and (len(shout) >= 2 or len(shout[0]) >= 6):
        card.take(25, "shouting", f"'{' '.join(shout[:3])}' in capitals reads as shouting.", voice=True,
                  span=_span_of(shout[0], text), fix="use normal case.")
    # a quotation keeps its speaker's words: its contractions are theirs, not the brand's
    unquoted = QUOTATION.sub(lambda m: " " * len(m.group(0)), text)
    contractions = CONTRACTION.findall(unquoted)
    if formal and contractions:
        first = CONTRACTION.search(unquoted)
        card.take(min(6 * len(contractions), 18), "contractions",
                  f"{len(contractions)} contraction(s); this voice writes them out.", voice=True,
                  span=first.span() if first else None, fix="write them out ('we will', not 'we'll').")
    words = WORD.findall(text)
    sentences = split_sentences(text) or [text]
    idiom = _find(IDIOM, text)
    if formal and idiom:
        card.take(10, "informal", f"'{idiom[0]}' is internet idiom.", voice=True, span=_span_of(idiom[0], text),
                  fix=f"{brand.name} writes in plain, complete sentences: say it plainly.")
    stripped = text.lstrip(" \"'“‘(")
    if formal and stripped[:1].islower():
        card.take(8, "lowercase_opener", "the post opens in lowercase.", voice=True,
                  span=(len(text) - len(stripped), len(text) - len(stripped) + 1), fix="start with a capital.")
    jargon = _find(JARGON, text)
    if not formal and jargon:
        card.take(10, "jargon", f"'{jargon[0]}' is corporate jargon.", voice=True, span=_span_of(jargon[0], text),
                  fix="say it the way you'd say it to a friend.", rating=3 if len(jargon) > 1 else None)
    you = len(re.findall(r"\byou(r|rs|'re|'ll|'ve)?\b", text, re.I))
    we = len(re.findall(r"\b(we|our|us|we're|we'll)\b", text, re.I))
    person = brand.person_for(platform)
    if person == "you" and you == 0 and len(words) > 6:
        card.take(8, "person", "the post never speaks to 'you'; address the reader.")
    if person == "we" and re.search(r"\bI\b", text) and we == 0:
        card.take(5, "person", "the post speaks as 'I'; this brand speaks as 'we'.")
    # the register is the body's: the brand's own CTA (its emoji, its "tell me") does not make formal copy casual
    own = _own(brand)
    body = _body(text, own)
    body_words = WORD.findall(body)
    casual = (len(CONTRACTION.findall(body)) + len(_find(IDIOM, body)) + _emoji_count(body)
              + (1 if body.lstrip(" \"'“‘(")[:1].islower() else 0))
    if not formal and casual == 0 and len(body_words) >= 8:
        card.take(12, "stiff", "no contractions, emoji or casual phrasing: it reads like a memo, not this voice.",
                  voice=True, fix="rewrite it the way you would say it: contractions, 'you', short lines.",
                  rating=2 if len(body_words) > MEMO_WORDS else 3)
    avg = len(words) / max(len(sentences), 1)
    if not formal and avg > 22:
        card.take(8, "long_sentences", f"sentences average {avg:.0f} words; this voice keeps lines short.",
                  voice=True, fix="split them: one idea a line.", rating=3)
    memo = _register(text, brand, own, body)
    hard = bool(memo and memo.hard)
    if memo and hard:
        card.take(12, "hard_reading", f"the body reads at grade {memo.grade:.0f}; this voice writes at "
                  f"about {brand.reading_grade:g}.", voice=True, fix="say it in short, everyday words: one idea a "
                  "line, the way you would tell a friend.", rating=2 if memo.words > MEMO_WORDS else 3)
    elif memo and memo.abstract:  # the same fault as a hard grade: one deduction for it, not two
        shown = ", ".join(f"'{w}'" for w in dict.fromkeys(memo.abstract[:4]))
        card.take(12, "abstract_register", f"{shown}: {len(memo.abstract)} long abstract words read as corporate "
                  "copy in this voice.", voice=True, fix="say what it means in everyday words: who does what.",
                  rating=2 if memo.words > MEMO_WORDS else 3)
    # a grade needs text to judge: 30 words to say it reads too hard, 60 to ask for more substance, and only when
    # the brand's target is far (short plain sentences are good writing, not a lack of substance)
    if len(words) >= 30 and not hard:
        grade = reading_grade(text)
        gap = abs(grade - brand.reading_grade)
        if gap > 4 and (grade > brand.reading_grade or len(words) >= 60):
            card.take(min(int((gap - 4) * 3), 12), "reading_grade",
                      f"reads at grade {grade:.0f}; the brand aims for {brand.reading_grade:g}.",
                      fix="use shorter words and sentences." if grade > brand.reading_grade else
                      "add substance and complete sentences.")
    compound = _sentiment().polarity_scores(text)["compound"]
    if compound <= -0.6:
        card.take(5, "negative", f"reads negative (sentiment {compound:.2f}); frame the problem with its fix.")
    examples = brand.examples.get(platform) or [e for ex in brand.examples.values() for e in ex]
    if examples and len(words) >= 8:
        closeness = max(_cosine(_vector(text), _vector(e)) for e in examples)
        if closeness >= 0.25:
            card.give(3, "like_examples", f"close to the brand's example posts ({closeness:.2f}).")
    return card.result()


def score_cta(draft: Draft, brand: BrandVoice, spec: PlatformSpec) -> tuple[Component, str | None]:
    card = _Card("cta")
    text = draft.text
    kind = detect_cta(text)
    library = [t for opt in brand.ctas.values() for t in opt.texts]
    if kind is None:  # a post can end on its point: an editor posts it as it is (the rubric's "or there is none")
        card.take(10, "no_cta", "no call to action.", fix=f"if you want the reader to act, add one from the brand's "
                                                         f"library, e.g. '{library[0]}'." if library else
                                                         "if you want the reader to act, say what to do next.")
        return card.result(), None
    found = _cta_sentences(text)
    kinds = {k for _, k, _ in found}
    if len(kinds) > 1:
        card.take(15, "several_ctas", f"{len(kinds)} calls to action ({', '.join(sorted(kinds))}) compete: keep one.")
    if spec.is_thread and len(draft.parts) > 1:
        last = draft.parts[-1]
        if not any(CTA_PATTERNS[k].search(last) for k in CTA_KINDS):
            card.take(15, "cta_placement", "the CTA sits in the middle of the thread; move it to the last post.")
    elif found:
        n = len(split_sentences(text))
        first_index = found[0][0]
        if n >= 4 and first_index < n - 3:
            card.take(10, "cta_placement", "the CTA comes early; put it at the end, after the value.")
    if kind is CTAKind.LINK:
        urls = [text[s:e] for s, e in find_urls(text)]
        clickable = spec.links_clickable
        if not clickable and urls:
            card.take(15, "link_not_clickable", f"links in {spec.label} are not clickable: say 'link in bio' and "
                                                f"put the URL there.")
        elif clickable and urls and not any("utm_" in u for u in urls):
            card.take(10, "no_utm", "the link has no UTM parameters: use the brand's CTA link so clicks are "
                                    "attributed.")
        elif clickable and not urls and not re.search(r"link (in (bio|the (first )?comment)|below)", text, re.I):
            # ("link below" with no link is LINK_PHRASE, a defect of its own)
            card.take(10, "link_missing", "the CTA points to a link but there is none in the post.")
    clauses = [c for _, _, s in found for c in re.split(r"(?<=[.!?:;])\s+", s)]
    own = {_plain(t) for t in library}
    if found and any(_plain(s) in own for _, _, s in found):
        pass  # the brand's own CTA text is in voice by definition: its wording never costs points
    elif found and not any(IMPERATIVE.search(c) for c in clauses) and kind != "comment":
        card.take(5, "cta_vague", f"'{found[0][2][:60]}' does not start with a verb; lead with the action "
                                  "('Read', 'Save', 'Register').")
    return card.result(), kind


def score_platform_fit(draft: Draft, spec: PlatformSpec, problems: list[Problem]) -> Component:
    card = _Card("platform_fit")
    for p in problems:
        if p.severity == "error" and p.code != "invented_number":
            card.take(40, p.code, f"{p.where + ': ' if p.where else ''}{p.message}")
    lengths = [spec.length(p) for p in draft.parts] or [0]
    total = lengths[0] if len(lengths) == 1 else max(lengths)
    if spec.sweet_spot and not spec.is_thread:
        low, high = spec.sweet_spot
        if total < low:
            card.take(10, "short", f"{total} characters; {spec.label}s do best at {low}-{high}: add a point.")
        elif high < total <= spec.limit:
            card.take(10, "long", f"{total} characters; {spec.label}s do best at {low}-{high}: cut a point.")
    first = draft.parts[0] if draft.parts else ""
    if spec.hook_window:
        hook = first.split("\n\n")[0]
        if len(hook) > spec.hook_window:
            card.take(15, "hook_hidden", f"the opening runs {len(hook)} characters, past the {spec.hook_window} "
                                         f"shown before {spec.more_label}.", span=(0, len(hook)),
                      fix="shorten the first line: the point has to be in what the feed shows.")
    if spec.hook_lines and first.count("\n") and len(first.split("\n")[0]) == 0:
        card.take(5, "blank_opening", "the post opens with a blank line.")
    n_tags = max((len(hashtags(p)) for p in draft.parts), default=0)
    if spec.max_hashtags is not None and 0 < spec.max_hashtags < n_tags:
        pass  # already an error from validate
    elif spec.hashtags_expected and n_tags == 0:
        card.take(5, "no_hashtags", f"no hashtags: {spec.label}s are found through 3-5 relevant tags.")
    if spec.paragraphs_expected and total > 400 and "\n" not in draft.text:
        card.take(10, "wall_of_text", "one block of text: break it into short paragraphs.")
    if spec.is_thread:
        if len(draft.parts) == 1:
            card.take(10, "thread_of_one", "a thread of one post: post it as a single X post instead.")
        elif len(draft.parts) > 12:
            card.take(10, "thread_long", f"{len(draft.parts)} posts; threads past 12 lose most readers.")
    return card.result()


def score_content(draft: Draft, brand: BrandVoice, spec: PlatformSpec, pillar: Pillar | None,
                  extra: Iterable[Finding]) -> Component:
    card = _Card("content")
    ctx = Context(draft, brand, spec, SourceIndex.of(pillar) if pillar is not None else None)
    for f in [*detect(ctx), *extra]:
        rule = brand.scoring.rule(f.code)
        card.reasons.append(Reason("content", f.code.value, f.message, -rule.points, f.span, f.fix,
                                   rule.blocking if f.blocking is None else f.blocking,
                                   f.rating or rule.rating, f.rule))
    return card.result()


def _plain(text: str) -> str:
    return re.sub(r"[^\w\s]", "", text).strip().lower()


def _settle(reasons: list[Reason], brand: BrandVoice) -> None:
    """Give every defect its brand rule's rating and blocking where its check left them open; several kinds
    of voice slip in one post mean a line to rewrite, not a word to swap (rating 3)."""
    codes = set(Defect.__members__)
    voice_rules = {r.rule for r in reasons if r.code == Defect.VOICE.value and r.points < 0}
    for r in reasons:
        if r.code not in codes or r.points >= 0:
            continue
        rule = brand.scoring.rule(Defect(r.code))
        if r.rating is None:
            r.rating = rule.rating
            if r.code == Defect.VOICE.value and len(voice_rules) > 1:
                r.rating = min(r.rating, 3)
        if r.component != "content":
            r.blocking = r.blocking or rule.blocking


def _overall(brand: BrandVoice, content: Component, tone: Component, cta: Component, fit: Component) -> int:
    """100 less the points lost, never above the ceiling of the worst defect's editor rating.

    The detectors' points count as the brand's `scoring.defects` table sets them; the tone, CTA and
    platform-fit deductions are scaled by the brand's weights (equal weights: as they stand)."""
    w = brand.scoring.weights
    mean = (w.tone + w.cta + w.platform_fit) / 3 or 1.0
    lost = float(sum(-r.points for r in content.reasons if r.points < 0))
    for comp, weight in ((tone, w.tone), (cta, w.cta), (fit, w.platform_fit)):
        lost += (100 - comp.score) * weight / mean
    ratings = [r.rating for c in (content, tone, cta, fit) for r in c.reasons if r.rating is not None and r.points < 0]
    cap = brand.scoring.ceilings[min(ratings)] if ratings else 100
    return max(0, min(cap, round(100 - lost)))


def _second_opinion(judged: dict[str, Any], content: Component, overall: int, brand: BrandVoice
                    ) -> tuple[dict[str, Any], int]:
    """The LLM judge's rubric rating averaged with the rules' score; its defects are listed with the rules'
    (code, words, fix) but cost no points and never block: the rules' blocking checks decide the verdict."""
    for f in judged.get("findings", []):
        content.reasons.append(Reason("content", f.code.value, f.message, 0, f.span, f.fix, False, None, f.rule))
    rating = int(judged.get("rating") or 0)
    if 1 <= rating <= 5:
        opinion = 100 if rating == 5 else brand.scoring.ceilings[rating]
        overall = round((overall + opinion) / 2)
    stored = {k: v for k, v in judged.items() if k != "findings"}  # the findings are in `content` already
    return stored, overall


def score(draft: Draft, brand: BrandVoice, platform: str | PlatformSpec | None = None,
          problems: list[Problem] | None = None, judge: Any = None, pillar: Pillar | None = None,
          extra: Iterable[Finding] = ()) -> Score:
    spec = platform if isinstance(platform, PlatformSpec) else get_platform(platform or draft.platform)
    problems = validate(draft, spec) if problems is None else problems
    tone = score_tone(draft.text, brand, spec.name)
    cta, kind = score_cta(draft, brand, spec)
    fit = score_platform_fit(draft, spec, problems)
    content = score_content(draft, brand, spec, pillar, extra)
    _settle(content.reasons + tone.reasons + cta.reasons + fit.reasons, brand)
    judged = None
    overall = _overall(brand, content, tone, cta, fit)
    if judge is not None:
        judged, overall = _second_opinion(judge.judge(draft, brand, spec), content, overall, brand)
    blocking = any(p.severity == "error" for p in problems) or any(
        r.blocking for c in (content, tone, cta, fit) for r in c.reasons if r.points < 0)
    verdict = Verdict.READY if overall >= brand.scoring.threshold and not blocking else Verdict.NEEDS_EDIT
    return Score(tone, cta, fit, overall, verdict, kind, judged, content)


def score_set(drafts: Sequence[Draft], brand: BrandVoice, specs: Mapping[str, PlatformSpec] | None = None,
              pillar: Pillar | None = None, judge: Any = None) -> list[Score]:
    """The drafts one run made of one pillar for one brand, scored together: each draft's own checks plus
    the checks between them (the same hook on several platforms, a variant that clones another)."""
    across = cross_check(drafts)
    return [score(d, brand, (specs or {}).get(d.platform) or d.platform, problems=d.problems, judge=judge,
                  pillar=pillar, extra=across.get(i, ())) for i, d in enumerate(drafts)]


def classify_voice(text: str, platform: str, voices: dict[str, BrandVoice], threshold: int = 70) -> str:
    """The voice whose tone score is highest, when it reaches `threshold`; else 'neither'."""
    scores = {name: score_tone(text, brand, platform).score for name, brand in voices.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] >= threshold else "neither"


def headline(score_data: dict[str, Any]) -> str:
    """'Score 97 (ready): tone 99, CTA 100, platform fit 90' from a stored score."""
    return (f"Score {score_data['overall']} ({score_data['verdict']}): tone {score_data['tone']['score']}, "
            f"CTA {score_data['cta']['score']}, platform fit {score_data['platform_fit']['score']}")


COMPONENTS = ("content", "tone", "cta", "platform_fit")


def deductions(score_data: dict[str, Any]) -> list[dict[str, Any]]:
    """The reasons that took points off, in component order, from a stored score (older scores have no
    `content` component and reasons without span, fix or blocking: read them with .get)."""
    return [r for c in COMPONENTS if c in score_data for r in score_data[c]["reasons"] if r["points"] < 0]


def defect_codes(score_data: dict[str, Any] | None) -> list[str]:
    """The rubric codes in a stored score (none for a score made before the rubric)."""
    return list((score_data or {}).get("defects") or [])
