"""Demo data for the current quarter (office time zone): every state of the workflow and its sub-states,
forms 02–05, ratings, overdue dossiers and submissions — made through the services, never in the future.

Dossiers are dated in working days back from the latest working day (``ago``); an act that closes a
dossier is kept inside the current quarter even when the quarter has only just begun.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.toolkit import Settings, Unit, User, calendar_for
from plugins.onestop.models import Dossier, Procedure, Submission
from plugins.onestop.services import submissions
from plugins.onestop.services.clock import OFFICE_TZ, add_working_days
from plugins.onestop.services.intake import (Applicant, IntakeRequest, ReceivedDocument, receive, refuse_at_counter,
                                             register_online)
from plugins.onestop.services.ratings import criteria, rate
from plugins.onestop.services.workflow import transition

PEOPLE = ("Nguyễn Thị Thu Trang", "Trần Văn Tài", "Lê Hoàng Phúc", "Phạm Thị Ngọc Hân", "Huỳnh Minh Khang",
          "Võ Thị Kim Liên", "Đặng Quốc Bảo", "Bùi Thanh Sơn", "Đỗ Thị Mỹ Duyên", "Hồ Văn Lợi", "Dương Thị Bích Ngọc",
          "Lâm Chí Thanh", "Công ty TNHH Xây dựng Minh Phát", "Công ty CP Thủy sản Kiên Hải",
          "Hợp tác xã Nông nghiệp Tân Hiệp", "Công ty TNHH Du lịch Biển Xanh Phú Quốc")
PLACES = ("Phường Vĩnh Thanh Vân, TP Rạch Giá", "Phường An Hòa, TP Rạch Giá", "Thị trấn Dương Đông, TP Phú Quốc",
          "Xã Bình An, huyện Châu Thành", "Thị trấn Tân Hiệp, huyện Tân Hiệp", "Phường Tô Châu, TP Hà Tiên")
RATING_NOTES = {5: ("Rất hài lòng.", "Cán bộ hướng dẫn tận tình, trả kết quả trước hẹn."),
                4: ("Hài lòng, thủ tục rõ ràng.", ""), 3: ("Thời gian chờ tại quầy hơi lâu.", ""),
                2: ("Phải đi lại hai lần mới nộp đủ hồ sơ.", "Cán bộ hướng dẫn chưa đầy đủ ngay từ đầu.")}
SENDERS = (("Sở Tài chính", "STC"), ("Sở Nội vụ", "SNV"), ("Sở Xây dựng", "SXD"), ("UBND TP Rạch Giá", "UBND"),
           ("Sở Kế hoạch và Đầu tư", "SKHĐT"))
SUBJECTS = ("đề nghị phê duyệt dự toán kinh phí chuyển đổi số", "đề nghị bổ sung biên chế công chức",
            "đề nghị điều chỉnh quy hoạch chi tiết khu dân cư", "đề nghị hỗ trợ kinh phí khắc phục sạt lở bờ kè",
            "đề nghị phê duyệt chủ trương đầu tư dự án trường học")


class Quarter:
    """Working days up to the latest one whose office hours have begun; moments never later than now."""

    def __init__(self, session: Session, settings: Settings):
        self.now = datetime.now(timezone.utc)
        local = self.now.astimezone(OFFICE_TZ)
        self.today = local.date()
        self.start = date(self.today.year, 3 * ((self.today.month - 1) // 3) + 1, 1)
        first, last = self.start - timedelta(days=60), self.today - timedelta(days=local.time() < time(7, 30))
        calendar = calendar_for(session, settings).covering(first, self.today)
        self.days = [first + timedelta(n) for n in range((last - first).days + 1)
                     if calendar.is_working_day(first + timedelta(n))]
        self.in_quarter = [d for d in self.days if d >= self.start]

    def day(self, ago: int) -> date:
        return self.days[max(len(self.days) - 1 - ago, 0)]

    def inside(self, day: date) -> date:
        """``day``, or the quarter's first working day (today if none yet) when it falls before the quarter."""
        return max(day, self.in_quarter[0] if self.in_quarter else self.today)

    def closing(self, ago: int) -> date:
        return self.inside(self.day(ago))  # a dossier closed "ago" working days back, but in this quarter

    def shift(self, day: date, working_days: int) -> date:
        index = self.days.index(day) if day in self.days else len(self.days) - 1
        return self.days[min(max(index + working_days, 0), len(self.days) - 1)]

    def at(self, day: date, hour: int, minute: int, after: datetime | None) -> datetime:
        moment = datetime.combine(day, time(hour, minute), OFFICE_TZ).astimezone(timezone.utc)
        if after is not None:
            moment = max(moment, after + timedelta(minutes=7))
        return min(moment, self.now)


