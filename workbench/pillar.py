"""Ingest: a pillar file becomes a `Pillar` (sections, sentences with stable ids, links, numbers).

Every check happens before the `Pillar` is built, so a bad file raises a specific `PillarError`
naming the file and the fix, and nothing is half-loaded.

Ingest is linear in the file's size whatever its shape (a pillar may be 10 MiB): sentences come from one
budgeted `SentenceSplitter` per pillar, cue times and link sentences are found by bisection, Markdown blocks
with no markup are read without the parser and the rest are parsed in chunks, so no token list holds the
whole file. Front matter goes through the one safe YAML loader (`userfiles.safe_load`), capped at 64 KiB.
"""

from __future__ import annotations

import gc
import hashlib
import html
import io
import os
import re
import unicodedata
import warnings
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import frontmatter
import srt
import trafilatura
import webvtt
import yaml
from frontmatter.default_handlers import YAMLHandler
from markdown_it import MarkdownIt
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from . import speech
from .errors import (
    BinaryFileError,
    DecodeError,
    EmptyFileError,
    FileTooLargeError,
    PillarError,
    TranscriptError,
    UnsupportedFormatError,
)
from .plugins import Group, Registry
from .speech import Cue
from .text import PILLAR_BUDGET, SentenceSplitter, alternation, find_numbers, find_urls
from .userfiles import safe_load, yaml_problem

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_FRONT_MATTER_BYTES = 64 * 1024  # a blog post's metadata; more is a mistake (or an attack on the YAML parser)
VIDEO_SUFFIXES = {".mp4", ".mov", ".mkv", ".webm", ".m4v"}


class PillarDecodeWarning(UserWarning):
    """The file was not UTF-8 and was read as cp1252; check quotes and accents."""


@dataclass(frozen=True, slots=True)  # slots: a 10 MiB pillar can hold a million of them
class Sentence:
    id: str
    text: str
    section: int
    block: int
    kind: str = "paragraph"  # paragraph, bullet, quote, cue
    start: float | None = None  # seconds, transcripts only
    end: float | None = None
    speaker: str | None = None


@dataclass(slots=True)
class Block:
    kind: str
    text: str
    sentence_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Section:
    heading: str | None
    level: int
    blocks: list[Block] = field(default_factory=list)


LinkAt = tuple[str, str, int]  # a link in a block: href, label, where the label starts in the block's text


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    text: str
    sentence_id: str | None


@dataclass(frozen=True, slots=True)
class Statistic:
    """A number stated in the pillar, with the sentence that states it."""

    text: str
    value: float
    sentence_id: str


@dataclass
class Pillar:
    path: Path
    format: str
    title: str
    sections: list[Section]
    sentences: list[Sentence]
    links: list[Link]
    numbers: list[Statistic]
    content_hash: str
    meta: dict[str, Any] = field(default_factory=dict)
    duration: float | None = None
    video_path: Path | None = None
    transcript_path: Path | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for s in self.sections for b in s.blocks)

    @property
    def spoken(self) -> bool:
        """A talk or an interview (its sentences are transcript cues), not a written piece: it has no guide or
        analysis behind it, and a line lifted from it is speech."""
        return any(s.kind == "cue" for s in self.sentences)

    def sentence(self, sentence_id: str) -> Sentence:
        return self._by_id()[sentence_id]

    def _by_id(self) -> dict[str, Sentence]:
        cache = self.__dict__.get("_index")
        if cache is None:
            cache = {s.id: s for s in self.sentences}
            self.__dict__["_index"] = cache
        return cache

    @property
    def number_values(self) -> set[float]:
        """Every number the pillar states anywhere (title, headings, body): what a draft may use."""
        values = {n.value for n in self.numbers}
        values.update(n.value for n in find_numbers(self.title))
        for s in self.sections:
            if s.heading:
                values.update(n.value for n in find_numbers(s.heading))
        return values


class FrontMatter(BaseModel):
    """A blog post's front matter. Written for the blog, not for us: unknown keys are kept, not refused."""

    model_config = ConfigDict(extra="allow")

    title: str | None = None
    url: str | None = None
    author: str | None = None
    date: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _iso(cls, value: Any) -> Any:
        return value.isoformat() if isinstance(value, (date, datetime)) else value
    tags: list[str] | str | None = None


# ---------------------------------------------------------------------------------------------
# Reading bytes

