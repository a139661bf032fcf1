"""Hostile input: what a user types or a file holds is shown as text, never run (HTML widgets, terminal markup,
spreadsheet formulas), and an ordinary mistake is a clear error, never a traceback."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import ipywidgets as w
import pytest

from workbench.brand import load_brand
from workbench.config import load_settings
from workbench.drafts import Draft, Provenance
from workbench.queue import Item, Queue
from workbench.queue.rules import EditConflict
from workbench.schedule import ExportOptions, export, pin, read_csv
from workbench.schedule.exports import FORMULA_START
from workbench.ui import Calendar, Composer, ReviewQueue
from workbench.ui.widgets import DraftEditor

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(1)</script>"
QUOTE = "' onmouseover='alert(1)"  # breaks out of a single-quoted attribute if quotes are not escaped
HOSTILE = f"{IMG} {SCRIPT} {QUOTE}"


def _approve(queue: Queue, item_id: int, who: str) -> Item:
    """Approve the item's current text. Once approvals are bound to the revision read (issue 11, item 9),
    `approve` takes that revision; these tests run either way."""
    import inspect

    if "revision" in inspect.signature(queue.approve).parameters:
        return queue.approve(item_id, who, queue.get(item_id).revision)
    return queue.approve(item_id, who)


# --- 1. HTML widgets ---------------------------------------------------------------------------------------

class _Tags(HTMLParser):
    """Every tag and attribute a browser would build from the markup, and the ones that would run code."""

    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("script", "iframe", "object", "embed", "svg", "form", "base", "meta", "link", "style"):
            self.bad.append(f"<{tag}>")
        if tag == "a" and not (found.get("href") or "").startswith("#"):  # the diff's own jump links only
            self.bad.append(f"<a href={found.get('href')}>")
        if tag == "img" and not (found.get("src") or "").startswith("data:image/"):
            self.bad.append(f"<img src={found.get('src')}>")
        self.bad += [f"<{tag} {name}=...>" for name in found if name.startswith("on")]


def _html_values(widget: Any) -> Iterator[str]:
    if isinstance(widget, w.HTML | w.HTMLMath):
        yield widget.value
    for child in getattr(widget, "children", ()):
        yield from _html_values(child)


def _assert_inert(*widgets: Any) -> int:
    values = [v for widget in widgets for v in _html_values(widget)]
    for value in values:
        # our own charts are images of SVG data (which cannot run script); the drafts here have no pictures
        value = re.sub(r"<img class='wb-chart' alt='[^']*' src='data:image/svg\+xml;base64,[A-Za-z0-9+/=]+' "
                       r"style='[^']*'/>", "", value)
        assert "<img" not in value.lower() and "<script" not in value.lower(), value
        parser = _Tags()
        parser.feed(value)
        assert parser.bad == [], (parser.bad, value)
    return len(values)


CATALOGUE = f"""\
author: "{IMG}"
catalogue:
  hostile:
    label: "{IMG} {SCRIPT}"
    limit: 500
    counting: graphemes
    preview: feed
    hook_window: 40
    hook_lines: 2
    more_label: "{SCRIPT}"
    slots: ["Wed 08:30"]
    source: "{IMG}"
