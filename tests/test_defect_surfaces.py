"""Defects where people decide: `workbench score`, the repurpose summary and drafts.md, the widgets' previews,
and the review queue's filter by code.

The built-in detectors are still being tuned, so they stand aside here and each test registers a throwaway
detector of its own: what is checked is how a finding is shown, not which drafts have one.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench import scoring
from workbench.brand import load_brand
from workbench.cli import main, repurpose_cmd
from workbench.config import load_settings
from workbench.defects import DETECTORS, Context, Finding, detector
from workbench.drafts import Draft, Provenance
from workbench.engines import get_engine
from workbench.pillar import load_pillar
from workbench.platforms import get_platform
from workbench.queue import Queue, QueueError
from workbench.repurpose import repurpose
from workbench.rubric import Defect
from workbench.ui import Composer, ReviewQueue
from workbench.ui.preview import render_defects, render_preview

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "media/samples/batch-your-content.md"
TEMPLATE = re.compile(r"\{\{\s*\w+\s*\}\}|<script>.*?</script>")


def _template_variables(ctx: Context) -> Iterable[Finding]:
    """META on a template variable left in the text (and, for the hostile test, on a script tag)."""
    for m in TEMPLATE.finditer(ctx.text):
        yield Finding(Defect.META, f"'{m.group()}' is not part of a post.", "fill it in or cut it.", m.span(),
                      rule="test_template")


def _first_words(ctx: Context) -> Iterable[Finding]:
    """HOOK_WEAK on every draft's first two words: fires on whatever the engine writes."""
    m = re.match(r"\s*(\S+\s+\S+)", ctx.text)
    if m:
        yield Finding(Defect.HOOK_WEAK, "the opening gives no reason to read on.", "lead with the finding.",
                      m.span(1), rule="test_first_words")


@pytest.fixture(autouse=True)
def only_these_detectors(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The built-in detectors and cross-draft checks stand aside: a test adds the ones it shows."""
    saved = dict(DETECTORS)
    DETECTORS.clear()
    monkeypatch.setattr(scoring, "cross_check", lambda drafts: {})
    yield
    DETECTORS.clear()
    DETECTORS.update(saved)


@pytest.fixture
def template_detector() -> Iterator[None]:
    detector(Defect.META, name="test_template")(_template_variables)
    yield
    DETECTORS.pop("test_template", None)


@pytest.fixture
def opening_detector() -> Iterator[None]:
    detector(Defect.HOOK_WEAK, name="test_first_words")(_first_words)
    yield
    DETECTORS.pop("test_first_words", None)


@pytest.fixture
def same_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks between drafts report SAME_HOOK on every draft after the first (at its first line)."""
    def cross(drafts: Sequence[Draft]) -> dict[int, list[Finding]]:
        return {i: [Finding(Defect.SAME_HOOK, f"opens like the {drafts[0].platform} draft.",
                            "write an opening of its own for this platform.", (0, len(d.text.split("\n")[0])),
                            rule="test_same_hook")] for i, d in enumerate(drafts) if i}
    monkeypatch.setattr(scoring, "cross_check", cross)


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    for key in [k for k in os.environ if k.startswith(("WORKBENCH_", "OPENAI_"))]:
        monkeypatch.delenv(key)
    return CliRunner()


POST = ("Hi {{first_name}}, most teams lose 23 minutes per interruption. Batch your posts in one afternoon "
        "and win back the week. Read the full guide at the link below.")


# -- workbench score ---------------------------------------------------------------------------

@pytest.mark.usefixtures("template_detector")
def test_score_lists_each_defect_with_its_code_words_and_fix_under_the_verdict(runner: CliRunner) -> None:
    result = runner.invoke(main, ["score", "-b", "northwind-advisory", "-p", "linkedin", "-"], input=POST)
    assert result.exit_code == 1, result.output  # META is blocking: needs edit
    lines = result.output.splitlines()
    assert "needs edit" in lines[0]
    assert lines[1] == "  defects: 1 (1 blocking)"
    assert lines[2] == ("    META [blocking] \"{{first_name}}\": '{{first_name}}' is not part of a post. "
                        "Fix: fill it in or cut it.")
    assert lines[3].startswith("  tone ")


@pytest.mark.usefixtures("template_detector")
def test_score_json_carries_the_defects_with_span_and_fix(runner: CliRunner) -> None:
    result = runner.invoke(main, ["score", "-b", "northwind-advisory", "-p", "linkedin", "--json", "-"], input=POST)
    data = json.loads(result.output)
    assert data["defects"] == ["META"] and data["verdict"] == "needs edit"
    (reason,) = [r for r in data["content"]["reasons"] if r["code"] == "META"]
    start, end = reason["span"]
    assert POST[start:end] == "{{first_name}}" and reason["fix"] == "fill it in or cut it." and reason["blocking"]


def test_a_clean_post_says_it_has_no_defects(runner: CliRunner) -> None:
    result = runner.invoke(main, ["score", "-b", "northwind-advisory", "-p", "linkedin", "-"], input="Plan once.")
    assert result.output.splitlines()[1] == "  defects: none"


def test_score_with_the_pillar_passes_it_to_the_source_checks(runner: CliRunner) -> None:
    seen: list[str | None] = []

    def source_aware(ctx: Context) -> Iterable[Finding]:
        seen.append(ctx.source.title if ctx.source else None)
        return ()

    detector(Defect.NO_CONTEXT, name="test_source_aware")(source_aware)
    try:
        with_pillar = runner.invoke(main, ["score", "-b", "northwind-advisory", "-p", "x", "--pillar", str(SAMPLE),
                                           "-"], input="Batch your posts.")
        without = runner.invoke(main, ["score", "-b", "northwind-advisory", "-p", "x", "-"], input="Batch it.")
    finally:
        DETECTORS.pop("test_source_aware", None)
    assert with_pillar.exception is None or isinstance(with_pillar.exception, SystemExit)
    assert without.exception is None or isinstance(without.exception, SystemExit)
    assert seen == ["Batch your content, win back your week", None]


def test_a_missing_pillar_is_a_clean_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["score", "-p", "x", "--pillar", str(tmp_path / "nope.md"), "-"], input="Hi.")
    assert result.exit_code == 2
    assert "nope.md: file not found" in result.output and "Fix:" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)


