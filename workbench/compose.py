"""Drafting policy that does not depend on who writes the text: both engines call it.

Which call to action a post carries (the platform's preference within what the brand offers, promotion
or value by the brand's mix), which hashtags (the brand's, then the pillar's key phrases, up to the
platform's target and caps), the CTA link with UTM parameters, and the "nothing invented" check that
every draft passes before it leaves an engine.
"""

from __future__ import annotations

import re

from .brand import BrandVoice
from .drafts import CTA, Draft, Problem
from .pillar import Pillar
from .platforms import PlatformSpec, validate
from .text import number_values, unsupported_numbers


def is_promotional(index: int, promotion_percent: int) -> bool:
    """Spread promotional drafts so that about `promotion_percent` of a run's drafts promote."""
    p = promotion_percent / 100
    return int((index + 1) * p) > int(index * p)


def choose_cta(brand: BrandVoice, spec: PlatformSpec, pillar_stem: str, promotional: bool,
               variant: int = 0) -> CTA | None:
    """The platform's preferred kind among the brand's, promotional or not as the mix asks; a link only
    where links are clickable, with the brand's UTM parameters."""
    allowed = set(brand.cta_kinds_for(spec.name))
    order = [k for k in spec.cta_preference if k.value in allowed]
    wanted = [k for k in order if k.promotional == promotional]
    kinds = wanted or order
    if not kinds:
        return None
    kind = kinds[0]
    option = brand.ctas[kind.value]
    text = option.texts[variant % len(option.texts)]
    url = brand.cta_url(kind.value, spec.name, pillar_stem) if spec.links_clickable else None
    return CTA(kind=kind.value, text=text, url=url)


def camel_tag(word: str) -> str:
    return "#" + "".join(part[:1].upper() + part[1:] for part in re.split(r"[\s_-]+", word) if part)


def choose_hashtags(keywords: list[str], brand: BrandVoice, spec: PlatformSpec) -> list[str]:
    """The brand's tags first, then the pillar's key phrases, up to the platform's target and caps."""
    cap = brand.max_hashtags_for(spec.name, spec.max_hashtags)
    n = spec.hashtag_target if cap is None else min(spec.hashtag_target, cap)
    tags = list(dict.fromkeys(brand.hashtags_for(spec.name)))
    for word in keywords:
        tag = camel_tag(word)
        if tag.lower() not in {t.lower() for t in tags} and brand.usable(word):
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

