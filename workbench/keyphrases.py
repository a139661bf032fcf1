"""Key phrases: the noun phrases a pillar keeps coming back to, best first, for hashtags and topic slots.

Rules, not a model. YAKE was measured on the corpus at 40-80 ms an article (the throughput budget is well
under 20) and ranked names, verbs and template tokens high, so the phrases here are noun chunks found by
rule: runs of content words between stop words and punctuation, at most three words, ending on a noun
(the head), mentioned in at least two sentences. What rules them out is data (`data/keyphrases.yaml`):
stop words, head nouns that name no subject (#NextSteps, #SmmTeam), -ing words that are nouns (#EmailMarketing
yes, #CreatingContent no). A phrase capitalised wherever it appears mid-sentence is a name (a place, a
person, a product: #WhiteHouse, #FreshEmpire) and not a topic people follow. Results are cached per pillar
content hash: every platform and variant of a run asks for the same pillar.
"""

from __future__ import annotations

import re
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .defects.topics import SUBJECT_STEMS, TOPIC_TAGS, TOPIC_WORDS
from .pillar import Pillar

DATA = Path(__file__).resolve().parent / "data" / "keyphrases.yaml"
MAX_WORDS = 3
MIN_MENTIONS = 2

_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\$\{[^}]*\}|<[^>\n]{0,200}>")
_MD_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_HYPHENATED = re.compile(r"\b\w+(?:[-/]\w+)+|\b\w*\d\w*")  # and "21st", "2am"
# a chunk: words separated by single spaces, with nothing between them that breaks a phrase
_CHUNKS = re.compile(r"[A-Za-z][A-Za-z'’]*(?: [A-Za-z][A-Za-z'’]*)*")
_INNER_CAPITAL = re.compile(r"[a-z][A-Z]")


@dataclass(frozen=True)
class Lists:
    """The word lists of `data/keyphrases.yaml`, as sets."""

    stop: frozenset[str]
    generic_heads: frozenset[str]
    ing_nouns: frozenset[str]
    ly_nouns: frozenset[str]
    adjective_heads: frozenset[str]
    markup: frozenset[str]
    title_words: frozenset[str]


@lru_cache(maxsize=1)
def lists() -> Lists:
    raw: dict[str, Any] = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return Lists(**{k: frozenset(str(raw[k]).lower().split()) for k in Lists.__dataclass_fields__})


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-3] + "y" if word.endswith("ies") else word[:-1]
    return word


_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten eleven twelve dozen hundred".split())


@lru_cache(maxsize=1024)
def subject_words(title: str) -> frozenset[str]:
    """What a pillar is about, as its title says it: the title's words that name a thing (not a function
    word, a vague verb, a generic head such as "tips" or "guide", a number), singular and lower case; an
    acronym ("AI", "PM") counts. A post that says none of them leaves the reader asking what it is about
    (NO_CONTEXT); the offline engine asks the same before it posts a passage."""
    ls = lists()
    out = set()
    for word in re.findall(r"[A-Za-z][A-Za-z0-9'’-]*", title):
        low = word.lower().strip("'’-")
        if _acronym(word) or (len(low) > 2 and low not in ls.stop and low not in ls.generic_heads
                              and _singular(low) not in ls.generic_heads and low not in _NUMBER_WORDS
                              and low not in ls.title_words and "'" not in low and "’" not in low):
            out.add(_singular(low))
    return frozenset(out)


def names_subject(text: str, subject: frozenset[str]) -> bool:
    """Does the text say what the pillar is about (`subject_words`): one of its words, singular or plural?
    An empty subject (a title of generic words) asks nothing."""
    if not subject:
        return True
    said = re.findall(r"[a-z0-9]+", text.lower())
    stems = tuple(st for w in subject for st in SUBJECT_STEMS.get(w, ()))
    return any(_singular(w) in subject or (stems and w.startswith(stems)) for w in said)


def _said(form: tuple[str, ...], counts: Counter[tuple[str, ...]]) -> int:
    """Sentences that say `form` itself or its plural (+s, +es), as a tag of it is matched to the text."""
    *lead, last = form
    return sum(n for f, n in counts.items() if f[:-1] == tuple(lead) and f[-1] in (last, last + "s", last + "es"))


def _key(words: tuple[str, ...]) -> str:
    low = [w.lower() for w in words]
    return " ".join([*low[:-1], _singular(low[-1])])


def _acronym(word: str) -> bool:
    return 2 <= len(word) <= 5 and word.isupper() and word.isalpha()


def _word_ok(word: str, ls: Lists) -> bool:
    """Can this word sit inside a key phrase at all?"""
    low = word.lower()
    if low in ls.stop or low in ls.markup or len(low) < 2 or "'" in word or "’" in word:
        return False
    if _INNER_CAPITAL.search(word):  # camelCase: a template token (basePath) or a product name (MyUSA)
        return False
    if _acronym(word) and low not in TOPIC_TAGS:  # GSA, IDEA: names, not topics (SEO, AI, SMM are)
        return False
    return not (low.endswith("ly") and len(low) > 4 and low not in ls.ly_nouns)