class Story:
    """Acts on the demo dossiers through the services, each later than the dossier's previous act."""

    def __init__(self, session: Session, settings: Settings, office: Unit, procedures: list[Procedure],
                 rng: random.Random):
        self.session, self.settings, self.office, self.rng = session, settings, office, rng
        self.q = Quarter(session, settings)
        self.by_name = {p.name: p for p in procedures}
        users = dict(session.execute(select(User.username, User.id).where(
            User.username.in_(("onestop_clerk", "onestop_handler", "onestop_leader")))).all())
        self.clerk, self.leader = users.get("onestop_clerk"), users.get("onestop_leader")
        self.handler = users.get("onestop_handler") or session.info.get("onestop.demo_handler")
        self.last: dict[int, datetime] = {}
        self.people = rng.sample(PEOPLE, len(PEOPLE))  # in turn, so that neighbours differ

    def procedure(self, verb: str, field: str) -> Procedure:
        return self.by_name[f"{verb} thuộc lĩnh vực {field.lower()}"]

    def request(self, procedure: Procedure, channel: str) -> IntakeRequest:
        self.people.append(name := self.people.pop(0))
        rng, person = self.rng, not name.startswith(("Công ty", "Hợp tác"))
        applicant = Applicant(name, f"0{rng.randrange(10**10, 10**11)}" if person else "",
                              f"{rng.choice(PLACES)}, Kiên Giang", f"09{rng.randrange(10**7, 10**8)}",
                              f"hoso{rng.randrange(100, 999)}@gmail.com" if channel == "online" else "")
        documents = [ReceivedDocument(d.name, d.originals, d.certified_copies, d.copies) for d in procedure.documents]
        return IntakeRequest(procedure.id, applicant, channel, documents)

    def register(self, procedure: Procedure, day: date, hour: int = 20) -> Dossier:
        dossier = register_online(self.session, self.office, self.request(procedure, "online"),
                                  now=self.q.at(day, hour, self.rng.randrange(60), None))
        self.last[dossier.id] = dossier.registered_at
        return dossier

    def receive(self, procedure: Procedure, day: date, hour: int = 8, channel: str = "counter",
                dossier: Dossier | None = None) -> Dossier:
        after = self.last.get(dossier.id) if dossier else None
        moment = self.q.at(day, hour, self.rng.randrange(60), after)
        dossier = receive(self.session, self.settings, self.office, self.request(procedure, channel), self.clerk,
                          now=moment, dossier=dossier)
        self.last[dossier.id] = moment
        return dossier

    def act(self, dossier: Dossier, action: str, actor: int | None, day: date, hour: int = 9, note: str = "",
            **details) -> Dossier:
        moment = self.q.at(day, hour, self.rng.randrange(60), self.last.get(dossier.id))
        self.last[dossier.id] = moment
        return transition(self.session, self.settings, dossier, action, actor, note, now=moment, **details)

    def assign(self, dossier: Dossier, day: date, step: int = 2, hour: int = 10) -> Dossier:
        handler = self.leader if step == 3 and self.leader else self.handler
        return self.act(dossier, "assign", self.leader, day, hour, handler_id=handler, step=step)

    def finish(self, dossier: Dossier, resolved: date, returned: date | None, rating: int | None = None,
               comment: str | None = None, **fixed: int) -> None:
        """Resolve, return and (with ``rating``, a score around which the criteria vary) rate on the day."""
        self.act(dossier, "resolve", self.handler, resolved, 15)
        if returned is None:
            return
        self.act(dossier, "return", self.clerk, returned, 9)
        if rating is not None:
            on = self.last[dossier.id].astimezone(OFFICE_TZ).date()
            scores = {c.code: fixed.get(c.code, min(5, max(1, rating + self.rng.choice((-1, 0, 0, 1)))))
                      for c in criteria(on)}
            note = self.rng.choice(RATING_NOTES.get(rating, ("",))) if comment is None else comment
            rate(self.session, dossier, scores, note, today=on)


