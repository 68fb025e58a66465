"""Users and roles pages. Passwords go through ``core.services.users``; the hash is never shown."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import flash
from flask_admin.actions import action
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import exists, false, func, or_, select
from wtforms import PasswordField
from wtforms.validators import ValidationError

from core.access import CORE_ROLES
from core.admin.base import ScopedModelView, local_datetime, parse_id
from core.app import current_state
from core.models import Membership, Permission, User
from core.services import ServiceError
from core.services.users import create_user, is_locked, set_password, unlock_user

CUSTOM_ROLE_MARK = ""  # Role.plugin of a role a deployment created here (declared roles name their plugin)


def visible_users(query, unit_ids: frozenset[int]):
    """Users holding a membership in ``unit_ids``, plus users holding none (just created, not yet placed)."""
    here = exists().where(Membership.user_id == User.id, Membership.unit_id.in_(unit_ids))
    anywhere = exists().where(Membership.user_id == User.id)
    return query.filter(or_(here, ~anywhere))


def manageable_users(query, unit_ids: frozenset[int]):
    """Users all of whose memberships lie in ``unit_ids``: changing them affects nobody else's units."""
    elsewhere = exists().where(Membership.user_id == User.id, Membership.unit_id.not_in(unit_ids))
    return query.filter(~elsewhere)


class NewPasswordField(PasswordField):
    def populate_obj(self, obj, name):
        pass  # never copied onto the user: the view hashes it through core.services.users


class FilterLocked(BaseSQLAFilter):
    def apply(self, query, value, alias=None):
        locked = self.get_column(alias) > datetime.now(timezone.utc)
        return query.filter(locked if value == "1" else or_(~locked, self.get_column(alias).is_(None)))

    def operation(self):
        return "là"


def _status(view, context, model, name):
    if is_locked(model):
        return f"Đang bị khoá đến {local_datetime(model.locked_until)}"
    return "Hoạt động" if model.active else "Đã vô hiệu hoá"


def _memberships(view, context, model, name):
    allowed = view.allowed_unit_ids()  # memberships elsewhere are not this admin's business
    items = [f"{m.role} @ {m.unit.code}" + (" (gồm cấp dưới)" if m.include_subunits else "")
             for m in model.memberships if m.unit_id in allowed]
    return Markup("<br>".join(escape(i) for i in items)) if items else "—"


class UserView(ScopedModelView):
    permission = "core.users.manage"
    allow_delete = False  # accounts are deactivated, not deleted: the audit log refers to them
    column_list = ("username", "full_name", "email", "status", "last_login_at")
    column_details_list = ("username", "full_name", "email", "locale", "status", "memberships", "last_login_at",
                           "created_at")
    column_export_list = ("username", "full_name", "email", "locale", "active", "last_login_at")
    column_searchable_list = ("username", "full_name", "email")
    column_filters = ("active", "locale", FilterLocked(User.locked_until, "Đang bị khoá", options=(("1", "Có"), ("0", "Không"))))
    column_sortable_list = ("username", "full_name", "email", "last_login_at")
    column_default_sort = "username"
    column_labels = {"username": "Tên đăng nhập", "full_name": "Họ và tên", "email": "Thư điện tử", "locale": "Ngôn ngữ",
                     "active": "Hoạt động", "status": "Trạng thái", "memberships": "Vai trò trong đơn vị của bạn",
                     "last_login_at": "Đăng nhập gần nhất", "created_at": "Ngày tạo", "password": "Mật khẩu"}
    column_formatters = {"status": _status}
    column_formatters_detail = {"status": _status, "memberships": _memberships}
    form_columns = ("username", "full_name", "email", "locale", "active", "password")
    form_extra_fields = {"password": NewPasswordField("Mật khẩu", description=(
        "Bắt buộc khi tạo mới. Khi sửa, để trống nếu không đổi mật khẩu."))}
    form_choices = {"locale": [("vi", "Tiếng Việt"), ("en", "English")]}

    def scope(self, query, write: bool = False):
        units = self.allowed_unit_ids(write)
        if not units:
            return query.filter(false())
        return manageable_users(query, units) if write else visible_users(query, units)

    def _check_writable(self, model) -> None:
        if self.scope(ModelView.get_query(self), write=True).filter(User.id == model.id).first() is None:
            raise ValidationError("Người dùng này có vai trò ở đơn vị ngoài phạm vi quản lý của bạn "
                                  "(user belongs to units outside your scope)")
        if model.id == current_user.id and not model.active:
            raise ValidationError("Bạn không thể tự vô hiệu hoá tài khoản của mình (cannot deactivate yourself)")

    def _min_length(self) -> int:
        return current_state().settings["security.min_password_length"]

    def create_model(self, form):
        try:
            user = create_user(self.session, form.username.data, form.password.data or "",
                               full_name=(form.full_name.data or "").strip(), email=form.email.data or None,
                               locale=form.locale.data or "vi", min_length=self._min_length())
            user.active = bool(form.active.data)
            self.session.commit()
        except ServiceError as exc:
            self.session.rollback()
            flash(str(exc), "error")
            return False
        self.after_model_change(form, user, True)
        return user

    def on_model_change(self, form, model, is_created):
        if form.password.data:
            set_password(self.session, model, form.password.data, self._min_length())
        super().on_model_change(form, model, is_created)

    # -- bulk actions: only on users this admin fully manages ----------------------------------
    def is_action_allowed(self, name: str) -> bool:
        if name in ("unlock", "deactivate", "activate") and not self.can_edit:
            return False
        return super().is_action_allowed(name)

    def _manageable(self, ids) -> list[User]:
        numbers = [n for n in map(parse_id, ids) if n is not None]
        return self.scope(ModelView.get_query(self), write=True).filter(User.id.in_(numbers)).all()

    @action("unlock", "Mở khoá", "Mở khoá các tài khoản đã chọn?")
    def action_unlock(self, ids):
        users = self._manageable(ids)
        for user in users:
            unlock_user(user)
        self.session.commit()
        flash(f"Đã mở khoá {len(users)} tài khoản.", "success")

    @action("deactivate", "Vô hiệu hoá", "Vô hiệu hoá các tài khoản đã chọn? Họ sẽ không đăng nhập được nữa.")
    def action_deactivate(self, ids):
        users = [u for u in self._manageable(ids) if u.id != current_user.id]
        for user in users:
            user.active = False
        self.session.commit()
        flash(f"Đã vô hiệu hoá {len(users)} tài khoản.", "success")

    @action("activate", "Kích hoạt lại", "Kích hoạt lại các tài khoản đã chọn?")
    def action_activate(self, ids):
        users = self._manageable(ids)
        for user in users:
            user.active = True
        self.session.commit()
        flash(f"Đã kích hoạt lại {len(users)} tài khoản.", "success")


