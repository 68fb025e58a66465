"""A printed form as plain data: the same blocks become a Word document and a printable page."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar


@dataclass
class Para:
    kind: ClassVar[str] = "para"
    text: str
    bold: bool = False
    italic: bool = False
    align: str = "left"  # left, center, right, justify


@dataclass
class Fields:
    """Label: value lines."""

    kind: ClassVar[str] = "fields"

    rows: list[tuple[str, str]]


@dataclass
class Table:
    kind: ClassVar[str] = "table"
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Signatures:
    """Signature boxes side by side: (title, hint, name)."""

    kind: ClassVar[str] = "signatures"

    boxes: list[tuple[str, str, str]]


@dataclass
class QrCode:
    """The QR code of ``target`` with a caption."""

    kind: ClassVar[str] = "qr"

    target: str
    caption: str


@dataclass
class PrintDoc:
    number: str                  # "01" … "06": the form's number in the annex
    title: str
    authority: str               # the line above the issuing unit (its parent, or the province)
    issuer: str                  # the issuing unit
    reference: str               # "Số: …" – the dossier code
    place_date: str              # "…, ngày 12 tháng 02 năm 2026"
    blocks: list = field(default_factory=list)
    filename: str = "mau.docx"
