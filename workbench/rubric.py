"""The editor rubric's defect codes: one home, imported by the detectors, the brand's scoring table and
the interfaces. What each code means is in `../shared/eval/EDITOR-RUBRIC.md`."""

from __future__ import annotations

from enum import StrEnum


class Defect(StrEnum):
    """The editor rubric's codes (`../shared/eval/EDITOR-RUBRIC.md`)."""

    EMPTY = "EMPTY"
    DANGLING = "DANGLING"
    ORDER = "ORDER"
    FRAGMENT = "FRAGMENT"
    CTA_MISMATCH = "CTA_MISMATCH"
    LINK_PHRASE = "LINK_PHRASE"
    HASHTAG_JUNK = "HASHTAG_JUNK"
    SAME_HOOK = "SAME_HOOK"
    VARIANT_CLONE = "VARIANT_CLONE"
    HOOK_WEAK = "HOOK_WEAK"
    THIN = "THIN"
    SPEECH = "SPEECH"
    META = "META"
    VOICE = "VOICE"
    THREAD_FLOW = "THREAD_FLOW"
    TITLE_BAD = "TITLE_BAD"
    MISLEADING = "MISLEADING"
    NO_CONTEXT = "NO_CONTEXT"
    PERSONA = "PERSONA"