def build(session: Session, settings: Settings, office: Unit, procedures: list[Procedure],
          rng: random.Random) -> None:
    story = Story(session, settings, office, procedures, rng)
    _background(story, procedures)
    _open_states(story)
    _closed_states(story)
    _deadlines(story)
    _submissions(story)


def _background(s: Story, procedures: list[Procedure]) -> None:
    """Two dossiers a working day: the due ones resolved in time (most returned), the others in processing."""
    q, rng, latest = s.q, s.rng, s.q.day(0)
    for index, day in enumerate(q.in_quarter * 2):
        procedure, hour = rng.choice(procedures), rng.choice((7, 8, 9, 10, 14, 15))
        if index % 3 == 0:  # registered online the evening before, received in the morning
            registered = s.register(procedure, q.shift(day, -1), rng.choice((19, 20, 21)))
            dossier = s.receive(procedure, day, min(hour, 9), "online", dossier=registered)
        else:
            dossier = s.receive(procedure, day, hour)
        due = dossier.appointment_on
        if day >= q.day(1) and rng.random() < 0.6:
            continue  # just received, not yet forwarded
        s.assign(dossier, q.shift(day, rng.randrange(2)))
        if due <= latest:
            if rng.random() < 0.06:
                s.act(dossier, "withdraw", s.clerk, q.shift(day, 2), note="Người nộp có đơn xin rút hồ sơ")
                continue
            resolved = due if rng.random() < 0.5 else q.shift(due, -rng.randrange(1, 4))
            resolved = max(resolved, s.last[dossier.id].astimezone(OFFICE_TZ).date())
            returned = q.shift(resolved, rng.randrange(4))
            if returned == latest and rng.random() < 0.5:
                returned = None  # resolved, not yet collected
            s.finish(dossier, resolved, returned, rng.choice((5, 5, 5, 4, 4, 4, 3, 2)) if rng.random() < 0.35 else None)
        elif rng.random() < 0.35:
            s.assign(dossier, q.shift(latest, -rng.randrange(3)), step=3)


