"""Task pages of the plan view: add, edit, delete tasks; upload, download and remove attachments.

A task is seen by readers of its plan's issuing unit or of its owner unit, and by its assigned person.
It is changed by managers of either unit; its assigned person may report status, progress, evidence and
attachments. Anything else answers 404.
"""
from __future__ import annotations

import io

from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select

from core.admin.plan_forms import TaskForm
from core.models import Membership, PlanTask, TaskAttachment, User
from core.scheduling.tasks import (ALLOWED_LABEL, MAX_ATTACHMENT_BYTES, add_attachment, add_task, delete_task,
                                   remove_attachment, unit_choices, update_task)
from core.services import ServiceError
from core.services.units import UnitTree


class TaskPagesMixin:
    """Mixed into ``PlanView``; relies on its ``session``, ``allowed_unit_ids``, ``_plan`` and ``render``."""

    # -- access ----------------------------------------------------------------------------------------------------
    def _task(self, task_id: int) -> PlanTask:
        task = self.session().get(PlanTask, task_id)
        if task is None:
            abort(404)
        mine = task.owner_user_id is not None and task.owner_user_id == current_user.id
        if not mine and not ({task.plan.unit_id, task.unit_id} & self.allowed_unit_ids()):
            abort(404)
        return task

    def _task_rights(self, task: PlanTask) -> tuple[bool, bool]:
        """(may change every field, may report progress only)."""
        full = bool({task.plan.unit_id, task.unit_id} & self.allowed_unit_ids(write=True))
        own = task.owner_user_id is not None and task.owner_user_id == current_user.id
        return full, own and not full

    def _form(self, plan, task=None) -> TaskForm:
        session = self.session()
        owners, targets = unit_choices(session, plan)
        units = UnitTree.load(session).subtree(plan.unit_id)
        users = list(session.scalars(select(User).join(Membership, Membership.user_id == User.id)
                                     .where(Membership.unit_id.in_(units), User.active.is_(True))
                                     .distinct().order_by(User.username)))
        if task is not None and task.owner is not None and task.owner not in users:
            users.append(task.owner)
        form = TaskForm() if request.method == "POST" else TaskForm(formdata=None)
        if request.method != "POST" and task is not None:
            form.load(task)
        elif request.method != "POST":
            form.unit_id.data = plan.unit_id
        return form.fill_choices(owners, targets, users)

    def _form_errors(self, form: TaskForm) -> bool:
        if form.validate():
            return False
        for name, errors in form.errors.items():
            label = getattr(form, name).label.text if hasattr(form, name) else name
            for error in errors:
                flash(error if str(error).startswith(str(label)) else f"{label}: {error}", "error")
        return True

    # -- tasks -----------------------------------------------------------------------------------------------------
    @expose("/plan/<int:plan_id>/task/new", methods=["GET", "POST"])
    def task_new(self, plan_id: int):
        plan = self._plan(plan_id, write=True)
        form = self._form(plan)
        if request.method == "POST" and not self._form_errors(form):
            session = self.session()
            try:
                task = add_task(session, plan, **form.values(plan.kind == "inspection"))
                session.commit()
            except ServiceError as exc:
                session.rollback()
                flash(str(exc), "error")
            else:
                flash(f"Đã thêm nhiệm vụ “{task.title}”.", "success")
                return redirect(url_for(".plan_view", plan_id=plan_id))
        return self.render("admin/cchc_task_form.html", plan=self._plan(plan_id), task=None, form=form, full=True,
                           report_only=False, max_mb=MAX_ATTACHMENT_BYTES // 1048576, allowed=ALLOWED_LABEL)

    @expose("/task/<int:task_id>", methods=["GET", "POST"])
    def task_view(self, task_id: int):
        task = self._task(task_id)
        full, report_only = self._task_rights(task)
        form = self._form(task.plan, task)
        if request.method == "POST":
            if not (full or report_only):
                abort(404)
            if not self._form_errors(form):
                session = self.session()
                try:
                    update_task(session, task, **form.values(task.plan.kind == "inspection", report_only))
                    session.commit()
                except ServiceError as exc:
                    session.rollback()
                    flash(str(exc), "error")
                else:
                    flash(f"Đã lưu nhiệm vụ “{task.title}”.", "success")
                    return redirect(url_for(".task_view", task_id=task_id))
            task = self._task(task_id)
        plan_visible = task.plan.unit_id in self.allowed_unit_ids()
        return self.render("admin/cchc_task_form.html", plan=task.plan, task=task, form=form, full=full,
                           report_only=report_only, plan_visible=plan_visible,
                           max_mb=MAX_ATTACHMENT_BYTES // 1048576, allowed=ALLOWED_LABEL)

    @expose("/task/<int:task_id>/delete", methods=["GET", "POST"])
    def task_delete(self, task_id: int):
        task = self._task(task_id)
        if not self._task_rights(task)[0]:
            abort(404)
        if request.method == "GET":
            return self.render("admin/cchc_plan_confirm.html", title=f"Xoá nhiệm vụ “{task.title}”?",
                               message="Nhiệm vụ và các tệp đính kèm của nó sẽ bị xoá; thao tác này được ghi nhật ký "
                                       "và không hoàn tác được.",
                               action=url_for(".task_delete", task_id=task_id), button="Xác nhận xoá",
                               back=url_for(".task_view", task_id=task_id))
        plan_id, session = task.plan_id, self.session()
        try:
            delete_task(session, task)
            session.commit()
        except ServiceError as exc:
            session.rollback()
            flash(str(exc), "error")
            return redirect(url_for(".task_view", task_id=task_id))
        flash("Đã xoá nhiệm vụ.", "success")
        return redirect(url_for(".plan_view", plan_id=plan_id))

    # -- attachments -----------------------------------------------------------------------------------------------
    @expose("/task/<int:task_id>/attachments", methods=["POST"])
    def attachment_upload(self, task_id: int):
        task = self._task(task_id)
        if not any(self._task_rights(task)):
            abort(404)
        upload = request.files.get("file")
        session = self.session()
        try:
            if upload is None or not upload.filename:
                raise ServiceError("Chưa chọn tệp để tải lên (no file chosen)")
            attachment = add_attachment(session, task, upload.filename, upload.read())
            session.commit()
        except ServiceError as exc:
            session.rollback()
            flash(str(exc), "error")
        else:
            flash(f"Đã đính kèm tệp “{attachment.filename}”.", "success")
        return redirect(url_for(".task_view", task_id=task_id))

    def _attachment(self, attachment_id: int) -> tuple[TaskAttachment, PlanTask]:
        attachment = self.session().get(TaskAttachment, attachment_id)
        if attachment is None:
            abort(404)
        return attachment, self._task(attachment.task_id)

    @expose("/attachment/<int:attachment_id>")
    def attachment_download(self, attachment_id: int):
        attachment, _task = self._attachment(attachment_id)
        response = send_file(io.BytesIO(attachment.data), mimetype=attachment.content_type, as_attachment=True,
                             download_name=attachment.filename)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @expose("/attachment/<int:attachment_id>/delete", methods=["GET", "POST"])
    def attachment_delete(self, attachment_id: int):
        attachment, task = self._attachment(attachment_id)
        if not any(self._task_rights(task)):
            abort(404)
        if request.method == "GET":
            return self.render("admin/cchc_plan_confirm.html", title=f"Xoá tệp “{attachment.filename}”?",
                               message=f"Tệp đính kèm của nhiệm vụ “{task.title}” sẽ bị xoá "
                                       "(thao tác được ghi nhật ký).",
                               action=url_for(".attachment_delete", attachment_id=attachment_id),
                               button="Xác nhận xoá tệp", back=url_for(".task_view", task_id=task.id))
        session = self.session()
        try:
            remove_attachment(session, attachment)
            session.commit()
        except ServiceError as exc:
            session.rollback()
            flash(str(exc), "error")
        else:
            flash(f"Đã xoá tệp “{attachment.filename}”.", "success")
        return redirect(url_for(".task_view", task_id=task.id))
