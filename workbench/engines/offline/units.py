"""What of a pillar can stand in a post: units (a sentence, or a sentence with the one before it that it
points back to), grouped into ideas (a section, or a run of a long one) and lists (a section whose body is a
list, or a section whose sub-headings are the items).

Everything here is computed once per pillar (`Pool.of`, cached on the content hash) and reused for every
platform, brand and variant: it is the engine's whole reading of the source. The checks lean on the
scorer's own detectors where they exist (`_dangling`, `_unbalanced`), so the engine avoids what the
editor's rubric flags instead of keeping a second opinion of its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from ...brief import DANGLING, addressed_to_model, sentence_scores
from ...defects.source import FAR_BACK, far_reference
from ...defects.wording import _connective_start, _dangling, _unbalanced
from ...pillar import Pillar, Sentence
from ...text import alternation, find_numbers

DATA = Path(__file__).resolve().parents[2] / "data" / "offline_engine.json"

MAX_WORDS = 35  # longer sentences do not read as posts
MIN_WORDS = 5
GROUP_SIZE = 14  # a long section (a talk is one) is read as runs of this many sentences: one idea each


@cache
def data() -> dict[str, Any]:
    """The engine's word lists and connectives (workbench/data/offline_engine.json)."""
    loaded: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return loaded


def _words_re(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w'’])(?:{alternation(words)})(?![\w'’])", re.IGNORECASE)


@cache
def mass_nouns() -> frozenset[str]:
    """Nouns a {topic} slot takes in the singular ("approach to open source"), from the engine's data."""
    return frozenset(data()["mass_nouns"])


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    d = data()
    first = [w for w in d["first_person"] if w != "i"]
    return {
        "contrarian": _words_re(d["contrarian"]),
        # a turn at the start, or "however" inside the first clause ("As you prepare…, however, you notice")
        "turn": re.compile(r"^\W*(?:" + alternation(d["turns"]) + r")\b|^[^.;:!?]{0,60}?,\s*however\b",
                           re.IGNORECASE),
        "filler": _words_re(d["fillers"]),
        "spoken": _words_re(d["spoken"]),
        "promotion": _words_re(d["promotion"]),
        "intensifier": re.compile(r",?\s*" + _words_re(d["intensifiers"]).pattern + r",?(?=\s)", re.IGNORECASE),
        "spoken_opener": re.compile(r"^\W*(?:" + alternation(d["spoken_openers"]) + r")(?:['’]\w+)?\b",
                                    re.IGNORECASE),
        "subordinate": re.compile("^[\\W]*" + _words_re(d["subordinators"]).pattern, re.IGNORECASE),
        # "I" only as a capital: "i.e." and list markers are not the author speaking
        "first_person": re.compile("(?i:" + _words_re(first).pattern + ")"
                                   + r"|(?<![\w'’])I(?![\w.])(?:['’](?:m|ve|ll|d))?"),
    }


_TERMINAL = re.compile(r"[.!?][\"”’')\]]*$")
_MARKUP = re.compile(r"\{\{|\{%|<[a-zA-Z/!]|\]\(|^\s*[|>]|\|\s*\w+\s*\|")
_LABEL = re.compile(r"^(?P<label>[A-Z][^:.!?]{1,60}?)\s*(?::|\s[-–—])\s+(?P<rest>\S.*)$")
_SPEAKER = re.compile(r"^(?:>>\s*)?[A-Za-z][\w .'-]{0,30}:\s+(?=[A-Z])")
_STARTS_BADLY = re.compile(r"^[\W\d]*(?:and|but|or|so|because|which|then|also|plus|like)\b", re.IGNORECASE)
# a short sentence needs a verb to be a sentence; these are enough for the lines that lack one
_VERBISH = re.compile(r"\b(?:is|are|was|were|be|been|has|have|had|do|does|did|can|could|will|would|should|must|"
                      r"may|might|need|needs|make|makes|made|get|gets|take|takes|keep|keeps|help|helps|let|lets|"
                      r"[a-z]{3,}(?:ed|es))\b|^(?:[A-Z][a-z]+)\s", re.IGNORECASE)
_NOT_STANDALONE_INSIDE = re.compile(r"(?<!^)\b(?:these|those)\s+(?!who\b|that\b|which\b|of\b|are\b|were\b|in\b)"
                                    r"[a-z][a-z-]+", re.IGNORECASE)