# -- repurpose ------------------------------------------------------------------------------------

@pytest.mark.usefixtures("opening_detector", "same_hook")
def test_repurpose_counts_drafts_per_code_and_reports_what_was_found_across_drafts(runner: CliRunner,
                                                                                  tmp_path: Path) -> None:
    result = runner.invoke(repurpose_cmd, [str(SAMPLE), "--out", "out", "-p", "linkedin,x,threads"])
    assert result.exit_code == 0, result.output
    assert "defects (drafts per code): HOOK_WEAK 3, SAME_HOOK 2" in result.output
    assert re.search(r"across drafts: .*batch-your-content\.md: SAME_HOOK in 2 drafts \(x, threads\)",
                     result.output)
    manifest = json.loads((tmp_path / "out/batch-your-content/manifest.json").read_text())
    assert manifest["defects"] == {"HOOK_WEAK": 3, "SAME_HOOK": 2}
    assert manifest["across_drafts"][0].startswith("SAME_HOOK in 2 drafts (x, threads)")
    saved = json.loads((tmp_path / "out/batch-your-content/drafts.json").read_text())
    assert [d["score"]["defects"] for d in saved] == [["HOOK_WEAK"], ["SAME_HOOK", "HOOK_WEAK"],
                                                      ["SAME_HOOK", "HOOK_WEAK"]]
    # a re-run finds the pillar unchanged and still counts its drafts' defects
    again = runner.invoke(repurpose_cmd, [str(SAMPLE), "--out", "out", "-p", "linkedin,x,threads"])
    assert "unchanged" in again.output and "HOOK_WEAK 3, SAME_HOOK 2" in again.output


@pytest.mark.usefixtures("opening_detector")
def test_drafts_md_lists_each_drafts_defects_with_its_words_and_fix(runner: CliRunner, tmp_path: Path) -> None:
    runner.invoke(repurpose_cmd, [str(SAMPLE), "--out", "out", "-p", "linkedin,x"])
    sheet = (tmp_path / "out/batch-your-content/drafts.md").read_text(encoding="utf-8")
    saved = json.loads((tmp_path / "out/batch-your-content/drafts.json").read_text())
    assert "Defects (drafts per code): HOOK_WEAK 2" in sheet
    for d in saved:
        words = " ".join("\n\n".join(d["parts"]).split()[:2])
        assert (f"- **HOOK_WEAK** “{words}”: the opening gives no reason to read on. Fix: lead with the finding."
                in sheet)
    assert sheet.count("Defects (1):") == 2


