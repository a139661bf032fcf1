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
from pathlib import Path

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


@pytest.fixture
def lab(tmp_path: Path) -> tuple[str, Path]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (Debian package 'chromium'; .ci/run installs it)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    root = tmp_path / "lab"
    shutil.copytree(ROOT / "notebooks", root)  # JupyterLab saves outputs into the files: use copies
    workspace = tmp_path / "workspace"
    _fill_queue(workspace)
    port, token = _free_port(), "workbench-test"
    env = {**os.environ, "WORKBENCH_HOME": str(workspace),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "jconfig"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "jruntime")}
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
        yield f"{url}/lab/tree/02-review.ipynb?token={token}", workspace
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_editor_approves_an_item_by_clicking_in_jupyterlab(lab: tuple[str, Path]) -> None:
    from playwright.sync_api import sync_playwright

    url, workspace = lab
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        try:
            page.goto(url, timeout=120_000)
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
            choose_kernel = page.locator(".jp-Dialog button", has_text="Select")
            try:  # a fresh JupyterLab asks which kernel to start
                choose_kernel.wait_for(timeout=15_000)
                choose_kernel.click()
            except Exception:  # noqa: BLE001 - no dialog: the kernel started by itself
                pass
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
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
