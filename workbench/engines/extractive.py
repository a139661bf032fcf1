"""The offline engine: composes posts from the pillar's own sentences and the brand's own material.

It reads the pillar once (`offline.units.Pool`: the sentences that can stand in a post, grouped into ideas
and lists), then for each platform picks an opening of a kind the run has not used yet (a statistic, a
contrarian claim, a question the post answers, a "how to" promise, a list teaser, the idea's lead), best
where the source opens a paragraph, and the passage that follows it in the source, sentence by sentence,
shaped to the platform (`offline.compose`). Every sentence is a
source sentence, a CTA or hashtag from the brand profile, or a fixed connective around the pillar's words
(`workbench/data/offline_engine.json`); `check_numbers` still verifies the numbers, because the check is
the contract, not the hope. A platform with nothing that stands on its own is skipped (`NoDraft`), and so
is one with only a single statement left that gives no reason (a later variant, any draft of a pillar
longer than `SHORT_PILLAR` sentences, any line of a talk). A post of a long pillar names its subject (the
scorer's `no_context_off_subject`); openings that tell the reader what to do (`gives_advice`) are tried first,
and the ones the scorer calls weak (`weak_opening`) or cold (mid-argument, a name met before) are only a short
pillar's fallback (`Leftover` says why a long one's are skipped); a CTA promises only what is there ("the full
guide" for a written pillar, "save this" after a list or advice).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache

from ..brand import BrandVoice
from ..brief import Brief, NoDraft, extract_brief
from ..compose import choose_cta, choose_hashtags, finish, is_promotional
from ..defects import SourceIndex, words
from ..defects.source import SUBJECT_PILLAR, names_in, opens_in_scene, unmet
from ..defects.wording import cta_misfit, is_thin_statement, mid_argument, on_subject, weak_opening
from ..drafts import CTA, CTAKind, Draft, Provenance
from ..keyphrases import followed_topic, names_subject, subject_words
from ..pillar import Pillar
from ..platforms import PlatformSpec
from ..scoring import CASUAL_GRADE_GAP, MEMO_WORDS, casual_register, reading_grade
from ..text import split_sentences
from ..voice import add_emoji, apply_voice
from .offline.compose import Option, Shaped, opening_key, options, shape_post, shape_thread
from .offline.units import (
    HookKind,
    Pool,
    Unit,
    complete,
    data,
    gives_advice,
    mass_nouns,
    reaches_past,
    reason_after,
    same_paragraph,
)

# the order hook kinds are tried in; each platform of a run starts one further along, so a run's platforms
# open in different ways and never on the same sentence
KINDS = (HookKind.STATISTIC, HookKind.LIST, HookKind.CONTRARIAN, HookKind.QUESTION, HookKind.HOW_TO,
         HookKind.LEAD)
PLAIN_GRADE = 8  # a brand writing at this reading grade or below opens on plain sentences first
# a pillar of at most this many sentences gives each platform a draft, a lone statement if that is all it has
# left; a longer one skips the platform instead (editors rated those leftovers 1-2: review r6)
SHORT_PILLAR = 40


class Leftover(StrEnum):
    """Why what a platform has left is not posted: `NoDraft`'s reason names each kind the run met."""

    THIN = "is single statements with no reason or example"
    WEAK = "opens on a list teaser, a lead-in, a definition, a concession or a reminder"
    COLD = "opens mid-argument or on a name the reader has not met"
    FORMAL = "reads as formal source prose, which this brand would say in its own words"


def _left(found: set[Leftover]) -> str:
    return ("the passages that stand on their own open other drafts of this run; what is left "
            + ", or ".join(k.value for k in Leftover if k in found))


@lru_cache(maxsize=16384)
def _grade(text: str) -> float:
    return reading_grade(text)


def _too_hard(text: str, brand: BrandVoice) -> bool:
    """A sentence a casual brand cannot post as it stands: it reads further above the brand's grade than the
    scorer allows (`scoring.CASUAL_GRADE_GAP`, the same gap its VOICE check uses)."""
    return _grade(text) > brand.reading_grade + CASUAL_GRADE_GAP