def _open_states(s: Story) -> None:
    q, p = s.q, s.procedure
    for (verb, field), ago, hour in ((("Cấp giấy phép", "Du lịch"), 0, 21), (("Gia hạn giấy phép", "Y tế"), 0, 6),
                                     (("Cấp giấy phép", "Thành lập và hoạt động doanh nghiệp"), 1, 22)):
        s.register(p(verb, field), q.day(ago), hour)  # online, waiting for the counter
    for verb, field in (("Gia hạn giấy phép", "Tài nguyên nước"), ("Điều chỉnh giấy phép", "Nhà ở")):
        s.receive(p(verb, field), q.day(0), 8)  # received, not yet forwarded
    s.assign(s.receive(p("Chấp thuận chủ trương", "Đầu tư"), q.day(4)), q.day(4))  # step 2, the handler
    approving = s.receive(p("Cấp giấy phép", "Quy hoạch"), q.day(8))
    s.assign(approving, q.day(7))
    s.assign(approving, q.day(2), step=3)  # step 3, the leader approves
    online = s.register(p("Cấp giấy phép", "Y tế"), q.day(2), 19)
    s.act(online, "request_supplement", s.clerk, q.day(1), 8, "Hồ sơ đăng ký trực tuyến chưa đính kèm chứng chỉ "
          "hành nghề", missing_documents=["Bản sao chứng thực chứng chỉ hành nghề khám bệnh, chữa bệnh"])
    asked = s.receive(p("Cấp giấy phép", "Môi trường"), q.day(6))
    s.assign(asked, q.day(6))
    s.act(asked, "request_supplement", s.handler, q.day(3), 14, "Báo cáo đánh giá tác động môi trường chưa có ý kiến "
          "tham vấn cộng đồng dân cư", missing_documents=["Biên bản tham vấn ý kiến cộng đồng dân cư",
                                                          "Bản đồ vị trí khu vực thực hiện dự án"])
    handed = s.receive(p("Gia hạn giấy phép", "Xây dựng"), q.day(9))
    s.assign(handed, q.day(9))
    s.act(handed, "request_supplement", s.handler, q.day(7), 10, "Bản vẽ thiết kế chưa có chữ ký của chủ nhiệm "
          "thiết kế", missing_documents=["Bản vẽ thiết kế có chữ ký, đóng dấu của đơn vị thiết kế"])
    s.act(handed, "supplement", s.clerk, q.day(1), 10)  # handed in; the handler has yet to check it
    cycle = s.receive(p("Điều chỉnh giấy phép", "Giao thông vận tải"), q.day(14))
    s.assign(cycle, q.day(14))
    s.act(cycle, "request_supplement", s.handler, q.day(12), 9, "Thiếu phương án tổ chức giao thông trong thời gian "
          "thi công", missing_documents=["Phương án tổ chức giao thông được phê duyệt"])
    s.act(cycle, "supplement", s.clerk, q.day(9), 8)
    s.act(cycle, "complete_supplement", s.handler, q.day(8), 14)  # back in processing, the clock resumed
    payment = s.receive(p("Cấp giấy phép", "Khoáng sản"), q.day(5))
    s.assign(payment, q.day(5))
    s.act(payment, "request_payment", s.handler, q.day(2), 15, "Đề nghị nộp phí thẩm định trữ lượng khoáng sản")


def _closed_states(s: Story) -> None:
    q, p = s.q, s.procedure
    online = s.register(p("Cấp giấy phép", "Xây dựng"), q.day(3), 21)
    s.act(online, "refuse", s.clerk, q.closing(2), 8, "Công trình nhà ở riêng lẻ thuộc thẩm quyền cấp phép của "
          "UBND TP Rạch Giá; đề nghị Ông/Bà nộp hồ sơ tại UBND thành phố")
    walk_in = s.request(p("Cấp lại giấy phép", "Kinh doanh bất động sản"), "counter")
    refuse_at_counter(s.session, s.office, walk_in, s.clerk, "Người nộp không có giấy ủy quyền của doanh nghiệp để "
                      "nộp hồ sơ thay; đã hướng dẫn bổ sung trước khi nộp lại", now=q.at(q.closing(1), 9, 40, None))
    withdrawn = s.receive(p("Cấp giấy phép", "Thương mại"), q.day(3))
    s.act(withdrawn, "withdraw", s.clerk, q.closing(1), 14, "Doanh nghiệp có văn bản xin rút hồ sơ để điều chỉnh "
          "địa điểm kinh doanh")
    stopped = s.receive(p("Chấp thuận chủ trương", "Kinh doanh bất động sản"), q.day(10))
    s.assign(stopped, q.day(10))
    s.act(stopped, "stop", s.leader, q.closing(3), 16, "Khu đất thực hiện dự án đang có tranh chấp, Tòa án nhân dân "
          "tỉnh đã thụ lý vụ án; dừng xử lý hồ sơ theo quy định")
    waiting = s.receive(p("Cấp giấy phép", "Nông nghiệp"), q.day(6))
    s.assign(waiting, q.day(6))
    s.finish(waiting, q.closing(1), None)  # resolved early, the applicant has yet to collect it
    paid = s.receive(p("Cấp lại giấy phép", "Điện lực"), q.day(11))
    s.assign(paid, q.day(11))
    s.act(paid, "request_payment", s.handler, q.day(8), 10, "Đề nghị nộp lệ phí cấp giấy phép hoạt động điện lực")
    s.act(paid, "paid", s.clerk, q.day(6), 9)
    s.finish(paid, q.day(3), q.closing(1), 5, "Cán bộ hướng dẫn nộp lệ phí rõ ràng, nhận kết quả sớm.")
    rated = ((("Gia hạn giấy phép", "Đầu tư"), 4), (("Chấp thuận chủ trương", "Văn hóa"), 5),
             (("Điều chỉnh giấy phép", "Thể thao"), 3), (("Cấp giấy phép", "Công nghiệp"), 2))
    for ago, ((verb, field), score) in enumerate(rated):
        dossier = s.receive(p(verb, field), q.day(12 + ago))
        s.assign(dossier, q.day(12 + ago))
        s.finish(dossier, dossier.appointment_on, q.closing(ago), score)


