"""The approval queue on SQLite and on PostgreSQL: migrations, states, revisions, conflicts, audit."""

from __future__ import annotations

import inspect as pyinspect
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect

import queue_before_split
from workbench import platforms
from workbench.brand import load_brand
from workbench.config import load_settings
from workbench.drafts import CTA, Draft, Problem, Provenance
from workbench.engines import get_engine
from workbench.pillar import load_pillar
from workbench.platforms import get_platform
from workbench.queue import (
    EditConflict,
    ItemState,
    Queue,
    QueueError,
    StaleRevision,
    TransitionError,
    rules,
    store,
)
from workbench.repurpose import repurpose

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "media/samples/batch-your-content.md"


@pytest.fixture
def queue(queue_url: str, tmp_path: Path) -> Queue:
    return Queue(queue_url, workspace=tmp_path)


@pytest.fixture
def drafts() -> list[Draft]:
    pillar, brand = load_pillar(SAMPLE), load_brand("northwind-advisory")
    return repurpose(pillar, brand, [get_platform(p) for p in ("linkedin", "x", "bluesky")],
                     get_engine("extractive"))


def add_all(queue: Queue, drafts: list[Draft]) -> list:
    return [queue.add(d, str(SAMPLE), "northwind-advisory") for d in drafts]


def test_migrating_an_empty_database_gives_the_schema(queue_url: str, tmp_path: Path) -> None:
    queue = Queue(queue_url, workspace=tmp_path)
    assert queue.migrations() == [(1, "review: items, revisions, comments, audit, conflicts"),
                                  (2, "schedule and publish"), (3, "approved revision"), (4, "workspace id")]
    insp = inspect(create_engine(queue.engine.url))
    assert set(insp.get_table_names()) >= {"schema_migrations", "items", "revisions", "comments", "audit",
                                           "conflicts", "publish_attempts", "workspace"}
    columns = {c["name"] for c in insp.get_columns("items")}
    assert {"state", "current_revision", "score", "draft", "scheduled_at", "pinned", "idempotency_key",
            "published_at", "external_id", "approved_revision"} <= columns
    assert {c["name"] for c in insp.get_columns("revisions")} >= {"item_id", "number", "author", "parts", "score"}
    assert Queue(queue_url, workspace=tmp_path).migrate() == []  # a second open applies nothing


def test_add_keeps_the_draft_its_score_and_skips_a_duplicate(queue: Queue, drafts: list[Draft]) -> None:
    items = add_all(queue, drafts)
    assert [i.state for i in items] == ["in_review"] * 3
    first = queue.get(items[0].id)
    assert first.draft.parts == drafts[0].parts and first.score == drafts[0].score["overall"]
    assert first.revision == 1 and queue.revisions(first.id)[0].author == "repurpose"
    assert queue.add(drafts[0], str(SAMPLE), "northwind-advisory") is None
    assert queue.count() == 3


def test_filters(queue: Queue, drafts: list[Draft]) -> None:
    items = add_all(queue, drafts)
    queue.approve(items[1].id, "ana", 1)
    assert [i.id for i in queue.list(state="approved")] == [items[1].id]
    assert [i.platform for i in queue.list(platform="bluesky")] == ["bluesky"]
    assert queue.list(brand="other") == []
    assert len(queue.list(min_score=0)) == 3 and queue.list(min_score=101) == []
    with pytest.raises(QueueError, match="unknown state 'aproved'"):
        queue.list(state="aproved")


def test_an_invalid_transition_is_refused_and_changes_nothing(queue: Queue, drafts: list[Draft]) -> None:
    item = add_all(queue, drafts)[0]
    queue.reject(item.id, "ana", "off-topic")
    with pytest.raises(TransitionError, match="'rejected'; it cannot become 'approved'.*none \\(final\\)"):
        queue.approve(item.id, "ana", 1)
    assert queue.get(item.id).state == "rejected"
    assert [a["action"] for a in queue.audit_log(item.id)] == ["created", "rejected"]
    assert queue.comments(item.id)[0]["body"] == "off-topic"


