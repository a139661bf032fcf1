"""Brand voices: what a team writes once so every draft sounds like them.

Profiles are YAML in `brand_voice/` (the workspace's, then the project's examples). A typo in a field,
a wrong type or an unknown platform fails loudly with the file, the line and the field.
"""

from __future__ import annotations

import difflib
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from .errors import BrandError
from .platforms import PlatformName
from .resources import data_path
from .rubric import Defect
from .userfiles import load_model

PROJECT_BRANDS = data_path("brand_voice")
CTA_KINDS = ("link", "comment", "follow", "signup", "dm", "save", "share")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Tone(_Strict):
    adjectives: list[str] = Field(default_factory=list)
    do: list[str] = Field(default_factory=list)
    dont: list[str] = Field(default_factory=list)
    contractions: bool = True  # does the voice use "we're", "you'll"?
    exclamations: int = Field(default=1, ge=0, description="most exclamation marks in one post")


class Vocabulary(_Strict):
    preferred: list[str] = Field(default_factory=list)
    # banned word -> replacement (null: avoid the sentence instead of replacing)
    banned: dict[str, str | None] = Field(default_factory=dict)


class EmojiPolicy(StrEnum):
    NONE = "none"
    SPARING = "sparing"
    FREE = "free"


class Emoji(_Strict):
    policy: EmojiPolicy = EmojiPolicy.SPARING
    max_per_post: int = Field(default=2, ge=0)
    # the brand's own emoji, the only ones `voice.apply_voice` adds (none: it adds none)
    set: list[Annotated[str, Field(min_length=1, max_length=16)]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _none_means_zero(self) -> Emoji:
        if self.policy is EmojiPolicy.NONE and self.max_per_post:
            self.max_per_post = 0
        return self


class Hashtags(_Strict):
    brand: list[Annotated[str, Field(pattern=r"^#\w+$")]] = Field(default_factory=list)
    max_per_platform: dict[PlatformName, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)


class ConnectiveKind(StrEnum):
    """Where a short fixed connective goes in a post (`voice.connectives`)."""

    LIST_TEASER = "list_teaser"  # before a list: "Here is what stands out:"
    HOW_TO = "how_to"  # before steps: "In practice:"
    TAKEAWAY = "takeaway"  # before the point: "The short version:"
    THREAD_OPENER = "thread_opener"  # after a thread's hook: "A thread:"


class CTANeed(StrEnum):
    """What a CTA text needs from the post it closes, or it does not fit (CTA_MISMATCH, LINK_PHRASE)."""

    LIST = "list"  # "Which of these...?": the post must list options to pick from
    TOPIC = "topic"  # has a {topic} slot: the post's topic fills it
    URL = "url"  # ends on a colon before its link ("Read the full guide:"): only where the link is in the post
    BIO = "bio"  # "link in bio": only where the platform has a bio link and no URL is in the post
    LINK_BELOW = "link_below"  # "at the link below": an engine puts the link on the same line, so never used
    WRITTEN = "written"  # "Read the full guide": the pillar is a written piece, not a talk with no guide behind it
    STEPS = "steps"  # "Save this", "Would you try this?": the post holds something to keep or try (a list, advice)


_NEEDS_FOUND = (
    (CTANeed.TOPIC, re.compile(r"\{topic\}")),
    (CTANeed.LIST, re.compile(r"\bwhich\s+(?:one|ones|of\s+(?:these|those|them|the\s+\w+))\b", re.IGNORECASE)),
    (CTANeed.BIO, re.compile(r"\blink\s+in\s+(?:my\s+|our\s+|the\s+)?(?:bio|profile)\b", re.IGNORECASE)),
    (CTANeed.LINK_BELOW, re.compile(r"\blink\s+(?:below|beneath|underneath)\b", re.IGNORECASE)),
    (CTANeed.URL, re.compile(r":\s*$")),
    (CTANeed.WRITTEN, re.compile(r"\b(?:full|complete|whole|entire)\s+(?:guide|analysis|article|report|breakdown|"
                                 r"write-?up|post|piece)\b|\bread\s+(?:the|our)\s+(?:full|whole|rest|article|guide)\b",
                                 re.IGNORECASE)),
    (CTANeed.STEPS, re.compile(r"\b(?:save|bookmark)\s+(?:this|it)\b|\btry\s+this\b", re.IGNORECASE)),
)


class CTAOption(_Strict):
    """A kind of call to action: its texts, what each text needs from the post, and the link.

    In YAML a text is a string or `{text: ..., needs: [list, topic, url, bio, written, steps]}`; what a text
    needs is also read from the text itself ({topic} slot, "which of these", "link in bio", a closing colon,
    "the full guide", "save this"), so a plain
    string is marked too. `texts` stays a list of strings for every reader of the library."""

    texts: list[str] = Field(min_length=1)
    url: HttpUrl | None = None
    needs: dict[str, list[CTANeed]] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _marked_texts(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("texts"), list):
            return data
        texts: list[Any] = []
        needs = dict(data.get("needs") or {})
        for entry in data["texts"]:
            if isinstance(entry, dict) and "text" in entry:
                extra = sorted(set(entry) - {"text", "needs"})
                if extra:
                    raise ValueError(f"a CTA text takes 'text' and 'needs' only, not {extra}")
                texts.append(entry["text"])
                if entry.get("needs"):
                    needs[entry["text"]] = entry["needs"]
            else:
                texts.append(entry)
        return {**data, "texts": texts, "needs": needs}

    @model_validator(mode="after")
    def _needs_name_texts(self) -> CTAOption:
        unknown = [t for t in self.needs if t not in self.texts]
        if unknown:
            raise ValueError(f"needs: {unknown[0]!r} is not one of the texts")
        return self

    def needs_of(self, text: str) -> frozenset[CTANeed]:
        """What the text needs: as marked, and as the text itself shows."""
        return needs_shown(text) | frozenset(self.needs.get(text, ()))


def needs_shown(text: str) -> frozenset[CTANeed]:
    """What a CTA's own words say it needs from the post ("which of these", "the full guide", "save this")."""
    return frozenset(need for need, pattern in _NEEDS_FOUND if pattern.search(text))


class UTM(_Strict):
    source: str = "{platform}"
    medium: str = "social"
    campaign: str = "{pillar}"


class Mix(_Strict):
    value: int = Field(default=80, ge=0, le=100)
    promotion: int = Field(default=20, ge=0, le=100)

    @model_validator(mode="after")
    def _sums_to_100(self) -> Mix:
        if self.value + self.promotion != 100:
            raise ValueError(f"value ({self.value}) + promotion ({self.promotion}) must add up to 100")
        return self


class ScoringWeights(_Strict):
    tone: float = Field(default=0.4, ge=0)
    cta: float = Field(default=0.3, ge=0)
    platform_fit: float = Field(default=0.3, ge=0)


class DefectRule(_Strict):
    """What one rubric code costs a draft."""

    rating: int = Field(ge=1, le=4, description="the editor rating a draft with this defect gets at most")
    points: int = Field(ge=0, le=100, description="taken off for each finding")
    blocking: bool = Field(description="the verdict is 'needs edit' whatever the points")


# the rubric's rules of thumb (`../shared/eval/EDITOR-RUBRIC.md`): rate by the worst defect; a detector may
# set a lower rating on a finding it knows is worse (template variables are META at 1, not 4)
DEFAULT_DEFECT_RULES: dict[Defect, DefectRule] = {
    code: DefectRule(rating=r, points=p, blocking=b) for code, r, p, b in (
    (Defect.EMPTY, 1, 40, True),
    (Defect.FRAGMENT, 1, 25, True),
    (Defect.SPEECH, 1, 25, True),
    (Defect.META, 4, 10, True),
    (Defect.MISLEADING, 3, 20, True),
    (Defect.CTA_MISMATCH, 3, 10, True),
    (Defect.LINK_PHRASE, 4, 8, True),
    (Defect.DANGLING, 4, 8, False),  # blocking at a post's or thread part's start: its detector says so
    (Defect.ORDER, 2, 20, False),
    (Defect.THREAD_FLOW, 2, 20, False),
    (Defect.VARIANT_CLONE, 2, 20, False),
    (Defect.SAME_HOOK, 3, 8, False),
    (Defect.HOOK_WEAK, 3, 10, False),
    (Defect.NO_CONTEXT, 3, 10, False),
    (Defect.TITLE_BAD, 3, 10, False),
    (Defect.THIN, 3, 15, False),
    (Defect.VOICE, 4, 8, False),
    (Defect.PERSONA, 4, 8, False),
    (Defect.HASHTAG_JUNK, 4, 5, False),
)}


# the most a draft can score when its worst defect leaves it at this editor rating
DEFAULT_CEILINGS = {1: 15, 2: 40, 3: 60, 4: 80}


class Scoring(_Strict):
    """How findings become a score and a verdict; every number here can be set in the profile."""

    weights: ScoringWeights = Field(default_factory=ScoringWeights)
    threshold: int = Field(default=70, ge=0, le=100, description="'ready' needs this score and no blocking defect")
    ceilings: dict[int, int] = Field(default_factory=lambda: dict(DEFAULT_CEILINGS))
    defects: dict[Defect, DefectRule] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _complete(self) -> Scoring:
        """A profile names only the codes it changes; the rest keep the rubric's rule."""
        self.defects = {**DEFAULT_DEFECT_RULES, **self.defects}
        self.ceilings = {**DEFAULT_CEILINGS, **self.ceilings}
        if set(self.ceilings) != {1, 2, 3, 4} or any(not 0 <= v <= 100 for v in self.ceilings.values()):
            raise ValueError("ceilings: give a score from 0 to 100 for ratings 1, 2, 3 and 4")
        return self

    def rule(self, code: Defect) -> DefectRule:
        return self.defects[code]


class Visual(_Strict):
    primary: str = Field(default="#1F3A5F", pattern=r"^#[0-9A-Fa-f]{6}$")
    background: str = Field(default="#FFFFFF", pattern=r"^#[0-9A-Fa-f]{6}$")
    text: str = Field(default="#111111", pattern=r"^#[0-9A-Fa-f]{6}$")
    font: str | None = None
    logo: str | None = None


class PlatformVoice(_Strict):
    """What changes for one platform; anything left out comes from the profile."""

    emoji: Emoji | None = None
    hashtags: list[Annotated[str, Field(pattern=r"^#\w+$")]] | None = None
    cta_kinds: list[Literal["link", "comment", "follow", "signup", "dm", "save", "share"]] | None = None
    person: Literal["we", "you", "i"] | None = None
    reading_grade: float | None = None


class BrandVoice(_Strict):
    name: str
    description: str = ""
    tone: Tone = Field(default_factory=Tone)
    person: Literal["we", "you", "i"] = "we"
    reading_grade: float = Field(default=9, ge=1, le=20)
    vocabulary: Vocabulary = Field(default_factory=Vocabulary)
    emoji: Emoji = Field(default_factory=Emoji)
    hashtags: Hashtags = Field(default_factory=Hashtags)
    ctas: dict[Literal["link", "comment", "follow", "signup", "dm", "save", "share"], CTAOption] = Field(
        default_factory=dict)
    utm: UTM = Field(default_factory=UTM)
    mix: Mix = Field(default_factory=Mix)
    examples: dict[PlatformName, list[str]] = Field(default_factory=dict)
    # fixed connectives in the brand's words, by kind; a kind left out uses workbench/data/voice.yaml's
    connectives: dict[ConnectiveKind, list[Annotated[str, Field(min_length=1, max_length=60)]]] = Field(
        default_factory=dict)
    overrides: dict[PlatformName, PlatformVoice] = Field(default_factory=dict)
    scoring: Scoring = Field(default_factory=Scoring)
    visual: Visual = Field(default_factory=Visual)
    source_path: str | None = Field(default=None, exclude=True)

    # -- the profile as it applies to one platform -------------------------------------------

    def emoji_for(self, platform: str) -> Emoji:
        o = self.overrides.get(platform)
        return o.emoji if o and o.emoji else self.emoji

    def hashtags_for(self, platform: str) -> list[str]:
        o = self.overrides.get(platform)
        return list(o.hashtags) if o and o.hashtags is not None else list(self.hashtags.brand)

    def max_hashtags_for(self, platform: str, rule: int | None = None) -> int | None:
        """The brand's cap for a platform, within the platform's own rule (`PlatformSpec.max_hashtags`)."""
        mine = self.hashtags.max_per_platform.get(platform)
        if mine is None:
            return rule
        return mine if rule is None else min(mine, rule)

    def cta_kinds_for(self, platform: str) -> list[str]:
        o = self.overrides.get(platform)
        kinds = o.cta_kinds if o and o.cta_kinds else list(self.ctas)
        return [k for k in kinds if k in self.ctas]

    def person_for(self, platform: str) -> str:
        o = self.overrides.get(platform)
        return o.person if o and o.person else self.person

    def cta_url(self, kind: str, platform: str, pillar: str = "") -> str | None:
        """The CTA's URL with UTM parameters added (existing query parameters kept)."""
        option = self.ctas.get(kind)  # type: ignore[call-overload]
        if option is None or option.url is None:
            return None
        values = {"platform": platform, "pillar": pillar or "post", "brand": self.name}
        utm = {f"utm_{k}": v.format(**values) for k, v in self.utm.model_dump().items() if v}
        parts = urlsplit(str(option.url))
        query = [(k, v) for k, v in parse_qsl(parts.query) if not k.startswith("utm_")] + list(utm.items())
        return urlunsplit(parts._replace(query=urlencode(query)))


    # -- applying the voice to source text (the extractive engine rearranges, it never invents) ----

    def _banned_re(self) -> re.Pattern[str] | None:
        words = sorted(self.vocabulary.banned, key=len, reverse=True)
        if not words:
            return None
        return re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in words) + r")(?![\w-])", re.IGNORECASE)

    def banned_in(self, text: str) -> list[str]:
        pattern = self._banned_re()
        return [m.group(1) for m in pattern.finditer(text)] if pattern else []

    def usable(self, text: str) -> bool:
        """False when the text holds a banned word that has no replacement: avoid that sentence."""
        return all(self.vocabulary.banned.get(w.lower()) is not None for w in self.banned_in(text))

    def rewrite(self, text: str) -> str:
        """Banned words replaced by the brand's replacement, keeping a capital at the start."""
        pattern = self._banned_re()
        if pattern is None:
            return text

        def swap(m: re.Match[str]) -> str:
            new = self.vocabulary.banned.get(m.group(1).lower()) or m.group(1)
            return new[:1].upper() + new[1:] if m.group(1)[:1].isupper() else new

        return pattern.sub(swap, text)


