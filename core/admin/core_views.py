"""Back-office pages of the core: units (list and tree) and memberships; the list of core views."""
from __future__ import annotations

from flask_admin import BaseView, expose
from sqlalchemy import select
from wtforms.validators import ValidationError

from core.admin.base import ScopedAccessMixin, ScopedModelView
from core.app import current_state
from core.models import AuditLog, Membership, Role, Unit, User
from core.services.units import UnitTree, check_parent


class UnitView(ScopedModelView):
    permission = "core.units.read"
    write_permission = "core.units.manage"
    column_list = ("code", "name", "kind", "parent", "active")
    column_searchable_list = ("code", "name")
    column_filters = ("kind", "active")
    column_labels = {"code": "Mã", "name": "Tên đơn vị", "kind": "Loại", "parent": "Đơn vị cấp trên", "active": "Hoạt động"}
    form_columns = ("code", "name", "kind", "parent", "active")
    column_details_list = ("code", "name", "kind", "parent", "active", "created_at", "updated_at")
    column_export_list = ("code", "name", "kind", "parent", "active")
    column_default_sort = "code"

    def on_model_change(self, form, model, is_created):
        if model.parent is not None and not is_created:
            with self.session.no_autoflush:  # the flush itself would choke on a cycle; refuse it first
                check_parent(self.session, model, model.parent.id)
        super().on_model_change(form, model, is_created)

    def _check_writable(self, model) -> None:
        # A unit is written in the name of its parent: creating or moving one needs rights there.
        allowed = self.allowed_unit_ids(write=True)
        target = model.parent.id if model.parent is not None else model.id
        if target is None or target not in allowed:
            raise ValidationError("Bạn không có quyền quản lý đơn vị cấp trên đã chọn (not allowed for this unit)")


def tree_rows(session, visible: frozenset[int]) -> list[tuple[Unit, int]]:
    """The visible units in tree order with their depth; a unit whose parent is hidden starts a new root."""
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(visible)))} if visible else {}
    tree = UnitTree.load(session)

    def ordered(ids):
        return sorted(ids, key=lambda i: (units[i].code if i in units else "", i), reverse=True)

    rows: list[tuple[Unit, int]] = []
    stack = [(root, 0) for root in ordered(tree.children.get(None, ()))]
    while stack:  # iterative: the tree may be of any depth
        unit_id, depth = stack.pop()
        if unit_id in units:
            rows.append((units[unit_id], depth))
            depth += 1
        stack.extend((child, depth) for child in ordered(tree.children.get(unit_id, ())))
    return rows


class UnitTreeView(ScopedAccessMixin, BaseView):
    """The organisation tree as far as the user may see it, indented by level."""

    permission = "core.units.read"

    @expose("/")
    def index(self):
        session = current_state().db.session()
        rows = tree_rows(session, self.allowed_unit_ids())
        return self.render("admin/cchc_unit_tree.html", rows=rows)


class MembershipView(ScopedModelView):
    permission = "core.users.manage"
    column_list = ("user", "unit", "role", "include_subunits")
    column_labels = {"user": "Người dùng", "unit": "Đơn vị", "role": "Vai trò", "include_subunits": "Gồm đơn vị cấp dưới",
                     "user.username": "Tên đăng nhập", "unit.code": "Mã đơn vị", "role.code": "Mã vai trò"}
    column_searchable_list = ("user.username", "user.full_name", "unit.code", "unit.name")
    column_filters = ("unit.code", "role.code", "include_subunits")
    column_export_list = ("user", "unit", "role", "include_subunits")
    form_columns = ("user", "unit", "role", "include_subunits")

    def _limit_choices(self, form):
        from core.admin.user_views import visible_users
        allowed = self.allowed_unit_ids(write=True)
        form.user.query_factory = lambda: visible_users(self.session.query(User), allowed).order_by(User.username)
        form.role.query_factory = lambda: self.session.query(Role).order_by(Role.code)
        return form

    def create_form(self, obj=None):
        return self._limit_choices(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._limit_choices(super().edit_form(obj))

    def _check_writable(self, model) -> None:
        super()._check_writable(model)
        if model.include_subunits:
            # Covering sub-units must not reach beyond the units this admin manages.
            subtree = UnitTree.load(self.session()).subtree(model.unit_id)
            if not subtree <= self.allowed_unit_ids(write=True):
                raise ValidationError("Không thể cấp quyền gồm đơn vị cấp dưới: có đơn vị cấp dưới ngoài phạm vi "
                                      "quản lý của bạn (sub-units outside your scope)")


def core_views(session) -> list:
    from core.admin.audit_view import AuditLogView
    from core.admin.plugins_page import PluginsPage
    from core.admin.report_page import ReportPage
    from core.admin.user_views import RoleView, UserView
    return [
        UnitView(Unit, session, name="Đơn vị", endpoint="units"),
        UnitTreeView(name="Sơ đồ đơn vị", endpoint="unit_tree", url="/admin/unit_tree"),
        UserView(User, session, name="Người dùng", endpoint="users"),
        RoleView(Role, session, name="Vai trò", endpoint="roles"),
        MembershipView(Membership, session, name="Phân quyền", endpoint="memberships"),
        PluginsPage(name="Phân hệ theo đơn vị", endpoint="plugins", url="/admin/plugins"),
        AuditLogView(AuditLog, session, name="Nhật ký thay đổi", endpoint="audit_log"),
        ReportPage(name="Báo cáo CCHC", endpoint="report", url="/admin/report", category="Báo cáo"),
    ]
