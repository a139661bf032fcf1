"""The scorer against hand-labelled drafts: CTA detection, CTA kind, and brand-voice classification.

    python benchmarks/score_eval.py --data ../shared/eval/drafts-labelled.jsonl [--verbose]

The last line is one JSON object: {"n", "cta_accuracy", "cta_kind_accuracy", "voice_accuracy"}.
Voices: 'formal' is brand_voice/northwind-advisory.yaml, 'playful' is brand_voice/sunny-studio.yaml.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from workbench.brand import load_brand
from workbench.scoring import classify_voice, detect_cta

ROOT = Path(__file__).resolve().parents[1]


def evaluate(rows: list[dict], verbose: bool = False) -> dict[str, float | int]:
    voices = {"formal": load_brand("northwind-advisory"), "playful": load_brand("sunny-studio")}
    cta_ok = kind_ok = kind_n = voice_ok = 0
    for row in rows:
        kind = detect_cta(row["text"])
        voice = classify_voice(row["text"], row.get("platform", "linkedin"), voices)
        cta_ok += (kind is not None) == bool(row["cta"])
        if row["cta"]:
            kind_n += 1
            kind_ok += kind == row["cta_kind"]
        voice_ok += voice == row["voice"]
        if verbose and ((kind is not None) != bool(row["cta"]) or (row["cta"] and kind != row["cta_kind"])
                        or voice != row["voice"]):
            print(f"{row['id']}: cta {kind} (label {row['cta_kind']}), voice {voice} (label {row['voice']}): "
                  f"{row['text'][:80]}")
    n = len(rows)
    return {"n": n, "cta_accuracy": round(cta_ok / n, 3), "cta_kind_accuracy": round(kind_ok / max(kind_n, 1), 3),
            "voice_accuracy": round(voice_ok / n, 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/eval/drafts-labelled.jsonl")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    print(json.dumps(evaluate(rows, args.verbose)))


if __name__ == "__main__":
    main()
