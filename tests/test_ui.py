"""The widgets without a browser: build them, set values, click, and check the queue and the widget state."""

from __future__ import annotations

from datetime import UTC, datetime
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


def test_variants_sit_side_by_side(settings) -> None:  # noqa: ANN001
    c = Composer(settings, pillar=SAMPLE)
    c.platforms.value = ("linkedin",)
    c.variants.value = 2
    c.generate()
    assert len(c.tabs.children[0].children) == 2


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
    review.items.value = review.items.options[0][1]
    assert "revision 1" in review.detail.value
    review.approve_button.click()
    assert queue.get(review.current.id).state == "approved"
    assert "approved by ana: now approved" in review.status.value
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
    assert "revision 2 (ana)" in review.history.value and "Open with the 23-minute figure." in review.history.value


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
