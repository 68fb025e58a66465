"""Back-office pages of the core: units, users, roles, memberships, audit log."""
from __future__ import annotations

from wtforms.validators import ValidationError

from core.admin.base import ScopedModelView
from core.models import AuditLog, Membership, Unit


class UnitView(ScopedModelView):
    permission = "core.units.read"
    write_permission = "core.units.manage"
    column_list = ("code", "name", "kind", "parent", "active")
    column_searchable_list = ("code", "name")
    column_filters = ("kind", "active")
    column_labels = {"code": "Mã", "name": "Tên đơn vị", "kind": "Loại", "parent": "Đơn vị cấp trên", "active": "Hoạt động"}
    form_columns = ("code", "name", "kind", "parent", "active")
    column_default_sort = "code"

    def _check_writable(self, model) -> None:
        # A unit is written in the name of its parent: creating or moving one needs rights there.
        allowed = self.allowed_unit_ids(write=True)
        target = model.parent.id if model.parent is not None else model.id
        if target is None or target not in allowed:
            raise ValidationError("Bạn không có quyền quản lý đơn vị cấp trên đã chọn (not allowed for this unit)")


class MembershipView(ScopedModelView):
    permission = "core.users.manage"
    column_list = ("user", "unit", "role", "include_subunits")
    column_labels = {"user": "Người dùng", "unit": "Đơn vị", "role": "Vai trò", "include_subunits": "Gồm đơn vị cấp dưới"}
    form_columns = ("user", "unit", "role", "include_subunits")


class AuditLogView(ScopedModelView):
    permission = "core.audit.read"
    allow_create = allow_edit = allow_delete = False
    column_list = ("at", "actor", "unit_id", "action", "table_name", "record_id", "changes")
    column_filters = ("table_name", "record_id", "user_id", "actor", "action", "at")
    column_searchable_list = ("record_id", "table_name", "actor")
    column_default_sort = ("id", True)
    column_labels = {"at": "Thời điểm", "actor": "Người thực hiện", "unit_id": "Đơn vị", "action": "Thao tác",
                     "table_name": "Bảng", "record_id": "Bản ghi", "changes": "Thay đổi (cũ → mới)", "user_id": "Mã người dùng"}


def core_views(session) -> list:
    return [
        UnitView(Unit, session, name="Đơn vị", endpoint="units"),
        MembershipView(Membership, session, name="Phân quyền", endpoint="memberships"),
        AuditLogView(AuditLog, session, name="Nhật ký thay đổi", endpoint="audit_log"),
    ]