def topic_shape(words: list[str]) -> bool:
    """Is this the shape of a topic people follow: a noun phrase of one to three words, no verb opening it,
    no generic head? (Recurrence and names are judged with the pillar, in `key_phrases`.)"""
    ls = lists()
    if not 1 <= len(words) <= MAX_WORDS or not all(_word_ok(w, ls) for w in words):
        return False
    low = [w.lower() for w in words]
    head, first = low[-1], low[0]
    if head in ls.generic_heads or _singular(head) in ls.generic_heads or head in ls.adjective_heads:
        return False
    if head.endswith("ed") and len(head) > 4:  # "content created": a participle, not a noun
        return False
    # a gerund opens or closes it: "creating content", "content creating" (one word alone is a noun: meetings)
    return len(low) == 1 or not any(w.endswith("ing") and w not in ls.ing_nouns and w not in TOPIC_WORDS
                                    for w in (first, head))


def _plural(word: str) -> str:
    if word.endswith("s"):
        return word
    return word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s"


@lru_cache(maxsize=4096)
def followed_topic(phrase: str) -> str | None:
    """The phrase as a topic people follow (lower case but for acronyms), or None: one word must be a
    followed tag itself (#Meetings for "meeting"), a compound must be made of topic words (#OpenSource,
    #ContentStrategy). The vocabulary is the scorer's (`defects.topics`), so a tag the engine picks is one
    the scorer accepts."""
    if not is_topic_phrase(phrase):
        return None
    said = phrase.split()
    # the phrase as written (an acronym stays "AI"), lower case where the pillar wrote it so
    said = [w if _acronym(w) else w.lower() for w in said]
    for form in (said, [*said[:-1], _plural(said[-1])]):
        low = [w.lower() for w in form]
        if len(low) == 1 and low[0] in TOPIC_TAGS or len(low) > 1 and all(
                w in TOPIC_WORDS or w in TOPIC_TAGS for w in low):
            return " ".join(form)
    return None


def is_topic_phrase(phrase: str) -> bool:
    """`topic_shape` of a phrase as text (a keyword from any engine's brief)."""
    if not phrase or any(c.isdigit() for c in phrase) or re.search(r"[^A-Za-z '’-]", phrase):
        return False
    if "-" in phrase:
        return False
    return topic_shape(phrase.split())


def _clean(text: str) -> str:
    """Template syntax, links, URLs, hyphenated words and numbers out: each breaks a phrase."""
    if "{" in text or "<" in text:
        text = _TEMPLATE.sub(" | ", text)
    if "](" in text:
        text = _MD_LINK.sub(r"\1", text)
    if "http" in text or "www." in text:
        text = _URL.sub(" | ", text)
    return _HYPHENATED.sub(" | ", text)


@dataclass
class _Seen:
    mentions: int = 0  # sentences it appears in
    head: bool = False  # ends a run of content words at least once (a noun phrase, not a modifier)
    mid: int = 0  # mid-sentence occurrences
    capitalised: int = 0  # ... of which every word starts with a capital


_CACHE: OrderedDict[str, list[str]] = OrderedDict()


def key_phrases(pillar: Pillar, n: int = 10) -> list[str]:
    """The pillar's key phrases, best first: recurring noun phrases of one to three words, lower case (an
    acronym such as SEO keeps its capitals). Multi-word phrases first, names and generic words never."""
    hit = _CACHE.get(pillar.content_hash)
    if hit is None:
        hit = _CACHE[pillar.content_hash] = _rank(pillar)
        if len(_CACHE) > 256:
            _CACHE.popitem(last=False)
    return hit[:n]


_WORD: dict[str, tuple[bool, str, str]] = {}  # word -> (can sit in a phrase, lower case, singular)
_MODALS = frozenset("to can will would should must could may might i we you they not".split())
_OBJECTS = frozenset("the a an your their our my his her its them it this these those".split())

# one run of content words: (sentence index, opens its sentence, words, [(start, end, phrase key), ...])
_Run = tuple[int, bool, list[str], list[tuple[int, int, str]]]


def _runs(pillar: Pillar, ls: Lists) -> tuple[list[_Run], set[str]]:
    """Every run of content words with the key of each phrase in it (lower case, the last word singular),
    and the words used as verbs somewhere: after "to", a modal or a pronoun ("you send"), or before an
    object ("open the")."""
    out: list[_Run] = []
    verbs: set[str] = set()
    known = _WORD
    if len(known) > 50_000:
        known.clear()
    for si, s in enumerate(pillar.sentences):
        text = _clean(s.text)
        for chunk in _CHUNKS.finditer(text):
            words = chunk.group(0).split(" ")
            opens = chunk.start() == 0 or not text[:chunk.start()].strip(" \"“'‘(*-•|")
            start = None
            for i, w in enumerate([*words, ""]):
                info = known.get(w) if w else None
                if w and info is None:
                    low = w.lower()
                    info = known[w] = (_word_ok(w, ls), low, _singular(low))
                if info is not None and info[0]:
                    start = i if start is None else start
                elif start is not None:
                    run = words[start:i]
                    infos = [known[x] for x in run]
                    if start and words[start - 1].lower() in _MODALS:
                        verbs.add(infos[0][1])
                    if w and w.lower() in _OBJECTS:
                        verbs.add(infos[-1][1])
                    b = len(run)
                    grams = [(x, y, " ".join([f[1] for f in infos[x:y - 1]] + [infos[y - 1][2]]))
                             for x in range(b) for y in range(x + 1, min(b, x + MAX_WORDS) + 1)]
                    out.append((si, opens and start == 0, run, grams))
                    start = None
    return out, verbs


