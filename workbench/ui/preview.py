"""HTML previews drawn the way each platform shows a post, with counts against the limits."""

from __future__ import annotations

import base64
import difflib
import html
import itertools
import re
from pathlib import Path
from typing import Any

from ..drafts import Draft, Problem
from ..findings import DefectNote, defect_notes
from ..platforms import PlatformSpec, PreviewStyle
from ..scoring import headline

# Outside the post cards (which keep the platform's own light look) colours come from JupyterLab's theme, so
# they stay readable in the dark theme; the fallbacks are for a page without JupyterLab (`workbench report`).
OK = "var(--jp-success-color1, #1b5e20)"
BAD = "var(--jp-error-color1, #b00020)"
WARN = "var(--jp-warn-color1, #8a5a00)"
MUTED = "var(--jp-ui-font-color2, #666)"
ADDED = "var(--jp-success-color3, #d7f5dc)"
REMOVED = "var(--jp-error-color3, #fbd9dd)"

CARD = ("font-family:system-ui,sans-serif;border:1px solid #ddd;border-radius:10px;padding:12px;margin:6px 0;"
        "max-width:100%;box-sizing:border-box;background:#fff;color:#111;white-space:pre-wrap")


def esc(value: object) -> str:
    """Anything that came from a user, a file or a database as HTML text (quotes too, for attributes):
    ipywidgets' HTML sets its value as markup, so an unescaped name would run in the editor's browser."""
    return html.escape(str(value), quote=True)


def _count(spec: PlatformSpec, text: str) -> str:
    n = spec.length(text)
    colour = "#b00020" if n > spec.limit else "#555"
    return f"<div style='color:{colour};font-size:12px'>{n}/{spec.limit} ({spec.counting.value})</div>"


def _data_uri(path: str | Path | None) -> str | None:
    """A PNG or JPEG as a data URI (the widget's HTML can load no file), or None where there is none."""
    p = Path(path) if path else None
    if p is None or not p.is_file() or p.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        return None
    kind = "png" if p.suffix.lower() == ".png" else "jpeg"
    return f"data:image/{kind};base64,{base64.b64encode(p.read_bytes()).decode()}"


def _image_tag(path: str) -> str:
    uri = _data_uri(path)
    return f"<img src='{uri}' style='width:100%;border-radius:6px'/>" if uri else ""


def marked(text: str, offset: int, notes: list[DefectNote]) -> str:
    """`text` (which starts at `offset` in the draft's text) as HTML with every defect's words underlined,
    its code and fix in the title. The spans are cut on the raw text and each piece is escaped on its own:
    escaping first would move every offset (and could cut an entity in half)."""
    end = offset + len(text)
    spans = [(max(s, offset) - offset, min(e, end) - offset, n) for n in notes if n.span
             for s, e in [n.span] if max(s, offset) < min(e, end)]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out = []
    for a, b in itertools.pairwise(cuts):
        piece = esc(text[a:b])
        over = [n for s, e, n in spans if s <= a and b <= e]
        if over:
            codes = " ".join(dict.fromkeys(n.code.value for n in over))
            title = "; ".join(f"{n.code.value}: {n.fix or n.message}" for n in over)
            piece = (f"<u class='wb-defect' data-code='{esc(codes)}' title='{esc(title)}' "
                     f"style='text-decoration-color:#b00020;text-decoration-thickness:2px'>{piece}</u>")
        out.append(piece)
    return "".join(out)


def _avatar(brand: Any | None, size: int = 40) -> str:
    """The brand's logo in a circle (its primary colour and initial where it has no logo)."""
    visual = getattr(brand, "visual", None)
    uri = _data_uri(getattr(visual, "logo", None))
    if uri:
        return (f"<img class='wb-avatar' alt='' src='{uri}' style='width:{size}px;height:{size}px;"
                "border-radius:50%;object-fit:cover;flex:none'/>")
    colour = getattr(visual, "primary", "#1F3A5F")
    initial = esc((getattr(brand, "name", "") or "?")[:1].upper())
    return (f"<div class='wb-avatar' style='width:{size}px;height:{size}px;border-radius:50%;background:{colour};"
            f"color:#fff;display:flex;align-items:center;justify-content:center;font-weight:bold;flex:none'>"
            f"{initial}</div>")