"""


@pytest.fixture
def hostile_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "workbench.yaml").write_text(CATALOGUE, encoding="utf-8")
    return load_settings(workspace=tmp_path)


def _hostile_draft(platform: str) -> Draft:
    return Draft(platform, [f"{HOSTILE} is what we saw.\n{HOSTILE} again, and more text after the cut " * 3,
                            f"Second part {HOSTILE}"], title=HOSTILE, hashtags=[f"#{IMG}", f"#{SCRIPT}"])


def test_every_widget_shows_hostile_text_as_text(hostile_settings: Any, tmp_path: Path) -> None:
    settings = hostile_settings
    # a pillar whose file name, title and sentences are hostile, through the composer
    pillar = tmp_path / f"{IMG}.md"
    pillar.write_text(f"# {SCRIPT} {IMG}\n\nWe batch a month of posts {IMG} in one afternoon. It saves 6 hours "
                      f"{SCRIPT} a week.\n\n## {IMG}\n\n- Context switching costs 23 minutes {QUOTE} each time.\n",
                      encoding="utf-8")
    composer = Composer(settings, pillar=pillar)
    composer.platforms.value = ("linkedin", "x_thread", "instagram", "youtube_shorts", "hostile")
    assert composer.generate()
    assert composer.send_to_queue() > 0
    # an error message naming a hostile file
    failing = Composer(settings, pillar=tmp_path / f"missing {IMG}.md")
    assert failing.generate() == []
    assert "missing" in failing.status.value

    # one editor per preview style, every field hostile
    voice = load_brand("northwind-advisory", settings.workspace)
    editors = [DraftEditor(_hostile_draft(name), settings.platform(name), voice)
               for name in ("linkedin", "x_thread", "instagram", "youtube_shorts", "bluesky", "hostile")]

    # the review queue: an item with hostile text, brand, pillar, author, edit author, comment and conflict
    queue = settings.queue()
    item = queue.add(_hostile_draft("linkedin"), pillar=str(pillar), brand=HOSTILE, author=HOSTILE)
    assert item is not None
    edited = queue.edit(item.id, [f"{HOSTILE} edited."], IMG, 1, title=SCRIPT)
    with pytest.raises(EditConflict):
        queue.edit(item.id, [f"{SCRIPT} stale edit {QUOTE}."], SCRIPT, 1)
    queue.comment(item.id, SCRIPT, f"{IMG} looks wrong {QUOTE}")
    review = ReviewQueue(queue=queue, author=HOSTILE, settings=settings)
    review.state.value = "(all)"
    review.brand.value = HOSTILE
    review.select(edited.id)
    assert "revision 1 → 2</b> <span style='color:var(--jp-ui-font-color2, #666)'>(&lt;img src=x onerror=alert(1)" \
           "&gt;)</span>" in review.history.value  # the edit's author
    review.request_changes(f"{SCRIPT} {IMG}")
    review.approve()  # refused or not, the status line and history are redrawn with the hostile text
    review.save_edit(f"{SCRIPT} {IMG} typed into the editor")

    # the calendar: a scheduled item with hostile text, and a hostile time typed into "Move to"
    sched = queue.add(Draft("x", [f"{IMG} {SCRIPT} {QUOTE} short post"]), pillar=HOSTILE, brand="northwind-advisory",
                      author=IMG)
    assert sched is not None
    _approve(queue, sched.id, SCRIPT)
    when = datetime.now(UTC) + timedelta(days=1)
    queue.set_schedule(sched.id, when, IMG)
    calendar = Calendar(queue=queue, settings=settings, export_dir=tmp_path / "exports")
    calendar.week.value = when.date()
    assert "#" + str(sched.id) in calendar.grid.value
    calendar.move(sched.id, f"{IMG} {SCRIPT}")

    count = _assert_inert(composer, failing, *editors, review, calendar)
    assert count > 20


# --- 2. CSV exports: a post that looks like a formula stays text in a spreadsheet ------------------------------

FORMULAS = ['=HYPERLINK("https://evil.example/x","click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)",
            "\t=1+1", "\r=1+1"]


@pytest.fixture
def formula_items(tmp_path: Path) -> list[Item]:
    queue = Queue(f"sqlite:///{tmp_path / 'queue.sqlite'}", workspace=tmp_path)
    start = datetime(2027, 1, 4, 9, tzinfo=UTC)
    items = []
    for n, text in enumerate(FORMULAS):
        item = queue.add(Draft("linkedin", [text], hashtags=[f"#{text.strip()}"],
                               provenance=Provenance(pillar_hash=str(n))), "pillar.md", "b")
        assert item is not None
        _approve(queue, item.id, "ana")
        items.append(pin(queue, item.id, start + timedelta(hours=n), "ana"))
    return items


def _cells(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


@pytest.mark.parametrize("fmt", ["buffer", "hootsuite", "sprout"])
def test_csv_exports_neutralise_formulas(fmt: str, formula_items: list[Item]) -> None:
    result = export(fmt, formula_items, ExportOptions(now=datetime(2027, 1, 1, tzinfo=UTC)))
    assert result.skipped == []
    rows = [row for _, content in result.files for row in _cells(content)]
    assert [cell for row in rows for cell in row if cell.startswith(FORMULA_START)] == []
    texts = [cell for row in rows for cell in row if cell.startswith("'")]
    assert len(texts) >= len(FORMULAS)
    if fmt != "hootsuite":  # Hootsuite moves the URL into its link column
        assert {"'" + text.replace("\r", "\n") for text in FORMULAS} <= set(texts)


def test_an_export_read_back_gives_the_posts_as_written(formula_items: list[Item], tmp_path: Path) -> None:
    from zoneinfo import ZoneInfo

    path = tmp_path / "buffer.csv"
    path.write_bytes(export("buffer", formula_items).files[0][1])
    rows = read_csv(path, "linkedin", ZoneInfo("UTC"))
    assert [r.text for r in rows] == [text.strip() for text in FORMULAS]


# --- 3. terminal output: user text is printed as it is, never read as rich markup ------------------------------

MARKUP = "[/bold] [link=https://evil.example]x"


def _queue_here() -> Queue:
    """The queue `workbench` opens in the current folder (.workbench/queue.sqlite)."""
    queue: Queue = load_settings().queue()
    return queue


def _scheduled_item(queue: Queue, text: str, when: datetime, brand: str = "b") -> Item:
    item = queue.add(Draft("x", [text], provenance=Provenance(pillar_hash=text)), "pillar.md", brand)
    assert item is not None
    _approve(queue, item.id, "ana")
    return queue.set_schedule(item.id, when, "ana")


def _shown(output: str) -> str:
    """The output with the table's borders and padding gone, so a cell folded over two lines reads as one."""
    borders = "│┃┏┓┗┛━─┡┩└┘┌┐├┤┬┴┼╇╈"
    return "".join(ch for ch in output if ch.isprintable() and ch not in borders and ch != " ")


