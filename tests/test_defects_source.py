"""The checks that read the pillar (source.py) and the checks across one run's drafts (cross.py): for each
code a draft that must be flagged, a near miss that must not, and spans on the right words. The pillar and
the drafts are made up here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.brand import BrandVoice, load_brand
from workbench.defects import Context, Finding, SourceIndex, detect
from workbench.defects.cross import cross_check
from workbench.drafts import Draft
from workbench.pillar import load_pillar
from workbench.platforms import get_platform
from workbench.rubric import Defect

ROOT = Path(__file__).resolve().parents[1]
FORMAL = load_brand(ROOT / "brand_voice/northwind-advisory.yaml")
PLAYFUL = load_brand(ROOT / "brand_voice/sunny-studio.yaml")
SHARED = ROOT.parent / "shared"

PILLAR = """---
title: Water your garden less, grow more
---
# Water your garden less, grow more

Most home gardeners water a little every evening, whenever they remember. Shallow watering keeps roots near the
surface, and the plants wilt on the first hot day. Deep watering fixes that: you soak each bed once a week.

## Why deep watering works

A trial by the Lakeside Horticulture Institute found that it takes about 40 minutes for water to reach the deep
roots of a tomato plant. A gardener who waters in seven short sessions a week wastes most of that water on
evaporation. One long soak replaces them.

Deep watering also improves soil. When the surface dries between soaks, you see fewer weeds and less mould.

## How to run a soaking day

- Pick one bed: the vegetables, the flowers or the herbs.
- Lay a soaker hose along each row of plants.
- Run the hose early in the morning before the sun is high.
- Check the soil with a finger two inches down.
- Cover the bed with mulch to keep the moisture in.

## What to measure

Track harvest weight rather than leaf count. Gardeners who switched to deep watering in our pilot used 3 times
less water over the same season, and their tomato yield rose from 4.1 kg to 5.3 kg per plant. Mulch can reduce
evaporation by half in dry weeks.

Start small: soak one bed, weigh the harvest, then soak the garden.
"""


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> SourceIndex:
    path = tmp_path_factory.mktemp("pillar") / "deep-watering.md"
    path.write_text(PILLAR, encoding="utf-8")
    return SourceIndex.of(load_pillar(path))


def found(text: str, source: SourceIndex | None, platform: str = "linkedin", brand: BrandVoice = FORMAL,
          code: Defect | None = None) -> list[Finding]:
    spec = get_platform(platform)
    parts = [p.strip() for p in text.split("\n---\n")] if spec.is_thread else [text]
    draft = Draft(platform=spec.name, parts=parts)
    out = detect(Context(draft, brand, spec, source))
    return [f for f in out if code is None or f.code is code]


def spanned(text: str, finding: Finding) -> str:
    assert finding.span is not None
    return text[finding.span[0]:finding.span[1]]


# -- ORDER ------------------------------------------------------------------------------------------------------

SALAD = (
    "Start small: soak one bed, weigh the harvest, then soak the garden.\n\n"
    "A trial by the Lakeside Horticulture Institute found that it takes about 40 minutes for water to reach the "
    "deep roots of a tomato plant.\n\n"
    "Track harvest weight rather than leaf count.\n\n"
    "Most home gardeners water a little every evening, whenever they remember.\n\n"
    "#NorthwindAdvisory"
)
IN_ORDER = (
    "Most home gardeners water a little every evening, whenever they remember.\n\n"
    "A trial by the Lakeside Horticulture Institute found that it takes about 40 minutes for water to reach the "
    "deep roots of a tomato plant.\n\n"
    "Track harvest weight rather than leaf count.\n\n"
    "Start small: soak one bed, weigh the harvest, then soak the garden."
)


def test_order_flags_extracted_sentences_out_of_source_order(source: SourceIndex) -> None:
    hits = found(SALAD, source, code=Defect.ORDER)
    assert len(hits) == 1 and hits[0].rule == "order_source_inversions"
    assert spanned(SALAD, hits[0]).startswith("A trial by the Lakeside")


def test_order_is_quiet_for_source_order_paraphrase_and_no_source(source: SourceIndex) -> None:
    assert not found(IN_ORDER, source, code=Defect.ORDER)
    paraphrase = ("Your tomatoes want one long drink, not seven sips.\n\nSoak the bed weekly and watch the weeds "
                  "vanish.\n\nMost gardeners water nightly out of habit.\n\nWeigh what you pick.")
    assert not found(paraphrase, source, code=Defect.ORDER)
    assert not found(SALAD, None, code=Defect.ORDER)


def test_order_needs_more_than_a_hook_and_one_point(source: SourceIndex) -> None:
    two = ("Start small: soak one bed, weigh the harvest, then soak the garden.\n\n"
           "Most home gardeners water a little every evening, whenever they remember.")
    assert not found(two, source, code=Defect.ORDER)


MEETINGS = """# Run a shorter meeting

