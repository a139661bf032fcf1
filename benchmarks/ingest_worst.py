"""Ingest of the worst pillar shapes at the size cap: `load_pillar` time and peak memory for each.

A pillar up to the 10 MiB cap must load in under 10 s with bounded memory whatever its shape (issue 11,
item 7: one 500 KB line with no punctuation took 266 s). Each shape runs in its own process (its peak RSS
is its own) under a time limit; the baseline, measured in the same run, is ordinary prose of the same size,
and each shape's ratio is its time over the baseline's.

    python benchmarks/ingest_worst.py [--mb 10] [--limit 120] [--shapes one-line,prose]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

WORDS = (
    "the a an and or but of to in on for with at by from as is are was were be been it its we you they our "
    "your their this that these those team content post posts plan plans planning week month year day time "
    "work people reader readers brand voice draft drafts video clip audience channel campaign calendar review "
    "editor writer customer product launch story stories idea ideas data number growth share reach engagement "
    "write read ship build test measure learn start stop keep make take give find show tell ask need want "
    "good better best new old first last next every each most more less many few simple clear short long "
    "quickly slowly often always never usually really only also still just even again together early late"
).split()
# words pysbd takes for abbreviations: its old abbreviation step re-ran a whole-line substitution for each one
ABBREVIATED = "no etc vs al fig inc ltd co corp dept est approx min max mt st dr mr mrs ms prof gen rep sen".split()


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 24))]
    roll = rng.random()
    if roll < 0.10:
        words.insert(rng.randrange(len(words)), f"{rng.randint(2, 99)}.{rng.randint(0, 9)}%")
    elif roll < 0.15:
        words.insert(rng.randrange(len(words)), "e.g.")
    elif roll < 0.20:
        words.insert(rng.randrange(len(words)), f"(see {rng.choice(WORDS)} {rng.choice(WORDS)})")
    elif roll < 0.23:
        words.insert(rng.randrange(len(words)), f"https://example.com/{rng.choice(WORDS)}?id={rng.randint(1, 999)}")
    elif roll < 0.26:
        words.insert(rng.randrange(len(words)), f'"{rng.choice(WORDS)} {rng.choice(WORDS)}"')
    text = " ".join(words)
    end = "?" if rng.random() < 0.06 else "!" if rng.random() < 0.02 else "."
    return text[0].upper() + text[1:] + end


def _fill(size: int, piece: Callable[[], str], sep: str = "") -> str:
    out, n = [], 0
    while n < size:
        p = piece()
        out.append(p)
        n += len(p.encode("utf-8")) + len(sep.encode("utf-8"))
    return sep.join(out)[:size]


def _srt(size: int, rng: random.Random) -> str:
    out, n, i = [], 0, 0
    while n < size:
        i += 1
        t0, t1 = i * 2.0, i * 2.0 + 1.5
        speaker = "ALICE: " if i % 40 == 1 else ""
        cue = (f"{i}\n{_ts(t0)} --> {_ts(t1)}\n{speaker}{_sentence(rng)}\n\n")
        out.append(cue)
        n += len(cue)
    return "".join(out)


def _ts(t: float) -> str:
    ms = int(round(t * 1000))
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def shape(name: str, size: int) -> tuple[str, str]:
    """(suffix, text) of one shape, about `size` bytes, the same every run."""
    rng = random.Random(11)
    if name == "prose":  # the baseline: paragraphs of ordinary sentences
        para = lambda: " ".join(_sentence(rng) for _ in range(rng.randint(2, 6)))  # noqa: E731
        return ".md", "# Prose\n\n" + _fill(size, para, "\n\n")
    if name == "one-line":  # one paragraph on one line, no punctuation at all (the reported hang)
        return ".txt", "Title\n" + _fill(size, lambda: rng.choice(WORDS + ABBREVIATED), " ")
    if name == "one-line-prose":  # one paragraph on one line, sentences and all
        return ".md", _fill(size, lambda: _sentence(rng), " ")
    if name == "no-spaces":  # one word as long as the file
        return ".txt", "Title\n" + "a" * size
    if name == "bullets":  # one huge bullet list
        return ".md", "# List\n\n" + _fill(size, lambda: "- " + _sentence(rng)[:-1], "\n")
    if name == "tiny-paragraphs":  # a paragraph of one short word, many times
        return ".md", "# Tiny\n\n" + _fill(size, lambda: rng.choice(WORDS).capitalize() + ".", "\n\n")
    if name == "many-lines":  # one paragraph of two million one-word lines
        return ".md", "# Lines\n\n" + _fill(size, lambda: rng.choice(WORDS), "\n")
    if name == "long-srt":  # an all-day transcript, one speaker (one long turn)
        return ".srt", _srt(size, rng)
    raise SystemExit(f"unknown shape {name}")


SHAPES = ["prose", "one-line", "one-line-prose", "no-spaces", "bullets", "tiny-paragraphs", "many-lines", "long-srt"]


def child(name: str, size: int) -> None:
    """Load one shape in this process and print its time and peak memory (JSON)."""
    from workbench.pillar import load_pillar

    suffix, text = shape(name, size)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}{suffix}"
        path.write_text(text, encoding="utf-8")
        del text
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start, cpu = time.perf_counter(), time.process_time()
        pillar = load_pillar(path, max_bytes=max(size * 2, 10 * 1024 * 1024))
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        longest = max(len(s.text) for s in pillar.sentences)
        print(json.dumps({"seconds": seconds, "cpu_s": cpu, "peak_mb": peak / 1024, "start_mb": before / 1024,
                          "sentences": len(pillar.sentences), "longest": longest, "bytes": path.stat().st_size}))


def run(name: str, size: int, limit: float) -> dict[str, object]:
    try:
        proc = subprocess.run([sys.executable, __file__, "--child", name, "--size", str(size)],
                              capture_output=True, text=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return {"shape": name, "seconds": None, "timed_out": True}
    if proc.returncode != 0:
        return {"shape": name, "seconds": None, "error": proc.stderr.strip().splitlines()[-1:]}
    return {"shape": name, **json.loads(proc.stdout.strip().splitlines()[-1])}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=10, help="size of each shape in MiB (the cap is 10)")
    parser.add_argument("--limit", type=float, default=120, help="seconds before a shape counts as hung")
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--child")
    parser.add_argument("--size", type=int)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.size)
        return
    size = int(args.mb * 1024 * 1024)
    names = [n for n in args.shapes.split(",") if n]
    if "prose" not in names:
        names.insert(0, "prose")
    results = {n: run(n, size, args.limit) for n in names}
    base = results["prose"].get("seconds")
    print(f"{args.mb:g} MiB per shape; baseline = ordinary prose, same run; target: every shape < 10 s "
          "(seconds: wall clock; cpu: this process's CPU time, what a busy machine does not inflate)")
    print(f"{'shape':<16} {'seconds':>8} {'cpu':>6} {'ratio':>6} {'peak MB':>8} {'sentences':>10} {'longest':>8}")
    for n, r in results.items():
        secs = r.get("seconds")
        if not isinstance(secs, float):
            print(f"{n:<16} {'hung' if r.get('timed_out') else 'error':>8}  {r.get('error', '')}")
            continue
        ratio = secs / base if isinstance(base, float) and base else float("nan")
        r["ratio"] = round(ratio, 2)
        print(f"{n:<16} {secs:8.2f} {r['cpu_s']:6.2f} {ratio:6.2f} {r['peak_mb']:8.0f} {r['sentences']:>10} "
              f"{r['longest']:>8}")
    times = [r["seconds"] for r in results.values() if isinstance(r.get("seconds"), float)]
    worst = max(times) if len(times) == len(results) else None
    summary = {
        "bench": "ingest_worst", "mib": args.mb, "baseline": "prose", "baseline_s": base,
        "worst_s": round(worst, 2) if worst is not None else None,
        "worst_ratio": round(worst / base, 2) if worst is not None and isinstance(base, float) else None,
        "peak_mb_max": round(max(float(str(r.get("peak_mb", 0))) for r in results.values()), 0),
        "all_under_10s": worst is not None and worst < 10,
        "worst_cpu_s": round(max(float(str(r.get("cpu_s", 0))) for r in results.values()), 2),
        "shapes": {n: {k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items()
                       if k in ("seconds", "cpu_s", "ratio", "peak_mb", "sentences", "timed_out")}
                   for n, r in results.items()},
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
