"""ipywidgets for the notebooks: the creator's composer, the editor's review queue, the calendar.

Every button calls a method that calls the same public functions as the CLI (`repurpose`, `validate`,
`score`, `Queue`, `plan`, the exports); the methods are public so tests drive them without a browser.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import ipywidgets as w

from ..brand import available_brands, load_brand
from ..config import Settings, load_settings
from ..drafts import Draft, parts_from_text, text_from_parts
from ..engines import engine_names, get_engine
from ..errors import WorkbenchError
from ..pillar import Pillar, load_pillar
from ..platforms import PlatformSpec, validate
from ..queue import Item, ItemState, Queue, Resolution, now_utc
from ..report import Placed, chart, clip_timeline, mix_per_week, platform_colours, posting_heatmap, score_distribution
from ..repurpose import SKIPPED_NOTE, queue_drafts, repurpose
from ..rubric import Defect
from ..schedule import ExportOptions, export_queue, free_slots, parse_when, pin, plan, schedule_frame
from ..schedule.exports import exporters
from ..scoring import defect_codes, score
from .preview import BAD, MUTED, OK, WARN, render_defects, render_preview, render_problems, render_score, word_diff
from .preview import esc as _esc


class Tone(StrEnum):
    """How a status line reads: done, done but worth a look, or refused."""

    OK = "ok"
    WARN = "warn"
    ERROR = "error"


_TONES = {Tone.OK: OK, Tone.WARN: WARN, Tone.ERROR: BAD}

# what a message written for the command line calls a control, and what the widgets call it
_CONTROLS = {"use --engine extractive": "choose extractive under Engine",
             "add --engine llm --model M": "choose llm under Engine and fill in Model",
             "pass --model": "fill in Model", "leave --model out": "leave Model empty",
             "point --base-url at": "point Server at", "pass --transcript FILE": "put a transcript beside it",
             "add --comment": "write in the comment box",
             "pass a reason, e.g. --fail": "write a reason in Resolve, e.g.",
             "--engine extractive": "extractive under Engine", "--engine llm": "llm under Engine",
             "--engine": "Engine", "--model": "Model", "--base-url": "Server", "--brand": "Brand",
             "--platforms": "Platforms", "--transcript": "a transcript", "--comment": "the comment box",
             "--fail": "Resolve", "--revision": "the revision shown", "--base-revision": "the revision shown"}
_FLAG = re.compile("(?:" + "|".join(re.escape(f) for f in sorted(_CONTROLS, key=len, reverse=True)) + r")(?![\w-])")


# what the widget does by itself: it shows the newest revision after a refusal, so no revision is named
_DONE_FOR_YOU = [(re.compile(r" with --(?:base-)?revision \d+"), ""),
                 (re.compile(r" \(`workbench queue show \d+`\)"), " (it is on screen now)")]


def in_widget_words(message: str) -> str:
    """A library message as the widgets should say it: command-line flags become the controls that do the
    same thing (the widgets and the CLI share one set of errors)."""
    for pattern, plain in _DONE_FOR_YOU:
        message = pattern.sub(plain, message)
    return _FLAG.sub(lambda m: _CONTROLS[m.group(0)], message)


def _status(box: w.HTML, message: str, tone: Tone = Tone.OK) -> None:
    box.value = f"<div style='color:{_TONES[tone]}'>{_esc(in_widget_words(message))}</div>"


class DraftEditor(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """One draft: a preview drawn like the platform (each defect's words underlined), an editable text, and
    counters, problems, defects and score that follow every keystroke. With its `pillar`, the checks against
    the source run too; the checks between drafts ran when the composer made them and are shown until the
    first edit (they need the run's other drafts)."""

    def __init__(self, draft: Draft, spec: PlatformSpec, brand: Any, pillar: Pillar | None = None) -> None:
        self.draft, self.spec, self.brand, self.pillar = draft, spec, brand, pillar
        self.text = w.Textarea(value=text_from_parts(draft.parts),
                               layout=w.Layout(width="100%", height="180px"))
        self.preview, self.defects, self.problems, self.score_html = w.HTML(), w.HTML(), w.HTML(), w.HTML()
        self.text.observe(self._changed, names="value")
        children: list[w.Widget] = [self.preview, self.defects, self.text, self.problems, self.score_html]
        reel = next((m for m in draft.media if m.kind == "reel" and Path(m.path).exists()), None)
        if reel is not None:
            children.insert(0, w.Video.from_file(reel.path, autoplay=False, loop=False, width=270))
        # a phone's width, as most people see the post: two side by side fit a 1280 px screen, file browser open
        super().__init__(children, layout=w.Layout(width="390px"))
        if draft.score is None:
            self.refresh()
        else:  # scored with the run's other drafts: keep what that found until the text changes
            self.draft.problems = validate(self.draft, self.spec)
            self._show()

    def _changed(self, change: dict[str, Any]) -> None:
        # a single post is kept exactly as typed; a thread is cut at its separator lines, as the CLI reads it
        text = change["new"]
        self.draft.parts = (parts_from_text(text, True) if self.spec.is_thread else [text]) or [""]
        self.refresh()

    def refresh(self) -> None:
        self.draft.problems = validate(self.draft, self.spec)
        self.draft.score = score(self.draft, self.brand, self.spec, problems=self.draft.problems,
                                 pillar=self.pillar).to_dict()
        self._show()

    def _show(self) -> None:
        self.preview.value = render_preview(self.draft, self.spec, self.brand)
        self.defects.value = render_defects(self.draft)
        self.problems.value = render_problems(self.draft.problems)
        self.score_html.value = render_score(self.draft.score)


def run_charts(drafts: list[Draft], pillar: Pillar) -> str:
    """Under the composer's tabs: the scores of the run's drafts, and for a talk the candidate clips."""
    if not drafts:
        return ""
    out = chart(score_distribution([d.score["overall"] if d.score else None for d in drafts],
                                   "Scores of this run's drafts"), f"Histogram of the scores of {len(drafts)} drafts")
    if pillar.video_path is not None and pillar.duration:
        from ..media.reels import candidates_heard

        cut = [(float(c["start"]), float(c["end"]), float(c["score"])) for d in drafts
               if d.score and isinstance(c := d.score.get("clip"), dict)]
        every = candidates_heard(pillar.video_path, pillar)
        out += chart(clip_timeline(every, pillar.duration, cut),
                     f"Timeline of {len(every)} candidate clips by score, the {len(cut)} cut as reels in orange")
    return out


class Composer(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """Pick a pillar, a brand and platforms, generate drafts (offline by default), edit them with live
    counters and scores, compare variants side by side, and send them to the review queue."""

    def __init__(self, settings: Settings | None = None, pillar: str | Path | None = None) -> None:
        self.settings = settings or load_settings()
        brands = available_brands(self.settings.workspace)
        self.pillar = w.Text(value=str(pillar or ""), description="Pillar", placeholder="path to .md .txt .html "
                             ".srt .vtt or a video", layout=w.Layout(width="520px"))
        self.brand = w.Dropdown(options=brands, value=self.settings.get("brand") if self.settings.get("brand") in
                                brands else (brands[0] if brands else None), description="Brand")
        self.platforms = w.SelectMultiple(options=list(self.settings.platforms()), value=("linkedin", "x_thread",
                                          "instagram"), description="Platforms", rows=6)
        self.engine = w.ToggleButtons(options=engine_names(), value="extractive", description="Engine")
        self.model = w.Text(description="Model", placeholder="llm only, e.g. gpt-4o-mini")
        self.base_url = w.Text(description="Server", placeholder="llm only, e.g. http://localhost:11434/v1")
        self.variants = w.IntSlider(value=1, min=1, max=4, description="Variants")
        self.generate_button = w.Button(description="Generate", button_style="primary", icon="magic")
        self.queue_button = w.Button(description="Send to queue", icon="inbox", disabled=True)
        self.progress = w.IntProgress(min=0, max=1, value=0, description="", layout=w.Layout(width="520px"))
        self.status = w.HTML()
        self.tabs = w.Tab()
        self.charts = w.HTML()  # the run's scores, and a talk's candidate clips
        self.drafts: list[Draft] = []
        self.editors: list[DraftEditor] = []
        self.pickers: dict[str, w.ToggleButtons] = {}  # platform -> the variant to send, where there are several
        self.generate_button.on_click(lambda _: self.generate())
        self.queue_button.on_click(lambda _: self.send_to_queue())
        super().__init__([self.pillar, self.brand, self.platforms, self.engine, self.model, self.base_url,
                          self.variants, w.HBox([self.generate_button, self.queue_button]), self.progress,
                          self.status, self.tabs, self.charts])

    def generate(self) -> list[Draft]:
        try:
            pillar = load_pillar(self.pillar.value.strip(), max_bytes=self.settings.get("max_pillar_bytes"))
            brand = load_brand(self.brand.value, self.settings.workspace)
            specs = [self.settings.platform(p) for p in self.platforms.value]
            engine = get_engine(self.engine.value, model=self.model.value or None,
                                base_url=self.base_url.value or None, settings=self.settings)
            self.progress.max, self.progress.value = len(specs) + 1, 1
            media = self.settings.workspace / "out" / pillar.stem / "media"

            def step(name: str) -> None:
                self.progress.value = min(self.progress.value + 1, self.progress.max)
                self.progress.description = name

            notes: list[str] = []
            self.drafts = repurpose(pillar, brand, specs, engine, self.variants.value, media_dir=media,
                                    notes=notes, progress=step)
        except WorkbenchError as exc:
            # the drafts on screen were not made from what the controls now say: none of them can be sent
            self.drafts, self.editors, self.tabs.children = [], [], ()
            self.charts.value = ""
            self.queue_button.disabled = True
            self.progress.value = 0
            _status(self.status, str(exc), Tone.ERROR)
            return []
        self.progress.value = self.progress.max
        self._brand, self._pillar_path = brand, str(pillar.path)
        self._show(specs, brand, pillar, notes)
        self.charts.value = run_charts(self.drafts, pillar)
        self.queue_button.disabled = not self.drafts
        made = (f"{len(self.drafts)} draft{'s' if len(self.drafts) != 1 else ''} from {pillar.title!r} "
                f"({self.engine.value} engine)")
        if not self.drafts:  # nothing to send: said as a warning, never in green
            _status(self.status, f"{made}: " + "; ".join(notes or ["no platform got a draft"]) + ".", Tone.WARN)
        elif notes:
            _status(self.status, f"{made}; " + "; ".join(notes) + ".", Tone.WARN)
        else:
            _status(self.status, f"{made}.")
        return self.drafts

    def _show(self, specs: list[PlatformSpec], brand: Any, pillar: Pillar, notes: list[str]) -> None:
        self.editors, self.pickers = [], {}
        pages = []
        for spec in specs:
            editors = [DraftEditor(d, spec, brand, pillar) for d in self.drafts if d.platform == spec.name]
            self.editors += editors
            why = next((n for n in notes if n.startswith(f"{SKIPPED_NOTE} {spec.name} ")), "no draft")
            if not editors:
                pages.append(w.HTML(f"<div style='color:{WARN}'>{_esc(why)}</div>"))
                continue
            row = w.HBox(editors, layout=w.Layout(flex_flow="row wrap", grid_gap="12px"))
            if len(editors) > 1 and not spec.clips:  # variants of one post: the editor picks the one to send
                picker = w.ToggleButtons(options=[(f"Variant {n} · score {e.draft.score['overall']}"
                                                   if e.draft.score else f"Variant {n}", n - 1)
                                                  for n, e in enumerate(editors, 1)],
                                         value=0, description="Use this one:", style={"description_width": "initial"})
                self.pickers[spec.name] = picker
                pages.append(w.VBox([picker, row]))
            else:
                pages.append(row)
        self.tabs.children = pages
        for i, spec in enumerate(specs):
            self.tabs.set_title(i, spec.label)

    def chosen(self) -> list[Draft]:
        """What Send to queue sends: each platform's picked variant (the best by default), and every reel."""
        out: list[Draft] = []
        for platform in dict.fromkeys(e.draft.platform for e in self.editors):
            mine = [e.draft for e in self.editors if e.draft.platform == platform]
            picker = self.pickers.get(platform)
            out += [mine[picker.value]] if picker is not None else mine
        return out

    def send_to_queue(self, queue: Queue | None = None) -> int:
        queue = queue or self.settings.queue()
        added, present = queue_drafts(queue, self.chosen(), self._pillar_path, self.brand.value,
                                      author=str(self.settings.get("author")))
        _status(self.status, f"{added} draft(s) sent to the review queue"
                             + (f", {present} already there." if present else "."))
        return added


class ReviewQueue(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """Filter the queue, open an item (preview, revisions as a diff, comments), edit it, and approve,
    request changes or reject it as a named editor. A conflicting edit is shown, never lost."""

    def __init__(self, queue: Queue | None = None, author: str | None = None, settings: Settings | None = None) -> None:
        self.settings = settings or load_settings()
        self.queue = queue or self.settings.queue()
        self.state = w.Dropdown(options=["(all)", *(s.value for s in ItemState)], value=ItemState.IN_REVIEW.value,
                                description="State")
        self.platform = w.Dropdown(options=["(all)", *self.settings.platforms()], value="(all)", description="Platform")
        self.brand = w.Text(description="Brand", placeholder="(all)")
        self.min_score = w.IntSlider(value=0, min=0, max=100, description="Min score")
        self.code = w.Dropdown(options=["(all)", *(c.value for c in Defect)], value="(all)", description="Defect")
        self.items = w.Select(options=[], rows=8, layout=w.Layout(width="720px"))
        self.author = w.Text(value=author or str(self.settings.get("author")), description="Editor")
        self.detail, self.history, self.status = w.HTML(), w.HTML(), w.HTML()
        self.editor = w.Textarea(layout=w.Layout(width="520px", height="160px"))
        self.comment = w.Textarea(placeholder="comment (needed to request changes)", layout=w.Layout(width="520px"))
        self.save_button = w.Button(description="Save edit", icon="save")
        self.discard_button = w.Button(description="Discard edit", icon="undo")
        self.approve_button = w.Button(description="Approve", button_style="success", icon="check")
        self.changes_button = w.Button(description="Request changes", button_style="warning")
        self.reject_button = w.Button(description="Reject", button_style="danger", icon="times")
        # settling an item publishing could not (needs_attention, failed), once you checked the platform
        self.resolve_text = w.Text(description="Resolve", placeholder="post URL if live, or why it failed")
        self.live_button = w.Button(description="It is live")
        self.retry_button = w.Button(description="Not live: send again")
        self.fail_button = w.Button(description="Mark failed")
        self.current: Item | None = None
        self._listing = False  # True while refresh() replaces the list: its own changes are not the editor's clicks
        for control in (self.state, self.platform, self.brand, self.min_score, self.code):
            control.observe(lambda _: self.refresh(), names="value")
        self.items.observe(self._picked, names="value")
        self.save_button.on_click(lambda _: self.save_edit(self.editor.value))
        self.discard_button.on_click(lambda _: self.discard_edit())
        self.approve_button.on_click(lambda _: self.approve())
        self.changes_button.on_click(lambda _: self.request_changes(self.comment.value))
        self.reject_button.on_click(lambda _: self.reject())
        self.live_button.on_click(lambda _: self.resolve(Resolution.PUBLISHED, self.resolve_text.value))
        self.retry_button.on_click(lambda _: self.resolve(Resolution.RETRY))
        self.fail_button.on_click(lambda _: self.resolve(Resolution.FAIL, self.resolve_text.value))
        filters = w.HBox([self.state, self.platform, self.brand, self.min_score, self.code])
        actions = w.HBox([self.approve_button, self.changes_button, self.reject_button])
        resolve = w.HBox([self.resolve_text, self.live_button, self.retry_button, self.fail_button])
        super().__init__([filters, self.items, self.author, self.detail, self.editor,
                          w.HBox([self.save_button, self.discard_button]), self.comment, actions, resolve,
                          self.status, self.history])
        self.refresh()

    def refresh(self) -> list[Item]:
        """The list under the filters. The item shown stays selected while it is listed; once it leaves the list
        (approved out of "in_review", filtered away) the next one in the list is shown in its place, or none:
        the highlighted line and the item the buttons act on are always the same."""
        found = self.queue.list(state=None if self.state.value == "(all)" else self.state.value,
                                platform=None if self.platform.value == "(all)" else self.platform.value,
                                brand=self.brand.value.strip() or None,
                                min_score=self.min_score.value or None,
                                code=None if self.code.value == "(all)" else self.code.value)
        before = [value for _, value in self.items.options]
        ids = [i.id for i in found]
        keep: int | None = None
        if self.current is not None and self.current.id in ids:
            keep = self.current.id
        elif self.current is not None and self.current.id in before:  # it left: the one after it, else the first
            later = [i for i in before[before.index(self.current.id) + 1:] if i in ids]
            keep = later[0] if later else (ids[0] if ids else None)
        elif ids:
            keep = ids[0]
        self._listing = True
        try:
            self.items.options = [(self._line(i), i.id) for i in found]
            self.items.value = keep
        finally:
            self._listing = False
        if keep is None:
            self.clear()
        else:
            self.select(keep)
        return found

    @staticmethod
    def _line(i: Item) -> str:
        codes = defect_codes(i.draft.score)
        return (f"#{i.id} · {i.platform} · {i.state} · score {i.score} · "
                + (f"{' '.join(codes)} · " if codes else "")
                + f"{len(i.problems)} problem(s) · {i.draft.parts[0].splitlines()[0][:60]}")

    def _picked(self, change: dict[str, Any]) -> None:
        if not self._listing and change["new"] is not None:
            self.select(change["new"])

    def clear(self) -> None:
        """Nothing selected: nothing shown, and the buttons have nothing to act on."""
        self.current = None
        self.detail.value = f"<i style='color:{MUTED}'>no item in this list</i>"
        self.editor.value, self.history.value = "", ""

    def select(self, item_id: int) -> Item:
        """Show an item (the list highlights it too). The editor's text is replaced when another item comes on
        screen or nothing typed would be lost: an unsaved edit survives a filter change and a refused action
        (a conflict brings the newer revision on screen and keeps the typed text; Discard edit shows it)."""
        item = self.queue.get(item_id)
        shown = self.current
        self.current = item
        if self.items.value != item_id and item_id in [value for _, value in self.items.options]:
            self._listing = True
            try:
                self.items.value = item_id
            finally:
                self._listing = False
        spec = self.settings.platform(item.platform)
        self.detail.value = (f"<b>#{item.id}</b> {_esc(item.platform)} · {_esc(item.brand)} · "
                             f"<b>{_esc(item.state)}</b> · revision {item.revision}"
                             + render_preview(item.draft, spec, self._brand(item.brand))
                             + render_defects(item.draft) + render_problems(item.problems)
                             + render_score(item.draft.score))
        if shown is None or shown.id != item.id or not self.unsaved(shown):
            self.editor.value = text_from_parts(item.draft.parts)
        self.history.value = self._history(item_id)
        return item

    def _brand(self, name: str) -> Any:
        """The item's brand voice for its avatar row (None for a brand this workspace does not have)."""
        try:
            return load_brand(name, self.settings.workspace)
        except WorkbenchError:
            return None

    def unsaved(self, item: Item | None = None) -> bool:
        """Whether the editor holds text that differs from the revision on screen."""
        item = item or self.current
        return item is not None and self.editor.value != text_from_parts(item.draft.parts)

    def discard_edit(self) -> None:
        if self.current is not None:
            self.editor.value = text_from_parts(self.current.draft.parts)
            _status(self.status, f"#{self.current.id}: edit discarded; revision {self.current.revision} is shown.")

    def _history(self, item_id: int) -> str:
        out = []
        revs = self.queue.revisions(item_id)
        for prev, cur in zip(revs, revs[1:], strict=False):
            out.append(f"<div style='margin:6px 0'><b>revision {prev.number} → {cur.number}</b> "
                       f"<span style='color:{MUTED}'>({_esc(cur.author)})</span>"
                       + word_diff("\n\n".join(prev.parts), "\n\n".join(cur.parts)) + "</div>")
        for c in self.queue.conflicts(item_id):
            out.append(f"<div style='color:{BAD}'>Conflict kept: {_esc(c['author'])} edited revision "
                       f"{_esc(c['base_revision'])} after revision {_esc(c['current_revision'])}: "
                       f"{_esc(' / '.join(c['parts']))}</div>")
        for c in self.queue.comments(item_id):
            out.append(f"<div>💬 <b>{_esc(c['author'])}</b>: {_esc(c['body'])}</div>")
        for a in self.queue.audit_log(item_id):
            out.append(f"<div style='color:{MUTED};font-size:12px'>{a['at']:%Y-%m-%d %H:%M} {_esc(a['actor'])}:"
                       f" {_esc(a['action'])}</div>")
        return "".join(out)

    def _act(self, action: str, fn: Callable[[Item], Item], uses_comment: bool = False) -> Item | None:
        """`fn` on the item shown; a refusal from the queue shows in the status line, and the item is shown
        again as it is now (a newer revision someone saved comes on screen; the editor keeps what was typed)."""
        current = self.current
        if current is None:
            _status(self.status, "select an item first.", Tone.ERROR)
            return None
        try:
            item = fn(current)
        except WorkbenchError as exc:
            _status(self.status, str(exc), Tone.ERROR)
            self.select(current.id)
            return None
        if uses_comment:
            self.comment.value = ""  # said once: it must not ride along on the next item's action
        self.refresh()
        listed = self.current is not None and self.current.id == item.id
        shown = "" if listed else (f" It left this list; #{self.current.id} is shown." if self.current
                                   else " It left this list, which is now empty.")
        _status(self.status, f"#{item.id} {action} by {self.author.value}: now {item.state}.{shown}")
        return item

    def approve(self) -> Item | None:
        """Approves the revision on screen: refused with unsaved edits (save or discard them first), and if
        someone saved a newer revision since it was shown."""
        if self.current is not None and self.unsaved():
            _status(self.status, f"#{self.current.id} has an unsaved edit: save it (Save edit) or discard it "
                                 f"(Discard edit) first; approving now would approve revision "
                                 f"{self.current.revision}, not the text in the editor.", Tone.ERROR)
            return None
        return self._act("approved", lambda current: self.queue.approve(current.id, self.author.value,
                                                                        current.revision))

    def resolve(self, resolution: Resolution, text: str = "") -> Item | None:
        """Settle the selected item: live at `text` (its URL), send it again, or failed because of `text`."""
        author = self.author.value
        actions: dict[Resolution, Callable[[Item], Item]] = {
            Resolution.PUBLISHED: lambda current: self.queue.resolve_published(current.id, author, text),
            Resolution.RETRY: lambda current: self.queue.resolve_retry(current.id, author),
            Resolution.FAIL: lambda current: self.queue.resolve_failed(current.id, author, text)}
        return self._act(f"resolved ({resolution})", actions[resolution])

    def reject(self) -> Item | None:
        return self._act("rejected", lambda current: self.queue.reject(current.id, self.author.value,
                                                                       self.comment.value or None), True)

    def request_changes(self, comment: str) -> Item | None:
        return self._act("sent back", lambda current: self.queue.request_changes(current.id, self.author.value,
                                                                                 comment), True)

    def save_edit(self, text: str) -> Item | None:
        item = self.current
        if item is None:
            return self._act("edited", lambda current: current)  # not called: _act reports that none is selected
        spec = self.settings.platform(item.platform)
        parts = parts_from_text(text, True) if spec.is_thread else [text]
        return self._act("edited", lambda _: self.queue.edit(item.id, parts, self.author.value, item.revision))


ZONES = ("UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York", "America/Chicago",
         "America/Los_Angeles", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo",
         "Australia/Sydney")


class Calendar(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """A week of scheduled posts per platform, in a time zone you choose; plan, move a post to a free slot or
    a time of your own, export for calendars and tools."""

    def __init__(self, queue: Queue | None = None, settings: Settings | None = None, brand: str | None = None,
                 export_dir: str | Path = "exports") -> None:
        self.settings = settings or load_settings()
        self.queue = queue or self.settings.queue()
        self.config = self.settings.schedule_for(brand)
        self.export_dir = Path(export_dir)
        # the week that holds today: what an editor checks first
        today = datetime.now(self.config.zone).date()
        self.week = w.DatePicker(value=today - timedelta(days=today.weekday()), description="Week of")
        self.zone = w.Dropdown(options=list(dict.fromkeys([self.config.timezone, *ZONES])),
                               value=self.config.timezone, description="Time zone")
        self.previous_button = w.Button(description="◀ Previous week")
        self.this_week_button = w.Button(description="This week")
        self.next_button = w.Button(description="Next week ▶")
        self.grid, self.status, self.charts = w.HTML(), w.HTML(), w.HTML()
        self.item = w.Dropdown(options=[], description="Post to move", style={"description_width": "initial"},
                               layout=w.Layout(width="460px"))
        self.slot = w.Dropdown(options=[], description="Free slot", layout=w.Layout(width="300px"))
        self.slot_button = w.Button(description="Move to this slot", icon="calendar")
        self.when = w.Text(description="Or a time", placeholder="2026-12-01 09:00")
        self.move_button = w.Button(description="Move")
        self.plan_button = w.Button(description="Plan approved", button_style="primary")
        formats = exporters.names()  # every installed exporter, built-ins first
        self.export_buttons = [w.Button(description=f"Export {fmt}") for fmt in formats]
        self.week.observe(lambda _: self.refresh(), names="value")
        self.zone.observe(lambda _: self.refresh(), names="value")
        self.item.observe(lambda _: self._offer_slots(), names="value")
        self.previous_button.on_click(lambda _: self.go(-1))
        self.this_week_button.on_click(lambda _: self.go(0))
        self.next_button.on_click(lambda _: self.go(1))
        self.slot_button.on_click(lambda _: self.move_to_slot())
        self.move_button.on_click(lambda _: self.move(self.item.value, self.when.value))
        self.plan_button.on_click(lambda _: self.plan())
        for button, fmt in zip(self.export_buttons, formats, strict=True):
            button.on_click(lambda _, f=fmt: self.export(f))
        super().__init__([w.HBox([self.week, self.previous_button, self.this_week_button, self.next_button]),
                          w.HBox([self.zone, self.plan_button]), self.grid,
                          self.item, w.HBox([self.slot, self.slot_button]), w.HBox([self.when, self.move_button]),
                          w.HBox(self.export_buttons), self.status, self.charts])
        self.refresh()

    @property
    def shown_zone(self) -> ZoneInfo:
        """The zone the calendar shows times in (the workspace's unless another is chosen)."""
        return ZoneInfo(self.zone.value)

    def frame(self) -> Any:
        return schedule_frame(self.queue, self.shown_zone)

    def go(self, weeks: int) -> None:
        """Another week: -1 back, 1 forward, 0 the week that holds today."""
        if weeks == 0:
            today = datetime.now(self.shown_zone).date()
            self.week.value = today - timedelta(days=today.weekday())
        else:
            self.week.value = self.week.value + timedelta(weeks=weeks)

    def refresh(self) -> str:
        frame = self.frame()
        zone = self.shown_zone
        start = datetime.combine(self.week.value, datetime.min.time()).replace(tzinfo=zone)
        days = [start + timedelta(days=d) for d in range(7)]
        colours = platform_colours(frame["platform"]) if not frame.empty else {}
        today = datetime.now(zone).date()
        head = "".join(f"<th style='padding:4px;{'text-decoration:underline' if d.date() == today else ''}'>"
                       f"{d:%a %d %b}</th>" for d in days)
        rows = []
        for platform, colour in colours.items():
            cells = []
            for d in days:
                found = frame[(frame["platform"] == platform) & (frame["when_local"] >= d) &
                              (frame["when_local"] < d + timedelta(days=1))]
                cells.append(f"<td style='vertical-align:top;padding:4px;border:1px solid {MUTED}'>" + "".join(
                    f"<div title='{_esc(r.text)}' data-platform='{_esc(platform)}' style='border-left:4px solid "
                    f"{colour};padding-left:4px;margin:2px 0'>{_esc(r.time)} #{r.item}{' 📌' if r.pinned else ''}"
                    "</div>" for r in found.itertuples()) + "</td>")
            rows.append(f"<tr><th style='text-align:left'><span style='color:{colour}'>■</span> {_esc(platform)}"
                        f"</th>{''.join(cells)}</tr>")
        caption = f"<caption style='text-align:left'>Times in {_esc(zone.key)}</caption>"
        self.grid.value = (f"<table style='border-collapse:collapse'>{caption}<tr><th></th>{head}</tr>"
                           f"{''.join(rows)}</table>" if rows else
                           f"<i>nothing scheduled (times in {_esc(zone.key)})</i>")
        keep = before = self.item.value
        self.item.options = [(f"#{r.item} {r.platform} · {r.weekday} {r.when_local:%d %b %H:%M} · {r.text[:40]}",
                              r.item) for r in frame.itertuples()]
        values = [value for _, value in self.item.options]
        if values:  # the post chosen before, else the first: its free slots are on offer at once
            self.item.value = keep if keep in values else values[0]
        if self.item.value == before:  # a new choice offered its slots already (the picker's observer)
            self._offer_slots()
        placed = [Placed(r.when_utc.to_pydatetime(), r.platform, bool(r.promotional)) for r in frame.itertuples()]
        self.charts.value = (chart(posting_heatmap([p.when for p in placed], zone),
                                   f"Heatmap of {len(placed)} posts by weekday and hour")
                             + chart(mix_per_week(placed, zone),
                                     "Posts per platform and promotion share per week")) if placed else ""
        grid: str = self.grid.value  # untyped library
        return grid

    def _offer_slots(self) -> None:
        """The free slots the chosen post could move to (its platform's, keeping the spacing on its channel)."""
        if self.item.value is None:
            self.slot.options = []
            return
        zone = self.shown_zone
        slots = free_slots(self.queue, self.config, self.item.value)
        self.slot.options = [(f"{when.astimezone(zone):%a %d %b %H:%M}", when) for when in slots]

    def move_to_slot(self) -> Item | None:
        if self.slot.value is None:
            _status(self.status, "choose a post, then one of its free slots.", Tone.ERROR)
            return None
        return self._pin(self.item.value, self.slot.value)

    def plan(self) -> int:
        placed = plan(self.queue, self.config, actor=str(self.settings.get("author")))
        _status(self.status, f"{sum(1 for p in placed if p.when)} planned, {sum(1 for p in placed if not p.when)} "
                             "not placed.")
        self.refresh()
        return sum(1 for p in placed if p.when)

    def move(self, item_id: int | None, when: str) -> Item | None:
        """Move a post to a time typed in the chosen time zone (or with its own offset or zone)."""
        try:
            moment = parse_when(when, self.zone.value)
        except WorkbenchError as exc:
            _status(self.status, str(exc), Tone.ERROR)
            return None
        return self._pin(item_id, moment)

    def _pin(self, item_id: int | None, when: datetime) -> Item | None:
        if item_id is None:
            _status(self.status, "choose a post to move.", Tone.ERROR)
            return None
        try:  # a time that has passed, or is too close, is refused with the reason
            item = pin(self.queue, item_id, when, str(self.settings.get("author")), now=now_utc())
        except WorkbenchError as exc:
            _status(self.status, str(exc), Tone.ERROR)
            return None
        if item.scheduled_at is None:  # pin always sets the time
            raise AttributeError(f"item {item.id} has no scheduled time after pin")
        _status(self.status, f"#{item.id} moved to {item.scheduled_at.astimezone(self.shown_zone):%a %d %b %H:%M} "
                             f"({self.zone.value}).")
        self.refresh()
        return item

    def export(self, fmt: str) -> list[Path]:
        """Run an exporter from the registry into the export folder, under the exporter's own file name."""
        try:
            result = export_queue(fmt, self.queue, ExportOptions(zone=self.config.zone))
            written = result.write(self.export_dir / result.filename, make_folder=True)
        except WorkbenchError as exc:
            _status(self.status, str(exc), Tone.ERROR)
            return []
        changed = [c.describe(self.config.zone) for c in result.changes]
        _status(self.status, "; ".join([result.summary(), *changed, *result.notes, "files: " + ", ".join(
            p.name for p in written)]), Tone.WARN if result.dropped or result.moved else Tone.OK)
        return written