Many people spend a large share of their time in meetings, and without structure they can waste that time.

## Roles

- Leader: whoever convened the meeting and will end the meeting when the agenda is completed.

## The agenda

Your meeting should have a complete agenda. The agenda both holds the content of the meeting and tells you when
the meeting is over. When the agenda is completed, the meeting should end.
"""


@pytest.fixture(scope="module")
def meetings(tmp_path_factory: pytest.TempPathFactory) -> SourceIndex:
    path = tmp_path_factory.mktemp("pillar") / "meetings.md"
    path.write_text(MEETINGS, encoding="utf-8")
    return SourceIndex.of(load_pillar(path))


def test_order_reads_a_verbatim_sentence_as_itself_not_an_earlier_one_holding_its_words(
        meetings: SourceIndex) -> None:
    """"When the agenda is completed, the meeting should end." is the agenda paragraph's last sentence, not the
    earlier list item that holds the same words: the paragraph copied whole is in order."""
    passage = ("Your meeting should have a complete agenda.\n\nThe agenda both holds the content of the meeting and "
               "tells you when the meeting is over.\n\nWhen the agenda is completed, the meeting should end.")
    assert not found(passage, meetings, code=Defect.ORDER)
    salad = ("When the agenda is completed, the meeting should end.\n\nYour meeting should have a complete agenda."
             "\n\nThe agenda both holds the content of the meeting and tells you when the meeting is over.")
    assert found(salad, meetings, code=Defect.ORDER)


def test_misleading_is_quiet_when_the_qualifier_stays_in_another_clause(meetings: SourceIndex) -> None:
    whole = "Many people spend a large share of their time in meetings, and without structure they can waste that time."
    assert not found(whole, meetings, code=Defect.MISLEADING)
    cut = "Many people spend a large share of their time in meetings, and without structure they waste that time."
    assert found(cut, meetings, code=Defect.MISLEADING)


# -- DANGLING inside a post -------------------------------------------------------------------------------------

def test_dangling_pronoun_whose_source_antecedent_was_left_out(source: SourceIndex) -> None:
    text = ("Gardeners who switched to deep watering in one pilot used 3 times less water over the same season.\n\n"
            "One long soak replaces them.")
    hits = found(text, source, code=Defect.DANGLING)
    assert len(hits) == 1 and hits[0].rating == 4 and hits[0].blocking is False
    assert spanned(text, hits[0]) == "them"
    assert "sessions" in hits[0].message


def test_dangling_is_quiet_when_the_draft_keeps_the_antecedent(source: SourceIndex) -> None:
    text = ("A gardener who waters in seven short sessions a week wastes most of that water on evaporation.\n\n"
            "One long soak replaces them.")
    assert not found(text, source, code=Defect.DANGLING)
    assert not found("Water less.\n\nOne long soak replaces them.", None, code=Defect.DANGLING)


def test_dangling_pronoun_put_where_the_source_names_a_thing(source: SourceIndex) -> None:
    text = "Evenings are busy. Check it with a finger two inches down."
    hits = found(text, source, code=Defect.DANGLING)
    assert len(hits) == 1 and spanned(text, hits[0]) == "it" and "soil" in hits[0].message
    named = "The soil tells you. Check it with a finger two inches down."
    assert not found(named, source, code=Defect.DANGLING)


MAPS = """# Comparing websites

