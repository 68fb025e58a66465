"""Management reviews in the back office: the list, a new review (inputs gathered on creation), its page with
the inputs, decisions and closing."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual

from core.toolkit import DayFrom, DayTo, keyed, KeyedFilters, parse_id, ScopedModelView, ServiceError, Unit
from plugins.iso9001.admin.common import IsoView, badge, link
from plugins.iso9001.models import Review
from plugins.iso9001.models.audits import ANSWERS, AUDIT_STATUSES
from plugins.iso9001.models.improvement import DECISION_TOPICS, REVIEW_STATUSES, STAGES
from plugins.iso9001.services import reviews as service
from plugins.iso9001.services.common import display_name

READ, MANAGE = "iso9001.read", "iso9001.reviews.manage"


class ReviewView(IsoView, KeyedFilters, ScopedModelView):
    permission, write_permission = READ, MANAGE
    allow_create = allow_edit = allow_delete = False  # through the review pages; a review is a record to keep
    can_view_details = False
    list_template = "iso9001/admin/review_list.html"
    column_list = ("held_on", "title", "unit", "chair", "status")
    column_labels = {"held_on": "Ngày họp", "title": "Cuộc xem xét", "unit": "Đơn vị", "chair": "Chủ trì",
                     "status": "Trạng thái"}
    column_formatters = {"title": lambda v, c, m, n: link(url_for(".review_view", review_id=m.id), m.title),
                         "status": lambda v, c, m, n: badge("done" if m.status == "done" else "open", REVIEW_STATUSES)}
    column_searchable_list = ("title", "participants")
    column_sortable_list = ("held_on",)
    column_default_sort = ("held_on", True)
    column_filters = (keyed(FilterEqual(Review.status, "Trạng thái", options=list(REVIEW_STATUSES.items())), "status"),
                      keyed(DayFrom(Review.held_on, "Ngày họp"), "from"), keyed(DayTo(Review.held_on, "Ngày họp"), "to"))

    def search_placeholder(self):
        return "Tên cuộc xem xét, thành phần"

    def get_empty_list_message(self):
        return ("Chưa có cuộc xem xét của lãnh đạo nào. Hệ thống phải được lãnh đạo xem xét ít nhất mỗi năm một lần; "
                "bấm “Tổ chức xem xét” – đầu vào được tổng hợp tự động.")

    def render(self, template, **kwargs):
        if template == self.list_template:
            session, today = self.session, self.today()
            kwargs["can_new"] = bool(self.units_with(MANAGE))
            kwargs["missing"] = [u for u in service.qms_top_units(session, self.allowed_unit_ids())
                                 if service.review_missing(session, u, today)]
            kwargs["year"] = today.year
        return super().render(template, **kwargs)

    @expose("/create/", methods=["GET", "POST"])
    def review_new(self):
        units = self.units_with(MANAGE)
        if not units:
            return redirect(url_for(".index_view"))
        form = request.form
        if request.method == "POST":
            unit_id = parse_id(form.get("unit_id", ""))
            try:
                if unit_id not in units:
                    raise ServiceError("Cần chọn đơn vị (unit required)")
                review = service.create_review(
                    self.session, self.session.get(Unit, unit_id), held_on=form.get("held_on", ""),
                    title=form.get("title", ""), chair=form.get("chair", ""), participants=form.get("participants", ""),
                    period_start=form.get("period_start", ""), period_end=form.get("period_end", ""),
                    today=self.today())
                self.session.commit()
                flash("Đã tạo cuộc xem xét và tổng hợp đầu vào.", "success")
                return redirect(url_for(".review_view", review_id=review.id))
            except ServiceError as exc:
                self.fail(exc)
        return self.render("iso9001/admin/review_new.html", units=self.unit_options(units), form=form,
                           today=self.today())

    @expose("/review/<review_id>")
    def review_view(self, review_id):
        review = self.record(Review, review_id)
        return self.render("iso9001/admin/review.html", review=review, inputs=review.inputs or {}, answers=ANSWERS,
                           audit_statuses=AUDIT_STATUSES, stages=STAGES, topics=DECISION_TOPICS, badge=badge,
                           statuses=REVIEW_STATUSES, display_name=display_name,
                           can_manage=review.status == "open" and self.can(MANAGE, review.unit_id),
                           owners=self.people(READ, review.unit_id))

    def _do(self, review: Review, work, done: str):
        self.require(MANAGE, review.unit_id)
        try:
            work()
            self.session.commit()
            flash(done, "success")
        except ServiceError as exc:
            self.fail(exc)
        return redirect(url_for(".review_view", review_id=review.id))

    @expose("/review/<review_id>/refresh", methods=["POST"])
    def review_refresh(self, review_id):
        review = self.record(Review, review_id)
        return self._do(review, lambda: service.refresh_inputs(self.session, review, self.today()),
                        "Đã tổng hợp lại đầu vào.")

    @expose("/review/<review_id>/decision", methods=["POST"])
    def review_decision(self, review_id):
        review = self.record(Review, review_id)
        form = request.form
        return self._do(review, lambda: service.add_decision(
            self.session, review, decision=form.get("decision", ""), topic=form.get("topic", "improvement"),
            owner_id=form.get("owner_id", ""), due_date=form.get("due_date", "")), "Đã ghi quyết định.")

    @expose("/review/<review_id>/close", methods=["POST"])
    def review_close(self, review_id):
        review = self.record(Review, review_id)
        return self._do(review, lambda: service.close_review(self.session, review, notes=request.form.get("notes", ""),
                                                             today=self.today()), "Đã kết thúc cuộc xem xét.")
