"""The API key never shows: a canary key is planted in the environment and in `--base-url` userinfo, a
server echoes the Authorization header back in its error bodies, and every output, error and file written
under the workspace is searched for it."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from llm_server import FakeOpenAIServer
from workbench.cli import repurpose_cmd
from workbench.config import load_settings
from workbench.engines.llm import LLMEngine, LLMError
from workbench.pillar import load_pillar
from workbench.redact import redact, redact_url
from workbench.repurpose import RunOptions, run_batch

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "media/samples/batch-your-content.md"
CANARY = "sk-canary-7f3a9"
# the key as written, and inside the Basic header httpx builds from URL userinfo
FORMS = [CANARY, base64.b64encode(f"u:{CANARY}".encode()).decode()]


def flat(text: str) -> str:
    """The text without whitespace and table borders: a key wrapped across a table's lines is still found."""
    return re.sub(r"[\s\u2500-\u257f]+", "", text)


def leaks(text: str) -> list[str]:
    return [form for form in FORMS if form in text or form in flat(text)]


def leaking_files(root: Path) -> list[str]:
    return [str(p.relative_to(root)) for p in sorted(root.rglob("*"))
            if p.is_file() and any(form.encode() in p.read_bytes() for form in FORMS)]


def echo_in_reply(server: FakeOpenAIServer) -> Callable[[dict[str, Any]], str]:
    """A 200 whose content is not JSON and repeats the credentials: it lands in the 'not valid JSON' error."""
    return lambda body: f"no JSON today; your credentials were {server.credentials(server.requests[-1]['auth'])}"


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKBENCH_API_KEY", CANARY)
    monkeypatch.setenv("OPENAI_API_KEY", CANARY)
    (tmp_path / "p").mkdir()
    for name in ("a.md", "b.md"):
        (tmp_path / "p" / name).write_text(SAMPLE.read_text())
    return tmp_path


def everything_said(result: Result) -> str:
    return "\n".join([result.output, result.stdout, result.stderr, repr(result.exception)])


@pytest.mark.parametrize("in_url", [False, True], ids=["key-in-env", "key-in-url-too"])
@pytest.mark.parametrize("step", ["echo_400", "echo_403", "echo_in_reply"])
def test_the_key_is_never_printed_or_written_by_the_cli(workspace: Path, in_url: bool, step: str) -> None:
    with FakeOpenAIServer() as server:
        server.script = ([echo_in_reply(server)] * 4 if step == "echo_in_reply" else [step])  # 2 pillars, 2 tries
        url = server.url.replace("http://", f"http://u:{CANARY}@") if in_url else server.url
        args = ["p", "--engine", "llm", "--model", "m", "--base-url", url, "-p", "linkedin,x"]
        result = CliRunner().invoke(repurpose_cmd, args)
        assert server.requests and (CANARY in server.requests[0]["auth"] or in_url)  # the server did get it
    said = everything_said(result)
    assert leaks(said) == []
    assert leaking_files(workspace) == []
    written = [name for name in ("a", "b") if (workspace / "out" / name / "manifest.json").exists()]
    if step == "echo_in_reply":  # the brief's reply was not JSON, twice: the offline brief, and a note that says why
        assert result.exit_code == 0 and written == ["a", "b"], result.output
        assert "draftedfromtheofflinebrief" in flat(said), said  # the echo never reaches a message
    else:  # the pillars go out at once: whichever met the echo failed, the other was written
        assert result.exit_code == 1, result.output
        assert "FAILED" in said and "1 written" in said and "***" in said and len(written) == 1
    if in_url:
        assert f"http://***@127.0.0.1:{server.httpd.server_address[1]}/v1" in flat(said) or "notvalidJSON" in flat(said)
    assert (workspace / ".workbench/llm-cache.sqlite").exists()


