"""The widgets without a browser: build them, set values, click, and check the queue and the widget state."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from workbench.config import load_settings
from workbench.drafts import Draft, Provenance
from workbench.queue import Queue
from workbench.ui import Calendar, Composer, ReviewQueue

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "media/samples/batch-your-content.md"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    monkeypatch.chdir(tmp_path)
    return load_settings(workspace=tmp_path)


@pytest.fixture
def composer(settings) -> Composer:  # noqa: ANN001
    c = Composer(settings, pillar=SAMPLE)
    c.platforms.value = ("linkedin", "x_thread", "instagram")
    c.generate_button.click()
    return c


def test_generate_fills_a_tab_per_platform_with_previews(composer: Composer) -> None:
    assert "3 drafts from 'Batch your content" in composer.status.value.replace("&#x27;", "'")
    assert [composer.tabs.get_title(i) for i in range(3)] == ["LinkedIn post", "X thread", "Instagram caption"]
    assert composer.progress.value == composer.progress.max == 4
    linkedin, thread, insta = composer.editors
    assert "…see more" in linkedin.preview.value
    assert thread.preview.value.count("/280 (x_weighted)") == len(thread.draft.parts)
    assert "… more" in insta.preview.value and "caption" in insta.preview.value
    assert "Score" in linkedin.score_html.value and not composer.queue_button.disabled


def test_typing_updates_counters_problems_and_score(composer: Composer) -> None:
    editor = composer.editors[0]
    before = editor.draft.score["overall"]
    editor.text.value = "Our game-changing plan! " * 3
    assert editor.draft.score["overall"] < before
    assert "&#x27;game-changing&#x27; is on the brand&#x27;s banned list" in editor.score_html.value
    editor.text.value = "word " * 700
    assert "too_long" in editor.problems.value and "3500/3000" in editor.preview.value


def test_variants_sit_side_by_side_and_the_one_picked_goes_to_the_queue(settings) -> None:  # noqa: ANN001
    c = Composer(settings, pillar=SAMPLE)
    c.platforms.value = ("linkedin", "x")
    c.variants.value = 2
    drafts = c.generate()
    picker, row = c.tabs.children[0].children
    assert len(row.children) == 2 and all(e.layout.width == "390px" for e in row.children)  # 2 fit 1280 px
    assert picker.description == "Use this one:" and picker.value == 0  # the best first, picked by default
    assert "Variant 2 · score" in picker.options[1][0]
    picker.value = 1
    linkedin = [d for d in drafts if d.platform == "linkedin"]
    assert c.chosen()[0] is linkedin[1] and len(c.chosen()) == 2  # one per platform
    assert c.send_to_queue() == 2
    queued = settings.queue().list(platform="linkedin")
    assert [q.draft.parts for q in queued] == [linkedin[1].parts]


def test_a_preview_is_drawn_as_its_platform_shows_it(composer: Composer) -> None:
    linkedin, thread, instagram = (e.preview.value for e in composer.editors[:3])
    for preview in (linkedin, thread, instagram):  # the brand's avatar and name above the post
        assert "class='wb-avatar'" in preview and "<b>Northwind Advisory</b>" in preview
    assert "…see more" in linkedin
    posts = thread.count("class='wb-post'")
    assert posts == len(composer.editors[1].draft.parts) and thread.count("wb-thread-line") == posts - 1
    assert f"1/{posts}</span>" in thread
    assert "class='wb-square'" in instagram and "aspect-ratio:1/1" in instagram


def test_a_bad_pillar_shows_the_error(settings, tmp_path: Path) -> None:  # noqa: ANN001
    (tmp_path / "empty.md").write_text("")
    c = Composer(settings, pillar=tmp_path / "empty.md")
    assert c.generate() == []
    assert "the file is empty" in c.status.value and c.queue_button.disabled


def test_send_to_queue_then_review_and_approve(composer: Composer, settings) -> None:  # noqa: ANN001
    composer.editors[1].text.value = composer.editors[1].text.value  # unchanged thread
    composer.queue_button.click()
    queue = settings.queue()
    assert queue.count() == 3 and "3 draft(s) sent" in composer.status.value
    review = ReviewQueue(queue=queue, author="ana", settings=settings)
    assert len(review.items.options) == 3
    first, second = review.items.options[0][1], review.items.options[1][1]
    review.items.value = first
    assert "revision 1" in review.detail.value
    review.approve_button.click()
    assert queue.get(first).state == "approved"
    assert f"#{first} approved by ana: now approved. It left this list; #{second} is shown." in review.status.value
    assert len(review.items.options) == 2  # the filter shows what still needs review


def test_request_changes_needs_a_comment_and_edits_show_as_a_diff(settings) -> None:  # noqa: ANN001
    c = Composer(settings, pillar=SAMPLE)
    c.platforms.value = ("x",)
    c.generate()
    c.send_to_queue()
    queue = settings.queue()
    review = ReviewQueue(queue=queue, author="ana", settings=settings)
    review.select(review.items.options[0][1])
    review.changes_button.click()
    assert "needs a comment" in review.status.value and queue.list()[0].state == "in_review"
    review.comment.value = "Open with the 23-minute figure."
    review.changes_button.click()
    assert queue.list()[0].state == "changes_requested"
    review.state.value = "(all)"
    review.select(queue.list()[0].id)
    review.editor.value = "It takes about 23 minutes to refocus. Follow us for more."
    review.save_button.click()
    item = queue.list()[0]
    assert item.revision == 2 and item.state == "in_review"
    assert "revision 1 → 2</b>" in review.history.value and "(ana)" in review.history.value
    assert "Open with the 23-minute figure." in review.history.value
    assert review.comment.value == ""  # used once: it does not ride along on the next action


def test_a_conflict_is_shown_and_kept(settings) -> None:  # noqa: ANN001
    c = Composer(settings, pillar=SAMPLE)
    c.platforms.value = ("bluesky",)
    c.generate()
    c.send_to_queue()
    queue = settings.queue()
    ana = ReviewQueue(queue=queue, author="ana", settings=settings)
    bob = ReviewQueue(queue=Queue(queue.url, workspace=settings.workspace), author="bob", settings=settings)
    item_id = ana.items.options[0][1]
    ana.select(item_id)
    bob.select(item_id)
    ana.save_edit("Ana's text. Follow us for more.")
    assert bob.save_edit("Bob's text. Follow us for more.") is None
    assert "changed since revision 1" in bob.status.value and "Conflict kept: bob" in bob.history.value
    assert queue.get(item_id).draft.parts == ["Ana's text. Follow us for more."]


def test_approve_approves_the_revision_on_screen_and_nothing_newer(settings, queue_url: str) -> None:  # noqa: ANN001
    queue = Queue(queue_url, workspace=settings.workspace)
    item = queue.add(Draft("x", ["Ana reads this. Follow us."], provenance=Provenance(pillar_hash="ui")), "p", "b")
    ana = ReviewQueue(queue=queue, author="ana", settings=settings)
    ana.select(item.id)  # revision 1 on her screen
    Queue(queue_url, workspace=settings.workspace).edit(item.id, ["Bob saved this since. Follow us."], "bob", 1)
    ana.approve_button.click()
    assert "is at revision 2; you reviewed revision 1" in ana.status.value
    assert queue.get(item.id).state == "in_review"
    ana.select(item.id)  # she reads revision 2
    ana.approve_button.click()
    assert queue.get(item.id).state == "approved" and queue.get(item.id).approved_revision == 2


def test_the_resolve_buttons_settle_an_item_needing_attention(settings, queue_url: str) -> None:  # noqa: ANN001
    queue = Queue(queue_url, workspace=settings.workspace)
    ids = []
    for n in range(3):
        item = queue.add(Draft("x", [f"Post {n}. Follow us."], provenance=Provenance(pillar_hash=f"r{n}")), "p", "b")
        queue.approve(item.id, "ana", 1)
        assert queue.claim_for_publishing(queue.set_schedule(item.id, datetime.now(UTC), "ana"), "cron")
        queue.finish_publishing(item.id, "needs_attention", "cron", "webhook", ["unknown outcome: 502"], error="502")
        ids.append(item.id)
    review = ReviewQueue(queue=queue, author="ana", settings=settings)
    review.state.value = "needs_attention"
    assert [v for _, v in review.items.options] == ids
    review.select(ids[0])
    review.resolve_text.value = "https://x.example/status/1"
    review.live_button.click()
    review.select(ids[1])
    review.retry_button.click()
    review.select(ids[2])
    review.resolve_text.value = ""
    review.fail_button.click()
    assert "say why it failed" in review.status.value and queue.get(ids[2]).state == "needs_attention"
    review.resolve_text.value = "posted by hand"
    review.fail_button.click()
    assert [queue.get(i).state for i in ids] == ["published", "scheduled", "failed"]
    assert queue.get(ids[0]).external_id == "https://x.example/status/1"
    assert queue.get(ids[2]).last_error == "posted by hand" and "resolved (fail) by ana" in review.status.value
    assert all(queue.audit_log(i)[-1]["action"] == "resolved" for i in ids)

def test_calendar_plans_moves_and_exports(settings, tmp_path: Path) -> None:  # noqa: ANN001
    c = Composer(settings, pillar=SAMPLE)
    c.platforms.value = ("linkedin", "x")
    c.generate()
    c.send_to_queue()
    queue = settings.queue()
    for item in queue.list():
        queue.approve(item.id, "ana", item.revision)
    cal = Calendar(queue=queue, settings=settings, export_dir=tmp_path / "exports")
    cal.plan_button.click()
    assert "2 planned" in cal.status.value and len(cal.item.options) == 2
    cal.week.value = min(i.scheduled_at for i in queue.list()).astimezone(UTC).date()
    assert "#" in cal.grid.value and "linkedin" in cal.grid.value
    target = cal.item.options[0][1]
    cal.item.value = target
    cal.when.value = "2027-01-05 10:00"
    cal.move_button.click()
    assert queue.get(target).scheduled_at == datetime(2027, 1, 5, 10, 0, tzinfo=UTC) and queue.get(target).pinned
    for button in cal.export_buttons:
        button.click()
    names = sorted(p.name for p in (tmp_path / "exports").iterdir())
    brand = names[0].split("-", 2)[2]  # a file per channel: the platform, then the brand
    per_channel = [f"{tool}-{platform}-{brand}" for tool in ("buffer", "hootsuite", "sprout")
                   for platform in ("linkedin", "x")]
    assert names == sorted([*per_channel, "schedule.ics"])
    cal.when.value = "not a time"
    cal.move_button.click()
    assert "is not a date and time" in cal.status.value


def test_the_calendar_offers_every_installed_exporter(settings, tmp_path: Path) -> None:  # noqa: ANN001
    from workbench.schedule.exports import ExportResult, exporters

    def plain(found: object, options: object) -> ExportResult:
        return ExportResult([("", b"one line per post")], filename="plain.txt")

    exporters.register("plain", plain)
    try:
        cal = Calendar(queue=settings.queue(), settings=settings, export_dir=tmp_path / "exports")
        labels = [b.description for b in cal.export_buttons]
        assert sorted(labels[:4]) == ["Export buffer", "Export hootsuite", "Export ics", "Export sprout"]
        assert labels[4:] == ["Export plain"]  # a plugin's exporter comes after the built-ins
        cal.export_buttons[-1].click()
        assert (tmp_path / "exports" / "plain.txt").read_bytes() == b"one line per post"
    finally:
        exporters.unregister("plain")


def test_a_reel_plays_in_the_composer(settings, tmp_path: Path) -> None:  # noqa: ANN001
    import subprocess

    import ipywidgets as w

    from workbench.media.video import ffmpeg_exe

    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc2=size=320x180:rate=30", "-f", "lavfi", "-i", "sine=frequency=330:sample_rate=48000",
                    "-t", "20", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
                    str(tmp_path / "talk.mp4")], check=True)
    lines = ["Did you know it takes 23 minutes to refocus?", "That is why we batch posts.",
             "We plan the month in one afternoon.", "Then we write every caption.",
             "Here is the biggest mistake we see.", "Teams measure likes, not saves.", "Start with one week.",
             "Thanks for watching."]
    (tmp_path / "talk.srt").write_text("\n".join(f"{i + 1}\n00:00:{i * 2.5:06.3f}".replace(".", ",") +
                                                 f" --> 00:00:{(i + 1) * 2.5:06.3f}".replace(".", ",") + f"\n{t}\n"
                                                 for i, t in enumerate(lines)))
    c = Composer(settings, pillar=tmp_path / "talk.mp4")
    c.platforms.value = ("reels",)
    drafts = c.generate()
    assert drafts and any(isinstance(child, w.Video) for child in c.editors[0].children)
    # the talk's candidate clips on a timeline, the reels' own among them
    assert c.charts.value.count("<img class='wb-chart'") == 2 and "candidate clips by score" in c.charts.value


def queue_of(settings, queue_url: str, n: int) -> tuple[Queue, list[int]]:  # noqa: ANN001
    queue = Queue(queue_url, workspace=settings.workspace)
    ids = [queue.add(Draft("x", [f"Post {k}: batching saves a day a week. Follow us."],
                           provenance=Provenance(pillar_hash=f"ui{k}")), "p", "b").id for k in range(n)]
    return queue, ids


def shows(review: ReviewQueue, item_id: int | None) -> bool:
    """The highlighted line, the item the buttons act on and the detail are the same one."""
    if item_id is None:
        return review.items.value is None and review.current is None and "no item in this list" in review.detail.value
    return (review.items.value == item_id and review.current is not None and review.current.id == item_id
            and f"<b>#{item_id}</b>" in review.detail.value)


def test_selection_and_detail_are_always_the_same_item(settings, queue_url: str) -> None:  # noqa: ANN001
    queue, (a, b, c) = queue_of(settings, queue_url, 3)
    review = ReviewQueue(queue=queue, author="ana", settings=settings)
    assert shows(review, a)
    review.items.value = b
    assert shows(review, b)
    review.approve_button.click()  # b leaves "in review": the next one comes on screen, highlighted
    assert queue.get(b).state == "approved" and shows(review, c)
    assert f"#{b} approved by ana: now approved. It left this list; #{c} is shown." in review.status.value
    review.approve_button.click()  # the last one leaves: the one before it
    assert queue.get(c).state == "approved" and shows(review, a)
    review.items.value = a  # clicking the highlighted line keeps it (nothing else was acted on)
    assert shows(review, a)
    review.state.value = "approved"  # a filter that does not list it: the first that it lists
    assert shows(review, b)
    review.state.value = "rejected"  # nothing listed: nothing shown, and nothing to act on
    assert shows(review, None)
    review.approve_button.click()
    assert "select an item first" in review.status.value and queue.get(a).state == "in_review"


def test_approve_refuses_unsaved_edits_and_acts_only_on_the_revision_shown(settings, queue_url: str) -> None:  # noqa: ANN001
    queue, (item_id,) = queue_of(settings, queue_url, 1)
    ana = ReviewQueue(queue=queue, author="ana", settings=settings)
    ana.editor.value = "Ana's better post. Follow us."
    ana.approve_button.click()
    assert "unsaved edit" in ana.status.value and "Discard edit" in ana.status.value
    assert queue.get(item_id).state == "in_review"
    ana.state.value = "(all)"  # a filter change keeps what she typed
    assert ana.editor.value == "Ana's better post. Follow us."
    # bob saves a revision meanwhile; ana's save is a conflict: his revision comes on screen, her text stays
    Queue(queue_url, workspace=settings.workspace).edit(item_id, ["Bob's post. Follow us."], "bob", 1)
    ana.save_button.click()
    assert "changed since revision 1" in ana.status.value and "revision 2" in ana.detail.value
    assert "save again." in ana.status.value and not re.search(r"(?<![(\w-])--[a-z]", ana.status.value)
    assert "Bob&#x27;s post" in ana.detail.value and ana.editor.value == "Ana's better post. Follow us."
    ana.approve_button.click()  # still unsaved: revision 2, which she has now seen, is not approved behind her back
    assert queue.get(item_id).state == "in_review" and "unsaved edit" in ana.status.value
    ana.discard_button.click()
    assert ana.editor.value == "Bob's post. Follow us." and not ana.unsaved()
    ana.approve_button.click()
    assert queue.get(item_id).state == "approved" and queue.get(item_id).approved_revision == 2


def test_the_comment_box_clears_after_it_is_used(settings, queue_url: str) -> None:  # noqa: ANN001
    queue, (a, b) = queue_of(settings, queue_url, 2)
    review = ReviewQueue(queue=queue, author="ana", settings=settings)
    review.comment.value = "Too salesy."
    review.reject_button.click()
    assert queue.get(a).state == "rejected" and review.comment.value == "" and shows(review, b)
    review.changes_button.click()  # the last comment does not ride along
    assert "needs a comment" in review.status.value and queue.get(b).state == "in_review"
    assert review.comment.value == ""


def test_no_state_misleads(settings, tmp_path: Path) -> None:  # noqa: ANN001
    c = Composer(settings, pillar=SAMPLE)
    c.platforms.value = ("linkedin",)
    assert c.generate() and not c.queue_button.disabled
    assert "var(--jp-success-color1" in c.status.value  # theme colours: readable in the dark theme
    c.engine.value = "llm"  # a failed generate: the drafts on screen are gone and cannot be sent
    assert c.generate() == [] and c.queue_button.disabled and c.editors == [] and not c.tabs.children
    assert "var(--jp-error-color1" in c.status.value and "fill in Model" in c.status.value
    assert not re.search(r"(?<![(\w-])--[a-z]", c.status.value)  # no command-line flags in the widgets
    c.engine.value = "extractive"
    long = " ".join(["This sentence runs on about batching content for small teams without a stop"] * 4)
    (tmp_path / "long.md").write_text(f"# Long\n\n{long}.\n")
    c.pillar.value = str(tmp_path / "long.md")
    c.platforms.value = ("tiktok",)
    assert c.generate() == [] and c.queue_button.disabled
    assert "0 drafts" in c.status.value and "var(--jp-warn-color1" in c.status.value  # not green
    assert "skipped: tiktok" in c.status.value and "skipped: tiktok" in c.tabs.children[0].value
    c.pillar.value = str(SAMPLE)
    c.platforms.value = ("linkedin",)
    c.generate()
    editor = c.editors[0]
    assert "within the platform&#x27;s limits" in editor.problems.value or "within the platform's limits" in \
        editor.problems.value
    assert "success-color" not in editor.problems.value + editor.defects.value  # never green beside a verdict


def test_the_revision_diff_is_word_level_coloured_escaped_and_compact(settings, queue_url: str) -> None:  # noqa: ANN001
    queue = Queue(queue_url, workspace=settings.workspace)
    words = " ".join(f"word{n}" for n in range(120))
    item = queue.add(Draft("linkedin", [f"{words} <script>alert(1)</script> end."],
                           provenance=Provenance(pillar_hash="diff")), "p", "b")
    queue.edit(item.id, [f"{words.replace('word60', 'changed')} <script>alert(1)</script> end."], "bob", 1)
    review = ReviewQueue(queue=queue, author="ana", settings=settings)
    review.select(item.id)
    history = review.history.value
    assert history.count("<del") == 1 and history.count("<ins") == 1 and "<table" not in history
    assert ">word60</del>" in history and ">changed</ins>" in history
    assert "&lt;script&gt;" in history and "<script>" not in history
    assert "word30" not in history and "…" in history  # an unchanged run is cut to its ends
    assert "var(--jp-error-color3" in history and "var(--jp-success-color3" in history


def test_an_edit_of_whitespace_alone_still_shows_in_the_diff() -> None:
    from workbench.ui.preview import word_diff

    joined = word_diff("First paragraph.\n\nSecond one.", "First paragraph.\nSecond one.")
    assert "<del" in joined and "↵↵</del>" in joined and "↵\n</ins>" in joined


def test_the_calendar_shows_a_chosen_zone_moves_by_week_and_colours_each_platform(settings, queue_url: str,  # noqa: ANN001
                                                                                   tmp_path: Path) -> None:
    queue = Queue(queue_url, workspace=settings.workspace)
    now = datetime.now(UTC)
    monday = (now + timedelta(days=7 - now.weekday())).replace(hour=14, minute=0, second=0, microsecond=0)
    ids = []
    for n, platform in enumerate(("x", "linkedin")):
        item = queue.add(Draft(platform, [f"Post {n}. Batching saves a day a week. Follow us."],
                               provenance=Provenance(pillar_hash=f"cal{n}")), "p", "northwind-advisory")
        queue.approve(item.id, "ana", item.revision)
        queue.set_schedule(item.id, monday + timedelta(hours=n), "ana")
        ids.append(item.id)
    calendar = Calendar(queue=queue, settings=settings, export_dir=tmp_path / "exports")
    assert "Times in UTC" in calendar.grid.value and f"#{ids[0]}" not in calendar.grid.value  # next week's posts
    calendar.next_button.click()
    assert f"14:00 #{ids[0]}" in calendar.grid.value and f"15:00 #{ids[1]}" in calendar.grid.value
    colours = set(re.findall(r"border-left:4px solid (#[0-9A-Fa-f]{6})", calendar.grid.value))
    assert len(colours) == 2  # one colour per platform
    calendar.zone.value = "America/New_York"  # shown in another zone: the same posts at their local times
    assert "Times in America/New_York" in calendar.grid.value and f"09:00 #{ids[0]}" in calendar.grid.value
    calendar.previous_button.click()
    assert f"#{ids[0]}" not in calendar.grid.value
    calendar.this_week_button.click()
    assert calendar.week.value.weekday() == 0


def test_the_calendar_refuses_past_times_and_offers_free_slots(settings, queue_url: str,  # noqa: ANN001
                                                               tmp_path: Path) -> None:
    queue = Queue(queue_url, workspace=settings.workspace)
    made = []
    for n in range(2):
        item = queue.add(Draft("linkedin", [f"Post {n}. Batching saves a day a week. Follow us."],
                               provenance=Provenance(pillar_hash=f"slot{n}")), "p", "northwind-advisory")
        queue.approve(item.id, "ana", item.revision)
        made.append(item.id)
    calendar = Calendar(queue=queue, settings=settings, export_dir=tmp_path / "exports")
    assert calendar.plan() == 2
    assert calendar.item.description == "Post to move" and "linkedin" in calendar.item.options[0][0]
    first, second = (queue.get(i) for i in made)
    calendar.item.value = first.id
    offered = [when for _, when in calendar.slot.options]
    assert offered and second.scheduled_at not in offered and first.scheduled_at in offered  # its own is free
    assert all(when > datetime.now(UTC) for when in offered)
    before = queue.get(first.id).scheduled_at
    assert calendar.move(first.id, "2020-01-06 09:00") is None  # a past time: refused, with the reason
    assert "has passed" in calendar.status.value and queue.get(first.id).scheduled_at == before
    soon = (datetime.now(UTC) + timedelta(minutes=3)).strftime("%Y-%m-%d %H:%M")
    assert calendar.move(first.id, soon) is None and "less than 10 minutes away" in calendar.status.value
    target = [w for w in offered if w != first.scheduled_at][-1]
    calendar.slot.value = target
    calendar.slot_button.click()
    moved = queue.get(first.id)
    assert moved.scheduled_at == target and moved.pinned and "moved to" in calendar.status.value
