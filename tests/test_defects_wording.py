"""The draft-only detectors (`workbench/defects/wording.py`): a hit and a near miss for each code, and spans
that point at the words. Every draft here is made up; the editor's file is read only by the last test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.brand import load_brand
from workbench.defects import Context, Finding, detect
from workbench.drafts import Draft
from workbench.platforms import get_platform
from workbench.rubric import Defect

FORMAL = load_brand("northwind-advisory")
PLAYFUL = load_brand("sunny-studio")
SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval" / "editor-ratings.jsonl"


def found(text: str, platform: str = "linkedin", brand: str = "formal", title: str | None = None,
          parts: list[str] | None = None) -> list[Finding]:
    spec = get_platform(platform)
    draft = Draft(platform=spec.name, parts=parts or [text], title=title)
    return detect(Context(draft, FORMAL if brand == "formal" else PLAYFUL, spec))


def codes(*args: object, **kwargs: object) -> set[Defect]:
    return {f.code for f in found(*args, **kwargs)}  # type: ignore[arg-type]


def one(code: Defect, text: str, **kwargs: object) -> Finding:
    hits = [f for f in found(text, **kwargs) if f.code is code]  # type: ignore[arg-type]
    assert hits, f"no {code} in {text!r}"
    return hits[0]


def spanned(f: Finding, text: str) -> str:
    assert f.span is not None
    return text[f.span[0]:f.span[1]]


BODY = ("Quarterly reviews catch problems early. A team that compares its channels every quarter moves budget "
        "before a weak channel costs a whole year.")


# -- EMPTY ----------------------------------------------------------------------------------------------

def test_a_cta_and_tags_alone_are_empty() -> None:
    text = "Follow Northwind Advisory for weekly analysis.\n\n#NorthwindAdvisory #Marketing"
    f = one(Defect.EMPTY, text)
    assert f.rating == 1 and spanned(f, text) == "Follow Northwind Advisory for weekly analysis."


def test_one_line_of_content_is_not_empty() -> None:
    assert Defect.EMPTY not in codes("Budgets follow results.\n\nFollow Northwind Advisory for weekly analysis.")


def test_one_question_about_an_unnamed_they_is_empty() -> None:
    text = ("Do they respond better to one button that points to a short video?\n\n"
            "Follow Northwind Advisory for weekly analysis.\n\n#EmailMarketing")
    f = one(Defect.EMPTY, text, platform="tiktok")
    assert f.rating == 1 and spanned(f, text).startswith("Do they respond")
    assert [g.code for g in found(text, platform="tiktok")].count(Defect.DANGLING) == 1  # told once
    named = text.replace("Do they", "Do subscribers")
    assert Defect.EMPTY not in codes(named, platform="tiktok")


# -- THIN -----------------------------------------------------------------------------------------------

def test_two_questions_and_nothing_else_are_empty() -> None:
    """The rubric's EMPTY: nothing beyond the CTA, the tags or a bare rhetorical question."""
    text = "Are your reports telling you anything?\n\nWhich of these does your team measure today? Tell us."
    f = one(Defect.EMPTY, text, platform="threads")
    assert f.rating == 1 and f.rule == "empty_questions"
    assert one(Defect.THIN, text, platform="threads").rating == 1  # the rubric's "two questions and nothing else"


def test_one_short_statement_is_thin() -> None:
    text = "Review your channels often.\n\n#NorthwindAdvisory"
    f = one(Defect.THIN, text, platform="x")
    assert spanned(f, text) == "Review your channels often."


def test_a_statement_with_its_reason_is_not_thin() -> None:
    assert Defect.THIN not in codes(BODY, platform="x")


def test_one_long_lifted_claim_with_no_reason_is_thin() -> None:
    text = ("Effective social media management requires a structured, multi-disciplinary approach that spans "
            "content, community, and measurement.\n\n#NorthwindAdvisory")
    f = one(Defect.THIN, text, platform="bluesky")
    assert f.rule == "thin_single" and f.rating == 3
    reasoned = ("Post fewer times a week, because each extra post on the same day splits the replies the first one "
                "would have had.\n\n#NorthwindAdvisory")
    purpose = ("To avoid overloading inboxes, keep a shared calendar of every message your team sends to "
               "staff.\n\n#NorthwindAdvisory")
    assert Defect.THIN not in codes(reasoned, platform="bluesky")
    assert Defect.THIN not in codes(purpose, platform="bluesky")