We score every site on speed, accessibility and search. We draw the scores as maps of each site, one ring for each
measure, so a team sees its weak spots at a glance.

Even maps that hold several kinds of data miss some nuance. One site is a plain page of text, whereas another
runs a payment form with many more moving parts. To show this nuance, the research team pairs these maps with
interviews of the people who run each site.
"""


def test_dangling_reference_that_reaches_past_the_sentence_before(tmp_path: Path) -> None:
    """"To show this nuance, … these maps" after the sentence before it, with the one that names the nuance and
    the maps left out: the reader meets both unnamed (review r13 rated such a post 2, DANGLING and NO_CONTEXT)."""
    path = tmp_path / "maps.md"
    path.write_text(MAPS, encoding="utf-8")
    src = SourceIndex.of(load_pillar(path))
    cut = ("One site is a plain page of text, whereas another runs a payment form with many more moving parts.\n\n"
           "To show this nuance, the research team pairs these maps with interviews of the people who run each site.")
    hits = found(cut, src, code=Defect.DANGLING)
    assert len(hits) == 1 and hits[0].rule == "dangling_far_ref" and hits[0].rating == 3
    assert spanned(cut, hits[0]) == "this nuance" and "Even maps that hold" in hits[0].message
    whole = "Even maps that hold several kinds of data miss some nuance.\n\n" + cut
    assert not found(whole, src, code=Defect.DANGLING)


# -- MISLEADING ------------------------------------------------------------------------------------------------

def test_misleading_number_beside_another_series(source: SourceIndex) -> None:
    text = "Deep watering triples your harvest.\n\nSoak one bed this week."
    hits = found(text, source, code=Defect.MISLEADING)
    assert len(hits) == 1 and hits[0].rule == "misleading_number_series" and hits[0].rating == 1
    assert spanned(text, hits[0]).startswith("triples your harvest")
    later = "Soak one bed this week.\n\nIt also saves 40 minutes per bed."
    hits = found(later, source, code=Defect.MISLEADING)
    assert len(hits) == 1 and hits[0].rating == 2 and spanned(later, hits[0]).startswith("40 minutes")


def test_misleading_is_quiet_when_the_number_keeps_its_series(source: SourceIndex) -> None:
    text = ("In one pilot, gardeners used 3x less water over the same season.\n\n"
            "Water takes about 40 minutes to reach the deep roots of a tomato.\n\n"
            "Yield rose from 4.1 kg to 5.3 kg per plant.")
    assert not found(text, source, code=Defect.MISLEADING)
    assert not found("Deep watering triples your harvest.", None, code=Defect.MISLEADING)


def test_misleading_dropped_qualifier(source: SourceIndex) -> None:
    text = "Mulch reduces evaporation by half in dry weeks, so cover every bed."
    hits = found(text, source, code=Defect.MISLEADING)
    assert len(hits) == 1 and hits[0].rule == "misleading_dropped_qualifier" and hits[0].rating == 3
    assert "can" in hits[0].message
    kept = "Mulch can reduce evaporation by half in dry weeks, so cover every bed."
    assert not found(kept, source, code=Defect.MISLEADING)


# -- NO_CONTEXT ------------------------------------------------------------------------------------------------

def test_no_context_for_items_never_named() -> None:
    text = "Five steps, one season. Skip the fourth, and the first is wasted.\n\nWhich step do you skip?"
    hits = found(text, None, code=Defect.NO_CONTEXT)
    assert len(hits) == 1 and spanned(text, hits[0]) == "the fourth"
    named = ("Five steps, one season:\n1. Pick a bed.\n2. Lay the hose.\n3. Run it early.\n4. Check the soil.\n"
             "5. Mulch.\n\nSkip the fourth, and the first is wasted.")
    assert not found(named, None, code=Defect.NO_CONTEXT)


@pytest.mark.parametrize(("opening", "scene"), [
    ("Looking at the other beds in your plot, you realize that most of them were never mulched.", True),
    ("Excited, you start by soaking every bed for an hour.", True),
    ("You look closer and realize that the hose leaks at the tap.", True),
    ("When you realize a bed stays wet for days, water it less.", False),
    ("Before the season starts, you decide which beds get the hose.", False),
    ("Water early, then you lose less to evaporation.", False),
    ("The visitor waits while the garden page slowly loads.", True),
    ("The user is the one who decides when the beds get water.", False),
])
def test_no_context_for_an_opening_inside_the_sources_story(opening: str, scene: bool) -> None:
    """A hypothetical told as a story ("…, you realize…") means nothing to a reader who never heard it (review
    r10: "opens inside the source's hypothetical"); advice that says "when you realize" is not a scene."""
    text = f"{opening}\n\nMulch keeps the soil moist for twice as long."
    hits = [f for f in found(text, None, code=Defect.NO_CONTEXT) if f.rule == "no_context_scene"]
    assert bool(hits) is scene, opening


def test_no_context_for_acronyms_only_when_the_brand_speaks_plainly() -> None:
    text = "Track the NPK, the EC and the VPD of every bed, then compare the CEC."
    hits = found(text, None, brand=PLAYFUL, code=Defect.NO_CONTEXT)
    assert len(hits) == 1 and hits[0].rule == "no_context_acronyms"
    assert not found(text, None, brand=FORMAL, code=Defect.NO_CONTEXT)
    explained = ("Track nitrogen, phosphorus and potassium (NPK), the electrical conductivity (EC) and the vapour "
                 "pressure deficit (VPD) of every bed.")
    assert not found(explained, None, brand=PLAYFUL, code=Defect.NO_CONTEXT)


GARDEN = """# How a community garden cut its water bill

