"""The lists: search, filters, dd/mm/yyyy dates, empty states, CSV exports as plain text."""
from datetime import date

from plugins.iso9001.services.nonconformity import raise_nc
from tests.plugins.iso9001.conftest import ISO
from tests.plugins.iso9001.world import clients, page, world  # noqa: F401

pytestmark = ISO


def test_nonconformities_are_searched_filtered_and_exported(world, clients, state):
    with state.transaction() as s:
        for day, text in ((3, "Thiếu sổ theo dõi văn bản"), (4, "Biểu mẫu hết hiệu lực")):
            raise_nc(s, s.merge(world.kt), description=text, raised_on=date(2026, 3, day), severity="major")
    base = "/admin/iso9001_nonconformities/"
    found = page(clients.manager, f"{base}?search=biểu+mẫu")
    assert "Biểu mẫu hết hiệu lực" in found and "Thiếu sổ theo dõi" not in found
    assert "04/03/2026" in found  # dates as dd/mm/yyyy
    assert "Thiếu sổ theo dõi" in page(clients.manager, f"{base}?flt0_from=03/03/2026&flt1_to=03/03/2026")
    none = page(clients.manager, f"{base}?flt0_stage=done")
    assert "Không có điểm không phù hợp nào khớp với bộ lọc" in none
    export = clients.manager.get(f"{base}export/csv/")
    assert export.status_code == 200
    csv = export.get_data(as_text=True)
    assert "VP-KT/NC-2026-001" in csv and "<a " not in csv and "<span" not in csv and "Nặng" in csv


def test_empty_lists_say_what_to_do(world, clients):
    assert "Bấm “Lập chương trình năm”" in page(clients.lead, "/admin/iso9001_programmes/")
    assert "Chưa khai báo phạm vi hệ thống quản lý chất lượng" in page(clients.manager, "/admin/iso9001_scopes/")
    assert "Chưa có công bố nào" in page(clients.manager, "/admin/iso9001_announcements/")
    assert "Chưa có cuộc xem xét của lãnh đạo nào" in page(clients.manager, "/admin/iso9001_reviews/")
