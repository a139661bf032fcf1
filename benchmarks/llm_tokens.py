"""LLM token use per pillar against a local OpenAI-compatible server (the tests' fake server).

Baseline, measured in the same run: the whole article sent once per platform. Ours: the brief once, then
the platforms' requests built from the brief (the four short single posts in one, `llm.together`), every
prompt opening on the same prefix (instructions, brand voice, brief) so a provider's prompt cache applies;
the tokens the server reports as read from its cache are counted, and the ratio net of them printed too.
Drafts sent back with problems (as the engine does for any model) are counted, and shown apart. A second
run shows the reply cache at zero tokens. Tokens are counted with tiktoken on exactly what went over the
socket.

    python benchmarks/llm_tokens.py [--source FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from workbench.brand import load_brand
from workbench.brief import extract_brief
from workbench.engines.llm import DraftOut, LLMEngine, count_tokens
from workbench.pillar import load_pillar
from workbench.platforms import get_platform
from workbench.repurpose import DEFAULT_RUN_PLATFORMS, repurpose

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from llm_server import FakeOpenAIServer  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "pillars" / "what-is-social-media-management.txt"


def sent_tokens(requests: list[dict]) -> int:
    return sum(count_tokens([(m["role"], str(m["content"])) for m in r["body"]["messages"]]) for r in requests)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", type=Path, default=CORPUS if CORPUS.exists() else
                        ROOT / "media/samples/batch-your-content.md")
    args = parser.parse_args()
    pillar, brand = load_pillar(args.source), load_brand("northwind-advisory")
    specs = [get_platform(p) for p in DEFAULT_RUN_PLATFORMS]
    with FakeOpenAIServer() as server, tempfile.TemporaryDirectory() as tmp:
        # baseline: the whole article in every platform's request
        naive = LLMEngine(model="bench", base_url=server.url, cache_path=Path(tmp) / "naive.sqlite")
        for spec in specs:
            messages, _, _, _ = naive.draft_messages(pillar, extract_brief(pillar), brand, spec, 0, False)
            system, user = messages
            whole = "\n".join(s.text for s in pillar.sentences)
            # the same request with the whole article where the brief goes
            head, _, rest = user[1].partition("</brief>")
            article = head.split("<brief>")[0] + "<pillar>\n" + whole + "\n</pillar>" + rest
            naive.call([system, ("user", article)], DraftOut)
        baseline = sent_tokens(server.requests)
        server.requests.clear()

        ours = LLMEngine(model="bench", base_url=server.url, cache_path=Path(tmp) / "ours.sqlite", concurrency=1)
        repurpose(pillar, brand, specs, ours)
        first = sent_tokens(server.requests)
        sent_back = [r for r in server.requests if len(r["body"]["messages"]) > 2]
        retries = sent_tokens(sent_back)
        cached = ours.usage.prompt_cache_tokens
        requests = len(server.requests)
        server.requests.clear()
        again = LLMEngine(model="bench", base_url=server.url, cache_path=Path(tmp) / "ours.sqlite")
        repurpose(pillar, brand, specs, again)
        second = sent_tokens(server.requests)
    print(f"pillar: {args.source.name}, {len(pillar.sentences)} sentences, {len(specs)} platforms")
    print(f"baseline (whole article per platform): {baseline} input tokens in {len(specs)} requests")
    print(f"ours (brief once, then the platforms): {first} input tokens in {requests} requests "
          f"({len(sent_back)} sent back with problems: {retries} tokens)")
    print(f"ratio ours / baseline: {first / baseline:.2f}; without the sent-back requests "
          f"{(first - retries) / baseline:.2f}")
    print(f"read from the server's prompt cache: {cached} tokens; ratio net of them {(first - cached) / baseline:.2f}")
    print(f"second run (cache): {second} input tokens, {again.usage.cache_hits} cache hits")
    print(json.dumps({"baseline_tokens": baseline, "ours_tokens": first, "ratio": round(first / baseline, 2),
                      "sent_back_tokens": retries, "ratio_first_pass": round((first - retries) / baseline, 2),
                      "prompt_cache_tokens": cached, "ratio_net_of_cache": round((first - cached) / baseline, 2),
                      "rerun_tokens": second}))


if __name__ == "__main__":
    main()
