"""The queue's SQL: the tables as they are now, and every read and write, with no rules of its own.

SQLAlchemy Core over one SQLite file in the workspace by default (WAL and a busy timeout, so the CLI,
a notebook and a cron publisher can share it), or PostgreSQL by URL (psycopg) for a team. The schema
itself is built by `migrations.py`; these definitions only describe it for queries, so a column added
here needs a migration that adds it.

Writes take the connection of a transaction the caller opened, so one action's changes (a new
revision, its state change, its audit entry) land together or not at all.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ColumnElement,
    Connection,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    Row,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.exc import OperationalError

from ..drafts import Draft, Problem
from ..rubric import Defect
from . import migrations
from .rules import ItemState, QueueError, SortKey

metadata = MetaData()
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
              Column("scheduled_at", DateTime(timezone=True), nullable=True, index=True),
              Column("pinned", Boolean, nullable=False, default=False),
              Column("idempotency_key", String(80), nullable=True, unique=True),
              Column("published_at", DateTime(timezone=True), nullable=True),
              Column("external_id", Text, nullable=True),
              Column("last_error", Text, nullable=True),
              Column("approved_revision", Integer, nullable=True))
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

workspace = Table("workspace", metadata,
                  Column("id", Integer, primary_key=True, autoincrement=False),
                  Column("uuid", String(36), nullable=False),
                  Column("created_at", DateTime(timezone=True), nullable=False))


def now_utc() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes: they were stored in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _maybe_aware(value: datetime | None) -> datetime | None:
    return None if value is None else _aware(value)


def default_url(workspace: Path | None = None) -> str:
    path = (workspace or Path.cwd()) / ".workbench" / "queue.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


@dataclass
class Item:
    id: int
    pillar: str
    brand: str
    platform: str
    variant: int
    state: ItemState
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
    approved_revision: int | None = None  # the revision a reviewer approved: what publishing may send

    @property
    def text(self) -> str:
        return self.draft.text

    @property
    def blocking(self) -> list[Problem]:
        """The problems that keep it from being approved."""
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


def _item(row: Row[Any]) -> Item:
    draft = Draft.from_dict(row.draft)
    return Item(id=row.id, pillar=row.pillar, brand=row.brand, platform=row.platform, variant=row.variant,
                state=ItemState(row.state), revision=row.current_revision, draft=draft, score=row.score,
                problems=draft.problems, promotional=bool(row.promotional),
                created_at=_aware(row.created_at), updated_at=_aware(row.updated_at),
                scheduled_at=_maybe_aware(row.scheduled_at), pinned=bool(row.pinned),
                idempotency_key=row.idempotency_key, published_at=_maybe_aware(row.published_at),
                external_id=row.external_id, last_error=row.last_error, approved_revision=row.approved_revision)


_BUSY_SECONDS = 30  # how long a SQLite statement waits for another process's lock before it gives up


def _use_wal(cursor: Any) -> None:
    """Put the file in WAL mode (it stays so), waiting for other processes like any statement does.

    Switching the journal mode takes an exclusive lock and, unlike other statements, fails at once
    with "database is locked" instead of calling the busy handler when another process is switching
    too (eight processes opening a fresh queue together: one run in five lost a process). So: nothing
    to do when the file is already in WAL mode, else retry with a growing pause until the deadline."""
    deadline = time.monotonic() + _BUSY_SECONDS
    pause = 0.005
    while True:
        try:
            if str(cursor.execute("PRAGMA journal_mode").fetchall()[0][0]).lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL").fetchall()  # in memory it stays "memory": fine
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
        if time.monotonic() + pause > deadline:
            raise sqlite3.OperationalError("database is locked (could not switch it to WAL mode)")
        time.sleep(pause)
        pause = min(pause * 2, 0.25)


def _connect(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": _BUSY_SECONDS})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout={_BUSY_SECONDS * 1000}")
            _use_wal(cur)
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return create_engine(url, pool_pre_ping=True)


class Store:
    """One queue database. Reads open their own connection; writes run in the caller's `transaction()`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _connect(url)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self._available(), self.engine.begin() as conn:
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._available(), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _available(self) -> Iterator[None]:
        try:
            yield
        except OperationalError as exc:
            raise QueueError(f"the queue database is not available: {str(exc.orig)[:200]}.", path=self.url,
                             fix="check the database URL, or that no other program holds the SQLite file.") from None


    def migrations(self) -> list[tuple[int, str]]:
        with self._read() as conn:
            return migrations.recorded(conn)

    # -- reading ------------------------------------------------------------------------------

    def workspace_id(self) -> str:
        """The id migration 4 made for this queue database, once."""
        with self._read() as conn:
            return str(conn.execute(select(workspace.c.uuid).where(workspace.c.id == 1)).scalar_one())

    def item(self, item_id: int, conn: Connection | None = None) -> Item | None:
        """The item as it is now; inside a transaction with its `conn`."""
        query = select(items).where(items.c.id == item_id)
        if conn is not None:
            row = conn.execute(query).first()
        else:
            with self._read() as own:
                row = own.execute(query).first()
        return None if row is None else _item(row)

    def items(self, state: ItemState | None = None, platform: str | None = None, brand: str | None = None,
              min_score: int | None = None, max_score: int | None = None, limit: int | None = None,
              offset: int = 0, code: Defect | None = None, sort: SortKey = SortKey.ID,
              descending: bool = False) -> list[Item]:
        query = select(items)
        if code is not None:
            query = query.where(self._has_defect(code))
        if state is not None:
            query = query.where(items.c.state == state.value)
        if platform:
            query = query.where(items.c.platform == platform)
        if brand:
            query = query.where(items.c.brand == brand)
        if min_score is not None:
            query = query.where(items.c.score >= min_score)
        if max_score is not None:
            query = query.where(items.c.score <= max_score)
        column = {SortKey.ID: items.c.id, SortKey.SCORE: items.c.score, SortKey.STATE: items.c.state,
                  SortKey.PLATFORM: items.c.platform, SortKey.SCHEDULED: items.c.scheduled_at,
                  SortKey.UPDATED: items.c.updated_at}[sort]
        order = column.desc() if descending else column.asc()
        # the same order on SQLite and PostgreSQL (they disagree on where NULL goes), ties by id
        query = query.order_by(order.nulls_last(), items.c.id).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self._read() as conn:
            return [_item(r) for r in conn.execute(query)]

    def _has_defect(self, code: Defect) -> ColumnElement[bool]:
        """The item's current score lists `code` among its defects (`draft.score.defects`, a JSON array).

        Read from the stored draft, so items scored before the rubric (no `defects`) simply never match.
        SQLite: `json_each` over the array; PostgreSQL: `json_array_elements_text` (the column is `json`)."""
        if self.engine.dialect.name == "postgresql":
            codes = func.json_array_elements_text(items.c.draft["score"]["defects"]).column_valued("code")
            return exists(select(literal(1)).where(codes == code.value))
        each = func.json_each(items.c.draft, "$.score.defects").table_valued("value")
        return exists(select(literal(1)).select_from(each).where(each.c.value == code.value))

    def count(self, state: str | None = None) -> int:
        query = select(func.count()).select_from(items)
        if state:
            query = query.where(items.c.state == state)
        with self._read() as conn:
            return int(conn.execute(query).scalar_one())

    def due(self, moment: datetime) -> list[Item]:
        with self._read() as conn:
            rows = conn.execute(select(items).where(items.c.state == ItemState.SCHEDULED.value,
                                                    items.c.scheduled_at <= moment)
                                .order_by(items.c.scheduled_at, items.c.id))
            return [_item(r) for r in rows]

    def revisions(self, item_id: int) -> list[Revision]:
        with self._read() as conn:
            rows = conn.execute(select(revisions).where(revisions.c.item_id == item_id)
                                .order_by(revisions.c.number))
            return [Revision(r.number, r.author, _aware(r.created_at), r.parts, r.title, r.problems, r.score)
                    for r in rows]

    def comments(self, item_id: int) -> list[dict[str, Any]]:
        with self._read() as conn:
            rows = conn.execute(select(comments).where(comments.c.item_id == item_id).order_by(comments.c.id))
            return [{"author": r.author, "at": _aware(r.created_at), "body": r.body} for r in rows]

    def audit_log(self, item_id: int | None = None) -> list[dict[str, Any]]:
        query = select(audit).order_by(audit.c.id)
        if item_id is not None:
            query = query.where(audit.c.item_id == item_id)
        with self._read() as conn:
            return [{"item": r.item_id, "actor": r.actor, "action": r.action, "detail": r.detail,
                     "at": _aware(r.created_at)} for r in conn.execute(query)]

    def conflicts(self, item_id: int) -> list[dict[str, Any]]:
        with self._read() as conn:
            rows = conn.execute(select(conflicts).where(conflicts.c.item_id == item_id).order_by(conflicts.c.id))
            return [{"author": r.author, "base_revision": r.base_revision, "current_revision": r.current_revision,
                     "parts": r.parts, "title": r.title, "at": _aware(r.created_at)} for r in rows]

    # -- writing, inside a transaction ------------------------------------------------------------

    @staticmethod
    def has_source(conn: Connection, source_key: str) -> bool:
        return conn.execute(select(items.c.id).where(items.c.source_key == source_key)).first() is not None

    @staticmethod
    def insert_item(conn: Connection, source_key: str, pillar: str, brand: str, state: ItemState, draft: Draft,
                    promotional: bool, now: datetime) -> int:
        result = conn.execute(insert(items).values(
            source_key=source_key, pillar=pillar, pillar_hash=draft.provenance.pillar_hash or "", brand=brand,
            platform=draft.platform, variant=draft.variant, state=state.value, current_revision=1,
            score=(draft.score or {}).get("overall"), problems=len(draft.problems), promotional=promotional,
            draft=draft.to_dict(), created_at=now, updated_at=now, pinned=False))
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    @staticmethod
    def insert_revision(conn: Connection, item_id: int, number: int, author: str, draft: Draft,
                        now: datetime) -> None:
        conn.execute(insert(revisions).values(item_id=item_id, number=number, author=author, created_at=now,
                                              parts=draft.parts, title=draft.title,
                                              problems=[p.to_dict() for p in draft.problems], score=draft.score))

    @staticmethod
    def swap_revision(conn: Connection, item_id: int, base: int, draft: Draft, now: datetime,
                      editable: Iterable[ItemState]) -> bool:
        """Make `draft` revision base + 1, only if the item is still at `base` (the edit conflict check) and in
        an `editable` state (not taken for publishing meanwhile)."""
        result = conn.execute(update(items).where(items.c.id == item_id, items.c.current_revision == base,
                                                  items.c.state.in_([s.value for s in editable]))
                              .values(current_revision=base + 1, draft=draft.to_dict(),
                                      score=(draft.score or {}).get("overall"), problems=len(draft.problems),
                                      updated_at=now))
        return result.rowcount == 1

    @staticmethod
    def state(conn: Connection, item_id: int) -> ItemState:
        return ItemState(conn.execute(select(items.c.state).where(items.c.id == item_id)).scalar_one())

    @staticmethod
    def current_revision(conn: Connection, item_id: int) -> int:
        return int(conn.execute(select(items.c.current_revision).where(items.c.id == item_id)).scalar_one())

    @staticmethod
    def insert_conflict(conn: Connection, item_id: int, author: str, base: int, current: int, draft: Draft,
                        now: datetime) -> None:
        conn.execute(insert(conflicts).values(item_id=item_id, author=author, base_revision=base,
                                              current_revision=current, parts=draft.parts, title=draft.title,
                                              created_at=now))

    @staticmethod
    def swap_state(conn: Connection, item_id: int, old: ItemState, new: ItemState) -> bool:
        """Move the item from `old` to `new`, only if it is still `old` (two people acting at once)."""
        result = conn.execute(update(items).where(items.c.id == item_id, items.c.state == old.value)
                              .values(state=new.value, updated_at=now_utc()))
        return result.rowcount == 1

    @staticmethod
    def approve(conn: Connection, item_id: int, old: ItemState, revision: int) -> bool:
        """Approve `revision`, only if the item is still `old` and `revision` is still its text: an edit saved
        in between makes this change nothing."""
        result = conn.execute(update(items).where(items.c.id == item_id, items.c.state == old.value,
                                                  items.c.current_revision == revision)
                              .values(state=ItemState.APPROVED.value, approved_revision=revision,
                                      updated_at=now_utc()))
        return result.rowcount == 1

    @staticmethod
    def claim(conn: Connection, item_id: int, revision: int, moment: datetime, key: str) -> bool:
        """Take the item for publishing, only if it is scheduled, due at `moment`, and `revision` (the text the
        publisher holds) is both its current and its approved revision: one statement, so nothing slips in."""
        result = conn.execute(update(items).where(items.c.id == item_id, items.c.state == ItemState.SCHEDULED.value,
                                                  items.c.current_revision == revision,
                                                  items.c.approved_revision == revision,
                                                  items.c.scheduled_at <= moment)
                              .values(state=ItemState.PUBLISHING.value, idempotency_key=key, updated_at=now_utc()))
        return result.rowcount == 1

    @staticmethod
    def publishing_since(conn: Connection, before: datetime) -> list[int]:
        """Items taken for publishing before `before` and not finished since."""
        rows = conn.execute(select(items.c.id).where(items.c.state == ItemState.PUBLISHING.value,
                                                     items.c.updated_at < before).order_by(items.c.id))
        return [int(r.id) for r in rows]

    @staticmethod
    def swap_stale(conn: Connection, item_id: int, before: datetime) -> bool:
        """Move an item publishing since before `before` to needs_attention, only if it still is."""
        result = conn.execute(update(items).where(items.c.id == item_id,
                                                  items.c.state == ItemState.PUBLISHING.value,
                                                  items.c.updated_at < before)
                              .values(state=ItemState.NEEDS_ATTENTION.value, updated_at=now_utc()))
        return result.rowcount == 1

    @staticmethod
    def update_item(conn: Connection, item_id: int, **values: Any) -> None:
        conn.execute(update(items).where(items.c.id == item_id).values(**values))

    @staticmethod
    def insert_comment(conn: Connection, item_id: int, author: str, body: str) -> None:
        conn.execute(insert(comments).values(item_id=item_id, author=author, created_at=now_utc(), body=body))

    @staticmethod
    def insert_attempt(conn: Connection, item_id: int, attempt: int, publisher: str, outcome: str,
                       detail: str) -> None:
        conn.execute(insert(publish_attempts).values(item_id=item_id, attempt=attempt, publisher=publisher,
                                                     outcome=outcome, detail=detail, created_at=now_utc()))

    @staticmethod
    def log(conn: Connection, item_id: int | None, actor: str, action: str, **detail: Any) -> None:
        """One audit entry; the detail is stored as JSON (dates and enums as text)."""
        conn.execute(insert(audit).values(item_id=item_id, actor=actor, action=action,
                                          detail=json.loads(json.dumps(detail, default=str)),
                                          created_at=now_utc()))
