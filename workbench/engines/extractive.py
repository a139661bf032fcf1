"""The offline engine: rearranges and trims the pillar's own sentences and the brand's own material.

Every sentence in a draft is a source sentence (possibly cut at a clause), a CTA or hashtag from the brand
profile, or a short fixed connective. Numbers therefore always come from the pillar; `check_numbers`
still verifies it, because the check is the contract, not the hope.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import emoji as emoji_lib

from ..brand import BrandVoice
from ..brief import Brief, BriefItem, addressed_to_model, extract_brief
from ..compose import choose_cta, choose_hashtags, finish, is_promotional
from ..drafts import CTA, Draft, Provenance
from ..pillar import Pillar
from ..platforms import PlatformSpec

CONNECTIVE_THREAD = "A thread:"


def trim_to(text: str, fits: Callable[[str], bool]) -> str | None:
    """The sentence, or its longest leading run of clauses that fits, closed with a full stop."""
    if fits(text):
        return text
    pieces = re.split(r"(?<=[,;:—–])\s+", text)
    for n in range(len(pieces) - 1, 0, -1):
        candidate = " ".join(pieces[:n]).rstrip(",;:—– ") + "."
        if fits(candidate) and len(candidate.split()) >= 5:
            return candidate
    return None


def _apply_voice(text: str, brand: BrandVoice, no_emoji: bool) -> str | None:
    if not brand.usable(text):
        return None
    text = brand.rewrite(text)
    if no_emoji and not text.isascii():
        text = emoji_lib.replace_emoji(text, "").replace("  ", " ").strip()
    if text.count("!") > brand.tone.exclamations:
        text = text.replace("!", ".")
    return text


class ExtractiveEngine:
    name = "extractive"

    def brief(self, pillar: Pillar) -> Brief:
        return extract_brief(pillar)

    # -- pieces -----------------------------------------------------------------------------

    def __init__(self) -> None:
        # the same brief items are voiced for every platform: remember them (emoji scanning is the cost)
        self._voiced: dict[tuple[str, str, bool, int, str], str | None] = {}

    def _voice(self, text: str, brand: BrandVoice, platform: str) -> str | None:
        no_emoji = brand.emoji_for(platform).max_per_post == 0
        key = (brand.name, brand.source_path or "", no_emoji, brand.tone.exclamations, text)
        if key not in self._voiced:
            self._voiced[key] = _apply_voice(text, brand, no_emoji)
        return self._voiced[key]

    def _items(self, brief: Brief, brand: BrandVoice, platform: str, variant: int,
               ) -> tuple[BriefItem | None, list[BriefItem]]:
        def usable(items: list[BriefItem]) -> list[BriefItem]:
            # a brief built elsewhere (a clip's sentences, another engine's) may hold a sentence to a model
            return [BriefItem(t, i.sentence_id, i.score) for i in items
                    if not addressed_to_model(i.text) and (t := self._voice(i.text, brand, platform))]

        hooks = usable(brief.hooks) or usable(brief.key_points)
        hook = hooks[variant % len(hooks)] if hooks else None
        points = [p for p in usable(brief.key_points) if not hook or p.sentence_id != hook.sentence_id]
        if points and variant:
            shift = variant % len(points)
            points = points[shift:] + points[:shift]
        return hook, points

    # -- assembly ---------------------------------------------------------------------------

    def draft(self, pillar: Pillar, brief: Brief, brand: BrandVoice, spec: PlatformSpec, variant: int = 0,
              promotional: bool | None = None) -> Draft:
        if promotional is None:
            promotional = is_promotional(variant, brand.mix.promotion)
        hook, points = self._items(brief, brand, spec.name, variant)
        cta = choose_cta(brand, spec, pillar.stem, promotional, variant)
        tags = choose_hashtags(brief.keywords, brand, spec)
        if spec.is_thread:
            parts, used = self._thread(hook, points, cta, tags, spec)
        else:
            parts, used = self._post(hook, points, cta, tags, spec)
        draft = Draft(platform=spec.name, parts=parts, hashtags=tags, cta=cta, variant=variant,
                      provenance=Provenance(source_sentence_ids=[i.sentence_id for i in used], engine=self.name,
                                            pillar_hash=pillar.content_hash))
        if spec.title_limit:
            draft.title = self._title(pillar.title, brand, spec)
        finish(draft, pillar, spec)
        return draft

    def _title(self, title: str, brand: BrandVoice, spec: PlatformSpec) -> str:
        title = brand.rewrite(title).replace("<", "").replace(">", "")
        limit = spec.title_limit or len(title)
        if len(title) <= limit:
            return title
        head = re.split(r"[:|–—]", title)[0].strip()
        if 0 < len(head) <= limit:
            return head
        return title[:limit].rsplit(" ", 1)[0]

    def _post(self, hook: BriefItem | None, points: list[BriefItem], cta: CTA | None, tags: list[str],
              spec: PlatformSpec) -> tuple[list[str], list[BriefItem]]:
        tail = []
        if cta:
            tail.append(f"{cta.text} {cta.url}" if cta.url else cta.text)
        if tags:
            tail.append(" ".join(tags))
        window = spec.hook_window

        def compose(h: str | None, body: list[BriefItem]) -> str:
            blocks = ([h] if h else []) + [p.text for p in body] + tail
            return "\n\n".join(blocks)

        hook_text = hook.text if hook else None
        if hook_text and window and len(hook_text) > window:
            hook_text = trim_to(hook_text, lambda t: len(t) <= window) or hook_text
        sweet = spec.sweet_spot[1] if spec.sweet_spot else spec.limit
        best: tuple[str, list[BriefItem]] | None = None
        for n in range(spec.points, -1, -1):
            body = points[:n]
            text = compose(hook_text, body)
            if spec.fits(text) and (spec.length(text) <= sweet or n == 0 or best is None):
                best = (text, body)
                if spec.length(text) <= sweet:
                    break
        if best is None or not spec.fits(best[0]):
            # even the hook alone is too long: cut it at a clause
            rest = spec.limit - spec.length(compose(None, []))
            cut = trim_to(hook_text or "", lambda t: spec.length(t) <= rest - 2) if hook_text else None
            best = (compose(cut, []), [])
            hook_text = cut
        used = ([hook] if hook and hook_text else []) + best[1]
        return [best[0]], used

    def _thread(self, hook: BriefItem | None, points: list[BriefItem], cta: CTA | None, tags: list[str],
                spec: PlatformSpec) -> tuple[list[str], list[BriefItem]]:
        bodies: list[str] = []
        used: list[BriefItem] = []
        max_points = min(spec.points, spec.max_parts - 2)
        chosen = points[:max_points]
        n = len(chosen) + (1 if hook else 0) + (1 if cta or tags else 0)
        suffix = f" {n}/{n}"

        def fits(t: str) -> bool:
            return spec.fits(t + suffix)

        if hook:
            first = f"{hook.text}\n\n{CONNECTIVE_THREAD}"
            text = first if fits(first) else trim_to(hook.text, fits)
            if text:
                bodies.append(text)
                used.append(hook)
        for p in chosen:
            text = trim_to(p.text, fits)
            if text:
                bodies.append(text)
                used.append(p)
        closing = []
        if cta:
            closing.append(f"{cta.text} {cta.url}" if cta.url else cta.text)
        if tags:
            closing.append(" ".join(tags))
        if closing:
            bodies.append("\n\n".join(closing))
        total = len(bodies)
        return [f"{b} {i}/{total}" for i, b in enumerate(bodies, 1)], used


def create(**_: object) -> ExtractiveEngine:
    """The `workbench.engines` entry point: the offline engine needs no settings."""
    return ExtractiveEngine()
