"""Defects between the drafts of one run (one pillar, one brand): SAME_HOOK and VARIANT_CLONE."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

import regex

from ..drafts import Draft
from ..rubric import Defect
from ..text import sentence_spans
from . import Finding, content_words, words

HOOK_WORDS = 8  # an opening is its first this-many words, normalised: truncated copies of one line still match
CLONE_SHARE = 0.65  # a variant whose content sentences are this share or more another variant's is a clone
_SAME_SENTENCE = 0.8  # two sentences are "the same" when one holds this share of the other's content words

_TAG = regex.compile(r"(?<![\w&#])#\w+")
_COUNTER = re.compile(r"(?:^|\s)\d{1,2}\s*/\s*\d{1,2}(?=\s|$)")
_CTA = re.compile(
    r"^(?:which|what|tell|follow|save|share|comment|read|register|sign up|subscribe|dm|grab|download|join|click|"
    r"learn more|the complete)\b|link in bio|link below|in the comments|tell (?:me|us)\b|https?://", re.IGNORECASE)


def _opening(draft: Draft) -> tuple[str, tuple[int, int]] | None:
    """The first line with content, normalised (case, punctuation, emoji, hashtags, a thread's counter gone),
    cut to its first `HOOK_WORDS` words, and its span in `draft.text`."""
    at = 0
    for line in draft.text.split("\n"):
        cleaned = _COUNTER.sub(" ", _TAG.sub(" ", line))
        spans = sentence_spans(cleaned) if cleaned.strip() else []
        tokens = words(cleaned[:spans[0][1]] if spans else cleaned)
        if tokens:
            if len(tokens) < 3:
                tokens = words(cleaned)
            if len(tokens) >= 3:
                return " ".join(tokens[:HOOK_WORDS]), (at, at + len(line))
        at += len(line) + 1
    return None


def _units(draft: Draft) -> list[frozenset[str]]:
    """A draft's content sentences (title included) as word sets; hashtags, counters and CTA lines left out."""
    units: list[frozenset[str]] = []
    if draft.title:
        units.append(content_words(draft.title))
    for line in draft.text.split("\n"):
        cleaned = _COUNTER.sub(" ", _TAG.sub(" ", line)).strip()
        if not cleaned:
            continue
        for start, end in sentence_spans(cleaned):
            sentence = cleaned[start:end].strip()
            if _CTA.search(sentence):
                continue
            unit = content_words(sentence)
            if len(unit) >= 2:
                units.append(unit)
    return units


def _same(a: frozenset[str], b: frozenset[str]) -> bool:
    shared = len(a & b)
    return shared >= 2 and shared >= _SAME_SENTENCE * min(len(a), len(b))


def _clone_share(mine: list[frozenset[str]], other: list[frozenset[str]]) -> float:
    if not mine:
        return 0.0
    return sum(1 for u in mine if any(_same(u, v) for v in other)) / len(mine)


def cross_check(drafts: Sequence[Draft]) -> dict[int, list[Finding]]:
    """Findings per draft (by its index in `drafts`): an opening shared with another platform's draft
    (SAME_HOOK), and a variant that copies or rotates another variant of the same platform (VARIANT_CLONE)."""
    found: dict[int, list[Finding]] = defaultdict(list)

    openings: dict[str, list[tuple[int, tuple[int, int]]]] = defaultdict(list)
    for i, draft in enumerate(drafts):
        hook = _opening(draft)
        if hook is not None:
            openings[hook[0]].append((i, hook[1]))
    for sharing in openings.values():
        platforms = {drafts[i].platform for i, _ in sharing}
        if len(platforms) < 2:
            continue
        for i, span in sharing:
            others = sorted(platforms - {drafts[i].platform})
            line = drafts[i].text[span[0]:span[1]].strip()
            found[i].append(Finding(
                Defect.SAME_HOOK,
                f"The opening \"{line[:80]}\" is also the opening of this run's {', '.join(others)} draft(s).",
                "Write an opening for this platform's reader so each draft of the pillar starts differently.",
                span=span, rating=3, rule="same_hook"))

    by_platform: dict[str, list[int]] = defaultdict(list)
    for i, draft in enumerate(drafts):
        by_platform[draft.platform].append(i)
    units = {i: _units(drafts[i]) for members in by_platform.values() if len(members) > 1 for i in members}
    for members in by_platform.values():
        if len(members) < 2:
            continue
        ordered = sorted(members, key=lambda i: (drafts[i].variant, i))
        for n, later in enumerate(ordered[1:], start=1):
            best, share = None, 0.0
            for earlier in ordered[:n]:
                s = _clone_share(units[later], units[earlier])
                if s > share:
                    best, share = earlier, s
            if best is None or share < CLONE_SHARE:
                continue
            found[later].append(Finding(
                Defect.VARIANT_CLONE,
                f"{round(share * 100)}% of this variant's sentences are variant {drafts[best].variant or best + 1}'s "
                "(copied, moved around or re-tagged): as a variant it tests nothing.",
                "Rewrite the variant around a different hook or angle so the two drafts test something.",
                rating=2, rule="variant_clone"))
    return dict(found)
