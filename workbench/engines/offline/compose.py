"""From the pillar's units to platform posts: hook options, bodies in source order, and the platform shapes.

An `Option` is one way to make a post of the pillar: an opening (a source sentence of a given `HookKind`,
or a fixed connective around the pillar's own words) and the body that follows from it: the passage right
after the hook, sentence by sentence as the source has it (no gap, no reordering, into the next paragraph only
when it goes on about the same thing), or a list's items.
`shape_post` and `shape_thread` fit an option to a platform (its limit, sweet spot, hook window, points)
and never cut a sentence: a unit that does not fit is left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from ...defects import STOPWORDS
from ...keyphrases import subject_words
from ...pillar import Sentence
from ...platforms import PlatformSpec
from .units import _ITEM_PREFIX, Group, HookKind, ListIdea, Pool, Unit, _patterns, data, normalise, same_paragraph

Voice = Callable[[str], str | None]  # a source sentence in the brand's voice, or None when the brand cannot say it


@dataclass
class Option:
    kind: HookKind
    hook: str  # the opening line (source text or connective), before voicing
    hook_ids: tuple[str, ...]  # source sentences of the hook (none for a connective)
    group: int  # the idea it belongs to (for variety between variants)
    body: list[Unit] = field(default_factory=list)  # units after the hook, source order
    items: list[str] = field(default_factory=list)  # a list's lines (list options)
    item_ids: list[str] = field(default_factory=list)
    score: float = 0.0
    position: int = 0  # where in the source it starts
    lead: bool = True  # it opens where the source opens a paragraph (its topic sentence), or on a connective
    turned: bool = False  # the source turns against the opening in its next sentence (`Unit.turned`)


def number_word(n: int) -> str:
    words: list[str] = data()["numbers"]
    return words[n] if 0 <= n < len(words) else str(n)


def _topic(heading: str) -> str:
    """A heading as words inside a line: its Title Case lowered, acronyms and the first word kept."""
    out = []
    for i, w in enumerate(heading.split()):
        if i and w[:1].isupper() and w[1:].islower():
            w = w.lower()
        out.append(w)
    text = " ".join(out).strip().rstrip(":")
    return text[:1].upper() + text[1:]


def list_intro(lst: ListIdea, count: int, pool: Pool) -> str | None:
    """The line before a list: the source's own lead-in, else "{topic}, in {count} {noun}:" from the heading."""
    if lst.intro:
        return lst.intro
    if not lst.heading:
        return None
    heading = re.sub(r"^(?:the|a|an)\s+", "", _ITEM_PREFIX.sub("", lst.heading), flags=re.IGNORECASE)
    counted = re.search(rf"\b{number_word(len(lst.items))}\b", heading, re.IGNORECASE)
    if counted and count == len(lst.items):
        line = _topic(heading) + ":"
    else:
        line = data()["connectives"]["list_teaser"].format(topic=_topic(heading), count=number_word(count),
                                                           noun=lst.noun)
    return None if normalise(line) in pool.headings else line


def _body_after(pool: Pool, group: Group, after: int, limit: int = 6) -> list[Unit]:
    """The sentences right after source position `after`, in source order, while they may follow (complete,
    not the author's "I", not a question) and stay in the idea's section: a passage as the source wrote it,
    so a "that" finds its antecedent in the line before and nothing between two lines is missing. From the
    start of a section (`after` before it), the passage begins at its first sentence that stands alone."""
    sentences = pool.pillar.sentences
    section = group.section
    at = after + 1
    if after < 0 or (at < len(sentences) and sentences[at].section != section):
        first = next((u.indices[0] for u in group.units if len(u.indices) == 1 and not u.first_person
                      and not u.question and u.indices[0] > after), None)
        if first is None:
            return []
        at = first
    pick: list[Unit] = []
    last = after if after >= 0 and at == after + 1 else None
    subject = _subject(pool.pillar.title)
    while at < len(sentences) and len(pick) < limit and sentences[at].section == section:
        unit = pool.following.get(at)
        if unit is None or (last is not None and not _goes_on(sentences, last, unit, subject)):
            break
        pick.append(unit)
        last = at
        at += 1
    return pick


