"""Drafting policy that does not depend on who writes the text: both engines call it.

Which call to action a post carries (the platform's preference within what the brand offers, promotion
or value by the brand's mix), which hashtags (the brand's, then the pillar's key phrases, up to the
platform's target and caps), the CTA link with UTM parameters, and the "nothing invented" check that
every draft passes before it leaves an engine.
"""

from __future__ import annotations

import re
from collections.abc import Set

from .brand import BrandVoice, CTANeed
from .defects.topics import SPECIFIC
from .drafts import CTA, Draft, Problem
from .keyphrases import followed_topic
from .pillar import Pillar
from .platforms import PlatformSpec, Responses, validate
from .text import number_values, unsupported_numbers


def is_promotional(index: int, promotion_percent: int) -> bool:
    """Spread promotional drafts so that about `promotion_percent` of a run's drafts promote."""
    p = promotion_percent / 100
    return int((index + 1) * p) > int(index * p)


def _fits(needs: frozenset[CTANeed], spec: PlatformSpec, has_url: bool, topic: str | None,
          offers_list: bool, written: bool = True, offers_steps: bool = True) -> bool:
    """Can a text with these needs close this post on this platform?"""
    if (CTANeed.WRITTEN in needs and not written) or (CTANeed.STEPS in needs and not offers_steps):
        return False
    if CTANeed.LINK_BELOW in needs:
        return False  # the link goes on the CTA's own line: "link below" would point past it
    if CTANeed.TOPIC in needs and not topic:
        return False
    if CTANeed.LIST in needs and not offers_list:
        return False
    if CTANeed.URL in needs and not has_url:
        return False
    return not (CTANeed.BIO in needs and (has_url or not spec.bio_link))


def choose_cta(brand: BrandVoice, spec: PlatformSpec, pillar_stem: str, promotional: bool,
               variant: int = 0, *, topic: str | None = None, offers_list: bool = False,
               avoid: Set[str] = frozenset(), written: bool = True, offers_steps: bool = True) -> CTA | None:
    """The platform's preferred kind among the brand's, promotional or not as the mix asks; a link only
    where links are clickable, with the brand's UTM parameters.

    A text fits the post or is not used: "which of these" only when the post lists options
    (`offers_list`), a {topic} slot only with a `topic` (then such a text is preferred, so the question is
    about the post), "link in bio" only where the platform has one and the post carries no URL, a closing
    colon only before the link, "the full guide" only for a `written` pillar (a talk has none), "save this" or
    "try this" only when the post `offers_steps` (a list, or a passage that says what to do). `avoid`: texts
    already used in this run (filled or not), so platforms vary; they are used again only when nothing else
    fits."""
    allowed = set(brand.cta_kinds_for(spec.name))
    order = [k for k in spec.cta_preference if k.value in allowed]
    wanted = [k for k in order if k.promotional == promotional]
    kinds = wanted + [k for k in order if k not in wanted]
    fallback: CTA | None = None
    for kind in kinds:
        option = brand.ctas[kind.value]
        url = brand.cta_url(kind.value, spec.name, pillar_stem) if spec.links_clickable else None
        fitting = [t for t in option.texts if _fits(option.needs_of(t), spec, url is not None, topic, offers_list,
                                                     written, offers_steps)]
        if not fitting:
            continue
        # the most specific texts first: a list question after a list, the topic's question with a topic
        for need in (CTANeed.LIST, CTANeed.TOPIC):
            if any(need in option.needs_of(t) for t in fitting):
                fitting = [t for t in fitting if need in option.needs_of(t)]
                break
        texts = [(t, as_platform_says(t.replace("{topic}", topic) if topic else t, spec)) for t in fitting]
        used = {_one_ask(a) for a in avoid}  # "in the comments" and "in the replies" are one ask
        fresh = [(t, filled) for t, filled in texts if _one_ask(t) not in used and _one_ask(filled) not in used]
        pick = fresh or texts
        _, text = pick[variant % len(pick)]
        cta = CTA(kind=kind.value, text=text, url=url)
        if fresh:
            return cta
        fallback = fallback or cta
    return fallback


_IN_THE_COMMENTS = re.compile(r"\b(in|to) the comments\b", re.IGNORECASE)
_IN_THE_ANSWERS = re.compile(r"\b(in|to) the (?:comments|replies)\b", re.IGNORECASE)


def _one_ask(text: str) -> str:
    return _IN_THE_ANSWERS.sub(lambda m: f"{m.group(1)} the comments", text)


def as_platform_says(text: str, spec: PlatformSpec) -> str:
    """"Tell us in the comments" as the platform says it: replies on X, Threads, Bluesky and Mastodon."""
    if spec.responses is Responses.COMMENTS:
        return text
    return _IN_THE_COMMENTS.sub(lambda m: f"{m.group(1)} the {spec.responses.value}", text)


def camel_tag(word: str) -> str:
    """#CamelCase for a phrase (screen readers read each word); an acronym keeps its capitals."""
    return "#" + "".join(part[:1].upper() + part[1:] for part in re.split(r"[\s_-]+", word) if part)


def choose_hashtags(keywords: list[str], brand: BrandVoice, spec: PlatformSpec, *, post: str = "") -> list[str]:
    """The brand's tags first, then the pillar's key phrases that are topics people follow (no names,
    verbs, contractions, generic words, headings or template tokens, and made of the words of followed tags:
    `keyphrases.followed_topic`), up to
    the platform's target and the brand's and platform's caps. With `post`, phrases the post itself
    mentions come before the rest."""
    cap = brand.max_hashtags_for(spec.name, spec.max_hashtags)
    n = spec.hashtag_target if cap is None else min(spec.hashtag_target, cap)
    tags = list(dict.fromkeys(brand.hashtags_for(spec.name)))
    low = post.lower()
    phrases = [(k, f) for k in keywords if (f := followed_topic(k)) and brand.usable(k)]
    if low:
        # a tag on one subject (#Email, #CustomerService) goes only on a post about it (the scorer's `SPECIFIC`)
        said = frozenset(re.findall(r"[a-z0-9]+", low))
        phrases = [(k, f) for k, f in phrases if all(
            any(w.startswith(st) for st in SPECIFIC[p] for w in said) for p in f.lower().split() if p in SPECIFIC)]
        phrases.sort(key=lambda kf: kf[0].lower() not in low)  # stable: best first within each group
    for _, phrase in phrases:
        tag = camel_tag(phrase)
        if tag.lower() not in {t.lower() for t in tags}:
            tags.append(tag)
    return tags[:n]


def check_numbers(draft: Draft, pillar: Pillar) -> list[Problem]:
    """A number in the draft that the pillar never states is a problem (brand CTA text may hold its own)."""
    allowed = pillar.number_values | (number_values(draft.cta.text) if draft.cta else set())
    text = "\n".join([draft.title or "", *draft.parts])
    bad = unsupported_numbers(text, allowed)
    return [Problem("invented_number", f"'{n}' does not appear in the pillar; use the source's figure or "
                                       f"remove it.", "numbers") for n in dict.fromkeys(bad)]


def finish(draft: Draft, pillar: Pillar, spec: PlatformSpec) -> Draft:
    """Every rule the platform enforces, and nothing the pillar does not say: the contract of an engine."""
    draft.problems = validate(draft, spec) + check_numbers(draft, pillar)
    return draft

