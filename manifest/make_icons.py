"""Draw the Teams app icons (color.png, outline.png) with the standard library only.

Run from the repository root: `python manifest/make_icons.py`. The PNGs are committed;
rerun only when the glyph or the accent colour changes.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ACCENT = (0x1B, 0x5E, 0x8C)  # keep equal to accentColor in manifest.json
WHITE = (255, 255, 255)

Shape = Callable[[float, float], bool]


def _rounded_rect(x0: float, y0: float, x1: float, y1: float, r: float) -> Shape:
    def inside(x: float, y: float) -> bool:
        cx = min(max(x, x0 + r), x1 - r)
        cy = min(max(y, y0 + r), y1 - r)
        return x0 <= x <= x1 and y0 <= y <= y1 and (x - cx) ** 2 + (y - cy) ** 2 <= r * r

    return inside


def _triangle(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> Shape:
    def side(p: tuple[float, float], q: tuple[float, float], x: float, y: float) -> float:
        return (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0])

    def inside(x: float, y: float) -> bool:
        s = (side(a, b, x, y), side(b, c, x, y), side(c, a, x, y))
        return all(v >= 0 for v in s) or all(v <= 0 for v in s)

    return inside


# A speech bubble with three dots: "people talking around a table", readable at 20 px.
_BODY = _rounded_rect(0.10, 0.16, 0.90, 0.68, 0.16)
_TAIL = _triangle((0.24, 0.60), (0.46, 0.60), (0.20, 0.86))
_DOTS = [(0.31, 0.42), (0.50, 0.42), (0.69, 0.42)]


def in_bubble(x: float, y: float) -> bool:
    """True where the white bubble is, in unit coordinates (dots are holes)."""
    if any((x - dx) ** 2 + (y - dy) ** 2 <= 0.068**2 for dx, dy in _DOTS):
        return False
    return _BODY(x, y) or _TAIL(x, y)


def png_bytes(width: int, height: int, rgba: list[tuple[int, int, int, int]]) -> bytes:
    """Encode RGBA pixels (row-major) as a PNG, filter type 0 on every row."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = bytearray()
    for row in range(height):
        raw.append(0)
        for px in rgba[row * width : (row + 1) * width]:
            raw.extend(px)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + chunk(b"IEND", b"")
    )


def color_icon(size: int = 192, samples: int = 4) -> bytes:
    """Full-colour icon: white bubble on the accent colour, glyph inside Teams' safe area."""
    margin = size * 0.2  # Teams asks for the symbol to stay within the middle ~60 %
    span = size - 2 * margin
    pixels = []
    for py in range(size):
        for px in range(size):
            hits = 0
            for sy in range(samples):
                for sx in range(samples):
                    x = (px + (sx + 0.5) / samples - margin) / span
                    y = (py + (sy + 0.5) / samples - margin) / span
                    hits += in_bubble(x, y)
            t = hits / samples**2  # anti-aliasing by coverage
            rgb = tuple(round(a + (w - a) * t) for a, w in zip(ACCENT, WHITE, strict=True))
            pixels.append((*rgb, 255))
    return png_bytes(size, size, pixels)  # type: ignore[arg-type]


def outline_icon(size: int = 32) -> bytes:
    """Outline icon: only opaque white or fully transparent pixels, as Teams requires."""
    margin = 1.0
    span = size - 2 * margin
    pixels = []
    for py in range(size):
        for px in range(size):
            x = (px + 0.5 - margin) / span
            y = (py + 0.5 - margin) / span
            pixels.append((255, 255, 255, 255) if in_bubble(x, y) else (255, 255, 255, 0))
    return png_bytes(size, size, pixels)


if __name__ == "__main__":
    (HERE / "color.png").write_bytes(color_icon())
    (HERE / "outline.png").write_bytes(outline_icon())
    print(HERE / "color.png")
    print(HERE / "outline.png")