def brand_search_path(workspace: Path | None = None) -> list[Path]:
    return [(workspace or Path.cwd()) / "brand_voice", PROJECT_BRANDS]


def available_brands(workspace: Path | None = None) -> list[str]:
    names: set[str] = set()
    for folder in brand_search_path(workspace):
        if folder.is_dir():
            names.update(p.stem for p in folder.glob("*.y*ml"))
    return sorted(names)


def load_brand(name_or_path: str | Path, workspace: Path | None = None) -> BrandVoice:
    """A profile by file path, or by name from `brand_voice/` (the workspace's, then the project's)."""
    candidate = Path(name_or_path)
    if candidate.suffix.lower() in (".yaml", ".yml") or candidate.exists():
        path = candidate
    else:
        found = next((folder / f"{name_or_path}{ext}" for folder in brand_search_path(workspace)
                      for ext in (".yaml", ".yml") if (folder / f"{name_or_path}{ext}").exists()), None)
        if found is None:
            known = available_brands(workspace)
            close = difflib.get_close_matches(str(name_or_path).lower(), known, n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise BrandError(f"no brand voice named '{name_or_path}'.", path=None,
                             fix=f"{hint}Use one of: {', '.join(known) or '(none found)'}, "
                                 "or pass the path of a YAML profile.")
        path = found
    brand = load_model(path, BrandVoice, BrandError, "brand voice")
    brand.source_path = str(path)
    return brand
