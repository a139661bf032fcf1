"""The scorer against an editor's ratings: does the score order drafts the way the editor does, and
does each detector find the defects the editor named?

    python benchmarks/quality_eval.py --data ../shared/eval/editor-ratings.jsonl [--verbose] [--no-source]

Each record is one draft with `editor_rating` (1-5) and `defects` (rubric codes); see
`../shared/eval/EDITOR-RUBRIC.md`. Drafts are scored as `repurpose` scores them: with their pillar
(found by file name in ../shared/corpus and the project's samples) and with the cross-draft checks run
over each set of drafts that one run would have made (same id family and brand).

Prints Spearman (score vs rating), AUC for postable (rating >= 3), pair accuracy (`Pnn-good` scored
above `Pnn-broken`), the share of drafts rated <= 2 that are "ready", how many rated 1 are "ready", and
per-code precision and recall.

It then runs `repurpose` (offline engine, two variants) on every pillar and transcript in
`../shared/corpus/` with both brands and prints, per platform, the scorer's distribution (mean, quartiles,
share "ready"), the platforms skipped for want of content, and the defect codes found; per article, the share
of drafts whose hook another platform's draft shares (SAME_HOOK). `--no-corpus` skips this part, `--corpus
DIR` points elsewhere. The last line is one JSON object with both parts.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from workbench.brand import BrandVoice, load_brand
from workbench.defects.cross import cross_check
from workbench.drafts import Draft, parts_from_text
from workbench.pillar import Pillar, load_pillar
from workbench.platforms import get_platform
from workbench.rubric import Defect
from workbench.scoring import Verdict, score

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PILLAR_DIRS = (SHARED / "corpus" / "pillars", SHARED / "corpus" / "transcripts", ROOT / "media" / "samples")
BRANDS = {"northwind-advisory": "northwind-advisory", "sunny-studio": "sunny-studio"}


def as_draft(row: dict[str, Any]) -> Draft:
    """A record's text as the draft a run would hold: thread parts at '---', a YouTube 'Title:' line apart."""
    spec = get_platform(row["platform"])
    text, title = row["text"], None
    if spec.title_limit and text.startswith("Title:"):
        first, _, rest = text.partition("\n")
        title, text = first[len("Title:"):].strip(), rest.strip()
    return Draft(platform=spec.name, parts=parts_from_text(text, spec.is_thread), title=title,
                 variant=variant_of(row["id"]))


def variant_of(row_id: str) -> int:
    """v1/v2 from a tool id; a broken pair member is variant 2 of its good one."""
    m = re.search(r"-v(\d+)$", row_id)
    if m:
        return int(m.group(1))
    return 2 if row_id.endswith("-broken") else 1


def family(row: dict[str, Any]) -> str:
    """The drafts one run would have made together: same id family, pillar and brand."""
    row_id = row["id"]
    if re.match(r"[PH]\d+-", row_id):  # a good/broken pair, or a set of one brand's drafts of one pillar
        head = row_id.split("-")[0]
    elif row_id.startswith("tool-") or re.search(r"-v\d+$", row_id):  # one run: the id up to the platform
        head = re.split(r"-" + re.escape(row["platform"]) + r"(?:-v\d+)?$", row_id)[0]
    else:
        head = row_id
    return f"{head}|{row['pillar']}|{row['brand']}"


def find_pillar(name: str, cache: dict[str, Pillar | None]) -> Pillar | None:
    if name not in cache:
        path = next((d / name for d in PILLAR_DIRS if (d / name).is_file()), None)
        cache[name] = load_pillar(path) if path else None
    return cache[name]


def spearman(xs: list[float], ys: list[float]) -> float:
    def ranks(values: list[float]) -> list[float]:
        order = sorted(range(len(values)), key=lambda i: values[i])
        out = [0.0] * len(values)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
                j += 1
            for k in range(i, j + 1):
                out[order[k]] = (i + j) / 2 + 1
            i = j + 1
        return out

    rx, ry = ranks(xs), ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    var = (sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry)) ** 0.5
    return cov / var if var else 0.0