def test_an_item_with_platform_problems_cannot_be_approved(queue: Queue, drafts: list[Draft]) -> None:
    item = add_all(queue, drafts)[2]  # bluesky
    edited = queue.edit(item.id, ["x" * 301], "bob", base_revision=1)
    assert [p.code for p in edited.problems] == ["too_long"]
    with pytest.raises(TransitionError, match="1 platform problem"):
        queue.approve(item.id, "ana", 2)
    assert queue.get(item.id).state == "in_review"


def test_every_edit_is_a_revision_rescored_and_approved_text_goes_back_to_review(queue: Queue,
                                                                                  drafts: list[Draft]) -> None:
    item = add_all(queue, drafts)[1]  # x
    queue.approve(item.id, "ana", 1)
    edited = queue.edit(item.id, ["Our game-changing plan! Read it: https://northwind.example/p"], "bob", 1)
    assert edited.revision == 2 and edited.state == "in_review"
    assert edited.score is not None and edited.score < item.score  # banned word, exclamation: re-scored
    revs = queue.revisions(item.id)
    assert [(r.number, r.author) for r in revs] == [(1, "repurpose"), (2, "bob")]
    assert revs[0].parts == drafts[1].parts  # the first text is kept
    assert [a["action"] for a in queue.audit_log(item.id)] == ["created", "approved", "edited", "submitted"]


def test_two_editors_on_one_revision_conflict_and_nothing_is_lost(queue: Queue, drafts: list[Draft],
                                                                  queue_url: str, tmp_path: Path) -> None:
    item = add_all(queue, drafts)[0]
    other = Queue(queue_url, workspace=tmp_path)  # a second editor's session
    queue.edit(item.id, ["Ana's version. Follow us for more."], "ana", base_revision=1)
    with pytest.raises(EditConflict) as exc:
        other.edit(item.id, ["Bob's version. Follow us for more."], "bob", base_revision=1)
    assert exc.value.theirs == ["Ana's version. Follow us for more."]
    assert exc.value.yours == ["Bob's version. Follow us for more."]
    assert "--base-revision 2" in str(exc.value)
    assert queue.get(item.id).draft.parts == ["Ana's version. Follow us for more."]
    kept = queue.conflicts(item.id)
    assert kept[0]["author"] == "bob" and kept[0]["parts"] == ["Bob's version. Follow us for more."]
    assert (kept[0]["base_revision"], kept[0]["current_revision"]) == (1, 2)
    merged = other.edit(item.id, ["Merged version. Follow us for more."], "bob", base_revision=2)
    assert merged.revision == 3


def test_request_changes_needs_a_comment_and_an_edit_resubmits(queue: Queue, drafts: list[Draft]) -> None:
    item = add_all(queue, drafts)[0]
    with pytest.raises(QueueError, match="needs a comment"):
        queue.request_changes(item.id, "ana", " ")
    queue.request_changes(item.id, "ana", "Open with the 23-minute figure.")
    assert queue.get(item.id).state == "changes_requested"
    resubmitted = queue.edit(item.id, ["It takes 23 minutes to refocus. Follow us for more."], "bob", 1)
    assert resubmitted.state == "in_review"
    queue.comment(item.id, "ana", "Better.")
    assert [c["body"] for c in queue.comments(item.id)] == ["Open with the 23-minute figure.", "Better."]


def test_promotional_flag_follows_the_cta(queue: Queue) -> None:
    promo = Draft("x", ["Read it: https://e.example"], cta=CTA("link", "Read it:", "https://e.example"),
                  provenance=Provenance(pillar_hash="h1"))
    value = Draft("x", ["Tell us below."], cta=CTA("comment", "Tell us below."),
                  provenance=Provenance(pillar_hash="h2"))
    assert queue.add(promo, "p", "b").promotional is True
    assert queue.add(value, "p", "b").promotional is False