Brightwater is a community garden in Leeds run by twelve volunteers. Last spring the garden started a trial: every
bed got one long soak a week instead of a splash every evening. The trial used a soaker hose along each row. By
July, Brightwater volunteers had cut the water bill by a third.
"""


@pytest.fixture(scope="module")
def garden(tmp_path_factory: pytest.TempPathFactory) -> SourceIndex:
    path = tmp_path_factory.mktemp("garden") / "brightwater.md"
    path.write_text(GARDEN, encoding="utf-8")
    return SourceIndex.of(load_pillar(path))


def test_no_context_for_a_name_the_source_introduced_earlier(garden: SourceIndex) -> None:
    text = "By July, Brightwater volunteers had cut the water bill by a third."
    hits = found(text, garden, code=Defect.NO_CONTEXT)
    assert len(hits) == 1 and hits[0].rule == "no_context_name" and spanned(text, hits[0]) == "Brightwater"
    introduced = ("Brightwater is a community garden in Leeds run by twelve volunteers.\n\n" + text)
    assert not found(introduced, garden, code=Defect.NO_CONTEXT)


def test_no_context_for_a_thing_the_source_introduced_earlier(garden: SourceIndex) -> None:
    text = "The trial used a soaker hose along each row."
    hits = found(text, garden, code=Defect.NO_CONTEXT)
    assert len(hits) == 1 and hits[0].rule == "no_context_the" and spanned(text, hits[0]) == "The trial"
    set_up = ("Last spring the garden started a trial: every bed got one long soak a week instead of a splash every "
              "evening.\n\n" + text)
    assert not [f for f in found(set_up, garden, code=Defect.NO_CONTEXT) if f.rule == "no_context_the"]


def test_no_context_for_a_post_of_pronouns() -> None:
    text = "this is why it works so well. they love it, and it shows 🌱"
    hits = found(text, None, brand=PLAYFUL, platform="threads", code=Defect.NO_CONTEXT)
    assert len(hits) == 1 and hits[0].rule == "no_context_pronouns"
    plain = "deep watering works because roots follow the water down. your tomatoes will love it 🌱"
    assert not found(plain, None, brand=PLAYFUL, platform="threads", code=Defect.NO_CONTEXT)


# -- PERSONA ---------------------------------------------------------------------------------------------------

def test_persona_our_pilot_when_the_source_ran_it(source: SourceIndex) -> None:
    text = "In our pilot, gardeners used 3 times less water over the same season."
    hits = found(text, source, code=Defect.PERSONA)
    assert len(hits) == 1 and hits[0].rating == 4 and spanned(text, hits[0]) == "our pilot"
    assert not found("In one pilot, gardeners used 3 times less water over the same season.", source,
                     code=Defect.PERSONA)


def test_persona_another_company_speaking_as_we() -> None:
    text = "At Greenleaf Labs, we believe every garden deserves a plan."
    hits = found(text, None, code=Defect.PERSONA)
    assert len(hits) == 1 and hits[0].rating == 1 and spanned(text, hits[0]).startswith("At Greenleaf Labs")
    own = "At Northwind Advisory, we believe every plan deserves a measure. Tell us below which one you track."
    assert not found(own, None, code=Defect.PERSONA)


def test_persona_is_not_the_brands_own_cta(source: SourceIndex) -> None:
    text = "Soak one bed this week and weigh what you pick.\n\nWhich bed first? Tell me below 👇"
    assert not found(text, source, brand=PLAYFUL, platform="threads", code=Defect.PERSONA)



def test_persona_a_post_that_speaks_as_the_source_throughout_is_unusable(tmp_path: Path) -> None:
    """The rubric's 1: another organisation speaking as "we" for the whole post; one copied "we" is a 4."""
    path = tmp_path / "allotment-diary.md"
    path.write_text("# Our allotment diary\n\nWe water our beds every Sunday morning before the heat. We keep a log "
                    "of every harvest in a shared notebook. Our volunteers weigh the tomatoes each Friday.\n",
                    encoding="utf-8")
    diary = SourceIndex.of(load_pillar(path))
    throughout = "We water our beds every Sunday morning before the heat. We keep a log of every harvest."
    hits = found(throughout, diary, code=Defect.PERSONA)
    assert len(hits) == 1 and hits[0].rating == 1 and hits[0].blocking is True
    once = "We water our beds every Sunday morning before the heat. Weighing the harvest shows what works."
    hits = found(once, diary, code=Defect.PERSONA)
    assert len(hits) == 1 and hits[0].rating == 4 and hits[0].blocking is False

