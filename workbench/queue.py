"""The approval queue: drafts under review, every edit a revision, every action in the audit log.

SQLAlchemy Core over one SQLite file in the workspace by default (WAL, busy timeout), or PostgreSQL by
URL for a team. The schema comes from numbered migrations recorded in `schema_migrations`.
An edit names the revision the editor started from; if someone saved in between, the edit is refused
with `EditConflict`, nothing is overwritten, and the refused text is kept in `conflicts`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.exc import OperationalError

from .drafts import Draft
from .errors import WorkbenchError
from .platforms import Problem

STATES = ("draft", "in_review", "approved", "changes_requested", "rejected", "scheduled", "publishing",
          "published", "failed", "needs_attention")
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"in_review"}),
    "in_review": frozenset({"approved", "changes_requested", "rejected"}),
    "changes_requested": frozenset({"in_review"}),
    "rejected": frozenset(),
    "approved": frozenset({"scheduled", "in_review"}),
    "scheduled": frozenset({"publishing", "approved", "in_review"}),
    "publishing": frozenset({"published", "failed", "needs_attention"}),
    "failed": frozenset({"scheduled", "in_review"}),
    "needs_attention": frozenset({"published", "scheduled", "failed"}),
    "published": frozenset(),
}
EDITABLE = frozenset({"draft", "in_review", "changes_requested", "approved", "scheduled", "failed"})
PROMOTIONAL_CTAS = ("link", "signup")


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


# ---------------------------------------------------------------------------------------------
# Schema, as numbered migrations

metadata = MetaData()
schema_migrations = Table("schema_migrations", metadata,
                          Column("version", Integer, primary_key=True),
                          Column("name", String(200), nullable=False),
                          Column("applied_at", DateTime(timezone=True), nullable=False))
items = Table("items", metadata,
              Column("id", Integer, primary_key=True, autoincrement=True),
              Column("source_key", String(64), nullable=False, unique=True),
              Column("pillar", Text, nullable=False),
              Column("pillar_hash", Text, nullable=False),
              Column("brand", String(200), nullable=False),
              Column("platform", String(40), nullable=False, index=True),
              Column("variant", Integer, nullable=False, default=0),
              Column("state", String(30), nullable=False, index=True),
              Column("current_revision", Integer, nullable=False),
              Column("score", Integer, nullable=True, index=True),
              Column("problems", Integer, nullable=False, default=0),
              Column("promotional", Boolean, nullable=False, default=False),
              Column("draft", JSON, nullable=False),
              Column("created_at", DateTime(timezone=True), nullable=False),
              Column("updated_at", DateTime(timezone=True), nullable=False),
              # migration 2
              Column("scheduled_at", DateTime(timezone=True), nullable=True, index=True),
              Column("pinned", Boolean, nullable=False, default=False),
              Column("idempotency_key", String(80), nullable=True, unique=True),
              Column("published_at", DateTime(timezone=True), nullable=True),
              Column("external_id", Text, nullable=True),
              Column("last_error", Text, nullable=True))
revisions = Table("revisions", metadata,
                  Column("id", Integer, primary_key=True, autoincrement=True),
                  Column("item_id", Integer, ForeignKey("items.id"), nullable=False, index=True),
                  Column("number", Integer, nullable=False),
                  Column("author", String(200), nullable=False),
                  Column("created_at", DateTime(timezone=True), nullable=False),
                  Column("parts", JSON, nullable=False),
                  Column("title", Text, nullable=True),
                  Column("problems", JSON, nullable=False),
                  Column("score", JSON, nullable=True),
                  UniqueConstraint("item_id", "number", name="uq_revision_number"))
comments = Table("comments", metadata,
                 Column("id", Integer, primary_key=True, autoincrement=True),
                 Column("item_id", Integer, ForeignKey("items.id"), nullable=False, index=True),
                 Column("author", String(200), nullable=False),
                 Column("created_at", DateTime(timezone=True), nullable=False),
                 Column("body", Text, nullable=False))
audit = Table("audit", metadata,
              Column("id", Integer, primary_key=True, autoincrement=True),
              Column("item_id", Integer, ForeignKey("items.id"), nullable=True, index=True),
              Column("actor", String(200), nullable=False),
              Column("action", String(40), nullable=False),
              Column("detail", JSON, nullable=False),
              Column("created_at", DateTime(timezone=True), nullable=False))
conflicts = Table("conflicts", metadata,
                  Column("id", Integer, primary_key=True, autoincrement=True),
                  Column("item_id", Integer, ForeignKey("items.id"), nullable=False, index=True),
                  Column("author", String(200), nullable=False),
                  Column("base_revision", Integer, nullable=False),
                  Column("current_revision", Integer, nullable=False),
                  Column("parts", JSON, nullable=False),
                  Column("title", Text, nullable=True),
                  Column("created_at", DateTime(timezone=True), nullable=False))
publish_attempts = Table("publish_attempts", metadata,
                         Column("id", Integer, primary_key=True, autoincrement=True),
                         Column("item_id", Integer, ForeignKey("items.id"), nullable=False, index=True),
                         Column("attempt", Integer, nullable=False),
                         Column("publisher", String(40), nullable=False),
                         Column("outcome", String(30), nullable=False),
                         Column("detail", Text, nullable=False),
                         Column("created_at", DateTime(timezone=True), nullable=False))

_V1_ITEM_COLUMNS = ("id", "source_key", "pillar", "pillar_hash", "brand", "platform", "variant", "state",
                    "current_revision", "score", "problems", "promotional", "draft", "created_at", "updated_at")
_V2_ITEM_COLUMNS = ("scheduled_at", "pinned", "idempotency_key", "published_at", "external_id", "last_error")


def _m1_review(conn: Connection) -> None:
    """Items, revisions, comments, audit log, conflicts."""
    v1 = Table("items", MetaData(), *[c._copy() for c in items.columns if c.name in _V1_ITEM_COLUMNS])
    v1.create(conn)
    for table in (revisions, comments, audit, conflicts):
        table.create(conn)


def _m2_schedule_and_publish(conn: Connection) -> None:
    """Schedule and publish columns on items; publish attempts."""
    dialect = conn.dialect
    for name in _V2_ITEM_COLUMNS:
        column = items.c[name]
        ddl = column.type.compile(dialect=dialect)
        default = " DEFAULT FALSE NOT NULL" if name == "pinned" else ""
        conn.exec_driver_sql(f"ALTER TABLE items ADD COLUMN {name} {ddl}{default}")
    conn.exec_driver_sql("CREATE UNIQUE INDEX ix_items_idempotency_key ON items (idempotency_key)")
    conn.exec_driver_sql("CREATE INDEX ix_items_scheduled_at ON items (scheduled_at)")
    publish_attempts.create(conn)


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "review: items, revisions, comments, audit, conflicts", _m1_review),
    (2, "schedule and publish", _m2_schedule_and_publish),
]


def now_utc() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes: they were stored in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


# ---------------------------------------------------------------------------------------------

@dataclass
class Item:
    id: int
    pillar: str
    brand: str
    platform: str
    variant: int
    state: str
    revision: int
    draft: Draft
    score: int | None
    problems: list[Problem]
    promotional: bool
    created_at: datetime
    updated_at: datetime
    scheduled_at: datetime | None = None
    pinned: bool = False
    idempotency_key: str | None = None
    published_at: datetime | None = None
    external_id: str | None = None
    last_error: str | None = None

    @property
    def text(self) -> str:
        return self.draft.text

    @property
    def blocking(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


@dataclass
class Revision:
    number: int
    author: str
    created_at: datetime
    parts: list[str]
    title: str | None
    problems: list[dict[str, Any]] = field(default_factory=list)
    score: dict[str, Any] | None = None


def default_url(workspace: Path | None = None) -> str:
    path = (workspace or Path.cwd()) / ".workbench" / "queue.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


class Queue:
    """The review queue. `rescore(draft, brand) -> (problems, score)` re-checks every revision."""

    def __init__(self, url: str | None = None, workspace: Path | None = None,
                 rescore: Callable[[Draft, str], tuple[list[Problem], dict[str, Any] | None]] | None = None,
                 ) -> None:
        self.url = url or default_url(workspace)
        self.workspace = workspace or Path.cwd()
        self.engine: Engine = self._connect(self.url)
        self.rescore = rescore or self._default_rescore
        self.migrate()

    @staticmethod
    def _connect(url: str) -> Engine:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": 30})

            @event.listens_for(engine, "connect")
            def _pragmas(dbapi_conn: Any, _: Any) -> None:
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA busy_timeout=30000")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.close()

            return engine
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return create_engine(url, pool_pre_ping=True)

    def _default_rescore(self, draft: Draft, brand: str) -> tuple[list[Problem], dict[str, Any] | None]:
        from .brand import load_brand
        from .platforms import get_platform, validate
        from .scoring import score

        spec = get_platform(draft.platform)
        problems = validate(draft, spec)
        try:
            voice = load_brand(brand, self.workspace)
        except WorkbenchError:
            return problems, None
        return problems, score(draft, voice, spec, problems=problems).to_dict()

    # -- migrations -------------------------------------------------------------------------

    def migrate(self) -> list[int]:
        """Apply the migrations not yet recorded, in order, each in its own transaction."""
        applied: list[int] = []
        with self._tx() as conn:
            if not inspect(conn).has_table("schema_migrations"):
                schema_migrations.create(conn)
        for number, name, step in MIGRATIONS:
            with self._tx() as conn:
                done = conn.execute(select(schema_migrations.c.version)
                                    .where(schema_migrations.c.version == number)).first()
                if done:
                    continue
                step(conn)
                conn.execute(insert(schema_migrations).values(version=number, name=name, applied_at=now_utc()))
                applied.append(number)
        return applied

    def migrations(self) -> list[tuple[int, str]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(schema_migrations.c.version, schema_migrations.c.name)
                                .order_by(schema_migrations.c.version))
            return [(r.version, r.name) for r in rows]

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except OperationalError as exc:
            raise QueueError(f"the queue database is not available: {str(exc.orig)[:200]}.", path=self.url,
                             fix="check the database URL, or that no other program holds the SQLite file.") from None

    # -- reading ------------------------------------------------------------------------------

    def _item(self, row: Any) -> Item:
        draft = Draft.from_dict(row.draft)
        return Item(id=row.id, pillar=row.pillar, brand=row.brand, platform=row.platform, variant=row.variant,
                    state=row.state, revision=row.current_revision, draft=draft, score=row.score,
                    problems=draft.problems, promotional=bool(row.promotional),
                    created_at=_aware(row.created_at), updated_at=_aware(row.updated_at),
                    scheduled_at=_aware(row.scheduled_at), pinned=bool(row.pinned),
                    idempotency_key=row.idempotency_key, published_at=_aware(row.published_at),
                    external_id=row.external_id, last_error=row.last_error)

    def get(self, item_id: int) -> Item:
        with self.engine.connect() as conn:
            row = conn.execute(select(items).where(items.c.id == item_id)).first()
        if row is None:
            raise QueueError(f"no item {item_id} in the queue.", field="id", fix="see `workbench queue list`.")
        return self._item(row)

    def list(self, state: str | None = None, platform: str | None = None, brand: str | None = None,
             min_score: int | None = None, max_score: int | None = None, limit: int | None = None,
             offset: int = 0) -> list[Item]:
        query = select(items)
        if state:
            if state not in STATES:
                raise QueueError(f"unknown state '{state}'.", field="state", fix=f"use one of: {', '.join(STATES)}.")
            query = query.where(items.c.state == state)
        if platform:
            query = query.where(items.c.platform == platform)
        if brand:
            query = query.where(items.c.brand == brand)
        if min_score is not None:
            query = query.where(items.c.score >= min_score)
        if max_score is not None:
            query = query.where(items.c.score <= max_score)
        query = query.order_by(items.c.id).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [self._item(r) for r in conn.execute(query)]

    def count(self, state: str | None = None) -> int:
        query = select(func.count()).select_from(items)
        if state:
            query = query.where(items.c.state == state)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def revisions(self, item_id: int) -> list[Revision]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(revisions).where(revisions.c.item_id == item_id)
                                .order_by(revisions.c.number))
            return [Revision(r.number, r.author, _aware(r.created_at), r.parts, r.title, r.problems, r.score)
                    for r in rows]

    def comments(self, item_id: int) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(comments).where(comments.c.item_id == item_id).order_by(comments.c.id))
            return [{"author": r.author, "at": _aware(r.created_at), "body": r.body} for r in rows]

    def audit_log(self, item_id: int | None = None) -> list[dict[str, Any]]:
        query = select(audit).order_by(audit.c.id)
        if item_id is not None:
            query = query.where(audit.c.item_id == item_id)
        with self.engine.connect() as conn:
            return [{"item": r.item_id, "actor": r.actor, "action": r.action, "detail": r.detail,
                     "at": _aware(r.created_at)} for r in conn.execute(query)]

    def conflicts(self, item_id: int) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(conflicts).where(conflicts.c.item_id == item_id).order_by(conflicts.c.id))
            return [{"author": r.author, "base_revision": r.base_revision, "current_revision": r.current_revision,
                     "parts": r.parts, "title": r.title, "at": _aware(r.created_at)} for r in rows]

    # -- writing ------------------------------------------------------------------------------

    @staticmethod
    def _log(conn: Connection, item_id: int | None, actor: str, action: str, **detail: Any) -> None:
        conn.execute(insert(audit).values(item_id=item_id, actor=actor, action=action,
                                          detail=json.loads(json.dumps(detail, default=str)),
                                          created_at=now_utc()))

    def add(self, draft: Draft, pillar: str, brand: str, author: str = "repurpose",
            state: str = "in_review") -> Item | None:
        """Put a draft in the queue; None when this exact draft is already there (a re-run)."""
        text = json.dumps([draft.platform, draft.variant, draft.parts, draft.title], ensure_ascii=False)
        key = hashlib.sha256(f"{draft.provenance.pillar_hash}|{brand}|{text}".encode()).hexdigest()
        now = now_utc()
        promotional = bool(draft.cta and draft.cta.kind in PROMOTIONAL_CTAS)
        with self._tx() as conn:
            if conn.execute(select(items.c.id).where(items.c.source_key == key)).first():
                return None
            item_id = conn.execute(insert(items).values(
                source_key=key, pillar=pillar, pillar_hash=draft.provenance.pillar_hash or "", brand=brand,
                platform=draft.platform, variant=draft.variant, state=state, current_revision=1,
                score=(draft.score or {}).get("overall"), problems=len(draft.problems), promotional=promotional,
                draft=draft.to_dict(), created_at=now, updated_at=now, pinned=False)).inserted_primary_key[0]
            conn.execute(insert(revisions).values(item_id=item_id, number=1, author=author, created_at=now,
                                                  parts=draft.parts, title=draft.title,
                                                  problems=[p.to_dict() for p in draft.problems], score=draft.score))
            self._log(conn, item_id, author, "created", state=state, platform=draft.platform, pillar=pillar)
        return self.get(item_id)

    def _set_state(self, conn: Connection, item: Item, new: str, actor: str, **detail: Any) -> None:
        if new not in TRANSITIONS.get(item.state, frozenset()):
            allowed = ", ".join(sorted(TRANSITIONS.get(item.state, frozenset()))) or "none (final)"
            raise TransitionError(f"item {item.id} is '{item.state}'; it cannot become '{new}'.", field="state",
                                  fix=f"from '{item.state}' it can become: {allowed}.")
        result = conn.execute(update(items).where(items.c.id == item.id, items.c.state == item.state)
                              .values(state=new, updated_at=now_utc()))
        if result.rowcount != 1:
            raise QueueError(f"item {item.id} changed state while you were working on it.", field="state",
                             fix="reload it and try again.")
        self._log(conn, item.id, actor, new if new != "in_review" else "submitted", **{"from": item.state}, **detail)

    def transition(self, item_id: int, new: str, actor: str, comment: str | None = None) -> Item:
        item = self.get(item_id)
        if new == "approved" and item.blocking:
            listed = "; ".join(p.message for p in item.blocking[:3])
            raise TransitionError(f"item {item_id} has {len(item.blocking)} platform problem(s): {listed}",
                                  field="problems", fix="edit the draft until it passes, then approve.")
        with self._tx() as conn:
            self._set_state(conn, item, new, actor, comment=comment)
            if comment:
                conn.execute(insert(comments).values(item_id=item_id, author=actor, created_at=now_utc(),
                                                     body=comment))
        return self.get(item_id)

    def approve(self, item_id: int, author: str) -> Item:
        return self.transition(item_id, "approved", author)

    def reject(self, item_id: int, author: str, comment: str | None = None) -> Item:
        return self.transition(item_id, "rejected", author, comment)

    def request_changes(self, item_id: int, author: str, comment: str) -> Item:
        if not comment.strip():
            raise QueueError("requesting changes needs a comment saying what to change.", field="comment",
                             fix="add --comment 'what to change'.")
        return self.transition(item_id, "changes_requested", author, comment)

    def comment(self, item_id: int, author: str, body: str) -> None:
        self.get(item_id)
        with self._tx() as conn:
            conn.execute(insert(comments).values(item_id=item_id, author=author, created_at=now_utc(), body=body))
            self._log(conn, item_id, author, "commented")

    def edit(self, item_id: int, parts: list[str], author: str, base_revision: int,
             title: str | None = None) -> Item:
        """A new revision from `base_revision`, re-validated and re-scored; a stale base is a conflict."""
        item = self.get(item_id)
        if item.state not in EDITABLE:
            raise TransitionError(f"item {item_id} is '{item.state}' and can no longer be edited.", field="state",
                                  fix="create a new draft instead.")
        draft = Draft.from_dict(item.draft.to_dict())
        draft.parts = [p for p in parts if p.strip()] or [""]
        draft.title = title if title is not None else draft.title
        draft.problems, draft.score = self.rescore(draft, item.brand)
        now = now_utc()
        with self._tx() as conn:
            new_number = base_revision + 1
            swapped = conn.execute(update(items).where(items.c.id == item_id,
                                                       items.c.current_revision == base_revision)
                                   .values(current_revision=new_number, draft=draft.to_dict(),
                                           score=(draft.score or {}).get("overall"), problems=len(draft.problems),
                                           updated_at=now)).rowcount
            if swapped != 1:
                current = conn.execute(select(items.c.current_revision).where(items.c.id == item_id)).scalar_one()
                conn.execute(insert(conflicts).values(item_id=item_id, author=author, base_revision=base_revision,
                                                      current_revision=current, parts=draft.parts,
                                                      title=draft.title, created_at=now))
                self._log(conn, item_id, author, "conflict", base_revision=base_revision, current_revision=current)
                conflict = (base_revision, current)
            else:
                conflict = None
                conn.execute(insert(revisions).values(item_id=item_id, number=new_number, author=author,
                                                      created_at=now, parts=draft.parts, title=draft.title,
                                                      problems=[p.to_dict() for p in draft.problems],
                                                      score=draft.score))
                self._log(conn, item_id, author, "edited", revision=new_number, problems=len(draft.problems))
                if item.state in ("approved", "scheduled", "changes_requested", "failed", "draft"):
                    # an approved text that changes needs a new approval
                    item_now = self._item(conn.execute(select(items).where(items.c.id == item_id)).one())
                    self._set_state(conn, item_now, "in_review", author, reason="edited")
                    conn.execute(update(items).where(items.c.id == item_id)
                                 .values(scheduled_at=None if not item.pinned else items.c.scheduled_at))
        if conflict:
            theirs = self.get(item_id).draft.parts
            raise EditConflict(item_id, conflict[0], conflict[1], theirs, draft.parts)
        return self.get(item_id)

    # -- scheduling and publishing (used by schedule.py and publish/) -----------------------

    def set_schedule(self, item_id: int, when: datetime, actor: str, pinned: bool = False) -> Item:
        item = self.get(item_id)
        when = when.astimezone(UTC)
        key = item.idempotency_key or f"wb-{item.id}-r{item.revision}"
        with self._tx() as conn:
            if item.state == "approved":
                self._set_state(conn, item, "scheduled", actor, at=when.isoformat(), pinned=pinned)
            elif item.state != "scheduled":
                raise TransitionError(f"item {item_id} is '{item.state}'; only approved items are scheduled.",
                                      field="state", fix="approve it first.")
            else:
                self._log(conn, item_id, actor, "moved", at=when.isoformat(), pinned=pinned)
            conn.execute(update(items).where(items.c.id == item_id)
                         .values(scheduled_at=when, pinned=pinned, idempotency_key=key, updated_at=now_utc()))
        return self.get(item_id)

    def request_time(self, item_id: int, when: datetime, actor: str) -> Item:
        """A time asked for before approval (an imported row's time): planning keeps it once approved."""
        item = self.get(item_id)
        if item.state in ("publishing", "published", "rejected"):
            raise TransitionError(f"item {item_id} is '{item.state}'; its time can no longer change.",
                                  field="state", fix="create a new draft instead.")
        with self._tx() as conn:
            conn.execute(update(items).where(items.c.id == item_id)
                         .values(scheduled_at=when.astimezone(UTC), pinned=True, updated_at=now_utc()))
            self._log(conn, item_id, actor, "time requested", at=when.astimezone(UTC).isoformat())
        return self.get(item_id)

    def claim_for_publishing(self, item: Item, actor: str) -> bool:
        """Atomically take a scheduled item: a second publisher running at once gets False."""
        with self._tx() as conn:
            taken = conn.execute(update(items).where(items.c.id == item.id, items.c.state == "scheduled")
                                 .values(state="publishing", updated_at=now_utc())).rowcount
            if taken == 1:
                self._log(conn, item.id, actor, "publishing", key=item.idempotency_key)
            return taken == 1

    def finish_publishing(self, item_id: int, outcome: str, actor: str, publisher: str, attempts: list[str],
                          external_id: str | None = None, error: str | None = None) -> Item:
        item = self.get(item_id)
        with self._tx() as conn:
            for n, detail in enumerate(attempts, 1):
                conn.execute(insert(publish_attempts).values(item_id=item_id, attempt=n, publisher=publisher,
                                                             outcome=outcome if n == len(attempts) else "retry",
                                                             detail=detail, created_at=now_utc()))
            self._set_state(conn, item, outcome, actor, publisher=publisher, error=error, external_id=external_id)
            values: dict[str, Any] = {"last_error": error}
            if outcome == "published":
                values.update(published_at=now_utc(), external_id=external_id)
            conn.execute(update(items).where(items.c.id == item_id).values(**values))
        return self.get(item_id)

    def due(self, now: datetime | None = None) -> list[Item]:
        moment = (now or now_utc()).astimezone(UTC)
        with self.engine.connect() as conn:
            rows = conn.execute(select(items).where(items.c.state == "scheduled", items.c.scheduled_at <= moment)
                                .order_by(items.c.scheduled_at, items.c.id))
            return [self._item(r) for r in rows]