@pytest.mark.parametrize("opening", ["Lastly, organisations may work with influencers to build trust.",
                                     "Yet, for many companies, social media remains a reactive function.",
                                     "At the same time, the tools can repeat the biases of their data.",
                                     "Another aspect is how long each test takes to run.",
                                     "With all of that done, you will revisit the next steps as appropriate.",
                                     "To further complicate things, the site has grown for ten years.",
                                     "A great example in the open source world is the Apache Software Foundation."])
def test_a_post_that_opens_mid_argument_dangles_and_hooks_weakly(opening: str) -> None:
    text = f"{opening}\n\nKeep the plan to one page so the whole team reads it."
    assert {Defect.DANGLING, Defect.HOOK_WEAK} <= codes(text)
    word = opening.split(",")[0].split()[0]
    assert spanned(one(Defect.DANGLING, text), text).startswith(word)


@pytest.mark.parametrize("opening, aside", [
    ("Imagine, for instance, that you have been asked to write a staff handbook.", "for instance"),
    ("Meetings, however, rarely end when the agenda says they will.", "however"),
])
def test_an_aside_in_the_first_sentence_goes_on_from_a_point_never_made(opening: str, aside: str) -> None:
    text = f"{opening}\n\nKeep the plan to one page so the whole team reads it."
    f = one(Defect.DANGLING, text)
    assert spanned(f, text) == aside and f.rule == "start_aside"
    assert Defect.DANGLING not in codes("Send the agenda, for instance a one-page outline, a day ahead.")


def test_also_in_the_first_sentence_adds_to_a_point_never_made() -> None:
    text = "To avoid overloading inboxes, we've also found a shared calendar for sending messages helps."
    f = one(Defect.DANGLING, text)
    assert spanned(f, text) == "also" and f.rating == 4
    assert Defect.DANGLING not in codes("Every post your team publishes is also an SEO asset.")
    assert Defect.DANGLING not in codes("Not only do you save time, you also post more often.")


def test_also_after_a_short_subject_and_other_after_a_done_verb_point_back() -> None:
    """"Some platforms also tend to cost more" adds to a point never made; "After you've covered other
    introductory material" points to things never named (review r11)."""
    text = "Some platforms also tend to generate higher costs.\n\nCompare rates before you sign anything."
    f = one(Defect.DANGLING, text)
    assert spanned(f, text) == "also" and f.rule == "start_also"
    assert Defect.DANGLING not in codes("Every post is also an SEO asset, so write it to be found.")
    text = ("After you've covered other introductory material, introduce the participants.\n\n"
            "Keep each introduction to one line.")
    f = one(Defect.DANGLING, text)
    assert spanned(f, text) == "other" and f.rule == "start_other"
    assert Defect.DANGLING not in codes("Teams that planned other ways than a calendar posted less often.")
    assert Defect.DANGLING not in codes("Unlike other tools, a shared calendar shows every post in one place.")


def test_a_video_caption_of_a_hook_and_a_prompt_is_not_thin() -> None:
    text = "Is your calendar running you?\n\nFollow Northwind Advisory for weekly analysis."
    assert Defect.THIN not in codes(text, platform="tiktok")
    assert Defect.THIN in codes(text, platform="x")


# -- META -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "rule"), [
    ("Meta Description (155 characters): Learn how quarterly reviews save budget.", "meta_seo"),
    ("{{opening_line}}", "meta_template"),
    ("## The short version", "meta_heading"),
    ("categories: [reporting, budgets]", "meta_front_matter"),
    ("Channel Reviews Made Simple", "meta_heading"),
    ("Budget Planning: This means moving money toward the channel that converts.", "meta_label"),
])
def test_pasted_text_is_meta(line: str, rule: str) -> None:
    text = f"{BODY}\n\n{line}\n\nFollow Northwind Advisory for weekly analysis."
    f = one(Defect.META, text)
    assert f.rule == rule
    assert spanned(f, text) in line


def test_a_template_variable_is_rating_1() -> None:
    assert one(Defect.META, f"{BODY}\n\n{{cta_link}}").rating == 1


@pytest.mark.parametrize("line", [
    "The fix: compare channels once a quarter.",
    "Our advice: start with one channel.",
    "YouTube: a short walkthrough",
    "1. Pick the channel that converts.",
    "Tip: Keep the review to one hour.",
])
def test_sentences_with_a_colon_are_not_meta(line: str) -> None:
    assert Defect.META not in codes(f"{BODY}\n\n{line}")


