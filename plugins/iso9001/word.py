"""The internal audit report as a Word document (python-docx), built from the same data as the printed page."""
from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.toolkit import User
from plugins.iso9001.clauses import full_title
from plugins.iso9001.models import Audit, Document, Nonconformity
from plugins.iso9001.models.audits import ANSWERS, AUDIT_STATUSES, FINDINGS
from plugins.iso9001.models.improvement import STAGES
from plugins.iso9001.services.common import display_name, fmt


@dataclass(frozen=True)
class ReportData:
    audit: Audit
    lead: str
    auditors: list[str]
    procedures: list[str]
    nonconformities: list[Nonconformity]
    counts: dict[str, int]

    @property
    def findings(self):
        return [line for line in self.audit.lines if line.answer in FINDINGS]

    @property
    def remarks(self):
        return [line for line in self.audit.lines if line.answer in ("observation", "ofi")]


def report_data(session: Session, audit: Audit) -> ReportData:
    users = {u.id: display_name(u) for u in session.scalars(select(User).where(User.id.in_(audit.team_ids)))}
    docs = session.scalars(select(Document).where(Document.id.in_(audit.procedure_ids or [0])))
    ncs = list(session.scalars(select(Nonconformity).where(Nonconformity.audit_id == audit.id)
                               .order_by(Nonconformity.id)))
    counts = {key: sum(1 for line in audit.lines if line.answer == key) for key in ANSWERS}
    return ReportData(audit, users.get(audit.lead_auditor_id, "—"),
                      [users.get(i, "—") for i in audit.auditor_ids or []], [str(d) for d in docs], ncs, counts)


def _table(doc, header: list[str], rows: list[list[str]], widths: list[float] | None = None) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, value in zip(table.rows[0].cells, header):
        cell.text = value
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = value
    if widths:
        for row in table.rows:
            for cell, width in zip(row.cells, widths):
                cell.width = Cm(width)


def build_docx(data: ReportData) -> bytes:
    audit = data.audit
    doc = WordDocument()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("BÁO CÁO ĐÁNH GIÁ NỘI BỘ HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG\nTHEO TCVN ISO 9001:2015")
    run.bold, run.font.size = True, Pt(14)
    scope = ", ".join(full_title(c) for c in audit.scope_clauses) or "Toàn bộ các điều khoản 4–10"
    _table(doc, ["Mục", "Nội dung"], [
        ["Số hiệu", audit.reference], ["Cuộc đánh giá", audit.title], ["Đơn vị được đánh giá", audit.unit.name],
        ["Thời gian", f"{fmt(audit.starts_on)} – {fmt(audit.ends_on)}"], ["Trưởng đoàn", data.lead],
        ["Chuyên gia đánh giá", ", ".join(data.auditors) or "—"], ["Người được đánh giá", audit.auditees or "—"],
        ["Phạm vi (điều khoản)", scope], ["Quy trình", "; ".join(data.procedures) or "—"],
        ["Danh mục câu hỏi", f"{audit.template_name} (phiên bản {audit.template_version})"],
        ["Trạng thái", AUDIT_STATUSES.get(audit.status, audit.status)],
        ["Ngày kết thúc", fmt(audit.closed_on)],
    ], [5, 11])
    doc.add_heading("1. Tổng hợp kết quả", level=2)
    doc.add_paragraph("; ".join(f"{label}: {data.counts[key]}" for key, label in ANSWERS.items()))
    doc.add_heading("2. Các phát hiện không phù hợp", level=2)
    if data.findings:
        _table(doc, ["Câu", "Điều khoản", "Mức độ", "Bằng chứng"],
               [[str(line.position), line.clause, ANSWERS[line.answer], line.evidence] for line in data.findings],
               [1.2, 2, 3.5, 9.3])
    else:
        doc.add_paragraph("Không có phát hiện không phù hợp.")
    doc.add_heading("3. Điểm cần lưu ý và cơ hội cải tiến", level=2)
    for line in data.remarks:
        doc.add_paragraph(f"{line.clause} – {ANSWERS[line.answer]}: {line.evidence}", style="List Bullet")
    if not data.remarks:
        doc.add_paragraph("Không có.")
    doc.add_heading("4. Điểm mạnh", level=2)
    doc.add_paragraph(audit.strong_points or "—")
    doc.add_heading("5. Kết luận", level=2)
    doc.add_paragraph(audit.summary or "—")
    doc.add_heading("6. Điểm không phù hợp đã lập phiếu", level=2)
    if data.nonconformities:
        _table(doc, ["Số phiếu", "Điều khoản", "Mức độ", "Bước"],
               [[nc.reference, nc.clause, "Nặng" if nc.severity == "major" else "Nhẹ", STAGES[nc.stage]]
                for nc in data.nonconformities])
    else:
        doc.add_paragraph("Không có.")
    doc.add_heading("Phụ lục: danh mục câu hỏi và kết quả", level=2)
    _table(doc, ["Câu", "Điều khoản", "Câu hỏi", "Kết quả", "Bằng chứng"],
           [[str(line.position), line.clause, line.question, ANSWERS.get(line.answer or "", "Chưa trả lời"),
             line.evidence or ""] for line in audit.lines], [1, 1.6, 6.4, 2.6, 5])
    signature = doc.add_paragraph(f"\nTRƯỞNG ĐOÀN ĐÁNH GIÁ\n\n\n{data.lead}")
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