def _deadlines(s: Story) -> None:
    """Overdue dossiers (for the dashboard and the reminders) and the apologies of form 04."""
    q, p = s.q, s.procedure
    overdue = s.receive(p("Gia hạn giấy phép", "Lao động"), q.day(9))
    s.assign(overdue, q.day(9))
    with_leader = s.receive(p("Cấp giấy phép", "Tôn giáo"), q.day(12))
    s.assign(with_leader, q.day(12))
    s.assign(with_leader, q.day(8), step=3)
    extended = s.receive(p("Cấp giấy phép", "Đất đai"), q.day(7))
    s.assign(extended, q.day(7))
    due = extended.appointment_on  # the apology is issued on the appointment day at the latest
    s.act(extended, "extend", s.leader, min(due, q.day(0)), 14, "Hồ sơ cần xác minh nguồn gốc sử dụng đất tại UBND "
          "phường, chưa nhận được văn bản trả lời", new_date=add_working_days(s.session, s.settings, due, 5))
    late = s.receive(p("Cấp lại giấy phép", "Xây dựng"), q.day(13))
    s.assign(late, q.day(13))
    due = late.appointment_on
    s.act(late, "extend", s.leader, due, 15, "Phải lấy ý kiến thẩm định của Sở Xây dựng về phòng cháy, chữa cháy",
          new_date=add_working_days(s.session, s.settings, due, 4))
    s.finish(late, q.shift(due, 2), q.inside(q.shift(due, 3)), 4, "Trả kết quả chậm so với giấy hẹn, dù có thư "
             "xin lỗi.", timeliness=2)  # late against the original appointment, before the new one


def _submissions(s: Story) -> None:
    """Submissions of this quarter: most handled, the latest still open, one of them past its deadline."""
    q = s.q
    days = q.in_quarter[::3] or [q.closing(0)]
    for index, day in enumerate(days):
        (sender, short), subject = SENDERS[index % len(SENDERS)], SUBJECTS[index % len(SUBJECTS)]
        open_ = index >= len(days) - 3
        submission = Submission(
            unit_id=s.office.id, number=f"{40 + 7 * index}/TTr-{short}", submitted_on=day, sender=sender,
            subject=f"Tờ trình {subject} năm {day.year}", leader_id=s.leader, deadline=day + timedelta(days=5),
            outcome="" if open_ else "Đã trình lãnh đạo cho ý kiến chỉ đạo",
            handled_on=None if open_ else min(day + timedelta(days=s.rng.randrange(0, 8)), q.today))
        submissions.check(s.session, submission)
        s.session.add(submission)
    s.session.flush()
