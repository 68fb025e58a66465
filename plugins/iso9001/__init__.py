"""ISO 9001 in a state agency: the quality system, internal audits from checklists, nonconformities and
corrective actions, management review, conformity announcement (Decision 19/2014/QĐ-TTg, TCVN ISO 9001:2015)."""

MANIFEST = {
    "name": "iso9001",
    "version": "1.0.0",
    "label": "ISO 9001",
    "description": "Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015: tài liệu, đánh giá nội bộ, "
                   "điểm không phù hợp và hành động khắc phục, xem xét của lãnh đạo, công bố phù hợp.",
    "depends": [],
    "permissions": {
        "iso9001.read": "Xem hệ thống quản lý chất lượng (phạm vi, tài liệu, đánh giá, điểm không phù hợp)",
        "iso9001.system.manage": "Quản lý phạm vi, tài liệu, bộ câu hỏi đánh giá và công bố phù hợp",
        "iso9001.audits.plan": "Lập chương trình và kế hoạch đánh giá nội bộ",
        "iso9001.audits.conduct": "Thực hiện đánh giá nội bộ (trả lời danh mục câu hỏi)",
        "iso9001.nc.raise": "Ghi nhận điểm không phù hợp",
        "iso9001.nc.respond": "Phân tích nguyên nhân, đề xuất và báo cáo hành động khắc phục",
        "iso9001.nc.manage": "Duyệt, chuyển bước và đóng điểm không phù hợp",
        "iso9001.nc.verify": "Đánh giá hiệu lực của hành động khắc phục",
        "iso9001.reviews.manage": "Tổ chức xem xét của lãnh đạo",
    },
    "roles": {
        "iso9001.auditor": {"label": "Chuyên gia đánh giá nội bộ", "permissions": [
            "iso9001.read", "iso9001.audits.conduct", "iso9001.nc.raise", "iso9001.nc.verify"]},
        "iso9001.lead_auditor": {"label": "Trưởng đoàn đánh giá nội bộ", "permissions": [
            "iso9001.read", "iso9001.audits.plan", "iso9001.audits.conduct", "iso9001.nc.raise",
            "iso9001.nc.verify"]},
        "iso9001.qms_manager": {"label": "Thư ký ISO (quản lý hệ thống chất lượng)", "permissions": [
            "iso9001.read", "iso9001.system.manage", "iso9001.audits.plan", "iso9001.nc.raise",
            "iso9001.nc.respond", "iso9001.nc.manage", "iso9001.nc.verify", "iso9001.reviews.manage"]},
        "iso9001.auditee": {"label": "Đơn vị được đánh giá", "permissions": [
            "iso9001.read", "iso9001.nc.respond"]},
    },
}