def test_queue_and_schedule_lists_print_markup_as_text() -> None:
    from click.testing import CliRunner

    from workbench.cli import main

    queue = _queue_here()
    _scheduled_item(queue, f"Launch {MARKUP} day", datetime(2027, 1, 4, 9, tzinfo=UTC), brand="[red]b[/x]")
    runner = CliRunner()
    for args in (["queue", "list", "--state", "scheduled"], ["schedule", "list"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        assert _shown(MARKUP) in _shown(result.output) and "\x1b]8;" not in result.output
    assert "[red]b[/x]" in _shown(runner.invoke(main, ["queue", "list"]).output)


def test_the_publish_summary_prints_markup_as_text() -> None:
    from click.testing import CliRunner

    from workbench.cli import main

    _scheduled_item(_queue_here(), "Due now.", datetime.now(UTC) - timedelta(minutes=1))
    result = CliRunner().invoke(main, ["publish", "--due", "--to", "folder", "--folder", "out[/x] [link=https:e]"])
    assert result.exit_code == 0, result.output
    assert "out[/x][link=https:e]/" in _shown(result.output) and "1 due, 1 published" in result.output


def test_the_repurpose_summary_prints_markup_in_names_and_errors_as_text(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from workbench.cli import repurpose_cmd

    sample = Path(__file__).resolve().parents[1] / "media" / "samples" / "batch-your-content.md"
    good = Path("src") / "[link=https:evil.example]p[" / "x].md"  # the pillar "[link=...]p[/x].md"
    bad = Path("src") / "e[" / "x].md"
    for path, text in ((good, sample.read_text(encoding="utf-8")), (bad, "")):
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(repurpose_cmd, ["src", "-p", "x", "--out", "o[b]"])
    assert result.exit_code == 1, result.output
    shown = _shown(result.output)
    assert "[link=https:evil.example]p[/x].md" in shown and "e[/x].md:thefileisempty" in shown
    assert "1written,0unchanged,1failed.Outputsino[b]/" in shown and "\x1b]8;" not in result.output


def test_every_command_prints_through_the_one_console_that_reads_no_markup() -> None:
    from workbench.cli._base import console

    package = Path(__file__).resolve().parents[1] / "workbench"
    makers = sorted(str(p.relative_to(package)) for p in package.rglob("*.py")
                    if "Console(" in p.read_text(encoding="utf-8"))
    assert makers == ["cli/_base.py"]
    screen = console()
    assert not screen._markup and not screen._emoji  # noqa: SLF001 - rich has no public reader for these


# --- 4. an ordinary mistake is "error: ... Fix: ...", exit 2, never a traceback -----------------------------------

SAMPLE = Path(__file__).resolve().parents[1] / "media" / "samples" / "batch-your-content.md"

# every command, with arguments that get it as far as reading workbench.yaml; a command added later needs a row
# (`queue resolve` is here ahead of its arrival)
COMMAND_ARGS: dict[tuple[str, ...], list[str]] = {
    ("init",): [],
    ("report",): [],
    ("inspect",): [str(SAMPLE)],
    ("check",): ["-p", "x", "-"],
    ("score",): ["-p", "x", "-"],
    ("platforms",): [],
    ("reels",): ["talk.mp4"],
    ("cards",): [str(SAMPLE)],
    ("transcribe",): ["talk.mp4"],
    ("queue", "list"): [],
    ("queue", "show"): ["1"],
    ("queue", "edit"): ["1", "--base-revision", "1", "--text", "x"],
    ("queue", "comment"): ["1", "hello"],
    ("queue", "approve"): ["1"],
    ("queue", "reject"): ["1"],
    ("queue", "request-changes"): ["1", "--comment", "shorter"],
    ("queue", "resolve"): ["1", "--retry"],
    ("schedule", "plan"): [],
    ("schedule", "list"): [],
    ("schedule", "pin"): ["1", "2026-12-01 09:00"],
    ("schedule", "export"): ["--format", "ics"],
    ("schedule", "import"): [str(SAMPLE)],
    ("publish",): ["--due"],
    ("repurpose",): [str(SAMPLE)],
}


def _commands() -> list[tuple[str, ...]]:
    import click

    from workbench.cli import main

    def walk(command: click.Command, prefix: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                yield from walk(sub, (*prefix, name))
        else:
            yield prefix

    return [*walk(main, ()), ("repurpose",)]


def test_every_command_has_a_row_in_the_config_typo_case() -> None:
    assert [c for c in _commands() if c not in COMMAND_ARGS] == []


def _write(name: str, data: bytes) -> None:
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    Path(name).write_bytes(data)


MISTAKES: list[tuple[str, list[str], Any, list[str]]] = [
    # (case, command line, what to set up: {file: bytes} and "input" for stdin, what the message names)
    *[(f"workbench.yaml typo: {' '.join(c)}", [*c, *COMMAND_ARGS.get(c, [])],
       {"workbench.yaml": b"brnad: x\n", "input": b"hi"},
       ["workbench.yaml:1: brnad: unknown field (did you mean 'brand'?)"]) for c in _commands()],
    ("workbench.yaml is a folder", ["platforms"], {"workbench.yaml/keep": b""}, ["workbench.yaml", "is a folder"]),
    ("binary stdin to check", ["check", "-p", "x", "-"], {"input": b"\xff\xfe\x00"}, ["stdin", "not text"]),
    ("binary stdin to score", ["score", "-p", "x", "-"], {"input": b"\xff\xfe\x00"}, ["stdin", "not text"]),
    ("NUL bytes to check", ["check", "-p", "x", "post.png"], {"post.png": b"\x89PNG\r\n\x1a\n\x00\x00"},
     ["post.png", "not text"]),
    ("non-UTF-8 CSV import", ["schedule", "import", "plan.csv", "--preview"],
     {"plan.csv": "text,platform\nCaf\u00e9 au lait,x\n".encode("cp1252")}, ["plan.csv", "not UTF-8", "CSV UTF-8"]),
    ("a CSV cell over 128 KB", ["schedule", "import", "big.csv", "--preview"],
     {"big.csv": b'text,platform\n"' + b"a" * 140_000 + b",x\n"}, ["big.csv", "line", "quotes"]),
    ("unknown zone in pin", ["schedule", "pin", "1", "2026-12-01 09:00 Mars/Base"], {}, ["'Mars/Base'", "IANA"]),
    ("export to a missing folder", ["schedule", "export", "--format", "buffer", "--out", "missing/dir/x.csv"], {},
     ["missing/dir", "does not exist", "mkdir -p"]),
    ("export to a folder", ["schedule", "export", "--format", "ics", "--out", "exports"], {"exports/keep": b""},
     ["exports", "is a folder"]),
    ("--db with an unknown scheme", ["queue", "list", "--db", "nosuch://x"], {}, ["'nosuch://x'", "sqlite:///"]),
    ("--db that is no URL", ["queue", "list", "--db", "garbage"], {}, ["'garbage'", "not a database URL"]),
    ("--db with a driver not installed", ["schedule", "list", "--db", "mysql://ana:s3cret@127.0.0.1:1/x"], {},
     ["127.0.0.1:1"]),
    ("--db with no server", ["queue", "list", "--db", "postgresql://127.0.0.1:1/x"], {}, ["127.0.0.1:1", "available"]),
    ("repurpose --out an existing file", ["repurpose", str(SAMPLE), "--out", "notes.txt"], {"notes.txt": b"mine"},
     ["notes.txt", "is a file, not a folder"]),
]


@pytest.mark.parametrize(("args", "setup", "named"), [pytest.param(a, s, n, id=case) for case, a, s, n in MISTAKES])
def test_an_ordinary_mistake_is_a_clear_error(args: list[str], setup: dict[str, bytes], named: list[str]) -> None:
    from click.testing import CliRunner

    from workbench.cli import main, repurpose_cmd

    for name, data in setup.items():
        if name != "input":
            _write(name, data)
    command, args = (repurpose_cmd, args[1:]) if args[0] == "repurpose" else (main, args)
    result = CliRunner().invoke(command, args, input=setup.get("input"))
    assert isinstance(result.exception, SystemExit) and result.exit_code == 2, result.output
    assert result.output.startswith("error: ") and " Fix: " in result.output, result.output
    assert "Traceback" not in result.output and "s3cret" not in result.output
    for part in named:
        assert part in result.output, result.output
