"""Offline engine throughput: pillars per second over 200 copies of a real article, with --workers 1
(the baseline, measured in the same run) and --workers 2; peak memory of the run.

    python benchmarks/offline_throughput.py [--copies 200] [--source FILE]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from pathlib import Path

from workbench.config import load_settings
from workbench.repurpose import RunOptions, run_batch

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "pillars" / "what-is-social-media-management.txt"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--source", type=Path, default=CORPUS if CORPUS.exists() else
                        ROOT / "media/samples/batch-your-content.md")
    args = parser.parse_args()
    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "pillars"
        src.mkdir()
        for i in range(args.copies):
            # each copy differs by one line, so no two pillars share a content hash
            text = args.source.read_text(encoding="utf-8") + f"\nCopy number {i} of this article.\n"
            (src / f"pillar-{i:04d}{args.source.suffix}").write_text(text, encoding="utf-8")
        rates = {}
        for workers in (1, 2):
            out = Path(tmp) / f"out-{workers}"
            options = RunOptions(brand="northwind-advisory", workers=workers, out=out, force=True)
            start = time.perf_counter()
            results = run_batch([src], options, settings)
            elapsed = time.perf_counter() - start
            assert all(r.status == "ok" and r.problems == 0 for r in results), "a draft had problems"
            rates[workers] = len(results) / elapsed
            print(f"workers={workers}: {len(results)} pillars x 10 platforms in {elapsed:.2f} s "
                  f"= {rates[workers]:.1f} pillars/s")
            shutil.rmtree(out)
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    ratio = rates[2] / rates[1]
    print(f"speed-up workers=2 / workers=1 (baseline): {ratio:.2f}x")
    print(f"peak RSS: main process {peak_self:.0f} MiB, largest worker {peak_children:.0f} MiB")
    print(json.dumps({"source": args.source.name, "copies": args.copies,
                      "pillars_per_s_workers1": round(rates[1], 2), "pillars_per_s_workers2": round(rates[2], 2),
                      "ratio": round(ratio, 2), "peak_rss_mib": round(max(peak_self, peak_children))}))


if __name__ == "__main__":
    main()