def test_repurpose_scores_with_the_pillar_and_the_drafts_together(same_hook: None) -> None:
    seen: list[str | None] = []

    def source_aware(ctx: Context) -> Iterable[Finding]:
        seen.append(ctx.source.title if ctx.source else None)
        return ()

    detector(Defect.NO_CONTEXT, name="test_source_aware")(source_aware)
    try:
        pillar, brand = load_pillar(SAMPLE), load_brand("northwind-advisory")
        drafts = repurpose(pillar, brand, [get_platform(p) for p in ("linkedin", "x")], get_engine("extractive"),
                           variants=2)
    finally:
        DETECTORS.pop("test_source_aware", None)
    assert [d.platform for d in drafts] == ["linkedin", "linkedin", "x", "x"]
    assert set(seen) == {pillar.title}  # every draft was checked against its pillar
    # scored as one set: only the first draft made has no other draft before it to copy
    assert sum("SAME_HOOK" not in d.score["defects"] for d in drafts) == 1


# -- widgets --------------------------------------------------------------------------------------

@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    monkeypatch.chdir(tmp_path)
    return load_settings(workspace=tmp_path)


def _scored(text: str, platform: str = "linkedin") -> Draft:
    spec = get_platform(platform)
    draft = Draft(platform, [text], provenance=Provenance(pillar_hash="h"))
    draft.score = scoring.score(draft, load_brand("northwind-advisory"), spec).to_dict()
    return draft


@pytest.mark.usefixtures("template_detector")
def test_the_preview_underlines_the_words_with_code_and_fix() -> None:
    html = render_preview(_scored(POST), get_platform("linkedin"))
    assert ("<u class='wb-defect' data-code='META' title='META: fill it in or cut it.' "
            in html)
    assert re.search(r"<u class='wb-defect'[^>]*>\{\{first_name\}\}</u>, most teams", html)
    listed = render_defects(_scored(POST))
    assert "<b>META</b> <i>blocking</i> “<u>{{first_name}}</u>”" in listed and "fill it in or cut it." in listed


@pytest.mark.usefixtures("template_detector")
def test_a_hostile_draft_is_escaped_piece_by_piece() -> None:
    text = 'Ship it <script>alert("x")</script> & tell us "why" <img src=x onerror=alert(1)>'
    draft = _scored(text, "bluesky")
    html = render_preview(draft, get_platform("bluesky")) + render_defects(draft)
    assert "<script" not in html and "<img" not in html
    assert re.search(r"<u class='wb-defect'[^>]*>&lt;script&gt;alert\(&quot;x&quot;\)&lt;/script&gt;</u>", html)
    assert "&amp; tell us &quot;why&quot; &lt;img src=x onerror=alert(1)&gt;" in html
    # the title attribute holds the message's quotes escaped too
    assert "title='META: fill it in or cut it.'" in html


@pytest.mark.usefixtures("template_detector")
def test_a_thread_underlines_in_the_right_post() -> None:
    spec = get_platform("x_thread")
    draft = Draft("x_thread", ["First post, clean. 1/2", "Second {{cta}} post. 2/2"])
    draft.score = scoring.score(draft, load_brand("northwind-advisory"), spec).to_dict()
    html = render_preview(draft, spec)
    first, second = html.split("/280")[0], html.split("/280")[1]
    assert "wb-defect" not in first
    assert re.search(r"Second <u class='wb-defect'[^>]*>\{\{cta\}\}</u> post", second)


@pytest.mark.usefixtures("template_detector")
def test_the_composer_underlines_as_you_type(settings) -> None:  # noqa: ANN001
    c = Composer(settings, pillar=SAMPLE)
    c.platforms.value = ("linkedin",)
    c.generate()
    editor = c.editors[0]
    editor.text.value = POST
    assert re.search(r"<u class='wb-defect' data-code='META'[^>]*>\{\{first_name\}\}</u>", editor.preview.value)
    assert "fill it in or cut it." in editor.defects.value
    editor.text.value = "Most teams lose 23 minutes per interruption."
    assert "wb-defect" not in editor.preview.value and "no defects found" in editor.defects.value


