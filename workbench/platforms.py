"""The platform catalogue: every per-platform fact, and the checks every draft passes before the queue.

Limits change (X Premium, Instagram's 2025 hashtag cap, a Mastodon instance's own limit), so every
fact here is a default that the workspace config can override per platform (`platforms:` in
workbench.yaml); `source` says where each default comes from and is printed by `workbench platforms`.
No other module keeps a table keyed by platform: engines, scoring, previews, cards, reels, the
scheduler and the publisher router all read these fields.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Annotated, Any

import regex
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model

from . import counting
from .counting import XTextConfig
from .drafts import CTAKind, Draft, Problem
from .errors import UnknownPlatformError
from .text import find_urls, hashtags, sentence_spans

__all__ = ["DEFAULT_PLATFORMS", "Counting", "ImageSpec", "PlatformName", "PlatformOverride", "PlatformSpec",
           "PreviewStyle", "Problem", "VideoSpec", "check_text", "get_platform", "registry", "split_thread",
           "validate"]


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


class PreviewStyle(StrEnum):
    """How the composer and the review queue draw a post."""

    FEED = "feed"  # text cut at the hook window / lines with the platform's "see more"
    CARDS = "cards"  # each post of a thread as a card with its own count
    MEDIA = "media"  # a caption under its image or video poster
    PLAIN = "plain"  # the post (and title) with its count


class Responses(StrEnum):
    """What the platform calls the answers under a post: a CTA says "tell us in the replies" on X."""

    COMMENTS = "comments"
    REPLIES = "replies"


_ALL_CTAS = (CTAKind.LINK, CTAKind.SIGNUP, CTAKind.COMMENT, CTAKind.SAVE, CTAKind.SHARE, CTAKind.FOLLOW,
             CTAKind.DM)


class PlatformSpec(BaseModel):
    """One platform: how posts are counted and checked, drafted, scored, previewed, scheduled and published.

    To add a platform, add one entry to `DEFAULT_PLATFORMS` below (or, without touching the code, a whole
    entry under `catalogue:` in workbench.yaml): a name, a label, the limit and how it is counted are
    required; every other field has a default that fits a plain text network. Nothing else needs to
    change: `repurpose`, `workbench check`, the scorer, the previews, the planner and publishing all read
    the entry. `tests/test_catalogue.py` shows it end to end.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    # -- rules the platform enforces ------------------------------------------------------------
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    # other names people type for it ("twitter"): an unknown name that is one gets "did you mean 'x'?", and is
    # never taken silently (a typo must not post somewhere unexpected)
    aliases: tuple[str, ...] = ()
    limit: int = Field(gt=0)
    counting: Counting
    url_length: int = Field(default=23, gt=0)
    max_hashtags: int | None = Field(default=None, ge=0)
    max_links: int | None = Field(default=None, ge=0)
    max_parts: int = Field(default=1, gt=0)  # > 1: a thread
    title_limit: int | None = Field(default=None, gt=0)  # platforms with a separate title (YouTube)
    forbidden_chars: str = ""
    links_clickable: bool = True  # False: a URL in the text is dead (Instagram, TikTok captions)
    bio_link: bool = False  # True: "link in bio" is where readers look for the link (Instagram, TikTok)
    # -- how the feed shows a post ---------------------------------------------------------------
    hook_window: int | None = Field(default=None, gt=0)  # characters shown before "see more" / truncation
    hook_lines: int | None = Field(default=None, gt=0)  # lines shown before "see more"
    more_label: str = "the cut"  # what the feed shows where it cuts a post
    preview: PreviewStyle = PreviewStyle.PLAIN
    responses: Responses = Responses.COMMENTS  # what answers under a post are called there
    # -- drafting (both engines) ------------------------------------------------------------------
    points: int = Field(default=2, ge=0)  # key points a post carries at most
    hashtag_target: int = Field(default=2, ge=0)  # hashtags a post carries (the brand and max_hashtags cap it)
    cta_preference: tuple[CTAKind, ...] = _ALL_CTAS  # which call to action the platform rewards, best first
    guidance: str = "One post: a hook, the key point, then the call to action."  # for the drafting prompt
    prompt: str = "draft"  # the prompt template (prompts/<prompt>.md)
    default: bool = True  # drafted by `repurpose` when no --platforms is given
    clips: bool = False  # a video pillar gives one draft per vertical clip here
    card: ImageSpec | None = None  # the quote card that goes with a text post
    carousel: bool = False  # document posts: the key points as a carousel PDF go with the post
    # -- scoring -------------------------------------------------------------------------------------
    sweet_spot: tuple[int, int] | None = None  # length range that performs best
    hashtags_expected: bool = False  # discovery runs on hashtags: a post without any loses reach
    paragraphs_expected: bool = False  # a long post in one block reads as a wall of text
    # -- media -----------------------------------------------------------------------------------------
    video: VideoSpec | None = None
    images: tuple[ImageSpec, ...] = ()
    # -- scheduling and publishing -------------------------------------------------------------------
    slots: tuple[str, ...] = ()  # default posting slots, "Tue 09:00" in the workspace's time zone
    min_spacing_minutes: int | None = Field(default=None, ge=0)  # None: the workspace default
    publisher: str = "folder"  # the publisher an approved post goes to unless the workspace routes it
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

    def _x_config(self) -> XTextConfig:  # `counting` here is the field, so not counting.XTextConfig
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

