"""QR codes without Pillow: an inline SVG for the printable page, a PNG (zlib by hand) for Word."""
from __future__ import annotations

import struct
import zlib

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def matrix(text: str) -> list[list[bool]]:
    """The modules of the QR code of ``text``, with the standard 4-module quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


def svg(text: str, size_mm: int = 32, title: str = "Mã QR tra cứu hồ sơ") -> str:
    """An inline ``<svg>`` element (no XML declaration), one path of unit squares."""
    cells = matrix(text)
    n = len(cells)
    path = "".join(f"M{x},{y}h1v1h-1z" for y, row in enumerate(cells) for x, dark in enumerate(row) if dark)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" width="{size_mm}mm" height="{size_mm}mm" '
            f'role="img" aria-label="{title}" shape-rendering="crispEdges" class="onestop-qr">'
            f'<title>{title}</title><rect width="{n}" height="{n}" fill="#fff"/>'
            f'<path d="{path}" fill="#000"/></svg>')


def png(text: str, scale: int = 8) -> bytes:
    """A black-and-white PNG of the QR code, ``scale`` pixels per module."""
    cells = matrix(text)
    rows = []
    for row in cells:
        line = b"\x00" + b"".join((b"\x00" if dark else b"\xff") * scale for dark in row)  # filter 0, grey 8-bit
        rows.extend([line] * scale)
    side = len(cells) * scale

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))
