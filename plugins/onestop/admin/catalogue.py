"""The catalogue in the back office: fields (lĩnh vực) and procedures with their documents and steps."""
from __future__ import annotations

from flask import request
from flask_admin.contrib.sqla.filters import BooleanEqualFilter, FilterEqual
from sqlalchemy import func, select
from wtforms import SelectField
from wtforms.validators import ValidationError

from core.toolkit import (DmyDateField, IdEqualFilter, KeyedFilters, ScopedModelView, access_context, current_state, keyed,
                          users_with_permission)
from plugins.onestop.admin.common import UnitFormMixin
from plugins.onestop.models import Field, Procedure, ProcedureDocument, ProcedureStep
from plugins.onestop.models.catalogue import LIMIT_KINDS, ONLINE_LEVELS, ONLINE_MODES, SUPPLEMENT_POLICIES
from plugins.onestop.services.catalogue import ProcedureSpec
from plugins.onestop.services.workflow import PROCESS


def step_handler_choices() -> list:
    """Handlers of the units whose catalogue the user manages: the choices for a step's default handler."""
    session = current_state().db.session()
    found = {u.id: u for unit_id in access_context().units_with("onestop.catalogue.manage")
             for u in users_with_permission(session, PROCESS, unit_id)}
    return sorted(found.values(), key=lambda u: u.username)


def _unit(view, context, model, name):
    return model.unit_id and view.unit_labels().get(model.unit_id, model.unit_id)


class CatalogueView(KeyedFilters, UnitFormMixin, ScopedModelView):
    permission = "onestop.catalogue.read"
    write_permission = "onestop.catalogue.manage"

    def unit_labels(self) -> dict[int, str]:
        from core.toolkit import Unit
        rows = self.session.execute(select(Unit.id, Unit.code).where(Unit.id.in_(self.allowed_unit_ids())))
        return dict(rows.all())


class FieldView(CatalogueView):
    column_list = ("code", "name", "unit_id")
    column_labels = {"code": "Mã lĩnh vực", "name": "Tên lĩnh vực", "unit_id": "Đơn vị"}
    column_searchable_list = ("code", "name")
    column_sortable_list = ("code", "name")
    column_default_sort = "code"
    column_formatters = {"unit_id": _unit}
    column_export_list = ("code", "name")
    form_columns = form_rules = ("unit_id", "code", "name")
    form_args = {"code": {"description": "Ví dụ: LV01"}}

    def get_empty_list_message(self):
        return ("Chưa có lĩnh vực nào" + (" khớp với điều kiện tìm" if request.args else "") +
                ". Bấm “Tạo mới” để thêm lĩnh vực, hoặc nhập danh mục từ tệp Excel/CSV.")

    def on_model_delete(self, model):
        super().on_model_delete(model)
        used = self.session.scalar(select(func.count(Procedure.id)).where(Procedure.field_id == model.id))
        if used:
            raise ValidationError(f"Lĩnh vực “{model.name}” còn {used} thủ tục; chuyển hoặc xoá các thủ tục trước.")


def field_options(view) -> list[tuple[str, str]]:
    """The fields of the units the user sees, for a filter's choices."""
    rows = view.session.execute(select(Field.id, Field.name).where(Field.unit_id.in_(list(view.allowed_unit_ids())))
                                .order_by(Field.name))
    return [(str(i), n) for i, n in rows]