def _read_text(path: Path, max_bytes: int) -> tuple[str, list[str], bytes]:
    if not path.exists():
        raise PillarError("file not found.", path=path, fix="check the path.")
    if path.is_dir():
        raise PillarError("is a folder, not a file.", path=path,
                          fix="pass the files inside it (the repurpose command takes folders).")
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError("the file is empty (0 bytes).", path=path, fix="add the article or transcript text.")
    if size > max_bytes:
        raise FileTooLargeError(
            f"the file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit for a pillar.", path=path,
            fix="split it into several pillars, or raise max_pillar_bytes in workbench.yaml.")
    data = path.read_bytes()
    notes: list[str] = []
    utf16 = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else _utf16_without_bom(data[:65536])
    if utf16:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError as exc:
            label = "UTF-16" if utf16 == "utf-16" else f"UTF-16 {utf16[-2:].upper()} without a byte-order mark"
            raise DecodeError(f"the file looks like {label} text, but byte {exc.start} breaks it ({exc.reason}).",
                              path=path, fix="re-save the file as UTF-8.") from None
        sample = text[:32768]
        if utf16 != "utf-16" and sum(1 for c in sample if c < " " and c not in "\t\n\f\r") > 0.05 * len(sample):
            raise BinaryFileError("this is a binary file, not text.", path=path,
                                  fix="export the document as .md, .txt or .html (a .docx or .pdf must be "
                                      "saved as text first).")
        if utf16 != "utf-16":
            notes.append(f"{path}: read as UTF-16 {utf16[-2:].upper()} (it has no byte-order mark); "
                         "re-save as UTF-8 to be sure.")
    else:
        if b"\x00" in data[:65536] or _looks_binary(data[:65536]):
            raise BinaryFileError("this is a binary file, not text.", path=path,
                                  fix="export the document as .md, .txt or .html (a .docx or .pdf must be "
                                      "saved as text first).")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise DecodeError(
                    f"the bytes are neither UTF-8 nor cp1252 (bad byte 0x{data[exc.start]:02x} at offset "
                    f"{exc.start}).", path=path, fix="re-save the file as UTF-8.") from None
            message = (f"{path}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                       "read as cp1252. Re-save as UTF-8 to be sure quotes and accents are right.")
            warnings.warn(message, PillarDecodeWarning, stacklevel=3)
            notes.append(message)
    if not text.strip():
        raise EmptyFileError("the file holds only whitespace.", path=path, fix="add the article or transcript text.")
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")), notes, data


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 saved without a byte-order mark (Windows tools do): text in Latin script has a NUL in every other
    byte, at odd offsets (little-endian) or even ones (big-endian), and almost none at the others."""
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0:pairs * 2:2].count(0), sample[1:pairs * 2:2].count(0)
    if odd >= 0.3 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if even >= 0.3 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return None


def _looks_binary(sample: bytes) -> bool:
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return len(sample) > 0 and control / len(sample) > 0.05


# ---------------------------------------------------------------------------------------------
# Building sections and sentences (shared by every format)

_HAS_WORD = re.compile(r"[^\W_]")  # a letter or a digit


class Dropped(StrEnum):
    """What ingest leaves out of `sentences` (counted in `pillar.meta["dropped"]`): none of it is the author's
    text to post."""

    SEO = "seo"  # "Meta Description (150 characters): ...", "Slug: ..."
    TEMPLATE = "template"  # Jekyll/Hugo/Liquid syntax: {{ site.baseurl }}, {% ... %}, {{< ... >}}
    IMAGE = "image"  # an image (tag, shortcode, Markdown) and its caption
    CODE = "code"  # a code block
    LINKS = "links"  # a block that is mostly links, a bare URL
    RELATED = "related"  # "Related posts", "Read next"
    SHARE = "share"  # "Share this", "Subscribe"
    TOC = "toc"  # a table of contents
    REFERENCES = "references"  # a references or footnotes box
    BYLINE = "byline"  # "By Jane Doe", "Posted on", "Last updated"
    DISCLAIMER = "disclaimer"
    HTML = "html"  # a raw HTML block (a footnote list, a layout div)
    TABLE = "table"  # an HTML table
    FOOTNOTE = "footnote"  # a footnote mark: <sup>[1]</sup>
    SOUND = "sound"  # transcripts: [applause], (laughter)
    FILLER = "filler"  # transcripts: a sentence that was only "Okay." or "Um, yeah."


@dataclass(frozen=True)
class _ArticleRules:
    seo: re.Pattern[str]
    char_note: re.Pattern[str]
    headings: dict[str, Dropped]
    starts: list[tuple[re.Pattern[str], Dropped]]
    byline: re.Pattern[str]
    references: re.Pattern[str]
    template_link: re.Pattern[str]
    image_template: re.Pattern[str]
    template: re.Pattern[str]
    sup: re.Pattern[str]


@lru_cache(maxsize=1)
def _rules() -> _ArticleRules:
    """The article word lists (workbench/data/ingest.yaml) as patterns, compiled once."""
    data = speech.word_lists().get("article", {})
    labels = alternation(data.get("seo_labels", []))
    headings = {h: Dropped(kind) for kind, words in data.get("boilerplate_headings", {}).items() for h in words}
    starts = [(re.compile(rf"^[\W_]{{0,3}}(?:{alternation(words)})(?![\w])", re.IGNORECASE), Dropped(kind))
              for kind, words in data.get("boilerplate_starts", {}).items()]
    refs = alternation(data.get("reference_shortcodes", []))
    images = alternation(data.get("image_shortcodes", []))
    note = r"\(\s*\d+\s*(?:characters?|chars?|words?)(?:\s+max(?:imum)?)?\s*\)"
    return _ArticleRules(
        seo=re.compile(rf"^[\s*_#>]*(?:{labels})\s*(?:{note})?\s*[*_]*\s*(?:(?::|–|—)\s*[*_]*\s*(?P<value>.*)|$)",
                       re.IGNORECASE | re.DOTALL),
        char_note=re.compile(rf"^\s*{note}\s*:?\s*$", re.IGNORECASE),
        headings=headings,
        starts=starts,
        byline=re.compile(r"^[\s*_]*(?i:by|written by|posted by|author:)\s+[*_]*"
                          r"(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})[*_]*\s*"
                          r"(?:$|[|,·•—–(]|\s-\s|\s(?i:on|in)\s)"),
        references=re.compile(rf"\{{\{{[<%]\s*(?P<tag>[\w-]+)[^{{}}\n]{{0,200}}?title=\"(?i:{refs})\""
                              rf"[^{{}}\n]{{0,200}}?[>%]\}}\}}.{{0,20000}}?"
                              rf"\{{\{{[<%]\s*/(?P=tag)\s*[>%]\}}\}}", re.DOTALL),
        template_link=re.compile(r"\[([^\[\]]{0,500})\]\(\s*(?:\{\{[^{}]{0,500}\}\}|\{%[^{}]{0,500}%\})[^()\s]{0,200}\s*\)"),
        image_template=re.compile(rf"\{{\{{[<%]\s*(?:{images})\b[^{{}}]{{0,2000}}?[>%]\}}\}}"
                                  rf"|\{{%-?\s*(?:{images})\b[^{{}}]{{0,2000}}?-?%\}}", re.IGNORECASE),
        template=re.compile(r"\{\{[<%][^{}]{0,2000}?[>%]\}\}|\{%[^{}]{0,2000}?%\}|\{\{[^{}]{0,2000}?\}\}"),
        sup=re.compile(r"<sup\b[^>]{0,200}>.{0,300}?</sup>", re.IGNORECASE | re.DOTALL),
    )


IMAGE_MARK = "![](#image)"  # where a template placed an image: the reader drops it, and the caption under it


def clean_templates(text: str, dropped: Counter[str]) -> str:
    """Site-template syntax out of an article before it is parsed: a link whose target is a template keeps its
    words; an image shortcode becomes an image mark; a references box goes whole; every other tag or
    expression ({{ site.baseurl }}, {% raw %}, {{< ring >}}) goes; footnote marks (<sup>[1]</sup>) go."""
    r = _rules()
    if "{{" in text or "{%" in text:
        text, n = r.references.subn("\n\n", text)
        dropped[Dropped.REFERENCES] += n
        text, n = r.template_link.subn(r"\1", text)
        dropped[Dropped.TEMPLATE] += n
        text, n = r.image_template.subn(IMAGE_MARK, text)
        dropped[Dropped.IMAGE] += n
        text, n = r.template.subn("", text)
        dropped[Dropped.TEMPLATE] += n
    if "[^" in text:
        text, n = _FOOTNOTE_DEFINITION.subn("", text)
        dropped[Dropped.FOOTNOTE] += n
        text, n = _FOOTNOTE_MARK.subn("", text)
        dropped[Dropped.FOOTNOTE] += n
    if "<sup" in text or "<SUP" in text:
        text, n = r.sup.subn("", text)
        dropped[Dropped.FOOTNOTE] += n
    return text


_FOOTNOTE_DEFINITION = re.compile(r"^ {0,3}\[\^[^\]\s]{1,30}\]:[^\n]*(?:\n(?![ \t]*\n)[^\n]*)*", re.MULTILINE)
_FOOTNOTE_MARK = re.compile(r"\[\^[^\]\s]{1,30}\]")
_LETTERS = re.compile(r"[^\W\d_]")
_BARE_URL = re.compile(r"^\W*(?:https?://|www\.)\S+\W*$", re.IGNORECASE)
_TERMINAL_PUNCT = tuple(".!?;")


def _heading_kind(text: str) -> Dropped | None:
    key = " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())
    return _rules().headings.get(key)


def _tidy_heading(text: str) -> str:
    return " ".join(text.split()).rstrip(":").rstrip()


def screen(text: str, links: Sequence[tuple[str, str] | LinkAt] = ()) -> tuple[Dropped | None, str | None]:
    """Whether a paragraph is site furniture, and which (None: it is article text); and, for a byline, the
    author it names."""
    r = _rules()
    s = text.strip()
    if r.char_note.match(s):
        return Dropped.SEO, None
    m = r.seo.match(s)
    if m and len(s) < 400:
        return Dropped.SEO, None
    m = r.byline.match(s)
    if m and len(s.split()) <= 16:
        return Dropped.BYLINE, m.group("name")
    for pattern, kind in r.starts:
        if len(s) < 300 and pattern.match(s):
            return kind, None
    if _BARE_URL.match(s):
        return Dropped.LINKS, None
    if len(links) >= 2:
        label = sum(len(_LETTERS.findall(link[1])) for link in links)
        if label >= 0.7 * max(len(_LETTERS.findall(s)), 1):
            return Dropped.LINKS, None
    return None, None


def seo_wants_value(text: str) -> bool:
    """'Meta Description (150 characters):' with its value on the next line."""
    m = _rules().seo.match(text.strip())
    return m is not None and not (m.group("value") or "").strip()


def looks_like_title(line: str) -> bool:
    """A first line that reads like a title: short, one phrase, not a finished sentence (a question may be)."""
    s = line.strip()
    words = s.split()
    if not s or len(words) > 20 or len(s) > 160 or _BULLET.match(line):
        return False
    if s.endswith((".", ";", ",")) and not s.endswith("..."):
        return False
    return not re.search(r"[.!?]\s+[A-Z]", s)  # two sentences are a paragraph


def _deslug(name: str) -> str:
    name = " ".join(name.split())
    if " " not in name and name == name.lower() and re.fullmatch(r"[a-z][a-z0-9_.-]*", name):
        return " ".join(part.capitalize() for part in re.split(r"[-_.]+", name) if part)
    return name


def author_from(data: dict[str, Any]) -> str | None:
    """The author a post names in its front matter (`author:`, or `authors:` as names or slugs), as a name."""
    raw = data.get("author") or data.get("authors")
    names = [raw] if isinstance(raw, str) else [n for n in raw if isinstance(n, str)] if isinstance(raw, list) else []
    names = [_deslug(n) for n in names if n.strip()]
    if not names:
        return None
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class PillarBuilder:
    """What a reader fills: accumulates blocks, gives each sentence a stable id (a hash of its text), collects links."""

    def __init__(self) -> None:
        self.sections: list[Section] = []
        self.sentences: list[Sentence] = []
        self.links: list[Link] = []
        self._seen: dict[str, int] = {}
        self.dropped: Counter[str] = Counter()  # Dropped -> how many blocks (or marks) were left out
        self.author: str | None = None  # a byline's name
        # one pysbd budget for the whole pillar: past it, sentences are cut by plain rules (see text.py)
        self.splitter = SentenceSplitter(budget=PILLAR_BUDGET)

    def section(self, heading: str | None, level: int) -> None:
        self.sections.append(Section(heading=heading, level=level))

    def drop(self, kind: Dropped, n: int = 1) -> None:
        self.dropped[kind] += n

    def _id(self, text: str) -> str:
        key = text.lower()  # `block` has already made every run of whitespace one space
        base = "s" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
        n = self._seen.get(base, 0) + 1
        self._seen[base] = n
        return base if n == 1 else f"{base}-{n}"

    def block(self, kind: str, text: str, links: Sequence[tuple[str, str] | LinkAt] | None = None,
              times: list[tuple[int, int, float, float]] | None = None, speaker: str | None = None) -> None:
        """One paragraph, bullet, quote or transcript turn. A link is (href, label), or (href, label, offset
        of the label in `text`) to tie it to the sentence it sits in."""
        raw = text
        text = " ".join(text.split())
        if not text or not _HAS_WORD.search(text):
            return
        if not self.sections:
            self.section(None, 0)
        section_index = len(self.sections) - 1
        block = Block(kind=kind, text=text)
        block_index = len(self.sections[-1].blocks)
        spans = self.splitter.spans(text)
        urls = bool(find_urls(text))
        if times:  # cues are contiguous and in order: the one holding an offset is found by bisection
            cue_starts = [s for s, _, _, _ in times]
            cue_ends = [e for _, e, _, _ in times]
        for start, end in spans:
            sentence_text = text[start:end]
            t0 = t1 = None
            if times:
                i = bisect_right(cue_starts, start) - 1
                t0 = times[i][2] if i >= 0 and start < cue_ends[i] else times[0][2]
                j = bisect_left(cue_ends, end)
                t1 = times[j][3] if j < len(times) and cue_starts[j] < end else times[-1][3]
            sid = self._id(sentence_text)
            self.sentences.append(Sentence(sid, sentence_text, section_index, block_index, kind, t0, t1, speaker))
            block.sentence_ids.append(sid)
            if urls:
                for url_start, url_end in find_urls(sentence_text):
                    url = sentence_text[url_start:url_end]
                    self.links.append(Link(url, url, sid))
        if links:
            starts = [s for s, _ in spans]
            ids = block.sentence_ids
            placed = _normalized_offsets(raw, [link[2] for link in links if len(link) > 2])
            for link in links:
                holder: str | None = None
                if ids and len(link) > 2:
                    holder = ids[max(bisect_right(starts, placed[link[2]]) - 1, 0)]
                elif ids:
                    holder = _sentence_with(text, link[1], spans, starts, ids)
                self.links.append(Link(link[0], link[1], holder))
        self.sections[-1].blocks.append(block)

    def spoken(self, kind: str, sentences: Sequence[speech.SpokenSentence]) -> None:
        """One turn of a transcript whose sentences are already cut, cleaned and timed (speech.transcribe)."""
        if not sentences:
            return
        if not self.sections:
            self.section(None, 0)
        section_index = len(self.sections) - 1
        block = Block(kind=kind, text=" ".join(s.text for s in sentences))
        block_index = len(self.sections[-1].blocks)
        for s in sentences:
            sid = self._id(s.text)
            self.sentences.append(Sentence(sid, s.text, section_index, block_index, kind, s.start, s.end, s.speaker))
            block.sentence_ids.append(sid)
            if "http" in s.text or "www." in s.text:
                for url_start, url_end in find_urls(s.text):
                    url = s.text[url_start:url_end]
                    self.links.append(Link(url, url, sid))
        self.sections[-1].blocks.append(block)

    def numbers(self) -> list[Statistic]:
        return [Statistic(n.text, n.value, s.id) for s in self.sentences for n in find_numbers(s.text)]


def _normalized_offsets(raw: str, offsets: list[int]) -> dict[int, int]:
    """Where each offset into `raw` lands once its whitespace is collapsed (`" ".join(raw.split())`), in one
    pass however many there are."""
    placed: dict[int, int] = {}
    if not offsets:
        return placed
    pending = sorted(set(offsets))
    k, at = 0, 0
    for m in _WORD_RUN.finditer(raw):
        while k < len(pending) and pending[k] < m.end():
            placed[pending[k]] = at + max(pending[k] - m.start(), 0)
            k += 1
        at += m.end() - m.start() + 1
    for offset in pending[k:]:
        placed[offset] = max(at - 1, 0)
    return placed


_WORD_RUN = re.compile(r"\S+")


def _sentence_with(text: str, label: str, spans: list[tuple[int, int]], starts: list[int],
                   ids: list[str]) -> str:
    """For a link given without its offset: the first sentence whose text holds its label (else the block's
    first), looking at a few occurrences of the label in the block's text, not at every sentence."""
    if label:
        at = text.find(label)
        for _ in range(16):
            if at < 0:
                break
            k = bisect_right(starts, at) - 1
            if k >= 0 and at + len(label) <= spans[k][1]:
                return ids[k]
            at = text.find(label, at + 1)
    return ids[0]


# ---------------------------------------------------------------------------------------------
# Formats

_md = MarkdownIt("commonmark")


def _inline(token: Any) -> tuple[str, list[LinkAt]]:
    """Plain text of an inline token and the links in it (href, label, where the label starts in the text)."""
    out: list[str] = []
    links: list[LinkAt] = []
    href: str | None = None
    label: list[str] = []
    length = label_at = 0
    for child in token.children or []:
        piece = ""
        if child.type in ("text", "code_inline"):
            piece = child.content
            if href is not None:
                label.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            piece = "\n"  # kept as a line break: a paragraph of short lines after a colon is a list
        elif child.type == "link_open":
            href = str(child.attrs.get("href", ""))
            label, label_at = [], length
        elif child.type == "link_close":
            if href:
                links.append((href, "".join(label), label_at))
            href = None
        elif child.type == "image":
            piece = child.content
        if piece:
            out.append(piece)
            length += len(piece)
    return "".join(out), links


_MARKDOWN_CHUNK = 64 * 1024  # markdown-it holds ~200 bytes of tokens per byte of text: parse this much at a time
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")
# blocks that run across blank lines: a fenced code block, and the HTML blocks that end at a closing tag
_OPENS_BLOCK = re.compile(r"^ {0,3}(?:(`{3,}|~{3,})|<(script|pre|style|textarea)(?=[\s>]|$)|<!--)",
                          re.MULTILINE | re.IGNORECASE)
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]{1,999}\]:[^\n]*$", re.MULTILINE)
# blocks markdown-it would turn into exactly their own text: lines that start with a letter and hold none of
# the characters that make inline markup (\ ` * _ [ ] < > &); a list of such items; an ATX heading of them
# ([^\W\d_] is a letter; possessive quantifiers: a block that is not plain fails in one pass, no backtracking)
_PLAIN = r"[^\W\d_][^\n\\`*_\[\]<>&\x00]*+"
_PLAIN_PARAGRAPH = re.compile(rf"{_PLAIN}(?:\n{_PLAIN})*+\n?")
_PLAIN_BULLETS = re.compile(rf"[-*+] ++{_PLAIN}(?:\n[-*+] ++{_PLAIN})*+\n?")
_PLAIN_HEADING = re.compile(r"(#{1,6}) ++([^\W\d_][^\n\\`*_\[\]<>&#\x00]*+)")


