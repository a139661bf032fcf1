"""Images for posts with Pillow: quote cards in each feed's size, and carousels (PNG slides plus one PDF
for a LinkedIn document post). Text wraps and shrinks until it fits; it never overflows. Every image
gets alt text from its own words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..brand import BrandVoice
from ..platforms import DEFAULT_PLATFORMS, ImageSpec, PlatformSpec
from .video import PROJECT_FONTS, MediaError

SLIDE_SIZE = (1080, 1350)


def card_sizes(specs: Iterable[PlatformSpec] | None = None) -> dict[str, ImageSpec]:
    """The quote-card sizes the catalogue's platforms use (`PlatformSpec.card`), by name."""
    chosen = DEFAULT_PLATFORMS.values() if specs is None else specs
    return {s.card.name: s.card for s in chosen if s.card is not None}


@dataclass
class ImageOut:
    path: Path
    alt_text: str
    width: int
    height: int


def _font(brand: BrandVoice | None, size: int, bold: bool = True) -> ImageFont.FreeTypeFont:
    custom = Path(brand.visual.font) if brand and brand.visual.font else None
    path = custom or PROJECT_FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if not path.exists():
        raise MediaError("font file not found.", path=path,
                         fix="fix visual.font in the brand profile, or restore media/fonts/ from the repository.")
    return ImageFont.truetype(str(path), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}".strip()
            if draw.textlength(candidate, font=font) <= width or not current:
                current = candidate
            else:
                lines.append(current)
                current = word
        lines.append(current)
    return lines


def fit_text(draw: ImageDraw.ImageDraw, text: str, box: tuple[int, int], brand: BrandVoice | None,
             start: int = 96, smallest: int = 22,
             spacing: float = 1.25) -> tuple[ImageFont.FreeTypeFont, list[str], int]:
    """The largest font size at which `text` wraps inside `box` (width, height); a word wider than the box
    shrinks the font too, so nothing is ever cut or spills over."""
    for size in range(start, smallest - 1, -2):
        font = _font(brand, size)
        lines = _wrap(draw, text, font, box[0])
        line_h = int(size * spacing)
        if len(lines) * line_h <= box[1] and all(draw.textlength(line, font=font) <= box[0] for line in lines):
            return font, lines, line_h
    raise MediaError(f"the text is too long for a card even at {smallest} px ({len(text)} characters).",
                     field="text", fix="use a shorter quote, or split it across carousel slides.")


def _canvas(size: tuple[int, int], brand: BrandVoice | None) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    background = brand.visual.background if brand else "#FFFFFF"
    image = Image.new("RGB", size, background)
    return image, ImageDraw.Draw(image)


