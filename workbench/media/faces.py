"""Where the speaker is, over a clip: faces found a few times a second, the clip split where the shot changes,
and, within each shot, a crop path a camera operator would follow (it holds still while the face stays near the
middle, pans no faster than a limit, and cuts when the shot cuts). The path becomes ffmpeg `sendcmd` lines
that move the crop while the clip renders, in the same single pass."""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

import numpy as np

from .video import MediaError, ffmpeg_exe, filter_path

RATE = 4.0  # face samples per second: enough to follow a speaker who walks, cheap next to the render
WIDTH = 640  # frames are looked at this wide: a face of 3% of the frame is 19 px, about the smallest found
SCENE = 0.3  # ffmpeg's scene score above which a frame starts a new shot
DEAD_ZONE = 0.05  # the face may drift this far (fraction of the source width) before the crop follows
SETTLE = 0.0125  # a pan stops once the crop is this close to the face again
GAIN = 0.5  # the share of the way to the face a moving crop covers each sample
MAX_SPEED = 0.3  # fraction of the source width the crop may pan in a second
MIN_SEEN = 0.2  # a clip where fewer samples than this show a face has no speaker to follow
MIN_FACE = 0.03  # a face narrower than this fraction of the frame is in the audience (or not a face)

Box = tuple[float, float, float, float]  # x, y, width, height in pixels
# a BGR frame, and the face width to look for (the last one found; None: any) -> the faces found
Detect = Callable[[np.ndarray, "float | None"], list[Box]]
SEARCH_ALL = 16  # every so many samples (4 s) the whole frame is searched again (a new speaker, a zoom)


@dataclass(frozen=True)
class Detector:
    """A face detector and its name (what the reel's report says it used)."""

    name: str
    detect: Detect


def detector(model: Path | None = None) -> Detector | None:
    """YuNet (OpenCV's DNN face detector) when `model` is its .onnx file and the installed OpenCV has it; else
    the Haar cascade OpenCV 4 ships. None when OpenCV is not installed or has neither (OpenCV 5 dropped the
    cascades): the reel then shows the whole frame over a blurred copy."""
    try:
        import cv2
    except ImportError:
        return None
    if model is not None:
        if not model.is_file():
            raise MediaError(f"the face model {model} does not exist.", path=model, field="--face-model",
                             fix="give the path of a YuNet .onnx file (face_detection_yunet_2023mar.onnx from "
                                 "OpenCV's model zoo), or leave --face-model out for the built-in detector.")
        if not hasattr(cv2, "FaceDetectorYN"):
            raise MediaError(f"the installed OpenCV ({cv2.__version__}) has no YuNet face detector.", path=model,
                             field="--face-model", fix="install OpenCV 4.8 or later, or leave --face-model out.")
        return _yunet(cv2, model)
    cascades = getattr(getattr(cv2, "data", None), "haarcascades", None)
    cascade = Path(cascades or "") / "haarcascade_frontalface_default.xml"
    if not hasattr(cv2, "CascadeClassifier") or not cascade.is_file():
        return None
    classifier = cv2.CascadeClassifier(str(cascade))

    def haar(frame: np.ndarray, near: float | None) -> list[Box]:
        gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        # a face of about the last one's size: a third of the scales, a third of the time (the small scales
        # have the most windows)
        low, high = (18, 0) if near is None else (max(18, int(near * 0.6)), int(near * 1.6) + 1)
        found = classifier.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5, minSize=(low, low),
                                            maxSize=(high, high))
        return [tuple(float(v) for v in box) for box in found]  # type: ignore[misc]

    return Detector("haar", haar)