def _block_end(body: str, opener: re.Match[str]) -> int:
    """Where a block that may hold blank lines ends (the end of the text if it is never closed)."""
    fence, tag = opener.group(1), opener.group(2)
    if fence:
        close = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.MULTILINE)
        found = close.search(body, body.find("\n", opener.end()) + 1 or len(body))
        return found.end() if found else len(body)
    found = re.compile(re.escape(f"</{tag}>" if tag else "-->"), re.IGNORECASE).search(body, opener.end())
    return found.end() if found else len(body)


def _markdown_blocks(body: str) -> Iterator[tuple[int, int]]:
    """(start, end) of the body's blocks between blank lines; a code fence or an HTML block that holds blank
    lines stays whole, and a block longer than 8 chunks (a million lines, no blank one) is cut at a line break."""
    openers = _OPENS_BLOCK.finditer(body)
    pending = next(openers, None)
    safe_from, start = 0, 0
    for m in _BLANK_LINES.finditer(body):
        while pending is not None and pending.start() < m.start():
            if pending.start() >= safe_from:
                safe_from = _block_end(body, pending)
            pending = next(openers, None)
        if m.start() < safe_from:
            continue
        if m.start() - start > _LONG_BLOCK:
            yield from _bounded(body, start, m.start())
        elif m.start() > start:
            yield start, m.start()
        start = m.end()
    yield from _bounded(body, start, len(body))