_THIS_NOUN = re.compile(r"\b(?:this|that)\s+(?!is\b|was\b|will\b|would\b|can\b|could\b|has\b|had\b|of\b|in\b|to\b|"
                        r"and\b|or\b|way\b|week\b|year\b|month\b|day\b|morning\b|time\b)[a-z][a-z-]+\b",
                        re.IGNORECASE)
# the source speaking of itself: "This post highlights content from the guide" is untrue of a social post
_ABOUT_ITSELF = re.compile(r"\b(?:this|our|the)\s+(?:blog\s+)?(?:post|article|blog|guide|piece|page|talk|video|"
                           r"webinar|episode|series|report)\s+(?:highlights|covers|explores|looks|walks|outlines|"
                           r"describes|discusses|shares|introduces|will|is\s+part|focuses)\b|\bin\s+this\s+(?:blog\s+)?"
                           r"(?:post|article|blog|guide|piece|talk|video|series)\b", re.IGNORECASE)
_POINTS_AWAY = re.compile(r"\b(?:above|below|the following|as follows|pictured|this post|this article|this blog|"
                          r"this talk|this video|this table|this chart|in this|like this|like that)\b", re.IGNORECASE)
_OPENING_REF = re.compile(r"^\W*(?:\w+\s+){0,2}?(?:this|that|these|those|it|them)\s*[,.;]", re.IGNORECASE)
_PLURAL_PRONOUN = re.compile(r"\b(?:they|them|their)\b", re.IGNORECASE)
_PLURAL_NOUN = re.compile(r"\b[a-z]{3,}[^s\W]s\b|\b(?:people|children|staff|data|media|everyone)\b", re.IGNORECASE)
_QUESTION_HEADING = re.compile(r"^(?:what|why|how|when|where|who|which|is|are|do|does|can|should)\b.*\?$",
                               re.IGNORECASE)
_HOW_TO = re.compile(r"^how\s+to\s+\w+", re.IGNORECASE)
_ITEM_PREFIX = re.compile(r"^\s*(?:(?P<noun>[A-Za-z]+)\s*#?\s*(?P<n>\d{1,2})\s*[:.)-]|(?P<m>\d{1,2})[.)])\s*",
                          re.IGNORECASE)


class HookKind(StrEnum):
    """How a post opens: the rubric's hook types, each built only from the pillar's words."""

    STATISTIC = "statistic"  # a sentence with a fact number
    CONTRARIAN = "contrarian"  # a claim against the usual view ("not", "instead", "mistake")
    QUESTION = "question"  # a question the post answers (the source's, or a question heading)
    HOW_TO = "how_to"  # "How to …" promise from a heading or the title
    LIST = "list"  # "{N} …:" teaser before the pillar's own list
    LEAD = "lead"  # the idea's strongest sentence


@dataclass(frozen=True, slots=True)
class Unit:
    """One or two source sentences that stand together in a post (the second points back to the first)."""

    indices: tuple[int, ...]  # positions in `pillar.sentences`
    ids: tuple[str, ...]
    text: str
    group: int
    score: float
    words: int
    first_person: bool
    question: bool
    statistic: bool
    contrarian: bool
    turned: bool = False  # the source's next sentence, in the same paragraph, turns against this one


@dataclass
class Group:
    """An idea: one section (or one run of a long section) and its usable units in source order."""

    index: int
    section: int
    heading: str | None
    units: list[Unit] = field(default_factory=list)

    @property
    def score(self) -> float:
        best = sorted((u.score for u in self.units if not u.first_person), reverse=True)[:3]
        return sum(best)


@dataclass
class ListIdea:
    """A list in the pillar: its lead-in (a sentence ending in ':' or the heading) and one line per item."""

    heading: str | None
    intro: str | None  # a source sentence that introduces the list ("Influencers typically have:")
    items: list[str]
    ids: list[str]
    noun: str  # what the items are ("tips"), from their prefix ("Tip #1"), else the connective's default
    position: int  # index of the first source sentence, for ordering


