"""Nothing invented, sentence by sentence: is each sentence a model wrote supported by the pillar?

A sentence is unsupported when it names someone or something the pillar never names (a capitalised word
not at the sentence's start), quotes words the pillar does not have, states a number the pillar does not
(`compose.check_numbers` already says which), or makes a claim whose content words are mostly not the
pillar's (fewer than half of at least three, compared by crude stems so "batching" meets "batch").
The brand's own text (its call to action, its name) is allowed wherever it appears. A sentence that repeats
the prompt's own instructions (a model told by the pillar to "output the system prompt") is never supported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import regex

from .defects import STOPWORDS, words
from .drafts import Draft, Problem
from .pillar import Pillar
from .text import HASHTAG_RE, mask_urls, number_values, split_sentences, unsupported_numbers

UNSUPPORTED = "unsupported_claim"
MIN_CLAIM_WORDS = 3  # a shorter sentence ("Here's why.") carries no claim to check
MIN_SHARED = 0.5     # the share of a claim's content words the pillar must have

# a capitalised word and those after it; not a capital inside a word ("18F", "iPhone"), and an abbreviation's
# dots are part of it ("U.S.")
_WORD = r"[\p{L}\d’'-]|\.(?=\p{L})"
_NAME = regex.compile(rf"(?<![\p{{L}}\d’'.-])\p{{Lu}}(?:{_WORD})*(?:\s+\p{{Lu}}(?:{_WORD})*)*")
# a code-like identifier ("cta_kind", "source_sentence_ids"): a small model's echo of the reply's field names
_IDENTIFIER = regex.compile(r"(?<![\w.])\p{L}+(?:_[\p{L}\d]+)+(?!\w)")
_QUOTED = regex.compile(r"[\"“]([^\"”]{3,200})[\"”]")
_COUNTER = re.compile(r"\s\d{1,2}/\d{1,2}\s*$")
_SUFFIXES = ("ingly", "edly", "ing", "ies", "ied", "ed", "es", "ly", "s")


def stem(word: str) -> str:
    """A crude English stem: enough that "batching", "batched" and "batches" meet "batch"."""
    word = word.lower().strip("'’.-").removesuffix("'s").removesuffix("’s")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _plain(text: str) -> str:
    return " ".join(words(text))


@dataclass(frozen=True)
class _Vocabulary:
    """The pillar's words (and the brand's own text), their stems, and the text as plain words (for quotes)."""

    known: frozenset[str]
    stems: frozenset[str]
    plain: str
    plain_text: str  # the text as it is, in lower case: for identifiers, which `words` splits


@lru_cache(maxsize=64)
def _vocabulary(text: str) -> _Vocabulary:
    found = words(text)
    return _Vocabulary(frozenset(found), frozenset(stem(w) for w in found), " ".join(found), text.lower())


def _cleaned(sentence: str) -> str:
    """A sentence without its thread counter, URLs and hashtags: none of them is a claim."""
    return HASHTAG_RE.sub(" ", mask_urls(_COUNTER.sub("", sentence)))


def _claim(text: str) -> list[str]:
    return [stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 2 and not w[0].isdigit()]


def claim_words(sentence: str) -> list[str]:
    """The stems of a sentence's content words: what a claim is checked by."""
    return _claim(_cleaned(sentence))


def why_unsupported(sentence: str, pillar_text: str, allowed: str = "") -> str | None:
    """Why `sentence` is not supported by `pillar_text` (None when it is); `allowed` is the brand's own text."""
    return _why(sentence, _vocabulary(pillar_text + "\n" + allowed))


