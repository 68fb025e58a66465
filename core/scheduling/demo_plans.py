"""The demo office's 2018 administrative-reform plans: 07/07 issued, and the inspection of 04/11 units
on 06 contents, as the source article reports."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Plan, Unit
from core.scheduling.plans import create_plan, transition_plan
from core.scheduling.tasks import add_task

PLANS_2018 = (
    ("12", "KH-VP", "Kế hoạch thực hiện cải cách hành chính năm 2018", date(2018, 1, 10), "plan"),
    ("15", "KH-VP", "Kế hoạch duy trì, cải tiến Hệ thống quản lý chất lượng theo TCVN ISO 9001:2008", date(2018, 1, 12), "plan"),
    ("23", "KH-VP", "Kế hoạch kiểm tra công tác cải cách hành chính năm 2018", date(2018, 1, 31), "inspection"),
    ("31", "KH-VP", "Kế hoạch tuyên truyền, phổ biến văn bản quy phạm pháp luật và công tác cải cách hành chính",
     date(2018, 1, 18), "plan"),
    ("90", "KH-VP", "Kế hoạch rà soát, cập nhật các thủ tục hành chính thực hiện cơ chế một cửa tại Văn phòng",
     date(2018, 1, 26), "plan"),
    ("41", "KH-VP", "Kế hoạch phát động thi đua và xét khen thưởng năm 2018", date(2018, 2, 5), "plan"),
    ("45", "KH-VP", "Kế hoạch công tác phòng, chống tham nhũng năm 2018", date(2018, 2, 8), "plan"),
)
INSPECTED = ("VP-HCTC", "VP-KT", "VP-KSTT", "VP-TTPVHCC")
CONTENTS = (
    "Công tác chỉ đạo, điều hành cải cách hành chính",
    "Cải cách thể chế",
    "Cải cách thủ tục hành chính và thực hiện cơ chế một cửa",
    "Cải cách tổ chức bộ máy",
    "Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức",
    "Hiện đại hóa hành chính",
)


def build_plans(session: Session, units: dict[str, Unit], office_code: str = "VPUBND") -> None:
    office = units[office_code]
    if session.scalar(select(func.count(Plan.id)).where(Plan.unit_id == office.id, Plan.year == 2018)):
        return
    for number, symbol, title, issued, kind in PLANS_2018:
        plan = create_plan(session, office, number=number, symbol=symbol, title=title, year=2018,
                           issue_date=issued, period="Năm 2018", kind=kind)
        if kind == "inspection":
            for code, due in zip(INSPECTED, (date(2018, 5, 15), date(2018, 6, 15), date(2018, 8, 15), date(2018, 10, 15))):
                add_task(session, plan, today=date(2018, 2, 1), title=f"Kiểm tra cải cách hành chính tại {units[code].name}",
                         due_date=due, target_unit_id=units[code].id, contents=list(CONTENTS),
                         status="done", evidence_note="Biên bản kiểm tra đã lưu hồ sơ")
        else:
            add_task(session, plan, today=issued, title=f"Triển khai: {title.lower()}",
                     due_date=date(2018, 12, 15), status="done", evidence_note="Báo cáo kết quả năm 2018")
        transition_plan(session, plan, "issued", today=issued)