def _goes_on(sentences: list[Sentence], last: int, unit: Unit, subject: frozenset[str]) -> bool:
    """Does this unit carry on from the sentence before it? In the same paragraph, yes; in the next one only
    when it shares a word that names something ("agenda", "influencers"): two tips side by side with nothing in
    common read as salad (editors' ORDER, review r9: "…on mobile devices." then "The point of A/B testing…").
    The pillar's own subject ("meetings" in a meetings article) is shared by every paragraph and links none
    (review r10: a start-on-time tip ran on into "Start your meetings with pleasantries")."""
    before = sentences[last]
    return same_paragraph(before, sentences[unit.indices[0]]) \
        or bool((_naming(before.text) & _naming(unit.text)) - subject)


@lru_cache(maxsize=64)
def _subject(title: str) -> frozenset[str]:
    return frozenset(w.rstrip("s") for w in subject_words(title))


def _naming(text: str) -> set[str]:
    return {w.rstrip("s") for w in re.findall(r"[a-z][a-z'’-]{3,}", text.lower())} - _COMMON


_COMMON = frozenset(w.rstrip("s") for w in STOPWORDS) | frozenset(
    "more most many much also just only even very well make made time times people thing things help need "
    "want like that this there their these those what when where which while with would could should about "
    "other others every each some such than then them they your yours will have been being into over "
    # verbs any two tips share ("start your meetings on time" / "Start your meetings with pleasantries")
    "start starting begin give take keep find know show tell come look seem feel call move turn follow".split())


_OPTIONS: dict[tuple[int, frozenset[str] | None], tuple[Pool, list[Option]]] = {}


def options(pool: Pool, scope: frozenset[str] | None = None) -> list[Option]:
    """Every way to open a post of this pillar, each with its body; best first within each kind (once per
    pillar and scope: every platform and variant picks from the same list)."""
    key = (id(pool), scope)
    hit = _OPTIONS.get(key)
    if hit is not None and hit[0] is pool:
        return hit[1]
    if len(_OPTIONS) > 64:
        _OPTIONS.clear()
    found = _options(pool, scope)
    _OPTIONS[key] = (pool, found)
    return found