@pytest.mark.usefixtures("template_detector")
def test_the_review_widget_filters_by_code_and_underlines(settings) -> None:  # noqa: ANN001
    queue = settings.queue()
    bad = queue.add(Draft("linkedin", [POST], provenance=Provenance(pillar_hash="p")), "p.md", "northwind-advisory")
    queue.add(Draft("linkedin", ["Most teams lose 23 minutes per interruption."],
                    provenance=Provenance(pillar_hash="p")), "p.md", "northwind-advisory")
    review = ReviewQueue(queue=queue, author="ana", settings=settings)
    assert len(review.items.options) == 2
    review.code.value = "META"
    assert [v for _, v in review.items.options] == [bad.id]
    assert "META" in review.items.options[0][0]
    review.items.value = bad.id
    assert re.search(r"<u class='wb-defect'[^>]*>\{\{first_name\}\}</u>", review.detail.value)
    assert "fill it in or cut it." in review.detail.value


# -- the queue ----------------------------------------------------------------------------------

@pytest.mark.usefixtures("template_detector")
def test_the_queue_lists_items_by_defect_code(queue_url: str, tmp_path: Path) -> None:
    queue = Queue(queue_url, workspace=tmp_path)
    bad = queue.add(Draft("x", ["Post {{cta}} now."], provenance=Provenance(pillar_hash="a")), "a.md",
                    "northwind-advisory")
    clean = queue.add(Draft("x", ["Batch your posts once a month."], provenance=Provenance(pillar_hash="a")),
                      "a.md", "northwind-advisory")
    unscored = queue.add(Draft("x", ["Unknown {{brand}} brand."], provenance=Provenance(pillar_hash="a")), "a.md",
                         "no-such-brand")  # an unknown brand: no score, so no defects
    assert bad and clean and unscored
    assert [i.id for i in queue.list(code="META")] == [bad.id]
    assert [i.id for i in queue.list(code="meta", platform="x", state="in_review")] == [bad.id]
    assert [i.id for i in queue.list(code=Defect.SAME_HOOK)] == []
    assert len(queue.list()) == 3
    # an edit that removes the variable takes the item out of the filter
    queue.edit(bad.id, ["Post now."], "ana", bad.revision)
    assert queue.list(code="META") == []
    with pytest.raises(QueueError) as err:
        queue.list(code="METTA")
    assert "'METTA' is not a defect code" in str(err.value) and "META" in (err.value.fix or "")


@pytest.mark.usefixtures("same_hook")
def test_defects_found_across_drafts_survive_entering_the_queue(queue_url: str, tmp_path: Path) -> None:
    pillar, brand = load_pillar(SAMPLE), load_brand("northwind-advisory")
    drafts = repurpose(pillar, brand, [get_platform(p) for p in ("linkedin", "x", "threads")],
                       get_engine("extractive"))
    queue = Queue(queue_url, workspace=tmp_path)
    for d in drafts:
        queue.add(d, str(SAMPLE), "northwind-advisory")
    found = queue.list(code="SAME_HOOK")
    assert sorted(i.platform for i in found) == ["threads", "x"]
    assert all(i.draft.score["verdict"] for i in found)


def test_queue_list_code_on_the_command_line(runner: CliRunner, tmp_path: Path, template_detector: None) -> None:
    queue = load_settings(workspace=tmp_path).queue()
    bad = queue.add(Draft("x", ["Post {{cta}} now."], provenance=Provenance(pillar_hash="a")), "a.md",
                    "northwind-advisory")
    queue.add(Draft("x", ["Batch your posts."], provenance=Provenance(pillar_hash="a")), "a.md", "northwind-advisory")
    listed = runner.invoke(main, ["queue", "list", "--code", "META", "--json"])
    assert listed.exit_code == 0, listed.output
    assert [(i["id"], i["defects"]) for i in json.loads(listed.output)] == [(bad.id, ["META"])]
    table = runner.invoke(main, ["queue", "list", "--code", "META"])
    assert "defects" in table.output and "META" in table.output and "1 item(s)" in table.output
    wrong = runner.invoke(main, ["queue", "list", "--code", "NOPE"])
    assert wrong.exit_code == 2 and "'NOPE' is not a defect code" in wrong.output
    assert "EMPTY, DANGLING" in wrong.output and "Traceback" not in wrong.output
    shown = runner.invoke(main, ["queue", "show", str(bad.id)])
    assert ("defect: META [blocking] \"{{cta}}\": '{{cta}}' is not part of a post. Fix: fill it in or cut it."
            in shown.output)