def declared_role_codes() -> set[str]:
    registry = current_state().registry
    return {r.code for r in CORE_ROLES} | {r.code for m in registry.manifests for r in m.roles}


def _permissions(view, context, model, name):
    return ", ".join(sorted(p.code for p in model.permissions)) or "—"


def _origin(view, context, model, name):
    return "Tự tạo" if model.plugin == CUSTOM_ROLE_MARK else f"Khai báo bởi {model.plugin}"


class RoleView(ScopedModelView):
    """Roles are organisation-wide: anyone with the permission sees them; changing one needs the whole tree."""

    permission = "core.roles.manage"
    column_list = ("code", "label", "plugin", "permissions")
    column_details_list = ("code", "label", "plugin", "permissions")
    column_export_list = ("code", "label", "plugin")
    column_searchable_list = ("code", "label")
    column_filters = ("plugin",)
    column_default_sort = "code"
    column_labels = {"code": "Mã vai trò", "label": "Tên vai trò", "plugin": "Nguồn", "permissions": "Quyền"}
    column_formatters = column_formatters_detail = {"permissions": _permissions, "plugin": _origin}
    form_columns = ("code", "label", "permissions")
    form_args = {"permissions": {"label": "Quyền", "get_label": lambda p: f"{p.code} – {p.label}"}}

    def scope(self, query, write: bool = False):
        allowed = self.covers_whole_organisation(write=True) if write else bool(self.allowed_unit_ids())
        return query if allowed else query.filter(false())

    @property
    def can_create(self) -> bool:
        return self.covers_whole_organisation(write=True)

    can_edit = can_delete = can_create

    def _limit_choices(self, form):
        form.permissions.query_factory = lambda: self.session.query(Permission).order_by(Permission.code)
        return form

    def create_form(self, obj=None):
        return self._limit_choices(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._limit_choices(super().edit_form(obj))

    def _refuse_declared(self, model) -> bool:
        if model.plugin != CUSTOM_ROLE_MARK or model.code in declared_role_codes():
            flash(f"Vai trò {model.code!r} do lõi hoặc một phân hệ khai báo: không sửa, không xoá được "
                  "(declared roles are read-only)", "error")
            return True
        return False

    def update_model(self, form, model):
        return False if self._refuse_declared(model) else super().update_model(form, model)

    def delete_model(self, model):
        if self._refuse_declared(model):
            return False
        in_use = self.session.scalar(select(func.count(Membership.id)).where(Membership.role_id == model.id))
        if in_use:
            flash(f"Vai trò {model.code!r} đang được gán {in_use} lần; hãy thu hồi trước khi xoá "
                  "(role still granted)", "error")
            return False
        return super().delete_model(model)

    def _check_writable(self, model) -> None:
        if not self.covers_whole_organisation(write=True):
            raise ValidationError("Chỉ quản trị toàn cơ quan mới được tạo, sửa vai trò (organisation-wide roles)")
        code = (model.code or "").strip()
        namespaces = ["core", *(m.name for m in current_state().registry.manifests)]
        if not code or any(code.startswith(ns + ".") for ns in namespaces):
            raise ValidationError("Mã vai trò tự tạo là bắt buộc và không được bắt đầu bằng 'core.' hay tên một phân hệ "
                                  "(reserved prefix)")
        model.code = code

    def on_model_change(self, form, model, is_created):
        model.plugin = CUSTOM_ROLE_MARK
        self._check_writable(model)