def test_the_key_in_the_url_is_not_shown_when_the_server_is_down(workspace: Path) -> None:
    down = FakeOpenAIServer()  # bound, never serving, then closed: nothing listens on its port
    url = down.url.replace("http://", f"http://u:{CANARY}@")
    down.httpd.server_close()
    result = CliRunner().invoke(repurpose_cmd, ["p/a.md", "--engine", "llm", "--model", "m", "--base-url", url,
                                                "-p", "x"])
    said = everything_said(result)
    assert leaks(said) == [] and leaking_files(workspace) == []
    assert result.exit_code == 1 and "cannotreachtheserverathttp://***@127.0.0.1:" in flat(said)
    dry = CliRunner().invoke(repurpose_cmd, ["p", "--engine", "llm", "--model", "m", "--base-url", url, "--dry-run"])
    assert dry.exit_code == 0 and leaks(everything_said(dry)) == []


def test_the_key_is_never_in_the_librarys_results_errors_or_files(workspace: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    with FakeOpenAIServer() as server:
        url = server.url.replace("http://", f"http://u:{CANARY}@")
        # through the batch: one pillar meets the echo, the other is drafted and written
        server.script = ["echo_403"]
        options = RunOptions(brand="northwind-advisory", platforms=("linkedin",), engine="llm", model="m",
                             base_url=url, out=workspace / "out")
        results = run_batch([workspace / "p"], options, settings)
        (failed,) = [r for r in results if not r.ok]  # the pillars go out at once: one met the echo
        (written,) = [r for r in results if r.ok]
        assert "answered 403" in failed.error and leaks(repr(results)) == []
        manifest = json.loads((workspace / "out" / written.path.stem / "manifest.json").read_text())
        assert leaks(json.dumps(manifest)) == []
        # the engine itself: every part of the error it raises
        for step in ("echo_400", "echo_403"):
            server.script = [step]
            engine = LLMEngine(model="m2", base_url=url, api_key=CANARY, settings=settings, max_retries=0)
            with pytest.raises(LLMError) as err:
                engine.brief(load_pillar(workspace / "p/a.md"))
            told = [str(err.value), repr(err.value), err.value.message, err.value.fix or "", *map(str, err.value.args)]
            assert leaks("\n".join(told)) == [] and err.value.__cause__ is None
            assert f"the server at http://***@127.0.0.1:{server.httpd.server_address[1]}/v1" in err.value.message
            assert engine.where.startswith("http://***@") and leaks(engine.where) == []
    assert leaking_files(workspace) == []


def test_a_key_cut_by_a_messages_length_limit_is_still_hidden(workspace: Path) -> None:
    pillar = load_pillar(workspace / "p/a.md")
    with FakeOpenAIServer() as server:
        engine = LLMEngine(model="m", base_url=server.url, api_key=CANARY, max_retries=0)
        for pad in range(120, 200, 3):  # the echoed key straddles the 200-character cut somewhere in here
            server.script, server.echo_prefix = ["echo_400"], "x" * pad
            with pytest.raises(LLMError) as err:
                engine.brief(pillar)
            assert "canary" not in str(err.value) and "7f3a9" not in str(err.value), pad


def test_redact() -> None:
    assert redact(f"key {CANARY} and {CANARY}!", [CANARY]) == "key *** and ***!"
    assert redact("see https://alice:pa55word@proxy.example/v1 now") == "see https://***@proxy.example/v1 now"
    assert redact("Authorization: Bearer abcdefgh12345678 and Basic dTpzay1jYW5hcnktN2YzYTk=") == \
        "Authorization: Bearer *** and Basic ***"
    assert redact("leaked sk-proj-ABCDEFGHIJKLMNOPQRST in a body") == "leaked sk-*** in a body"
    assert redact("run `ollama list`", ["ollama", "", None]) == "run `ollama list`"  # a placeholder, not a key
    assert redact_url(f"http://u:{CANARY}@127.0.0.1:8000/v1") == "http://***@127.0.0.1:8000/v1"
    assert redact_url("http://127.0.0.1:8000/v1") == "http://127.0.0.1:8000/v1" and redact_url(None) is None
    assert redact("the basic plan costs less; a Bearer bond") == "the basic plan costs less; a Bearer bond"
