"""A queue database as the code before the queue package (workbench/queue.py, migrations 1 and 2) built it.

The table definitions and the two migration functions are copied from that code unchanged, so tests
can check that a database created by it opens and works with the current queue, and that today's
migrations still build the same schema.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

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
    create_engine,
    insert,
)

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


MIGRATIONS = [
    (1, "review: items, revisions, comments, audit, conflicts", _m1_review),
    (2, "schedule and publish", _m2_schedule_and_publish),
]


def build(url: str) -> None:
    """The schema as the old `Queue.migrate()` left it, both migrations recorded."""
    engine = create_engine(url)
    with engine.begin() as conn:
        schema_migrations.create(conn)
    for number, name, step in MIGRATIONS:
        with engine.begin() as conn:
            step(conn)
            conn.execute(insert(schema_migrations).values(version=number, name=name, applied_at=datetime.now(UTC)))
    engine.dispose()


def add_item(url: str, draft: dict, brand: str, state: str = "in_review") -> int:
    """An item written as the old `Queue.add` wrote it (the draft as `Draft.to_dict()` gives it)."""
    text = json.dumps([draft["platform"], draft["variant"], draft["parts"], draft["title"]], ensure_ascii=False)
    key = hashlib.sha256(f"{draft['provenance']['pillar_hash']}|{brand}|{text}".encode()).hexdigest()
    now = datetime.now(UTC)
    engine = create_engine(url)
    with engine.begin() as conn:
        item_id = conn.execute(insert(items).values(
            source_key=key, pillar="old.md", pillar_hash=draft["provenance"]["pillar_hash"] or "", brand=brand,
            platform=draft["platform"], variant=draft["variant"], state=state, current_revision=1,
            score=(draft["score"] or {}).get("overall"), problems=len(draft["problems"]), promotional=False,
            draft=draft, created_at=now, updated_at=now, pinned=False)).inserted_primary_key[0]
        conn.execute(insert(revisions).values(item_id=item_id, number=1, author="old", created_at=now,
                                              parts=draft["parts"], title=draft["title"], problems=draft["problems"],
                                              score=draft["score"]))
        conn.execute(insert(audit).values(item_id=item_id, actor="old", action="created",
                                          detail={"state": state}, created_at=now))
    engine.dispose()
    return int(item_id)