_VERTICAL: dict[str, Any] = dict(width=1080, height=1920, fps=30)
_PORTRAIT = ImageSpec(name="portrait", width=1080, height=1350)
_SQUARE = ImageSpec(name="square", width=1080, height=1080)
_FEED_IMAGES = (_PORTRAIT, _SQUARE)
_LANDSCAPE_CARD = ImageSpec(name="x", width=1200, height=675)
_C = CTAKind

DEFAULT_PLATFORMS: dict[str, PlatformSpec] = {p.name: p for p in [
    PlatformSpec(
        name="linkedin", label="LinkedIn post", aliases=("li",),
        limit=3000, counting=Counting.UTF16,
        hook_window=210, hook_lines=3, sweet_spot=(700, 1500), max_hashtags=5,
        video=VideoSpec(**_VERTICAL, min_seconds=3, max_seconds=600, max_megabytes=5000),
        images=(ImageSpec(name="link", width=1200, height=627), *_FEED_IMAGES),
        points=5, hashtag_target=3, cta_preference=(_C.COMMENT, _C.LINK, _C.SIGNUP, _C.FOLLOW, _C.SHARE, _C.SAVE,
        _C.DM), more_label="'...see more'", preview=PreviewStyle.FEED, hashtags_expected=True,
        paragraphs_expected=True, card=ImageSpec(name="linkedin", width=1200, height=627), carousel=True,
        slots=("Tue 09:00", "Wed 09:00", "Thu 09:00"),
        guidance="A hook of one or two short lines that makes a professional stop scrolling (it must fit before "
                 "'...see more', about 210 characters). Then the key points as short paragraphs, then the call to "
                 "action, then 3-5 hashtags on the last line.",
        source="LinkedIn Help: posts up to 3,000 characters; feed shows ~210 characters / 3 lines before "
               "'...see more'. Counted in UTF-16 units as LinkedIn's web client does.",
    ),
    PlatformSpec(
        name="x_thread", label="X thread", aliases=("twitter_thread", "tweetstorm"),
        limit=280, counting=Counting.X_WEIGHTED, sweet_spot=(70, 260),
        max_parts=25, max_hashtags=2,
        images=(ImageSpec(name="landscape", width=1200, height=675),),
        points=7, hashtag_target=1, cta_preference=(_C.LINK, _C.FOLLOW, _C.SIGNUP, _C.COMMENT, _C.SHARE, _C.SAVE,
        _C.DM), preview=PreviewStyle.CARDS, card=_LANDSCAPE_CARD, slots=("Tue 17:00", "Thu 17:00"),
        prompt="thread", responses=Responses.REPLIES,
        guidance="A thread: the first post is the hook, then one key point per post, the last post holds the call "
                 "to action with its link. Do not number the posts; numbering is added for you.",
        source="twitter-text config v3 per post; 25 posts per thread (X composer).",
    ),
    PlatformSpec(
        name="x", label="X post", aliases=("twitter", "tweet"),
        limit=280, counting=Counting.X_WEIGHTED, sweet_spot=(70, 240),
        max_hashtags=2,
        video=VideoSpec(width=720, height=1280, fps=30, min_seconds=0.5, max_seconds=140, max_megabytes=512),
        images=(ImageSpec(name="landscape", width=1200, height=675),),
        points=1, hashtag_target=1, cta_preference=(_C.LINK, _C.COMMENT, _C.SHARE, _C.FOLLOW, _C.SIGNUP, _C.SAVE,
        _C.DM), preview=PreviewStyle.CARDS, card=_LANDSCAPE_CARD, responses=Responses.REPLIES,
        slots=("Mon 12:00", "Tue 12:00", "Wed 12:00", "Thu 12:00", "Fri 12:00"),
        guidance="One post. A hook that states the most striking point, then the call to action. At most 1-2 "
                 "hashtags.",
        source="twitter-text config v3 (weighted: CJK and emoji 2, URLs 23); video 720x1280 up to 140 s "
               "(X media best practices).",
    ),
    PlatformSpec(
        name="instagram", label="Instagram caption", aliases=("ig", "insta"),
        limit=2200, counting=Counting.UTF16,
        hook_window=125, max_hashtags=5, sweet_spot=(138, 1000),
        video=VideoSpec(**_VERTICAL, min_seconds=3, max_seconds=180, safe_top=250, safe_bottom=420),
        images=_FEED_IMAGES,
        points=4, hashtag_target=5, links_clickable=False, cta_preference=(_C.SAVE, _C.COMMENT, _C.SHARE,
        _C.FOLLOW, _C.DM), bio_link=True, more_label="'more'", preview=PreviewStyle.MEDIA, hashtags_expected=True,
        paragraphs_expected=True, card=_PORTRAIT, slots=("Mon 18:00", "Wed 18:00", "Fri 18:00"),
        guidance="A caption whose first 125 characters are the hook (they show before 'more'). Short lines, key "
                 "points, the call to action (links are not clickable: do not paste URLs), at most 5 hashtags at "
                 "the end.",
        source="Instagram Help: captions up to 2,200 characters, truncated at ~125; at most 5 hashtags "
               "(Instagram, Dec 2025); Reels up to 3 min, 1080x1920.",
    ),
    PlatformSpec(
        name="threads", label="Threads post", aliases=("meta_threads",),
        limit=500, counting=Counting.THREADS, max_links=5,
        max_hashtags=1, sweet_spot=(100, 400),
        hashtag_target=1, cta_preference=(_C.COMMENT, _C.LINK, _C.SHARE, _C.FOLLOW, _C.SIGNUP, _C.SAVE, _C.DM),
        card=_PORTRAIT, slots=("Mon 10:00", "Wed 10:00", "Fri 10:00"), responses=Responses.REPLIES,
        guidance="One conversational post of up to 500 characters; a question invites replies. One topic tag at "
                 "most.",
        source="Threads API (Posts): 500 characters, emoji counted as their UTF-8 bytes; at most 5 links "
               "(from 22 Dec 2025); one topic tag per post.",
    ),
    PlatformSpec(
        name="bluesky", label="Bluesky post", aliases=("bsky", "atproto"),
        limit=300, counting=Counting.GRAPHEMES, sweet_spot=(80, 280),
        points=1, cta_preference=(_C.LINK, _C.COMMENT, _C.SHARE, _C.FOLLOW, _C.SIGNUP, _C.SAVE, _C.DM),
        card=_LANDSCAPE_CARD, slots=("Mon 10:00", "Wed 10:00", "Fri 10:00"), responses=Responses.REPLIES,
        guidance="One post of up to 300 characters: the sharpest point and the call to action.",
        source="AT Protocol lexicon app.bsky.feed.post: text maxGraphemes 300.",
    ),
    PlatformSpec(
        name="mastodon", label="Mastodon post", aliases=("masto", "toot", "fediverse"),
        limit=500, counting=Counting.MASTODON, sweet_spot=(80, 450),
        # no sign-up: the rubric's "no hard sell" on Mastodon (editors flagged "Register for our briefing" there)
        hashtag_target=3, cta_preference=(_C.LINK, _C.COMMENT, _C.SHARE, _C.FOLLOW, _C.SAVE, _C.DM),
        card=_LANDSCAPE_CARD, slots=("Tue 10:00", "Thu 10:00"), responses=Responses.REPLIES,
        guidance="One post of up to 500 characters; plain, no hype. Hashtags in CamelCase for screen readers.",
        source="Mastodon default (instance-configurable): 500 characters, every URL counts 23, "
               "@user@domain counts as @user.",
    ),
    PlatformSpec(
        name="tiktok", label="TikTok caption", aliases=("tt",),
        limit=2200, counting=Counting.UTF16, hook_window=100,
        max_hashtags=5, sweet_spot=(80, 300),
        video=VideoSpec(**_VERTICAL, min_seconds=3, max_seconds=600, safe_top=160, safe_bottom=480),
        hashtag_target=4, links_clickable=False, cta_preference=(_C.FOLLOW, _C.COMMENT, _C.SAVE, _C.SHARE, _C.DM),
        bio_link=True, more_label="'more'", preview=PreviewStyle.MEDIA, hashtags_expected=True, clips=True,
        slots=("Tue 19:00", "Thu 19:00", "Sat 19:00"),
        guidance="A short caption for a video: a hook in the first line, one point, a call to action, 3-4 "
                 "hashtags. No URLs.",
        source="TikTok: video captions up to 2,200 characters (4,000 for photo/text posts).",
    ),
    PlatformSpec(
        name="reels", label="Instagram Reel caption", aliases=("reel", "instagram_reels", "ig_reels"),
        limit=2200, counting=Counting.UTF16,
        hook_window=125, max_hashtags=5, sweet_spot=(80, 400),
        video=VideoSpec(**_VERTICAL, min_seconds=3, max_seconds=180, safe_top=250, safe_bottom=420),
        hashtag_target=5, links_clickable=False, cta_preference=(_C.SAVE, _C.SHARE, _C.FOLLOW, _C.COMMENT, _C.DM),
        bio_link=True, more_label="'more'", preview=PreviewStyle.MEDIA, hashtags_expected=True, clips=True,
        default=False, slots=("Tue 18:00", "Sat 11:00"),
        guidance="A short Reel caption: a hook in the first 125 characters, one point, a call to action, up to 5 "
                 "hashtags. No URLs.",
        source="Instagram Help: Reels captions as feed captions; Reels 1080x1920, up to 3 min.",
    ),
    PlatformSpec(
        name="youtube_shorts", label="YouTube Shorts", aliases=("shorts", "youtube", "yt", "yt_shorts"),
        limit=5000, counting=Counting.UTF8_BYTES,
        title_limit=100, forbidden_chars="<>", max_hashtags=15, sweet_spot=(100, 1000),
        video=VideoSpec(**_VERTICAL, min_seconds=1, max_seconds=180, safe_top=200, safe_bottom=400),
        points=3, hashtag_target=3, cta_preference=(_C.LINK, _C.FOLLOW, _C.COMMENT, _C.SIGNUP, _C.SHARE,
        _C.SAVE, _C.DM), clips=True, slots=("Wed 17:00", "Sat 10:00"),
        guidance="A title of at most 100 characters and a description: the hook, two or three points, the call to "
                 "action with its link, 3 hashtags. Never use the characters < or >.",
        source="YouTube Data API: title 100 characters, description 5,000 bytes, neither may contain "
               "< or >; more than 15 hashtags and YouTube ignores them all; Shorts up to 3 min.",
    ),
    PlatformSpec(
        name="facebook", label="Facebook post", aliases=("fb", "meta"),
        limit=63206, counting=Counting.UTF16, hook_window=125,
        sweet_spot=(40, 500), max_hashtags=3,
        images=(ImageSpec(name="link", width=1200, height=630), *_FEED_IMAGES),
        points=3, cta_preference=(_C.LINK, _C.COMMENT, _C.SHARE, _C.FOLLOW, _C.SIGNUP, _C.SAVE, _C.DM),
        more_label="'See more'", paragraphs_expected=True, card=_SQUARE,
        slots=("Mon 13:00", "Wed 13:00", "Fri 13:00"),
        guidance="A post whose first 125 characters are the hook (before 'See more'), then two or three points and "
                 "the call to action with its link.",
        source="Facebook: posts up to 63,206 characters; ~125 shown before 'See more'.",
    ),
]}