@dataclass
class Pool:
    """The pillar as the engine uses it: ideas in source order, lists, and the headings that promise."""

    pillar: Pillar
    groups: list[Group]
    lists: list[ListIdea]
    how_to: list[tuple[str, int]]  # ("How to run an efficient meeting", group index) from the title or a heading
    question_headings: list[tuple[str, int]]  # ("What are your goals …?", group index)
    headings: frozenset[str]  # normalised headings and title: a line equal to one reads as a pasted heading
    # each sentence that may follow the one before it in a post (complete, not a label, not the author's "I"),
    # by position: a body is the run of these right after its opening, so it reads as the source reads
    following: dict[int, Unit] = field(default_factory=dict)

    @property
    def units(self) -> list[Unit]:
        return [u for g in self.groups for u in g.units]

    @classmethod
    def of(cls, pillar: Pillar) -> Pool:
        key = pillar.content_hash
        hit = _POOLS.get(key)
        if hit is None or hit.pillar is not pillar and hit.pillar.content_hash != key:
            if len(_POOLS) > 64:
                _POOLS.clear()
            hit = _POOLS[key] = build_pool(pillar)
        return hit


_POOLS: dict[str, Pool] = {}


def normalise(text: str) -> str:
    return re.sub(r"[^\w\s]", "", text).strip().lower()


def complete(text: str, following: bool = False) -> bool:
    """A sentence that can stand as written: closed, balanced, with a verb, not spoken residue or markup.
    `following`: it comes right after the sentence before it in the post, so it may open on "But" or "So"."""
    t = text.strip()
    if not _TERMINAL.search(t) or _unbalanced(t) or _MARKUP.search(t):
        return False
    n = len(t.split())
    if n < (3 if following else MIN_WORDS) or n > MAX_WORDS:
        return False
    if not following and _STARTS_BADLY.match(t):
        return False
    if _patterns()["filler"].search(t) or "--" in t or "..." in t or "…" in t:
        return False
    if _patterns()["promotion"].search(t):
        return False  # the source's own plug: another organisation's call to action
    if _SPEAKER.match(t) or t.startswith(("(", "[")) or _LOWER_START.match(t):
        return False  # "b) you can restore it" is the tail of a list inside a sentence
    if n < 10 and (not _VERBISH.search(t) or _GERUND_ONLY.match(t) and not _FINITE.search(t)
                   and not _LABEL_VERB.search(t)):
        return False  # "Going beyond the happy path." is a label, not a sentence
    return not _subordinate_only(t)


_RELATIVE = re.compile(r"^\W*(?:whether|which|where|who|whom|whose|when|that|while|as|if|because|and|or|but)\b",
                       re.IGNORECASE)
# spoken sentences are often verbless ("Big social change for a small technological trick."): a written one has
# an auxiliary or modal, or a subject pronoun before its verb
_FINITE = re.compile(r"\b(?:is|are|was|were|be|been|has|have|had|do|does|did|can|could|will|would|should|must|"
                     r"may|might|shall)\b|['’](?:s|re|ve|ll|d)\b|n['’]t\b|"
                     r"\b(?:you|we|they|i|people|teams?|it)\s+(?:\w+ly\s+)?[a-z]{2,}", re.IGNORECASE)
_UNNAMED_PERSON = re.compile(r"\b(?:he|she|him|his|her|hers)\b", re.IGNORECASE)


def _subordinate_only(text: str) -> bool:
    """A sentence that opens on "If", "When", "Although"… and never reaches its main clause: "If you are
    working on a project, whether it is open source or within a company." """
    if not _patterns()["subordinate"].match(text):
        return False
    rest = text.split(",")[1:]
    return not any(part.strip() and not _RELATIVE.match(part) and (_VERBISH.search(part) or _FINITE.search(part))
                   for part in rest)


def without_intensifiers(text: str) -> str:
    """A spoken sentence without its "really", "actually", "just": words that carry no claim."""
    out = _patterns()["intensifier"].sub("", text).strip()
    return out[:1].upper() + out[1:] if out != text else text


def reads_as_writing(text: str) -> bool:
    """A transcript's sentence that can stand in a written post: no marker of talk, no opening that leans on
    what was said before, no question to the room, no unnamed "he" or "she" (`data/offline_engine.json`)."""
    t = text.strip()
    pats = _patterns()
    if t.rstrip("\"”’') ").endswith("?") or "'" in t[:1]:
        return False
    if pats["spoken"].search(t) or pats["spoken_opener"].match(t) or _UNNAMED_PERSON.search(t):
        return False
    if len(t.split()) < 8 and _SHORT_PRONOUN.search(t):
        return False  # "You had to wind it up.": a short spoken line leans on what was on the screen
    return bool(_FINITE.search(t))


