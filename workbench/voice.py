"""The brand's voice applied to source text: how it is said changes, never what it says.

The playful voice (`tone.contractions: true`) gets shorter sentences (split at a clause boundary only when
both halves are clauses of five words or more), contractions ("do not" -> "don't", never inside a quote)
and the brand's own emoji at line starts, within what the brand allows on the platform. The formal voice
gets contractions written out, no "!", no emoji and no hype (the profile's banned list). Both get the
profile's banned-word replacements (`BrandVoice.rewrite`). No word here adds a number, a name or a claim:
the word lists are data (`data/voice.yaml`), reviewed like the profiles.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import emoji as emoji_lib
import yaml

from .brand import BrandVoice, ConnectiveKind

DATA = Path(__file__).resolve().parent / "data" / "voice.yaml"
MIN_HALF = 5  # words each side of a split
SPLIT_FROM = 16  # a sentence shorter than this stays whole

_QUOTED = re.compile(r"(“[^”\n]*”|\"[^\"\n]*\")")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘(]?[A-Za-z])")
_WORDS = re.compile(r"[A-Za-z][A-Za-z'’]*")
_BULLET = re.compile(r"^(\s*)(?:[-•*→▪]\s+)")
_URL_START = re.compile(r"^\s*(?:https?://|www\.)")
_THREAD_NO = re.compile(r"^\s*\d{1,2}/\d{1,2}\s*$")


@dataclass(frozen=True)
class _Lists:
    contract: re.Pattern[str]
    contract_map: dict[str, str]
    expand: re.Pattern[str]
    expand_map: dict[str, str]
    subjects: frozenset[str]
    finite: frozenset[str]
    splits: tuple[tuple[str, str], ...]
    connectives: dict[str, dict[str, list[str]]]


@lru_cache(maxsize=1)
def _lists() -> _Lists:
    raw: dict[str, Any] = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    contract = {str(k).lower(): str(v) for k, v in raw["contract"].items()}
    expand = {str(k).lower(): str(v) for k, v in raw["expand"].items()}
    suffixes = [k for k in expand if k.startswith(("'", "n'"))]  # endings: "n't", "'re", ...
    whole = sorted((k for k in expand if k not in suffixes), key=len, reverse=True)
    apos = "['’]"
    whole_re = "|".join(re.escape(k).replace("'", apos) for k in whole)
    suffix_re = "|".join(re.escape(k).replace("'", apos) for k in suffixes)
    return _Lists(
        # a pair contracts only before a word: "what it is." and "that is, ..." stay as they are
        contract=re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(contract, key=len, reverse=True))
                            + r")\b(?= [A-Za-z])", re.IGNORECASE),
        contract_map=contract,
        expand=re.compile(rf"\b(?:(?P<whole>{whole_re})|(?P<stem>[A-Za-z]+)(?P<suffix>{suffix_re}))\b",
                          re.IGNORECASE),
        expand_map=expand,
        subjects=frozenset(str(raw["subjects"]).split()),
        finite=frozenset(str(raw["finite"]).split()),
        splits=tuple((str(k), str(v)) for k, v in raw["splits"].items()),
        connectives={voice: {str(k): list(v) for k, v in kinds.items()} for voice, kinds in raw["connectives"].items()},
    )


def _outside_quotes(text: str, fn: Callable[[str], str]) -> str:
    """`fn` applied to the text outside quotation marks: a quote is the speaker's words, kept exactly."""
    parts = _QUOTED.split(text)
    return "".join(p if i % 2 else fn(p) for i, p in enumerate(parts))


def _case_like(new: str, old: str) -> str:
    if new.lower().startswith("i'") or new.lower().startswith("i’"):
        return "I" + new[1:]
    return new[:1].upper() + new[1:] if old[:1].isupper() else new


def contract(text: str) -> str:
    """'do not' -> "don't", 'it is' -> "it's" (before a word only, never inside a quote)."""
    ls = _lists()

    def swap(m: re.Match[str]) -> str:
        pair = m.group(1)
        if pair.lower() == "what is" and re.search(r"\w[,;]?\s*$", m.string[:m.start()]):
            return pair  # inside a clause, "understand what is SMM" reads broken as "what's SMM"
        return _case_like(ls.contract_map[pair.lower()], pair)

    return _outside_quotes(text, lambda s: ls.contract.sub(swap, s))