# a capitalised word inside a sentence (not its first word, not an acronym such as AI or SEO): a name
_NAMES = re.compile(r"(?<=[a-z,;:]\s)(?:[A-Z][a-z]+[A-Za-z]*|\d+[A-Z][a-z]+)\b")
_URL_OR_TAG = re.compile(r"https?://\S+|#\w+")
_PICK_ONE = re.compile(r"\bwhich\s+(?:one|ones|of\s+(?:these|those|them|the\s+\w+))\b", re.IGNORECASE)


def _apply_voice(text: str, brand: BrandVoice, platform: str) -> str | None:
    """One source unit in the brand's voice (`voice.apply_voice`: contractions or none, no hype, no banned
    word); the brand's emoji are added once per post (`_with_emoji`), never per sentence."""
    if not brand.usable(text):
        return None
    return apply_voice(text, brand, platform, max_emoji=0).strip() or None


def _cold(o: Option, source: SourceIndex) -> bool:
    """The scorer's own questions of an opening: does it start mid-argument ("Lastly", "Yet"), inside the source's
    story ("…, you realize"), or meet a name or a "the campaign" the source introduced before it?"""
    # asked of the same openings for every platform: once per pillar; a two-sentence opening is found in the
    # source by its first sentence
    def cold() -> bool:
        first = (split_sentences(o.hook) or [o.hook])[0]
        return mid_argument(o.hook) or opens_in_scene(first) or (
            bool(o.hook_ids) and unmet(source, first) is not None)

    return bool(source.remember(("offline_cold", o.hook), cold))


def _weak(o: Option, source: SourceIndex) -> bool:
    """The scorer's HOOK_WEAK of an opening: a list teaser, a lead-in, a definition, a concession, a softener."""
    return bool(source.remember(("offline_weak", o.hook), lambda: weak_opening(o.hook) is not None))


def _advice(o: Option, source: SourceIndex) -> bool:
    """An opening that tells the reader what to do (`offline.units.gives_advice`): editors rated them 2.9 against
    2.2 for the other openings (reviews r1-r8)."""
    return bool(source.remember(("offline_advice", o.hook), lambda: gives_advice(o.hook)))


def _reworded(o: Option, brand: BrandVoice) -> bool:
    """An opening made from a heading in words the brand bans: reworded, the heading reads mangled ("Driving
    measurable traffic and SEO Synergy" became "…SEO teamwork, in three points:", review r10)."""
    return not o.hook_ids and brand.rewrite(o.hook) != o.hook


@dataclass
class _Run:
    """What one run (one pillar, one brand) has used: openings across platforms, ideas per platform."""

    openings: set[str] = field(default_factory=set)
    platforms: list[str] = field(default_factory=list)
    ideas: dict[str, list[tuple[int, HookKind]]] = field(default_factory=dict)
    sentences: dict[str, set[str]] = field(default_factory=dict)  # source ids each platform's variants used
    keywords: list[str] = field(default_factory=list)  # the brief's key phrases, for a CTA's {topic}
    ctas: set[str] = field(default_factory=set)  # CTA texts used, so platforms close in different ways