def _optional(field: Any) -> Any:
    """The field's type and constraints, or None (left as the catalogue has it)."""
    annotated = Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
    return annotated | None


# What a workspace may change about a platform: any fact but its name (`platforms:` in workbench.yaml).
PlatformOverride = create_model(  # type: ignore[call-overload]
    "PlatformOverride", __config__=ConfigDict(extra="forbid"), __doc__="Facts a workspace changes for one platform.",
    **{name: (_optional(field), None) for name, field in PlatformSpec.model_fields.items()
       if name != "name"})


def unknown_platform(name: str, where: str | None = None, known: list[str] | None = None,
                     specs: Mapping[str, PlatformSpec] | None = None) -> UnknownPlatformError:
    names = known if known is not None else list(DEFAULT_PLATFORMS)
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    alias = next((spec for spec in (specs or DEFAULT_PLATFORMS).values() if key in spec.aliases
                  and spec.name in names), None)
    close = [alias.name] if alias else difflib.get_close_matches(key, names, n=1, cutoff=0.5)
    hint = f"did you mean '{close[0]}'" + (f" ({alias.label})" if alias else "") + "? " if close else ""
    return UnknownPlatformError(
        f"unknown platform '{name}'.", path=where,
        fix=f"{hint}Known platforms: {', '.join(names)}.")


