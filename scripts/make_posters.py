#!/usr/bin/env python3
"""A4 posters (PDF and PNG) with a QR code per campaign in the config.

    .venv/bin/python scripts/make_posters.py --config config.yaml --out posters/

Each poster: a warm invitation line, the QR code of <web.public_base_url>/join/<code>, the
link as text, and the crisis numbers. Needs the `posters` extra (segno, pillow). Uses DejaVu
Sans when the machine has it, else Pillow's built-in font.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.config.loader import ConfigError, load_config  # noqa: E402
from bot.config.models import Config  # noqa: E402
from bot.config.web import Campaign  # noqa: E402

DPI = 150
A4_MM = (210, 297)
SIZE = tuple(round(mm / 25.4 * DPI) for mm in A4_MM)  # (1240, 1754)
MARGIN = round(15 / 25.4 * DPI)

GREEN = (47, 93, 80)
INK = (29, 36, 51)
SOFT = (90, 99, 114)
CRISIS = (161, 54, 27)
CRISIS_BG = (255, 241, 236)
PAPER = (255, 255, 255)

FONT_DIRS = (
    Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts",
    Path("/Library/Fonts"), Path("C:/Windows/Fonts"),
)
REGULAR = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf", "arial.ttf")
BOLD = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf", "arialbd.ttf")

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def find_font(names: Sequence[str]) -> Path | None:
    for folder in FONT_DIRS:
        if not folder.is_dir():
            continue
        for name in names:
            hit = next(folder.rglob(name), None)
            if hit is not None:
                return hit
    return None


class Fonts:
    def __init__(self) -> None:
        self.regular = find_font(REGULAR)
        self.bold = find_font(BOLD) or self.regular

    def get(self, size: int, *, bold: bool = False) -> Font:
        path = self.bold if bold else self.regular
        if path is not None:
            try:
                return ImageFont.truetype(str(path), size)
            except OSError:
                pass
        try:
            return ImageFont.load_default(size=size)  # Pillow >= 10.1 scales its own font
        except TypeError:
            return ImageFont.load_default()


def text_width(draw: ImageDraw.ImageDraw, text: str, font: Font) -> float:
    return draw.textlength(text, font=font)


def fit(draw: ImageDraw.ImageDraw, fonts: Fonts, text: str, size: int, width: int,
        *, bold: bool = False) -> Font:
    """The largest font up to `size` in which `text` fits on one line of `width`."""
    while size > 12:
        font = fonts.get(size, bold=bold)
        if text_width(draw, text, font) <= width:
            return font
        size -= 2
    return fonts.get(size, bold=bold)


def wrap(draw: ImageDraw.ImageDraw, text: str, font: Font, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and text_width(draw, candidate, font) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def centered(draw: ImageDraw.ImageDraw, y: int, text: str, font: Font,
             fill: tuple[int, int, int]) -> int:
    """Draw one centred line at y; returns the y below it."""
    box = draw.textbbox((0, 0), text, font=font)
    w, h = box[2] - box[0], box[3] - box[1]
    draw.text(((SIZE[0] - w) / 2 - box[0], y - box[1]), text, font=font, fill=fill)
    return y + h


def qr_image(url: str, size: int) -> Image.Image:
    qr = segno.make(url, error="m", micro=False)
    buf = io.BytesIO()
    qr.save(buf, kind="png", scale=10, border=2, dark="#1d2433", light="#ffffff")
    buf.seek(0)
    img = Image.open(buf).convert("RGB")
    return img.resize((size, size), Image.Resampling.NEAREST)


def join_url(config: Config, campaign: Campaign) -> str:
    return f"{config.web.public_base_url}/join/{campaign.code}"


def crisis_lines(config: Config) -> list[tuple[str, str]]:
    """The first four numbers for right now (web.crisis_lines, then crisis.extra_lines)."""
    lines = [*config.web.crisis_lines, *config.crisis.extra_lines]
    return [(line.contact, line.name) for line in lines[:4]]


def poster(config: Config, campaign: Campaign, fonts: Fonts) -> Image.Image:
    # The catalogue's `poster` texts, in the service's default language.
    texts = config.text(None).poster
    img = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(img)
    inner = SIZE[0] - 2 * MARGIN

    # A calm band on top with the invitation.
    band_h = 430
    draw.rectangle((0, 0, SIZE[0], band_h), fill=GREEN)
    y = 95
    y = centered(draw, y, texts.title, fit(draw, fonts, texts.title, 112, inner, bold=True),
                 PAPER) + 45
    line = texts.subtitle
    y = centered(draw, y, line, fit(draw, fonts, line, 64, inner), PAPER) + 40
    line = texts.facts
    centered(draw, y, line, fit(draw, fonts, line, 38, inner), (214, 232, 226))

    # Crisis numbers in a box at the bottom; its height follows its content.
    numbers = crisis_lines(config)
    head_font = fonts.get(44, bold=True)
    num_font = fonts.get(40, bold=True)
    name_font = fonts.get(40)
    row_h = 58
    small_h = 60
    box_bottom = SIZE[1] - MARGIN - small_h
    box_top = box_bottom - (40 + 52 + 20 + row_h * len(numbers) + 24)
    draw.rounded_rectangle((MARGIN, box_top, SIZE[0] - MARGIN, box_bottom), radius=28,
                           fill=CRISIS_BG, outline=(224, 121, 91), width=4)
    y = centered(draw, box_top + 40, texts.crisis_head, head_font, CRISIS)
    y += 32
    for contact, name in numbers:
        w = text_width(draw, contact + "  ", num_font) + text_width(draw, name, name_font)
        x = (SIZE[0] - w) / 2
        draw.text((x, y), contact, font=num_font, fill=CRISIS)
        draw.text((x + text_width(draw, contact + "  ", num_font), y), name, font=name_font,
                  fill=INK)
        y += row_h

    # The QR code and the link, centred in the space between band and box.
    url = join_url(config, campaign)
    url_font = fit(draw, fonts, url, 46, inner, bold=True)
    hint = texts.scan_hint
    block_h = 30 + 36 + 22 + 50
    space = box_top - band_h
    qr_size = min(720, space - block_h - 90)
    y = band_h + (space - qr_size - block_h) // 2
    img.paste(qr_image(url, qr_size), ((SIZE[0] - qr_size) // 2, y))
    y += qr_size + 30
    y = centered(draw, y, hint, fonts.get(36), SOFT) + 22
    centered(draw, y, url, url_font, INK)

    # Small print: the code, so admins can tell posters apart.
    small = fonts.get(22)
    label = f"{config.web.service_name} · {campaign.code}"
    if campaign.label:
        label += f" · {campaign.label}"
    y = SIZE[1] - MARGIN - 20
    for text in wrap(draw, label, small, inner)[:2]:
        y = centered(draw, y, text, small, SOFT) + 6
    return img


def make_posters(config: Config, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    fonts = Fonts()
    written: list[Path] = []
    for campaign in config.campaigns:
        img = poster(config, campaign, fonts)
        png = out / f"poster-{campaign.code}.png"
        pdf = out / f"poster-{campaign.code}.pdf"
        img.save(png, "PNG", dpi=(DPI, DPI), optimize=True)
        img.save(pdf, "PDF", resolution=float(DPI))
        written += [png, pdf]
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, required=True, help="the bot's YAML config")
    parser.add_argument("--out", type=Path, required=True, help="folder for the posters")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    if not config.campaigns:
        print(f"{args.config}: no campaigns configured; nothing to do", file=sys.stderr)
        return 1
    for path in make_posters(config, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