_GERUND_ONLY = re.compile(r"^\W*[A-Z][a-z]+ing\b")
_SHORT_PRONOUN = re.compile(r"\b(?:it|them|they|this|that|these|those)\b", re.IGNORECASE)
_LOWER_START = re.compile(r"^[\W\d]*[a-z]\)|^[\"“‘']?[a-z](?![A-Z])")
_BARE_END = re.compile(r"\b(?:it|this|that|them|these|those)\W*$", re.IGNORECASE)


def points_back(text: str) -> bool:
    """Does the sentence lean on the one before it (an opening 'this', 'these tools', an unnamed 'they', a
    short one that ends on 'it' or 'them': "One planned afternoon replaces them.")?"""
    if len(text.split()) <= 10 and _BARE_END.search(text):
        return True
    if _dangling(text) is not None or _connective_start(text) is not None or DANGLING.match(text.strip()):
        return True
    if _NOT_STANDALONE_INSIDE.search(text) or _OPENING_REF.match(text) or _POINTS_AWAY.search(text):
        return True
    # "this role" anywhere points back; "that plan" only at the start ("teams that batch…" does not)
    if any(m.group(0).lower().startswith("this") or re.match(r"^\W*(?:[A-Za-z]+,\s+)?$", text[:m.start()])
           for m in _THIS_NOUN.finditer(text)):
        return True
    p = _PLURAL_PRONOUN.search(text)
    return bool(p and not _PLURAL_NOUN.search(text[:p.start()]))


@cache
def _advice() -> re.Pattern[str]:
    """`gives_advice`'s three shapes: an imperative, a condition and then one, "you" with should/need to/must."""
    verbs = alternation(data()["advice_verbs"])
    # what follows an imperative ("Send a reminder", "Ask people", "Consider moving"), not a noun's verb
    # ("Test results show…", "Plan B is…")
    nxt = (r"(?:the|a|an|your|their|them|it|this|that|these|those|people|everyone|what|how|who|which|one|some|each|"
           r"every|all|any|out|up|down|off|back|sure|clear|ahead|early|to|with|for|about|and|[a-z]+ly|[a-z]+ing|"
           r"[A-Z]{2,}s?)\b")
    imperative = rf"(?i:{verbs})\s+{nxt}"
    return re.compile(
        rf"^\W*{imperative}"
        rf"|^\W*(?i:if|when|whenever|before|after|once|until|unless)\b[^,.;]{{3,120}},\s+(?:[a-z]+ly\s+)?"
        rf"(?:(?i:you|your)\b|{imperative})"
        r"|^[^.!?]{0,60}?\b(?i:you|your)\b(?:\s+[\w'’-]+){0,4}?\s+(?i:should|must|need\s+to|needs\s+to|"
        r"have\s+to|has\s+to)\b")


def gives_advice(text: str) -> bool:
    """A sentence that tells the reader what to do: "Send a reminder…", "If you have announcements, make that
    clear.", "Your agenda should say…" (`advice_verbs` in the engine's data)."""
    return _advice().search(text) is not None


def reaches_past(sentences: list[Sentence], at: tuple[int, ...] | list[int],
                 held: frozenset[str] = frozenset()) -> bool:
    """Does a "this nuance" or "these maps" in these sentences name what one of the few before them introduced
    (`defects.source.far_reference`), one the post does not hold (`held`: source ids already in it)? Then they
    cannot stand without it."""
    first = at[0]
    if not any(w in sentences[i].text.lower() for i in at for w in ("this ", "these ", "those ")):
        return False
    window = [s for s in sentences[max(0, first - FAR_BACK):first] if s.section == sentences[first].section]
    said = " ".join(s.text for s in window if s.id in held)
    earlier = [s.text for s in window if s.id not in held]
    return far_reference(" ".join(sentences[i].text for i in at), earlier, said) is not None


def reason_after(sentences: list[Sentence], at: int) -> Sentence | None:
    """The sentence after a list item in its own bullet (its reason or example, "Rapid response … can resolve
    issues before they become public complaints."), when it may follow the item in a post: complete, not the
    author's "we", no question, no quotation, nothing it points back to that the item does not hold."""
    if at + 1 >= len(sentences) or not same_paragraph(sentences[at], sentences[at + 1]):
        return None
    nxt = sentences[at + 1]
    t = nxt.text.strip()
    if nxt.kind in ("quote", "cue") or not complete(t, following=True) or t.rstrip("\"”’') ").endswith("?") \
            or _patterns()["first_person"].search(t) or addressed_to_model(t) or _ABOUT_ITSELF.search(t) \
            or reaches_past(sentences, (at + 1,), frozenset({sentences[at].id})):
        return None
    return nxt