def test_the_youtube_title_is_not_meta() -> None:
    assert Defect.META not in codes(BODY, platform="youtube_shorts", title="Quarterly Channel Reviews")


# -- SPEECH ---------------------------------------------------------------------------------------------

def test_an_unpunctuated_spoken_run_is_speech() -> None:
    text = ("so uh what we do every quarter is we look at the numbers and then we kind of move the money to "
            "whatever channel is working and um that is basically the whole thing really")
    f = one(Defect.SPEECH, text, platform="tiktok")
    assert f.rule == "speech_run" and f.rating in (1, 2)


def test_light_fillers_are_rating_3() -> None:
    text = "so, um, here's the deal: review your channels every quarter. it takes like 20 minutes."
    f = one(Defect.SPEECH, text, platform="tiktok", brand="playful")
    assert f.rating == 3 and spanned(f, text) == "um"


def test_a_plain_casual_post_is_not_speech() -> None:
    text = "you know what works? one review a quarter. compare channels, move the money, done. a like is nice."
    assert Defect.SPEECH not in codes(text, platform="threads", brand="playful")


# -- FRAGMENT -------------------------------------------------------------------------------------------

def test_a_paragraph_cut_on_a_function_word_is_a_fragment() -> None:
    text = "Quarterly reviews move budget toward the channels that convert and\n\n#NorthwindAdvisory"
    f = one(Defect.FRAGMENT, text)
    assert spanned(f, text) == "and" and f.rating == 1


def test_an_unclosed_bracket_is_a_fragment() -> None:
    text = "Review every channel each quarter (cost per lead, conversion rate."
    f = one(Defect.FRAGMENT, text)
    assert spanned(f, text).startswith("(cost per lead")


def test_a_cut_in_one_part_of_a_thread_is_rating_3() -> None:
    parts = ["Quarterly reviews, in three steps. 1/4", "1. List every channel and its cost. 2/4",
             "2. Compare the conversion rates of 3/4", "3. Move the budget to the winner. 4/4"]
    f = one(Defect.FRAGMENT, "", platform="x_thread", parts=parts)
    assert f.rating == 3 and f.where == "part 3"


def test_a_thread_post_that_is_only_a_heading_is_a_fragment() -> None:
    parts = ["Quarterly reviews catch problems early, in three steps. 1/4",
             "Step 1: List Every Channel: 2/4", "Compare the conversion rate of each channel. 3/4",
             "Move the budget to the winner before the next quarter starts. 4/4"]
    f = one(Defect.FRAGMENT, "", platform="x_thread", parts=parts)
    assert f.rating == 3 and f.where == "part 2"
    # the same heading introducing the post's own sentence is a label (META), not a missing point
    parts[1] = "Step 1: List every channel and what it cost last quarter. 2/4"
    assert Defect.FRAGMENT not in codes("", platform="x_thread", parts=parts)


def test_complete_text_and_casual_lines_are_not_fragments() -> None:
    assert Defect.FRAGMENT not in codes(BODY + " (Every quarter.)")
    assert Defect.FRAGMENT not in codes("start with one channel 🗓️\n\nreview it in a month", platform="threads",
                                        brand="playful")


# -- TITLE_BAD ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("title", ["quarterly_review_final_v2.mp4", "how-to-review-your-channels",
                                   "cost per lead, conversion rate).", "{{title}}"])
def test_bad_titles(title: str) -> None:
    f = one(Defect.TITLE_BAD, BODY, platform="youtube_shorts", title=title)
    assert f.where == "title" and f.span is None


@pytest.mark.parametrize("title", ["How to review your channels in one hour", "review your channels in 1 hour ☕"])
def test_good_titles(title: str) -> None:
    assert Defect.TITLE_BAD not in codes(BODY, platform="youtube_shorts", title=title)


# -- HOOK_WEAK ------------------------------------------------------------------------------------------

def test_an_announcing_opening_is_a_weak_hook() -> None:
    text = f"In this post, we look at quarterly channel reviews.\n\n{BODY}"
    f = one(Defect.HOOK_WEAK, text)
    assert spanned(f, text) == "In this post, we look at quarterly channel reviews."


def test_a_label_opening_in_a_feed_preview_is_a_weak_hook() -> None:
    text = f"Budget Planning: This means moving money toward the channel that converts.\n\n{BODY}"
    f = one(Defect.HOOK_WEAK, text)
    assert spanned(f, text) == "Budget Planning:"


