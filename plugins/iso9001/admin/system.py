"""The quality system in the back office: scope per unit, legal changes, conformity announcements.

Flask-Admin forms collect the input; the services validate it (any refusal is flashed and nothing is saved).
"""
from __future__ import annotations

from flask import request
from flask_admin.contrib.sqla.filters import BooleanEqualFilter, FilterEqual
from markupsafe import Markup, escape
from sqlalchemy import inspect as sa_inspect
from wtforms import TextAreaField

from core.toolkit import DayFrom, DayTo, DmyDateField, keyed, KeyedFilters, PlanTask, ScopedModelView
from plugins.iso9001.admin.common import IsoView
from plugins.iso9001.models import Announcement, Document, LegalChange, Scope
from plugins.iso9001.services import scope as scope_service
from plugins.iso9001.services.documents import register_legal_change

READ, MANAGE = "iso9001.read", "iso9001.system.manage"
YES_NO = {True: "Có", False: "Không"}


def _yes_no(view, context, model, name):
    return YES_NO.get(getattr(model, name), "—")


class ScopeView(IsoView, KeyedFilters, ScopedModelView):
    permission, write_permission = READ, MANAGE
    column_list = ("unit", "in_scope", "covers_all_procedures", "statement", "excluded_clauses", "changed_on")
    column_labels = {"unit": "Đơn vị", "in_scope": "Thuộc phạm vi HTQLCL", "statement": "Mô tả phạm vi",
                     "covers_all_procedures": "Bao trùm mọi thủ tục hành chính của đơn vị",
                     "excluded_clauses": "Điều khoản không áp dụng", "exclusion_reason": "Lý do không áp dụng",
                     "changed_on": "Thay đổi lần cuối"}
    column_formatters = {"in_scope": _yes_no, "covers_all_procedures": _yes_no}
    column_searchable_list = ("statement",)
    column_filters = (keyed(BooleanEqualFilter(Scope.in_scope, "Thuộc phạm vi"), "in_scope"),)
    column_sortable_list = (("unit", "unit.code"), "changed_on")
    form_columns = ("unit", "in_scope", "covers_all_procedures", "statement", "excluded_clauses", "exclusion_reason")
    form_overrides = {"statement": TextAreaField, "exclusion_reason": TextAreaField}
    form_args = {"excluded_clauses": {"description": "Ví dụ: 8.3 (thiết kế và phát triển); để trống nếu áp dụng tất "
                                                     "cả. Cần ghi lý do."},
                 "covers_all_procedures": {"description": "Bắt buộc khi đơn vị thuộc phạm vi (Quyết định "
                                                          "19/2014/QĐ-TTg, điều 3)"}}
    search_placeholder_text = "Mô tả phạm vi"

    def search_placeholder(self):
        return self.search_placeholder_text

    def get_empty_list_message(self):
        return ("Chưa khai báo phạm vi hệ thống quản lý chất lượng cho đơn vị nào. Bấm “Tạo mới” để khai báo; phạm vi "
                "phải bao trùm toàn bộ hoạt động giải quyết thủ tục hành chính của đơn vị.")

    def on_model_change(self, form, model, is_created):
        state = sa_inspect(model)
        changed = is_created or any(state.attrs[f].history.has_changes() for f in scope_service.SCOPE_FIELDS)
        with self.session.no_autoflush:
            scope_service.validate_scope(self.session, model, self.today(), changed)
        super().on_model_change(form, model, is_created)


def _task(view, context, model, name):
    task = view.session.get(PlanTask, model.task_id) if model.task_id else None
    if task is None:
        return "—"
    label = {"open": "Đang thực hiện", "done": "Hoàn thành", "cancelled": "Đã huỷ"}.get(task.status, task.status)
    return Markup(f'<a href="/admin/plans/task/{task.id}">{escape(label)}</a>')


