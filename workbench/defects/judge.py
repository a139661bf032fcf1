"""The LLM judge's defects as `Finding`s: the same shape the rules give, so the scorer merges them.

The judge names a rubric code, quotes the words of the draft it is about and says what is wrong and what
to do. Nothing it says is trusted as is: a code the rubric does not have is dropped (and counted), a quote
is looked up in `draft.text` (its first occurrence is the span; a quote that is not there gives a finding
about the whole post), and the message and fix go through the caller's redaction and are cut short.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from ..rubric import Defect
from . import Finding

if TYPE_CHECKING:
    from ..drafts import Draft

RULE = "llm"  # `Finding.rule` of every finding the judge makes
MAX_TEXT = 300  # characters kept of a message or a fix
_QUOTE_MARKS = "\"'“”‘’«»`"


@dataclass(frozen=True)
class JudgeDefect:
    """One defect as the judge reported it, before it is checked."""

    code: str
    quote: str
    message: str
    fix: str


class Judged(TypedDict):
    """What `LLMEngine.judge` (`engines/llm.py`) returns: the rubric rating (1-5) and the defects as `Finding`s
    (rule "llm", spans in `draft.text`), the codes it dropped and a note saying so, and the 0-100 tone, CTA and
    platform-fit scores with reasons."""

    rating: int
    findings: list[Finding]
    dropped: list[str]
    note: str | None
    tone: int
    cta: int
    platform_fit: int
    reasons: list[str]


def _code(raw: str) -> Defect | None:
    """The rubric code the judge meant ("hook_weak", " HOOK-WEAK " included), or None."""
    name = re.sub(r"[\s-]+", "_", raw.strip()).upper()
    return Defect.__members__.get(name)


def locate(quote: str, text: str) -> tuple[int, int] | None:
    """(start, end) of the first occurrence of `quote` in `text`: exactly, else with any run of whitespace
    matching any other (a model often quotes two lines as one); None when the words are not there."""
    quote = quote.strip().strip(_QUOTE_MARKS).strip()
    if not quote:
        return None
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    pattern = r"\s+".join(re.escape(w) for w in quote.split())
    found = re.search(pattern, text)
    return found.span() if found else None


def _part(span: tuple[int, int], parts: list[str]) -> str | None:
    """'part n' for a span inside a thread's n-th post (parts are joined with a blank line in `draft.text`)."""
    if len(parts) < 2:
        return None
    at = 0
    for n, part in enumerate(parts, 1):
        if at <= span[0] < at + len(part) + 2:
            return f"part {n}"
        at += len(part) + 2
    return None


def _clean(text: str, redact: Callable[[str], str]) -> str:
    # redacted before it is cut: a secret cut in half would no longer be recognised
    return " ".join(redact(text).split())[:MAX_TEXT]


def judge_findings(draft: Draft, defects: Iterable[JudgeDefect],
                   redact: Callable[[str], str] = lambda s: s) -> tuple[list[Finding], list[str]]:
    """The judge's defects as findings on `draft` (rule "llm"), and the codes it named that the rubric
    does not have (dropped, redacted). A finding's span is the first occurrence of its quote in
    `draft.text`; a quote in the title gives `where="title"`; a quote found nowhere gives span None.
    Rating and blocking are left to the brand's rule for the code (`brand.scoring.defects`)."""
    found: list[Finding] = []
    dropped: list[str] = []
    for d in defects:
        code = _code(d.code)
        if code is None:
            dropped.append(_clean(d.code, redact)[:40] or "(empty)")
            continue
        span = locate(d.quote, draft.text)
        where = _part(span, draft.parts) if span else (
            "title" if draft.title and locate(d.quote, draft.title) else None)
        quote = _clean(d.quote.strip().strip(_QUOTE_MARKS), redact)
        message = _clean(d.message, redact) or (f"{code.value}: '{quote}'" if quote else code.value)
        found.append(Finding(code, message, _clean(d.fix, redact), span, rule=RULE, where=where))
    return sorted(found, key=lambda f: (f.span or (-1, -1), f.code.value)), dropped


def dropped_note(dropped: list[str]) -> str | None:
    """What the judge said that was not kept, for the record; None when everything was."""
    if not dropped:
        return None
    return f"{len(dropped)} defect(s) with a code the rubric does not have were dropped: {', '.join(dropped)}."
