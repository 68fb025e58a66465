"""Bulk intake follows the same rules as receiving one dossier at a time."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from core.audit import _jsonable
from core.models import AuditLog
from core.services import ServiceError
from plugins.onestop.models import Dossier, Transition
from plugins.onestop.services.bulk import receive_many
from plugins.onestop.services.intake import Applicant, IntakeRequest
from tests.plugins.onestop.test_workflow import DOCS, _receive, counter  # noqa: F401  (fixture)


def test_bulk_matches_single_receipts_codes_and_appointments(counter):  # noqa: F811
    state, unit, pause, restart = counter
    single = _receive(state, unit, pause)  # 12/02/2026 09:00, code -0001
    moments = [datetime(2026, 2, 12, 2, 0, tzinfo=timezone.utc), datetime(2026, 2, 12, 10, 30, tzinfo=timezone.utc),
               datetime(2026, 2, 14, 3, 0, tzinfo=timezone.utc)]  # 09:00, 17:30 (after cut-off), Saturday
    requests = [IntakeRequest(pause.id, Applicant(f"Người nộp {i}"), "counter", DOCS) for i in range(3)]
    with state.transaction() as s:
        ids = receive_many(s, s.merge(unit), requests, None, received_at=moments, settings=state.settings)
    with state.transaction() as s:
        rows = [s.get(Dossier, i) for i in ids]
        assert [r.code for r in rows] == ["H15.50-260212-0002", "H15.50-260212-0003", "H15.50-260214-0001"]
        assert rows[0].appointment_on == single.appointment_on
        assert rows[1].received_on.isoformat() == "2026-02-13" and rows[2].received_on.isoformat() == "2026-02-23"
        slips = s.scalars(select(Transition).where(Transition.dossier_id.in_(ids)).order_by(Transition.dossier_id)).all()
        assert [(t.action, t.from_status, t.to_status) for t in slips] == [("receive", "new", "received")] * 3
        assert [t.at.replace(tzinfo=timezone.utc) for t in slips] == moments
        assert [[(d.name, d.originals) for d in r.documents] for r in rows] == [[("Đơn đề nghị", 1)]] * 3


def test_bulk_audit_entries_read_like_mapper_entries(counter):  # noqa: F811
    """The database writes the bulk entries: each lists every non-empty column as the mapper events do."""
    state, unit, pause, _ = counter
    moment = datetime(2026, 2, 12, 2, 0, tzinfo=timezone.utc)
    with state.transaction() as s:
        [bulk_id] = receive_many(s, s.merge(unit), [IntakeRequest(pause.id, Applicant("Nguyễn Văn An"), "counter", DOCS)],
                                 None, received_at=[moment], settings=state.settings)
    with state.transaction() as s:
        def created(table, record_id):
            return s.scalars(select(AuditLog).where(AuditLog.action == "create", AuditLog.table_name == table,
                                                    AuditLog.record_id == str(record_id))).one()
        dossier, entry = s.get(Dossier, bulk_id), created("onestop_dossier", bulk_id)
        assert entry.unit_id == unit.id and entry.actor == "system"
        changes = entry.changes
        assert datetime.fromisoformat(changes.pop("received_at")[1]) == moment
        expected = {c.key: [None, _jsonable(getattr(dossier, c.key))] for c in Dossier.__table__.columns
                    if getattr(dossier, c.key) not in (None, "") and c.key not in Dossier.__audit_exclude__}
        del expected["received_at"]
        assert changes == expected and changes["code"] == [None, "H15.50-260212-0001"]
        assert changes["applicant_name"] == [None, "Nguyễn Văn An"] and changes["appointment_on"][1] == "2026-02-26"
        [document] = dossier.documents
        assert created("onestop_dossier_document", document.id).changes["name"] == [None, "Đơn đề nghị"]


def test_one_bad_request_receives_nothing(counter):  # noqa: F811
    state, unit, pause, _ = counter
    requests = [IntakeRequest(pause.id, Applicant("Tốt"), documents=DOCS), IntakeRequest(pause.id, Applicant("", "12")),
                IntakeRequest(pause.id, Applicant("Thiếu giấy tờ")), IntakeRequest(pause.id, Applicant("Sai kênh"), "fax", DOCS)]
    with state.transaction() as s, pytest.raises(ServiceError) as refused:
        receive_many(s, s.merge(unit), requests, None, settings=state.settings)
    message = str(refused.value)
    assert "Hồ sơ 1" not in message and "Hồ sơ 2: Họ tên" in message
    assert "Hồ sơ 3: Hồ sơ chưa đủ thành phần; còn thiếu: Đơn đề nghị" in message and "Hồ sơ 4: Kênh nộp" in message
    with state.transaction() as s:
        assert s.scalar(select(func.count(Dossier.id))) == 0
        assert s.scalar(select(func.count(AuditLog.id)).where(AuditLog.table_name == "onestop_dossier")) == 0