def auc(scores: list[float], positive: list[bool]) -> float:
    pos = [s for s, p in zip(scores, positive, strict=True) if p]
    neg = [s for s, p in zip(scores, positive, strict=True) if not p]
    if not pos or not neg:
        return 0.0
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def evaluate(rows: list[dict[str, Any]], use_source: bool = True, verbose: bool = False) -> dict[str, Any]:
    brands: dict[str, BrandVoice] = {name: load_brand(profile) for name, profile in BRANDS.items()}
    pillars: dict[str, Pillar | None] = {}
    drafts = [as_draft(r) for r in rows]
    cross: dict[int, list[Any]] = defaultdict(list)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        groups[family(r)].append(i)
    for members in groups.values():
        for local, found in cross_check([drafts[i] for i in members]).items():
            cross[members[local]].extend(found)

    results = []
    for i, (row, draft) in enumerate(zip(rows, drafts, strict=True)):
        brand, spec = brands[row["brand"]], get_platform(row["platform"])
        pillar = find_pillar(row["pillar"], pillars) if use_source and row["pillar"] != "none" else None
        result = score(draft, brand, spec, pillar=pillar, extra=cross[i])
        found = {Defect(r.code) for r in result.reasons if r.code in Defect.__members__}
        results.append((row, result, found))

    ratings = [r["editor_rating"] for r, _, _ in results]
    overall = [s.overall for _, s, _ in results]
    ready = [s.verdict is Verdict.READY for _, s, _ in results]
    by_id = {r["id"]: s.overall for r, s, _ in results}
    pairs = [(k, k.replace("-good", "-broken")) for k in by_id if k.endswith("-good")]
    pairs = [(g, b) for g, b in pairs if b in by_id]
    per_code: dict[str, dict[str, Any]] = {}
    for code in Defect:
        tp = sum(1 for r, _, f in results if code in f and code.value in r["defects"])
        fp = sum(1 for r, _, f in results if code in f and code.value not in r["defects"])
        fn = sum(1 for r, _, f in results if code not in f and code.value in r["defects"])
        per_code[code.value] = {"labelled": tp + fn, "found": tp + fp,
                                "precision": round(tp / (tp + fp), 2) if tp + fp else None,
                                "recall": round(tp / (tp + fn), 2) if tp + fn else None}
    low = [rd for rd, rt in zip(ready, ratings, strict=True) if rt <= 2]
    report = {
        "n": len(rows),
        "spearman": round(spearman([float(x) for x in overall], [float(x) for x in ratings]), 3),
        "auc_postable": round(auc([float(x) for x in overall], [x >= 3 for x in ratings]), 3),
        "pair_accuracy": round(sum(by_id[g] > by_id[b] for g, b in pairs) / len(pairs), 3) if pairs else None,
        "pairs": len(pairs),
        "ready_share_rated_le2": round(sum(low) / len(low), 3) if low else 0.0,
        "ready_rated_1": sum(1 for rd, rt in zip(ready, ratings, strict=True) if rd and rt == 1),
        "codes": per_code,
    }
    if verbose:
        for row, result, found in sorted(results, key=lambda x: x[0]["id"]):
            labelled = set(row["defects"])
            miss = sorted(labelled - {c.value for c in found})
            extra = sorted({c.value for c in found} - labelled)
            print(f"{row['id']:<40} rating {row['editor_rating']} score {result.overall:>3} {result.verdict.value:<10}"
                  f" missed {miss or '-'} extra {extra or '-'}")
    return report


CORPUS_CODES = ("EMPTY", "FRAGMENT", "DANGLING", "SAME_HOOK", "VARIANT_CLONE", "HASHTAG_JUNK")


def _quartiles(values: list[int]) -> tuple[int, int, int]:
    ordered = sorted(values)
    at = [ordered[min(len(ordered) - 1, int(q * len(ordered)))] for q in (0.25, 0.5, 0.75)]
    return at[0], at[1], at[2]


