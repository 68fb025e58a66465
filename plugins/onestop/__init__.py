"""The one-stop counter: receive administrative-procedure dossiers and return results."""

MANIFEST = {
    "name": "onestop",
    "version": "1.0.0",
    "label": "Một cửa",
    "description": "Tiếp nhận hồ sơ thủ tục hành chính và trả kết quả theo cơ chế một cửa.",
    "depends": [],
    "permissions": {
        "onestop.catalogue.read": "Xem danh mục thủ tục",
        "onestop.catalogue.manage": "Quản lý danh mục thủ tục và cấu hình một cửa",
        "onestop.dossiers.read": "Xem hồ sơ",
        "onestop.dossiers.receive": "Tiếp nhận và trả kết quả hồ sơ",
        "onestop.dossiers.process": "Xử lý hồ sơ",
        "onestop.dossiers.decide": "Phê duyệt, gia hạn, dừng xử lý hồ sơ",
        "onestop.submissions.manage": "Vào sổ và chuyển tờ trình, kiến nghị",
        "onestop.statistics.read": "Xem thống kê một cửa",
    },
    "roles": {
        "onestop.clerk": {"label": "Cán bộ một cửa", "permissions": [
            "onestop.catalogue.read", "onestop.dossiers.read", "onestop.dossiers.receive",
            "onestop.submissions.manage", "onestop.statistics.read"]},
        "onestop.handler": {"label": "Chuyên viên xử lý", "permissions": [
            "onestop.catalogue.read", "onestop.dossiers.read", "onestop.dossiers.process"]},
        "onestop.leader": {"label": "Lãnh đạo", "permissions": [
            "onestop.catalogue.read", "onestop.dossiers.read", "onestop.dossiers.process",
            "onestop.dossiers.decide", "onestop.statistics.read", "onestop.submissions.manage"]},
        "onestop.admin": {"label": "Quản trị một cửa", "permissions": [
            "onestop.catalogue.read", "onestop.catalogue.manage", "onestop.dossiers.read",
            "onestop.statistics.read"]},
    },
}