_LONG_BLOCK = 8 * _MARKDOWN_CHUNK


def _bounded(body: str, start: int, end: int, limit: int = _LONG_BLOCK) -> Iterator[tuple[int, int]]:
    while end - start > limit:
        cut = body.find("\n", start + limit, end) + 1
        if cut <= 0:
            break
        yield start, cut
        start = cut
    if end > start:
        yield start, end


def _plain_block(block: str) -> list[tuple[str, str]] | None:
    """What markdown-it would make of a block with no markup in it, without asking it (a 10 MiB pillar of
    one-line paragraphs is 1.4 million blocks): [(kind, text)], or None when the block needs the parser."""
    if _PLAIN_PARAGRAPH.fullmatch(block):
        return [("paragraph", block.rstrip("\n"))]  # line breaks kept: `paragraph` reads a list typed without bullets
    if _PLAIN_BULLETS.fullmatch(block):
        return [("bullet", line[1:].lstrip()) for line in block.rstrip("\n").split("\n")]
    heading = _PLAIN_HEADING.fullmatch(block.rstrip())
    if heading:
        return [(f"h{len(heading.group(1))}", heading.group(2).strip())]
    return None


@dataclass(slots=True)
class _Item:
    kind: str
    text: str
    links: list[LinkAt]


def _shape(token: Any) -> tuple[int, int, bool]:
    """An inline token's images, letters outside emphasis (a caption is all italic), and whether all its text
    is bold (a bold line standing alone is a heading)."""
    images = outside = inside_strong = 0
    depth = strong = 0
    for child in token.children or []:
        t = child.type
        if t == "image":
            images += 1
        elif t in ("em_open", "strong_open"):
            depth += 1
            strong += t == "strong_open"
        elif t in ("em_close", "strong_close"):
            depth -= 1
            strong -= t == "strong_close"
        elif t in ("text", "code_inline"):
            letters = len(_LETTERS.findall(child.content))
            if depth:
                inside_strong += letters if strong else 0
            else:
                outside += letters
    return images, outside, inside_strong > 0 and outside == 0


