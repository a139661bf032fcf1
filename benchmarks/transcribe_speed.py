"""Offline transcription speed and memory: faster-whisper with tiny.en on a talk synthesised by espeak-ng.

The talk is the sample article read aloud (about two minutes), muxed onto a lavfi video as a creator's
recording would be. The baseline, measured in the same run, is the audio's own length (real time): the ratio
is the real-time factor (audio seconds per second of transcription, model load included). Peak memory is the
transcribing child process's maximum resident set.

    python benchmarks/transcribe_speed.py [--threads 0]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "media/samples/batch-your-content.md"


def child(video: str, threads: int) -> None:
    """In a process of its own, so the peak memory is the transcription's."""
    from workbench.media.transcribe import transcribe

    start = time.perf_counter()
    transcript = transcribe(video, threads=threads)
    took = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": took, "duration": transcript.duration, "words": len(transcript.words),
                      "peak_mib": peak_mib}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=0, help="CTranslate2 threads (0: its default)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.threads)
    from workbench.media.video import ffmpeg_exe
    from workbench.pillar import load_pillar

    text = " ".join(s.text for s in load_pillar(SOURCE).sentences)
    with tempfile.TemporaryDirectory() as tmp:
        wav, video = Path(tmp) / "talk.wav", Path(tmp) / "talk.mp4"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "160", "-w", str(wav), text], check=True)
        subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                        "color=c=blue:s=640x360:r=25", "-i", str(wav), "-c:v", "libx264", "-preset", "veryfast",
                        "-c:a", "aac", "-shortest", str(video)], check=True)
        out = subprocess.run([sys.executable, __file__, "--child", str(video), "--threads", str(args.threads)],
                             check=True, capture_output=True, text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    ratio = result["duration"] / result["seconds"]
    print(f"audio: {result['duration']:.1f} s of speech ({result['words']} words heard)")
    print(f"baseline (real time): {result['duration']:.1f} s; transcription: {result['seconds']:.1f} s")
    print(f"real-time factor: {ratio:.1f}x faster than real time (target >= 10x on 2 cores)")
    print(f"peak memory of the transcribing process: {result['peak_mib']:.0f} MiB")
    print(json.dumps({"audio_s": round(result["duration"], 2), "transcribe_s": round(result["seconds"], 2),
                      "ratio": round(ratio, 2), "peak_mib": round(result["peak_mib"]), "words": result["words"]}))


if __name__ == "__main__":
    main()
