"""A 30 s 1080x1920 cut from a 1080p source: our one-pass render against one plain ffmpeg command with the
same seek, crop, scale and encoder settings (the baseline, same run), with captions, and against a
straightforward moviepy pipeline; then peak memory for cutting from a 10-minute source.

    python benchmarks/media_cut.py [--skip-moviepy] [--long-minutes 10]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import tempfile
import time
from pathlib import Path

from timing import best_of

from workbench.media.captions import group_lines, spread_words, write_captions
from workbench.media.video import RenderPlan, audio_energy, ffmpeg_exe, probe

START, LENGTH = 15.0, 30.0


def source(path: Path, seconds: float, pattern: str = "testsrc2") -> Path:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"{pattern}=size=1920x1080:rate=30", "-f", "lavfi", "-i", "sine=frequency=300:sample_rate=48000",
                    "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
                    str(path)], check=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-moviepy", action="store_true")
    parser.add_argument("--long-minutes", type=float, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        src = source(tmpdir / "src.mp4", START + LENGTH + 5)
        plan = RenderPlan(source=src, start=START, end=START + LENGTH, output=tmpdir / "ours.mp4")
        ours = best_of(lambda: subprocess.run(plan.command(), check=True), runs=2)
        plain_cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-ss", str(START), "-t", str(LENGTH),
                     "-i", str(src), "-vf", "crop=trunc(ih*9/16/2)*2:ih,scale=1080:1920", "-c:v", "libx264",
                     "-profile:v", "high", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-r", "30",
                     "-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-movflags", "+faststart",
                     str(tmpdir / "plain.mp4")]
        plain = best_of(lambda: subprocess.run(plain_cmd, check=True), runs=2)
        words = spread_words("Did you know it takes twenty three minutes to refocus after an interruption " * 8,
                             0, LENGTH)
        ass = write_captions(group_lines(words), tmpdir / "c.ass")
        captioned = RenderPlan(source=src, start=START, end=START + LENGTH, output=tmpdir / "cap.mp4", captions=ass)
        with_captions = best_of(lambda: subprocess.run(captioned.command(), check=True), runs=2)
        assert abs(probe(plan.output).duration - LENGTH) < 0.2
        print(f"plain ffmpeg (baseline): {plain:.2f} s")
        print(f"ours, no captions:       {ours:.2f} s  ratio {ours / plain:.2f}x (target <= 1.15x; ours adds "
              "loudness normalisation)")
        print(f"ours, with captions:     {with_captions:.2f} s  ratio {with_captions / plain:.2f}x")
        result = {"plain_s": round(plain, 2), "ours_s": round(ours, 2), "ratio": round(ours / plain, 2),
                  "captions_s": round(with_captions, 2), "captions_ratio": round(with_captions / plain, 2)}
        if not args.skip_moviepy:
            from moviepy import VideoFileClip

            def moviepy_cut() -> None:
                with VideoFileClip(str(src)) as clip:
                    part = clip.subclipped(START, START + LENGTH)
                    w = int(part.h * 9 / 16) // 2 * 2
                    part = part.cropped(x_center=part.w / 2, width=w).resized((1080, 1920))
                    part.write_videofile(str(tmpdir / "moviepy.mp4"), codec="libx264", audio_codec="aac", fps=30,
                                         preset="veryfast", ffmpeg_params=["-crf", "20", "-pix_fmt", "yuv420p"],
                                         logger=None)

            mp = best_of(moviepy_cut, runs=1)
            print(f"moviepy pipeline:        {mp:.2f} s  ratio {mp / plain:.2f}x")
            result.update(moviepy_s=round(mp, 2), moviepy_ratio=round(mp / plain, 2))
        # peak memory: a clip from a long source (energy scan over the whole talk + one render)
        long_src = source(tmpdir / "long.mp4", args.long_minutes * 60, pattern="testsrc")
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t = time.perf_counter()
        energy = audio_energy(long_src)
        scan = time.perf_counter() - t
        long_plan = RenderPlan(source=long_src, start=args.long_minutes * 60 / 2, end=args.long_minutes * 60 / 2 + 30,
                               output=tmpdir / "long-cut.mp4")
        subprocess.run(long_plan.command(), check=True)
        self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        size_mb = long_src.stat().st_size / 1e6
        print(f"{args.long_minutes:g}-minute 1080p source ({size_mb:.0f} MB): audio scan {scan:.1f} s "
              f"({energy.size} values); peak RSS python {self_peak:.0f} MiB (was {before / 1024:.0f} before), "
              f"largest ffmpeg child {child_peak:.0f} MiB")
        result.update(long_source_mb=round(size_mb), python_peak_mib=round(self_peak),
                      ffmpeg_peak_mib=round(child_peak))
        print(json.dumps(result))


if __name__ == "__main__":
    main()
