"""Checklist templates in the back office: the list, and each template's page where its questions are edited
as text (``clause | question`` per line). Every saved change is a new version; audits keep their copies."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import BooleanEqualFilter

from core.toolkit import keyed, KeyedFilters, parse_id, ScopedModelView, ServiceError, Unit
from plugins.iso9001.admin.common import IsoView, link
from plugins.iso9001.clauses import CLAUSES, DEFAULT_QUESTIONS
from plugins.iso9001.models import Template
from plugins.iso9001.services import templates as service

READ, MANAGE = "iso9001.read", "iso9001.system.manage"


class TemplateView(IsoView, KeyedFilters, ScopedModelView):
    permission, write_permission = READ, MANAGE
    can_view_details = False
    allow_edit = allow_create = False  # created and edited on own pages, where each change becomes a version
    list_template = "iso9001/admin/template_list.html"
    column_list = ("name", "unit", "version", "lines", "active")
    column_labels = {"name": "Tên bộ câu hỏi", "unit": "Đơn vị", "version": "Phiên bản", "lines": "Số câu hỏi",
                     "active": "Đang dùng"}
    column_formatters = {"name": lambda v, c, m, n: link(url_for(".template_view", template_id=m.id), m.name),
                         "lines": lambda v, c, m, n: len(m.lines), "active": lambda v, c, m, n: "Có" if m.active else "Không"}
    column_searchable_list = ("name",)
    column_sortable_list = ("name", "version")
    column_filters = (keyed(BooleanEqualFilter(Template.active, "Đang dùng"), "active"),)

    def search_placeholder(self):
        return "Tên bộ câu hỏi"

    def get_empty_list_message(self):
        return ("Chưa có bộ câu hỏi nào. Bấm “Tạo bộ câu hỏi” để tạo từ cây điều khoản TCVN ISO 9001:2015 với các câu "
                "hỏi mẫu, rồi chỉnh sửa cho phù hợp.")

    def render(self, template, **kwargs):
        if template == self.list_template:
            kwargs["can_new"] = bool(self.units_with(MANAGE))
        return super().render(template, **kwargs)

    @expose("/create/", methods=["GET", "POST"])
    def template_new(self):
        units = self.units_with(MANAGE)
        if not units:
            return redirect(url_for(".index_view"))
        if request.method == "POST":
            unit_id = parse_id(request.form.get("unit_id", ""))
            unit = self.session.get(Unit, unit_id) if unit_id else None
            try:
                if unit is None or unit.id not in units:
                    raise ServiceError("Cần chọn đơn vị (unit required)")
                template = service.create_template(self.session, unit, request.form.get("name", ""),
                                                   DEFAULT_QUESTIONS if request.form.get("seed") else
                                                   [("4.1", "Câu hỏi đầu tiên (hãy sửa)")], user_id=self.user_id)
                self.session.commit()
                flash(f"Đã tạo bộ câu hỏi “{template.name}” ({len(template.lines)} câu).", "success")
                return redirect(url_for(".template_view", template_id=template.id))
            except ServiceError as exc:
                self.fail(exc)
        return self.render("iso9001/admin/template_new.html", units=self.unit_options(units), form=request.form,
                           default_name=service.DEFAULT_NAME)

    @expose("/template/<template_id>", methods=["GET", "POST"])
    def template_view(self, template_id):
        template = self.record(Template, template_id)
        can_manage = self.can(MANAGE, template.unit_id)
        source = None
        if request.method == "POST":
            self.require(MANAGE, template.unit_id)
            source = request.form.get("lines", "")
            try:
                before = template.version
                service.update_template(self.session, template, name=request.form.get("name", ""), source=source,
                                        active=request.form.get("active") == "1", note=request.form.get("note", ""),
                                        user_id=self.user_id, sort=bool(request.form.get("sort")))
                self.session.commit()
                flash(f"Đã lưu phiên bản {template.version}." if template.version != before else "Không có thay đổi.",
                      "success")
                return redirect(url_for(".template_view", template_id=template.id))
            except ServiceError as exc:
                self.fail(exc)
                template = self.record(Template, template_id)
        return self.render("iso9001/admin/template.html", checklist=template, can_manage=can_manage,
                           source=source if source is not None else service.as_text(template), clauses=CLAUSES,
                           form=request.form)