# -- THREAD_FLOW -----------------------------------------------------------------------------------------------

GOOD_THREAD = """a soaking day, in 4 steps 🧵 1/6
---
step 1: pick one bed. 2/6
---
step 2: lay a soaker hose along each row. 3/6
---
step 3: run it early, before the sun is high. 4/6
---
step 4: mulch the bed so the water stays. 5/6
---
one soak a week beats seven sips. which bed are you starting with? 6/6"""


def test_thread_flow_steps_out_of_sequence_and_no_payoff() -> None:
    text = GOOD_THREAD.replace("step 2:", "step X:").replace("step 4:", "step 2:").replace("step X:", "step 4:")
    text = text.rsplit("\n---\n", 1)[0].replace("5/6", "5/5").replace("/6", "/5")
    hits = found(text, None, platform="x_thread", brand=PLAYFUL, code=Defect.THREAD_FLOW)
    assert len(hits) == 1 and "1, 4, 3, 2" in hits[0].message and "wrap-up" in hits[0].message
    assert hits[0].where == "part 4"


def test_thread_flow_broken_counters_and_a_stray_list_number() -> None:
    text = "why soak? 1/3\n---\n4. Check the soil with a finger two inches down. 2/4\n---\nthat's it, try it. 3/3"
    hits = found(text, None, platform="x_thread", code=Defect.THREAD_FLOW)
    assert len(hits) == 1 and "2/4" in hits[0].message and "\"4.\"" in hits[0].message