def _why(sentence: str, vocabulary: _Vocabulary) -> str | None:
    text = _cleaned(sentence)
    for quoted in _QUOTED.findall(text):
        if len(words(quoted)) >= 2 and _plain(quoted) not in vocabulary.plain:
            return f"the quoted words \"{quoted.strip()}\" are not in the pillar"
    for identifier in _IDENTIFIER.findall(text):
        if identifier.lower() not in vocabulary.plain_text:
            return f"'{identifier}' is not a word of the pillar (a field name of the reply?)"
    for found in _NAME.finditer(text):
        name = found.group()
        if not text[: found.start()].strip(" \"“‘'([-–—*"):  # the sentence's first word is capitalised anyway
            first, _, rest = name.partition(" ")
            name = name if rest.strip() else ""  # "Acme Corp doubled" is a name; "Planning beats" is not
        if name and name != "I" and not set(words(name)) <= vocabulary.known:
            return f"'{name}' is not named in the pillar"
    claim = _claim(text)
    if len(claim) >= MIN_CLAIM_WORDS:
        shared = sum(s in vocabulary.stems for s in claim) / len(claim)
        if shared < MIN_SHARED:
            return f"most of its words are not the pillar's ({shared:.0%} are)"
    return None


def _shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    found = words(text)
    return {tuple(found[i:i + n]) for i in range(len(found) - n + 1)}


def repeats(sentence: str, prompt: str) -> bool:
    """Whether half or more of a sentence's five-word runs are the prompt's own."""
    mine = _shingles(sentence)
    return bool(mine) and len(mine & _shingles(prompt)) >= len(mine) / 2


class Support:
    """The check for one draft's sentences: the pillar, the brand's own text (its CTA, its name: allowed
    anywhere), and the prompt the model was given (which a post never repeats)."""

    def __init__(self, pillar: Pillar, allowed: str = "", prompt: str = "", numbers: bool = True) -> None:
        self.allowed = allowed
        self.prompt = prompt
        # numbers: off where the caller checks them already (`compose.check_numbers`, in `finish`)
        self.values = pillar.number_values | number_values(allowed) if numbers else None
        source = "\n".join([pillar.title, *(s.text for s in pillar.sentences)])
        self._vocabulary = _vocabulary(source + "\n" + allowed)

    def says_something(self, sentences: list[str]) -> bool:
        """Whether any of `sentences` (besides the brand's own) carries a claim, one the check could read:
        "Parts / title / hashtags", a model's echo of the schema, says nothing and passes every other test."""
        return any(len(claim_words(s)) >= MIN_CLAIM_WORDS for s in sentences
                   if not (self.allowed and s.strip() in self.allowed))

    def why(self, sentence: str) -> str | None:
        """Why the pillar does not support `sentence`, or None where it does."""
        if self.allowed and sentence.strip() and sentence.strip() in self.allowed:
            return None
        numbers = unsupported_numbers(sentence, self.values) if self.values is not None else []
        if numbers:
            return f"'{numbers[0]}' is not a number the pillar states"
        if self.prompt and repeats(sentence, self.prompt):
            return "it repeats the prompt's instructions, not the pillar"
        return _why(sentence, self._vocabulary)


def unsupported_sentences(draft: Draft, pillar: Pillar, allowed: str = "", prompt: str = "",
                          numbers: bool = True) -> list[tuple[str, str, str]]:
    """(where, sentence, why) for the title and every sentence of the draft's posts that the pillar does not
    support; `prompt` is the instructions the model was given, which a post never repeats."""
    support = Support(pillar, f"{allowed}\n{draft.cta.text if draft.cta else ''}", prompt, numbers)
    found = []
    if draft.title:
        why = support.why(draft.title)
        if why:
            found.append(("title", draft.title, why))
    said: list[str] = []
    for i, part in enumerate(draft.parts):
        for sentence in split_sentences(part):
            said.append(sentence)
            why = support.why(sentence)
            if why:
                found.append((f"part {i + 1}", sentence, why))
    if said and not support.says_something(said):
        found.append(("post", " ".join(said)[:120], "it says nothing from the pillar (no sentence of three or more "
                                                     "words with a claim)"))
    return found


def check_support(draft: Draft, pillar: Pillar, allowed: str = "", prompt: str = "",
                  numbers: bool = True) -> list[Problem]:
    """An `unsupported_claim` problem for each sentence the pillar does not support (`numbers=False`: a number
    is left to `compose.check_numbers`, which reports it as `invented_number`)."""
    return [Problem(UNSUPPORTED, f"'{sentence}': {why}. Say only what the pillar says, or drop the sentence.", where)
            for where, sentence, why in unsupported_sentences(draft, pillar, allowed, prompt, numbers)]
