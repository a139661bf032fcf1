"""X weighted length against twitter-text's own conformance suite, and the other platforms' units."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from workbench.counting import X_V1, X_V3, XTextConfig, graphemes, mastodon_length, threads_length, utf8_bytes, x_count

SUITE = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "twitter-text"
V3_SECTIONS = ("WeightedTweetsWithDiscountedEmojiCounterTest", "UnicodeDirectionalMarkerCounterTest")


def _cases(section: str) -> list:
    if not (SUITE / "validate.yml").exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"conformance suite not found at {SUITE}"))]
    data = yaml.safe_load((SUITE / "validate.yml").read_text(encoding="utf-8"))["tests"][section]
    return [pytest.param(c, id=c["description"][:70]) for c in data]


@pytest.mark.parametrize("case", [c for s in V3_SECTIONS for c in _cases(s)])
def test_v3_weighted_length_valid_and_valid_range(case: dict) -> None:
    config = XTextConfig.from_file(SUITE / "config-v3.json")
    result = x_count(case["text"], config)
    expected = case["expected"]
    assert result.weighted_length == expected["weightedLength"]
    assert result.valid == expected["valid"]
    assert result.permillage == expected["permillage"]
    assert (0, result.valid_range_end) == (expected["validRangeStart"], expected["validRangeEnd"])
    assert result.display_range_end == expected["displayRangeEnd"]


@pytest.mark.parametrize("case", _cases("tweets"))
def test_plain_tweet_validity_cases_use_the_v1_rules(case: dict) -> None:
    # The suite's `tweets` section predates weighting: 140 code points, URLs as 23 (twitter-text v1).
    assert x_count(case["text"], X_V1).valid == case["expected"]


def test_shipped_v3_config_matches_twitter_texts_file(shared: Path) -> None:
    assert XTextConfig.from_file(shared / "conformance/twitter-text/config-v3.json") == X_V3


@pytest.mark.parametrize("text", ["🧑‍🧑‍🧒", "🐦‍🔥", "🙂‍↔️", "🫎", "🧑🏽‍🦯‍➡️", "🇺🇦"])
def test_emoji_newer_than_2019_count_as_two(text: str) -> None:
    # A 2019 emoji table counts 🧑‍🧑‍🧒 (Emoji 15.1) as 8 and 🐦‍🔥 as 5.
    assert x_count(text).weighted_length == 2


def test_valid_prefix_says_where_to_cut() -> None:
    text = "word " * 60  # 300
    result = x_count(text)
    assert not result.valid
    assert x_count(text[:result.valid_prefix_chars]).valid
    assert not x_count(text[:result.valid_prefix_chars + 1]).valid


def test_other_units() -> None:
    family = "👨‍👩‍👧‍👦"
    assert graphemes("e\u0301" + family) == 2  # é as letter + combining accent is one grapheme
    assert utf8_bytes(family) == 25
    assert threads_length("hi " + family) == 3 + 25  # Threads counts emoji as UTF-8 bytes
    assert mastodon_length("see https://example.com/" + "a" * 100) == len("see ") + 23
    assert mastodon_length("hi @alice@mastodon.social") == len("hi @alice")
