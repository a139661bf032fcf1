"""Queue speed on SQLite: operations per second (add, edit, approve), then listing and filtering as the
queue grows from 1,000 to 100,000 items; the 1,000-item time is the baseline for the growth ratio.

    python benchmarks/queue_ops.py [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert
from timing import best_of

from workbench.drafts import Draft, Provenance
from workbench.queue import Queue
from workbench.queue.store import items

PLATFORMS = ("linkedin", "x", "x_thread", "instagram", "threads", "bluesky", "mastodon", "tiktok", "facebook")
STATES = ("in_review", "approved", "changes_requested", "rejected", "scheduled", "published")


def draft(i: int) -> Draft:
    return Draft(PLATFORMS[i % len(PLATFORMS)], [f"Post number {i}: planning beats guessing. Follow us."],
                 provenance=Provenance(pillar_hash=f"bench-{i}"))


def seed(queue: Queue, start: int, stop: int) -> None:
    """Bulk rows straight into the table (seeding is not what is measured)."""
    rng = random.Random(start)
    now = datetime.now(UTC)
    rows = [{"source_key": f"seed-{i}", "pillar": "bench.md", "pillar_hash": f"seed-{i}", "brand": "b",
             "platform": PLATFORMS[i % len(PLATFORMS)], "variant": 0, "state": rng.choice(STATES),
             "current_revision": 1, "score": rng.randint(40, 100), "problems": 0, "promotional": i % 5 == 0,
             "draft": draft(i).to_dict(), "created_at": now, "updated_at": now, "pinned": False}
            for i in range(start, stop)]
    with queue.engine.begin() as conn:
        for chunk in range(0, len(rows), 5000):
            conn.execute(insert(items), rows[chunk:chunk + 5000])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        queue = Queue(f"sqlite:///{Path(tmp) / 'q.sqlite'}", workspace=Path(tmp),
                      rescore=lambda d, b: ([], {"overall": 90}))
        n = 300
        start = time.perf_counter()
        added = [queue.add(draft(10_000_000 + i), "bench.md", "b") for i in range(n)]
        add_rate = n / (time.perf_counter() - start)
        start = time.perf_counter()
        for item in added:
            queue.edit(item.id, [item.draft.parts[0] + " Edited."], "ana", base_revision=1)
        edit_rate = n / (time.perf_counter() - start)
        start = time.perf_counter()
        for item in added:
            queue.approve(item.id, "ana", 2)  # each was edited once
        approve_rate = n / (time.perf_counter() - start)
        print(f"add {add_rate:,.0f}/s, edit {edit_rate:,.0f}/s (re-score stubbed), approve {approve_rate:,.0f}/s")
        results = {}
        have = 0
        for size in sizes:
            seed(queue, have, size)
            have = size
            page = best_of(lambda: queue.list(state="in_review", platform="x", min_score=80, limit=50), runs=5)
            count = best_of(lambda: queue.count(state="approved"), runs=5)
            whole = best_of(lambda: queue.list(state="approved", platform="linkedin"), runs=3)
            results[size] = (page, count, whole)
            print(f"{size:>7,} items: filtered page of 50 {page * 1000:7.2f} ms, "
                  f"count by state {count * 1000:6.2f} ms, "
                  f"all approved LinkedIn items ({len(queue.list(state='approved', platform='linkedin'))}) "
                  f"{whole * 1000:8.1f} ms")
        base, top = results[sizes[0]], results[sizes[-1]]
        growth = {k: round(t / b, 1) for k, t, b in zip(("page", "count", "all"), top, base, strict=True)}
        print(f"growth {sizes[0]:,} -> {sizes[-1]:,} items (x{sizes[-1] // sizes[0]}): page x{growth['page']}, "
              f"count x{growth['count']}, all matches x{growth['all']}")
        print(json.dumps({"add_per_s": round(add_rate), "edit_per_s": round(edit_rate),
                          "approve_per_s": round(approve_rate), "growth": growth}))


if __name__ == "__main__":
    main()
