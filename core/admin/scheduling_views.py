"""The "Kế hoạch & lịch" menu: plans and tasks, the shared calendar (month and week), the personal .ics feed."""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select

from core.admin.plan_views import PlanView, office_today, programme_label
from core.app import access_context, current_state
from core.models import Plan, Unit, User
from core.scheduling.feed_tokens import active_token, issue_token, revoke_tokens
from core.scheduling.plans import parse_date
from core.scheduling.shared_calendar import (by_day, days_off_between, gather_events, month_weeks, shift_month,
                                             week_of)
from core.services import ServiceError

SCHEDULING_CATEGORY = "Kế hoạch & lịch"
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


class _LoggedInPage(BaseView):
    """A page for any logged-in user; it shows only what concerns the user's own units."""

    def is_accessible(self) -> bool:
        return current_user.is_authenticated

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path))
        abort(404)

    @staticmethod
    def _session():
        return current_state().db.session()


class SharedCalendarPage(_LoggedInPage):
    """Deadlines and events of every programme enabled for the user's units, plus the core's task deadlines."""

    def is_accessible(self) -> bool:
        return super().is_accessible() and bool(access_context().member_units)

    def _day(self) -> date:
        raw = request.args.get("date", "")
        try:
            return parse_date(raw, "Ngày") or office_today()
        except ServiceError as exc:
            flash(f"{exc} — đang hiển thị hôm nay.", "error")
            return office_today()

    @expose("/")
    def index(self):
        session = self._session()
        access = access_context()
        mode = "week" if request.args.get("view") == "week" else "month"
        day, today = self._day(), office_today()
        units = list(session.scalars(select(Unit).where(Unit.id.in_(access.member_units)).order_by(Unit.code)))
        chosen = request.args.get("unit", "")
        shown = [u for u in units if str(u.id) == chosen] or units
        if mode == "month":
            weeks = month_weeks(day.year, day.month)
            previous, following, title = shift_month(day, -1), shift_month(day, 1), f"Tháng {day.month}/{day.year}"
        else:
            weeks = [week_of(day)]
            previous, following = day - timedelta(days=7), day + timedelta(days=7)
            title = f"Tuần {weeks[0][0]:%d/%m/%Y} – {weeks[0][-1]:%d/%m/%Y}"
        start, end = weeks[0][0], weeks[-1][-1]
        task_units = access.units_with("core.plans.read") & {u.id for u in shown}
        events = gather_events(session, start, end, shown, task_units,
                               task_url=lambda task: url_for("plans.task_view", task_id=task.id))
        labels = {name: programme_label(name) for name in {e.plugin for e in events if e.plugin}}
        return self.render("admin/cchc_calendar.html", mode=mode, day=day, today=today, weeks=weeks, title=title,
                           previous=previous, following=following, events=by_day(events), count=len(events),
                           days_off=days_off_between(session, start, end, str(get_locale() or "vi")),
                           weekdays=WEEKDAYS, units=units,
                           chosen=chosen, labels=labels)


class CalendarFeedPage(_LoggedInPage):
    """Create or revoke the secret address of the user's personal iCalendar feed."""

    def _render(self, feed_url: str | None = None):
        token = active_token(self._session(), current_user)
        return self.render("admin/cchc_calendar_feed.html", token=token, feed_url=feed_url)

    @expose("/")
    def index(self):
        return self._render()

    @expose("/new", methods=["POST"])
    def create(self):
        session = self._session()
        user = session.get(User, current_user.id)
        raw = issue_token(session, user)
        session.commit()
        flash("Đã tạo đường dẫn lịch mới; đường dẫn cũ (nếu có) không còn dùng được.", "success")
        return self._render(url_for("core_feeds.calendar_feed", token=raw, _external=True))

    @expose("/revoke", methods=["GET", "POST"])
    def revoke(self):
        if request.method == "GET":
            return self.render("admin/cchc_plan_confirm.html", title="Thu hồi đường dẫn lịch cá nhân?",
                               message="Các ứng dụng (Outlook, điện thoại) đang đăng ký đường dẫn này sẽ không nhận "
                                       "được lịch nữa. Bạn có thể tạo đường dẫn mới bất cứ lúc nào.",
                               action=url_for(".revoke"), button="Xác nhận thu hồi", back=url_for(".index"))
        session = self._session()
        count = revoke_tokens(session, session.get(User, current_user.id))
        session.commit()
        flash("Đã thu hồi đường dẫn lịch cá nhân." if count else "Bạn chưa có đường dẫn lịch nào để thu hồi.",
              "success" if count else "info")
        return redirect(url_for(".index"))


from core.admin.calendar_views import CalendarOverrideView, UnitWorkingHoursView  # noqa: E402
from core.models import CalendarOverride, UnitWorkingHours  # noqa: E402


def scheduling_views(session) -> list:
    views = [
        PlanView(Plan, session, name="Kế hoạch", endpoint="plans"),
        SharedCalendarPage(name="Lịch chung", endpoint="shared_calendar", url="/admin/calendar"),
        CalendarFeedPage(name="Lịch cá nhân (.ics)", endpoint="calendar_feed", url="/admin/calendar_feed"),
        CalendarOverrideView(CalendarOverride, session, name="Ngày nghỉ, ngày làm bù", endpoint="calendar_overrides"),
        UnitWorkingHoursView(UnitWorkingHours, session, name="Giờ làm việc của đơn vị", endpoint="unit_hours"),
    ]
    for view in views:
        view.category = SCHEDULING_CATEGORY
    return views
