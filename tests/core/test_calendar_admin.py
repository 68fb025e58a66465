"""The calendar's back-office pages: overrides office-wide, working hours and cut-off per unit."""
from datetime import date, datetime

from sqlalchemy import func, select

from core.models import AuditLog, CalendarOverride, UnitWorkingHours
from core.scheduling.calendar_service import calendar_for, hours_for_unit


def test_admin_adds_an_override_and_a_redundant_one_is_refused(client_for, unit_factory, state):
    admin = client_for("core.admin", unit_factory("VP"))
    redundant = admin.post("/admin/calendar_overrides/new/", data={"day": "07/03/2026", "reason": "thừa"},
                           follow_redirects=True)
    assert "vốn đã là ngày nghỉ" in redundant.get_data(as_text=True)
    created = admin.post("/admin/calendar_overrides/new/", data={"day": "03/03/2026", "reason": "QĐ 12/QĐ-UBND"})
    assert created.status_code == 302, created.get_data(as_text=True)[-3000:]
    with state.transaction() as s:
        assert s.scalar(select(func.count(CalendarOverride.id))) == 1
        assert calendar_for(s).add_working_days(date(2026, 3, 2), 1) == date(2026, 3, 4)
        assert s.scalar(select(AuditLog.action).where(AuditLog.table_name == "core_calendar_override")) == "create"
    listing = admin.get("/admin/calendar_overrides/").get_data(as_text=True)
    assert "03/03/2026" in listing and "QĐ 12/QĐ-UBND" in listing


def test_staff_cannot_change_the_calendar(client_for, unit_factory):
    staff = client_for("core.staff", unit_factory("VP"))
    assert staff.get("/admin/calendar_overrides/").status_code == 404
    assert staff.post("/admin/calendar_overrides/new/", data={"day": "03/03/2026", "reason": "x"}).status_code == 404


def test_unit_hours_move_the_cut_off_and_bad_times_are_refused(client_for, unit_factory, state):
    unit = unit_factory("VP")
    admin = client_for("core.admin", unit)
    bad = admin.post("/admin/unit_hours/new/", data={
        "unit": unit.id, "morning_start": "07:00", "morning_end": "13:30", "afternoon_start": "13:00",
        "afternoon_end": "17:00", "receipt_cutoff": "15:00"}, follow_redirects=True)
    assert "theo thứ tự" in bad.get_data(as_text=True)
    good = admin.post("/admin/unit_hours/new/", data={
        "unit": unit.id, "morning_start": "7:30", "morning_end": "11:30", "afternoon_start": "13:30",
        "afternoon_end": "17:00", "receipt_cutoff": "15:00"})
    assert good.status_code == 302
    with state.transaction() as s:
        assert s.scalar(select(func.count(UnitWorkingHours.id))) == 1
        hours = hours_for_unit(s, state.settings, unit.id)
        assert hours.morning[0].strftime("%H:%M") == "07:30"
        receipt = calendar_for(s).receipt_day(datetime(2026, 3, 5, 15, 30), hours)
        assert receipt == date(2026, 3, 6)  # after this unit's 15:00 cut-off: the next working day