def _known_platform(name: str) -> str:
    if name not in DEFAULT_PLATFORMS:
        err = unknown_platform(name)
        raise ValueError(f"{err.message} {err.fix}")
    return name


# a platform name in a file people write: a typo fails validation with a suggestion
PlatformName = Annotated[str, AfterValidator(_known_platform)]


def registry(overrides: Mapping[str, BaseModel] | None = None,
             added: Mapping[str, PlatformSpec] | None = None) -> dict[str, PlatformSpec]:
    """The catalogue as a workspace sees it: the built-in entries, the workspace's own, then its overrides."""
    specs = dict(DEFAULT_PLATFORMS)
    for name, spec in (added or {}).items():
        specs[name] = spec
    for name, override in (overrides or {}).items():
        if name not in specs:
            raise unknown_platform(name, "platforms override", list(specs))
        update = override.model_dump(exclude_none=True)
        specs[name] = PlatformSpec.model_validate({**specs[name].model_dump(), **update})
    return specs


def get_platform(name: str, overrides: Mapping[str, BaseModel] | None = None,
                 added: Mapping[str, PlatformSpec] | None = None) -> PlatformSpec:
    specs = registry(overrides, added)
    key = name.strip().lower().replace("-", "_")
    if key not in specs:
        raise unknown_platform(name, known=list(specs), specs=specs)
    return specs[key]


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