def expand(text: str) -> str:
    """"don't" -> 'do not', "it's" -> 'it is', "we're" -> 'we are' (never inside a quote)."""
    ls = _lists()

    def swap(m: re.Match[str]) -> str:
        if m.group("whole"):
            key = m.group("whole").lower().replace("’", "'")
            return _case_like(ls.expand_map[key], m.group("whole"))
        stem, suffix = m.group("stem"), m.group("suffix").lower().replace("’", "'")
        if suffix == "n't":
            return stem + " not"
        if suffix == "'d":
            rest = m.string[m.end():m.end() + 20].split()
            nxt = rest[0].lower().strip(".,;:!?") if rest else ""
            return stem + (" had" if nxt == "been" or nxt.endswith("ed") else " would")
        return stem + ls.expand_map[suffix]

    return _outside_quotes(text, lambda s: ls.expand.sub(swap, s))


_OBJECTS = frozenset("a an the their your our its his her my this these those it them".split())
_NOT_VERBS = frozenset("""of in on at for with from to by about into over under after before between through during
without within across than as like and or but that which who whom whose all both each every some most""".split())


def _has_verb(words: list[str], ls: _Lists) -> bool:
    """A finite verb by rule: a listed one, an -ed word, an -s word after he/she/it, or a word (not a
    preposition) followed by its object ("teams plan their posts")."""
    low = [w.lower() for w in words]
    return any(w in ls.finite or (i > 0 and len(w) > 4 and w.endswith("ed")) or
               (i > 0 and low[i - 1] in ("he", "she", "it", "this", "that", "one") and w.endswith("s")) or
               (0 < i < len(low) - 1 and low[i + 1] in _OBJECTS and w not in _NOT_VERBS and w not in ls.subjects)
               for i, w in enumerate(low))


def _clause(text: str, ls: _Lists, *, opens: bool) -> bool:
    """Five words or more with a verb; `opens`: it must also start with a subject (a second sentence)."""
    words = _WORDS.findall(text)
    if len(words) < MIN_HALF or not _has_verb(words, ls):
        return False
    if text.count("(") != text.count(")") or text.count('"') % 2 or text.count("“") != text.count("”"):
        return False
    return not opens or words[0].lower() in ls.subjects


def split_sentence(sentence: str) -> list[str]:
    """A long sentence as two at its first clause boundary where both halves are clauses, else as it is."""
    ls = _lists()
    if len(_WORDS.findall(sentence)) < SPLIT_FROM:
        return [sentence]
    for sep, lead in ls.splits:
        at = sentence.find(sep)
        while at > 0:
            first, second = sentence[:at].rstrip(), sentence[at + len(sep):].lstrip()
            if _clause(first, ls, opens=False) and _clause(second, ls, opens=True) and first[-1:].isalnum():
                second = lead + (second if lead else second[:1].upper() + second[1:])
                return [*split_sentence(first + "."), *split_sentence(second)]
            at = sentence.find(sep, at + 1)
    return [sentence]


def _shorter(text: str) -> str:
    out_lines = []
    for line in text.split("\n"):
        sentences = _SENTENCE_END.split(line)
        out_lines.append(" ".join(piece for s in sentences for piece in split_sentence(s)))
    return "\n".join(out_lines)


def _emoji_count(text: str) -> int:
    return 0 if text.isascii() else int(emoji_lib.emoji_count(text))


def _starts_with_emoji(line: str) -> bool:
    s = line.lstrip()
    return bool(s) and not s.isascii() and bool(emoji_lib.emoji_list(s[:4]))