def test_thread_flow_is_quiet_for_a_thread_in_sequence(source: SourceIndex) -> None:
    assert not found(GOOD_THREAD, source, platform="x_thread", brand=PLAYFUL, code=Defect.THREAD_FLOW)
    assert not found(SALAD, source, platform="linkedin", code=Defect.THREAD_FLOW)


# -- cross checks ----------------------------------------------------------------------------------------------

def test_same_hook_flags_every_platform_that_shares_the_opening() -> None:
    hook = "Your tomatoes are thirsty for the wrong reason 🍅"
    drafts = [Draft("linkedin", [f"{hook}\n\nSoak each bed once a week."]),
              Draft("x", ["your tomatoes are thirsty for the wrong reason!\n\nWater deep, not often. #Garden"]),
              Draft("threads", ["Seven sips a week keep roots shallow.\n\nSoak once instead."])]
    out = cross_check(drafts)
    assert {i for i, fs in out.items() if any(f.code is Defect.SAME_HOOK for f in fs)} == {0, 1}
    finding = next(f for f in out[0] if f.code is Defect.SAME_HOOK)
    assert finding.span is not None and drafts[0].text[finding.span[0]:finding.span[1]] == hook


def test_same_hook_is_not_judged_within_one_platform() -> None:
    drafts = [Draft("x", ["Water deep, not often.\n\nOne soak a week."], variant=1),
              Draft("x", ["Water deep, not often.\n\nRoots follow the water."], variant=2)]
    assert not any(f.code is Defect.SAME_HOOK for fs in cross_check(drafts).values() for f in fs)


BODY = ("Most gardeners water a little every evening.\n\nShallow watering keeps roots near the surface.\n\n"
        "Soak each bed once a week instead.")


def test_variant_clone_flags_the_later_variant_of_a_rotation_or_retag() -> None:
    first, *rest = BODY.split("\n\n")
    rotated = "\n\n".join([*rest, first])
    drafts = [Draft("linkedin", [BODY + "\n\n#Gardening"], variant=1),
              Draft("linkedin", [rotated + "\n\n#Tomatoes #Soil"], variant=2),
              Draft("x", [BODY], variant=1)]
    out = cross_check(drafts)
    clones = {i for i, fs in out.items() if any(f.code is Defect.VARIANT_CLONE for f in fs)}
    assert clones == {1}


def test_variant_clone_is_quiet_for_variants_that_share_facts_only() -> None:
    other = ("Your tomato roots go where the water goes.\n\nGive them one long soak a week and they dig deep.\n\n"
             "Weigh the harvest in August and compare.")
    drafts = [Draft("linkedin", [BODY], variant=1), Draft("linkedin", [other], variant=2)]
    assert not cross_check(drafts)


# -- against the editor's file, when it is there -----------------------------------------------------------------

def test_editor_file_codes_are_found() -> None:
    data = SHARED / "eval" / "editor-ratings.jsonl"
    if not data.is_file():
        pytest.skip(f"{data} is not here (the shared evaluation set is outside the project)")
    import sys
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from quality_eval import evaluate  # type: ignore[import-not-found]

    rows = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines() if line.strip()]
    report = evaluate(rows)
    for code in ("ORDER", "MISLEADING", "PERSONA", "THREAD_FLOW", "SAME_HOOK", "VARIANT_CLONE", "NO_CONTEXT"):
        assert report["codes"][code]["recall"] >= 0.7, code
        assert report["codes"][code]["precision"] >= 0.7, code


def test_misleading_a_number_stated_exactly_where_the_source_approximates_it(source: SourceIndex) -> None:
    exact = "A trial found that water takes 40 minutes to reach the deep roots of a tomato plant."
    hits = [f for f in found(exact, source, code=Defect.MISLEADING) if f.rule == "misleading_dropped_approximation"]
    assert len(hits) == 1 and spanned(exact, hits[0]) == "40" and hits[0].blocking is True
    for kept in ("A trial found that water takes about 40 minutes to reach the deep roots of a tomato plant.",
                 "water takes like 40 minutes to reach the deep roots of a tomato 🍅"):
        assert not [f for f in found(kept, source, code=Defect.MISLEADING)
                    if f.rule == "misleading_dropped_approximation"], kept