class _MarkdownReader:
    """Fills the builder from markdown-it's tokens, chunk by chunk, and from plain blocks directly; site
    furniture (images and captions, code, link lists, boilerplate sections, SEO lines, bylines) is counted in
    `builder.dropped`, not read."""

    def __init__(self, b: PillarBuilder, env: dict[str, Any]) -> None:
        self.b, self.env = b, env
        self.first_h1: str | None = None
        self.skipping: tuple[int, Dropped] | None = None  # a boilerplate section: its level and kind
        self.after_image = False
        self.last_text = ""
        self.seo_pending = False
        self.items: list[_Item] | None = None  # the outermost list being read
        self.ordered = False

    def level(self) -> int:
        return min((self.b.sections[-1].level if self.b.sections else 1) + 1, 6)

    def heading(self, text: str, level: int) -> None:
        text = _tidy_heading(text)
        if self.skipping is not None:
            if level > self.skipping[0]:
                self.b.drop(self.skipping[1])
                return
            self.skipping = None
        kind = _heading_kind(text)
        if kind is not None:
            self.skipping = (level, kind)
            self.b.drop(kind)
            return
        if level == 1 and self.first_h1 is None:
            self.first_h1 = text
        self.after_image = False
        self.seo_pending = False
        if text:
            self.b.section(text, level)

    def emit(self, kind: str, text: str, links: Sequence[tuple[str, str] | LinkAt] | None = None) -> None:
        if self.skipping is not None:
            self.b.drop(self.skipping[1])
            return
        if self.seo_pending:
            self.seo_pending = False
            self.b.drop(Dropped.SEO)
            return
        dropped: Dropped | None = None
        author: str | None = None
        if kind == "bullet":  # a bullet is furniture only as a bare link (a list of links goes in flush_list)
            if _BARE_URL.match(text):
                dropped = Dropped.LINKS
        else:
            dropped, author = screen(text, links or ())
        if dropped is not None:
            self.b.drop(dropped)
            if dropped is Dropped.SEO:
                self.seo_pending = seo_wants_value(text)
            if author and self.b.author is None:
                self.b.author = author
            return
        self.last_text = text
        self.b.block(kind, text, links)

    def paragraph(self, text: str, links: Sequence[tuple[str, str] | LinkAt] | None = None) -> None:
        """A paragraph; one of short lines with no full stops, after a line that ends in a colon, is a list
        typed without bullets ("You can do this by:" then one idea a line)."""
        if "\n" in text and self.last_text.rstrip().endswith(":") and not links:
            lines = [line.strip() for line in text.split("\n") if line.strip()]
            if len(lines) > 1 and all(len(line.split()) <= 15 and not line.endswith(_TERMINAL_PUNCT)
                                      for line in lines):
                for line in lines:
                    self.emit("bullet", line)
                return
        self.emit("paragraph", text, links)

    def plain(self, found: list[tuple[str, str]]) -> None:
        for kind, text in found:
            if kind.startswith("h"):
                self.heading(text, int(kind[1]))
            else:
                self.after_image = False
                if kind == "paragraph":
                    self.paragraph(text)
                else:
                    self.emit(kind, text)

    def flush_list(self) -> None:
        """A list read whole: a list of links goes; a numbered list of one short title ('1. Plan') is a
        heading; any other list is bullets."""
        items, self.items = self.items or [], None
        if not items:
            return
        if self.skipping is not None:
            self.b.drop(self.skipping[1], len(items))
            return
        linkish = sum(1 for it in items if _BARE_URL.match(it.text) or (it.links and sum(
            len(_LETTERS.findall(link[1])) for link in it.links) >= 0.7 * max(len(_LETTERS.findall(it.text)), 1)))
        if len(items) >= 2 and linkish >= 0.6 * len(items):
            self.b.drop(Dropped.LINKS, len(items))
            return
        only = items[0]
        if (self.ordered and len(items) == 1 and len(only.text.split()) <= 10
                and not only.text.rstrip().endswith(_TERMINAL_PUNCT)):
            self.heading(only.text, self.level())
            return
        for it in items:
            self.emit(it.kind, it.text, it.links)

    def parse(self, chunk: str) -> None:
        context: list[str] = []
        heading_level = 0
        for tok in _md.parse(chunk, self.env):
            if tok.type == "heading_open":
                heading_level = int(tok.tag[1])
            elif tok.type in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
                if tok.type != "blockquote_open" and not any(c.endswith("list_open") for c in context):
                    self.items, self.ordered = [], tok.type == "ordered_list_open"
                context.append(tok.type)
            elif tok.type in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
                context.pop()
                if tok.type != "blockquote_close" and not any(c.endswith("list_open") for c in context):
                    self.flush_list()
            elif tok.type in ("fence", "code_block"):
                self.b.drop(Dropped.CODE)
            elif tok.type == "html_block":
                content = tok.content
                if "<img" in content.lower():
                    self.b.drop(Dropped.IMAGE)
                    self.after_image = True
                elif "<table" in content.lower():
                    self.b.drop(Dropped.TABLE)
                elif _LETTERS.search(re.sub(r"<[^>]*>", "", content)):
                    self.b.drop(Dropped.HTML)
            elif tok.type == "inline":
                text, links = _inline(tok)
                if heading_level:
                    self.heading(text.strip(), heading_level)
                    heading_level = 0
                    continue
                kind = ("quote" if "blockquote_open" in context else
                        "bullet" if any(c.endswith("list_open") for c in context) else "paragraph")
                images, outside, bold = _shape(tok)
                if images and not outside:  # an image, and its caption with it
                    self.b.drop(Dropped.IMAGE)
                    self.after_image = True
                    continue
                if self.after_image and not outside and kind == "paragraph":  # the caption under an image
                    self.b.drop(Dropped.IMAGE)
                    self.after_image = False
                    continue
                self.after_image = False
                if self.items is not None and kind != "quote":
                    self.items.append(_Item(kind, text, links))
                elif (kind == "paragraph" and bold and len(text.split()) <= 12
                      and not text.rstrip().endswith(_TERMINAL_PUNCT + (":",))):
                    self.heading(text, self.level())
                elif kind == "paragraph":
                    self.paragraph(text, links)
                else:
                    self.emit(kind, text, links)
            elif tok.type == "heading_close":
                heading_level = 0


def _parse_markdown(body: str, b: PillarBuilder) -> str | None:
    """Returns the first level-1 heading (a title candidate).

    Blocks with no markup are read directly; the rest go to markdown-it in chunks of about
    `_MARKDOWN_CHUNK`, so its token list never holds a whole 10 MiB file."""
    env: dict[str, Any] = {}
    if len(body) > _MARKDOWN_CHUNK and "]:" in body:  # every chunk resolves reference links, wherever defined
        definitions = "\n\n".join(body[start:end] for start, end in _markdown_blocks(body)
                                    if body.startswith("[", start) and _REFERENCE.match(body, start))
        if definitions:
            _md.parse(definitions, env)
    reader = _MarkdownReader(b, env)
    pending = -1  # start of the run of blocks that need the parser
    held: tuple[int, list[tuple[str, str]]] | None = None  # plain bullets: an indented next block continues them
    for start, end in _markdown_blocks(body):
        indented = body[start] in " \t"
        if held is not None:
            if indented:
                pending = held[0]
            else:
                reader.plain(held[1])
            held = None
        if pending >= 0 and not indented and start - pending >= _MARKDOWN_CHUNK:
            reader.parse(body[pending:start])
            pending = -1
        found = None if indented else _plain_block(body[start:end])
        if found is None:
            if pending < 0:
                pending = start
            continue
        if pending >= 0:
            reader.parse(body[pending:start])
            pending = -1
        if found[0][0] == "bullet":
            held = (start, found)
        else:
            reader.plain(found)
    if held is not None:
        reader.plain(held[1])
    if pending >= 0:
        reader.parse(body[pending:])
    return reader.first_h1


