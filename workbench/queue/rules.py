"""What the queue allows: the states an item moves through and what may follow each.

A draft that breaks a platform rule may wait in the queue, marked with its problems, but it is never
approved.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from ..drafts import CTAKind, Draft, Problem
from ..errors import WorkbenchError


class QueueError(WorkbenchError):
    pass


class TransitionError(QueueError):
    pass


class EditConflict(QueueError):
    """Someone saved a newer revision since the editor started; both texts are kept."""

    def __init__(self, item_id: int, base: int, current: int, theirs: list[str], yours: list[str]) -> None:
        self.item_id, self.base, self.current, self.theirs, self.yours = item_id, base, current, theirs, yours
        super().__init__(f"item {item_id} changed since revision {base} (now revision {current}); your edit was "
                         "not applied and is kept as a conflict.", field="base_revision",
                         fix=f"open revision {current}, merge your change into it, and save again with "
                             f"--base-revision {current}.")


class ItemState(StrEnum):
    """Where an item is between the first draft and the published post (stored by value)."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    SCHEDULED = "scheduled"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    FAILED = "failed"
    NEEDS_ATTENTION = "needs_attention"


S = ItemState
TRANSITIONS: dict[ItemState, frozenset[ItemState]] = {
    S.DRAFT: frozenset({S.IN_REVIEW}),
    S.IN_REVIEW: frozenset({S.APPROVED, S.CHANGES_REQUESTED, S.REJECTED}),
    S.CHANGES_REQUESTED: frozenset({S.IN_REVIEW}),
    S.REJECTED: frozenset(),
    S.APPROVED: frozenset({S.SCHEDULED, S.IN_REVIEW}),
    S.SCHEDULED: frozenset({S.PUBLISHING, S.APPROVED, S.IN_REVIEW}),
    S.PUBLISHING: frozenset({S.PUBLISHED, S.FAILED, S.NEEDS_ATTENTION}),
    S.FAILED: frozenset({S.SCHEDULED, S.IN_REVIEW}),
    S.NEEDS_ATTENTION: frozenset({S.PUBLISHED, S.SCHEDULED, S.FAILED}),
    S.PUBLISHED: frozenset(),
}
EDITABLE = frozenset({S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.SCHEDULED, S.FAILED})
# a text that changes in these goes back to review: what was approved is no longer what would post
REVIEW_AGAIN_AFTER_EDIT = EDITABLE - {S.IN_REVIEW}
# once publishing has begun (or the item is rejected) its posting time is history
TIME_FIXED = frozenset({S.PUBLISHING, S.PUBLISHED, S.REJECTED})


def state(value: str, field: str = "state") -> ItemState:
    """A state typed by a person or a caller; a typo is a clear error listing the states."""
    try:
        return ItemState(value)
    except ValueError:
        raise QueueError(f"unknown state '{value}'.", field=field,
                         fix=f"use one of: {', '.join(ItemState)}.") from None


def require_transition(item_id: int, current: ItemState, new: str, blocking: Sequence[Problem] = ()) -> ItemState:
    """The state `new`, when an item in `current` may become it; an item with platform problems is never approved."""
    if new == S.APPROVED and blocking:
        listed = "; ".join(p.message for p in blocking[:3])
        raise TransitionError(f"item {item_id} has {len(blocking)} platform problem(s): {listed}",
                              field="problems", fix="edit the draft until it passes, then approve.")
    allowed = TRANSITIONS[current]
    if new not in allowed:
        names = ", ".join(sorted(allowed)) or "none (final)"
        raise TransitionError(f"item {item_id} is '{current}'; it cannot become '{new}'.", field="state",
                              fix=f"from '{current}' it can become: {names}.")
    return ItemState(new)


def require_editable(item_id: int, current: ItemState) -> None:
    if current not in EDITABLE:
        raise TransitionError(f"item {item_id} is '{current}' and can no longer be edited.", field="state",
                              fix="create a new draft instead.")


def promotional(draft: Draft) -> bool:
    """Counted against the brand's promotion share when planning (see `CTAKind.promotional`)."""
    if draft.cta is None:
        return False
    try:
        return CTAKind(draft.cta.kind).promotional
    except ValueError:
        return False
