"""Scoring speed: drafts scored per second, against `platforms.validate` alone (the cheapest check every
draft already gets), measured in the same run. The notebook preview scores on every keystroke.

    python benchmarks/score_speed.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from workbench.brand import load_brand
from workbench.drafts import Draft
from workbench.pillar import load_pillar
from workbench.platforms import get_platform, validate
from workbench.scoring import score
from workbench.text import _sentence_spans

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared/eval/drafts-labelled.jsonl"


def rate(fn, drafts: list[Draft], seconds: float) -> float:
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for d in drafts:
            fn(d)
        n += len(drafts)
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    source = EVAL if EVAL.exists() else ROOT / "tests/data/drafts-unseen.jsonl"
    rows = [json.loads(line) for line in source.read_text().splitlines() if line.strip()]
    drafts = [Draft(r["platform"], [r["text"]]) for r in rows]
    brand = load_brand("northwind-advisory")
    specs = {p: get_platform(p) for p in {d.platform for d in drafts}}
    base = rate(lambda d: validate(d, specs[d.platform]), drafts, args.seconds)
    scored = rate(lambda d: score(d, brand, specs[d.platform]), drafts, args.seconds)

    def cold(d: Draft) -> None:  # a text never seen before, as on each keystroke: no sentence cache
        _sentence_spans.cache_clear()
        score(d, brand, specs[d.platform])

    fresh = rate(cold, drafts, args.seconds)
    pillar = load_pillar(ROOT / "media" / "samples" / "batch-your-content.md")

    def sourced(d: Draft) -> None:  # as `repurpose` scores: with the pillar's checks, a new text each time
        _sentence_spans.cache_clear()
        score(d, brand, specs[d.platform], pillar=pillar)

    with_pillar = rate(sourced, drafts, args.seconds)
    print(f"validate only (baseline): {base:,.0f} drafts/s")
    print(f"score, new text:          {fresh:,.0f} drafts/s ({1000 / fresh:.2f} ms a draft)")
    print(f"score, same text again:   {scored:,.0f} drafts/s ({1000 / scored:.2f} ms a draft)")
    print(f"score with the pillar:    {with_pillar:,.0f} drafts/s ({1000 / with_pillar:.2f} ms a draft)")
    print(json.dumps({"validate_per_s": round(base), "score_new_text_per_s": round(fresh),
                      "score_repeat_per_s": round(scored), "score_with_pillar_per_s": round(with_pillar),
                      "ratio_new_text": round(fresh / base, 3)}))


if __name__ == "__main__":
    main()