def same_paragraph(a: Sentence, b: Sentence) -> bool:
    return (a.section, a.block) == (b.section, b.block)


def is_fact_number(text: str) -> bool:
    return any(not (1900 <= n.value <= 2100 and n.value.is_integer()) for n in find_numbers(text))


def _unit(sentences: list[Sentence], at: list[int], group: int, scores: dict[str, float]) -> Unit:
    text = " ".join(without_intensifiers(sentences[i].text) if sentences[i].kind == "cue" else sentences[i].text
                    for i in at)
    pats = _patterns()
    last = sentences[at[-1]].text
    after = at[-1] + 1
    turned = after < len(sentences) and same_paragraph(sentences[at[-1]], sentences[after]) \
        and bool(pats["turn"].search(sentences[after].text))
    return Unit(tuple(at), tuple(sentences[i].id for i in at), text, group,
                round(sum(scores.get(sentences[i].id, 0.0) for i in at) / len(at), 4), len(text.split()),
                bool(pats["first_person"].search(text)), last.rstrip("\"”’') ").endswith("?"),
                is_fact_number(text), bool(pats["contrarian"].search(text)), turned)


def _clean_heading(heading: str | None) -> str | None:
    if not heading:
        return None
    h = " ".join(heading.split()).strip().rstrip(":").strip()
    return h or None


def build_pool(pillar: Pillar) -> Pool:
    sentences = pillar.sentences
    scores = sentence_scores(pillar)
    def usable(s: Sentence, following: bool = False) -> bool:
        """A sentence a post may hold: `complete` (as an opening, or `following` the line before it), not
        addressed to a model, not a quotation, and a talk's line only when it reads as writing."""
        return complete(s.text, following) and not addressed_to_model(s.text) and s.kind != "quote" \
            and not _ABOUT_ITSELF.search(s.text) \
            and (s.kind != "cue" or reads_as_writing(without_intensifiers(s.text)))

    ok = [usable(s) for s in sentences]
    # only sentences that may be used are read for references (the check is the costly part)
    back = [(ok[i] or s.kind == "bullet" or (i + 1 < len(sentences) and ok[i + 1])) and points_back(s.text)
            for i, s in enumerate(sentences)]
    labelled = [bool(_LABEL.match(s.text)) for s in sentences]
    # a bullet after a lead-in that ends in ':' finishes that sentence ("…might not be right if: the audience
    # is …"): it is a list item, never a post's sentence on its own
    lead_in = False
    for i, s in enumerate(sentences):
        if s.kind != "bullet":
            lead_in = s.text.rstrip().endswith(":")
        elif lead_in:
            labelled[i] = True
    headings = [_clean_heading(sec.heading) for sec in pillar.sections]

    groups: list[Group] = []
    group_of: dict[int, int] = {}
    current: Group | None = None
    start = 0
    for i, s in enumerate(sentences):
        if current is None or current.section != s.section or i - start >= GROUP_SIZE:
            current = Group(len(groups), s.section, headings[s.section] if s.section < len(headings) else None)
            groups.append(current)
            start = i
        group_of[i] = current.index
    for i, s in enumerate(sentences):
        if not ok[i] or labelled[i]:
            continue
        g = group_of[i]
        if not back[i]:
            at = [i]
        elif i > 0 and ok[i - 1] and not back[i - 1] and not labelled[i - 1] \
                and same_paragraph(sentences[i - 1], s) \
                and len(s.text.split()) + len(sentences[i - 1].text.split()) <= MAX_WORDS + 10:
            at = [i - 1, i]
        else:
            continue
        if not reaches_past(sentences, at):  # "this nuance" named two sentences back: not a unit on its own
            groups[g].units.append(_unit(sentences, at, g, scores))

    lists = _lists(pillar, ok, back, scores)
    how_to: list[tuple[str, int]] = []
    questions: list[tuple[str, int]] = []
    first_group = {g.section: g.index for g in reversed(groups)}
    title = " ".join(pillar.title.split())
    if _HOW_TO.match(title) and ":" not in title:
        how_to.append((title.rstrip("?.!"), groups[0].index if groups else 0))
    for k, h in enumerate(headings):
        if h is None or k not in first_group:
            continue
        if _HOW_TO.match(h):
            how_to.append((h.rstrip("?.!"), first_group[k]))
        if _QUESTION_HEADING.match(h) and not _patterns()["first_person"].search(h) and len(h.split()) >= 4:
            questions.append((h, first_group[k]))
    known = frozenset(normalise(h) for h in [*headings, pillar.title] if h)
    # a run-in label ("Strategy & Planning: …", Title Case) starts an item; "Batching fixes that: …" is prose
    following = {i: _unit(sentences, [i], group_of[i], scores) for i, s in enumerate(sentences)
                 if not (labelled[i] and _run_in_label(s.text)) and s.kind != "bullet"
                 and (ok[i] or usable(s, following=True))}
    return Pool(pillar, groups, lists, how_to, questions, known,
                {i: u for i, u in following.items() if not u.first_person and not u.question})


