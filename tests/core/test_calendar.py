"""Working-day calendar: holidays and swaps of 2018, 2025 and 2026 as published, overrides, cut-off."""
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from core.scheduling.calendar import WorkingCalendar, WorkingHours
from core.scheduling.calendar_service import add_override, calendar_for, days_off, remove_override
from core.services import ServiceError

CAL = WorkingCalendar()


def _off(start: date, end: date) -> bool:
    return all(not CAL.is_working_day(start + timedelta(d)) for d in range((end - start).days + 1))


def test_tet_2026_break_and_worked_example():
    assert _off(date(2026, 2, 14), date(2026, 2, 22))
    assert CAL.is_working_day(date(2026, 2, 13)) and CAL.is_working_day(date(2026, 2, 23))
    assert CAL.add_working_days(date(2026, 2, 12), 5) == date(2026, 2, 26)


def test_2026_swaps_and_observed_days():
    assert CAL.is_working_day(date(2026, 8, 22))          # Saturday worked in exchange
    assert not CAL.is_working_day(date(2026, 8, 31))      # ... for Monday 31/8
    assert not CAL.is_working_day(date(2026, 4, 27))      # Hùng Kings' day fell on a Sunday: observed Monday
    assert _off(date(2026, 8, 29), date(2026, 9, 2))


def test_2025_tet_and_may_swap():
    assert _off(date(2025, 1, 25), date(2025, 2, 2))
    assert CAL.is_working_day(date(2025, 2, 3))
    assert CAL.is_working_day(date(2025, 4, 26))          # Saturday worked
    assert not CAL.is_working_day(date(2025, 5, 2))       # Friday off in exchange
    assert _off(date(2025, 8, 30), date(2025, 9, 2))


def test_2018_tet_national_day_observed_and_new_year_swap():
    assert _off(date(2018, 2, 14), date(2018, 2, 20))
    assert not CAL.is_working_day(date(2018, 9, 3))       # 2/9/2018 was a Sunday
    assert not CAL.is_working_day(date(2018, 12, 31))     # off in exchange for Saturday 5/1/2019
    assert CAL.is_working_day(date(2019, 1, 5))
    assert CAL.add_working_days(date(2018, 2, 13), 1) == date(2018, 2, 21)


def test_calendar_days_and_counting():
    assert CAL.add_calendar_days(date(2026, 2, 10), 5) == date(2026, 2, 23)  # 15/2 is in Tết: next working day
    assert CAL.add_calendar_days(date(2026, 3, 2), 3) == date(2026, 3, 5)
    assert CAL.working_days_between(date(2026, 2, 12), date(2026, 2, 26)) == 5
    assert CAL.add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 23)   # received on a day off


def test_cut_off_hour_moves_the_receipt_to_the_next_working_day():
    hours = WorkingHours(receipt_cutoff=datetime(2026, 1, 1, 15, 0).time())
    before = datetime(2026, 3, 5, 14, 59)
    after = datetime(2026, 3, 5, 15, 0)
    assert CAL.due_from_receipt(before, 3, hours) == date(2026, 3, 10)
    assert CAL.due_from_receipt(after, 3, hours) == date(2026, 3, 11)
    assert CAL.due_from_receipt(datetime(2026, 3, 7, 9, 0), 1, hours) == date(2026, 3, 10)  # Saturday


def test_working_hours_skip_lunch_nights_and_tet():
    assert CAL.add_working_hours(datetime(2026, 3, 2, 11, 0), 1) == datetime(2026, 3, 2, 14, 0)
    assert CAL.add_working_hours(datetime(2026, 2, 12, 16, 0), 4) == datetime(2026, 2, 13, 10, 0)
    assert CAL.add_working_hours(datetime(2026, 2, 12, 10, 0), 20) == datetime(2026, 2, 23, 16, 0)


def test_bulk_matches_single_and_refuses_negative():
    rng = np.random.default_rng(7)
    starts = rng.integers(date(2018, 1, 1).toordinal(), date(2026, 12, 1).toordinal(), 2000)
    days = rng.integers(0, 40, 2000)
    bulk = CAL.add_working_days_many(starts, days)
    for s, d, due in zip(starts, days, bulk):
        assert CAL.add_working_days(date.fromordinal(int(s)), int(d)) == date.fromordinal(int(due))
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 1, 5), -1)
    with pytest.raises(ValueError):
        CAL.add_working_days_many(starts[:2], np.array([1, -1]))


def test_dates_outside_the_precomputed_years_are_covered_on_demand():
    wide = CAL.covering(date(2040, 1, 1))
    assert wide.add_working_days(date(2040, 1, 2), 1) == date(2040, 1, 3)


def test_admin_override_changes_due_dates_and_is_validated(state):
    with state.transaction() as s:
        assert calendar_for(s).add_working_days(date(2026, 3, 2), 1) == date(2026, 3, 3)
        add_override(s, date(2026, 3, 3), False, "Nghỉ theo quyết định của UBND tỉnh")
    with state.transaction() as s:
        assert calendar_for(s).add_working_days(date(2026, 3, 2), 1) == date(2026, 3, 4)
        with pytest.raises(ServiceError, match="vốn đã là ngày nghỉ"):
            add_override(s, date(2026, 3, 7), False, "thừa")
        with pytest.raises(ServiceError, match="đã có điều chỉnh"):
            add_override(s, date(2026, 3, 3), True, "trùng")
        with pytest.raises(ServiceError, match="lý do"):
            add_override(s, date(2026, 3, 14), True, "  ")
    with state.transaction() as s:
        remove_override(s, date(2026, 3, 3))
    with state.transaction() as s:
        assert calendar_for(s).add_working_days(date(2026, 3, 2), 1) == date(2026, 3, 3)
        names = dict(days_off(s, 2026, "en"))
        assert names[date(2026, 2, 17)] == "Lunar New Year"
        assert dict(days_off(s, 2026, "vi"))[date(2026, 2, 17)] == "Tết Nguyên Đán"


def test_cli_due_holidays_and_overrides(cli):
    result = cli("calendar", "due", "--from", "2026-02-12", "--days", "5")
    assert result.exit_code == 0 and result.output.strip() == "2026-02-26"
    assert cli("calendar", "due", "--from", "2026-02-10", "--days", "5", "--calendar-days").output.strip() == "2026-02-23"
    listing = cli("calendar", "holidays", "--year", "2026")
    assert "17/02/2026  Tết Nguyên Đán" in listing.output and "31/08/2026" in listing.output
    assert cli("calendar", "override", "add", "2026-03-03", "--day-off", "--reason", "QĐ 12/QĐ-UBND").exit_code == 0
    assert cli("calendar", "due", "--from", "2026-03-02", "--days", "1").output.strip() == "2026-03-04"


@pytest.mark.parametrize("args, message", [
    (("calendar", "due", "--from", "12/02/2026", "--days", "5"), "YYYY-MM-DD"),
    (("calendar", "due", "--from", "2026-02-12", "--days", "-3"), "không âm"),
    (("calendar", "due", "--from", "2026-02-12", "--days", "5", "--unit", "NOPE"), "NOPE"),
    (("calendar", "override", "add", "2026-03-07", "--day-off", "--reason", "x"), "vốn đã là ngày nghỉ"),
    (("calendar", "override", "remove", "2026-03-09"), "không có điều chỉnh"),
])
def test_cli_bad_input_is_a_clear_message_and_saves_nothing(cli, state, args, message):
    result = cli(*args)
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
    with state.transaction() as s:
        assert calendar_for(s).is_working_day(date(2026, 3, 9))
