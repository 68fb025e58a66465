"""A ``PrintDoc`` as a Word document (python-docx): A4, Times New Roman, the administrative header."""
from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from plugins.onestop.printing import qr
from plugins.onestop.printing.model import Fields, Para, PrintDoc, QrCode, Signatures, Table

ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
         "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
FONT = "Times New Roman"


def _setup(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(3)


def _line(cell_or_doc, text: str, bold=False, italic=False, align="left", size: int | None = None, first=False):
    paragraph = cell_or_doc.paragraphs[0] if first else cell_or_doc.add_paragraph()
    paragraph.alignment = ALIGN[align]
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    return paragraph


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _header(document, doc: PrintDoc) -> None:
    _line(document, f"Mẫu số {doc.number}", italic=True, align="right", size=11)
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    _line(left, doc.authority, align="center", size=12, first=True)
    _line(left, doc.issuer, bold=True, align="center", size=12)
    _line(left, f"Số: {doc.reference}", align="center", size=12)
    _line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, align="center", size=12, first=True)
    _line(right, "Độc lập - Tự do - Hạnh phúc", bold=True, align="center", size=13)
    _line(right, doc.place_date, italic=True, align="center", size=12)
    _line(document, doc.title.upper(), bold=True, align="center", size=14).paragraph_format.space_before = Pt(12)


def _table(document, block: Table) -> None:
    table = document.add_table(rows=1, cols=len(block.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, block.headers):
        _line(cell, text, bold=True, align="center", size=12, first=True)
    for row in block.rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            _line(cell, str(text), size=12, first=True)


def _signatures(document, block: Signatures) -> None:
    table = document.add_table(rows=1, cols=max(2, len(block.boxes)))
    _no_borders(table)
    cells = table.rows[0].cells[-len(block.boxes):]
    for cell, (title, hint, name) in zip(cells, block.boxes):
        _line(cell, title, bold=True, align="center", first=True)
        _line(cell, hint, italic=True, align="center", size=12)
        for _ in range(3):
            _line(cell, "", size=12)
        _line(cell, name, bold=True, align="center")


def render(doc: PrintDoc) -> bytes:
    document = Document()
    _setup(document)
    document.core_properties.title = f"Mẫu số {doc.number}: {doc.title} – {doc.reference}"
    document.core_properties.subject = doc.reference
    _header(document, doc)
    for block in doc.blocks:
        if isinstance(block, Para):
            _line(document, block.text, block.bold, block.italic, block.align)
        elif isinstance(block, Fields):
            for label, value in block.rows:
                paragraph = document.add_paragraph()
                paragraph.add_run(f"{label}: ").bold = True
                paragraph.add_run(value or "……………")
        elif isinstance(block, Table):
            _table(document, block)
        elif isinstance(block, QrCode) and block.target:
            document.add_picture(BytesIO(qr.png(block.target)), width=Cm(3.2))
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _line(document, f"{block.caption}: {block.target}", italic=True, align="center", size=10)
        elif isinstance(block, Signatures):
            _signatures(document, block)
    out = BytesIO()
    document.save(out)
    return out.getvalue()