class LegalChangeView(IsoView, KeyedFilters, ScopedModelView):
    """A legal document that changes a process; saving it adds the update task (due +3 months) to the ISO plan."""

    permission, write_permission = READ, MANAGE
    allow_edit = allow_delete = False  # the task in the core plan follows from it; correct the task there
    column_list = ("legal_document", "effective_on", "unit", "document", "due_date", "task")
    column_labels = {"legal_document": "Văn bản pháp luật", "effective_on": "Ngày có hiệu lực", "unit": "Đơn vị",
                     "document": "Quy trình phải cập nhật", "due_date": "Hạn cập nhật", "task": "Nhiệm vụ",
                     "summary": "Nội dung thay đổi"}
    column_formatters = {"task": _task}
    column_searchable_list = ("legal_document", "summary")
    column_sortable_list = ("effective_on", "due_date")
    column_default_sort = ("effective_on", True)
    column_filters = (keyed(DayFrom(LegalChange.due_date, "Hạn cập nhật"), "due_from"),
                      keyed(DayTo(LegalChange.due_date, "Hạn cập nhật"), "due_to"))
    form_columns = ("unit", "legal_document", "effective_on", "document", "summary")
    form_overrides = {"effective_on": DmyDateField, "summary": TextAreaField}
    form_args = {"legal_document": {"description": "Ví dụ: Nghị định 61/2018/NĐ-CP"},
                 "effective_on": {"description": "Hạn cập nhật quy trình được tính tự động theo quy định (3 tháng)"}}

    def search_placeholder(self):
        return "Số, tên văn bản hoặc nội dung"

    def get_empty_list_message(self):
        return ("Chưa ghi nhận văn bản pháp luật mới nào. Khi một văn bản làm thay đổi quy trình, bấm “Tạo mới”: hệ "
                "thống giao nhiệm vụ cập nhật quy trình với hạn 3 tháng trong kế hoạch HTQLCL của năm.")

    def _limit_documents(self, form):
        allowed = self.allowed_unit_ids(write=True)
        form.document.query_factory = lambda: self.session.query(Document).filter(
            Document.unit_id.in_(allowed)).order_by(Document.code)
        return form

    def create_form(self, obj=None):
        return self._limit_documents(super().create_form(obj))

    def on_model_change(self, form, model, is_created):
        register_legal_change(self.session, model)
        super().on_model_change(form, model, is_created)


class AnnouncementView(IsoView, KeyedFilters, ScopedModelView):
    permission, write_permission = READ, MANAGE
    list_template = "iso9001/admin/announcement_list.html"
    column_list = ("number", "announced_on", "unit", "kind", "notice_sent_on", "posted_office_on", "posted_website_on")
    column_labels = {"number": "Số văn bản công bố", "announced_on": "Ngày công bố", "unit": "Đơn vị", "kind": "Loại",
                     "notice_sent_on": "Gửi Sở KH&CN", "notice_reference": "Số văn bản thông báo",
                     "posted_office_on": "Niêm yết tại trụ sở", "posted_website_on": "Đăng trang thông tin điện tử",
                     "scope_text": "Phạm vi công bố", "note": "Ghi chú"}
    column_formatters = {"kind": lambda v, c, m, n: "Công bố lại" if m.kind == "re_announcement" else "Công bố lần đầu"}
    column_searchable_list = ("number", "notice_reference")
    column_sortable_list = ("announced_on", "number")
    column_default_sort = ("announced_on", True)
    column_filters = (keyed(FilterEqual(Announcement.kind, "Loại", options=[("initial", "Công bố lần đầu"),
                                                                          ("re_announcement", "Công bố lại")]), "kind"),)
    form_columns = ("unit", "number", "announced_on", "notice_sent_on", "notice_reference", "posted_office_on",
                    "posted_website_on", "scope_text", "note")
    form_overrides = {"announced_on": DmyDateField, "notice_sent_on": DmyDateField, "posted_office_on": DmyDateField,
                      "posted_website_on": DmyDateField, "scope_text": TextAreaField, "note": TextAreaField}
    form_args = {"scope_text": {"description": "Để trống: lấy từ phạm vi HTQLCL đã khai báo của đơn vị và đơn vị "
                                               "cấp dưới"},
                 "notice_sent_on": {"description": "Thông báo bằng văn bản tới Sở Khoa học và Công nghệ"}}

    def search_placeholder(self):
        return "Số văn bản"

    def get_empty_list_message(self):
        return ("Chưa có công bố nào. Sau khi áp dụng hệ thống và lãnh đạo xác nhận hiệu lực, bấm “Tạo mới” để ghi "
                "quyết định công bố, ngày gửi Sở Khoa học và Công nghệ và ngày niêm yết.")

    def on_model_change(self, form, model, is_created):
        scope_service.validate_announcement(self.session, model)
        super().on_model_change(form, model, is_created)

    def render(self, template, **kwargs):
        if template == self.list_template:
            session = self.session
            units = scope_service.announcing_units(session, self.allowed_unit_ids())
            kwargs["statuses"] = [scope_service.announcement_status(session, u) for u in units]
            in_scope = scope_service.units_in_scope(session, self.allowed_unit_ids())
            kwargs["never"] = bool(in_scope) and not units and not request.args
        return super().render(template, **kwargs)

