"""How each platform counts the length of a post.

X: twitter-text's weighted length (config v3). URL recognition is the `twitter-text-parser` package's
(its TLD lists and domain rules pass the conformance suite), but its emoji table is Unicode's
emoji-test.txt 12.0 of 2019, so newer sequences (Emoji 13-16: 🧑‍🧑‍🧒, 🐦‍🔥, 🙂‍↔️ ...) count as 5 to 8
instead of 2. The weighting loop here is twitter-text's, with emoji sequences from the `emoji`
package, which follows Unicode's current emoji set.
"""

from __future__ import annotations

import json
import unicodedata
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import emoji
import regex

with warnings.catch_warnings():
    # twitter-text-parser imports pkg_resources, which warns on import; that is its business, not the user's
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    from twitter_text.extract_urls import extract_urls_with_indices
    from twitter_text.regexp.invalid_chars import invalid_chars

from .text import find_urls


@dataclass(frozen=True)
class WeightRange:
    start: int
    end: int
    weight: int


@dataclass(frozen=True)
class XTextConfig:
    """twitter-text's configuration format (config/v1.json ... v3.json)."""

    max_weighted_tweet_length: int = 280
    scale: int = 100
    default_weight: int = 200
    emoji_parsing_enabled: bool = True
    transformed_url_length: int = 23
    ranges: tuple[WeightRange, ...] = (
        WeightRange(0, 4351, 100),
        WeightRange(8192, 8205, 100),
        WeightRange(8208, 8223, 100),
        WeightRange(8242, 8247, 100),
    )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> XTextConfig:
        """Read twitter-text's own JSON keys (camelCase), e.g. config/v3.json."""
        return cls(
            max_weighted_tweet_length=data["maxWeightedTweetLength"],
            scale=data["scale"],
            default_weight=data["defaultWeight"],
            emoji_parsing_enabled=data.get("emojiParsingEnabled", False),
            transformed_url_length=data["transformedURLLength"],
            ranges=tuple(WeightRange(r["start"], r["end"], r["weight"]) for r in data.get("ranges", [])),
        )

    @classmethod
    def from_file(cls, path: str | Path) -> XTextConfig:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def weight(self, char: str) -> int:
        cp = ord(char)
        for r in self.ranges:
            if r.start <= cp <= r.end:
                return r.weight
        return self.default_weight


X_V3 = XTextConfig()
# twitter-text's v1 rules (140 code points, no weighting): what the suite's plain `tweets` cases test.
X_V1 = XTextConfig(max_weighted_tweet_length=140, scale=1, default_weight=1,
                   emoji_parsing_enabled=False, ranges=())


@dataclass(frozen=True)
class XCount:
    weighted_length: int
    valid: bool
    permillage: int
    valid_range_end: int  # inclusive UTF-16 index into the original text, as twitter-text reports it
    display_range_end: int
    valid_prefix_chars: int = field(default=0)  # length (Python str) of the longest valid prefix


@lru_cache(maxsize=1)
def _emoji_starts() -> frozenset[str]:
    """Every character an emoji can begin with, except ASCII (a keycap "#️⃣" begins with "#" but always holds
    U+20E3, which is in the set): a text with none of them holds no emoji."""
    starts = {e[0] for e in emoji.EMOJI_DATA if not e[0].isascii()}
    return frozenset(starts | {"\u20e3"})


def may_hold_emoji(text: str) -> bool:
    """False when `text` certainly holds no emoji; the emoji tokenizer walks every character, so counting and
    scoring ask this first (most posts have curly quotes but no emoji)."""
    return not text.isascii() and not _emoji_starts().isdisjoint(text)


def emoji_list(text: str) -> list[dict[str, Any]]:
    """`emoji.emoji_list`, without the walk when the text cannot hold one."""
    return [dict(e) for e in emoji.emoji_list(text)] if may_hold_emoji(text) else []


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def x_count(text: str, config: XTextConfig = X_V3) -> XCount:
    """twitter-text's parseTweet: weighted length, validity and where a too-long post must be cut."""
    normalized = unicodedata.normalize("NFC", text)
    normalized = regex.sub(r"\r\n|\r", "\n", normalized)
    urls = {u["indices"][0]: u["indices"][1] for u in extract_urls_with_indices(normalized)}
    emojis = ({e["match_start"]: e["match_end"] for e in emoji_list(normalized)}
              if config.emoji_parsing_enabled else {})
    max_scaled = config.max_weighted_tweet_length * config.scale

    bad = invalid_chars.search(normalized)  # a single-character class: the first one makes the rest invalid
    first_bad = bad.start() if bad else len(normalized)
    weighted = 0
    valid = True
    valid_end = 0  # exclusive end (Python index into `normalized`) of the longest valid prefix
    i = 0
    n = len(normalized)
    while i < n:
        if i in urls:
            nxt = urls[i]
            weighted += config.transformed_url_length * config.scale
        elif i in emojis:
            nxt = emojis[i]
            weighted += config.default_weight
        else:
            nxt = i + 1
            weighted += config.weight(normalized[i])
        if valid and i <= first_bad < nxt:
            valid = False
        if valid and weighted <= max_scaled:
            valid_end = nxt
        i = nxt

    weighted_length = weighted // config.scale
    offset = _utf16_len(text) - _utf16_len(normalized)
    valid_range_end = _utf16_len(normalized[:valid_end]) - 1 + offset if valid_end else -1
    return XCount(
        weighted_length=weighted_length,
        valid=valid and 0 < weighted_length <= config.max_weighted_tweet_length,
        permillage=(weighted_length * 1000) // config.max_weighted_tweet_length,
        valid_range_end=valid_range_end,
        display_range_end=max(_utf16_len(text) - 1, 0),
        valid_prefix_chars=valid_end,
    )


def graphemes(text: str) -> int:
    """User-perceived characters (Unicode extended grapheme clusters): Bluesky's unit."""
    return len(regex.findall(r"\X", text))


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def utf16_units(text: str) -> int:
    """What most web platforms (JavaScript string length) count: emoji and astral letters as 2."""
    return _utf16_len(text)


def threads_length(text: str) -> int:
    """Threads: characters, except that an emoji counts as its UTF-8 bytes (Threads API docs)."""
    total = 0
    pos = 0
    for e in emoji_list(text):
        total += len(text[pos:e["match_start"]])
        total += utf8_bytes(e["emoji"])
        pos = e["match_end"]
    return total + len(text[pos:])


@lru_cache(maxsize=64)
def _mention_re() -> regex.Pattern[str]:
    return regex.compile(r"(?<![\w@])(@\w+)@[\w.-]+\w")


def mastodon_length(text: str, url_length: int = 23) -> int:
    """Mastodon: graphemes, every http(s) URL as `url_length`, `@user@domain` as `@user`."""
    pieces = []
    pos = 0
    for start, end in find_urls(text):
        if text[start:end].lower().startswith("www."):
            continue
        pieces.append(text[pos:start])
        pieces.append("x" * url_length)
        pos = end
    pieces.append(text[pos:])
    return graphemes(_mention_re().sub(r"\1", "".join(pieces)))
