"""What the queue allows: the states an item moves through, and the checks every text passes on the way in.

The queue checks every text itself, with the workspace's platform rules (a Mastodon instance's own
limit, X Premium) and the brand's voice, so what a reviewer sees is what this workspace will post,
whoever put the draft in. A draft that breaks a platform rule may wait in the queue, marked with its
problems, but it is never approved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..brand import load_brand
from ..defects import Finding
from ..drafts import CTAKind, Draft, Problem
from ..errors import BrandError, WorkbenchError, one_of
from ..findings import parse_code
from ..pillar import Pillar, load_pillar
from ..platforms import PlatformSpec, unknown_platform, validate
from ..rubric import Defect
from ..scoring import score


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


class StaleRevision(QueueError):
    """The revision a reviewer saw is no longer the item's text: approving it would approve text nobody read."""

    def __init__(self, item_id: int, revision: int, current: int) -> None:
        self.item_id, self.revision, self.current = item_id, revision, current
        super().__init__(f"item {item_id} is at revision {current}; you reviewed revision {revision}, so nothing "
                         "was approved.", field="revision",
                         fix=f"read revision {current} (`workbench queue show {item_id}`), then approve it with "
                             f"--revision {current}.")


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
    S.FAILED: frozenset({S.SCHEDULED, S.IN_REVIEW, S.PUBLISHED}),
    S.NEEDS_ATTENTION: frozenset({S.PUBLISHED, S.SCHEDULED, S.FAILED}),
    S.PUBLISHED: frozenset(),
}
# an item starts in one of these: approval is always a reviewer's act, never the sender's
ENTRY = frozenset({S.DRAFT, S.IN_REVIEW})
EDITABLE = frozenset({S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.SCHEDULED, S.FAILED})
# a text that changes in these goes back to review: what was approved is no longer what would post
REVIEW_AGAIN_AFTER_EDIT = EDITABLE - {S.IN_REVIEW}


class SortKey(StrEnum):
    """What `queue list --sort` orders by (items without a score or a time come last either way)."""

    ID = "id"
    SCORE = "score"
    STATE = "state"
    PLATFORM = "platform"
    SCHEDULED = "scheduled"
    UPDATED = "updated"


def sort_key(value: str | SortKey) -> SortKey:
    return one_of(SortKey, value, QueueError, "cannot sort by", "--sort")


class Resolution(StrEnum):
    """How a person settles an item publishing could not: it is live, send it again, or it failed for good."""

    PUBLISHED = "published"
    RETRY = "retry"
    FAIL = "fail"


RESOLVES: dict[Resolution, ItemState] = {Resolution.PUBLISHED: S.PUBLISHED, Resolution.RETRY: S.SCHEDULED,
                                         Resolution.FAIL: S.FAILED}
# a person settles these; `publishing` is left to its run (or recovered to needs_attention once it is stale)
RESOLVABLE = frozenset({S.NEEDS_ATTENTION, S.FAILED})
# once publishing has begun (or the item is rejected) its posting time is history
TIME_FIXED = frozenset({S.PUBLISHING, S.PUBLISHED, S.REJECTED})

# Every code `platforms.validate` reports. The queue finds these again on every add and edit, with the
# workspace's rules, and never takes them from the caller; any other problem (an invented number, a
# clip's video) needs what only the caller had (the pillar, the media) and is kept as the caller sent it.
PLATFORM_RULES = frozenset({"empty", "too_many_parts", "too_long", "invalid_characters", "forbidden_characters",
                            "too_many_hashtags", "too_many_links", "missing_title", "title_too_long"})


def state(value: str, field: str = "state") -> ItemState:
    """A state typed by a person or a caller; a typo is a clear error listing the states."""
    try:
        return ItemState(value)
    except ValueError:
        raise QueueError(f"unknown state '{value}'.", field=field,
                         fix=f"use one of: {', '.join(ItemState)}.") from None


def defect(value: str | Defect, field: str = "code") -> Defect:
    """A rubric code typed by a person or a caller (any case); a typo is a clear error listing the codes."""
    return parse_code(value, field, QueueError)


def entry_state(value: str) -> ItemState:
    new = state(value)
    if new not in ENTRY:
        raise TransitionError(f"a new item cannot start as '{new}'.", field="state",
                              fix=f"add it as {' or '.join(sorted(ENTRY))}; a reviewer approves it.")
    return new


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