def _front_matter(path: Path, text: str) -> tuple[dict[str, Any], str]:
    """The front matter (YAML, or JSON as python-frontmatter allows) and the body. The YAML goes through the
    one safe loader (no anchors or aliases), and either is capped at `MAX_FRONT_MATTER_BYTES`."""
    stripped = text.strip()  # as python-frontmatter does
    handler = frontmatter.detect_format(stripped, frontmatter.handlers)
    if handler is None:
        return {}, stripped
    try:
        fm, content = handler.split(stripped)
    except ValueError:  # an opening '---' and no closing one: not front matter, as python-frontmatter reads it
        return {}, stripped
    size = len(fm.encode("utf-8"))
    if size > MAX_FRONT_MATTER_BYTES:
        raise PillarError(f"the front matter (between the first two '---' lines) is {size / 1024:.0f} KiB, over the "
                          f"{MAX_FRONT_MATTER_BYTES // 1024} KiB limit.", path=path, field="front matter",
                          fix="keep it to the post's metadata (title, date, tags), and check that it ends with a "
                              "'---' line.")
    first_line = text[:len(text) - len(text.lstrip())].count("\n") + 1  # the line of the opening "---"
    try:
        if isinstance(handler, YAMLHandler):
            data, _ = safe_load(fm)
        else:
            data = handler.load(fm)
    except (yaml.YAMLError, RecursionError) as exc:
        problem, fix = yaml_problem(exc, first_line)
        raise PillarError(f"the front matter (between the '---' lines): {problem}", path=path, field="front matter",
                          fix=fix.rstrip(".") + ", or remove the front matter.") from None
    except ValueError as exc:  # JSON front matter
        raise PillarError(f"the front matter (between '{{' and '}}') is not valid JSON: {exc}.", path=path,
                          field="front matter", fix="fix the JSON, or remove the front matter.") from None
    return (data if isinstance(data, dict) else {}), content.strip()


def _load_markdown(path: Path, text: str, b: PillarBuilder) -> tuple[str | None, dict[str, Any]]:
    metadata, content = _front_matter(path, text)
    try:
        meta = FrontMatter.model_validate(metadata)
    except ValidationError as exc:
        err = exc.errors()[0]
        field_name = ".".join(str(p) for p in err["loc"])
        raise PillarError(f"front matter field '{field_name}': {err['msg']}.", path=path, field=field_name,
                          fix="correct that value in the front matter.") from None
    h1 = _parse_markdown(clean_templates(content, b.dropped), b)
    data = meta.model_dump(exclude_none=True)
    if isinstance(data.get("tags"), str):
        data["tags"] = [t.strip() for t in data["tags"].split(",") if t.strip()]
    author = author_from(data)
    if author:
        data["author"] = author
    title = " ".join(meta.title.split()) if meta.title else None
    return title or h1, data


_BULLET = re.compile(r"^\s*(?:[-*•–]|\d{1,2}[.)])\s+")
_TERMINAL = tuple(".!?:;,\"”')")


def _is_heading(line: str, prev: str | None) -> bool:
    """Plain-text headings: a short bare line, no closing punctuation, after a finished paragraph."""
    s = line.strip()
    if not s or _BULLET.match(line) or len(s) > 100 or len(s.split()) > 12:
        return False
    if s.endswith(tuple(".!?:;,")):
        return False
    if not (s[0].isupper() or s[0].isdigit()):
        return False
    return prev is None or not prev.strip() or prev.rstrip().endswith(_TERMINAL)


_NUMBERED = re.compile(r"^\s*\d{1,2}[.)]\s+")


def _load_plain(text: str, b: PillarBuilder) -> str | None:
    """Plain text: a short first line is the title; bare short lines are headings, '- ' lines bullets, a
    numbered line standing alone ('1. Plan', then prose) a heading; SEO lines, bylines and boilerplate lines
    are dropped (counted in `b.dropped`)."""
    if "{{" in text or "{%" in text:
        text = clean_templates(text, b.dropped)
    lines = io.StringIO(text, newline="\n")  # one line at a time: ten million empty lines are not a list
    title = None
    started = False
    paragraph: list[str] = []
    prev: str | None = None
    held: str | None = None  # a numbered line: a heading if prose follows, a bullet if another item does
    seo_pending = False

    def flush() -> None:
        if paragraph:
            b.block("paragraph", " ".join(paragraph))
            paragraph.clear()

    def release(as_heading: bool) -> None:
        nonlocal held
        if held is not None:
            if as_heading:
                b.section(_tidy_heading(held), 2)
            else:
                b.block("bullet", _BULLET.sub("", held, count=1))
            held = None

    for line in lines:
        line = line.removesuffix("\n")
        s = line.strip()
        if not s:
            flush()
            prev = line
            continue
        if not paragraph:  # a line that starts a paragraph may be furniture
            if seo_pending:
                seo_pending = False
                b.drop(Dropped.SEO)
                continue
            dropped, author = screen(s)
            if dropped is not None and dropped is not Dropped.LINKS:
                b.drop(dropped)
                seo_pending = dropped is Dropped.SEO and seo_wants_value(s)
                if author and b.author is None:
                    b.author = author
                continue
        if not started:
            started = True
            if looks_like_title(s):
                title = s
                b.section(title, 1)
                prev = line
                continue
        if held is not None:
            release(as_heading=not (_BULLET.match(line) or _NUMBERED.match(line)))
        if s in ("-", "*", "•"):
            flush()
        elif _NUMBERED.match(line) and not paragraph and len(s.split()) <= 10 and not s.endswith(_TERMINAL_PUNCT) \
                and (prev is None or not prev.strip() or prev.rstrip().endswith(_TERMINAL)):
            flush()
            held = s
        elif _BULLET.match(line):
            flush()
            b.block("bullet", _BULLET.sub("", line, count=1))
        elif _is_heading(line, prev):
            flush()
            b.section(_tidy_heading(s), 2)
        else:
            # a line that ends a sentence closes its paragraph; a wrapped line continues it
            paragraph.append(s)
            if s.endswith(_TERMINAL):
                flush()
        prev = line
    release(as_heading=False)
    flush()
    return title


def _load_html(path: Path, text: str, b: PillarBuilder) -> tuple[str | None, dict[str, Any]]:
    body = trafilatura.extract(text, output_format="markdown", include_formatting=True, include_links=True,
                               include_comments=False, include_tables=False)
    if not body or not body.strip():
        raise PillarError("no article text found in this HTML page (only navigation or scripts).", path=path,
                          fix="save the article page itself, or paste its text into a .md file.")
    meta = trafilatura.extract_metadata(text)
    h1 = _parse_markdown(clean_templates(body, b.dropped), b)
    data = {}
    if meta is not None:
        data = {k: v for k, v in {"title": meta.title, "author": meta.author, "url": meta.url}.items() if v}
    return (meta.title if meta and meta.title else h1), data


# Transcripts ---------------------------------------------------------------------------------

_SRT_TIME = r"\d{1,2}:[0-5]\d:[0-5]\d[,.]\d{1,3}"
_VTT_TIME = r"(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}"


# cue markup (WebVTT <b> <i> <u> <c.x> <v Name> <lang> <ruby> <00:01.000>, SubRip <font>, {\an8}): the tags go,
# their text stays; a <script> or <style> element goes whole (it is never spoken text); entities are decoded
_DROPPED = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<\d[\d:.]*>|\{\\[^{}]*\}")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+([^>]*)>")


def _strip_markup(text: str) -> str:
    """A cue's spoken text: markup removed, `&amp;` and friends decoded."""
    if "<" in text or "{" in text:
        text = _TAG.sub("", _DROPPED.sub("", text))
    return html.unescape(text) if "&" in text else text


