"""LLM engine concurrency: a batch of pillars x platforms against a local server that answers every request
after a fixed delay (the tests' fake OpenAI-compatible server), sequential (llm.concurrency 1, the baseline)
against concurrent (llm.concurrency 8) in the same run, with a requests-per-second limit set for the
concurrent run; prints the speed-up and the most requests the server saw start within any one second.

    python benchmarks/llm_concurrency.py [--pillars 20] [--delay 1.0] [--concurrency 8] [--rps 7]

The defaults (20 pillars x 10 platforms, 1 s a request) take about 4 minutes: 220 s sequential.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from workbench.config import load_settings
from workbench.repurpose import DEFAULT_RUN_PLATFORMS, RunOptions, run_batch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from llm_server import FakeOpenAIServer  # noqa: E402

SOURCE = ROOT / "media/samples/batch-your-content.md"


def busiest_second(started: list[float]) -> int:
    """The most request starts within any window of one second (half-open: [t, t + 1))."""
    started = sorted(started)
    return max((sum(1 for u in started[i:] if u < t + 1.0 - 1e-6) for i, t in enumerate(started)), default=0)


def run(folder: Path, workspace: Path, server: FakeOpenAIServer, concurrency: int, rps: float | None) -> float:
    workspace.mkdir()  # its own reply cache: the second run must not be served by the first's
    config = workspace / "workbench.yaml"
    config.write_text(f"llm:\n  concurrency: {concurrency}\n  max_retries: 0\n  timeout: 60\n"
                      + (f"  requests_per_second: {rps}\n" if rps else ""))
    os.environ["WORKBENCH_CONFIG"] = str(config)
    settings = load_settings(workspace=workspace)
    options = RunOptions(brand="northwind-advisory", engine="llm", model="bench", base_url=server.url,
                         out=workspace / f"out-{concurrency}", platforms=DEFAULT_RUN_PLATFORMS)
    server.started.clear()
    start = time.perf_counter()
    results = run_batch([folder], options, settings)
    took = time.perf_counter() - start
    failed = [r for r in results if not r.ok]
    if failed:
        raise SystemExit(f"{len(failed)} pillar(s) failed: {failed[0].error}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pillars", type=int, default=20)
    parser.add_argument("--delay", type=float, default=1.0, help="seconds the server takes to answer")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rps", type=float, default=7.0, help="llm.requests_per_second for the concurrent run")
    args = parser.parse_args()
    platforms = len(DEFAULT_RUN_PLATFORMS)
    with FakeOpenAIServer() as server, tempfile.TemporaryDirectory() as tmp:
        server.delay = args.delay
        folder = Path(tmp) / "pillars"
        folder.mkdir()
        text = SOURCE.read_text()
        head, _, body = text.partition("\n# ")
        for i in range(args.pillars):  # each opens on its own line, so no two share a brief or a cached reply
            (folder / f"pillar-{i:02d}.md").write_text(f"{head}\nTeam {i} batches {i + 2} weeks at a time.\n\n# {body}")
        requests = args.pillars * (1 + platforms)
        sequential = run(folder, Path(tmp) / "sequential", server, 1, None)
        seq_requests = len(server.started)
        concurrent = run(folder, Path(tmp) / "concurrent", server, args.concurrency, args.rps)
        busiest = busiest_second(server.started)
        con_requests = len(server.started)
    ratio = sequential / concurrent
    print(f"{args.pillars} pillars x {platforms} platforms, {requests} requests, server answers after "
          f"{args.delay:g} s")
    print(f"sequential (llm.concurrency 1, the baseline): {sequential:.1f} s ({seq_requests} requests)")
    print(f"concurrent (llm.concurrency {args.concurrency}, llm.requests_per_second {args.rps:g}): "
          f"{concurrent:.1f} s ({con_requests} requests)")
    print(f"ratio sequential / concurrent: {ratio:.2f}x (target >= 6x)")
    print(f"most requests started within one second: {busiest} (limit {args.rps:g})")
    print(json.dumps({"pillars": args.pillars, "platforms": platforms, "requests": requests,
                      "sequential_s": round(sequential, 2), "concurrent_s": round(concurrent, 2),
                      "ratio": round(ratio, 2), "concurrency": args.concurrency, "rps_limit": args.rps,
                      "busiest_second": busiest}))


if __name__ == "__main__":
    main()
