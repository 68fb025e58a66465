"""An example plugin that implements every hook: the fixture the contract tests drive."""

MANIFEST = {
    "name": "example",
    "version": "1.2.0",
    "label": "Ví dụ",
    "description": "Phân hệ mẫu dùng trong kiểm thử hợp đồng (contract tests).",
    "depends": [],
    "permissions": {
        "example.records.read": "Xem hồ sơ mẫu",
        "example.records.write": "Sửa hồ sơ mẫu",
    },
    "roles": {
        "example.clerk": {"label": "Cán bộ mẫu", "permissions": ["example.records.read", "example.records.write"]},
        "example.viewer": {"label": "Người xem mẫu", "permissions": ["example.records.read"]},
    },
}