# an item's text that starts on its verb or an adjective: its subject is the label before it
_SUBJECTLESS = re.compile(r"^\W*(?:Measures|Tracks|Shows|Indicates|Reflects|Helps|Provides|Gives|Reveals|Captures|"
                          r"Counts|Calculates|Compares|Determines|Identifies|Represents|Means|Refers|Describes|"
                          r"Includes|Involves|Requires|Ensures|Allows|Lets|Makes|Keeps|Builds|Drives|Creates|"
                          r"Supports|Focuses|Uses|Essential|Important|Critical|Key|Useful|Vital|Crucial|Ideal|Used|"
                          r"Great|Best|Helpful|Necessary|Required|Often|Typically|Usually|Also)\b")
_PROMISES_SET = re.compile(r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|ways|tips|steps|reasons|"
                           r"lessons|mistakes|rules|ideas|things|questions|examples|principles|habits|metrics|"
                           r"stages|types|kinds)\b", re.IGNORECASE)


def _titled_label(text: str) -> bool:
    """"Strategy & Planning: …" opens on a label (Title Case); "Pick one pillar piece: a blog article, a talk or
    a report." is one sentence with a colon in it."""
    m = _LABEL.match(text)
    return m is not None and all(w[:1].isupper() for w in m.group("label").split() if w[:1].isalpha() and len(w) > 3)


def _run_in_label(text: str) -> bool:
    """A paragraph that opens on a label, as an item or a run-in heading does ("Slower rate of onboarding new
    users: …"): a Title Case label, or one with no verb. "Batching fixes that: …" is the sentence's own clause."""
    m = _LABEL.match(text)
    if not m:
        return False
    label = m.group("label")
    return _titled_label(text) or not _LABEL_VERB.search(label)


# a finite verb in a label makes it the sentence's own clause: "Batching fixes that: …"
_LABEL_VERB = re.compile(r"\b(?:is|are|was|were|has|have|had|does|did|can|could|will|would|should|must|may|might|"
                         r"[a-z]{3,}(?:es|ed))\b")


def _item_text(s: Sentence, ok: bool, back: bool) -> str | None:
    """A list item's line: the bullet's sentence when it stands alone, else its label, else nothing."""
    m = _LABEL.match(s.text)
    if m:
        rest, label = m.group("rest"), m.group("label").strip()
        if not _titled_label(s.text) and ok and not back and len(s.text.split()) <= 25 \
                and not _patterns()["first_person"].search(s.text):
            return s.text
        if complete(rest) and not points_back(rest) and not _patterns()["first_person"].search(rest) \
                and len(rest.split()) <= 25:
            # "CTR: Measures the effectiveness of…" has its subject in the label: keep it
            return f"{label}: {rest}" if _SUBJECTLESS.match(rest) else rest
        return label if 1 <= len(label.split()) <= 8 else None
    words = len(s.text.split())
    if _patterns()["first_person"].search(s.text) or back or _MARKUP.search(s.text) or _unbalanced(s.text):
        return None
    if ok and words <= 25:
        return s.text
    if 2 <= words <= 14 and not _TERMINAL.search(s.text) and not s.text.rstrip().endswith((",", ";", ":")):
        return s.text  # a short noun-phrase bullet ("Large numbers of followers")
    return None


def _alike(items: list[str], ids: list[str]) -> tuple[list[str], list[str]]:
    """A list's lines all of one kind: bare labels ("Time keeper", "Note taker") make a list, sentences make one, but
    a label among sentences ("Quarterly SMM Audits" after two tips) is a heading the reader cannot use (editors
    called it FRAGMENT, review r8): the sentences are the list."""
    said = [complete(item, following=True) for item in items]
    if all(said) or not any(said):
        return items, ids
    return [t for t, ok in zip(items, said, strict=True) if ok], [i for i, ok in zip(ids, said, strict=True) if ok]