def corpus_eval(corpus: Path, variants: int = 2) -> dict[str, Any]:
    """What the offline engine makes of every corpus input, as the scorer sees it."""
    from workbench.engines import get_engine
    from workbench.platforms import DEFAULT_PLATFORMS
    from workbench.repurpose import DEFAULT_RUN_PLATFORMS, repurpose

    files = sorted(p for sub in ("pillars", "transcripts") for p in (corpus / sub).glob("*")
                   if p.suffix in (".md", ".txt", ".srt", ".vtt", ".html") and not p.name.startswith("LICENSE"))
    specs = [DEFAULT_PLATFORMS[name] for name in DEFAULT_RUN_PLATFORMS]
    engine = get_engine("extractive")
    per_platform: dict[str, dict[str, Any]] = {s.name: {"scores": [], "ready": 0, "skipped": 0,
                                                        "codes": defaultdict(int)} for s in specs}
    same_hook: dict[str, float] = {}
    for path in files:
        pillar = load_pillar(path)
        for brand_name, profile in BRANDS.items():
            brand = load_brand(profile)
            drafts = repurpose(pillar, brand, specs, engine, variants=variants)
            made = {d.platform for d in drafts}
            for spec in specs:
                if spec.name not in made:
                    per_platform[spec.name]["skipped"] += 1
            hooked = 0
            for d in drafts:
                row = per_platform[d.platform]
                sc = d.score or {}
                row["scores"].append(int(sc.get("overall", 0)))
                row["ready"] += sc.get("verdict") == Verdict.READY.value
                codes = set(sc.get("defects", []))
                for code in codes:
                    if code in Defect.__members__:
                        row["codes"][code] += 1
                hooked += "SAME_HOOK" in codes
            same_hook[f"{path.name} ({brand_name})"] = round(hooked / len(drafts), 2) if drafts else 0.0
    report: dict[str, Any] = {"inputs": len(files), "platforms": {}, "same_hook_share": same_hook}
    for name, row in per_platform.items():
        scores = row["scores"]
        report["platforms"][name] = {
            "drafts": len(scores), "skipped": row["skipped"],
            "mean": round(sum(scores) / len(scores), 1) if scores else None,
            "quartiles": _quartiles(scores) if scores else None,
            "ready_share": round(row["ready"] / len(scores), 2) if scores else None,
            "codes": dict(sorted(row["codes"].items(), key=lambda kv: -kv[1])),
        }
    totals: dict[str, int] = defaultdict(int)
    for row in report["platforms"].values():
        for code, n in row["codes"].items():
            totals[code] += n
    report["totals"] = {code: totals.get(code, 0) for code in CORPUS_CODES}
    report["drafts"] = sum(r["drafts"] for r in report["platforms"].values())
    report["max_same_hook_share"] = max(same_hook.values(), default=0.0)
    return report


def print_corpus(report: dict[str, Any]) -> None:
    print(f"\ncorpus: {report['inputs']} inputs x {len(BRANDS)} brands, {report['drafts']} drafts (offline engine)")
    print(f"{'platform':<16}{'drafts':>7}{'skipped':>8}{'mean':>7}{'quartiles':>14}{'ready':>7}  defects")
    for name, row in report["platforms"].items():
        q = "/".join(str(x) for x in row["quartiles"]) if row["quartiles"] else "-"
        codes = ", ".join(f"{c} {n}" for c, n in row["codes"].items()) or "-"
        print(f"{name:<16}{row['drafts']:>7}{row['skipped']:>8}{str(row['mean']):>7}{q:>14}"
              f"{str(row['ready_share']):>7}  {codes}")
    print("totals: " + ", ".join(f"{c} {n}" for c, n in report["totals"].items()))
    worst = sorted(report["same_hook_share"].items(), key=lambda kv: -kv[1])[:3]
    print("SAME_HOOK share, worst inputs: " + ", ".join(f"{k} {v}" for k, v in worst))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED / "eval" / "editor-ratings.jsonl")
    parser.add_argument("--no-source", action="store_true", help="score without the pillars (text-only checks)")
    parser.add_argument("--verbose", action="store_true", help="one line per draft: missed and extra codes")
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus",
                        help="run repurpose on every input here with both brands (default ../shared/corpus)")
    parser.add_argument("--no-corpus", action="store_true", help="only the ratings file")
    args = parser.parse_args()
    if not args.data.is_file():
        sys.exit(f"error: {args.data} not found. Fix: pass --data with the path of editor-ratings.jsonl.")
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    report = evaluate(rows, use_source=not args.no_source, verbose=args.verbose)
    print(f"{report['n']} drafts: Spearman {report['spearman']}, AUC (postable) {report['auc_postable']}, "
          f"pairs {report['pair_accuracy']} of {report['pairs']}, ready among rated <= 2 "
          f"{report['ready_share_rated_le2']}, rated 1 and ready {report['ready_rated_1']}")
    print(f"{'code':<14}{'labelled':>9}{'found':>7}{'precision':>11}{'recall':>8}")
    for code, c in report["codes"].items():
        print(f"{code:<14}{c['labelled']:>9}{c['found']:>7}{str(c['precision']):>11}{str(c['recall']):>8}")
    if not args.no_corpus:
        if (args.corpus / "pillars").is_dir():
            report["corpus"] = corpus_eval(args.corpus)
            print_corpus(report["corpus"])
        else:
            print(f"corpus: {args.corpus} not found; skipped (pass --corpus DIR)")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