def _logo(image: Image.Image, brand: BrandVoice | None) -> None:
    if not brand or not brand.visual.logo:
        return
    path = Path(brand.visual.logo)
    if not path.exists():
        raise MediaError("logo file not found.", path=path, fix="fix visual.logo in the brand profile.")
    logo = Image.open(path).convert("RGBA")
    logo.thumbnail((image.width // 6, image.height // 10))
    image.paste(logo, (image.width - logo.width - 40, image.height - logo.height - 40), logo)


def quote_card(text: str, out: Path, size: ImageSpec | str = "portrait", brand: BrandVoice | None = None,
               attribution: str | None = None) -> ImageOut:
    """A card in a platform's size (`PlatformSpec.card`), or one of the catalogue's card sizes by name."""
    if isinstance(size, str):
        known = card_sizes()
        if size not in known:
            raise MediaError(f"unknown card size '{size}'.", field="size", fix=f"use one of: {', '.join(known)}.")
        size = known[size]
    w, h = size.width, size.height
    image, draw = _canvas((w, h), brand)
    margin = int(min(w, h) * 0.09)
    colour = brand.visual.text if brand else "#111111"
    accent = brand.visual.primary if brand else "#1F3A5F"
    draw.rectangle([0, 0, w, max(h // 60, 8)], fill=accent)
    footer = int(h * 0.14) if attribution or (brand is not None) else 0
    box = (w - 2 * margin, h - 2 * margin - footer)
    font, lines, line_h = fit_text(draw, text, box, brand, start=int(h * 0.08))
    y = margin + (box[1] - len(lines) * line_h) // 2
    for line in lines:
        draw.text((margin, y), line, font=font, fill=colour)
        y += line_h
    label = attribution or (brand.name if brand else "")
    if label:
        small = _font(brand, max(int(h * 0.03), 18), bold=False)
        draw.text((margin, h - margin - small.size), label, font=small, fill=accent)
    _logo(image, brand)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out)
    alt = f"Quote card: \u201c{text}\u201d" + (f" \u2014 {label}" if label else "")
    return ImageOut(out, alt, w, h)


def carousel(title: str, points: list[str], out_dir: Path, stem: str, brand: BrandVoice | None = None,
             closing: str | None = None) -> tuple[list[ImageOut], ImageOut]:
    """A title slide, one slide per point, an optional closing slide; PNGs and one PDF of them all."""
    out_dir.mkdir(parents=True, exist_ok=True)
    texts = [title, *points] + ([closing] if closing else [])
    slides: list[ImageOut] = []
    images: list[Image.Image] = []
    w, h = SLIDE_SIZE
    accent = brand.visual.primary if brand else "#1F3A5F"
    for n, text in enumerate(texts, 1):
        image, draw = _canvas(SLIDE_SIZE, brand)
        margin = 110
        draw.rectangle([0, 0, w, 18], fill=accent)
        counter = _font(brand, 34, bold=False)
        draw.text((margin, h - margin), f"{n}/{len(texts)}", font=counter, fill=accent)
        font, lines, line_h = fit_text(draw, text, (w - 2 * margin, h - 3 * margin), brand,
                                       start=110 if n == 1 else 76)
        y = margin + (h - 3 * margin - len(lines) * line_h) // 2
        for line in lines:
            draw.text((margin, y), line, font=font, fill=brand.visual.text if brand else "#111111")
            y += line_h
        _logo(image, brand)
        path = out_dir / f"{stem}-slide-{n:02d}.png"
        image.save(path)
        images.append(image)
        kind = "Title slide" if n == 1 else ("Closing slide" if closing and n == len(texts) else f"Slide {n}")
        slides.append(ImageOut(path, f"{kind} of {len(texts)}: {text}", w, h))
    pdf = out_dir / f"{stem}-carousel.pdf"
    images[0].save(pdf, save_all=True, append_images=images[1:], resolution=150)
    alt = f"Carousel of {len(texts)} slides: " + " / ".join(re.sub(r"\s+", " ", t) for t in texts)
    return slides, ImageOut(pdf, alt, w, h)


def title_card(text: str, out: Path, size: tuple[int, int] = (1080, 1920), brand: BrandVoice | None = None,
               footer: str | None = None) -> ImageOut:
    """A full-frame card (a reel's intro or outro): the text large and centred in the brand's colours."""
    w, h = size
    image = Image.new("RGB", size, brand.visual.primary if brand else "#1F3A5F")
    draw = ImageDraw.Draw(image)
    margin = int(w * 0.1)
    font, lines, line_h = fit_text(draw, text, (w - 2 * margin, int(h * 0.5)), brand, start=int(w * 0.09))
    y = (h - len(lines) * line_h) // 2
    colour = brand.visual.background if brand else "#FFFFFF"
    for line in lines:
        draw.text(((w - draw.textlength(line, font=font)) // 2, y), line, font=font, fill=colour)
        y += line_h
    label = footer or (brand.name if brand else "")
    if label:
        small = _font(brand, int(w * 0.04), bold=False)
        draw.text(((w - draw.textlength(label, font=small)) // 2, h - int(h * 0.18)), label, font=small, fill=colour)
    _logo(image, brand)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out)
    return ImageOut(out, f"Card: {text}" + (f" \u2014 {label}" if label else ""), w, h)
