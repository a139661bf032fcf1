"""Defects between the drafts of one run (one pillar, one brand): SAME_HOOK and VARIANT_CLONE."""

from __future__ import annotations

from collections.abc import Sequence

from ..drafts import Draft
from . import Finding


def cross_check(drafts: Sequence[Draft]) -> dict[int, list[Finding]]:
    """Findings per draft (by its index in `drafts`): an opening shared with another platform's draft
    (SAME_HOOK), and a variant that copies or rotates another variant of the same platform (VARIANT_CLONE)."""
    return {}
