"""Which call to action closes a post: one that fits what the post says and where it is posted."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.brand import BrandError, CTANeed, load_brand
from workbench.compose import choose_cta, is_promotional
from workbench.drafts import CTAKind, Draft
from workbench.platforms import get_platform
from workbench.scoring import score

FORMAL = load_brand("northwind-advisory")
PLAYFUL = load_brand("sunny-studio")
LINKEDIN, INSTAGRAM, FACEBOOK = get_platform("linkedin"), get_platform("instagram"), get_platform("facebook")


def test_a_pick_one_question_only_after_a_list() -> None:
    for brand in (FORMAL, PLAYFUL):
        for v in range(4):
            plain = choose_cta(brand, LINKEDIN, "p", False, v)
            assert plain is not None and "which" not in plain.text.lower()
        listed = choose_cta(brand, LINKEDIN, "p", False, offers_list=True)
        assert listed is not None and "which" in listed.text.lower()


def test_the_topic_fills_the_slot_and_a_slot_is_never_left_open() -> None:
    cta = choose_cta(FORMAL, LINKEDIN, "p", False, topic="content debt")
    assert cta is not None and "content debt" in cta.text and "{" not in cta.text
    for brand in (FORMAL, PLAYFUL):
        for v in range(5):
            cta = choose_cta(brand, LINKEDIN, "p", False, v)
            assert cta is not None and "{" not in cta.text


def test_link_in_bio_only_where_the_platform_has_one() -> None:
    link_first = INSTAGRAM.model_copy(update={"cta_preference": (CTAKind.LINK, CTAKind.SAVE)})
    bio = choose_cta(PLAYFUL, link_first, "p", True)
    assert bio is not None and bio.text == "Grab the free planner, link in bio." and bio.url is None
    for spec in (LINKEDIN, FACEBOOK, get_platform("x")):
        cta = choose_cta(PLAYFUL, spec, "p", True)
        assert cta is not None
        if cta.kind == "link":
            assert "bio" not in cta.text and cta.url and cta.text.endswith(":")


def test_a_comment_ask_says_replies_where_the_platform_calls_them_that() -> None:
    """"Tell us in the comments" on X sat awkwardly with the editor (review r13): X, Threads, Bluesky and
    Mastodon call them replies. A run that asked in the comments on LinkedIn does not ask again in the replies."""
    comment_first = (CTAKind.COMMENT, CTAKind.FOLLOW)
    for name in ("x", "threads", "bluesky", "mastodon"):
        spec = get_platform(name).model_copy(update={"cta_preference": comment_first})
        cta = choose_cta(FORMAL, spec, "p", False, topic="meetings")
        assert cta is not None and cta.text.endswith("Tell us in the replies."), (name, cta)
    on_linkedin = LINKEDIN.model_copy(update={"cta_preference": comment_first})
    asked = choose_cta(FORMAL, on_linkedin, "p", False, topic="meetings")
    assert asked is not None and asked.text.endswith("Tell us in the comments.")
    x = get_platform("x").model_copy(update={"cta_preference": comment_first})
    again = choose_cta(FORMAL, x, "p", False, topic="meetings", avoid={asked.text})
    assert again is not None and again.text.replace("replies", "comments") != asked.text


def test_link_below_is_never_written_beside_the_link(tmp_path: Path) -> None:
    profile = tmp_path / "b.yaml"
    profile.write_text("name: B\nctas:\n  link:\n    texts: [Read it at the link below., 'Read it:']\n"
                       "    url: https://b.example/p\n", encoding="utf-8")
    brand = load_brand(profile)
    cta = choose_cta(brand, LINKEDIN, "p", True)
    assert cta is not None and cta.text == "Read it:" and cta.url
    draft = Draft(platform="linkedin", parts=[f"Plan the month in one sitting.\n\n{cta.text} {cta.url}"], cta=cta)
    assert not [r for r in score(draft, brand, LINKEDIN).reasons if r.code in ("LINK_PHRASE", "CTA_MISMATCH")]


def test_avoid_varies_the_text_and_the_mix_still_holds() -> None:
    first = choose_cta(PLAYFUL, LINKEDIN, "p", False, topic="batching")
    assert first is not None
    second = choose_cta(PLAYFUL, LINKEDIN, "p", False, topic="batching", avoid={first.text})
    assert second is not None and second.text != first.text
    promotional = [is_promotional(i, PLAYFUL.mix.promotion) for i in range(10)]
    assert sum(promotional) == 3
    kinds = [choose_cta(PLAYFUL, LINKEDIN, "p", p) for p in promotional]
    assert sum(k is not None and k.kind in ("link", "signup") for k in kinds) == 3


def test_old_calls_keep_working() -> None:
    cta = choose_cta(FORMAL, LINKEDIN, "pillar", True, 1)
    assert cta is not None and cta.url and "utm_source=linkedin" in cta.url


def test_profiles_mark_what_a_text_needs(tmp_path: Path) -> None:
    comment = FORMAL.ctas["comment"]
    marked = {t: comment.needs_of(t) for t in comment.texts}
    assert any(CTANeed.LIST in n for n in marked.values()) and any(CTANeed.TOPIC in n for n in marked.values())
    profile = tmp_path / "bad.yaml"
    profile.write_text("name: B\nctas:\n  comment:\n    texts: [Tell us.]\n    needs: {Other.: [list]}\n",
                       encoding="utf-8")
    with pytest.raises(BrandError):
        load_brand(profile)


def test_a_written_piece_is_promised_only_for_a_written_pillar_and_a_save_only_for_steps() -> None:
    x = get_platform("x")
    promised = set()
    for v in range(4):
        for promotional in (False, True):
            talk = choose_cta(FORMAL, x, "p", promotional, v, written=False)
            assert talk is None or CTANeed.WRITTEN not in FORMAL.ctas[talk.kind].needs_of(talk.text), talk
            article = choose_cta(FORMAL, x, "p", promotional, v)
            if article is not None and CTANeed.WRITTEN in FORMAL.ctas[article.kind].needs_of(article.text):
                promised.add(article.text)
        remark = choose_cta(PLAYFUL, INSTAGRAM, "p", False, v, offers_steps=False)
        assert remark is not None and "save this" not in remark.text.lower()
        assert "try this" not in remark.text.lower()
    assert promised  # an article may still point to the full piece
    saved = choose_cta(PLAYFUL, INSTAGRAM, "p", False, 0)
    assert saved is not None and "save this" in saved.text.lower()


def test_mastodon_gets_no_hard_sell() -> None:
    mastodon = get_platform("mastodon")
    assert CTAKind.SIGNUP not in mastodon.cta_preference
    for v in range(4):
        cta = choose_cta(FORMAL, mastodon, "p", True, v)
        assert cta is not None and cta.kind != CTAKind.SIGNUP.value and "register" not in cta.text.lower()