def _options(pool: Pool, scope: frozenset[str] | None) -> list[Option]:
    out: list[Option] = []
    sentences = pool.pillar.sentences
    for group in pool.groups:
        units = [u for u in group.units if not u.first_person and (scope is None or set(u.ids) <= scope)]
        for u in sorted(units, key=lambda u: (-u.score, u.indices)):
            body = _body_after(pool, group, u.indices[-1])
            if scope is not None:
                body = [b for b in body if set(b.ids) <= scope]
            if u.question and not body:
                continue  # a question with no answer after it is a bare question
            kind = (HookKind.QUESTION if u.question else HookKind.STATISTIC if u.statistic
                    else HookKind.CONTRARIAN if u.contrarian else HookKind.LEAD)
            first = u.indices[0]
            lead = first == 0 or not same_paragraph(sentences[first - 1], sentences[first])
            out.append(Option(kind, u.text, u.ids, group.index, body, score=u.score + 0.1 * len(body),
                              position=first, lead=lead, turned=u.turned))
    if scope is not None:
        return out
    first_person = _patterns()["first_person"]
    for lst in pool.lists:
        count = len(lst.items)
        if count > 7:
            continue  # a list too long for a post is not shown in part
        intro = list_intro(lst, count, pool)
        if intro and not first_person.search(intro):  # "…made me a better PM" is the author, not the brand
            at = next((g.index for g in pool.groups if g.heading == lst.heading), 0)
            out.append(Option(HookKind.LIST, intro, (), at, items=lst.items, item_ids=lst.ids,
                              score=1.0 + 0.2 * count, position=lst.position))
    for topic, gi in pool.how_to:
        if first_person.search(topic):
            continue
        home = pool.groups[gi] if gi < len(pool.groups) else None
        found = next((x for x in pool.lists if x.heading and normalise(x.heading) == normalise(topic)), None)
        if found is None and pool.lists and normalise(topic) == normalise(pool.pillar.title):
            found = max(pool.lists, key=lambda x: len(x.items))
        if found is not None:
            n = min(len(found.items), 7)
            line = data()["connectives"]["how_to"].format(topic=topic, count=number_word(n), noun=found.noun)
            out.append(Option(HookKind.HOW_TO, line, (), gi, items=found.items[:n], item_ids=found.ids,
                              score=2.0, position=found.position))
        elif home is not None:
            body = _body_after(pool, home, -1, limit=4)
            if len(body) >= 2:
                line = data()["connectives"]["how_to"].format(topic=topic, count=number_word(len(body)),
                                                              noun="points")
                out.append(Option(HookKind.HOW_TO, line, (), gi, body, score=1.5,
                                  position=body[0].indices[0]))
    for heading, gi in pool.question_headings:
        body = _body_after(pool, pool.groups[gi], -1, limit=4)
        if body:
            out.append(Option(HookKind.QUESTION, heading, (), gi, body, score=1.0 + 0.1 * len(body),
                              position=body[0].indices[0]))
    return out


def opening_key(text: str) -> str:
    """An opening as the SAME_HOOK check compares it: its first eight words, case and punctuation gone."""
    from ...defects import words

    first = re.split(r"(?<=[.!?:])\s+|\n", text.strip(), maxsplit=1)[0]
    tokens = words(first)
    if len(tokens) < 3:
        tokens = words(text)
    return " ".join(tokens[:8])


# -- shapes ---------------------------------------------------------------------------------------------

@dataclass
class Shaped:
    parts: list[str]
    used: list[str]  # source sentence ids
    has_list: bool
    tags: list[str] = field(default_factory=list)  # the hashtags chosen for this post's words


def _tail(cta: str | None, tags: list[str]) -> list[str]:
    return [x for x in (cta, " ".join(tags) if tags else None) if x]


def shape_post(option: Option, spec: PlatformSpec, voice: Voice, cta: str | None, tags: list[str],
               budget: int | None = None) -> Shaped | None:
    """One post: the hook, then as many body units (or list lines) as the platform's length and points allow,
    then the CTA and tags. None when not even the hook fits (or the brand cannot say it)."""
    hook = voice(option.hook)
    if not hook:
        return None
    window = spec.hook_window
    if window and len(hook) > window:
        return None
    points = spec.points if budget is None else budget
    high = spec.sweet_spot[1] if spec.sweet_spot else spec.limit
    arrows = spec.name in ("instagram", "tiktok", "threads")
    lines: list[str] = []
    ids = list(option.hook_ids)
    if option.items:
        mark = "→ " if arrows else "- "  # not "1.": a list number would be a number the pillar never states
        for item in option.items:
            said = voice(item)
            if not said:
                return None  # a list with an item missing says "four stages" and shows three
            lines.append(f"{mark}{said}")
        if len(lines) < 2 or len(lines) > max(points, 3):
            return None
    body_units: list[tuple[str, tuple[str, ...], bool]] = []
    for u in option.body:
        said = voice(u.text)
        if not said:
            break  # the brand cannot say it: the passage stops there rather than skip a line
        body_units.append((said, u.ids, u.turned))

    def compose(body: list[str], tail: list[str]) -> str:
        blocks = [hook]
        if lines:
            blocks.append("\n".join(lines))
        blocks.extend(body)
        return "\n\n".join([*blocks, *tail])

    # the CTA and tags go before the passage does: on a short platform (X, Bluesky) a CTA that leaves room for
    # the hook alone makes a one-line post (editors rated those 1.9), so a shorter tail that keeps a body wins
    first: Shaped | None = None
    for tail in (_tail(cta, tags), _tail(cta, []), _tail(None, tags), []):
        if not spec.fits(compose([], tail)):
            continue
        taken: list[tuple[str, tuple[str, ...], bool]] = []
        for unit in body_units[:points if not lines else 1]:
            candidate = compose([*(t for t, _, _ in taken), unit[0]], tail)
            if not spec.fits(candidate) or (spec.length(candidate) > high and taken):
                break
            taken.append(unit)
        # a post does not end on the line before the source turns against it ("Clearly, these websites must go."
        # then "…, however, you notice…"): the set-up without its turn says the opposite of the source
        while taken and taken[-1][2]:
            taken.pop()
        if not taken and not lines and option.turned:
            continue
        body = [t for t, _, _ in taken]
        used = [*ids, *(i for _, uids, _ in taken for i in uids)]
        if lines:
            used.extend(option.item_ids[:len(lines)])
        if not body and not lines and not option.hook_ids:
            return None  # a connective with nothing after it is empty
        shaped = Shaped([compose(body, tail)], used, bool(lines))
        if body or lines or not body_units:
            return shaped
        first = first or shaped
    return first