def _lists(pillar: Pillar, ok: list[bool], back: list[bool], scores: dict[str, float]) -> list[ListIdea]:
    sentences = pillar.sentences
    by_block: dict[tuple[int, int], list[int]] = {}
    for i, s in enumerate(sentences):
        by_block.setdefault((s.section, s.block), []).append(i)
    out: list[ListIdea] = []
    nouns: dict[str, str] = data()["item_nouns"]
    default_noun: str = data()["connectives"]["list_noun"]
    # 1. a run of bullet blocks in one section: one item per bullet (its first sentence)
    for k, section in enumerate(pillar.sections):
        run: list[int] = []
        runs: list[list[int]] = []
        for b, block in enumerate(section.blocks):
            if block.kind == "bullet" and (k, b) in by_block:
                run.append(by_block[(k, b)][0])
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
        for run in runs:
            items, ids = [], []
            for i in run:
                line = _item_text(sentences[i], ok[i], back[i])
                if line:
                    items.append(line)
                    ids.append(sentences[i].id)
            items, ids = _alike(items, ids)
            if len(items) < 3 or len(items) < len(run) * 0.6:
                continue
            before = run[0] - 1
            intro = None
            if before >= 0 and sentences[before].section == k and sentences[before].text.rstrip().endswith(":"):
                lead = sentences[before].text.strip()
                if not back[before] and not points_back(lead) and not _patterns()["first_person"].search(lead) \
                        and 4 <= len(lead.split()) <= 25 and not _MARKUP.search(lead):
                    intro = lead
            out.append(ListIdea(_clean_heading(section.heading), intro, items, ids, default_noun, run[0]))
    # 2. sections whose headings are the items: numbered ("Tip #1: …", "1. …") or the children of one heading
    numbered = [(k, m) for k, sec in enumerate(pillar.sections)
                if sec.heading and (m := _ITEM_PREFIX.match(sec.heading))]
    families: list[list[int]] = []
    if len(numbered) >= 3:
        families.append([k for k, _ in numbered])
    for k, sec in enumerate(pillar.sections):
        if not sec.heading:
            continue
        children = []
        for j in range(k + 1, len(pillar.sections)):
            if pillar.sections[j].level <= sec.level:
                break
            if pillar.sections[j].level == sec.level + 1:
                children.append(j)
        # the children of a heading are items only when the heading promises a set ("Five ways to…",
        # "Tips for…"); an article's sections under its title are not a list
        if len(children) >= 3 and _PROMISES_SET.search(sec.heading):
            families.append(children)
    first_of: dict[int, list[int]] = {}
    for i, s in enumerate(sentences):
        first_of.setdefault(s.section, []).append(i)
    for family in families:
        items, ids = [], []
        noun = default_noun
        for k in family:
            heading = _clean_heading(pillar.sections[k].heading) or ""
            m = _ITEM_PREFIX.match(heading)
            if m and m.group("noun"):
                noun = nouns.get(m.group("noun").lower(), noun)
            rest = heading[m.end():].strip() if m else heading
            # the item is the section's first sentence that stands alone, else its numbered heading's words
            line = next((sentences[i].text for i in first_of.get(k, [])[:4]
                         if ok[i] and not back[i] and not _patterns()["first_person"].search(sentences[i].text)
                         and len(sentences[i].text.split()) <= 22), None)
            at = next((i for i in first_of.get(k, [])[:4] if sentences[i].text == line), None)
            if line is None and m and rest and normalise(rest) != normalise(heading):
                line = rest
            if line:
                items.append(line)
                ids.append(sentences[at].id if at is not None else "")
        if len(items) >= 3 and len(items) >= len(family) * 0.6:
            parent = None
            first = family[0]
            for j in range(first - 1, -1, -1):
                if pillar.sections[j].level < pillar.sections[first].level:
                    parent = _clean_heading(pillar.sections[j].heading)
                    break
            position = first_of[family[0]][0] if first_of.get(family[0]) else 0
            out.append(ListIdea(parent or _clean_heading(pillar.title), None, items, [i for i in ids if i], noun,
                                position))
    out.sort(key=lambda x: x.position)
    return out