def _check_timestamps(path: Path, text: str, pattern: str) -> None:
    line_re = re.compile(rf"^\s*({pattern})\s+-->\s+({pattern})(?:\s+.*)?$")
    n, counted, at = 1, 0, text.find("-->")
    while at >= 0:  # only the lines that hold an arrow
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        n += text.count("\n", counted, start)
        counted = start
        line = text[start:end]
        at = text.find("-->", end)
        if not line_re.match(line):
            shown = line.strip() if len(line.strip()) <= 80 else line.strip()[:77] + "..."
            raise TranscriptError(f"line {n}: broken timestamp '{shown}'.", path=path, field=f"line {n}",
                                  fix="timestamps look like 00:01:02,500 --> 00:01:04,000 (SRT) or "
                                      "00:01:02.500 --> 00:01:04.000 (WebVTT).")


def _read_cues(path: Path, text: str, fmt: str) -> list[Cue]:
    cues: list[Cue] = []
    if fmt == "srt":
        _check_timestamps(path, text, _SRT_TIME)
        try:
            for sub in srt.parse(text, ignore_errors=False):
                cues.append(Cue(sub.start.total_seconds(), sub.end.total_seconds(), _strip_markup(sub.content)))
        except srt.SRTParseError as exc:
            line = text.count("\n", 0, exc.expected_start) + 1
            raise TranscriptError(f"not valid SubRip near line {line}: {exc.unmatched_content.strip()[:60]!r}.",
                                  path=path, field=f"line {line}",
                                  fix="each cue is a number, a 'start --> end' line, text, then a blank line.",
                                  ) from None
    else:
        _check_timestamps(path, text, _VTT_TIME)
        try:
            captions = webvtt.from_buffer(io.StringIO(text))
        except Exception as exc:  # webvtt raises several error types, all "malformed"
            raise TranscriptError(f"not valid WebVTT: {exc}.", path=path,
                                  fix="the file must start with 'WEBVTT' and hold cues with 'start --> end' lines."
                                  ) from None
        for c in captions.captions:
            voice = _VOICE.search(c.raw_text)
            cues.append(Cue(c.start_in_seconds + int(c.start.split(".")[-1]) / 1000,
                             c.end_in_seconds + int(c.end.split(".")[-1]) / 1000, _strip_markup(c.raw_text),
                             _strip_markup(voice.group(1)).strip() or None if voice else None))
    if not cues:
        raise TranscriptError("the transcript has no cues.", path=path,
                              fix="export the transcript with its timestamps.")
    for i, cue in enumerate(cues, 1):
        if cue.end <= cue.start:
            raise TranscriptError(f"cue {i} ends ({cue.end:.3f} s) before it starts ({cue.start:.3f} s).",
                                  path=path, field=f"cue {i}", fix="correct that cue's timestamps.")
        if i > 1 and cue.start < cues[i - 2].start:
            raise TranscriptError(
                f"cue {i} starts at {cue.start:.3f} s, before cue {i - 1} ({cues[i - 2].start:.3f} s).",
                path=path, field=f"cue {i}", fix="cues must be in time order; re-export the transcript.")
    return cues


def _load_transcript(path: Path, text: str, fmt: str, b: PillarBuilder) -> tuple[float, dict[str, Any]]:
    """Cues to clean, timed sentences (speech.transcribe) in topic sections; returns the duration and what
    the pass did, for `meta`."""
    cues = _read_cues(path, text, fmt)
    talk = speech.transcribe(cues)
    if not talk.sentences:
        raise TranscriptError("the transcript's cues hold no words.", path=path, fix="check the export.")
    bounds = [*talk.section_starts, len(talk.sentences)]
    topics: list[dict[str, Any]] = []
    for k, (first, stop) in enumerate(zip(bounds, bounds[1:], strict=False)):
        b.section(None, 1)
        turn: list[speech.SpokenSentence] = []
        for s in talk.sentences[first:stop]:
            if turn and s.turn != turn[-1].turn:
                b.spoken("cue", turn)
                turn = []
            turn.append(s)
        b.spoken("cue", turn)
        part = talk.sentences[first:stop]
        topics.append({"start": part[0].start, "end": part[-1].end,
                       "phrase": talk.topics[k] if k < len(talk.topics) else None})
    meta: dict[str, Any] = {"punctuated": talk.punctuated, "sections": topics}
    for kind, n in talk.dropped.items():
        b.drop(Dropped(kind), n)
    cleaned = {k: v for k, v in sorted(talk.cleaned.items()) if v}
    if cleaned:
        meta["cleaned"] = cleaned
    return cues[-1].end, meta


# ---------------------------------------------------------------------------------------------
# Readers: one per format, found through the `workbench.readers` entry points (built-ins included)

@dataclass
class ReadResult:
    title: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    duration: float | None = None  # timed transcripts: the end of the last cue


class Reader(Protocol):
    """A pillar format. `read` fills the builder (sections, blocks) from the decoded text, or raises a
    `PillarError` naming the file and the fix. A `timed` reader (a transcript) can sit beside a video."""

    format: str
    suffixes: tuple[str, ...]
    timed: bool

    def read(self, path: Path, text: str, builder: PillarBuilder) -> ReadResult: ...


@dataclass(frozen=True)
class _BuiltinReader:
    format: str
    suffixes: tuple[str, ...]
    load: Callable[[Path, str, PillarBuilder], ReadResult]
    timed: bool = False

    def read(self, path: Path, text: str, builder: PillarBuilder) -> ReadResult:
        return self.load(path, text, builder)


def _markdown(path: Path, text: str, builder: PillarBuilder) -> ReadResult:
    title, meta = _load_markdown(path, text, builder)
    return ReadResult(title, meta)


def _html(path: Path, text: str, builder: PillarBuilder) -> ReadResult:
    title, meta = _load_html(path, text, builder)
    return ReadResult(title, meta)


def _plain(path: Path, text: str, builder: PillarBuilder) -> ReadResult:
    return ReadResult(_load_plain(text, builder))


def _transcript(fmt: str) -> Callable[[Path, str, PillarBuilder], ReadResult]:
    def read(path: Path, text: str, builder: PillarBuilder) -> ReadResult:
        duration, meta = _load_transcript(path, text, fmt, builder)
        return ReadResult(meta=meta, duration=duration)
    return read


MARKDOWN = _BuiltinReader("markdown", (".md", ".markdown"), _markdown)
PLAIN = _BuiltinReader("text", (".txt",), _plain)
HTML = _BuiltinReader("html", (".html", ".htm"), _html)
SRT = _BuiltinReader("srt", (".srt",), _transcript("srt"), timed=True)
VTT = _BuiltinReader("vtt", (".vtt",), _transcript("vtt"), timed=True)

READERS: Registry[Reader] = Registry(Group.READERS, "pillar reader", "reader")


def readers_by_suffix() -> dict[str, Reader]:
    """Every installed reader by file suffix (lower case, with the dot)."""
    found: dict[str, Reader] = {}
    for _, reader in READERS.items():
        for suffix in reader.suffixes:
            found.setdefault(suffix.lower(), reader)
    return found


def supported_suffixes() -> set[str]:
    return set(readers_by_suffix()) | VIDEO_SUFFIXES


def _find_transcript(video: Path) -> Path | None:
    for suffix in (".srt", ".vtt", ".SRT", ".VTT"):
        candidate = video.with_suffix(suffix)
        if candidate.exists():
            return candidate
    return None


