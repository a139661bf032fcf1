"""How the offline engine composes posts: what an editor would notice in its drafts (issue 13)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbench.brand import load_brand
from workbench.defects import words
from workbench.drafts import Draft
from workbench.engines import get_engine
from workbench.pillar import Pillar, load_pillar
from workbench.platforms import get_platform
from workbench.repurpose import DEFAULT_RUN_PLATFORMS, RunOptions, repurpose, run_one

ARTICLE = """---
title: How to plan a content calendar
---
# How to plan a content calendar

Most teams plan posts the night before, and it shows in their results. A calendar planned a month ahead turns \
posting into a routine. We tried this at our agency for a year.

## Why planning ahead works

Teams that plan a month ahead publish 3 times more often than teams that plan day by day. This happens because \
the hard decisions are made once. Planning is not about posting more; it is about deciding less often.

## The four habits of calm calendars

Calm calendars share a few habits:

- Batch your writing into one long session each month.
- Keep a list of ideas that grows every week.
- Review the calendar with one colleague before anything is scheduled.
- Leave one open slot each week for news you cannot plan.

## What to measure

Which posts get saved and shared tells you more than likes do. Saves show that a reader wants to come back to \
the post. Shares show that a reader trusts the post enough to pass it on.

## Start small

A calendar for one week is enough to feel the difference. Once a week feels easy, plan the next month in one \
sitting.
"""

NOTHING = """# What they said

This is what they said about it last week. That was the part they kept coming back to, again and again.
Also this, which they mentioned twice. It helped them more than those did.
"""


def _pillar(tmp_path: Path, text: str = ARTICLE, name: str = "calendar.md") -> Pillar:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_pillar(path)


def _drafts(pillar: Pillar, brand: str = "northwind-advisory", variants: int = 2, notes: list[str] | None = None,
            platforms: tuple[str, ...] = DEFAULT_RUN_PLATFORMS) -> list:
    specs = [get_platform(p) for p in platforms]
    return repurpose(pillar, load_brand(brand), specs, get_engine("extractive"), variants, notes=notes)


def _opening(text: str) -> str:
    first = re.split(r"(?<=[.!?:])\s+|\n", text.strip(), maxsplit=1)[0]
    return " ".join(words(first)[:8])


@pytest.mark.parametrize("brand", ["northwind-advisory", "sunny-studio"])
def test_the_source_authors_we_is_never_posted_as_the_brands(tmp_path: Path, brand: str) -> None:
    for d in _drafts(_pillar(tmp_path), brand):
        assert "our agency" not in d.text and "We tried" not in d.text, (d.platform, d.text)


def test_a_sentence_that_points_back_comes_after_what_it_points_at(tmp_path: Path) -> None:
    for d in _drafts(_pillar(tmp_path)):
        for part in d.parts:
            if "This happens because" in part:
                assert "Teams that plan a month ahead publish 3 times more often" in part, (d.platform, part)
                assert part.index("Teams that plan") < part.index("This happens because")


def test_each_platform_opens_differently(tmp_path: Path) -> None:
    drafts = _drafts(_pillar(tmp_path), variants=1)
    openings = [_opening(d.parts[0]) for d in drafts]
    repeated = len(openings) - len(set(openings))
    assert repeated <= len(openings) * 0.2, openings


def test_variants_open_on_another_idea(tmp_path: Path) -> None:
    drafts = _drafts(_pillar(tmp_path), variants=2)
    by: dict[str, list[str]] = {}
    for d in drafts:
        by.setdefault(d.platform, []).append(_opening(d.parts[0]))
    for platform, openings in by.items():
        assert len(set(openings)) == len(openings), (platform, openings)


def test_the_pillars_list_becomes_a_list_post_and_only_a_list_asks_which_one(tmp_path: Path) -> None:
    drafts = _drafts(_pillar(tmp_path), brand="sunny-studio", variants=2)
    lists = [d for d in drafts if "Keep a list of ideas that grows every week." in d.text
             and "Batch your writing into one long session each month." in d.text]
    assert lists, "the four habits should make a list post somewhere"
    for d in drafts:
        if d.cta and re.search(r"\bwhich one\b", d.cta.text, re.IGNORECASE):
            assert re.search(r"(?m)^(?:→|-) ", d.text), (d.platform, d.text)


def test_a_thread_promises_then_runs_in_source_order_and_pays_off(tmp_path: Path) -> None:
    pillar = _pillar(tmp_path)
    order = {s.text: i for i, s in enumerate(pillar.sentences)}
    (thread,) = _drafts(pillar, variants=1, platforms=("x_thread",))
    n = len(thread.parts)
    assert n >= 4 and all(p.endswith(f" {i}/{n}") for i, p in enumerate(thread.parts, 1))
    positions = [order[p.rsplit(" ", 1)[0].split("\n")[0]] for p in thread.parts[1:-1]
                 if p.rsplit(" ", 1)[0].split("\n")[0] in order]
    assert positions == sorted(positions)
    last = thread.parts[-1].split("\n\n")[0]
    assert last in order, "the last post carries a point of the pillar, not only the call to action"


def test_posts_are_never_cut_and_hooks_fit_the_feed(tmp_path: Path) -> None:
    for d in _drafts(_pillar(tmp_path)):
        spec = get_platform(d.platform)
        assert d.problems == [], (d.platform, d.problems)
        if spec.hook_window:
            assert len(d.parts[0].split("\n\n")[0]) <= spec.hook_window
        for part in d.parts:
            body = re.sub(r"\s\d+/\d+$", "", part).split("\n\n")
            for block in body:
                line = block.strip().split("\n")[-1]
                if line and not line.startswith(("#", "→", "-")):
                    assert re.search(r"[.!?:)”\"]$|https?://\S+$", line), (d.platform, line)


def test_a_pillar_with_nothing_that_stands_alone_is_skipped_with_a_reason(tmp_path: Path) -> None:
    notes: list[str] = []
    drafts = _drafts(_pillar(tmp_path, NOTHING, "nothing.md"), notes=notes)
    assert drafts == []
    assert any(n.startswith("skipped: linkedin (") for n in notes), notes


def test_the_summary_manifest_and_review_sheet_say_what_was_skipped(tmp_path: Path) -> None:
    from workbench.config import load_settings

    src = tmp_path / "nothing.md"
    src.write_text(NOTHING, encoding="utf-8")
    result = run_one(src, RunOptions(brand="northwind-advisory", out=tmp_path / "out"), load_settings())
    assert result.ok and result.skipped and result.summary.startswith("ok, 10 platforms skipped: linkedin (")
    manifest = (result.output / "manifest.json").read_text() if result.output else ""
    assert '"skipped"' in manifest and "linkedin (" in manifest
    sheet = (result.output / "drafts.md").read_text() if result.output else ""
    assert "Skipped (no draft): linkedin (" in sheet


LISTS = """# Running a review

