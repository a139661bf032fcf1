"""The approval queue: drafts under review, every edit a revision, every action in the audit log.

The queue guards its own rules (`rules.py`): every text that comes in, added or edited, is checked
with the workspace's platform catalogue and scored with the brand's voice, and nothing with a
platform problem is approved. An edit names the revision the editor started from; if someone saved
in between, the edit is refused with `EditConflict`, nothing is overwritten, and the refused text is
kept in `conflicts`. An approval names the revision the reviewer read and is refused if the text
changed since; publishing takes an item only while that approved revision is its text and its time has
come, in one UPDATE. SQL lives in `store.py`, the schema's history in `migrations.py`.
"""

from __future__ import annotations

import builtins
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, text

from ..drafts import Draft, Problem
from ..platforms import PlatformSpec, registry
from ..rubric import Defect
from . import migrations, rules
from .rules import EditConflict, ItemState, QueueError, Resolution, SortKey, StaleRevision, TransitionError
from .store import Item, Revision, Store, default_url, now_utc

__all__ = ["STALE_PUBLISHING", "STATES", "EditConflict", "Item", "ItemState", "Queue", "QueueError", "Resolution",
           "Revision", "SortKey", "StaleRevision", "TransitionError", "default_url", "now_utc"]

STATES = tuple(ItemState)
# an item publishing longer than this was left by a run that stopped (killed, the machine went down): one
# item's delivery, retries included, takes far less
STALE_PUBLISHING = timedelta(minutes=15)

# the key of PostgreSQL's advisory lock around migrations (any constant; "wb-migr" in ASCII)
_MIGRATION_LOCK = 0x77622D6D69677200

# (draft, brand) -> (problems, score): replaces the queue's own check (a benchmark stubs the scorer out)
Rescore = Callable[[Draft, str], tuple[list[Problem], dict[str, Any] | None]]


def _source_key(draft: Draft, brand: str) -> str:
    """The same draft of the same pillar for the same brand: a re-run adds nothing."""
    text = json.dumps([draft.platform, draft.variant, draft.parts, draft.title], ensure_ascii=False)
    return hashlib.sha256(f"{draft.provenance.pillar_hash}|{brand}|{text}".encode()).hexdigest()


