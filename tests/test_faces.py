"""A crop that follows the speaker: scikit-image's public-domain `astronaut` photo moved across a lavfi canvas
(ffmpeg's overlay) makes a talk whose face walks across the frame and then, at a hard cut, stands at the
other side. The rendered reel is read back frame by frame and the face must be in it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from test_media import LINES, write_srt
from workbench.cli import main
from workbench.media.faces import DEAD_ZONE, MAX_SPEED, FaceTrack, detector, follow
from workbench.media.reels import make_reels
from workbench.media.video import MediaError, ffmpeg_exe, probe
from workbench.platforms import PlatformSpec, get_platform

cv2 = pytest.importorskip("cv2", reason="OpenCV is the [faces] extra: pip install -e '.[faces]'")
skdata = pytest.importorskip("skimage.data", reason="scikit-image (the test extra) draws the test face")

CUT = 7.0  # the shot change: before it the face walks left to right, after it the face stands at the left
OUT_W, OUT_H = 360, 640  # a small vertical frame: the crop is the same as at 1080x1920, the encode is cheaper


@pytest.fixture(scope="module")
def walking_talk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("walk")
    photo = folder / "astronaut.png"
    cv2.imwrite(str(photo), cv2.cvtColor(skdata.astronaut(), cv2.COLOR_RGB2BGR))
    graph = (f"[0:v][1:v]blend=all_expr='if(lt(T,{CUT:g}),A,B)'[bg];[2:v]scale=440:440,format=rgba[face];"
             f"[bg][face]overlay=x='if(lt(t,{CUT:g}),(W-w)*t/{CUT:g},20)':y=(H-h)/2:shortest=1,format=yuv420p[v]")
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", "color=c=0x405060:s=1280x720:r=25:d=12",
                    "-f", "lavfi", "-i", "color=c=0x806040:s=1280x720:r=25:d=12", "-loop", "1", "-i", str(photo),
                    "-f", "lavfi", "-i", "sine=f=220:d=12", "-filter_complex", graph, "-map", "[v]", "-map", "3:a",
                    "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", "-t", "12",
                    str(folder / "walk.mp4")], check=True)
    write_srt(folder / "walk.srt", LINES, cue=1.5)
    return folder / "walk.mp4"


def small_reels() -> PlatformSpec:
    spec = get_platform("reels")
    assert spec.video is not None
    return spec.model_copy(update={"video": spec.video.model_copy(update={"width": OUT_W, "height": OUT_H})})


def faces_in(video: Path, every: float = 0.5) -> list[tuple[float, list[tuple[int, int, int, int]]]]:
    """The faces OpenCV finds in the rendered reel, a frame each `every` seconds."""
    found = detector()
    assert found is not None
    seen = []
    for t in np.arange(every / 2, probe(video).duration, every):
        raw = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-ss", f"{t:.3f}", "-i", str(video),
                              "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "bgr24", "-"],
                             capture_output=True, check=True).stdout
        frame = np.frombuffer(raw, np.uint8).reshape(OUT_H, OUT_W, 3)
        seen.append((float(t), [tuple(int(v) for v in box) for box in found.detect(frame, None) if box[2] >= 50]))
    return seen  # type: ignore[return-value]


def test_the_crop_follows_a_walking_speaker_and_cuts_with_the_shot(walking_talk: Path, tmp_path: Path) -> None:
    [reel] = make_reels(walking_talk, tmp_path / "face", small_reels(), count=1, min_seconds=10, max_seconds=12,
                        layout="face", captions=False)
    assert reel.layout == "face" and reel.problems == [] and reel.track is not None
    assert reel.clip.start < 3 and reel.clip.end > CUT + 2  # the clip spans the walk and the cut
    assert [round(s + reel.clip.start, 1) for s in reel.track.shots] == [CUT]
    assert reel.describe_layout("face") == f"face (haar: in {reel.track.seen} of {len(reel.track.times)} samples, " \
                                          "1 shot change)" and reel.track.seen == len(reel.track.times)
    seen = faces_in(reel.video)
    missing = [t for t, boxes in seen if not boxes]
    assert missing == [], f"the face left the frame at {missing} s of {len(seen)} samples"
    # and it stays near the middle, not at an edge: the crop moved with it (before the cut) and cut (after it)
    # (the face is the highest box: the detector also takes the mission patch on the suit for one, at times)
    centres = [x + w / 2 for x, _, w, _ in (min(boxes, key=lambda b: b[1]) for _, boxes in seen)]
    assert all(abs(c - OUT_W / 2) < OUT_W * 0.25 for c in centres), centres
    # the same clip cropped in the middle loses the face for most of it: the check above can fail
    [fixed] = make_reels(walking_talk, tmp_path / "centre", small_reels(), count=1, min_seconds=10, max_seconds=12,
                         layout="center", captions=False)
    assert sum(1 for _, boxes in faces_in(fixed.video) if not boxes) > len(seen) / 2


def test_the_track_holds_still_pans_no_faster_than_the_limit_and_cuts_at_a_shot_change() -> None:
    dt = 0.25
    jitter = [(i * dt, 0.5 + (0.02 if i % 2 else -0.02)) for i in range(12)]  # a speaker who sways in place
    assert len(set(follow(jitter, [], half_crop=0.16) or [])) == 1
    assert DEAD_ZONE > 0.02
    walk = [(i * dt, 0.2 + 0.1 * i) for i in range(8)]  # faster than the crop may pan
    path = follow(walk, [], half_crop=0.16)
    assert path is not None
    steps = [b - a for a, b in zip(path, path[1:], strict=False)]
    assert max(steps) <= MAX_SPEED * dt + 1e-9 and path[-1] > path[0] + 0.3
    assert all(0.16 <= p <= 0.84 for p in path)  # the crop never leaves the frame
    cut = [(i * dt, 0.75 if i < 6 else 0.25) for i in range(12)]
    path = follow(cut, [6 * dt], half_crop=0.16)
    assert path is not None and path[5] == pytest.approx(0.75) and path[6] == pytest.approx(0.25)
    gaps = [(i * dt, None if i in (3, 4) else 0.6) for i in range(8)]  # the detector missed two frames
    assert set(follow(gaps, [], half_crop=0.16) or []) == {0.6}
    assert follow([(i * dt, 0.5 if i == 3 else None) for i in range(20)], [], half_crop=0.16) is None
    track = FaceTrack([0.0, 1.0, 2.0], [0.3, 0.5, 0.8], shots=[2.0])
    assert track.at(0.5) == pytest.approx(0.4) and track.at(1.5) == pytest.approx(0.5) and track.at(2.0) == 0.8


def test_a_face_model_that_is_missing_is_a_clear_error(walking_talk: Path, tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="face model .* does not exist") as caught:
        detector(tmp_path / "yunet.onnx")
    assert caught.value.field == "--face-model"
    result = CliRunner().invoke(main, ["reels", str(walking_talk), "--layout", "face", "--face-model",
                                       str(tmp_path / "yunet.onnx"), "--out", str(tmp_path / "r")])
    assert result.exit_code == 2 and "does not exist" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "r").exists() or not list((tmp_path / "r").glob("*.mp4"))
