"""The back-office catalogue import page: upload, a row-by-row preview, then import all or nothing.

The confirmed file travels back in the form (base64) and is checked again before anything is written.
"""
from __future__ import annotations

import base64
import binascii

from flask import flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice

from core.toolkit import ScopedAccessMixin, Unit, current_state
from plugins.onestop import importer


class ImportForm(FlaskForm):
    unit = SelectField("Đơn vị", coerce=str)
    file = FileField("Tệp danh mục (.xlsx hoặc .csv)")
    payload = HiddenField()
    filename = HiddenField()


class CatalogueImportView(ScopedAccessMixin, BaseView):
    """Nhập danh mục thủ tục hành chính từ tệp .xlsx/.csv."""

    permission = "onestop.catalogue.manage"

    def __init__(self, name: str = "Nhập danh mục thủ tục", endpoint: str = "onestop_import",
                 **kwargs):
        super().__init__(name=name, endpoint=endpoint, **kwargs)

    def _form(self) -> tuple[ImportForm, dict[str, Unit]]:
        session = current_state().db.session()
        units = {str(u.id): u for u in session.scalars(
            select(Unit).where(Unit.id.in_(self.allowed_unit_ids(write=True))).order_by(Unit.code))}
        form = ImportForm()
        form.unit.choices = [SelectChoice(k, f"{u.code} – {u.name}") for k, u in units.items()]
        return form, units

    @expose("/", methods=["GET", "POST"])
    def index(self):
        form, units = self._form()
        report = None
        if request.method == "POST":
            if not form.validate_on_submit() or form.unit.data not in units:
                flash("Biểu mẫu không hợp lệ (thiếu mã bảo vệ hoặc đơn vị không được phép); vui lòng thử lại.", "error")
                return self.render("onestop/import/catalogue_import.html", form=form, report=None,
                                   columns=importer.COLUMNS, required=importer.REQUIRED), 400
            unit = units[form.unit.data]
            confirming = "confirm" in request.form
            read = self._confirmed_file(form) if confirming else self._uploaded_file(form)
            if read is None:
                return self.render("onestop/import/catalogue_import.html", form=form, report=None,
                                   columns=importer.COLUMNS, required=importer.REQUIRED), 400
            filename, data = read
            session = current_state().db.session()
            report = importer.preview(session, unit.id, filename, data)
            if confirming and report.ok:
                counts = importer.apply(session, unit.id, report)
                session.commit()
                flash(f"Đã nhập danh mục vào đơn vị {unit.code}: thêm mới {counts['created']}, cập nhật "
                      f"{counts['updated']} thủ tục; tạo {counts['fields']} lĩnh vực.", "success")
                return redirect(url_for(".index"))
            session.rollback()
            form.payload.data = base64.b64encode(data).decode() if report.ok else ""
            form.filename.data = filename
        return self.render("onestop/import/catalogue_import.html", form=form, report=report,
                           columns=importer.COLUMNS, required=importer.REQUIRED)

    @staticmethod
    def _uploaded_file(form: ImportForm) -> tuple[str, bytes] | None:
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash("Chọn tệp danh mục (.xlsx hoặc .csv) để kiểm tra.", "error")
            return None
        return upload.filename, upload.read()

    @staticmethod
    def _confirmed_file(form: ImportForm) -> tuple[str, bytes] | None:
        try:
            data = base64.b64decode(form.payload.data or "", validate=True)
        except (binascii.Error, ValueError):
            data = b""
        if not data or not form.filename.data:
            flash("Không còn nội dung tệp đã kiểm tra; vui lòng tải tệp lên lại.", "error")
            return None
        return form.filename.data, data