class Queue:
    """The review queue of one workspace.

    `specs` is the platform catalogue as the workspace configures it (`Settings.platforms()`); every
    add and edit is validated against it, and the scheduler reads its slots. By default, the built-in
    catalogue. `rescore(draft, brand) -> (problems, score)`, when given, replaces validating and scoring
    (a benchmark stubs the scorer out); an unknown platform is refused either way.
    """

    def __init__(self, url: str | None = None, workspace: Path | None = None,
                 specs: Mapping[str, PlatformSpec] | None = None, rescore: Rescore | None = None) -> None:
        self.workspace = workspace or Path.cwd()
        self.url = url or default_url(workspace)
        self.specs: Mapping[str, PlatformSpec] = dict(specs) if specs is not None else registry()
        self.checks = rules.Checks(self.specs, self.workspace)
        self.rescore = rescore
        self.store = Store(self.url)
        self.engine: Engine = self.store.engine
        self.migrate()

    def _check(self, draft: Draft, brand: str, carried: builtins.list[Problem] | None = None,
               given: dict[str, Any] | None = None, pillar: str | None = None
               ) -> tuple[builtins.list[Problem], dict[str, Any] | None]:
        self.checks.spec(draft.platform)  # an unknown platform never enters, whoever checks the text
        if self.rescore is not None:
            problems, score = self.rescore(draft, brand)
            return [*problems, *(carried or [])], score
        return self.checks.check(draft, brand, carried or [], given, pillar)

    # -- migrations -------------------------------------------------------------------------

    def migrate(self) -> builtins.list[int]:
        """Apply the migrations not yet recorded, in order, each in its own transaction.

        Every step's check ("recorded yet?") and apply hold the database's migration lock, so processes
        starting at once on a fresh database wait for each other: each step runs once, none fails."""
        return migrations.migrate(self._migration_transaction)

    @contextmanager
    def _migration_transaction(self) -> Iterator[Connection]:
        """A transaction that holds the migration lock from its first statement until it commits.

        SQLite: BEGIN IMMEDIATE takes the write lock up front (a plain BEGIN reads first and then fails
        to upgrade when another process wrote in between). PostgreSQL: a transaction-scoped advisory lock."""
        with self.store.transaction() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            elif conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            yield conn

    def migrations(self) -> builtins.list[tuple[int, str]]:
        return self.store.migrations()

    # -- reading ------------------------------------------------------------------------------

    @cached_property
    def workspace_id(self) -> str:
        """This queue's own id, made once when its database was created (in every idempotency key)."""
        return self.store.workspace_id()

    def idempotency_key(self, item: Item) -> str:
        """Workspace, item and approved revision: a receiver drops a repeat of this very post, and only that."""
        revision = item.approved_revision if item.approved_revision is not None else item.revision
        return f"wb-{self.workspace_id}-{item.id}-r{revision}"

    def get(self, item_id: int) -> Item:
        item = self.store.item(item_id)
        if item is None:
            raise QueueError(f"no item {item_id} in the queue.", field="id", fix="see `workbench queue list`.")
        return item

    def list(self, state: str | None = None, platform: str | None = None, brand: str | None = None,
             min_score: int | None = None, max_score: int | None = None, limit: int | None = None,
             offset: int = 0, code: str | Defect | None = None, sort: str | SortKey = SortKey.ID,
             descending: bool = False, search: str | None = None) -> builtins.list[Item]:
        """Items by id (or `sort`); `code` keeps those whose current score has that defect (a rubric code, any
        case: an unknown one is a `QueueError` listing the codes); `search` keeps those whose text or title
        holds it, in any case (matched here, not in SQL: the stored JSON may escape non-ASCII text)."""
        def page(limit: int | None, offset: int) -> builtins.list[Item]:
            return self.store.items(rules.state(state) if state else None, platform, brand, min_score, max_score,
                                    limit, offset, rules.defect(code) if code else None, rules.sort_key(sort),
                                    descending)

        if not search:
            return page(limit, offset)
        needle = search.casefold()
        found = [i for i in page(None, 0) if needle in "\n".join([i.draft.title or "", *i.draft.parts]).casefold()]
        return found[offset:offset + limit if limit is not None else None]

    def count(self, state: str | None = None) -> int:
        return self.store.count(state)

    def revisions(self, item_id: int) -> builtins.list[Revision]:
        return self.store.revisions(item_id)

    def comments(self, item_id: int) -> builtins.list[dict[str, Any]]:
        return self.store.comments(item_id)

    def audit_log(self, item_id: int | None = None) -> builtins.list[dict[str, Any]]:
        return self.store.audit_log(item_id)

    def conflicts(self, item_id: int) -> builtins.list[dict[str, Any]]:
        return self.store.conflicts(item_id)

    def due(self, now: datetime | None = None) -> builtins.list[Item]:
        return self.store.due((now or now_utc()).astimezone(UTC))

    # -- writing ------------------------------------------------------------------------------

    def add(self, draft: Draft, pillar: str, brand: str, author: str = "repurpose",
            state: str = ItemState.IN_REVIEW) -> Item | None:
        """Put a draft in the queue, checked here; None when this exact draft is already there (a re-run).

        Platform problems are found again with this workspace's rules, whatever the caller says; the
        caller's other problems (an invented number, a clip's video) are kept, as are the defects its score
        found with the pillar or the run's other drafts (the queue has neither) and what its score says
        beyond the scorer's own fields (a clip's timing). An edit is scored afresh.
        """
        start = rules.entry_state(state)
        key = _source_key(draft, brand)
        checked = Draft.from_dict(draft.to_dict())
        checked.problems, score = self._check(checked, brand, rules.carried(draft.problems), draft.score, pillar)
        if score is not None:
            score = {**{k: v for k, v in (draft.score or {}).items() if k not in score}, **score}
        checked.score = score
        now = now_utc()
        with self.store.transaction() as conn:
            if self.store.has_source(conn, key):
                return None
            item_id = self.store.insert_item(conn, key, pillar, brand, start, checked, rules.promotional(checked), now)
            self.store.insert_revision(conn, item_id, 1, author, checked, now)
            self.store.log(conn, item_id, author, "created", state=start, platform=checked.platform, pillar=pillar)
        return self.get(item_id)

    def _set_state(self, conn: Connection, item: Item, new: str, actor: str, action: str | None = None,
                   **detail: Any) -> None:
        target = rules.require_transition(item.id, item.state, new)
        if not self.store.swap_state(conn, item.id, item.state, target):
            raise _changed(item.id)
        action = action or ("submitted" if target is ItemState.IN_REVIEW else target.value)
        self.store.log(conn, item.id, actor, action, **{"from": item.state}, **detail)

    def transition(self, item_id: int, new: str, actor: str, comment: str | None = None) -> Item:
        if new == ItemState.APPROVED:
            raise TransitionError("an approval names the revision it approves.", field="revision",
                                  fix="call approve(item_id, author, revision).")
        item = self.get(item_id)
        rules.require_transition(item_id, item.state, new, item.blocking)
        with self.store.transaction() as conn:
            self._set_state(conn, item, new, actor, comment=comment)
            if comment:
                self.store.insert_comment(conn, item_id, actor, comment)
        return self.get(item_id)

    def approve(self, item_id: int, author: str, revision: int) -> Item:
        """Approve the text of `revision`, the one the reviewer read; refused (`StaleRevision`) when an edit
        saved a newer one, checked in the same UPDATE that approves, so an edit racing it cannot slip in."""
        item = self.get(item_id)
        if item.revision != revision:
            raise StaleRevision(item_id, revision, item.revision)
        rules.require_transition(item_id, item.state, ItemState.APPROVED, item.blocking)
        with self.store.transaction() as conn:
            if not self.store.approve(conn, item_id, item.state, revision):
                now = self.store.item(item_id, conn)
                if now is not None and now.revision != revision:
                    raise StaleRevision(item_id, revision, now.revision)
                raise _changed(item_id)
            self.store.log(conn, item_id, author, ItemState.APPROVED.value, **{"from": item.state},
                           revision=revision)
        return self.get(item_id)

    def reject(self, item_id: int, author: str, comment: str | None = None) -> Item:
        return self.transition(item_id, ItemState.REJECTED, author, comment)

    def request_changes(self, item_id: int, author: str, comment: str) -> Item:
        if not comment.strip():
            raise QueueError("requesting changes needs a comment saying what to change.", field="comment",
                             fix="add --comment 'what to change'.")
        return self.transition(item_id, ItemState.CHANGES_REQUESTED, author, comment)

    def comment(self, item_id: int, author: str, body: str) -> None:
        self.get(item_id)
        with self.store.transaction() as conn:
            self.store.insert_comment(conn, item_id, author, body)
            self.store.log(conn, item_id, author, "commented")

    def edit(self, item_id: int, parts: builtins.list[str], author: str, base_revision: int,
             title: str | None = None) -> Item:
        """A new revision from `base_revision`, re-validated and re-scored; a stale base is a conflict."""
        item = self.get(item_id)
        rules.require_editable(item_id, item.state)
        draft = Draft.from_dict(item.draft.to_dict())
        draft.parts = [p for p in parts if p.strip()] or [""]
        draft.title = title if title is not None else draft.title
        draft.problems, draft.score = self._check(draft, item.brand, pillar=item.pillar)
        now = now_utc()
        conflict: tuple[int, int] | None = None
        with self.store.transaction() as conn:
            if not self.store.swap_revision(conn, item_id, base_revision, draft, now, rules.EDITABLE):
                rules.require_editable(item_id, self.store.state(conn, item_id))  # taken for publishing since
                current = self.store.current_revision(conn, item_id)
                self.store.insert_conflict(conn, item_id, author, base_revision, current, draft, now)
                self.store.log(conn, item_id, author, "conflict", base_revision=base_revision,
                               current_revision=current)
                conflict = (base_revision, current)
            else:
                new_number = base_revision + 1
                self.store.insert_revision(conn, item_id, new_number, author, draft, now)
                self.store.log(conn, item_id, author, "edited", revision=new_number, problems=len(draft.problems))
                # the state as it is now, read after the UPDATE above took the row: an approval that landed
                # since `item` was read approved the old text, and this new one goes back to review
                item_now = self.store.item(item_id, conn)
                assert item_now is not None
                if item_now.state in rules.REVIEW_AGAIN_AFTER_EDIT:
                    self._set_state(conn, item_now, ItemState.IN_REVIEW, author, reason="edited")
                    if not item_now.pinned:  # a time a person pinned stays; planning chooses again
                        self.store.update_item(conn, item_id, scheduled_at=None)
        if conflict:
            theirs = self.get(item_id).draft.parts
            raise EditConflict(item_id, conflict[0], conflict[1], theirs, draft.parts)
        return self.get(item_id)

    # -- scheduling and publishing (used by schedule.py and publish/) -----------------------

    def set_schedule(self, item_id: int, when: datetime, actor: str, pinned: bool = False) -> Item:
        item = self.get(item_id)
        when = when.astimezone(UTC)
        key = self.idempotency_key(item)
        with self.store.transaction() as conn:
            if item.state is ItemState.APPROVED:
                self._set_state(conn, item, ItemState.SCHEDULED, actor, at=when.isoformat(), pinned=pinned)
            elif item.state is not ItemState.SCHEDULED:
                raise TransitionError(f"item {item_id} is '{item.state}'; only approved items are scheduled.",
                                      field="state", fix="approve it first.")
            else:
                self.store.log(conn, item_id, actor, "moved", at=when.isoformat(), pinned=pinned)
            self.store.update_item(conn, item_id, scheduled_at=when, pinned=pinned, idempotency_key=key,
                                   updated_at=now_utc())
        return self.get(item_id)

    def request_time(self, item_id: int, when: datetime, actor: str) -> Item:
        """A time asked for before approval (an imported row's time): planning keeps it once approved."""
        item = self.get(item_id)
        if item.state in rules.TIME_FIXED:
            raise TransitionError(f"item {item_id} is '{item.state}'; its time can no longer change.",
                                  field="state", fix="create a new draft instead.")
        when = when.astimezone(UTC)
        with self.store.transaction() as conn:
            self.store.update_item(conn, item_id, scheduled_at=when, pinned=True, updated_at=now_utc())
            self.store.log(conn, item_id, actor, "time requested", at=when.isoformat())
        return self.get(item_id)

    def claim_for_publishing(self, item: Item, actor: str, now: datetime | None = None) -> bool:
        """Take a due item to publish `item` as read: False when a second publisher took it, or since it was
        read it was edited, re-approved at another revision, moved later or unscheduled. One UPDATE checks the
        state, that `item.revision` is both the current and the approved revision, and the time."""
        moment = (now or now_utc()).astimezone(UTC)
        key = self.idempotency_key(item)
        with self.store.transaction() as conn:
            taken = self.store.claim(conn, item.id, item.revision, moment, key)
            if taken:
                self.store.log(conn, item.id, actor, "publishing", key=key, revision=item.revision)
            return taken

    def recover_stale(self, actor: str, older_than: timedelta = STALE_PUBLISHING) -> builtins.list[Item]:
        """Items left `publishing` longer than `older_than` (a run that was killed) go to needs_attention: the
        post may or may not be live, so a person decides (`resolve`)."""
        before = now_utc() - older_than
        recovered = []
        with self.store.transaction() as conn:
            for item_id in self.store.publishing_since(conn, before):
                if self.store.swap_stale(conn, item_id, before):
                    error = (f"publishing since before {before:%Y-%m-%d %H:%M} UTC and never finished: the run "
                             "stopped; check whether the post is live, then resolve it")
                    self.store.update_item(conn, item_id, last_error=error)
                    self.store.log(conn, item_id, actor, ItemState.NEEDS_ATTENTION.value,
                                   **{"from": ItemState.PUBLISHING}, error=error)
                    recovered.append(item_id)
        return [self.get(i) for i in recovered]

    def finish_publishing(self, item_id: int, outcome: str, actor: str, publisher: str,
                          attempts: builtins.list[str], external_id: str | None = None,
                          error: str | None = None) -> Item:
        """Record how publishing ended (`outcome`: published, failed or needs_attention) and every attempt.

        An item that is no longer `publishing` (recovered as stale, then perhaps resolved by a person) keeps
        its state: the late outcome is recorded beside it for that person."""
        with self.store.transaction() as conn:
            item = self.store.item(item_id, conn)
            if item is None:
                raise QueueError(f"no item {item_id} in the queue.", field="id")
            for n, detail in enumerate(attempts, 1):
                self.store.insert_attempt(conn, item_id, n, publisher, outcome if n == len(attempts) else "retry",
                                          detail)
            if item.state is not ItemState.PUBLISHING:
                self.store.log(conn, item_id, actor, "late outcome", outcome=outcome, state=item.state,
                               publisher=publisher, error=error, external_id=external_id)
                self.store.update_item(conn, item_id, last_error=f"a publish run that was given up on ended "
                                                                 f"'{outcome}' late: {error or external_id}")
            else:
                self._set_state(conn, item, outcome, actor, publisher=publisher, error=error,
                                external_id=external_id)
                values: dict[str, Any] = {"last_error": error}
                if outcome == ItemState.PUBLISHED:
                    values.update(published_at=now_utc(), external_id=external_id)
                self.store.update_item(conn, item_id, **values)
        return self.get(item_id)

    # -- settling what publishing could not ------------------------------------------------------

    def resolve_published(self, item_id: int, actor: str, url: str) -> Item:
        """A person checked: the post is live at `url` (or under that id)."""
        if not url.strip():
            raise QueueError("say where the post is live.", field="published",
                             fix="pass its URL (or the platform's id for it).")
        return self._resolve(item_id, actor, Resolution.PUBLISHED, published_at=now_utc(), external_id=url.strip(),
                             last_error=None)

    def resolve_retry(self, item_id: int, actor: str) -> Item:
        """A person checked: the post is not live; it goes back to `scheduled`, with the same idempotency key,
        and the next `publish --due` sends it (at once when its time has passed)."""
        return self._resolve(item_id, actor, Resolution.RETRY, last_error=None)

    def resolve_failed(self, item_id: int, actor: str, reason: str) -> Item:
        """A person gives up on this post, saying why."""
        if not reason.strip():
            raise QueueError("say why it failed.", field="fail", fix="pass a reason, e.g. --fail 'posted by hand'.")
        return self._resolve(item_id, actor, Resolution.FAIL, last_error=reason.strip())

    def _resolve(self, item_id: int, actor: str, resolution: Resolution, **values: Any) -> Item:
        item = self.get(item_id)
        target = rules.require_resolvable(item_id, item.state, resolution)
        with self.store.transaction() as conn:
            self._set_state(conn, item, target, actor, action="resolved", resolution=resolution, to=target,
                            **{k: v for k, v in values.items() if k in ("external_id", "last_error")})
            self.store.update_item(conn, item_id, updated_at=now_utc(), **values)
        return self.get(item_id)


def _changed(item_id: int) -> QueueError:
    return QueueError(f"item {item_id} changed state while you were working on it.", field="state",
                      fix="reload it and try again.")
