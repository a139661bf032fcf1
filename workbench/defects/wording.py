"""Defects visible in the draft alone: EMPTY, THIN, META, SPEECH, FRAGMENT, TITLE_BAD, HOOK_WEAK,
LINK_PHRASE, HASHTAG_JUNK, CTA_MISMATCH, and DANGLING at a post's start."""

from __future__ import annotations
