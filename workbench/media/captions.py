"""Burned-in captions as ASS subtitles: 1-3 words (about 20 characters) a line, the word being spoken
highlighted (karaoke `\\k` tags), inside the platform's safe zone, in the bundled font.

Transcripts usually give times per cue, not per word; word times are then spread over the cue in
proportion to each word's length, which keeps the highlight close to speech.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import srt

from .video import OUT_H, OUT_W, PROJECT_FONTS, MediaError


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Line:
    words: tuple[Word, ...]

    @property
    def start(self) -> float:
        return self.words[0].start

    @property
    def end(self) -> float:
        return self.words[-1].end

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def spread_words(text: str, start: float, end: float) -> list[Word]:
    """Word times inside a segment, in proportion to word length (plus one for the gap)."""
    words = text.split()
    if not words:
        return []
    weights = [len(w) + 1 for w in words]
    total = sum(weights)
    out, t = [], start
    for word, weight in zip(words, weights, strict=True):
        span = (end - start) * weight / total
        out.append(Word(word, round(t, 3), round(t + span, 3)))
        t += span
    return out


def group_lines(words: list[Word], max_words: int = 3, max_chars: int = 20) -> list[Line]:
    lines: list[Line] = []
    current: list[Word] = []
    for w in words:
        candidate = " ".join(x.text for x in [*current, w])
        if current and (len(current) >= max_words or len(candidate) > max_chars or current[-1].text[-1:] in ".?!"):
            lines.append(Line(tuple(current)))
            current = []
        current.append(w)
    if current:
        lines.append(Line(tuple(current)))
    return lines


def _ts(seconds: float) -> str:
    cs = max(int(round(seconds * 100)), 0)
    return f"{cs // 360000}:{cs // 6000 % 60:02d}:{cs // 100 % 60:02d}.{cs % 100:02d}"


def _ass_colour(hex_rgb: str, alpha: int = 0) -> str:
    r, g, b = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"&H{alpha:02X}{b}{g}{r}".upper()


def ass_document(lines: list[Line], font: str = "DejaVu Sans", size: int = 84, margin_bottom: int = 420,
                 highlight: str = "#FFD400", colour: str = "#FFFFFF", width: int = OUT_W, height: int = OUT_H) -> str:
    """ASS text: before a word is spoken it is white; the word being spoken turns the highlight colour."""
    # a backslash at the end of a line joins it to the next: each Format / Style line is one line of the file
    header = f"""[Script Info]
ScriptType: v4.00+
PlayResX: {width}
PlayResY: {height}
WrapStyle: 2
ScaledBorderAndShadow: yes

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, \
Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, \
MarginV, Encoding
Style: Caption,{font},{size},{_ass_colour(highlight)},{_ass_colour(colour)},&H00000000,&H80000000,\
-1,0,0,0,100,100,0,0,1,6,2,2,80,80,{margin_bottom},1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
"""
    events = []
    for line in lines:
        karaoke = "".join(f"{{\\k{max(int(round((w.end - w.start) * 100)), 1)}}}{_ass_text(w.text)} "
                          for w in line.words).rstrip()
        events.append(f"Dialogue: 0,{_ts(line.start)},{_ts(line.end)},Caption,,0,0,0,,{karaoke}")
    return header + "\n".join(events) + "\n"


def _ass_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("{", "(").replace("}", ")")


def write_captions(lines: list[Line], ass_path: Path, srt_path: Path | None = None, safe_bottom: int = 420,
                   fonts_dir: Path = PROJECT_FONTS, highlight: str = "#FFD400") -> Path:
    if not (fonts_dir / "DejaVuSans-Bold.ttf").exists():
        raise MediaError("the caption font is missing.", path=fonts_dir / "DejaVuSans-Bold.ttf",
                         fix="restore media/fonts/ from the repository (the font ships with the project).")
    ass_path.write_text(ass_document(lines, margin_bottom=safe_bottom, highlight=highlight), encoding="utf-8")
    if srt_path is not None:
        subs = [srt.Subtitle(i, dt.timedelta(seconds=line.start), dt.timedelta(seconds=line.end), line.text)
                for i, line in enumerate(lines, 1)]
        srt_path.write_text(srt.compose(subs), encoding="utf-8")
    return ass_path