def _author(brand: Any | None, spec: PlatformSpec, after_name: str = "") -> str:
    """The row above a post: avatar, the brand's name (and `after_name`: a thread post's n/N), its handle and
    when (as the platform shows it)."""
    name = getattr(brand, "name", None) or "Your brand"
    handle = "@" + "".join(ch for ch in name.lower() if ch.isalnum())
    return (f"<div class='wb-author' style='display:flex;gap:8px;align-items:center;margin-bottom:6px'>"
            f"{_avatar(brand)}<div style='line-height:1.2'><b>{esc(name)}</b>{after_name}<br>"
            f"<span style='color:#666;font-size:12px'>{esc(handle)} · now · {esc(spec.label)}</span></div></div>")


def _square(draft: Draft) -> str:
    """The picture an Instagram-like post leads with, cropped square as the feed shows it: the quote card, or
    the reel's poster frame; a grey square where the draft has none yet."""
    for m in draft.media:
        uri = _data_uri(m.path) if m.kind in ("image", "poster") else None
        if uri:
            return (f"<img class='wb-square' alt='{esc(m.alt_text)}' src='{uri}' "
                    "style='width:100%;aspect-ratio:1/1;object-fit:cover;display:block'/>")
    return ("<div class='wb-square' style='width:100%;aspect-ratio:1/1;background:#eee;display:flex;"
            "align-items:center;justify-content:center;color:#888'>image or reel poster</div>")


def render_preview(draft: Draft, spec: PlatformSpec, brand: Any | None = None) -> str:
    """Drawn in the platform's `preview` style, under the brand's name and avatar row (`brand`: its logo): a
    feed post cut at its 'see more' (LinkedIn), a thread as connected posts with the thread line and each
    post's count (X), a square picture with the caption under it (Instagram, TikTok, Reels), or a post card
    (Bluesky, Threads, Mastodon). The words each defect of the draft's score is about are underlined."""
    parts = draft.parts or [""]
    notes = defect_notes(draft.score, draft.text)
    starts = list(itertools.accumulate((len(p) + 2 for p in parts[:-1]), initial=0))  # parts join with "\n\n"
    author = _author(brand, spec)
    if spec.preview is PreviewStyle.FEED:
        text = parts[0]
        lines = text.split("\n")
        cut = min(spec.hook_window or len(text), len("\n".join(lines[: spec.hook_lines or len(lines)])))
        shown, hidden = text[:cut], text[cut:]
        more = (f"<span style='color:#666'>…{esc(spec.more_label.strip(chr(39)).lstrip('.'))}</span>"
                f"<details><summary style='color:#0a66c2'>expand"
                f"</summary>{marked(hidden, cut, notes)}</details>") if hidden else ""
        image = next((_image_tag(m.path) for m in draft.media if m.kind == "image"), "")
        return (f"<div class='wb-post' style='{CARD}'>{author}{marked(shown, 0, notes)}{more}{image}"
                f"{_count(spec, text)}</div>")
    if spec.is_thread or spec.preview is PreviewStyle.CARDS:
        posts = []
        for n, (p, at) in enumerate(zip(parts, starts, strict=True), 1):
            line = ("<div class='wb-thread-line' style='position:absolute;left:19px;top:46px;bottom:-6px;"
                    "width:2px;background:#cfd9de'></div>") if n < len(parts) else ""
            number = f"<span style='color:#666;font-size:12px'> {n}/{len(parts)}</span>" if len(parts) > 1 else ""
            posts.append(f"<div class='wb-post' style='position:relative;padding:6px 0 10px 0'>{line}"
                         f"{_author(brand, spec, number)}"
                         f"<div style='margin-left:48px'>{marked(p, at, notes)}{_count(spec, p)}</div></div>")
        return (f"<div class='wb-thread' style='{CARD}'><b>{esc(spec.label)}</b> ({len(parts)} "
                f"post{'s' if len(parts) != 1 else ''}){''.join(posts)}</div>")
    if spec.preview is PreviewStyle.MEDIA:
        text = parts[0]
        window = spec.hook_window or 125
        name = esc(getattr(brand, "name", None) or "Your brand")
        shown = marked(text[:window], 0, notes) + ("<span style='color:#666'>… more</span>" if len(text) > window
                                                   else "")
        return (f"<div class='wb-post' style='{CARD};padding:0;overflow:hidden'>"
                f"<div style='padding:8px'>{author}</div>{_square(draft)}"
                f"<div style='padding:8px'><b>{name}</b> {shown}{_count(spec, text)}</div></div>")
    title = f"<b>{esc(draft.title)}</b><br>" if draft.title else ""
    return (f"<div class='wb-post' style='{CARD}'>{author}{title}{marked(parts[0], 0, notes)}"
            f"{_count(spec, parts[0])}</div>")


