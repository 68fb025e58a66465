"""Documented information in the back office: the register, each document's versions, approval, publication."""
from __future__ import annotations

import io

from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import BooleanEqualFilter, FilterEqual
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from core.toolkit import keyed, KeyedFilters, parse_id, ScopedModelView, ServiceError, UnitTree
from plugins.iso9001.admin.common import IsoView, badge, link
from plugins.iso9001.models import Document, DocumentVersion
from plugins.iso9001.models.system import DOCUMENT_KINDS, VERSION_STATUSES
from plugins.iso9001.services import documents as service
from plugins.iso9001.services.files import ALLOWED_LABEL

READ, MANAGE = "iso9001.read", "iso9001.system.manage"
MAX_MB = 10


def _code(view, context, model, name):
    return link(url_for(".document_view", document_id=model.id), model.code)


def _current(view, context, model, name):
    current = model.current
    return f"Lần {current.number} từ {current.effective_date:%d/%m/%Y}" if current and current.effective_date else "—"


class DocumentView(IsoView, KeyedFilters, ScopedModelView):
    permission, write_permission = READ, MANAGE
    can_view_details = False
    column_list = ("code", "title", "kind", "unit", "owner", "current", "published")
    column_labels = {"code": "Mã", "title": "Tên tài liệu", "kind": "Loại", "unit": "Đơn vị", "owner": "Người quản lý",
                     "current": "Phiên bản hiện hành", "published": "Công khai", "retention": "Thời hạn lưu (hồ sơ)"}
    column_formatters = {"code": _code, "current": _current, "kind": lambda v, c, m, n: DOCUMENT_KINDS.get(m.kind, m.kind),
                         "published": lambda v, c, m, n: "Có" if m.published else "Không"}
    column_searchable_list = ("code", "title")
    column_sortable_list = ("code", "title", "kind")
    column_default_sort = "code"
    column_filters = (keyed(FilterEqual(Document.kind, "Loại", options=list(DOCUMENT_KINDS.items())), "kind"),
                      keyed(BooleanEqualFilter(Document.published, "Công khai"), "published"))
    form_columns = ("unit", "code", "title", "kind", "owner", "retention")
    form_overrides = {"kind": SelectField}
    form_args = {"kind": {"choices": [SelectChoice(k, v) for k, v in DOCUMENT_KINDS.items()]},
                 "code": {"description": "Ví dụ: QT-05 (quy trình), BM-01 (biểu mẫu)"}}

    def search_placeholder(self):
        return "Mã hoặc tên tài liệu"

    def get_empty_list_message(self):
        return ("Chưa có tài liệu nào. Bấm “Tạo mới” để đăng ký quy trình, biểu mẫu, hồ sơ; sau đó thêm lần ban hành, "
                "phê duyệt và công khai lên trang ISO.")

    def readable_unit_ids(self) -> set[int]:
        """The user's units and their ancestors: a department applies, so reads, its office's documents."""
        units = set(self.allowed_unit_ids())
        tree = UnitTree.load(self.session)
        return units.union(*(tree.ancestors(u) for u in units)) if units else units

    def scope(self, query, write: bool = False):
        if write:
            return super().scope(query, write=True)
        return query.filter(Document.unit_id.in_(self.readable_unit_ids()))

    def record(self, model, record_id):
        number = parse_id(record_id)
        found = self.session.get(model, number) if number is not None else None
        if found is None or found.unit_id not in self.readable_unit_ids():
            abort(404)
        return found

    def _limit_owners(self, form):
        units = self.allowed_unit_ids(write=True)
        form.owner.query_factory = lambda: self.people_in(units, READ)
        return form

    def create_form(self, obj=None):
        return self._limit_owners(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._limit_owners(super().edit_form(obj))

    def on_model_change(self, form, model, is_created):
        with self.session.no_autoflush:
            service.validate_document(self.session, model)
        super().on_model_change(form, model, is_created)

    def on_model_delete(self, model):
        super().on_model_delete(model)
        service.check_deletable(model)

    def get_save_return_url(self, model, is_created=False):
        return url_for(".document_view", document_id=model.id)

    # -- the document page -----------------------------------------------------------------------------------
    @expose("/document/<document_id>")
    def document_view(self, document_id):
        doc = self.record(Document, document_id)
        return self.render("iso9001/admin/document.html", doc=doc, statuses=VERSION_STATUSES, kinds=DOCUMENT_KINDS,
                           can_manage=self.can(MANAGE, doc.unit_id), badge=badge, max_mb=MAX_MB,
                           allowed=ALLOWED_LABEL)

    @expose("/document/<document_id>/version", methods=["POST"])
    def version_new(self, document_id):
        doc = self.record(Document, document_id)
        self.require(MANAGE, doc.unit_id)
        upload = request.files.get("file")
        try:
            version = service.add_version(self.session, doc, number=request.form.get("number", ""),
                                          change_summary=request.form.get("change_summary", ""),
                                          filename=upload.filename if upload else "",
                                          data=upload.read() if upload and upload.filename else b"", max_mb=MAX_MB)
            self.session.commit()
            flash(f"Đã thêm dự thảo lần ban hành {version.number}; phê duyệt để có hiệu lực.", "success")
        except ServiceError as exc:
            self.fail(exc)
        return redirect(url_for(".document_view", document_id=doc.id))

    def _version(self, version_id) -> DocumentVersion:
        return self.record(DocumentVersion, version_id)

    @expose("/version/<version_id>/approve", methods=["POST"])
    def version_approve(self, version_id):
        version = self._version(version_id)
        self.require(MANAGE, version.unit_id)
        try:
            service.approve_version(self.session, version, self.user_id, request.form.get("effective_date", ""),
                                    self.today())
            self.session.commit()
            flash(f"Đã phê duyệt lần ban hành {version.number}; bản trước (nếu có) được lưu là hết hiệu lực.", "success")
        except ServiceError as exc:
            self.fail(exc)
        return redirect(url_for(".document_view", document_id=version.document_id))

    @expose("/version/<version_id>/delete", methods=["GET", "POST"])
    def version_delete(self, version_id):
        version = self._version(version_id)
        self.require(MANAGE, version.unit_id)
        back = url_for(".document_view", document_id=version.document_id)
        if request.method == "GET":
            return self.render("iso9001/admin/confirm.html", title=f"Xoá dự thảo lần ban hành {version.number}?",
                               message="Dự thảo chưa phê duyệt sẽ bị xoá; thao tác được ghi nhật ký.",
                               action=request.path, button="Xoá dự thảo", back=back)
        try:
            service.delete_draft(self.session, version)
            self.session.commit()
            flash("Đã xoá dự thảo.", "success")
        except ServiceError as exc:
            self.fail(exc)
        return redirect(back)

    @expose("/version/<version_id>/file")
    def version_file(self, version_id):
        version = self._version(version_id)
        if not version.data:
            abort(404)
        return send_file(io.BytesIO(version.data), mimetype=version.content_type, as_attachment=True,
                         download_name=version.filename)

    @expose("/document/<document_id>/publish", methods=["POST"])
    def document_publish(self, document_id):
        doc = self.record(Document, document_id)
        self.require(MANAGE, doc.unit_id)
        try:
            service.set_published(self.session, doc, request.form.get("published") == "1")
            self.session.commit()
            flash("Đã công khai trên trang ISO." if doc.published else "Đã gỡ khỏi trang ISO.", "success")
        except ServiceError as exc:
            self.fail(exc)
        return redirect(url_for(".document_view", document_id=doc.id))
