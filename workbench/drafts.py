"""The one model of a post. Engines, scorers, the queue, the scheduler and the UI all speak `Draft`.

`parts` hold exactly what gets posted (hashtags and the CTA included): one string for a post, several
for a thread. `hashtags` and `cta` describe what is in the text, for scoring and reporting.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

THREAD_SEPARATOR = "---"  # a line holding only this separates the posts of a thread, wherever people type one


class CTAKind(StrEnum):
    """What a call to action asks the reader to do."""

    LINK = "link"
    COMMENT = "comment"
    FOLLOW = "follow"
    SIGNUP = "signup"
    DM = "dm"
    SAVE = "save"
    SHARE = "share"

    @property
    def promotional(self) -> bool:
        """Promotion asks for a click or a sign-up; value asks for attention (the 80/20 mix counts these)."""
        return self in (CTAKind.LINK, CTAKind.SIGNUP)


@dataclass(frozen=True)
class Problem:
    """Something that stops a draft from posting as it is (`error`) or that an editor should see."""

    code: str
    message: str
    where: str = ""
    severity: str = "error"

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "where": self.where, "severity": self.severity}


def parts_from_text(text: str, thread: bool) -> list[str]:
    """What a person typed (CLI file, notebook text box) as a draft's parts; a thread is cut at '---' lines."""
    if thread:
        chunks: list[str] = []
        current: list[str] = []
        for line in text.split("\n"):
            if line.strip() == THREAD_SEPARATOR:
                chunks.append("\n".join(current).strip())
                current = []
            else:
                current.append(line)
        chunks.append("\n".join(current).strip())
        return [c for c in chunks if c]
    return [text.strip()]


def text_from_parts(parts: list[str]) -> str:
    """The inverse of `parts_from_text`, for editing."""
    return f"\n{THREAD_SEPARATOR}\n".join(parts)


@dataclass
class CTA:
    kind: str  # a CTAKind value
    text: str
    url: str | None = None


@dataclass
class MediaAsset:
    kind: str  # reel, image, carousel, pdf, poster
    path: str
    alt_text: str = ""
    width: int | None = None
    height: int | None = None
    duration: float | None = None


@dataclass
class Provenance:
    """Where each part of a draft came from: the audit trail for "nothing invented"."""

    source_sentence_ids: list[str] = field(default_factory=list)
    engine: str = ""
    model: str | None = None
    prompt: str | None = None
    prompt_version: str | None = None
    pillar_hash: str | None = None


@dataclass
class Draft:
    platform: str
    parts: list[str]
    title: str | None = None
    hashtags: list[str] = field(default_factory=list)
    cta: CTA | None = None
    media: list[MediaAsset] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    score: dict[str, Any] | None = None
    provenance: Provenance = field(default_factory=Provenance)
    variant: int = 0

    @property
    def text(self) -> str:
        return "\n\n".join(self.parts)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["problems"] = [p.to_dict() for p in self.problems]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Draft:
        data = dict(data)
        cta = data.get("cta")
        data["cta"] = CTA(**cta) if cta else None
        data["media"] = [MediaAsset(**m) for m in data.get("media", [])]
        data["problems"] = [Problem(**p) for p in data.get("problems", [])]
        data["provenance"] = Provenance(**data.get("provenance", {}))
        return cls(**data)