def test_a_point_first_opening_is_not_a_weak_hook() -> None:
    assert Defect.HOOK_WEAK not in codes(BODY)


# -- LINK_PHRASE ----------------------------------------------------------------------------------------

def test_link_below_with_the_link_on_the_same_line() -> None:
    text = f"{BODY}\n\nRead the full guide at the link below. https://northwind.example/insights"
    f = one(Defect.LINK_PHRASE, text)
    assert spanned(f, text) == "at the link below"


def test_link_below_with_no_link() -> None:
    assert one(Defect.LINK_PHRASE, f"{BODY}\n\nRead the full guide at the link below.").rule == "link_below"


def test_link_below_where_links_are_dead() -> None:
    text = f"{BODY}\n\nThe guide is at the link below.\nhttps://northwind.example/insights"
    assert Defect.LINK_PHRASE in codes(text, platform="instagram")
    assert Defect.LINK_PHRASE not in codes(text, platform="linkedin")


def test_link_in_bio_where_there_is_no_bio_convention() -> None:
    text = f"{BODY}\n\nGrab the planner, link in bio."
    assert one(Defect.LINK_PHRASE, text, platform="facebook").rule == "link_bio"
    assert Defect.LINK_PHRASE not in codes(text, platform="instagram")
    assert Defect.LINK_PHRASE not in codes(text, platform="tiktok")
    assert Defect.LINK_PHRASE in codes(text + " https://sunny.example/planner", platform="instagram")


# -- HASHTAG_JUNK ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("tag", ["#Quarter", "#MoveYour", "#Uh", "#Portland", "#ReviewYourChannelsEveryQuarter",
                                 "#ChannelDesk"])
def test_junk_tags(tag: str) -> None:
    text = f"{BODY} Our Portland office runs a channel desk.\n\n#Marketing {tag}"
    f = one(Defect.HASHTAG_JUNK, text)
    assert spanned(f, text) == tag and f.rating == 4


def test_a_specific_tag_needs_the_post_to_be_about_it() -> None:
    assert Defect.HASHTAG_JUNK in codes(f"{BODY}\n\n#CustomerService")
    about = "Answer customer complaints within an hour; a slow reply turns into a public one."
    assert Defect.HASHTAG_JUNK not in codes(f"{about}\n\n#CustomerService")


def test_topic_and_brand_tags_are_fine() -> None:
    text = f"{BODY}\n\n#NorthwindAdvisory #SocialMedia #MarketingAnalytics #contentplanning #Productivity"
    assert Defect.HASHTAG_JUNK not in codes(text)


# -- CTA_MISMATCH ---------------------------------------------------------------------------------------

def test_a_which_one_cta_with_nothing_to_pick_from() -> None:
    text = f"{BODY}\n\nWhich one are you trying first? Tell me below"
    f = one(Defect.CTA_MISMATCH, text, brand="playful")
    assert spanned(f, text) == "Which one are you trying first?"


def test_a_which_one_cta_after_a_list_fits() -> None:
    text = "Three checks:\n1. cost per lead\n2. conversion rate\n3. reply time\n\nWhich one are you trying first?"
    assert Defect.CTA_MISMATCH not in codes(text, brand="playful")


def test_a_library_cta_about_something_the_post_never_mentions() -> None:
    text = "Answer comments within the hour; people remember who replied.\n\n" \
           "Send this to the friend who still posts at 2am."
    assert one(Defect.CTA_MISMATCH, text, brand="playful").rule == "cta_off_topic"
    on_topic = "Posting at 2am helps nobody: schedule the week on Monday.\n\n" \
               "Send this to the friend who still posts at 2am."
    assert Defect.CTA_MISMATCH not in codes(on_topic, brand="playful")


# -- DANGLING at a start --------------------------------------------------------------------------------

def test_thats_why_at_the_start_is_a_one_word_fix() -> None:
    text = "That's why quarterly reviews pay for themselves.\n\nCompare channels, then move the budget."
    f = one(Defect.DANGLING, text)
    assert spanned(f, text) == "That's why" and f.rating == 4 and f.blocking is True
    assert f.rule.startswith("start_")


@pytest.mark.parametrize(("text", "words"), [
    ("They are the reason budgets drift.", "They"),
    ("This is why it works every quarter.", "This is why it"),
    ("move them to the channel that converts.", "them"),
    ("A team that reviews quarterly avoids those surprises.", "those surprises"),
])
def test_dangling_starts(text: str, words: str) -> None:
    f = one(Defect.DANGLING, text, platform="threads")
    assert spanned(f, text) == words and f.blocking is True