def _rank(pillar: Pillar) -> list[str]:
    ls = lists()
    runs, verbs = _runs(pillar, ls)
    # pass 1, cheap: in how many sentences each phrase appears, and whether it ever ends a run (its head)
    mentions: Counter[str] = Counter()
    heads: set[str] = set()
    last_sentence: dict[str, int] = {}
    for si, _, run, grams in runs:
        b = len(run)
        for _, j, key in grams:
            if last_sentence.get(key) != si:
                last_sentence[key] = si
                mentions[key] += 1
            if j == b:
                heads.add(key)
    wanted = {k for k, c in mentions.items() if c >= MIN_MENTIONS and k in heads}
    # pass 2, for those phrases only: how they are written, and whether mid-sentence they are capitalised
    seen: dict[str, _Seen] = {k: _Seen(mentions=mentions[k], head=True) for k in wanted}
    forms: dict[str, Counter[tuple[str, ...]]] = defaultdict(Counter)
    lowered: dict[str, Counter[tuple[str, ...]]] = defaultdict(Counter)  # sentences per lower-case form
    counted: set[tuple[int, tuple[str, ...]]] = set()
    for si, opens, run, grams in runs:
        for i, j, key in grams:
            if key not in wanted:
                continue
            gram = tuple(run[i:j])
            forms[key][gram] += 1
            form = tuple(w.lower() for w in gram)
            if (si, form) not in counted:
                counted.add((si, form))
                lowered[key][form] += 1
            if not (opens and i == 0):
                st = seen[key]
                st.mid += 1
                st.capitalised += all(w[:1].isupper() for w in gram)
    title_words = {_singular(w.lower()) for w in re.findall(r"[A-Za-z]+", pillar.title)}
    headings = " " + " ".join(_key(tuple(re.findall(r"[A-Za-z]+", sec.heading or ""))) for sec in pillar.sections
                              if sec.heading)
    scored: list[tuple[float, str]] = []
    shown: dict[str, str] = {}
    for key, st in seen.items():
        form = forms[key].most_common(1)[0][0]
        if not topic_shape(list(form)):
            continue
        # shown as the form that names most sentences, a plural counting for its singular ("#EnergySource")
        exact, use = max((_said(f, lowered[key]), f) for f in lowered[key])
        if len(use) == 1:  # one word reads as the text says it most: #Meetings, #Influencers
            most = lowered[key].most_common(1)[0][0]
            exact, use = (_said(most, lowered[key]), most) if _said(most, lowered[key]) >= 3 else (exact, use)
        parts = list(use)
        known = all(p in TOPIC_WORDS for p in parts)
        if len(parts) > 1 and parts[0] in verbs and parts[0] not in TOPIC_WORDS:
            continue  # "protect human data", "send strategy": a verb and its object
        if st.mid and st.capitalised >= 0.8 * st.mid and not known and not all(_acronym(w) for w in form):
            continue  # a name: a place, a person, a product, an event
        if len(parts) == 1 and not (key in TOPIC_TAGS or form[0].lower() in TOPIC_TAGS or
                                    (st.mentions >= 4 and key in title_words)):
            continue  # one word is a topic only when it is a field people follow, or what the piece is about
        in_heading = f" {key}" in headings
        if not (known or in_heading or exact >= 3):
            continue  # said twice in passing is not what the piece is about
        shown[key] = " ".join(w.upper() if _acronym(o) else w for w, o in zip(use, form, strict=True))
        weight = st.mentions * (1.0 + 0.3 * (len(parts) - 2) if len(parts) > 1 else 1.0)
        weight *= 1.5 if known else 1.0
        weight *= 1.3 if any(p in title_words for p in parts) else 1.0
        weight *= 1.2 if in_heading else 1.0
        scored.append((weight, key))
    # phrases before single words: #ContentDebt says what the piece is about, #Content only its field
    scored.sort(key=lambda x: (" " not in x[1], -x[0], x[1]))
    chosen: list[str] = []
    for _, key in scored:
        # a phrase that is nearly always part of a longer chosen one adds nothing ("media management")
        if any(f" {key} " in f" {c} " for c in chosen if seen[c].mentions >= 0.6 * seen[key].mentions):
            continue
        chosen.append(key)
    return list(dict.fromkeys(shown[key] for key in chosen))
