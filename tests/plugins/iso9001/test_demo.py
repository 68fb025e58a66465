"""The demo: the office's 2018 system, idempotent, and every back-office page renders with it."""
import re

from sqlalchemy import func, select

from core.models import Plan, User
from plugins.iso9001.models import Audit, LegalChange, Nonconformity, Programme, Review
from tests.plugins.iso9001.conftest import ISO
from tests.plugins.iso9001.world import page

pytestmark = ISO


def test_demo_builds_the_2018_system_once(cli, state):
    assert cli("demo").exit_code == 0
    with state.transaction() as s:
        programme = s.scalar(select(Programme))
        assert programme.year == 2018 and programme.plan.programme == "iso9001" and programme.plan.kind == "plan"
        audits = list(s.scalars(select(Audit).order_by(Audit.id)))
        assert [a.status for a in audits] == ["closed", "closed"]
        assert all(any(line.answer in ("minor_nc", "major_nc") for line in a.lines) for a in audits)
        stages = sorted(s.scalars(select(Nonconformity.stage)))
        assert "done" in stages and "open" in stages
        assert s.scalar(select(func.count(Review.id)).where(Review.status == "done")) == 1
        change = s.scalar(select(LegalChange))
        assert change.due_date.isoformat() == "2018-11-21"  # 21/08/2018 + 3 months
        counts = (s.scalar(select(func.count(Audit.id))), s.scalar(select(func.count(Nonconformity.id))),
                  s.scalar(select(func.count(Plan.id))))
    assert cli("demo").exit_code == 0
    with state.transaction() as s:
        assert counts == (s.scalar(select(func.count(Audit.id))), s.scalar(select(func.count(Nonconformity.id))),
                          s.scalar(select(func.count(Plan.id))))


def test_every_page_renders_with_the_demo_data(cli, state, login, client):
    assert cli("demo").exit_code == 0
    with state.transaction() as s:
        manager = s.scalar(select(User).where(User.username == "iso9001_qms_manager"))
        s.expunge(manager)
        ids = {name: s.scalar(select(func.min(model.id))) for name, model in
               (("audit", Audit), ("nc", Nonconformity), ("review", Review), ("programme", Programme))}
    from core.services.users import set_password
    with state.transaction() as s:
        set_password(s, s.merge(manager), "Matkhau#2026")
    web = login(manager)
    home = page(web, "/admin/")
    assert "Điểm không phù hợp đang xử lý (ISO)" in home
    for endpoint in ("programmes", "audits", "nonconformities", "actions", "reviews", "documents", "legal_changes",
                     "templates", "scopes", "announcements"):
        page(web, f"/admin/iso9001_{endpoint}/")
    audit = page(web, f"/admin/iso9001_audits/audit/{ids['audit']}")
    assert "ĐGNB-2018-01" in audit and "Hai quy trình đang dùng" in audit
    assert "ĐGNB-2018-01" in page(web, f"/admin/iso9001_audits/audit/{ids['audit']}/report")
    assert page(web, f"/admin/iso9001_nonconformities/nc/{ids['nc']}")
    review = page(web, f"/admin/iso9001_reviews/review/{ids['review']}")
    assert "ĐGNB-2018-02" in review and "Chuyển đổi hệ thống sang TCVN ISO 9001:2015" in review
    programme = page(web, f"/admin/iso9001_programmes/programme/{ids['programme']}")
    assert re.search(r"3 đơn vị thuộc phạm vi HTQLCL chưa có cuộc đánh giá", programme)
    public = page(client, "/iso/")
    assert "QT-05" in public and "Quy trình tiếp nhận và trả kết quả" in public
