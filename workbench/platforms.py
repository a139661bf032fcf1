"""Platform rules as data, and the checks every draft passes before it can enter the queue.

Limits change (X Premium, Instagram's 2025 hashtag cap, a Mastodon instance's own limit), so every
number here is a default that the workspace config can override per platform; `source` says where
each default comes from and is printed by `workbench platforms`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import regex
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from . import counting
from .errors import UnknownPlatformError
from .text import find_urls, hashtags, sentence_spans

if TYPE_CHECKING:
    from .drafts import Draft


class Counting(StrEnum):
    X_WEIGHTED = "x_weighted"
    GRAPHEMES = "graphemes"
    UTF16 = "utf16"
    UTF8_BYTES = "utf8_bytes"
    THREADS = "threads"
    MASTODON = "mastodon"


class VideoSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    width: int
    height: int
    min_seconds: float
    max_seconds: float
    fps: int = 30
    max_megabytes: int | None = None
    safe_top: int = 0  # pixels kept clear of UI at the top / bottom (captions go between)
    safe_bottom: int = 0


class ImageSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    width: int
    height: int


class PlatformSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    label: str
    limit: int
    counting: Counting
    url_length: int = 23
    max_hashtags: int | None = None
    max_links: int | None = None
    hook_window: int | None = None  # characters shown before "see more" / truncation
    hook_lines: int | None = None  # lines shown before "see more"
    sweet_spot: tuple[int, int] | None = None  # length range that performs best (for scoring)
    max_parts: int = 1  # > 1: a thread
    title_limit: int | None = None  # platforms with a separate title (YouTube)
    forbidden_chars: str = ""
    video: VideoSpec | None = None
    images: tuple[ImageSpec, ...] = ()
    source: str = ""

    @property
    def is_thread(self) -> bool:
        return self.max_parts > 1

    def length(self, text: str) -> int:
        return _COUNTERS[self.counting](text, self)

    def fits(self, text: str) -> bool:
        if self.counting is Counting.X_WEIGHTED:
            return counting.x_count(text, self._x_config()).valid
        return 0 < self.length(text) <= self.limit

    def _x_config(self) -> counting.XTextConfig:
        return _x_config(self.limit, self.url_length)


def _x_config(limit: int, url_length: int) -> counting.XTextConfig:
    if limit == counting.X_V3.max_weighted_tweet_length and url_length == 23:
        return counting.X_V3
    return counting.XTextConfig(max_weighted_tweet_length=limit, transformed_url_length=url_length)


_COUNTERS: dict[Counting, Callable[[str, PlatformSpec], int]] = {
    Counting.X_WEIGHTED: lambda t, s: counting.x_count(t, s._x_config()).weighted_length,
    Counting.GRAPHEMES: lambda t, s: counting.graphemes(t),
    Counting.UTF16: lambda t, s: counting.utf16_units(t),
    Counting.UTF8_BYTES: lambda t, s: counting.utf8_bytes(t),
    Counting.THREADS: lambda t, s: counting.threads_length(t),
    Counting.MASTODON: lambda t, s: counting.mastodon_length(t, s.url_length),
}

_VERTICAL = dict(width=1080, height=1920, fps=30)
_FEED_IMAGES = (ImageSpec(name="portrait", width=1080, height=1350),
                ImageSpec(name="square", width=1080, height=1080))

DEFAULT_PLATFORMS: dict[str, PlatformSpec] = {p.name: p for p in [
    PlatformSpec(
        name="linkedin", label="LinkedIn post", limit=3000, counting=Counting.UTF16,
        hook_window=210, hook_lines=3, sweet_spot=(700, 1500), max_hashtags=5,
        video=VideoSpec(**_VERTICAL, min_seconds=3, max_seconds=600, max_megabytes=5000),
        images=(ImageSpec(name="link", width=1200, height=627), *_FEED_IMAGES),
        source="LinkedIn Help: posts up to 3,000 characters; feed shows ~210 characters / 3 lines before "
               "'...see more'. Counted in UTF-16 units as LinkedIn's web client does.",
    ),
    PlatformSpec(
        name="x", label="X post", limit=280, counting=Counting.X_WEIGHTED, sweet_spot=(70, 240),
        max_hashtags=2,
        video=VideoSpec(width=720, height=1280, fps=30, min_seconds=0.5, max_seconds=140, max_megabytes=512),
        images=(ImageSpec(name="landscape", width=1200, height=675),),
        source="twitter-text config v3 (weighted: CJK and emoji 2, URLs 23); video 720x1280 up to 140 s "
               "(X media best practices).",
    ),
    PlatformSpec(
        name="x_thread", label="X thread", limit=280, counting=Counting.X_WEIGHTED, sweet_spot=(70, 260),
        max_parts=25, max_hashtags=2,
        images=(ImageSpec(name="landscape", width=1200, height=675),),
        source="twitter-text config v3 per post; 25 posts per thread (X composer).",
    ),
    PlatformSpec(
        name="instagram", label="Instagram caption", limit=2200, counting=Counting.UTF16,
        hook_window=125, max_hashtags=5, sweet_spot=(138, 1000),
        video=VideoSpec(**_VERTICAL, min_seconds=3, max_seconds=180, safe_top=250, safe_bottom=420),
        images=_FEED_IMAGES,
        source="Instagram Help: captions up to 2,200 characters, truncated at ~125; at most 5 hashtags "
               "(Instagram, Dec 2025); Reels up to 3 min, 1080x1920.",
    ),
    PlatformSpec(
        name="threads", label="Threads post", limit=500, counting=Counting.THREADS, max_links=5,
        max_hashtags=1, sweet_spot=(100, 400),
        source="Threads API (Posts): 500 characters, emoji counted as their UTF-8 bytes; at most 5 links "
               "(from 22 Dec 2025); one topic tag per post.",
    ),
    PlatformSpec(
        name="bluesky", label="Bluesky post", limit=300, counting=Counting.GRAPHEMES, sweet_spot=(80, 280),
        source="AT Protocol lexicon app.bsky.feed.post: text maxGraphemes 300.",
    ),
    PlatformSpec(
        name="mastodon", label="Mastodon post", limit=500, counting=Counting.MASTODON, sweet_spot=(80, 450),
        source="Mastodon default (instance-configurable): 500 characters, every URL counts 23, "
               "@user@domain counts as @user.",
    ),
    PlatformSpec(
        name="tiktok", label="TikTok caption", limit=2200, counting=Counting.UTF16, hook_window=100,
        max_hashtags=5, sweet_spot=(80, 300),
        video=VideoSpec(**_VERTICAL, min_seconds=3, max_seconds=600, safe_top=160, safe_bottom=480),
        source="TikTok: video captions up to 2,200 characters (4,000 for photo/text posts).",
    ),
    PlatformSpec(
        name="reels", label="Instagram Reel caption", limit=2200, counting=Counting.UTF16,
        hook_window=125, max_hashtags=5, sweet_spot=(80, 400),
        video=VideoSpec(**_VERTICAL, min_seconds=3, max_seconds=180, safe_top=250, safe_bottom=420),
        source="Instagram Help: Reels captions as feed captions; Reels 1080x1920, up to 3 min.",
    ),
    PlatformSpec(
        name="youtube_shorts", label="YouTube Shorts", limit=5000, counting=Counting.UTF8_BYTES,
        title_limit=100, forbidden_chars="<>", max_hashtags=15, sweet_spot=(100, 1000),
        video=VideoSpec(**_VERTICAL, min_seconds=1, max_seconds=180, safe_top=200, safe_bottom=400),
        source="YouTube Data API: title 100 characters, description 5,000 bytes, neither may contain "
               "< or >; more than 15 hashtags and YouTube ignores them all; Shorts up to 3 min.",
    ),
    PlatformSpec(
        name="facebook", label="Facebook post", limit=63206, counting=Counting.UTF16, hook_window=125,
        sweet_spot=(40, 500), max_hashtags=3,
        images=(ImageSpec(name="link", width=1200, height=630), *_FEED_IMAGES),
        source="Facebook: posts up to 63,206 characters; ~125 shown before 'See more'.",
    ),
]}


class PlatformOverride(BaseModel):
    """What a workspace may change about a platform (see `workbench.config`)."""

    model_config = ConfigDict(extra="forbid")

    limit: int | None = Field(default=None, gt=0)
    url_length: int | None = Field(default=None, gt=0)
    max_hashtags: int | None = Field(default=None, ge=0)
    max_links: int | None = Field(default=None, ge=0)
    hook_window: int | None = Field(default=None, gt=0)
    sweet_spot: tuple[int, int] | None = None
    max_parts: int | None = Field(default=None, gt=0)
    title_limit: int | None = Field(default=None, gt=0)


def unknown_platform(name: str, where: str | None = None) -> UnknownPlatformError:
    close = difflib.get_close_matches(name, list(DEFAULT_PLATFORMS), n=1, cutoff=0.5)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return UnknownPlatformError(
        f"unknown platform '{name}'.", path=where,
        fix=f"{hint}Known platforms: {', '.join(DEFAULT_PLATFORMS)}.")


def _known_platform(name: str) -> str:
    if name not in DEFAULT_PLATFORMS:
        err = unknown_platform(name)
        raise ValueError(f"{err.message} {err.fix}")
    return name


# a platform name in a file people write: a typo fails validation with a suggestion
PlatformName = Annotated[str, AfterValidator(_known_platform)]


def registry(overrides: Mapping[str, PlatformOverride] | None = None) -> dict[str, PlatformSpec]:
    specs = dict(DEFAULT_PLATFORMS)
    for name, override in (overrides or {}).items():
        if name not in specs:
            raise unknown_platform(name, "platforms override")
        update = override.model_dump(exclude_none=True)
        specs[name] = specs[name].model_copy(update=update)
    return specs


def get_platform(name: str, overrides: Mapping[str, PlatformOverride] | None = None) -> PlatformSpec:
    specs = registry(overrides)
    key = name.strip().lower().replace("-", "_")
    if key not in specs:
        raise unknown_platform(name)
    return specs[key]


@dataclass(frozen=True)
class Problem:
    """Something that stops a draft from posting as it is (`error`) or that an editor should see."""

    code: str
    message: str
    where: str = ""
    severity: str = "error"

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "where": self.where, "severity": self.severity}


def check_text(text: str, spec: PlatformSpec, where: str = "") -> list[Problem]:
    """Problems of one post's text against the platform's rules."""
    problems = []
    if not text.strip():
        problems.append(Problem("empty", "the post is empty.", where))
    elif spec.counting is Counting.X_WEIGHTED:
        xc = counting.x_count(text, spec._x_config())  # one pass gives length, validity and where to cut
        if xc.weighted_length > spec.limit:
            tail = text[:xc.valid_prefix_chars].rstrip()[-30:].lstrip()
            problems.append(Problem("too_long", f"{xc.weighted_length}/{spec.limit} ({spec.counting.value}); cut "
                                                f"after '...{tail}' or split it into a thread.", where))
        elif not xc.valid:
            problems.append(Problem("invalid_characters",
                                    "contains characters X rejects (U+FFFE, U+FEFF, U+FFFF).", where))
    else:
        length = spec.length(text)
        if length > spec.limit:
            problems.append(Problem("too_long", f"{length}/{spec.limit} ({spec.counting.value}); "
                                                f"shorten by {length - spec.limit}.", where))
    bad = sorted({c for c in text if c in spec.forbidden_chars})
    if bad:
        problems.append(Problem("forbidden_characters",
                                f"{spec.label} does not allow {' '.join(repr(c) for c in bad)}.", where))
    return problems


def validate(draft: Draft, spec: PlatformSpec | None = None) -> list[Problem]:
    """Every rule the platform enforces, for every part of the draft.

    `spec` is the platform as the workspace configures it (`Settings.platform(name)`); by default the
    built-in rules for `draft.platform`.
    """
    spec = spec or get_platform(draft.platform)
    problems: list[Problem] = []
    parts = draft.parts
    if not parts:
        return [Problem("empty", "the draft has no text.")]
    if len(parts) > spec.max_parts:
        problems.append(Problem("too_many_parts",
                                f"{len(parts)} posts; {spec.label} allows {spec.max_parts}.", "parts"))
    for i, part in enumerate(parts, 1):
        where = f"part {i}" if len(parts) > 1 else ""
        problems.extend(check_text(part, spec, where))
    all_text = "\n".join(parts)
    if spec.max_hashtags is not None:
        # hashtags are counted per post: a thread may carry its tags in any one post
        per_post = max(len(hashtags(p)) for p in parts)
        if per_post > spec.max_hashtags:
            problems.append(Problem("too_many_hashtags",
                                    f"{per_post} hashtags; {spec.label} allows {spec.max_hashtags}.",
                                    "hashtags"))
    if spec.max_links is not None:
        links = {all_text[s:e] for s, e in find_urls(all_text)}
        if len(links) > spec.max_links:
            problems.append(Problem("too_many_links", f"{len(links)} links; {spec.label} allows "
                                                      f"{spec.max_links}.", "links"))
    if spec.title_limit is not None:
        title = draft.title or ""
        if not title.strip():
            problems.append(Problem("missing_title", f"{spec.label} needs a title.", "title"))
        else:
            n = counting.graphemes(title)
            if n > spec.title_limit:
                problems.append(Problem("title_too_long", f"title {n}/{spec.title_limit} characters.", "title"))
            problems.extend(p for p in check_text(title, spec.model_copy(update={"limit": 10**9}), "title")
                            if p.code == "forbidden_characters")
    return problems


# ---------------------------------------------------------------------------------------------
# Thread splitting

def _clauses(text: str) -> list[str]:
    """Cut after a clause mark (, ; : — –) that is followed by a space, never inside a URL."""
    urls = find_urls(text)
    pieces, start = [], 0
    for i, ch in enumerate(text):
        if ch in ",;:—–" and i + 1 < len(text) and text[i + 1] == " " and \
                not any(s <= i < e for s, e in urls):
            pieces.append(text[start:i + 1].strip())
            start = i + 1
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


def _hard_split(word: str, fits: Callable[[str], bool]) -> list[str]:
    """Last resort for a single token longer than a post: cut at grapheme boundaries."""
    out, current = [], ""
    for g in regex.findall(r"\X", word):
        if current and not fits(current + g):
            out.append(current)
            current = g
        else:
            current += g
    if current:
        out.append(current)
    return out


def split_thread(text: str, spec: PlatformSpec | str = "x_thread", numbering: bool = True) -> list[str]:
    """Text to posts that each fit, numbered "i/n" (the numbering counts against the limit).

    Cuts at sentence boundaries first, then clause marks, then spaces; a URL, a hashtag or a word
    is never cut (only a single token longer than a whole post is, at a grapheme boundary).
    """
    if isinstance(spec, str):
        spec = get_platform(spec)
    text = text.strip()
    if not text:
        return []
    if spec.fits(text):
        return [text]

    def atoms(reserve: str) -> list[str]:
        def fits(s: str) -> bool:
            return spec.fits(s + reserve)

        result: list[str] = []
        for para in [p for p in text.split("\n\n") if p.strip()]:
            para = " ".join(para.split())
            for s, e in sentence_spans(para):
                sentence = para[s:e]
                if fits(sentence):
                    result.append(sentence)
                    continue
                for clause in _clauses(sentence):
                    if fits(clause):
                        result.append(clause)
                        continue
                    for word in clause.split():
                        result.extend([word] if fits(word) else _hard_split(word, fits))
        return result

    guess = 2
    for _ in range(6):
        suffix = f" {guess}/{guess}" if numbering else ""
        parts: list[str] = []
        current = ""
        for atom in atoms(suffix):
            candidate = f"{current} {atom}" if current else atom
            if spec.fits(candidate + suffix):
                current = candidate
            else:
                parts.append(current)
                current = atom
        if current:
            parts.append(current)
        if len(parts) == guess or not numbering:
            break
        guess = len(parts)
    if numbering:
        n = len(parts)
        parts = [f"{p} {i}/{n}" for i, p in enumerate(parts, 1)]
    return parts