def test_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(QueueError, match="queue database is not available"):
        Queue("postgresql://nobody@127.0.0.1:1/none", workspace=tmp_path)


# --- the queue guards its own rules -------------------------------------------------------------

def test_a_workspace_limit_holds_on_add_edit_and_approve(queue_url: str, tmp_path: Path) -> None:
    (tmp_path / "workbench.yaml").write_text("platforms:\n  mastodon:\n    limit: 1000\n", encoding="utf-8")
    queue = load_settings(workspace=tmp_path).queue(queue_url)
    text = ("Most teams plan their week around meetings, then wonder where the focus went. " * 9)[:619]
    item = queue.add(Draft("mastodon", [text], provenance=Provenance(pillar_hash="long")), "p", "northwind-advisory")
    assert item.problems == []
    edited = queue.edit(item.id, [text], "bob", base_revision=1)  # saved as it was
    assert edited.problems == [] and edited.revision == 2
    assert queue.approve(item.id, "ana", 2).state is ItemState.APPROVED
    assert queue.specs["mastodon"].limit == 1000  # what the scheduler reads too


def test_an_x_post_over_the_limit_enters_marked_and_is_approved_once_it_fits(queue: Queue) -> None:
    draft = Draft("x", ["Planning beats guessing. " * 24], provenance=Provenance(pillar_hash="x600"))
    assert len(draft.parts[0]) == 600 and draft.problems == []
    item = queue.add(draft, "p", "northwind-advisory")
    assert [p.code for p in item.problems] == ["too_long"] and "600/280" in item.problems[0].message
    assert [p["code"] for p in queue.revisions(item.id)[0].problems] == ["too_long"]
    with pytest.raises(TransitionError, match="1 platform problem"):
        queue.approve(item.id, "ana", 1)
    assert queue.get(item.id).state is ItemState.IN_REVIEW
    fixed = queue.edit(item.id, ["Planning beats guessing. Follow us for more."], "bob", base_revision=1)
    assert fixed.problems == []
    assert queue.approve(item.id, "ana", 2).state is ItemState.APPROVED


def test_a_new_item_starts_in_review_never_approved(queue: Queue) -> None:
    draft = Draft("x", ["Planning beats guessing. " * 24], provenance=Provenance(pillar_hash="x600"))
    with pytest.raises(TransitionError, match="cannot start as 'approved'"):
        queue.add(draft, "p", "northwind-advisory", state="approved")
    assert queue.count() == 0


def test_platform_problems_are_found_again_and_the_callers_others_are_kept(queue: Queue) -> None:
    invented = Problem("invented_number", "'42' does not appear in the pillar; use the source's figure or remove it.",
                       "numbers")
    draft = Draft("x", ["Planning beats guessing. Follow us for more."], provenance=Provenance(pillar_hash="h"),
                  problems=[Problem("too_long", "900/280 (x_weighted)"), invented],
                  score={"overall": 99, "clip": {"start": 1.0, "end": 20.0}})
    item = queue.add(draft, "p", "northwind-advisory")
    assert item.problems == [invented]  # the stale length problem is gone, the number the queue can't check stays
    assert item.score is not None and item.score != 99  # scored here, with the brand
    assert item.draft.score is not None and item.draft.score["clip"] == {"start": 1.0, "end": 20.0}
    with pytest.raises(TransitionError, match="1 platform problem"):
        queue.approve(item.id, "ana", 1)
    unscored = queue.add(Draft("x", ["Another post. Follow us."], provenance=Provenance(pillar_hash="h2")), "p",
                         "no-such-brand")
    assert unscored.problems == [] and unscored.score is None


def test_an_unknown_platform_is_refused_naming_the_known_ones(queue: Queue) -> None:
    with pytest.raises(QueueError, match="unknown platform 'myspace'.*Known platforms: linkedin, x_thread, x, "):
        queue.add(Draft("myspace", ["Hello."], provenance=Provenance(pillar_hash="m")), "p", "b")
    assert queue.count() == 0