def _add_emoji(text: str, brand: BrandVoice, budget: int) -> str:
    """The brand's own emoji at the start of list lines (in place of the bullet), else of paragraphs after
    the first: at most `budget`, and none on a tag line, a link or a thread counter."""
    own = brand.emoji.set
    if budget <= 0 or not own:
        return text
    lines = text.split("\n")

    def usable(i: int) -> bool:
        s = lines[i].strip()
        return bool(s) and not s.startswith("#") and not _URL_START.match(s) and not _THREAD_NO.match(s) \
            and not _starts_with_emoji(s)

    bullets = [i for i in range(len(lines)) if _BULLET.match(lines[i]) and usable(i)]
    paragraphs = [i for i in range(len(lines)) if usable(i) and (i == 0 or not lines[i - 1].strip())]
    chosen = bullets or paragraphs[1:] or paragraphs[:1]
    for n, i in enumerate(chosen[:budget]):
        mark = own[n % len(own)]
        m = _BULLET.match(lines[i])
        lines[i] = (m.group(1) + mark + " " + lines[i][m.end():]) if m else (
            lines[i][:len(lines[i]) - len(lines[i].lstrip())] + mark + " " + lines[i].lstrip())
    return "\n".join(lines)


def _drop_emoji(text: str, keep: int) -> str:
    """Emoji beyond the first `keep` removed, with the space they leave."""
    if text.isascii():
        return text
    found = emoji_lib.emoji_list(text)
    for e in reversed(found[keep:]):
        s, t = e["match_start"], e["match_end"]
        if t < len(text) and text[t] == " " and (s == 0 or text[s - 1] in " \n"):
            t += 1
        text = text[:s] + text[t:]
    return re.sub(r"[ \t]+\n", "\n", text).rstrip(" ")


def _cap_exclamations(text: str, allowed: int) -> str:
    if text.count("!") <= allowed:
        return text
    head, n = [], 0
    for ch in text:
        if ch == "!":
            n += 1
            head.append("!" if n <= allowed else ".")
        else:
            head.append(ch)
    return "".join(head).replace("?.", "?").replace("..", ".")


def _drop_banned(text: str, brand: BrandVoice) -> str:
    """Banned phrases with no replacement ("trust me") cut, with the comma that set them off; a sentence
    that started with one starts with a capital again."""

    def cut(m: re.Match[str]) -> str:
        before = m.string[:m.start()].rstrip(" ")
        opens = not before or before.endswith((".", "!", "?", "\n"))
        return m.group("next").upper() if opens else m.group("next")

    for word in dict.fromkeys(w.lower() for w in brand.banned_in(text)):
        if brand.vocabulary.banned.get(word) is None:
            text = re.sub(r"(?<![\w-])" + re.escape(word) + r"(?![\w-]),?\s*(?P<next>\w?)", cut, text,
                          flags=re.IGNORECASE)
    return text


def apply_voice(text: str, brand: BrandVoice, platform: str, *, max_emoji: int | None = None) -> str:
    """The text (a post or its body) in the brand's voice on this platform; pure, adds no fact.

    `max_emoji`: how many emoji the text may hold in all (default: the brand's max on the platform); pass
    less when the CTA or another part of the post brings its own."""
    policy = brand.emoji_for(platform)
    budget = policy.max_per_post if max_emoji is None else min(max_emoji, policy.max_per_post)
    text = _drop_banned(brand.rewrite(text), brand)
    if brand.tone.contractions:
        text = contract(_shorter(text))
    else:
        text = expand(text)
        stripped = text.lstrip(" \"'“‘(")
        if stripped[:1].islower():
            at = len(text) - len(stripped)
            text = text[:at] + text[at].upper() + text[at + 1:]
    text = _cap_exclamations(text, brand.tone.exclamations)
    have = _emoji_count(text)
    if have > budget:
        return _drop_emoji(text, budget)
    return _add_emoji(text, brand, budget - have)


def add_emoji(text: str, brand: BrandVoice, budget: int) -> str:
    """Up to `budget` of the brand's own emoji, placed as `apply_voice` places them, and nothing else
    changed (for a finished post whose CTA and tags must stay as the brand wrote them)."""
    return _add_emoji(text, brand, budget - _emoji_count(text))


def connectives(brand: BrandVoice, kind: ConnectiveKind | str) -> list[str]:
    """Short fixed connectives for `kind` in the brand's voice (the profile's own first, else the reviewed
    list for its voice): no fact in any of them, so an engine may put them between source sentences."""
    kind = ConnectiveKind(kind)
    own = brand.connectives.get(kind)
    if own:
        return list(own)
    voice = "playful" if brand.tone.contractions else "formal"
    return list(_lists().connectives[voice][kind.value])