## What to measure

- Measure the replies each post gets in its first day, not its reach.
- Track the share of posts an editor approves without changes.
- Quarterly Audits
- Compare each month with the one before it, never with a peak.

## The roles

- Meeting leader
- Time keeper
- Note taker
"""


def test_a_label_among_sentences_is_not_a_list_line_but_a_list_of_labels_stays(tmp_path: Path) -> None:
    """"Quarterly Audits" between three tips is a heading the reader cannot use (editors called it FRAGMENT,
    review r8): the tips are the list; a list that is all labels (the roles) is kept whole."""
    from workbench.engines.offline.units import Pool

    pool = Pool.of(_pillar(tmp_path, LISTS, "review.md"))
    items = {tuple(lst.items) for lst in pool.lists}
    assert ("Measure the replies each post gets in its first day, not its reach.",
            "Track the share of posts an editor approves without changes.",
            "Compare each month with the one before it, never with a peak.") in items
    assert ("Meeting leader", "Time keeper", "Note taker") in items


@pytest.mark.parametrize("text, advice", [
    ("Send a reminder with the agenda a few minutes before the meeting.", True),
    ("If you have items that are announcements, make that clear.", True),
    ("When the meeting is over, actually end the meeting.", True),
    ("Your agenda should say where notes will be taken.", True),
    ("To build good habits, you need to start on time.", True),
    ("Test results show a drop in replies after six posts a day.", False),
    ("The campaign team selected influencers with many local followers.", False),
    ("You can also see that the line has a gray halo around it.", False),
])
def test_an_opening_that_tells_the_reader_what_to_do(text: str, advice: bool) -> None:
    from workbench.engines.offline.units import gives_advice

    assert gives_advice(text) is advice


def test_a_short_platform_drops_the_cta_before_the_passage() -> None:
    """On X a CTA that leaves room for the opening alone makes a one-line post (editors rated those 1.9): the
    passage stays and the CTA goes."""
    from workbench.engines.offline.compose import Option, shape_post
    from workbench.engines.offline.units import HookKind, Unit

    hook = ("If starting on time is hard for your team or your agency's culture, move the official start time of "
            "every meeting to five minutes past the hour.")
    follow = "Your punctual teammates will thank you, and the late ones will run out of excuses."
    body = [Unit((1,), ("s1",), follow, 0, 1.0, len(follow.split()), False, False, False, False)]
    option = Option(HookKind.LEAD, hook, ("s0",), 0, body=body)
    cta = "Register for our monthly briefing on meetings that end on time: https://northwind.example/briefing"
    shaped = shape_post(option, get_platform("x"), lambda t: t, cta, ["#NorthwindAdvisory"])
    assert shaped is not None and follow in shaped.parts[0] and "Register" not in shaped.parts[0]
    assert shaped.used == ["s0", "s1"]
    roomy = shape_post(option, get_platform("linkedin"), lambda t: t, cta, ["#NorthwindAdvisory"])
    assert roomy is not None and follow in roomy.parts[0] and "Register" in roomy.parts[0]


SALAD = """# Engaging emails