@pytest.mark.parametrize("text", [
    "It takes about an hour to review every channel.",
    "It is easy to skip the review when the numbers look fine.",
    "This week, review one channel.",
    "This is how we run the review: three numbers, one hour.",
    "Quarterly reviews catch problems early. That is why they work.",
])
def test_starts_that_are_not_dangling(text: str) -> None:
    assert Defect.DANGLING not in codes(text, platform="threads")


# -- the editor's file ----------------------------------------------------------------------------------

def test_recall_on_the_editors_file() -> None:
    if not SHARED.is_file():
        pytest.skip(f"{SHARED} is not here (the shared evaluation set is outside the repository)")
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from quality_eval import evaluate

    rows = [json.loads(line) for line in SHARED.read_text(encoding="utf-8").splitlines() if line.strip()]
    report = evaluate(rows, use_source=False)
    for code in ("EMPTY", "THIN", "META", "SPEECH", "FRAGMENT", "TITLE_BAD", "HOOK_WEAK", "LINK_PHRASE",
                 "HASHTAG_JUNK", "CTA_MISMATCH"):
        assert (report["codes"][code]["recall"] or 0) >= 0.7, code


# -- labels and headings an editor still sees, and tags the pillar is about --------------------------------

PILLAR = """---
title: Keeping the archive honest
---
# Keeping the archive honest

Archive debt grows when nobody owns old pages. Archive debt shows up as broken links and stale dates.

## Finding archive debt

Count the questions readers ask about old pages. Archive debt hides where nobody looks.
A storefront analogy appears once here.
"""


def with_pillar(tmp_path: Path, text: str, platform: str = "linkedin") -> list[Finding]:
    from workbench.defects import SourceIndex
    from workbench.pillar import load_pillar

    path = tmp_path / "archive.md"
    path.write_text(PILLAR, encoding="utf-8")
    spec = get_platform(platform)
    ctx = Context(Draft(platform=spec.name, parts=[text]), FORMAL, spec, SourceIndex.of(load_pillar(path)))
    return detect(ctx)


@pytest.mark.parametrize("line", [
    "Measuring the velocity of questions: Measure how often the same question comes back each month.",
    "No way to tell readers when a page was last updated: Readers cannot see whether a page is current.",
    "Subject Line - We keep it short and specific so readers know what the email is for.",
    "Key takeaway: Drop the ego.",
])
def test_pasted_list_labels_are_meta_and_a_weak_opening(line: str) -> None:
    text = f"{line}\n\nPlan the review before the quarter ends."
    f = one(Defect.META, text)
    assert text.startswith(spanned(f, text)) and spanned(f, text).rstrip(":-– ").strip()
    assert Defect.HOOK_WEAK in codes(text)


@pytest.mark.parametrize("line", [
    "One study found this: People return to a task about 23 minutes after an interruption.",
    "Here's the thing: You do not need more time, you need fewer restarts.",
    "The fix: batch the month in one afternoon.",
])
def test_a_sentence_with_a_colon_is_not_a_label(line: str) -> None:
    assert Defect.META not in codes(line + "\n\nPlan the review before the quarter ends.")


def test_a_heading_of_the_pillar_pasted_as_a_line_is_meta(tmp_path: Path) -> None:
    text = "Finding archive debt\n\nCount the questions readers ask about old pages."
    hits = [f for f in with_pillar(tmp_path, text) if f.code is Defect.META]
    assert hits and spanned(hits[0], text) == "Finding archive debt"
    assert not [f for f in with_pillar(tmp_path, "Finding archive debt is easier than it looks.")
                if f.code is Defect.META]


def test_a_tag_for_what_the_pillar_is_about_is_a_topic(tmp_path: Path) -> None:
    text = "Count the questions readers ask about old pages.\n\n#ArchiveDebt #Storefront #ArchiveTeam"
    junk = {spanned(f, text) for f in with_pillar(tmp_path, text) if f.code is Defect.HASHTAG_JUNK}
    # #ArchiveDebt is the pillar's subject (a heading and 3+ sentences); #Storefront appears once;
    # #ArchiveTeam ends on a word that names no subject
    assert junk == {"#Storefront", "#ArchiveTeam"}


