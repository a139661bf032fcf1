"""The scorer against an editor's ratings: does the score order drafts the way the editor does, and
does each detector find the defects the editor named?

    python benchmarks/quality_eval.py --data ../shared/eval/editor-ratings.jsonl [--verbose] [--no-source]

Each record is one draft with `editor_rating` (1-5) and `defects` (rubric codes); see
`../shared/eval/EDITOR-RUBRIC.md`. Drafts are scored as `repurpose` scores them: with their pillar
(found by file name in ../shared/corpus and the project's samples) and with the cross-draft checks run
over each set of drafts that one run would have made (same id family and brand).

Prints Spearman (score vs rating), AUC for postable (rating >= 3), pair accuracy (`Pnn-good` scored
above `Pnn-broken`), the share of drafts rated <= 2 that are "ready", how many rated 1 are "ready", and
per-code precision and recall. The last line is one JSON object.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED / "eval" / "editor-ratings.jsonl")
    parser.add_argument("--no-source", action="store_true", help="score without the pillars (text-only checks)")
    parser.add_argument("--verbose", action="store_true", help="one line per draft: missed and extra codes")
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
    print(json.dumps(report))


if __name__ == "__main__":
    main()