def _transcribed(video: Path) -> Path:
    """A video with no transcript beside it: transcribed offline (`media.transcribe`, the `[transcribe]` extra),
    its `.srt`, `.vtt` and `.words.json` written beside it, and the `.srt` read as any other."""
    from .media.transcribe import transcribe_beside

    try:
        import faster_whisper  # noqa: F401 (only whether it is installed)
    except ImportError:
        raise PillarError("no transcript beside this video, and no speech model to make one.", path=video,
                          fix=f"put {video.stem}.srt or {video.stem}.vtt next to it, pass --transcript FILE, or "
                              "pip install 'workbench[transcribe]' to transcribe it offline.") from None
    _, written = transcribe_beside(video)
    return written[0]


# ---------------------------------------------------------------------------------------------

def load_pillar(path: str | Path, *, max_bytes: int | None = None, transcript: str | Path | None = None) -> Pillar:
    """Read one pillar asset: an article (.md .txt .html), a transcript (.srt .vtt), or a video with
    its transcript beside it (same stem) or given as `transcript`; a video with neither is transcribed
    offline, and the transcript written beside it (`media.transcribe`)."""
    path = Path(path)
    _check_link(path)
    limit = max_bytes or DEFAULT_MAX_BYTES
    readers = readers_by_suffix()
    suffix = path.suffix.lower()
    video_path = None
    if suffix in VIDEO_SUFFIXES:
        if not path.exists():
            raise PillarError("file not found.", path=path, fix="check the path.")
        if path.stat().st_size == 0:
            raise EmptyFileError("the video file is empty (0 bytes).", path=path, fix="copy the video again.")
        video_path = path
        found = Path(transcript) if transcript else _find_transcript(path) or _transcribed(path)
        _check_link(found)
        source = found
        suffix = found.suffix.lower()
        if suffix not in readers or not readers[suffix].timed:
            timed = sorted(k for k, r in readers.items() if r.timed)
            raise UnsupportedFormatError(f"a transcript must be one of {', '.join(timed)}, not '{suffix}'.",
                                         path=found, fix="export the captions as SubRip or WebVTT.")
    elif suffix in readers:
        source = path
    else:
        raise UnsupportedFormatError(
            f"unsupported file type '{suffix or '(none)'}'.", path=path,
            fix=f"use one of: {', '.join(sorted(supported_suffixes()))} (save other documents as .md or .txt).")

    reader = readers[suffix]
    text, notes, raw = _read_text(source, limit)
    b = PillarBuilder()
    collecting = gc.isenabled()
    gc.disable()  # a pillar is a million small acyclic objects at most: collecting while building them is waste
    try:
        result = reader.read(source, text, b)
    finally:
        if collecting:
            gc.enable()
    title, meta, duration = result.title, result.meta, result.duration
    fmt = reader.format
    if not b.sentences:
        raise EmptyFileError("no sentences found (only headings or markup).", path=source,
                             fix="a pillar needs body text to repurpose.")
    meta = dict(meta)
    if b.author and not meta.get("author"):
        meta["author"] = b.author
    dropped = {str(k): v for k, v in sorted(b.dropped.items()) if v}
    if dropped:
        meta["dropped"] = dropped
    if not title:
        title, how = derive_title(b)
        notes.append(f"{source}: the file states no title; '{title}' is {how}. Give it one (front matter "
                     "'title:', a '# ' heading, or a short first line).")
    if b.splitter.lite_used:
        notes.append(f"{source}: so long that past its first {PILLAR_BUDGET // 1000:,} KB of punctuated text, "
                     "sentences were split by plain rules (a period, then a capital) rather than pysbd.")
    digest = hashlib.sha256(raw).hexdigest()
    return Pillar(
        path=path, format="video" if video_path else fmt, title=title, sections=b.sections,
        sentences=b.sentences, links=b.links, numbers=b.numbers(), content_hash=digest, meta=meta,
        duration=duration, video_path=video_path,
        transcript_path=source if reader.timed else None, warnings=notes,
    )


def derive_title(b: PillarBuilder) -> tuple[str, str]:
    """A title from the content, for a file that states none: its first heading, else its leading key phrase
    in Title Case, else its opening words. Never the file name. Returns (title, how it was made)."""
    for section in b.sections:
        if section.heading:
            return section.heading, "its first heading"
    phrase = speech.key_phrase((s.text for s in b.sentences), limit=300)
    if phrase:
        return phrase, "its leading key phrase"
    words = b.sentences[0].text.split()[:8]
    return speech.title_case(" ".join(words).rstrip(".,;:!?")), "its opening words"


def iter_pillar_files(paths: list[str | Path]) -> list[Path]:
    """Files under the given files and folders (recursive) that look like pillars; transcripts that sit
    beside a video of the same stem are taken through the video.

    A link to a folder is followed once (its real path is not visited twice). A link that loops (to a folder
    that holds it, or a file link that ends where it started) or leads nowhere is listed too, not skipped:
    `load_pillar` then says what it is, so a batch reports it as a failed row and goes on."""
    found: list[Path] = []
    readers = readers_by_suffix()
    suffixes = supported_suffixes()
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(_walk(p, suffixes))
        else:
            found.append(p)
    videos = {f.with_suffix("") for f in found if f.suffix.lower() in VIDEO_SUFFIXES}
    return [f for f in found if not (f.suffix.lower() in readers and readers[f.suffix.lower()].timed
                                     and f.with_suffix("") in videos)]


def _walk(root: Path, suffixes: set[str]) -> list[Path]:
    """Pillar files under `root` in sorted order, following links to folders, each real folder once."""
    found: list[Path] = []
    visited: set[str] = set()

    def visit(folder: Path, chain: tuple[str, ...]) -> None:
        real = os.path.realpath(folder)
        if real in visited:
            return
        visited.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            path = Path(entry.path)
            link = entry.is_symlink()
            if _is_dir(entry):
                target = os.path.realpath(entry.path) if link else ""
                if link and (target in chain or target == real):
                    found.append(path)  # a loop: load_pillar reports it
                else:
                    visit(path, (*chain, real))
            elif entry.name.startswith("."):
                continue
            elif link and not _is_file(entry):  # a link that loops or leads nowhere
                if path.suffix.lower() in suffixes:
                    found.append(path)
            elif _is_file(entry) and path.suffix.lower() in suffixes:
                found.append(path)

    visit(root, ())
    return sorted(found)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _check_link(path: Path) -> None:
    """A symbolic link that loops or leads nowhere, said as such (not as 'file not found')."""
    if not path.is_symlink():
        return
    try:
        target = path.resolve(strict=True)
    except RuntimeError:  # Python 3.11 reports a loop as RuntimeError("Symlink loop ...")
        raise PillarError("a symbolic link that loops (it leads back to itself), so there is no file to read.",
                          path=path, fix="point the link at the real file, or delete it.") from None
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            raise PillarError("a symbolic link that loops (it leads back to itself), so there is no file to read.",
                              path=path, fix="point the link at the real file, or delete it.") from None
        raise PillarError(f"a symbolic link to {os.readlink(path)}, which does not exist.", path=path,
                          fix="point the link at the real file, or delete it.") from None
    if target.is_dir() and (path.parent.resolve() == target or target in path.parent.resolve().parents):
        raise PillarError("a link to a folder that holds it (a loop); skipped.", path=path,
                          fix="delete the link, or point it outside this folder.")