def _yunet(cv2: Any, model: Path) -> Detector:
    try:
        net = cv2.FaceDetectorYN.create(str(model), "", (WIDTH, WIDTH), 0.7, 0.3, 50)
    except cv2.error as exc:
        raise MediaError(f"OpenCV could not load the face model {model}: {str(exc).strip()[:200]}", path=model,
                         field="--face-model", fix="give a YuNet .onnx file, or leave --face-model out.") from None

    def yunet(frame: np.ndarray, near: float | None) -> list[Box]:  # one pass finds every size
        net.setInputSize((frame.shape[1], frame.shape[0]))
        _, found = net.detect(frame)
        return [] if found is None else [tuple(float(v) for v in row[:4]) for row in found]  # type: ignore[misc]

    return Detector("yunet", yunet)


@dataclass
class FaceTrack:
    """The crop's centre over a clip (fraction of the source width) at sample times (seconds from the clip's
    start), the times where a new shot starts, and what was seen."""

    times: list[float]
    centres: list[float]
    shots: list[float] = field(default_factory=list)
    seen: int = 0  # samples with a face
    detector: str = ""

    def at(self, t: float) -> float:
        """The centre at `t`: linear between samples of one shot, a cut at a shot change."""
        i = int(np.searchsorted(self.times, t, side="right")) - 1
        if i < 0:
            return self.centres[0]
        if i + 1 >= len(self.times) or any(self.times[i] < s <= self.times[i + 1] for s in self.shots):
            return self.centres[i]
        t0, t1 = self.times[i], self.times[i + 1]
        return self.centres[i] + (self.centres[i + 1] - self.centres[i]) * (t - t0) / (t1 - t0)

    def commands(self, source_width: int, crop_width: int, fps: int, duration: float, target: str) -> str:
        """`sendcmd` lines that set the crop's x for each output frame where it changes (a still speaker is
        one line). x is even and inside the frame."""
        lines, last = [], None
        for k in range(int(duration * fps) + 1):
            t = k / fps
            x = int(round((self.at(t) * source_width - crop_width / 2) / 2)) * 2
            x = min(max(x, 0), source_width - crop_width)
            if x != last:
                lines.append(f"{t:.4f} {target} x {x};")
                last = x
        return "\n".join(lines) + "\n"


def follow(samples: list[tuple[float, float | None]], shots: list[float], half_crop: float,
           dead_zone: float = DEAD_ZONE, max_speed: float = MAX_SPEED, settle: float = SETTLE) -> list[float] | None:
    """The crop centre at each sample time from the face centres seen then (None: no face in that frame).

    Within a shot: a missed frame keeps the last face; one odd frame is voted down by its neighbours (median
    of three); the crop starts moving when the face is more than `dead_zone` from its centre, then pans toward
    the face (half the way each sample, at most `max_speed` per second) until it is within `settle`. At a
    shot change the crop cuts to the new shot's face; a shot with no face at all (a slide) is cropped in its
    middle. The centre never lets the crop (half-width `half_crop`) leave the frame. None when fewer than
    `MIN_SEEN` of the samples have a face: a few stray detections are not a speaker to follow."""
    if not samples or sum(x is not None for _, x in samples) < MIN_SEEN * len(samples):
        return None
    lo, hi = half_crop, 1 - half_crop
    out: list[float] = []
    for shot in _split(samples, shots):
        xs = [x for _, x in shot]
        first = next((x for x in xs if x is not None), 0.5)  # a shot with no face (a slide): its middle
        filled, held = [], first
        for x in xs:
            held = x if x is not None else held
            filled.append(held)
        smooth = [median(filled[max(i - 1, 0): i + 2]) for i in range(len(filled))]
        pos, moving = min(max(smooth[0], lo), hi), False
        for i, target in enumerate(smooth):
            target = min(max(target, lo), hi)
            if i:
                gap = target - pos
                moving = abs(gap) > (settle if moving else dead_zone)
                if moving:  # half the way each sample (a steady pan behind a walking speaker), within the limit
                    step = max_speed * (shot[i][0] - shot[i - 1][0])
                    pos += max(-step, min(step, GAIN * gap))
            out.append(pos)
    return out


