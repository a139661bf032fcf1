"""The queue's schema, one numbered step at a time, on SQLite and on PostgreSQL.

Each step writes out its own DDL as it was the day it shipped. The tables the queue queries
(`store.py`) grow with the product; what a step does to an old database must not, or a database
created before the change would end up with a different schema than a new one.

`schema_migrations` records the version and name of every step applied, in databases already out
there: never renumber, rename or edit a step; append a new one (`m005_...`) instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    inspect,
    select,
)
from sqlalchemy.types import TypeEngine

Step = Callable[[Connection], None]


class Migration(NamedTuple):
    version: int
    name: str  # as recorded in schema_migrations
    step: Step


MIGRATIONS: list[Migration] = []


def migration(name: str) -> Callable[[Step], Step]:
    """Append a step; its version is its place in the list, and its function name says so (`m001_`)."""

    def append(step: Step) -> Step:
        version = len(MIGRATIONS) + 1
        if not step.__name__.startswith(f"m{version:03d}_"):
            raise ValueError(f"migration {step.__name__} is number {version}: name it m{version:03d}_...")
        MIGRATIONS.append(Migration(version, name, step))
        return step

    return append


# the bookkeeping table itself is never migrated: every version of the queue reads it the same way
schema_migrations = Table("schema_migrations", MetaData(),
                          Column("version", Integer, primary_key=True),
                          Column("name", String(200), nullable=False),
                          Column("applied_at", DateTime(timezone=True), nullable=False))


@migration("review: items, revisions, comments, audit, conflicts")
def m001_review(conn: Connection) -> None:
    """Items under review, every revision of their text, comments, the audit log and refused edits."""
    md = MetaData()
    Table("items", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("source_key", String(64), nullable=False, unique=True),
          Column("pillar", Text, nullable=False),
          Column("pillar_hash", Text, nullable=False),
          Column("brand", String(200), nullable=False),
          Column("platform", String(40), nullable=False, index=True),
          Column("variant", Integer, nullable=False),
          Column("state", String(30), nullable=False, index=True),
          Column("current_revision", Integer, nullable=False),
          Column("score", Integer, nullable=True, index=True),
          Column("problems", Integer, nullable=False),
          Column("promotional", Boolean, nullable=False),
          Column("draft", JSON, nullable=False),
          Column("created_at", DateTime(timezone=True), nullable=False),
          Column("updated_at", DateTime(timezone=True), nullable=False))
    Table("revisions", md,
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
    Table("comments", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("item_id", Integer, ForeignKey("items.id"), nullable=False, index=True),
          Column("author", String(200), nullable=False),
          Column("created_at", DateTime(timezone=True), nullable=False),
          Column("body", Text, nullable=False))
    Table("audit", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("item_id", Integer, ForeignKey("items.id"), nullable=True, index=True),
          Column("actor", String(200), nullable=False),
          Column("action", String(40), nullable=False),
          Column("detail", JSON, nullable=False),
          Column("created_at", DateTime(timezone=True), nullable=False))
    Table("conflicts", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("item_id", Integer, ForeignKey("items.id"), nullable=False, index=True),
          Column("author", String(200), nullable=False),
          Column("base_revision", Integer, nullable=False),
          Column("current_revision", Integer, nullable=False),
          Column("parts", JSON, nullable=False),
          Column("title", Text, nullable=True),
          Column("created_at", DateTime(timezone=True), nullable=False))
    md.create_all(conn, checkfirst=False)


@migration("schedule and publish")
def m002_schedule_and_publish(conn: Connection) -> None:
    """When an item posts (and whether a person pinned that time), its idempotency key and publish result;
    every publish attempt."""
    columns: list[tuple[str, TypeEngine[Any], str]] = [
        ("scheduled_at", DateTime(timezone=True), ""),
        ("pinned", Boolean(), " DEFAULT FALSE NOT NULL"),  # rows already there are not pinned
        ("idempotency_key", String(80), ""),
        ("published_at", DateTime(timezone=True), ""),
        ("external_id", Text(), ""),
        ("last_error", Text(), ""),
    ]
    for name, type_, extra in columns:
        conn.exec_driver_sql(f"ALTER TABLE items ADD COLUMN {name} {type_.compile(dialect=conn.dialect)}{extra}")
    conn.exec_driver_sql("CREATE UNIQUE INDEX ix_items_idempotency_key ON items (idempotency_key)")
    conn.exec_driver_sql("CREATE INDEX ix_items_scheduled_at ON items (scheduled_at)")
    md = MetaData()
    Table("items", md, Column("id", Integer, primary_key=True))  # only what the foreign key names
    Table("publish_attempts", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("item_id", Integer, ForeignKey("items.id"), nullable=False, index=True),
          Column("attempt", Integer, nullable=False),
          Column("publisher", String(40), nullable=False),
          Column("outcome", String(30), nullable=False),
          Column("detail", Text, nullable=False),
          Column("created_at", DateTime(timezone=True), nullable=False)).create(conn)


@migration("approved revision")
def m003_approved_revision(conn: Connection) -> None:
    """The revision a reviewer approved, so publishing sends that text and nothing newer.

    Items already approved or further along were approved at their current revision (an edit sent them back
    to review), so they keep it; the rest get theirs when someone approves them."""
    conn.exec_driver_sql("ALTER TABLE items ADD COLUMN approved_revision INTEGER")
    conn.exec_driver_sql("UPDATE items SET approved_revision = current_revision WHERE state IN "
                         "('approved', 'scheduled', 'publishing', 'published', 'failed', 'needs_attention')")


@migration("workspace id")
def m004_workspace_id(conn: Connection) -> None:
    """One id for this queue, made once: it goes into every idempotency key, so two teams' item 1 differ."""
    md = MetaData()
    workspace = Table("workspace", md,
                      Column("id", Integer, primary_key=True, autoincrement=False),
                      Column("uuid", String(36), nullable=False),
                      Column("created_at", DateTime(timezone=True), nullable=False))
    workspace.create(conn)
    conn.execute(insert(workspace).values(id=1, uuid=str(uuid.uuid4()), created_at=datetime.now(UTC)))


def migrate(transaction: Callable[[], AbstractContextManager[Connection]]) -> list[int]:
    """Apply the steps not yet recorded, in order, each in its own transaction; the versions applied."""
    applied: list[int] = []
    with transaction() as conn:
        if not inspect(conn).has_table("schema_migrations"):
            schema_migrations.create(conn)
    for version, name, step in MIGRATIONS:
        with transaction() as conn:
            done = conn.execute(select(schema_migrations.c.version)
                                .where(schema_migrations.c.version == version)).first()
            if done:
                continue
            step(conn)
            conn.execute(insert(schema_migrations).values(version=version, name=name, applied_at=datetime.now(UTC)))
            applied.append(version)
    return applied


def recorded(conn: Connection) -> list[tuple[int, str]]:
    """The steps applied to this database, as it recorded them."""
    rows = conn.execute(select(schema_migrations.c.version, schema_migrations.c.name)
                        .order_by(schema_migrations.c.version))
    return [(row.version, row.name) for row in rows]