def test_a_line_that_promises_what_never_comes_is_a_fragment() -> None:
    text = "Plan the review before the quarter ends.\n\nThe three checks we run:"
    f = one(Defect.FRAGMENT, text)
    assert f.rule == "fragment_open_colon" and spanned(f, text) == "The three checks we run:"
    listed = "The three checks we run:\n\n1. Traffic\n2. Errors\n3. Reports of broken links"
    assert Defect.FRAGMENT not in codes(listed)
    thread = ["Quarterly reviews catch problems early. A thread: 1/3", "1. Compare channels every quarter. 2/3",
              "2. Move budget before a weak channel costs a year. 3/3"]
    assert Defect.FRAGMENT not in codes("", platform="x_thread", parts=thread)


def test_a_post_that_opens_on_a_connective_starts_in_the_middle() -> None:
    text = ("In other words, a calendar set a month ahead keeps every platform fed.\n\n"
            "Plan the month in one afternoon.")
    f = one(Defect.DANGLING, text)
    assert f.rule == "start_connective" and spanned(f, text) == "In other words" and f.blocking
    assert Defect.DANGLING not in codes("A calendar set a month ahead keeps every platform fed.\n\n"
                                        "In other words, plan the month in one afternoon.")
    assert Defect.DANGLING not in codes("Thus far, three teams have tried the monthly calendar and kept it.")
    # inside a thread a later post may go on from the one before it
    thread = ["A calendar set a month ahead keeps every platform fed. 1/2",
              "In other words, plan the month in one afternoon. 2/2"]
    assert Defect.DANGLING not in codes("", platform="x_thread", parts=thread)


def test_a_marketing_cta_under_a_post_on_another_subject_does_not_fit() -> None:
    cta = "Follow for more tiny marketing wins."
    off = f"Drupal 7 ships with a new installer and a faster cache.\n\nUpgrade a test site first.\n\n{cta}"
    f = one(Defect.CTA_MISMATCH, off, brand="playful")
    assert f.rule == "cta_other_subject" and spanned(f, off) == cta
    on = f"Schedule a month of social posts in one afternoon.\n\nThe feed stays full while you work.\n\n{cta}"
    assert Defect.CTA_MISMATCH not in codes(on, brand="playful")


@pytest.mark.parametrize("opening, rule", [
    ("Building and protecting brand trust, in three points: 1/5", "hook_list_teaser"),
    ("Social media influencers typically have:", "hook_lead_in"),
    ("Technical debt is a term that refers to the hidden costs of a system's code.", "hook_definition"),
    ("A/B testing is the process of comparing two versions of an email.", "hook_definition"),
    ('"AI" refers to software that can do human-like tasks.', "hook_definition"),
    ("Understanding what SMM is means recognizing that it is a discipline.", "hook_definition"),
    ("To truly understand what SMM is, one must recognize that it is a loop.", "hook_definition"),
    ("While PMs vary in expertise, the hallmark of a great PM is knowing how to get things done.",
     "hook_concession"),
    ("Keep in mind that influencers may have a larger presence on certain platforms.", "hook_softener"),
    ("In the meantime, AI is already in use across the government.", "hook_softener"),
])
def test_an_opening_that_gives_no_reason_to_read_on_is_a_weak_hook(opening: str, rule: str) -> None:
    text = opening + "\n\nSend the agenda a day ahead so people come prepared."
    weak = [f for f in found(text) if f.code is Defect.HOOK_WEAK]
    assert [f.rule for f in weak] == [rule]


@pytest.mark.parametrize("opening", [
    "Send the agenda a day ahead so people come prepared.",
    "Professional social media management is the continuous execution of a disciplined four-stage process:",
    "Meetings that start late teach people to arrive late.",
])
def test_a_point_made_in_the_first_line_is_not_a_weak_hook(opening: str) -> None:
    assert Defect.HOOK_WEAK not in codes(opening + "\n\nEnd on time, too.")


def test_a_cta_that_promises_what_the_post_lacks_is_a_mismatch() -> None:
    one = ("Rewarding someone who shows up late harms a culture of timeliness.\n\n"
           "Save this so future-you can thank you later.")
    hits = [f for f in found(one, brand="playful") if f.code is Defect.CTA_MISMATCH]
    assert [f.rule for f in hits] == ["cta_nothing_to_keep"]
    two = one.replace("\n\nSave", " Start on time, and late arrivals learn to arrive on time.\n\nSave")
    assert Defect.CTA_MISMATCH not in codes(two, brand="playful")
