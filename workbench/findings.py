"""Defects as a person reads them: the rubric code, the words it is about, what is wrong and the fix.

Everything here reads a stored score (`Score.to_dict()`, as drafts.json and the queue keep it) with the
draft's text, so the CLI, drafts.md, the widgets and the queue show the same thing. Scores stored before
the rubric have no `content` component, spans or fixes: they simply have no defects here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .drafts import Draft
from .errors import WorkbenchError
from .rubric import Defect
from .scoring import defect_codes

# the codes only the checks between one run's drafts find (`defects/cross.py`)
CROSS_DRAFT = (Defect.SAME_HOOK, Defect.VARIANT_CLONE)


@dataclass(frozen=True)
class DefectNote:
    """One defect of one draft, ready to show."""

    code: Defect
    message: str
    fix: str
    quote: str  # the words at `span`, on one line ("" for the title or the whole post)
    span: tuple[int, int] | None
    blocking: bool


def quote(text: str, span: tuple[int, int] | None, limit: int = 80) -> str:
    """The words of `text` at `span`, whitespace folded to single spaces, cut at `limit` with an ellipsis;
    "" when the span is missing or does not fit the text (a score of another revision)."""
    if span is None:
        return ""
    start, end = span
    if not 0 <= start < end <= len(text):
        return ""
    words = " ".join(text[start:end].split())
    return words if len(words) <= limit else words[:limit - 1].rstrip() + "…"


def _span(value: Any) -> tuple[int, int] | None:
    """A reason's span as stored: a tuple in memory, a list after JSON, absent in older scores."""
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return int(value[0]), int(value[1])
    return None


def defect_notes(score_data: Mapping[str, Any] | None, text: str) -> list[DefectNote]:
    """The defects in a stored score, in the order the scorer found them (text order), with their words
    quoted from `text` (the draft's text the score was made for)."""
    content = (score_data or {}).get("content") or {}
    notes = []
    for reason in content.get("reasons") or []:
        try:
            code = Defect(reason.get("code"))
        except ValueError:
            continue
        span = _span(reason.get("span"))
        words = quote(text, span)
        notes.append(DefectNote(code, str(reason.get("message") or ""), str(reason.get("fix") or ""), words,
                                span if words else None, bool(reason.get("blocking"))))
    return notes


def note_line(note: DefectNote) -> str:
    """`META [blocking] "## Why it works": a heading in the post. Fix: cut it.` (plain text)."""
    flag = " [blocking]" if note.blocking else ""
    words = f' "{note.quote}"' if note.quote else ""
    fix = f" Fix: {note.fix}" if note.fix else ""
    return f"{note.code.value}{flag}{words}: {note.message}{fix}"


def defect_lines(score_data: Mapping[str, Any] | None, text: str) -> list[str]:
    """Every defect of a stored score as one line each (`note_line`)."""
    return [note_line(n) for n in defect_notes(score_data, text)]


def defects_heading(notes: list[DefectNote]) -> str:
    """'defects: none', or 'defects: 3 (1 blocking)'."""
    if not notes:
        return "defects: none"
    blocking = sum(n.blocking for n in notes)
    return f"defects: {len(notes)}" + (f" ({blocking} blocking)" if blocking else "")


def count_codes(scores: Iterable[Mapping[str, Any] | None]) -> Counter[str]:
    """How many drafts have each code (a draft counts once per code, however often it has it)."""
    counts: Counter[str] = Counter()
    for score_data in scores:
        counts.update(set(defect_codes(dict(score_data) if score_data else None)))
    return counts


def format_counts(counts: Mapping[str, int]) -> str:
    """'META 12, SAME_HOOK 8' (most drafts first, then the rubric's order), or 'none'."""
    order = {code.value: i for i, code in enumerate(Defect)}
    ranked = sorted((c for c in counts if counts[c]), key=lambda c: (-counts[c], order.get(c, len(order)), c))
    return ", ".join(f"{c} {counts[c]}" for c in ranked) or "none"


def parse_code(value: str | Defect, field: str = "code", error: type[WorkbenchError] = WorkbenchError) -> Defect:
    """A rubric code from what a person typed (any case); an unknown one is an `error` listing the codes."""
    if isinstance(value, Defect):
        return value
    try:
        return Defect(value.strip().upper())
    except ValueError:
        raise error(f"'{value}' is not a defect code.", field=field,
                             fix="use one of: " + ", ".join(c.value for c in Defect) + ".") from None


def draft_name(draft: Draft) -> str:
    """'linkedin', or 'linkedin v2' for a second variant."""
    return draft.platform + (f" v{draft.variant + 1}" if draft.variant else "")


def across_drafts(drafts: Iterable[Draft]) -> list[str]:
    """What the checks between one run's drafts found (`CROSS_DRAFT`), one line per code:
    'SAME_HOOK in 3 drafts (linkedin, x, threads): "Is your inbox a chore?"'."""
    found: dict[Defect, list[tuple[Draft, DefectNote]]] = {}
    for draft in drafts:
        for note in defect_notes(draft.score, draft.text):
            if note.code in CROSS_DRAFT:
                found.setdefault(note.code, []).append((draft, note))
    lines = []
    for code in CROSS_DRAFT:
        hits = found.get(code, [])
        if not hits:
            continue
        names = list(dict.fromkeys(draft_name(d) for d, _ in hits))
        words = next((n.quote for _, n in hits if n.quote), "")
        lines.append(f"{code.value} in {len(names)} draft{'s' if len(names) != 1 else ''} ({', '.join(names)})"
                     + (f': "{words}"' if words else ""))
    return lines