def test_misleading_an_absolute_where_the_source_hedges(tmp_path: Path) -> None:
    path = tmp_path / "meetings.md"
    path.write_text("# Shorter meetings\n\nDo not assume all meetings need 30 or 60 minutes. Teams often book 15 "
                    "or 45 minutes instead, so people can breathe between calls.\n", encoding="utf-8")
    meetings = SourceIndex.of(load_pillar(path))
    claim = "Every meeting should be booked for 15 or 45 minutes."
    hits = [f for f in found(claim, meetings, code=Defect.MISLEADING) if f.rule == "misleading_absolute"]
    assert len(hits) == 1 and spanned(claim, hits[0]) == "Every" and hits[0].rating == 3
    for fine in ("Do not assume every meeting needs 30 or 60 minutes.",
                 "Teams often book 15 or 45 minutes, so people can breathe between calls."):
        assert not [f for f in found(fine, meetings, code=Defect.MISLEADING) if f.rule == "misleading_absolute"]


# -- NO_CONTEXT: a post of a long pillar that never says what it is about ---------------------------------------

@pytest.fixture(scope="module")
def long_garden(tmp_path_factory: pytest.TempPathFactory) -> SourceIndex:
    """The garden pillar grown past `SUBJECT_PILLAR` sentences: a long piece covers more than its subject."""
    more = "\n\n".join(f"Bed {n} gets its soak on day {n} of the plan, and the hose stays on for an hour."
                       for n in range(1, 31))
    path = tmp_path_factory.mktemp("long") / "deep-watering-long.md"
    path.write_text(PILLAR + "\n## The plan\n\n" + more + "\n", encoding="utf-8")
    return SourceIndex.of(load_pillar(path))


def test_no_context_when_a_post_of_a_long_pillar_never_names_its_subject(long_garden: SourceIndex) -> None:
    from workbench.defects.source import SUBJECT_PILLAR

    assert len(long_garden.sentences) >= SUBJECT_PILLAR
    off = ("Track harvest weight rather than leaf count.\n\nMulch can reduce evaporation by half in dry weeks.\n\n"
           "Follow Northwind Advisory for weekly analysis.")
    hits = [f for f in found(off, long_garden, code=Defect.NO_CONTEXT) if f.rule == "no_context_off_subject"]
    assert len(hits) == 1 and "garden" in hits[0].message and hits[0].rating == 3
    on = off.replace("Mulch can", "In a garden, mulch can")
    assert not [f for f in found(on, long_garden, code=Defect.NO_CONTEXT) if f.rule == "no_context_off_subject"]
    # the CTA and the tags do not say it for the post
    tagged = off + "\n\n#Garden #Watering"
    assert [f for f in found(tagged, long_garden, code=Defect.NO_CONTEXT) if f.rule == "no_context_off_subject"]


def test_no_context_off_subject_is_quiet_for_a_short_pillar_and_no_source(source: SourceIndex) -> None:
    off = "Track harvest weight rather than leaf count.\n\nMulch can reduce evaporation by half in dry weeks."
    assert not [f for f in found(off, source) if f.rule == "no_context_off_subject"]
    assert not [f for f in found(off, None) if f.rule == "no_context_off_subject"]


def test_subject_words_come_from_the_title_and_a_social_post_names_social_media() -> None:
    from workbench.keyphrases import names_subject, subject_words

    assert subject_words("Five Insider Secrets to Engaging Emails") == {"engaging", "email"}
    assert subject_words("Back to basics in the age of AI") == {"ai"}
    assert subject_words("How to run an efficient meeting") == {"efficient", "meeting"}
    social = subject_words("What Is Social Media Management and Why It Matters")
    assert names_subject("Track shares and saves, not just likes.", social)
    assert not names_subject("Track shares and saves, not just likes.", subject_words("How to run a meeting"))
    assert names_subject("Anything at all.", frozenset())
