"""One test in a real browser: JupyterLab on loopback, the review notebook opened in Debian's Chromium (driven by
Playwright with the system browser: browser downloads are not possible here), run, an item approved by clicking.
The item on show was edited and commented on by someone whose name is markup: the page shows it as text and no
script of theirs runs (no dialog opens)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from workbench.queue import Queue

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
HOSTILE = "<img src=x onerror=alert(1)>"


def _fill_queue(workspace: Path) -> None:
    """The queue the notebook would fill from the sample, with its first item edited and commented on by a
    hostile author (`workbench queue edit 1 --base-revision 1 --author '<img ...>'`)."""
    from workbench import get_engine, load_brand, load_pillar, load_settings, queue_drafts, repurpose

    workspace.mkdir(parents=True, exist_ok=True)
    settings = load_settings(workspace=workspace)
    queue = settings.queue()
    pillar, brand = load_pillar(ROOT / "media" / "samples" / "batch-your-content.md"), load_brand("northwind-advisory")
    drafts = repurpose(pillar, brand, [settings.platform(p) for p in ("linkedin", "x", "instagram")],
                       get_engine("extractive"))
    queue_drafts(queue, drafts, str(pillar.path), "northwind-advisory")
    first = queue.list()[0]
    queue.edit(first.id, [first.draft.parts[0].replace("\n\n", "\n", 1)], HOSTILE, 1)
    queue.comment(first.id, "<script>alert(2)</script>", f"{HOSTILE} <svg onload=alert(3)>")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _jupyterlab(root: Path, env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """JupyterLab serving `root` on loopback; its base URL with the token."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (Debian package 'chromium'; .ci/run installs it)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    port, token = _free_port(), "workbench-test"
    env = {**os.environ, **env, "JUPYTER_CONFIG_DIR": str(tmp_path / "jconfig"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "jruntime")}
    proc = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
                             "--ServerApp.ip=127.0.0.1", f"--ServerApp.token={token}", "--ServerApp.password=",
                             f"--ServerApp.root_dir={root}", "--allow-root", "--LabApp.news_url=None",
                             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.skip("JupyterLab did not start within 60 s")
        yield f"{url}/lab/tree/{{path}}?token={token}&reset"  # reset: only that notebook open, not the last layout
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "lab"
    shutil.copytree(ROOT / "notebooks", root)  # JupyterLab saves outputs into the files: use copies
    workspace = tmp_path / "workspace"
    _fill_queue(workspace)
    with _jupyterlab(root, {"WORKBENCH_HOME": str(workspace)}, tmp_path) as url:
        yield url.format(path="02-review.ipynb"), workspace


def _launch(p: Any) -> Any:
    return p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"])


def _run_all(page: Any, url: str) -> None:
    """Open a notebook and run all its cells, as a user would from the Run menu."""
    page.goto(url, timeout=120_000)
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
    choose_kernel = page.locator(".jp-Dialog button", has_text="Select")
    try:  # a fresh JupyterLab asks which kernel to start
        choose_kernel.wait_for(timeout=15_000)
        choose_kernel.click()
    except Exception:  # noqa: BLE001 - no dialog: the kernel started by itself
        pass
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']:visible").first.wait_for(timeout=120_000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


def test_editor_approves_an_item_by_clicking_in_jupyterlab(lab: tuple[str, Path]) -> None:
    from playwright.sync_api import sync_playwright

    url, workspace = lab
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = _launch(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        try:
            _run_all(page, url)
            approve = page.locator("button.widget-button", has_text="Approve")
            approve.wait_for(timeout=180_000)
            # the hostile author's name is on the page as text, in the revision diff's heading, and the diff
            # is word by word (an <ins> for what the edit added)
            page.locator("div", has_text="revision 1 → 2").filter(has_text="onerror=alert(1)").first.wait_for(
                timeout=30_000)
            page.locator(".wb-diff ins").first.wait_for(timeout=30_000)
            queue = Queue(f"sqlite:///{workspace / '.workbench' / 'queue.sqlite'}", workspace=workspace)
            assert queue.count(state="approved") == 0
            approve.click()
            for _ in range(60):
                if queue.count(state="approved") == 1:
                    break
                time.sleep(0.5)
            page.wait_for_selector("text=approved by editor", timeout=30_000)
            page.wait_for_timeout(1_000)  # an image's onerror fires once its load fails
            page.screenshot(path=str(ARTIFACTS / "review-approved.png"), full_page=True)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "review-failed.png"), full_page=True)
            raise
        finally:
            browser.close()
    assert dialogs == []  # no script from a user's name, comment or text ran
    assert queue.count(state="approved") == 1
    assert queue.audit_log(queue.list(state="approved")[0].id)[-1]["actor"] == "editor"