## Sending

The majority of readers open emails on mobile devices, so a subject line has to work on a small screen.

The point of A/B testing is to try something new and see how your audience reacts to it.

A/B testing works best when you change one thing at a time and keep the rest of the email the same.

This post highlights content from the guide by introducing testing, timing and lists.
"""


def test_a_passage_does_not_run_on_into_an_unrelated_paragraph(tmp_path: Path) -> None:
    """A body carries on into the next paragraph only when it shares something named ("A/B testing"); two tips
    with nothing in common side by side read as salad (editors' ORDER, review r9). The source speaking of
    itself ("This post highlights…") is never a post's line."""
    from workbench.engines.offline.compose import options
    from workbench.engines.offline.units import Pool

    pool = Pool.of(_pillar(tmp_path, SALAD, "emails.md"))
    opts = options(pool)
    mobile = [o for o in opts if o.hook.startswith("The majority of readers")]
    testing = [o for o in opts if o.hook.startswith("The point of A/B testing")]
    assert mobile and testing
    assert all(not o.body for o in mobile)
    assert any(u.text.startswith("A/B testing works best") for o in testing for u in o.body)
    assert not any("This post highlights" in t for o in opts for t in [o.hook, *(u.text for u in o.body)])


TURN = """---
title: Judging websites by their errors
---
# Judging websites by their errors

## A first pass

Five websites stand out as having the worst accessibility errors in the audit. Clearly, these websites must go. \
As the team prepares to remove them, however, it sees that most errors come from one template that is easy to fix.

Accessibility audits count errors, not their weight. A single broken template can put a useful website at the \
bottom of the list. Fix the shared template first, then run the audit again before anything is removed.

## What the audit misses

Looking at the other websites in the list, you realize that many errors only show up in an automatic test. \
Pair automatic accessibility tests with manual testing before deciding which websites to remove. Manual testing \
shows which errors block a visitor and which only clutter the report.
"""


def test_a_post_never_ends_on_the_set_up_the_source_turns_against(tmp_path: Path) -> None:
    """"Clearly, these websites must go." is the source's straw man: the next sentence turns against it
    ("…, however, …"). A post that stops there says the opposite of the source (editors' MISLEADING, review
    r10)."""
    from workbench.engines.offline.units import Pool

    pillar = _pillar(tmp_path, TURN, "audit.md")
    pool = Pool.of(pillar)
    turned = {u.text for g in pool.groups for u in g.units if u.turned}
    assert any(t.endswith("Clearly, these websites must go.") for t in turned)
    drafts = [d for brand in ("northwind-advisory", "sunny-studio") for d in _drafts(pillar, brand)]
    assert drafts
    for d in drafts:
        lines = [line for p in d.parts for line in p.split("\n\n")]
        said = [line for line in lines if any(s.text[:30] in line for s in pillar.sentences)]
        assert said and not said[-1].rstrip(" 0123456789/").endswith("these websites must go."), d.text


def test_a_heading_the_brand_would_reword_does_not_open_a_post(tmp_path: Path) -> None:
    """"SEO Synergy" reworded by a brand that bans "synergy" reads mangled ("SEO teamwork, in three points:"):
    the heading does not become the opening; the list's own lines still may be posted."""
    text = ("---\ntitle: Social media and search\n---\n# Social media and search\n\n"
            "## Traffic and SEO Synergy\n\n"
            "- Amplification: Social channels give your articles their first readers within hours.\n"
            "- Brand search: Steady social visibility makes more people search for your brand by name.\n"
            "- Pathing: Social posts guide readers from a first look to a demo request.\n\n"
            "## Why it matters\n\n"
            "Search engines treat a rise in brand searches as a sign of authority. Posts that send readers to "
            "useful pages earn links that last longer than the post.\n")
    pillar = _pillar(tmp_path, text, "search.md")
    for brand in ("northwind-advisory", "sunny-studio"):
        for d in _drafts(pillar, brand):
            assert "synergy" not in d.text.lower() and "SEO teamwork" not in d.text \
                and "SEO collaboration" not in d.text, d.text


def _thread_of(tmp_path: Path, title: str, heading: str, items: list[str], after: str) -> Draft:
    """The X thread of a pillar that is one list of labelled bullets under a heading, then a short section."""
    text = (f"---\ntitle: {title}\n---\n# {title}\n\n## {heading}\n\n" + "".join(f"- {i}\n" for i in items)
            + f"\n## Why it matters\n\n{after}\n")
    (thread,) = _drafts(_pillar(tmp_path, text, "list.md"), variants=1, platforms=("x_thread",))
    return thread


def test_a_threads_payoff_is_not_the_rest_of_its_last_step(tmp_path: Path) -> None:
    """The second sentence of the last list item goes on from that item; as the thread's closing post it reads
    as a fourth step, not a takeaway (review r10): it stays with its step, and the last step carries the CTA."""
    thread = _thread_of(tmp_path, "Social media and search", "Driving traffic with social posts", [
        "Amplification: Social channels give your articles their first readers within hours.",
        "Brand search: Steady social visibility makes more people search for your brand by name.",
        "Pathing: Social posts guide readers from a first look to a demo request. While awareness starts on short "
        "video, longer posts send serious readers to the pages that convert."],
        "Search engines treat a rise in brand searches as a sign of authority.")
    assert "Social posts guide readers" in thread.text
    for part in thread.parts:
        assert ("While awareness starts" in part) <= ("Social posts guide readers" in part), thread.text
    assert thread.cta is not None and thread.cta.text in thread.parts[-1]


def test_each_thread_step_keeps_its_reason_where_it_fits(tmp_path: Path) -> None:
    """A list item's next sentence in its bullet is its reason; a step posted without it is the editors' THIN
    ("each step drops the source's reason": review r13). Where the reason and the CTA do not both fit the last
    post, the CTA stays and the reason goes."""
    thread = _thread_of(tmp_path, "Replies that build a community", "Community engagement and customer service", [
        "Response times: Agree on a response time for every question asked on social media. A fast answer settles "
        "most issues before they turn into public complaints.",
        "Human replies: Write replies in plain, friendly language instead of canned text. People come back to "
        "accounts that answer them like a person would.",
        "Customer stories: Share the stories and photos your customers post about you. Their words persuade new "
        "buyers better than any advert you could write yourself, and they cost you nothing to reuse once you have "
        "asked for permission."],
        "A community that gets answers recommends the brand to others.")
    steps = thread.parts[1:]
    assert "A fast answer settles most issues" in steps[0] and "Agree on a response time" in steps[0]
    assert "People come back to accounts" in steps[1] and "Write replies in plain" in steps[1]
    assert "Share the stories and photos" in steps[-1] and "Their words persuade" not in thread.text
    assert thread.cta is not None and thread.cta.text in steps[-1]
    assert all(get_platform("x_thread").fits(p) for p in thread.parts)


def test_a_passage_does_not_run_on_by_the_pillars_subject_or_a_common_verb(tmp_path: Path) -> None:
    """Every paragraph of a meetings article says "meetings", and two tips may both "start": neither links a
    start-on-time tip to the next paragraph's pleasantries tip (review r10)."""
    from workbench.engines.offline.compose import options
    from workbench.engines.offline.units import Pool

    text = ("---\ntitle: How to run efficient meetings\n---\n# How to run efficient meetings\n\n"
            "## Starting well\n\n"
            "To build good habits, you need to start your meetings on time. If you start late, people will come "
            "later and later, because they learn that the first minutes do not count.\n\n"
            "Start your meetings with pleasantries and set a friendly tone. Nobody knows what the others were "
            "doing before the meeting, so a minute of small talk helps everyone arrive.\n")
    opts = options(Pool.of(_pillar(tmp_path, text, "meetings.md")))
    on_time = [o for o in opts if o.hook.startswith("To build good habits")]
    assert on_time and on_time[0].body
    assert not any("pleasantries" in u.text for o in on_time for u in o.body)


def test_save_this_closes_only_a_post_that_says_what_to_do(tmp_path: Path) -> None:
    """"Save this" and "Would you try this?" under an opinion or a story were the editors' CTA_MISMATCH (review
    r11): they close a list or a passage that tells the reader what to do."""
    from workbench.engines.offline.units import gives_advice
    from workbench.text import split_sentences

    pillar = _pillar(tmp_path)
    for brand in ("northwind-advisory", "sunny-studio"):
        for d in _drafts(pillar, brand):
            if d.cta is None or not re.search(r"\b(?:save|bookmark) (?:this|it)\b|\btry this\b", d.cta.text, re.I):
                continue
            body = d.text.replace(d.cta.text, " ")
            assert re.search(r"(?m)^(?:→|-) ", body) or any(
                gives_advice(s) for s in split_sentences(re.sub(r"[✨👉💡🙌☕]", " ", body))), d.text


MEMO = """---
title: Why community management matters
---
# Why community management matters

## Operational excellence

Professional community management is the continuous orchestration of organizational communication across every
channel, every market and every audience segment that the organization serves. It establishes institutional
accountability, operational consistency and reputational resilience for the organization and for every one of its
departments. Comprehensive measurement of engagement effectiveness enables systematic optimization of the
communication infrastructure across the entire organization and all of its regional divisions.

## Strategic alignment

Community management delivers strategic alignment between organizational objectives and audience expectations in
every market where the organization maintains a presence. Its effectiveness depends on the integration of
editorial governance, performance evaluation and stakeholder communication across the whole organization.
Institutional credibility is the cumulative consequence of consistent, professional interaction with every
audience the organization serves.

## Answer every comment

Answer every comment on your posts within a day, even the grumpy ones. People who get a reply come back, and the
people reading along see that someone is there: that is community management.
""" + "".join(
    f"\n## Tip {n}\n\nGood community management starts in your {topic}: open them once a day. "
    f"Reply to the {topic} people leave you. Keep a note of what they ask "
    f"about the {topic}. Thank them when they help. Then you will know what to post next about the {topic}.\n"
    for n, topic in enumerate(("inbox", "comments", "mentions", "reviews", "messages", "polls", "stories"), 1))


def test_a_casual_brand_is_not_offered_formal_prose_pasted_into_a_long_post(tmp_path: Path) -> None:
    """Source prose that reads as a memo (a hard grade, or corporate words: "orchestration", "accountability")
    across a long post is the rubric's VOICE, rated 2: a casual brand's later variants skip it and say why; the
    formal brand may post it, and the casual brand still gets the plain passage."""
    from workbench.scoring import MEMO_WORDS, casual_register

    pillar = _pillar(tmp_path, MEMO, "community.md")
    playful = load_brand("sunny-studio")
    notes: list[str] = []
    drafts = _drafts(pillar, "sunny-studio", notes=notes, platforms=("linkedin", "threads", "bluesky"))
    assert any("Answer every comment" in d.text for d in drafts)
    for d in drafts:
        reg = casual_register(d.text, playful)
        if d.variant > 0:
            assert not (reg and reg.memo and reg.words > MEMO_WORDS), d.text
    assert any("formal source prose" in n for n in notes), notes
    formal = _drafts(pillar, "northwind-advisory", platforms=("linkedin", "threads", "bluesky"))
    assert any("orchestration" in d.text or "strategic alignment" in d.text for d in formal)


MAPS = """# How we compare our websites

Every quarter our team compares the sites we run, so each site team knows where to put its next month of work.

## Scores as maps

We score every site on speed, accessibility and search. We draw the scores as maps of each site, one ring for each
measure, so a team sees its weak spots at a glance. The maps go to every site team in the same week.

But even maps that hold several kinds of data miss some nuance. One site is a plain page of text, whereas another
runs a payment form with many more moving parts. To show this nuance, the research team pairs these maps with
interviews of the people who run each site. Interviews show what a score cannot: why a page is hard to use.

## What changed

Teams that read both the maps and the interviews fixed their slowest pages first. Search traffic to those pages
rose within two months, and support tickets about them fell.
"""


def test_a_post_never_meets_this_nuance_without_the_sentence_that_names_it(tmp_path: Path) -> None:
    """A passage stops before a "this nuance" or "these maps" whose naming sentence the post left out
    (`units.reaches_past`, the scorer's `dangling_far_ref`)."""
    from workbench.engines.offline.units import reaches_past

    pillar = _pillar(tmp_path, MAPS, "maps.md")
    at = next(i for i, s in enumerate(pillar.sentences) if s.text.startswith("To show this nuance"))
    assert reaches_past(pillar.sentences, (at - 1, at))
    assert not reaches_past(pillar.sentences, (at - 1, at), frozenset({pillar.sentences[at - 2].id}))
    drafts = [d for b in ("northwind-advisory", "sunny-studio") for d in _drafts(pillar, b)]
    assert drafts
    for d in drafts:
        if "this nuance" in d.text:
            assert "miss some nuance" in d.text, d.text
        assert "dangling_far_ref" not in str(d.score), d.text
