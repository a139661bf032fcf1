"""LLM engine concurrency: a batch of pillars x platforms against a local server that answers every request
after a fixed delay (the tests' fake OpenAI-compatible server), sequential (llm.concurrency 1, the baseline)
against concurrent (llm.concurrency 8) in the same run, with a requests-per-second limit set for the
concurrent run; prints the speed-up and the most requests the server saw start within any one second.

The server runs in a process of its own, as a real one would: in the benchmark's process its threads would
wait on the interpreter's lock behind the client's, and the times it saw requests arrive would say more about
that lock than about the client's pacing.

    python benchmarks/llm_concurrency.py [--pillars 20] [--delay 1.0] [--concurrency 8] [--rps 7]

The defaults (20 pillars x 10 platforms, 1 s a request) take about 3 minutes: 165 s sequential (8 requests a
pillar: the brief, then the four short posts in one request and the other six platforms alone).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from workbench.config import load_settings
from workbench.engines import chat
from workbench.repurpose import DEFAULT_RUN_PLATFORMS, RunOptions, run_batch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from llm_server import FakeOpenAIServer  # noqa: E402

SOURCE = ROOT / "media/samples/batch-your-content.md"


def busiest_second(started: list[float]) -> int:
    """The most request starts within any window of one second (half-open: [t, t + 1))."""
    started = sorted(started)
    return max((sum(1 for u in started[i:] if u < t + 1.0 - 1e-6) for i, t in enumerate(started)), default=0)


class Server:
    """The fake server in a child process (`--serve`): its URL, and the times requests reached it."""

    def __init__(self, delay: float) -> None:
        self.process = subprocess.Popen([sys.executable, __file__, "--serve", "--delay", str(delay)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None and self.process.stdin is not None
        self.url = self.process.stdout.readline().strip()

    def started(self) -> list[float]:
        """The arrival times since the last call (and forget them)."""
        assert self.process.stdout is not None and self.process.stdin is not None
        self.process.stdin.write("started\n")
        self.process.stdin.flush()
        times: list[float] = json.loads(self.process.stdout.readline())
        return times

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def serve(delay: float) -> None:
    """The child process: serve until stdin closes; on "started", print the arrival times as a JSON line."""
    with FakeOpenAIServer() as server:
        server.delay = delay
        print(server.url, flush=True)
        for line in sys.stdin:
            if line.strip() == "started":
                with server.lock:
                    times, server.started[:] = list(server.started), []
                print(json.dumps(times), flush=True)


RELEASED: list[float] = []  # when the client's gate let each request go (its request hook, `Gate.pace`)


def _recorded(pace: Any) -> Any:
    def wrapper(self: chat.Gate, *args: object) -> None:
        pace(self, *args)
        RELEASED.append(time.monotonic())
    return wrapper


def run(folder: Path, workspace: Path, server: Server, concurrency: int, rps: float | None,
        ) -> tuple[float, int, int, int]:
    """Seconds the batch took, the requests the server saw, and the most started within one second: as the
    server saw them arrive, and as the client released them."""
    workspace.mkdir()  # its own reply cache: the second run must not be served by the first's
    config = workspace / "workbench.yaml"
    config.write_text(f"llm:\n  concurrency: {concurrency}\n  max_retries: 0\n  timeout: 60\n"
                      + (f"  requests_per_second: {rps}\n" if rps else ""))
    os.environ["WORKBENCH_CONFIG"] = str(config)
    settings = load_settings(workspace=workspace)
    options = RunOptions(brand="northwind-advisory", engine="llm", model="bench", base_url=server.url,
                         out=workspace / f"out-{concurrency}", platforms=DEFAULT_RUN_PLATFORMS)
    server.started()
    RELEASED.clear()
    start = time.perf_counter()
    results = run_batch([folder], options, settings)
    took = time.perf_counter() - start
    failed = [r for r in results if not r.ok]
    if failed:
        raise SystemExit(f"{len(failed)} pillar(s) failed: {failed[0].error}")
    started = server.started()
    return took, len(started), busiest_second(started), busiest_second(RELEASED)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pillars", type=int, default=20)
    parser.add_argument("--delay", type=float, default=1.0, help="seconds the server takes to answer")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rps", type=float, default=7.0, help="llm.requests_per_second for the concurrent run")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.delay)
    platforms = len(DEFAULT_RUN_PLATFORMS)
    chat.Gate.pace = _recorded(chat.Gate.pace)  # type: ignore[method-assign]
    with Server(args.delay) as server, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pillars"
        folder.mkdir()
        text = SOURCE.read_text()
        head, _, body = text.partition("\n# ")
        for i in range(args.pillars):  # each opens on its own line, so no two share a brief or a cached reply
            (folder / f"pillar-{i:02d}.md").write_text(f"{head}\nTeam {i} batches {i + 2} weeks at a time.\n\n# {body}")
        sequential, seq_requests, _, _ = run(folder, Path(tmp) / "sequential", server, 1, None)
        concurrent, con_requests, busiest, released = run(folder, Path(tmp) / "concurrent", server, args.concurrency,
                                                          args.rps)
    ratio = sequential / concurrent
    print(f"{args.pillars} pillars x {platforms} platforms, server answers after {args.delay:g} s")
    print(f"sequential (llm.concurrency 1, the baseline): {sequential:.1f} s ({seq_requests} requests)")
    print(f"concurrent (llm.concurrency {args.concurrency}, llm.requests_per_second {args.rps:g}): "
          f"{concurrent:.1f} s ({con_requests} requests)")
    print(f"ratio sequential / concurrent: {ratio:.2f}x (target >= 6x)")
    print(f"most requests started within one second (limit {args.rps:g}): {busiest} as the server saw them arrive, "
          f"{released} as the client released them")
    print(json.dumps({"pillars": args.pillars, "platforms": platforms, "requests": con_requests,
                      "sequential_s": round(sequential, 2), "concurrent_s": round(concurrent, 2),
                      "ratio": round(ratio, 2), "concurrency": args.concurrency, "rps_limit": args.rps,
                      "busiest_second": busiest, "busiest_second_client": released}))


if __name__ == "__main__":
    main()