def _split(samples: list[tuple[float, float | None]], shots: list[float]) -> list[list[tuple[float, float | None]]]:
    parts: list[list[tuple[float, float | None]]] = [[]]
    bounds = iter(sorted(shots))
    nxt = next(bounds, None)
    for t, x in samples:
        while nxt is not None and t >= nxt:
            if parts[-1]:
                parts.append([])
            nxt = next(bounds, None)
        parts[-1].append((t, x))
    return parts


_SHOT = re.compile(r"pts_time:(-?\d+(?:\.\d+)?)\s+lavfi\.scene_score=(\d+(?:\.\d+)?)")


def track(video: Path, start: float, end: float, source: tuple[int, int], found: Detector,
          crop_width: int) -> FaceTrack | None:
    """The speaker's track through `video` from `start` to `end` (one decode, at `WIDTH` pixels wide: frames
    for the detector `RATE` times a second, and ffmpeg's scene score on every frame for the shot changes).
    None when too few sampled frames have a face (`follow`)."""
    width, height = source
    small = (WIDTH, max(2, int(round(height * WIDTH / width / 2)) * 2))
    with tempfile.TemporaryDirectory() as tmp:
        scenes = Path(tmp) / "scenes.txt"
        graph = (f"[0:v]scale={small[0]}:{small[1]}:flags=fast_bilinear,split[a][b];[a]fps={RATE:g},format=bgr24[f];"
                 f"[b]select='gte(scene\\,0)',metadata=print:key=lavfi.scene_score:file={filter_path(scenes)}[s]")
        cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-ss", f"{start:.3f}", "-t", f"{end - start:.3f}",
               "-i", str(video), "-filter_complex", graph, "-map", "[f]", "-f", "rawvideo", "pipe:1",
               "-map", "[s]", "-f", "null", "-"]
        samples: list[tuple[float, float | None]] = []
        last: Box | None = None
        size = small[0] * small[1] * 3
        with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
            assert proc.stdout is not None and proc.stderr is not None
            while len(frame := proc.stdout.read(size)) == size:
                image = np.frombuffer(frame, dtype=np.uint8).reshape(small[1], small[0], 3)
                face = _speaker(_look(found, image, None if len(samples) % SEARCH_ALL == 0 else last), small[0])
                last = face
                samples.append((len(samples) / RATE, (face[0] + face[2] / 2) / small[0] if face else None))
            error = proc.stderr.read().decode(errors="replace")
        if proc.returncode:
            tail = " | ".join(error.strip().splitlines()[-3:])
            raise MediaError(f"ffmpeg could not look for faces: {tail[:400]}", path=video,
                             fix="check that the video plays (ffprobe shows its streams).")
        shots = [float(t) for t, score in _SHOT.findall(scenes.read_text()) if float(score) > SCENE]
    centres = follow(samples, shots, half_crop=crop_width / width / 2)
    if centres is None:
        return None
    return FaceTrack([t for t, _ in samples], centres, shots, sum(x is not None for _, x in samples), found.name)


def _speaker(boxes: list[Box], width: int) -> Box | None:
    """The speaker: the largest face, if it is large enough to be one."""
    faces = [b for b in boxes if b[2] >= MIN_FACE * width]
    return max(faces, key=lambda b: b[2] * b[3]) if faces else None


def _look(found: Detector, image: np.ndarray, last: Box | None) -> list[Box]:
    """The faces in `image`. Where a face was found in the sample before, it is looked for first around there
    and at about its size (a speaker moves less than a face width or two in a quarter second): a tenth of the
    frame to search. Nothing there, or no face before: the whole frame, every size."""
    if last is not None:
        x, y, w, h = last
        x0, y0 = max(int(x - 1.5 * w), 0), max(int(y - 1.5 * h), 0)
        x1, y1 = min(int(x + 2.5 * w), image.shape[1]), min(int(y + 2.5 * h), image.shape[0])
        near = found.detect(np.ascontiguousarray(image[y0:y1, x0:x1]), w)
        if near:
            return [(bx + x0, by + y0, bw, bh) for bx, by, bw, bh in near]
    return found.detect(image, None)