def test_every_rule_validate_reports_is_one_the_queue_rechecks() -> None:
    reported = set(re.findall(r'Problem\(\s*"(\w+)"', pyinspect.getsource(platforms)))
    assert reported == rules.PLATFORM_RULES


# --- the schema and its history ---------------------------------------------------------------

def _schema(url: str) -> dict[str, Any]:
    engine = create_engine(url)
    insp = inspect(engine)
    found = {t: {"columns": [(c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                             for c in insp.get_columns(t)],
                 "primary key": insp.get_pk_constraint(t)["constrained_columns"],
                 "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                                   for i in insp.get_indexes(t)),
                 "unique": sorted((str(u["name"]), tuple(u["column_names"])) for u in insp.get_unique_constraints(t)),
                 "foreign keys": sorted((tuple(f["constrained_columns"]), f["referred_table"])
                                        for f in insp.get_foreign_keys(t))}
             for t in insp.get_table_names()}
    engine.dispose()
    return found


def test_the_migrations_build_the_schema_the_code_before_them_built(queue_url: str, other_queue_url: str,
                                                                    tmp_path: Path) -> None:
    """A database the old code built, upgraded by the later steps, has the schema a new one gets."""
    queue_before_split.build(queue_url)
    Queue(queue_url, workspace=tmp_path)
    Queue(other_queue_url, workspace=tmp_path)
    assert _schema(other_queue_url) == _schema(queue_url)


def test_the_tables_the_queue_queries_are_the_ones_the_migrations_build(queue_url: str, tmp_path: Path) -> None:
    Queue(queue_url, workspace=tmp_path)
    built = _schema(queue_url)
    for table in store.metadata.sorted_tables:
        assert [(c[0], c[2]) for c in built[table.name]["columns"]] == [(c.name, c.nullable) for c in table.columns]


def test_a_queue_database_from_before_the_queue_package_opens_and_works(queue_url: str, tmp_path: Path) -> None:
    queue_before_split.build(queue_url)
    old_draft = Draft("x", ["Planning beats guessing. Follow us for weekly analysis."],
                      provenance=Provenance(pillar_hash="old"))
    old_id = queue_before_split.add_item(queue_url, old_draft.to_dict(), "northwind-advisory")
    queue = Queue(queue_url, workspace=tmp_path)
    assert queue.migrate() == []
    assert queue.migrations() == [(1, "review: items, revisions, comments, audit, conflicts"),
                                  (2, "schedule and publish"), (3, "approved revision"), (4, "workspace id")]
    old = queue.get(old_id)
    assert old.state is ItemState.IN_REVIEW and old.draft.parts == old_draft.parts and old.revision == 1
    assert queue.add(old_draft, "old.md", "northwind-advisory") is None  # the same draft is recognised
    edited = queue.edit(old_id, ["Planning beats guessing, every week. Follow us."], "ana", base_revision=1)
    assert edited.revision == 2 and edited.score is not None
    queue.approve(old_id, "ana", 2)
    scheduled = queue.set_schedule(old_id, datetime.now(UTC) - timedelta(minutes=1), "ana", pinned=True)
    assert [i.id for i in queue.due()] == [old_id]
    assert queue.claim_for_publishing(scheduled, "cron")
    done = queue.finish_publishing(old_id, "published", "cron", "folder", ["published: 7"], external_id="7")
    assert done.state is ItemState.PUBLISHED and done.external_id == "7" and done.published_at is not None
    assert [a["action"] for a in queue.audit_log(old_id)] == ["created", "edited", "approved", "scheduled",
                                                              "publishing", "published"]
    new = queue.add(Draft("bluesky", ["A new post. Follow us."], provenance=Provenance(pillar_hash="new")), "p",
                    "northwind-advisory")
    assert new is not None and new.id != old_id and queue.count() == 2


# --- approval is bound to the text the reviewer read; publishing takes only that text, when due ---------------

def test_an_approval_names_the_revision_read_and_a_newer_one_is_refused(queue: Queue, drafts: list[Draft]) -> None:
    item = add_all(queue, drafts)[0]
    queue.edit(item.id, ["Bob's newer text. Follow us for more."], "bob", base_revision=1)
    with pytest.raises(StaleRevision, match=r"item \d+ is at revision 2; you reviewed revision 1") as exc:
        queue.approve(item.id, "ana", 1)  # ana read revision 1, never bob's text
    assert exc.value.fix is not None and f"queue show {item.id}" in exc.value.fix and "--revision 2" in exc.value.fix
    assert queue.get(item.id).state is ItemState.IN_REVIEW and queue.get(item.id).approved_revision is None
    with pytest.raises(TransitionError, match="names the revision"):
        queue.transition(item.id, "approved", "ana")  # no way around it
    approved = queue.approve(item.id, "ana", 2)
    assert approved.state is ItemState.APPROVED and approved.approved_revision == 2
    assert queue.audit_log(item.id)[-1]["detail"]["revision"] == 2


def test_an_edit_racing_an_approval_never_leaves_text_approved_that_the_approver_did_not_name(
        queue_url: str, tmp_path: Path) -> None:
    """Editors and approvers on their own connections at once: whoever wins, an approved item's text is the
    revision its approver named."""
    import threading

    queue = Queue(queue_url, workspace=tmp_path, rescore=lambda d, b: ([], {"overall": 80}))
    ids = [queue.add(Draft("x", [f"Post {n}. Follow us."], provenance=Provenance(pillar_hash=f"race{n}")), "p",
                     "b").id for n in range(24)]
    named: dict[int, int] = {}
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def editor(mine: list[int]) -> None:
        own = Queue(queue_url, workspace=tmp_path, rescore=lambda d, b: ([], {"overall": 80}))
        barrier.wait()
        for item_id in mine:
            try:
                own.edit(item_id, [f"Edited {item_id}. Follow us."], "bob", base_revision=1)
            except (EditConflict, TransitionError):
                pass
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    def approver(mine: list[int]) -> None:
        own = Queue(queue_url, workspace=tmp_path)
        barrier.wait()
        for item_id in mine:
            try:
                own.approve(item_id, "ana", 1)
                named[item_id] = 1
            except (StaleRevision, QueueError):
                pass
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    halves = [ids[::2], ids[1::2]]
    threads = [threading.Thread(target=f, args=(h,)) for f in (editor, approver) for h in halves]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for item_id in ids:
        item = queue.get(item_id)
        if item.state is ItemState.APPROVED:
            assert item.approved_revision == named[item_id] == item.revision
            assert item.draft.parts == queue.revisions(item_id)[named[item_id] - 1].parts
        else:  # the edit came first (the approval was refused) or after it (back to review)
            assert item.state is ItemState.IN_REVIEW and item.revision == 2


def test_the_claim_takes_only_the_approved_revision_when_it_is_due(queue: Queue) -> None:
    text = "Planning beats guessing. Follow us for weekly analysis."
    item = queue.add(Draft("x", [text], provenance=Provenance(pillar_hash="due")), "p", "northwind-advisory")
    queue.approve(item.id, "ana", 1)
    queue.set_schedule(item.id, datetime.now(UTC) - timedelta(minutes=1), "ana", pinned=True)
    [found] = queue.due()  # a publisher run reads revision 1 ...
    queue.edit(item.id, ["Planning beats guessing, revised. Follow us."], "bob", base_revision=1)
    queue.approve(item.id, "ana", 2)  # ... then revision 2 is approved, due tomorrow
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    queue.set_schedule(item.id, tomorrow, "ana", pinned=True)
    assert queue.claim_for_publishing(found, "cron") is False  # not the old text
    assert queue.claim_for_publishing(queue.get(item.id), "cron") is False  # nor the new one, early
    assert queue.get(item.id).state is ItemState.SCHEDULED
    assert queue.claim_for_publishing(found, "cron", now=tomorrow) is False  # the old text, never
    assert queue.claim_for_publishing(queue.get(item.id), "cron", now=tomorrow) is True
    assert queue.get(item.id).state is ItemState.PUBLISHING
    with pytest.raises(TransitionError, match="can no longer be edited"):  # taken: its text is fixed
        queue.edit(item.id, ["Too late. Follow us."], "bob", base_revision=2)


def test_items_approved_before_the_upgrade_keep_their_approval(queue_url: str, tmp_path: Path) -> None:
    queue_before_split.build(queue_url)
    draft = Draft("x", ["Approved long ago. Follow us."], provenance=Provenance(pillar_hash="then"))
    approved = queue_before_split.add_item(queue_url, draft.to_dict(), "b", state="approved")
    waiting = queue_before_split.add_item(queue_url, Draft("x", ["Still waiting."], provenance=Provenance(
        pillar_hash="wait")).to_dict(), "b")
    queue = Queue(queue_url, workspace=tmp_path)
    assert queue.get(approved).approved_revision == 1 and queue.get(waiting).approved_revision is None
    scheduled = queue.set_schedule(approved, datetime.now(UTC) - timedelta(minutes=1), "ana", pinned=True)
    assert queue.claim_for_publishing(scheduled, "cron") is True


# --- idempotency keys: this workspace, this item, the approved revision ---------------------------------------

def test_the_workspace_id_is_made_once_and_keys_follow_the_approved_revision(queue_url: str, other_queue_url: str,
                                                                             tmp_path: Path) -> None:
    ours, theirs = Queue(queue_url, workspace=tmp_path), Queue(other_queue_url, workspace=tmp_path)
    assert Queue(queue_url, workspace=tmp_path).workspace_id == ours.workspace_id  # made once, kept
    assert re.fullmatch(r"[0-9a-f-]{36}", ours.workspace_id) and ours.workspace_id != theirs.workspace_id
    keys = []
    for queue in (ours, theirs):
        item = queue.add(Draft("x", ["Same post, two teams. Follow us."], provenance=Provenance(pillar_hash="k")),
                         "p", "b")
        queue.approve(item.id, "ana", 1)
        keys.append(queue.set_schedule(item.id, datetime.now(UTC), "ana").idempotency_key)
    assert keys[0] != keys[1]  # both teams' item 1
    assert keys[0] == f"wb-{ours.workspace_id}-1-r1"
    ours.edit(1, ["Same post, edited. Follow us."], "bob", base_revision=1)
    ours.approve(1, "ana", 2)
    rescheduled = ours.set_schedule(1, datetime.now(UTC), "ana")
    assert rescheduled.idempotency_key == f"wb-{ours.workspace_id}-1-r2"  # a new text, a new key
    assert ours.claim_for_publishing(rescheduled, "cron")
    assert ours.get(1).idempotency_key == ours.idempotency_key(rescheduled) == keys[0][:-1] + "2"


# --- nothing stays in publishing or needs_attention for good --------------------------------------------------

def attention(queue: Queue, text: str = "Planning beats guessing. Follow us for weekly analysis.") -> int:
    """An item whose publishing ended with an unknown outcome."""
    item = queue.add(Draft("x", [text], provenance=Provenance(pillar_hash=text)), "p", "northwind-advisory")
    queue.approve(item.id, "ana", 1)
    scheduled = queue.set_schedule(item.id, datetime.now(UTC) - timedelta(minutes=1), "ana", pinned=True)
    assert queue.claim_for_publishing(scheduled, "cron")
    queue.finish_publishing(item.id, "needs_attention", "cron", "webhook", ["unknown outcome: 502"], error="502")
    return item.id


def test_a_person_resolves_an_item_needing_attention_and_it_is_audited(queue: Queue) -> None:
    live, again, gone = (attention(queue, f"Post {n}. Follow us for weekly analysis.") for n in range(3))
    done = queue.resolve_published(live, "ana", "https://x.example/status/1")
    assert done.state is ItemState.PUBLISHED and done.external_id == "https://x.example/status/1"
    assert done.published_at is not None and done.last_error is None
    retried = queue.resolve_retry(again, "ana")
    assert retried.state is ItemState.SCHEDULED and [i.id for i in queue.due()] == [again]
    assert retried.idempotency_key == queue.get(again).idempotency_key  # the same key: a receiver can drop it
    failed = queue.resolve_failed(gone, "ana", "posted by hand")
    assert failed.state is ItemState.FAILED and failed.last_error == "posted by hand"
    assert queue.resolve_published(gone, "ana", "https://x.example/status/3").state is ItemState.PUBLISHED
    entries = [a for i in (live, again, gone) for a in queue.audit_log(i) if a["action"] == "resolved"]
    assert [(a["actor"], a["detail"]["resolution"], a["detail"]["to"]) for a in entries] == [
        ("ana", "published", "published"), ("ana", "retry", "scheduled"), ("ana", "fail", "failed"),
        ("ana", "published", "published")]
    assert entries[0]["detail"]["external_id"] == "https://x.example/status/1"


def test_resolving_is_refused_where_it_makes_no_sense(queue: Queue, drafts: list[Draft]) -> None:
    item = add_all(queue, drafts)[0]
    with pytest.raises(TransitionError, match="only items needing attention"):
        queue.resolve_retry(item.id, "ana")
    stuck = attention(queue)
    with pytest.raises(QueueError, match="say why"):
        queue.resolve_failed(stuck, "ana", " ")
    with pytest.raises(QueueError, match="say where"):
        queue.resolve_published(stuck, "ana", "")
    queue.resolve_retry(stuck, "ana")
    assert queue.claim_for_publishing(queue.get(stuck), "cron")
    with pytest.raises(TransitionError, match="being published right now"):
        queue.resolve_published(stuck, "ana", "https://x.example/1")


def test_an_item_left_publishing_is_recovered_for_a_person_and_a_late_result_is_kept(queue: Queue) -> None:
    old, recent = (queue.add(Draft("x", [f"Post {n}. Follow us."], provenance=Provenance(pillar_hash=f"s{n}")),
                             "p", "b").id for n in range(2))
    for item_id in (old, recent):
        queue.approve(item_id, "ana", 1)
        assert queue.claim_for_publishing(queue.set_schedule(item_id, datetime.now(UTC), "ana"), "cron")
    with queue.store.transaction() as conn:  # the run that took it was killed 20 minutes ago
        queue.store.update_item(conn, old, updated_at=datetime.now(UTC) - timedelta(minutes=20))
    [recovered] = queue.recover_stale("cron2", timedelta(minutes=15))
    assert recovered.id == old and recovered.state is ItemState.NEEDS_ATTENTION and "never finished" in \
        recovered.last_error
    assert queue.audit_log(old)[-1]["action"] == "needs_attention" and queue.audit_log(old)[-1]["actor"] == "cron2"
    assert queue.get(recent).state is ItemState.PUBLISHING  # a run still at work is left alone
    late = queue.finish_publishing(old, "published", "cron", "webhook", ["published: 9"], external_id="9")
    assert late.state is ItemState.NEEDS_ATTENTION and "ended 'published' late" in late.last_error
    assert queue.audit_log(old)[-1]["action"] == "late outcome"


def test_an_edit_is_checked_against_the_items_pillar(queue: Queue, drafts: list[Draft]) -> None:
    """The queue scores with the item's pillar, as `repurpose` did: an editor's new number is checked too."""
    item = add_all(queue, drafts)[0]
    kept = queue.edit(item.id, ["In one pilot, teams that batched published 3 times as many posts with the same "
                                "hours."], "bob", 1)
    assert "MISLEADING" not in (kept.draft.score or {})["defects"]
    wrong = queue.edit(item.id, ["Batching gives you 3 times the engagement with the same hours."], "bob", 2)
    assert "MISLEADING" in (wrong.draft.score or {})["defects"]