class ProcedureView(CatalogueView):
    column_list = ("national_code", "name", "field", "time_limit", "online_mode", "active")
    column_labels = {
        "national_code": "Mã thủ tục", "name": "Tên thủ tục", "field": "Lĩnh vực", "authority": "Cơ quan giải quyết",
        "time_limit": "Thời hạn", "limit_kind": "Đơn vị thời hạn", "online_time_limit": "Thời hạn khi nộp trực tuyến",
        "fee": "Phí, lệ phí (đồng)", "fee_note": "Ghi chú phí", "online_level": "Mức độ (cũ)",
        "online_mode": "Dịch vụ công trực tuyến", "supplement_policy": "Khi bổ sung hồ sơ", "active": "Đang áp dụng",
        "documents": "Thành phần hồ sơ", "steps": "Các bước xử lý", "unit_id": "Đơn vị",
        "published_on": "Ngày công bố",
    }
    column_searchable_list = ("national_code", "name")
    column_sortable_list = ("national_code", "name", "time_limit")
    column_default_sort = "national_code"
    column_formatters = {
        "time_limit": lambda v, c, m, n: f"{m.time_limit} {LIMIT_KINDS.get(m.limit_kind, m.limit_kind)}",
        "online_mode": lambda v, c, m, n: f"{ONLINE_MODES.get(m.online_mode, m.online_mode)} "
                                          f"({ONLINE_LEVELS.get(m.online_level, m.online_level)})",
    }
    column_export_list = ("national_code", "name", "field", "authority", "time_limit", "limit_kind", "fee")
    form_columns = form_rules = ("unit_id", "field", "national_code", "name", "authority", "time_limit", "limit_kind",
                    "online_time_limit", "fee", "fee_note", "online_level", "online_mode", "supplement_policy",
                    "published_on", "active", "documents", "steps")
    form_overrides = {"limit_kind": SelectField, "online_level": SelectField, "online_mode": SelectField,
                      "supplement_policy": SelectField, "published_on": DmyDateField}
    form_args = {
        "limit_kind": {"choices": list(LIMIT_KINDS.items())},
        "online_level": {"choices": list(ONLINE_LEVELS.items())},
        "online_mode": {"choices": list(ONLINE_MODES.items()), "label": "Dịch vụ công trực tuyến"},
        "supplement_policy": {"choices": list(SUPPLEMENT_POLICIES.items())},
        "national_code": {"description": "Mã trên Cơ sở dữ liệu quốc gia về thủ tục hành chính, ví dụ 1.000123"},
        "online_time_limit": {"description": "Để trống nếu như khi nộp trực tiếp"},
        "published_on": {"description": "Ngày quyết định công bố thủ tục (dd/mm/yyyy)"},
    }
    inline_models = (
        (ProcedureDocument, {"form_columns": ("id", "position", "name", "originals", "certified_copies", "copies"),
                             "column_labels": {"position": "Thứ tự", "name": "Tên giấy tờ", "originals": "Bản chính",
                                               "certified_copies": "Bản sao chứng thực", "copies": "Bản sao"},
                             "form_label": "Thành phần hồ sơ"}),
        (ProcedureStep, {"form_columns": ("id", "position", "name", "share_percent", "handler"),
                         "column_labels": {"position": "Thứ tự", "name": "Tên bước",
                                           "share_percent": "Tỷ lệ thời gian (%)", "handler": "Cán bộ xử lý mặc định"},
                         "form_args": {"handler": {"query_factory": step_handler_choices,
                                                   "allow_blank": True, "blank_text": "— chọn khi chuyển xử lý —"}},
                         "form_label": "Các bước xử lý"}),
    )

    column_filters = (
        keyed(IdEqualFilter(Procedure.field_id, "Lĩnh vực"), "field"),
        keyed(FilterEqual(Procedure.online_mode, "Dịch vụ công trực tuyến", options=list(ONLINE_MODES.items())),
              "online_mode"),
        keyed(BooleanEqualFilter(Procedure.active, "Đang áp dụng"), "active"),
    )

    def filter_options(self):
        return {"field": lambda: field_options(self)}

    def get_empty_list_message(self):
        return ("Chưa có thủ tục nào" + (" khớp với điều kiện tìm" if request.args else "") +
                ". Tạo lĩnh vực trước, rồi bấm “Tạo mới” để thêm thủ tục.")

    def _fields_for_form(self, form):
        allowed = list(self.allowed_unit_ids(write=True))
        form.field.query_factory = lambda: (self.session.query(Field).filter(Field.unit_id.in_(allowed))
                                            .order_by(Field.name))
        return form

    def create_form(self, obj=None):
        return self._fields_for_form(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._fields_for_form(super().edit_form(obj))

    def on_model_change(self, form, model, is_created):
        if model.field is not None and model.field.unit_id != model.unit_id:
            raise ValidationError("Lĩnh vực phải thuộc cùng đơn vị với thủ tục")
        for child in [*model.documents, *model.steps]:
            child.unit_id = model.unit_id
        spec = ProcedureSpec(model.national_code or "", model.name or "", "", model.time_limit, model.limit_kind,
                             model.online_time_limit, model.authority or "", float(model.fee) if model.fee else None,
                             model.fee_note or "", model.online_level, model.online_mode or "",
                             model.supplement_policy, steps=[(s.name, s.share_percent or 0) for s in model.steps])
        problems = spec.problems()
        handlers = {u.id for u in users_with_permission(self.session, PROCESS, model.unit_id)} if model.unit_id else set()
        problems += [f"bước “{s.name}”: cán bộ {s.handler.username} không giữ vai trò xử lý hồ sơ tại đơn vị"
                     for s in model.steps if s.handler is not None and s.handler.id not in handlers]
        if problems:
            raise ValidationError("Thủ tục chưa hợp lệ: " + "; ".join(problems))
        super().on_model_change(form, model, is_created)
