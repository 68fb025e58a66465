"""Task reminders: working days before the due date and once when overdue, in-app and by e-mail.

E-mail goes to a real SMTP server (aiosmtpd) that each test starts on loopback; the tests read what
arrived there rather than trusting a mock of smtplib.
"""
import socket
from datetime import date, datetime, timedelta, timezone
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from core.models import JobRun, JobState, Notification, Plan, PlanTask, TaskReminder
from core.scheduling.calendar_service import calendar_for
from core.scheduling.core_jobs import core_jobs
from core.scheduling.jobs import JobRegistry, Runner, sync_states
from core.scheduling.reminders import send_task_reminders, task_url

BASE_URL = "https://cchc.example.vn"
# 08:00 on Thursday 12/02/2026 in Hà Nội, just before the Tết 2026 break (14–22/02 are days off).
T0 = datetime(2026, 2, 12, 1, 0, 30, tzinfo=timezone.utc)
# Just after the 08:30 occurrence of core.task_reminders (*/30), before the next one of core.mail_outbox.
T_REMIND = datetime(2026, 2, 12, 1, 30, 5, tzinfo=timezone.utc)


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


class Inbox:
    """aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


def mail_settings(port: int, days_before: int = 5) -> dict:
    return {"mail": {"enabled": True, "host": "127.0.0.1", "port": port, "from_address": "cchc@so-noivu.example.vn",
                     "timeout": 5},
            "reminders": {"days_before": days_before}, "app": {"base_url": BASE_URL}}


def make_plan(state, unit, tasks, status="issued", number="90"):
    """``tasks``: (title, due_date, owner or None); returns the task ids in order."""
    with state.transaction() as s:
        plan = Plan(unit_id=unit.id, number=number, symbol="KH-VP", title="Kế hoạch CCHC năm 2026", year=2026,
                    status=status)
        s.add(plan)
        s.flush()
        rows = [PlanTask(plan_id=plan.id, unit_id=unit.id, owner_user_id=owner.id if owner else None, title=title,
                         due_date=due) for title, due, owner in tasks]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


def runner_at(state, clock):
    registry = JobRegistry.collect(state, core_jobs())
    with state.transaction() as s:
        sync_states(s, registry, clock(), state.settings["app.timezone"])
    return Runner(state, registry, clock=clock, name="test")


def plain(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_reminder_counts_working_days_and_reaches_the_smtp_server_once(make_app, state, smtp, unit_factory,
                                                                       user_factory, client_for):
    make_app(settings_sections=mail_settings(smtp.port, days_before=5))
    unit = unit_factory("VP")
    lan = user_factory("lan", email="lan@so-noivu.example.vn", full_name="Nguyễn Thị Lan")
    # Five working days after 12/02/2026 is 26/02/2026 (14 calendar days: Tết); 27/02 is six.
    soon, later = make_plan(state, unit, [("Rà soát thủ tục hành chính", date(2026, 2, 26), lan),
                                          ("Báo cáo quý I", date(2026, 2, 27), lan)])
    clock = Clock(T0)
    runner = runner_at(state, clock)
    clock.now = T_REMIND
    assert runner.run_due() >= 1

    assert len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert recipients == ["lan@so-noivu.example.vn"]
    assert message["To"] == "lan@so-noivu.example.vn" and message["From"] == "cchc@so-noivu.example.vn"
    assert "Rà soát thủ tục hành chính" in message["Subject"]
    body = plain(message)
    link = f"{BASE_URL}{task_url(soon)}"
    assert link == f"{BASE_URL}/admin/plans/task/{soon}"
    for expected in ("Rà soát thủ tục hành chính", "26/02/2026", "90/KH-VP", "còn 5 ngày làm việc", link):
        assert expected in body
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f'href="{link}"'.replace("&", "&amp;") in html and "26/02/2026" in html
    page = client_for("core.admin", unit).get(task_url(soon))  # the link opens the task
    assert page.status_code == 200 and "Rà soát thủ tục hành chính" in page.get_data(as_text=True)

    with state.transaction() as s:
        rows = list(s.scalars(select(Notification)))
        assert [(r.user_id, r.emailed, r.email_pending, r.link) for r in rows] == [(lan.id, True, False, task_url(soon))]
        assert s.get(JobState, "core.task_reminders").last_status == "ok"
        assert not s.scalar(select(TaskReminder.id).where(TaskReminder.task_id == later))

    # Later runs the same day, and on the next days up to the due date, send nothing new.
    for day in range(0, 15):
        clock.now = T0 + timedelta(days=day, hours=1)
        runner.run_once("core.task_reminders")
    assert [m["Subject"] for _, m in smtp.messages].count(message["Subject"]) == 1
    assert len(smtp.messages) == 2  # plus the reminder of the second task, five working days before 27/02
    assert "Báo cáo quý I" in smtp.messages[1][1]["Subject"]


def test_overdue_reminder_is_sent_once_and_unit_members_are_told_when_there_is_no_owner(
        make_app, state, smtp, unit_factory, user_factory):
    make_app(settings_sections=mail_settings(smtp.port, days_before=2))
    unit, other = unit_factory("PTH"), unit_factory("KHAC")
    a = user_factory("a", email="a@example.vn", roles=[(unit, "core.staff"), (unit, "core.admin")])
    b = user_factory("b", roles=[(unit, "core.staff")])  # no e-mail address: in-app only
    outsider = user_factory("c", email="c@example.vn", roles=[(other, "core.staff")])
    [task] = make_plan(state, unit, [("Kiểm tra công vụ", date(2026, 2, 11), None)])
    clock = Clock(T0)  # 12/02: one day after the due date
    runner = runner_at(state, clock)
    runner.run_once("core.task_reminders")
    clock.now += timedelta(minutes=30)
    runner.run_once("core.task_reminders")

    assert [(to, m["Subject"]) for to, m in smtp.messages] == [(["a@example.vn"], "[CCHC] Quá hạn: Kiểm tra công vụ")]
    assert "11/02/2026" in plain(smtp.messages[0][1]) and "đã trễ 1 ngày làm việc" in plain(smtp.messages[0][1])
    with state.transaction() as s:
        told = {(n.user_id, n.emailed) for n in s.scalars(select(Notification))}
        assert told == {(a.id, True), (b.id, False)} and outsider.id not in {u for u, _ in told}
        assert s.scalar(select(func.count(TaskReminder.id))) == 1
        # Done tasks and tasks of cancelled plans are not reminded.
        s.get(PlanTask, task).due_date = date(2026, 2, 10)
        s.get(PlanTask, task).status = "done"
    make_plan(state, unit, [("Việc đã huỷ", date(2026, 2, 12), None)], status="cancelled", number="91")
    clock.now += timedelta(minutes=30)
    runner.run_once("core.task_reminders")
    assert len(smtp.messages) == 1


def test_cli_run_once_uses_todays_working_calendar(make_app, state, smtp, unit_factory, user_factory, cli):
    make_app(settings_sections=mail_settings(smtp.port, days_before=3))
    unit = unit_factory("VP")
    owner = user_factory("owner", email="owner@example.vn")
    with state.transaction() as s:
        today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
        due = calendar_for(s).add_working_days(today, 3)
    [task] = make_plan(state, unit, [("Cập nhật cơ sở dữ liệu", due, owner)])
    result = cli("jobs", "run-once", "core.task_reminders")
    assert result.exit_code == 0, result.output
    assert cli("jobs", "run-once", "core.task_reminders").exit_code == 0
    assert len(smtp.messages) == 1
    assert f"{due:%d/%m/%Y}" in plain(smtp.messages[0][1]) and task_url(task) in plain(smtp.messages[0][1])


def test_unreachable_smtp_server_keeps_the_notifications_and_records_the_error(make_app, state, unit_factory,
                                                                               user_factory, caplog):
    port = free_port()  # nothing listens there
    make_app(settings_sections=mail_settings(port, days_before=5))
    unit = unit_factory("VP")
    lan = user_factory("lan", email="lan@example.vn")
    [task] = make_plan(state, unit, [("Rà soát thủ tục hành chính", date(2026, 2, 26), lan)])
    clock = Clock(T0)
    runner = runner_at(state, clock)
    clock.now = T_REMIND
    runner.run_due()

    with state.transaction() as s:
        [row] = s.scalars(select(Notification))
        assert (row.emailed, row.email_pending, row.email_attempts) == (False, True, 1)
        assert f"Không kết nối được máy chủ thư 127.0.0.1:{port}" in row.email_error
        assert s.scalar(select(func.count(TaskReminder.id))) == 1  # the reminder is given, in-app
        assert s.scalar(select(func.count(JobRun.id)).where(JobRun.job == "core.task_reminders")) == 1
        job = s.get(JobState, "core.task_reminders")
        assert job.last_status == "warning" and f"127.0.0.1:{port}" in job.last_error  # shown on the job
    assert any(f"127.0.0.1:{port}" in r.getMessage() for r in caplog.records if r.name == "cchc.mail")

    # The direct service call reports the same clear error; the outbox gives up after max_attempts.
    with state.transaction() as s:
        report = send_task_reminders(s, state.settings, clock.now)
        assert report.notifications == 0 and report.delivery.failed == 1
        assert "SMTP server unreachable" in report.summary()
    clock.now += timedelta(hours=1)
    runner.run_due()
    with state.transaction() as s:
        row = s.get(Notification, row.id)
        assert (row.emailed, row.email_pending, row.email_attempts) == (False, False, 3)
        assert s.get(PlanTask, task).status == "open"


def test_disabled_mail_and_bad_settings(make_app, state, unit_factory, user_factory, cli):
    make_app(settings_sections={"reminders": {"days_before": -1}})
    unit = unit_factory("VP")
    owner = user_factory("owner", email="owner@example.vn")
    make_plan(state, unit, [("Việc", date(2026, 2, 13), owner)])
    result = cli("jobs", "run-once", "core.task_reminders")
    assert result.exit_code == 1 and "reminders.days_before" in result.output
    with state.transaction() as s:
        assert s.scalar(select(func.count(Notification.id))) == 0
        report = send_task_reminders(s, _with(state.settings, days_before=2), T0)
        assert report.notifications == 1 and report.delivery.sent == 0  # mail is off by default
        assert s.scalar(select(Notification.email_pending)) is False


def _with(settings, **reminders):
    from core.settings import Settings
    values = {section: dict(table) for section, table in settings.values.items()}
    values["reminders"].update(reminders)
    return Settings(values)