def render_defects(draft: Draft) -> str:
    """The defects of the draft's score under its preview: code, the words, what is wrong and the fix."""
    notes = defect_notes(draft.score, draft.text)
    if not notes:
        # neutral, not green: the verdict (score) says whether the draft is ready; this only says what was not found
        return f"<div class='wb-defects' style='color:{MUTED}'>no defects found</div>" if draft.score else ""
    rows = "".join(f"<li data-code='{esc(n.code.value)}'><b>{esc(n.code.value)}</b>"
                   + (" <i>blocking</i>" if n.blocking else "")
                   + (f" “<u>{esc(n.quote)}</u>”" if n.quote else "") + f": {esc(n.message)}"
                   + (f" <b>Fix:</b> {esc(n.fix)}" if n.fix else "") + "</li>" for n in notes)
    return f"<ul class='wb-defects' style='color:{BAD};margin:4px 0'>{rows}</ul>"


def render_problems(problems: list[Problem]) -> str:
    """The platform's hard rules the draft breaks. None broken is said plainly, not in green: a draft within the
    limits can still need an edit (the score's verdict beside it says so)."""
    if not problems:
        return f"<div style='color:{MUTED}'>within the platform's limits</div>"
    rows = "".join(f"<li><b>{esc(p.code)}</b> {esc(p.where + ': ' if p.where else '')}{esc(p.message)}</li>"
                   for p in problems)
    return f"<ul style='color:{BAD};margin:4px 0'>{rows}</ul>"


_TOKEN = re.compile(r"\s+|[^\s]+")


def _marks(space: str, breaks: bool = False) -> str:
    """Whitespace made visible: an edit that only joins or splits paragraphs must still show in the diff
    (`breaks`: each line break also stays one)."""
    return space.replace("\r", "").replace("\n", "↵\n" if breaks else "↵").replace("\t", "→").replace(" ", "·")


def word_diff(old: str, new: str, context: int = 8) -> str:
    """Two revisions as one text, word by word: removed words struck through on red, added ones on green, each
    piece escaped on its own. An unchanged run longer than twice `context` words keeps its ends around "…",
    so a one-word edit of a long post stays a few lines tall."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            run = a[i1:i2]
            words = [n for n, t in enumerate(run) if not t.isspace()]
            if len(words) > 2 * context:
                head, tail = run[: words[context - 1] + 1], run[words[-context]:]
                out.append(f"{esc(''.join(head))}<span style='color:{MUTED}'> … </span>{esc(''.join(tail))}")
            else:
                out.append(esc("".join(run)))
            continue
        if i2 > i1:
            gone = "".join(a[i1:i2])
            shown = _marks(gone) if gone.isspace() else gone
            out.append(f"<del style='background:{REMOVED};color:inherit'>{esc(shown)}</del>")
        if j2 > j1:
            added = "".join(b[j1:j2])  # added line breaks stay breaks, marked so that they show
            out.append(f"<ins style='background:{ADDED};color:inherit;text-decoration:none'>"
                       f"{esc(_marks(added, breaks=True) if added.isspace() else added)}</ins>")
    return f"<div class='wb-diff' style='white-space:pre-wrap;max-width:720px;line-height:1.5'>{''.join(out)}</div>"


def render_score(score: dict[str, Any] | None) -> str:
    if not score:
        return ""
    overall = esc(score["overall"])
    head = esc(headline(score)).replace(f"Score {overall}", f"<b>Score {overall}</b>", 1)
    reasons = "".join(f"<li>{int(r['points']):+d} {esc(r['message'])}</li>" for c in ("tone", "cta", "platform_fit")
                      for r in score[c]["reasons"])
    return f"<div>{head}<ul style='margin:4px 0'>{reasons}</ul></div>"