def test_the_whole_flow_by_clicking_at_1280x800(tmp_path: Path) -> None:
    """From `workbench init` to an exported schedule, the way a creator and an editor would do it at 1280x800:
    generate, pick a variant, send, review, approve, plan and export, each step's screen saved in
    test-artifacts/flow-*.png."""
    from playwright.sync_api import sync_playwright

    from workbench.workspace import init_workspace

    workspace = tmp_path / "team"
    init_workspace(workspace)
    ARTIFACTS.mkdir(exist_ok=True)
    queue = Queue(f"sqlite:///{workspace / '.workbench' / 'queue.sqlite'}", workspace=workspace)
    with _jupyterlab(workspace, {}, tmp_path) as url, sync_playwright() as p:
        browser = _launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        dialogs: list[str] = []

        def answer(dialog: Any) -> None:
            if dialog.type == "beforeunload":  # "leave this page?" when the next notebook opens: yes
                dialog.accept()
            else:  # an alert would be a script from someone's text
                dialogs.append(dialog.message)
                dialog.dismiss()

        page.on("dialog", answer)

        def shot(name: str) -> None:
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / f"flow-{name}.png"))

        step = "open"
        try:
            # the creator: the notebook's own cells generate once; Generate again, as a click
            _run_all(page, url.format(path="notebooks/01-repurpose.ipynb"))
            step = "generate"
            generate = page.locator("button.widget-button", has_text="Generate").first
            generate.wait_for(timeout=240_000)
            page.locator("text=drafts from").first.wait_for(timeout=240_000)
            generate.click()
            page.locator("text=drafts from").first.wait_for(timeout=120_000)
            shot("1-generate")
            step = "pick"  # two LinkedIn variants side by side; the second is picked
            variant = page.locator(".widget-toggle-button", has_text="Variant 2").first
            variant.scroll_into_view_if_needed()
            variant.click()
            row = variant.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
            overflow = row.evaluate("e => e.scrollWidth - e.clientWidth")
            assert overflow <= 0, f"the variants need {overflow} px of sideways scrolling"
            first, second = (row.locator(".wb-author").nth(n).bounding_box() for n in (0, 1))
            assert first and second and abs(first["y"] - second["y"]) < 2 and second["x"] > first["x"] + 300, \
                (first, second)  # side by side, not one under the other
            shot("2-pick")
            step = "send"
            page.locator("button.widget-button", has_text="Send to queue").first.click()
            page.locator("text=sent to the review queue").first.wait_for(timeout=60_000)
            shot("3-send")
            assert queue.count() == 3  # one draft per platform: the picked LinkedIn variant, the thread, Instagram
            # the editor
            step = "review"
            _run_all(page, url.format(path="notebooks/02-review.ipynb"))
            approve = page.locator("button.widget-button", has_text="Approve").first
            approve.wait_for(timeout=180_000)
            shot("4-review")
            step = "approve"
            approve.click()
            page.locator("text=approved by").first.wait_for(timeout=60_000)
            shot("5-approve")
            assert queue.count(state="approved") == 1
            # the schedule: the notebook plans what is approved; then Plan approved and an export, as clicks
            step = "plan"
            _run_all(page, url.format(path="notebooks/03-schedule.ipynb"))
            plan_button = page.locator("button.widget-button", has_text="Plan approved").first
            plan_button.wait_for(timeout=180_000)
            page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']:visible").first.wait_for(
                timeout=180_000)
            plan_button.click()
            page.locator("text=not placed").first.wait_for(timeout=60_000)
            shot("6-plan")
            step = "export"
            page.locator("button.widget-button", has_text="Export buffer").first.click()
            page.locator("text=wrote").first.wait_for(timeout=60_000)
            shot("7-export")
        except Exception:
            page.screenshot(path=str(ARTIFACTS / f"flow-failed-at-{step}.png"), full_page=True)
            raise
        finally:
            browser.close()
    assert dialogs == []
    assert queue.count(state="scheduled") == 1
    assert list((workspace / "exports").glob("buffer-*.csv"))
