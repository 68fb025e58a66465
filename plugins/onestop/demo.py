"""Demo data: the source office's Q1/2018 (53 fields, 266 procedures, 201 dossiers all on time,
963 submissions to leaders) plus a realistic spread of states in the current quarter (``demo_current``)."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.toolkit import Settings, Unit, User
from plugins.onestop import demo_current
from plugins.onestop.models import Dossier, Procedure, Submission
from plugins.onestop.services.catalogue import ProcedureSpec, get_or_create_field, save_procedure
from plugins.onestop.services.clock import OFFICE_TZ, add_working_days
from plugins.onestop.services.intake import Applicant, IntakeRequest, ReceivedDocument, receive
from plugins.onestop.services.workflow import transition

FIELDS = (
    "Đất đai", "Xây dựng", "Đầu tư", "Tài nguyên nước", "Môi trường", "Khoáng sản", "Thương mại", "Công nghiệp",
    "Giao thông vận tải", "Y tế", "Giáo dục và Đào tạo", "Lao động", "Văn hóa", "Thể thao", "Du lịch", "Nội vụ",
    "Tôn giáo", "Thi đua - Khen thưởng", "Tư pháp", "Quốc tịch", "Tài chính", "Nông nghiệp", "Lâm nghiệp",
    "Thủy sản", "Thủy lợi", "Khoa học và Công nghệ", "Thông tin và Truyền thông", "Xuất bản", "Báo chí",
    "Ngoại vụ", "Dân tộc", "Thanh tra", "Giải quyết khiếu nại", "Giải quyết tố cáo", "Tiếp công dân",
    "Phòng cháy chữa cháy", "Điện lực", "An toàn thực phẩm", "Dược phẩm", "Bảo trợ xã hội", "Người có công",
    "Việc làm", "Thành lập và hoạt động doanh nghiệp", "Hợp tác xã", "Đấu thầu", "Quy hoạch", "Nhà ở",
    "Kinh doanh bất động sản", "Biển và hải đảo", "Đo đạc và bản đồ", "Khí tượng thủy văn", "Hội, quỹ",
    "Công tác thanh niên",
)
VERBS = ("Cấp giấy phép", "Gia hạn giấy phép", "Điều chỉnh giấy phép", "Cấp lại giấy phép", "Chấp thuận chủ trương",
         "Thẩm định hồ sơ", "Công nhận")
PROCEDURES_TOTAL = 266
Q1_2018_DOSSIERS = 201
Q1_2018_SUBMISSIONS = 963
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ")
GIVEN = ("Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thị Hoa", "Văn Hùng", "Ngọc Lan", "Thanh Tâm", "Hữu Phước")


def build(session: Session, settings: Settings, units: dict[str, Unit], office_code: str = "VPUBND") -> None:
    office = units[office_code]
    if session.scalar(select(func.count(Procedure.id)).where(Procedure.unit_id == office.id)):
        return  # already built: idempotent
    rng = random.Random(2018)
    session.info["onestop.demo_handler"] = session.scalar(
        select(User.id).where(User.username == "onestop_handler")) or session.scalar(select(func.min(User.id)))
    procedures = _catalogue(session, office)
    _q1_2018(session, settings, office, procedures, rng)
    _submissions(session, office, rng)
    demo_current.build(session, settings, office, procedures, rng)


def _catalogue(session: Session, office: Unit) -> list[Procedure]:
    procedures = []
    for index in range(PROCEDURES_TOTAL):
        field_index = index % len(FIELDS)
        field_obj = get_or_create_field(session, office.id, f"LV{field_index + 1:02d}", FIELDS[field_index])
        verb = VERBS[(index // len(FIELDS)) % len(VERBS)]
        spec = ProcedureSpec(
            national_code=f"1.{index + 1:06d}", name=f"{verb} thuộc lĩnh vực {FIELDS[field_index].lower()}",
            field_code=field_obj.code, time_limit=5 + (index * 7) % 16, authority="UBND tỉnh",
            online_level=str(2 + index % 3), online_mode=("partial", "end_to_end", "")[index % 3],
            supplement_policy="restart" if index % 5 == 0 else "pause",
            documents=[("Đơn đề nghị theo mẫu", 1, 0, 0), ("Bản sao giấy tờ pháp lý", 0, 1, 0)],
            steps=[("Tiếp nhận", 10), ("Thẩm định", 60), ("Phê duyệt", 20), ("Trả kết quả", 10)],
        )
        procedures.append(save_procedure(session, office.id, spec, field_obj))
    return procedures


def _applicant(rng: random.Random) -> Applicant:
    return Applicant(f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}", f"{rng.randrange(10**11, 10**12)}",
                     "Rạch Giá, Kiên Giang", f"09{rng.randrange(10**7, 10**8)}")


def _received_at(day: date, rng: random.Random) -> datetime:
    moment = datetime.combine(day, time(rng.randrange(7, 11), rng.randrange(0, 60)), OFFICE_TZ)
    # Today's demo dossiers must not be received later than now.
    return min(moment.astimezone(timezone.utc), datetime.now(timezone.utc) - timedelta(minutes=rng.randrange(5, 60)))


def _receive(session, settings, office, procedure, day, rng, channel="counter") -> Dossier:
    request = IntakeRequest(procedure.id, _applicant(rng), channel,
                            [ReceivedDocument(d.name, d.originals, d.certified_copies, d.copies) for d in procedure.documents])
    return receive(session, settings, office, request, None, now=_received_at(day, rng))


def _finish(session, settings, dossier: Dossier, resolve_day: date, rng, returned: bool = True) -> None:
    # assign, resolve, return: in that order, after the receipt, and never in the future
    now = datetime.now(timezone.utc)
    received = dossier.received_at
    at = max(_received_at(resolve_day, rng), received + timedelta(minutes=40))
    assign_at = min(received + timedelta(minutes=10), now)
    transition(session, settings, dossier, "assign", None, now=assign_at,
               handler_id=session.info["onestop.demo_handler"], step=1)
    transition(session, settings, dossier, "resolve", None, now=min(at, now))
    if returned:
        transition(session, settings, dossier, "return", None, now=min(at + timedelta(hours=2), now))


def _working_days(session, settings, start: date, end: date) -> list[date]:
    days, day = [], start
    while day <= end:
        if add_working_days(session, settings, day - timedelta(days=1), 1) == day:
            days.append(day)
        day += timedelta(days=1)
    return days


def _q1_2018(session, settings, office, procedures, rng) -> None:
    days = _working_days(session, settings, date(2018, 1, 2), date(2018, 3, 16))
    for index in range(Q1_2018_DOSSIERS):
        dossier = _receive(session, settings, office, rng.choice(procedures), days[index % len(days)], rng,
                           "online" if index % 4 == 0 else "counter")
        # All 201 were resolved within the quarter, on time or early (the article's 100%).
        on_time = rng.random() < 0.7 and dossier.appointment_on <= date(2018, 3, 30)
        _finish(session, settings, dossier, dossier.appointment_on if on_time else dossier.received_on, rng)


def _submissions(session, office, rng) -> None:
    day = date(2018, 1, 2)
    for index in range(Q1_2018_SUBMISSIONS):
        submitted = day + timedelta(days=(index * 88) // Q1_2018_SUBMISSIONS)
        session.add(Submission(unit_id=office.id, number=f"{index + 1}/TTr", submitted_on=submitted,
                               sender=rng.choice(("Sở Tài chính", "Sở Nội vụ", "Sở Xây dựng", "UBND TP Rạch Giá",
                                                  "Sở Kế hoạch và Đầu tư")),
                               subject=f"Tờ trình số {index + 1} đề nghị xem xét, giải quyết",
                               deadline=submitted + timedelta(days=5), outcome="Đã xử lý",
                               handled_on=submitted + timedelta(days=rng.randrange(0, 4))))
    session.flush()