def shape_thread(promise: str, posts: list[tuple[str, tuple[str, ...]]], closing: tuple[str, tuple[str, ...]] | None,
                 spec: PlatformSpec, cta: str | None, tags: list[str], whole: bool = False,
                 plain: list[tuple[str, tuple[str, ...]]] | None = None) -> Shaped | None:
    """A thread: the promise, one point per post (source order), the closing point with the CTA; numbered n/N.
    A post that does not fit is left out, never cut; with `whole` (the promise counts the steps) the thread
    is all of them or nothing. `plain`: each point without its reason, for where the point with it does not
    fit (the last post carries the CTA and tags as well)."""
    max_mid = max(1, min(spec.points, spec.max_parts - 2, 5))
    if whole and len(posts) > max_mid:
        return None  # the promise counts the steps: every one is posted, or none
    short = plain if plain is not None and len(plain) == len(posts) else posts
    n = min(len(posts), max_mid) + 2
    suffix = f" {n}/{n}"

    def fits(t: str) -> bool:
        return spec.fits(t + suffix)

    if not fits(promise):
        return None
    pairs = [(p, q) if fits(p[0]) else (q, q) for p, q in zip(posts[:max_mid], short[:max_mid], strict=True)]
    mid = [(p, q) for p, q in pairs if fits(p[0])]
    if whole and len(mid) < len(pairs):
        return None
    last_text, last_ids = closing if closing else ("", ())
    tail = "\n\n".join(_tail(cta, tags))
    last = None
    for candidate in ([f"{last_text}\n\n{tail}".strip(), f"{last_text}\n\n{cta or ''}".strip(), last_text]
                      if last_text else []):
        if candidate and fits(candidate):
            last = candidate
            break
    if last is None:
        if len(mid) < 2:
            return None
        # the step with its reason and the CTA, else the plain step with the CTA, else the step alone
        (long_text, long_ids), (short_text, short_ids) = mid.pop()
        last, last_ids = next(((t, i) for t, i in ((f"{long_text}\n\n{tail}".strip(), long_ids),
                                                   (f"{short_text}\n\n{tail}".strip(), short_ids))
                               if fits(t)), (long_text, long_ids))
    if len(mid) < 2:
        return None
    bodies = [promise, *(t for (t, _), _ in mid), last]
    total = len(bodies)
    ids = [i for (_, u), _ in mid for i in u] + list(last_ids)
    return Shaped([f"{b} {k}/{total}" for k, b in enumerate(bodies, 1)], ids, False)