def require_resolvable(item_id: int, current: ItemState, resolution: Resolution) -> ItemState:
    """The state `resolution` moves the item to, when a person may settle an item in `current` that way."""
    target = RESOLVES[resolution]
    if current is S.PUBLISHING:
        raise TransitionError(f"item {item_id} is being published right now.", field="state",
                              fix="wait for that run; if it stopped, the next `workbench publish --due` moves the "
                                  "item to needs_attention once it has been publishing too long.")
    if current not in RESOLVABLE or target not in TRANSITIONS[current]:
        raise TransitionError(f"item {item_id} is '{current}'; only items needing attention (or failed) are "
                              f"resolved, and a '{current}' item cannot become '{target}'.", field="state",
                              fix=f"see `workbench queue show {item_id}`.")
    return target


def require_editable(item_id: int, current: ItemState) -> None:
    if current not in EDITABLE:
        raise TransitionError(f"item {item_id} is '{current}' and can no longer be edited.", field="state",
                              fix="create a new draft instead.")


def carried(problems: Iterable[Problem]) -> list[Problem]:
    """The caller's problems the queue cannot find again itself (see `PLATFORM_RULES`)."""
    return [p for p in problems if p.code not in PLATFORM_RULES]


def promotional(draft: Draft) -> bool:
    """Counted against the brand's promotion share when planning (see `CTAKind.promotional`)."""
    if draft.cta is None:
        return False
    try:
        return CTAKind(draft.cta.kind).promotional
    except ValueError:
        return False


class Checks:
    """The checks with this workspace's platform catalogue and brand profiles."""

    def __init__(self, specs: Mapping[str, PlatformSpec], workspace: Path) -> None:
        self.specs = specs
        self.workspace = workspace

    def spec(self, platform: str) -> PlatformSpec:
        try:
            return self.specs[platform]
        except KeyError:
            known = unknown_platform(platform, known=list(self.specs))
            raise QueueError(f"unknown platform '{platform}'.", field="platform", fix=known.fix) from None

    def check(self, draft: Draft, brand: str, carried: Sequence[Problem] = (), given: dict[str, Any] | None = None,
              pillar: str | None = None) -> tuple[list[Problem], dict[str, Any] | None]:
        """The draft's platform problems (then `carried`), and its score; no score when the brand is unknown.

        The item's `pillar`, when its file is still there, adds the checks against the source (as `repurpose`
        scored it, and again after every edit). `given` is the score the draft came with, for this very text:
        the defects in it that the queue cannot find again itself (those between the run's drafts) are kept."""
        spec = self.spec(draft.platform)
        problems = [*validate(draft, spec), *carried]
        try:
            voice = load_brand(brand, self.workspace)
        except BrandError:
            return problems, None
        source = _pillar(pillar)
        result = score(draft, voice, spec, problems=problems, pillar=source).to_dict()
        kept = carried_findings(given, result)
        if kept:
            result = score(draft, voice, spec, problems=problems, pillar=source, extra=kept).to_dict()
        return problems, result


def _pillar(path: str | None) -> Pillar | None:
    """The item's pillar when its file can still be read (one parse per file version); None otherwise."""
    if not path:
        return None
    try:
        stat = Path(path).stat()
    except (OSError, ValueError):
        return None
    return _read_pillar(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _read_pillar(path: str, mtime_ns: int, size: int) -> Pillar | None:
    try:
        return load_pillar(path)
    except WorkbenchError:
        return None  # moved, changed into something unreadable: the checks that need it are skipped


def _finding_key(reason: Mapping[str, Any]) -> tuple[Any, ...]:
    span = reason.get("span")
    return reason.get("code"), tuple(span) if span else None, reason.get("rule"), reason.get("message")


def carried_findings(given: Mapping[str, Any] | None, found: Mapping[str, Any]) -> list[Finding]:
    """The defects of `given` (a stored score of the same text) that are not in `found` (the queue's own score):
    what the checks against the pillar and between one run's drafts found, which the queue cannot redo."""
    mine = {_finding_key(r) for r in (found.get("content") or {}).get("reasons") or []}
    kept = []
    for r in ((given or {}).get("content") or {}).get("reasons") or []:
        if _finding_key(r) in mine or r.get("code") not in {d.value for d in Defect}:
            continue
        span = r.get("span")
        kept.append(Finding(Defect(r["code"]), str(r.get("message") or ""), str(r.get("fix") or ""),
                            (int(span[0]), int(span[1])) if span else None, r.get("rating"), r.get("blocking"),
                            str(r.get("rule") or "")))
    return kept