class ExtractiveEngine:
    name = "extractive"
    threads_first = True  # a run claims openings: the thread drafts first, for the pillar's list (repurpose)

    def __init__(self) -> None:
        # the same sentences are voiced for every platform: remember them (emoji scanning is the cost)
        self._voiced: dict[tuple[str, str, str, str], str | None] = {}
        self._runs: dict[tuple[str, str], _Run] = {}
        self._narrowed: dict[tuple[int, frozenset[CTAKind]], PlatformSpec] = {}

    def brief(self, pillar: Pillar) -> Brief:
        return extract_brief(pillar)

    def start_run(self, pillar: Pillar, brand: BrandVoice) -> None:
        """Forget what an earlier run of this pillar and brand used: the same input gives the same drafts."""
        self._runs.pop((pillar.content_hash, brand.name), None)

    def _run(self, pillar: Pillar, brand: BrandVoice) -> _Run:
        key = (pillar.content_hash, brand.name)
        if key not in self._runs:
            if len(self._runs) > 32:
                self._runs.clear()
            self._runs[key] = _Run()
        return self._runs[key]

    # -- voice and CTA: the one place each is decided ------------------------------------------------

    def _voice(self, text: str, brand: BrandVoice, platform: str) -> str | None:
        # one entry for every platform: with no emoji (they come once per post) the voice of a sentence does
        # not depend on the platform
        key = (brand.name, brand.source_path or "", "", text)
        if key not in self._voiced:
            if len(self._voiced) > 20000:
                self._voiced.clear()
            self._voiced[key] = _apply_voice(text, brand, platform)
        return self._voiced[key]

    @staticmethod
    def _with_emoji(draft: Draft, brand: BrandVoice, spec: PlatformSpec, pillar: Pillar) -> None:
        """The brand's emoji where its voice welcomes them (`voice.add_emoji` places them: list lines, else
        later paragraphs), kept only if the post still fits every rule."""
        budget = brand.emoji_for(spec.name).max_per_post
        if budget <= 0 or not brand.emoji.set:
            return
        before = list(draft.parts)
        i = 0 if len(draft.parts) == 1 else len(draft.parts) - 1
        draft.parts[i] = add_emoji(draft.parts[i], brand, min(budget, 2))
        finish(draft, pillar, spec)
        if draft.problems:
            draft.parts = before
            finish(draft, pillar, spec)

    def _cta(self, brand: BrandVoice, spec: PlatformSpec, pillar: Pillar, promotional: bool, variant: int,
             offers_list: bool, body: str, keywords: list[str], used: set[str], steps: bool = True) -> CTA | None:
        """The brand's CTA for this platform that fits the body: no "which one" after a single point, no CTA
        about a topic the post never mentions; none at all rather than one that does not fit."""
        avoid: set[CTAKind] = set()
        low = body.lower()
        # a {topic} slot takes a key phrase the post itself mentions, lower case as in running text
        # a {topic} slot takes a followed topic the post mentions, as running text says it: "approach to
        # meetings", "handle open source"; a singular count noun ("approach to product manager") is left out
        mass = mass_nouns()
        topic = next((f for k in keywords if k.lower() in low and (f := followed_topic(k))
                      and (f.endswith("s") or f.split()[-1].lower() in mass)), None)
        body_words = frozenset(words(body))
        title_words = frozenset(words(pillar.title))
        # a CTA about a subject (marketing, posting at 2am, the planner) closes only a pillar on it: its title
        # or its key phrases say so, not one passing word of the post ("the contents of a photograph")
        subject_words = title_words | frozenset(w for k in keywords[:8] for w in words(k))
        for _ in range(len(spec.cta_preference)):
            key = (id(spec), frozenset(avoid))
            narrowed = self._narrowed.get(key) if avoid else spec
            if narrowed is None:
                if len(self._narrowed) > 256:
                    self._narrowed.clear()
                narrowed = self._narrowed[key] = spec.model_copy(update={"cta_preference": tuple(
                    k for k in spec.cta_preference if k not in avoid)})
            cta = choose_cta(brand, narrowed, pillar.stem, promotional, variant, topic=topic,
                             offers_list=offers_list, avoid=used, written=not pillar.spoken, offers_steps=steps)
            if cta is None:
                return None
            bio = spec.links_clickable and "link in bio" in cta.text.lower()  # the link is right there
            if (_PICK_ONE.search(cta.text) and not offers_list) or bio \
                    or cta_misfit(cta.text, body_words, title_words, brand.name) is not None \
                    or not on_subject(cta.text, subject_words):
                avoid.add(CTAKind(cta.kind))
                continue
            return cta
        return None

    # -- assembly ---------------------------------------------------------------------------------------

    def draft(self, pillar: Pillar, brief: Brief, brand: BrandVoice, spec: PlatformSpec, variant: int = 0,
              promotional: bool | None = None) -> Draft:
        if promotional is None:
            promotional = is_promotional(variant, brand.mix.promotion)
        pool = Pool.of(pillar)
        run = self._run(pillar, brand)
        if spec.name not in run.platforms:
            run.platforms.append(spec.name)
        scope = frozenset(brief.scope) if brief.scope else None
        run.keywords = brief.keywords
        made = self._thread(pool, run, pillar, brand, spec, variant, promotional) if spec.is_thread \
            else self._post(pool, run, pillar, brand, spec, variant, promotional, scope)
        if made is None:
            raise NoDraft(self._why_none(pool, spec))
        shaped, option, cta = made
        if opening_key(shaped.parts[0]) in run.openings:
            raise NoDraft("every opening that stands alone is taken by another draft of this run")
        run.sentences.setdefault(spec.name, set()).update(shaped.used)
        run.openings.add(opening_key(shaped.parts[0]))
        if cta is not None:
            run.ctas.add(cta.text)
        run.ideas.setdefault(spec.name, []).append((option.group, option.kind))
        draft = Draft(platform=spec.name, parts=shaped.parts, hashtags=shaped.tags, cta=cta, variant=variant,
                      provenance=Provenance(source_sentence_ids=list(dict.fromkeys(shaped.used)), engine=self.name,
                                            pillar_hash=pillar.content_hash))
        if spec.title_limit:
            draft.title = self._title(pillar, option, brand, spec)
        finish(draft, pillar, spec)
        if not draft.problems:
            self._with_emoji(draft, brand, spec, pillar)
        return draft

    def _why_none(self, pool: Pool, spec: PlatformSpec) -> str:
        if not pool.units:
            return "no sentence of the pillar stands on its own"
        if spec.hook_window:
            return f"no standalone sentence under {spec.hook_window} characters"
        return f"nothing left that fits {spec.limit} characters"

    def _ordered(self, opts: list[Option], run: _Run, spec: PlatformSpec, variant: int,
                 brand: BrandVoice, title: str, source: SourceIndex) -> list[Option]:
        """Options in the order this platform tries them: openings that name the pillar's subject and (for a
        brand that writes plainly) read plainly, then its turn's hook kind first, then by strength; a later
        variant avoids the ideas and kinds its earlier variants used."""
        turn = run.platforms.index(spec.name) if spec.name in run.platforms else 0
        kinds = KINDS[turn % len(KINDS):] + KINDS[:turn % len(KINDS)]
        rank = {k: i for i, k in enumerate(kinds)}
        used = run.ideas.get(spec.name, []) if variant else []
        used_groups = {g for g, _ in used}
        used_kinds = {k for _, k in used}
        subject = [k.lower() for k in run.keywords[:8]]
        plain = brand.reading_grade <= PLAIN_GRADE
        known = frozenset(w.lower() for w in re.findall(r"[A-Za-z][\w'’-]*", title))

        def strangers(o: Option) -> bool:
            """The opening names someone or something the reader has not met ("Fresh Empire", "18Fers"):
            a capitalised word inside it that the pillar's title does not carry."""
            return any(w.lower() not in known for w in _NAMES.findall(o.hook))

        def hook_names_keyword(o: Option) -> bool:
            """The opening says one of the brief's key phrases (the whole post must name the title's subject:
            `_on_subject`)."""
            low = o.hook.lower()
            return o.kind in (HookKind.LIST, HookKind.HOW_TO) or any(k in low for k in subject)

        return sorted(opts, key=lambda o: (o.group in used_groups, _cold(o, source), not (o.body or o.items),
                                           _weak(o, source), not _advice(o, source), not o.lead, o.kind in used_kinds,
                                           not hook_names_keyword(o), strangers(o),
                                           plain and _too_hard(self._voice(o.hook, brand, spec.name) or o.hook, brand),
                                           rank[o.kind], -o.score, o.position))

    def _post(self, pool: Pool, run: _Run, pillar: Pillar, brand: BrandVoice, spec: PlatformSpec, variant: int,
              promotional: bool, scope: frozenset[str] | None,
              ) -> tuple[Shaped, Option, CTA | None] | None:
        def voice(text: str) -> str | None:
            return self._voice(text, brand, spec.name)

        plain = brand.reading_grade <= PLAIN_GRADE
        source = SourceIndex.of(pillar)
        fallback: tuple[Shaped, Option, CTA | None, Leftover] | None = None
        # a long pillar whose passages opened the other platforms' drafts does not post its leftovers, nor does a
        # later variant; a short one (a note, a clip's transcript) has no more to give, and its first draft is
        # what it has
        long = len(pillar.sentences) > SHORT_PILLAR
        final = variant > 0 or long
        left: set[Leftover] = set()
        for option in self._ordered(options(pool, scope), run, spec, variant, brand, pillar.title, source):
            said = voice(option.hook)
            if not said or opening_key(said) in run.openings or _reworded(option, brand):
                continue  # cheap: another platform of this run opens with it, or its heading reads mangled
            if option.body:
                # the passage stops before a sentence that meets a name the source introduced before the
                # opening, or one too hard for the brand: what follows it may lean on it
                seen = names_in(option.hook)

                def may_follow(u: Unit, held: frozenset[str], seen: frozenset[str] = seen) -> bool:
                    return not (plain and _too_hard(voice(u.text) or u.text, brand)) \
                        and unmet(source, u.text, seen, opening=False) is None \
                        and not reaches_past(pillar.sentences, u.indices, held)

                body: list[Unit] = []
                held = frozenset(option.hook_ids)
                for u in option.body:
                    if not may_follow(u, held):
                        break
                    body.append(u)
                    held |= frozenset(u.ids)
                option = replace(option, body=body)
            if final:
                # a leftover is never posted here: what can only be one statement, or opens weak or cold, is not
                # worth a CTA and tags (the same reasons as below, asked before the cost)
                early = Leftover.THIN if long and not (option.body or option.items) and len(option.hook_ids) < 2 \
                    else self._doubt(option, source)
                if early:
                    left.add(early)
                    continue
            # the CTA is matched to what the post will hold: the hook, the list, the body the platform has room for
            body_text = " ".join([option.hook, *option.items[:max(spec.points, 3)],
                                  *(u.text for u in option.body[:spec.points])])
            if not self._names_subject(pillar, body_text):
                continue  # cheap: no shape of this passage can say what the post is about (`_on_subject`)
            # something to save or try: a list, or a passage that tells the reader what to do ("Save this" under
            # an opinion or a story was the editors' CTA_MISMATCH, review r11)
            steps = bool(option.items) or (bool(option.body) and any(
                gives_advice(t) for t in [option.hook, *(u.text for u in option.body[:spec.points])]))
            cta = self._cta(brand, spec, pillar, promotional, variant, bool(option.items), body_text,
                           run.keywords, run.ctas, steps)
            # tags from the key phrases this post is about (a specific one, #Email, only on a post about it)
            tags = choose_hashtags(run.keywords, brand, spec, post=body_text)
            shaped = shape_post(option, spec, voice, self._cta_line(cta), tags)
            if shaped is None:
                continue
            # the passage may stop short of the sentence a specific tag (#Writing) was chosen for: the tags are
            # asked again of what the post holds, and the post shaped again without the ones it does not earn
            said = shaped.parts[0].replace(" ".join(tags), " ")
            kept = [t for t in tags if t in choose_hashtags(run.keywords, brand, spec, post=said)]
            if kept != tags:
                tags = kept
                shaped = shape_post(option, spec, voice, self._cta_line(cta), tags)
                if shaped is None:
                    continue
            shaped.tags = tags
            if option.hook.rstrip("\"”’') ").endswith("?") and len(shaped.used) <= len(option.hook_ids) \
                    and not shaped.has_list:
                continue  # a question with no answer is a bare question
            # one statement with no reason; from a talk, any one line (speech needs the lines around it); from a
            # long pillar, any one sentence (editors rated single-sentence drafts 1.9, 22% postable: r4-r8)
            thin = len(shaped.used) < 2 and not shaped.has_list and (
                pillar.spoken or long or len(option.hook.split()) <= 14
                or is_thin_statement(option.hook))
            if opening_key(shaped.parts[0]) in run.openings:
                continue  # another platform opens with it: a second copy of a hook is worse than none
            if not self._on_subject(pillar, shaped, cta):
                continue  # the scorer's NO_CONTEXT: a passage of a long pillar that never says what it is about
            doubt = Leftover.THIN if thin else self._doubt(option, source) or self._memo(shaped, brand)
            if doubt:
                # one statement with no reason, a weak or cold opening: skipped rather than posted (the reason
                # says why), unless the pillar has nothing better
                fallback = fallback or (shaped, option, cta, doubt)
                continue
            return shaped, option, cta
        if final and (fallback is not None or left):
            raise NoDraft(_left(left | ({fallback[3]} if fallback is not None else set())))
        return fallback[:3] if fallback is not None else None

    @staticmethod
    def _doubt(option: Option, source: SourceIndex) -> Leftover | None:
        """Why an editor would not post this opening as it stands, by the scorer's own checks, or None: one the
        scorer calls weak (HOOK_WEAK; rated 2.2 in reviews r1-r8) or cold (mid-argument, or it meets a name the
        source introduced before it)."""
        if _weak(option, source):
            return Leftover.WEAK
        if _cold(option, source):
            return Leftover.COLD
        return None

    @staticmethod
    def _memo(shaped: Shaped, brand: BrandVoice) -> Leftover | None:
        """The scorer's VOICE of a casual brand's post that is source prose pasted in (`casual_register`: a grade
        too hard, or corporate words) longer than `MEMO_WORDS`: the rubric's VOICE across a long post, rated 2. A
        shorter one is one line to restate (rated 3) and is offered."""
        memo = casual_register("\n".join(shaped.parts), brand)
        return Leftover.FORMAL if memo is not None and memo.memo and memo.words > MEMO_WORDS else None

    @staticmethod
    def _names_subject(pillar: Pillar, text: str) -> bool:
        """Does this text say what the pillar is about (`keyphrases.names_subject`)? A short pillar is all
        subject."""
        return len(pillar.sentences) < SUBJECT_PILLAR or names_subject(text, subject_words(pillar.title))

    def _on_subject(self, pillar: Pillar, shaped: Shaped, cta: CTA | None) -> bool:
        """Does the post say what it is about (the scorer's `no_context_off_subject`)? Its own lines count,
        not the CTA ("your approach to meetings") or the tags."""
        text = "\n".join(shaped.parts)
        if cta is not None:
            text = text.replace(cta.text, " ")
        text = _URL_OR_TAG.sub(" ", text)  # "utm_campaign=content-debt" and #ContentDebt do not say it
        return self._names_subject(pillar, text)

    @staticmethod
    def _cta_line(cta: CTA | None) -> str | None:
        if cta is None:
            return None
        return f"{cta.text} {cta.url}" if cta.url else cta.text

    def _thread(self, pool: Pool, run: _Run, pillar: Pillar, brand: BrandVoice, spec: PlatformSpec, variant: int,
                promotional: bool) -> tuple[Shaped, Option, CTA | None] | None:
        def voice(text: str) -> str | None:
            return self._voice(text, brand, spec.name)

        opts = self._ordered(options(pool), run, spec, variant, brand, pillar.title, SourceIndex.of(pillar))
        # list-shaped openings first: a thread is a promise and its steps
        opts = [o for _, o in sorted(enumerate(opts), key=lambda x: (
            x[1].kind not in (HookKind.HOW_TO, HookKind.LIST) or variant > 0, x[0]))]
        for option in opts:
            if not option.items and option.kind is not HookKind.HOW_TO:
                continue  # a thread is a promise and its steps: a list, or a "how to" and its points
            said = voice(option.hook)
            if not said or opening_key(said) in run.openings or _reworded(option, brand):
                continue  # cheap: another platform of this run opens with it, or its heading reads mangled
            if option.items:
                promise = voice(option.hook) or ""
                if not promise:
                    continue
                steps: list[tuple[str, tuple[str, ...]]] = [
                    (said, (i,)) for item, i in zip(option.items, option.item_ids, strict=False)
                         if (said := voice(item)) and complete(item, following=True)]
                if len(steps) < len(option.items):
                    continue  # the promise counts the items: a thread that drops one breaks it
                # each step with its reason, the sentence after it in the item ("…, each step drops the
                # source's reason": review r13), where the brand can say it; `plain` where it does not fit
                plain: list[tuple[str, tuple[str, ...]]] | None = steps
                posts = [self._with_reason(pool, text, ids[0], voice) for text, ids in steps]
                closing = self._closing(pool, option.group, after=max(option.position, 0), voice=voice,
                                        used=set(option.item_ids))
            else:
                said = voice(option.hook)
                if not said:
                    continue
                promise = said
                posts = [(s, u.ids) for u in option.body if (s := voice(u.text))]
                plain = None
                closing = None
                if len(posts) >= 3:
                    closing = posts.pop()
            body = " ".join([promise, *(t for t, _ in posts), closing[0] if closing else ""])
            if not self._names_subject(pillar, body):
                continue
            cta = self._cta(brand, spec, pillar, promotional, variant, False, body, run.keywords, run.ctas)
            tags = choose_hashtags(run.keywords, brand, spec, post=body)
            shaped = shape_thread(promise, posts, closing, spec, self._cta_line(cta), tags,
                                  whole=bool(option.items) or option.kind is HookKind.HOW_TO, plain=plain)
            if shaped is None:
                continue
            shaped.tags = tags
            shaped.used = [*option.hook_ids, *shaped.used]
            if opening_key(shaped.parts[0]) in run.openings or not self._on_subject(pillar, shaped, cta) \
                    or self._memo(shaped, brand):
                continue
            return shaped, option, cta
        return None

    @staticmethod
    def _with_reason(pool: Pool, said: str, item_id: str, voice: Callable[[str], str | None],
                     ) -> tuple[str, tuple[str, ...]]:
        """A list item with the sentence after it in its bullet (`units.reason_after`), voiced; else the item
        as it is."""
        sentences = pool.pillar.sentences
        at = next((k for k, s in enumerate(sentences) if s.id == item_id), None)
        nxt = reason_after(sentences, at) if at is not None else None
        reason = voice(nxt.text) if nxt is not None else None
        return (f"{said} {reason}", (item_id, nxt.id)) if nxt is not None and reason else (said, (item_id,))

    @staticmethod
    def _closing(pool: Pool, group: int, after: int, voice: object, used: set[str] | None = None,
                 ) -> tuple[str, tuple[str, ...]] | None:
        """The thread's payoff: the strongest standalone unit after the list in the list's own idea that no
        step already says, nor goes on from one (the second sentence of the last item reads as that item, not as
        a takeaway: review r10); none (the last step carries the CTA) rather than a line from another idea."""
        assert callable(voice)
        used = used or set()
        sentences = pool.pillar.sentences
        steps = [s for s in sentences if s.id in used]
        tail: list[Unit] = [u for g in pool.groups[group:group + 1] for u in g.units if u.indices[0] > after
                            and not u.first_person and not u.question and not used & set(u.ids)
                            and not any(same_paragraph(s, sentences[u.indices[0]]) for s in steps)]
        for u in sorted(tail, key=lambda u: (-u.score, u.indices)):
            said = voice(u.text)
            if said:
                return said, u.ids
        return None

    def _title(self, pillar: Pillar, option: Option, brand: BrandVoice, spec: PlatformSpec) -> str:
        """The pillar's title, the idea's heading or, for a talk named after its file, the opening line."""
        limit = spec.title_limit or 100
        stem_words = re.sub(r"[-_.]+", " ", pillar.stem).strip().lower()
        title = " ".join(pillar.title.split())
        candidates = []
        if title and title.lower() != stem_words:
            candidates.append(title)
        group = pool_group_heading(pillar, option.group)
        if group:
            candidates.append(group)
        if option.hook and (option.hook_ids or option.kind in (HookKind.HOW_TO, HookKind.LIST)):
            candidates.append(option.hook.rstrip(":"))
        for c in candidates:
            c = brand.rewrite(c).replace("<", "").replace(">", "").strip()
            if 0 < len(c) <= limit:
                return c
            head = re.split(r"[:|–—]", c)[0].strip()
            if len(head.split()) >= 3 and len(head) <= limit:
                return head
        return (title or pillar.stem)[:limit].rsplit(" ", 1)[0]


def pool_group_heading(pillar: Pillar, group: int) -> str | None:
    pool = Pool.of(pillar)
    return pool.groups[group].heading if 0 <= group < len(pool.groups) else None


def connectives() -> dict[str, str]:
    """The fixed phrases the engine may add around the pillar's words (for tests and the docs)."""
    found: dict[str, str] = data()["connectives"]
    return found


def create(**_: object) -> ExtractiveEngine:
    """The `workbench.engines` entry point: the offline engine needs no settings."""
    return ExtractiveEngine()
