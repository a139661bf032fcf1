"""A 30 s 1080x1920 reel that follows the speaker, with burned-in captions, against one plain ffmpeg pass with
the same seek and encoder settings (no captions, no loudness normalisation), in the same run: with a fixed
centre crop, and with the same moving crop given to it (the same picture: panning costs the encoder more).

The source is 1080p: scikit-image's public-domain `astronaut` photo walks across the frame and back, with a hard
cut halfway. "Ours" is everything the face layout adds: one low-resolution decode for the face samples and the
scene score, the track, and the render with a moving crop, captions and loudness normalisation.

    python benchmarks/reel_tracking.py
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from pathlib import Path

from timing import best_of

from workbench.media.captions import group_lines, spread_words, write_captions
from workbench.media.faces import detector, track
from workbench.media.video import RenderPlan, crop_width, ffmpeg_exe, probe

START, LENGTH = 5.0, 30.0
SOURCE = 40.0


def walking_source(folder: Path) -> Path:
    import cv2
    import skimage.data

    photo = folder / "astronaut.png"
    cv2.imwrite(str(photo), cv2.cvtColor(skimage.data.astronaut(), cv2.COLOR_RGB2BGR))
    half = SOURCE / 2
    graph = (f"[0:v][1:v]blend=all_expr='if(lt(T,{half:g}),A,B)'[bg];[2:v]scale=640:640,format=rgba[face];"
             f"[bg][face]overlay=x='(W-w)*if(lt(t,{half:g}),abs(sin(t/6)),1-abs(sin(t/6)))':y=(H-h)/2:"
             "shortest=1,format=yuv420p[v]")
    out = folder / "talk.mp4"
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", f"color=c=0x203040:s=1920x1080:r=30:d={SOURCE:g}",
                    "-f", "lavfi", "-i", f"color=c=0xd0b090:s=1920x1080:r=30:d={SOURCE:g}",
                    "-loop", "1", "-i", str(photo), "-f", "lavfi", "-i", "sine=f=220:sample_rate=48000",
                    "-filter_complex", graph, "-map", "[v]", "-map", "3:a", "-t", f"{SOURCE:g}",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", str(out)],
                   check=True)
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        src = walking_source(folder)
        info = probe(src)
        width = crop_width(info.height)
        found = detector()
        assert found is not None, "OpenCV (the [faces] extra) is needed: pip install -e '.[faces]'"
        words = spread_words("Did you know it takes twenty three minutes to refocus after an interruption " * 8,
                             0, LENGTH)
        ass = write_captions(group_lines(words), folder / "c.ass")
        commands = folder / "crop.cmd"
        seconds: dict[str, float] = {}

        def ours() -> None:
            t = time.perf_counter()
            followed = track(src, START, START + LENGTH, (info.width, info.height), found, width)
            seconds["track"] = time.perf_counter() - t
            assert followed is not None and followed.shots, "the walking face and the cut should both be found"
            commands.write_text(followed.commands(info.width, width, 30, LENGTH, "crop@face"))
            plan = RenderPlan(source=src, start=START, end=START + LENGTH, output=folder / "ours.mp4",
                              layout="face", crop_x=followed.at(0), crop_commands=commands, captions=ass)
            subprocess.run(plan.command(), check=True)
            seconds["samples"] = len(followed.times)
            seconds["seen"] = followed.seen

        encoder = ["-c:v", "libx264", "-profile:v", "high", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
                   "-r", "30", "-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-movflags", "+faststart"]
        seek = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-ss", str(START), "-t", str(LENGTH),
                "-i", str(src)]
        centre = seek + ["-vf", "crop=trunc(ih*9/16/2)*2:ih,scale=1080:1920", *encoder, str(folder / "plain.mp4")]
        plain = best_of(lambda: subprocess.run(centre, check=True), runs=2)
        tracked = best_of(ours, runs=2)
        # the same moving picture from one plain pass (the crop path given, nothing else): a picture that pans
        # costs the encoder more than a still one, whoever cuts it
        same = seek + ["-vf", f"sendcmd=f={commands},crop@face={width}:ih:0:0,scale=1080:1920", *encoder,
                       str(folder / "same.mp4")]
        plain_moving = best_of(lambda: subprocess.run(same, check=True), runs=2)
        assert abs(probe(folder / "ours.mp4").duration - LENGTH) < 0.2
        ratio, fair = tracked / plain, tracked / plain_moving
        print(f"plain ffmpeg pass, fixed centre crop (baseline):   {plain:.2f} s")
        print(f"plain ffmpeg pass, the same moving crop:           {plain_moving:.2f} s  (the panning picture "
              f"alone: {plain_moving / plain:.2f}x)")
        print(f"ours: face track + moving crop + captions + loudness, one render: {tracked:.2f} s")
        print(f"  ratio to the same picture from a plain pass: {fair:.2f}x (target <= 1.3x); to the centre crop: "
              f"{ratio:.2f}x")
        print(f"  of which the face track ({found.name}, {seconds['samples']:.0f} samples, face in "
              f"{seconds['seen']:.0f}): {seconds['track']:.2f} s")
        print(json.dumps({"plain_s": round(plain, 2), "plain_moving_s": round(plain_moving, 2),
                          "tracked_s": round(tracked, 2), "ratio": round(fair, 2), "ratio_to_centre": round(ratio, 2),
                          "track_s": round(seconds["track"], 2), "detector": found.name,
                          "samples": int(seconds["samples"]), "seen": int(seconds["seen"])}))


if __name__ == "__main__":
    main()
