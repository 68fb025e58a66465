"""Bulk intake follows the same rules as receiving one dossier at a time."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

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
        assert s.scalar(select(func.count(Transition.id)).where(Transition.dossier_id.in_(ids))) == 3
        assert s.scalar(select(func.count(AuditLog.id)).where(AuditLog.table_name == "onestop_dossier",
                                                             AuditLog.record_id.in_([str(i) for i in ids]))) == 3


def test_one_bad_request_receives_nothing(counter):  # noqa: F811
    state, unit, pause, _ = counter
    requests = [IntakeRequest(pause.id, Applicant("Tốt")), IntakeRequest(pause.id, Applicant("", "12"))]
    with state.transaction() as s, pytest.raises(ServiceError, match="Hồ sơ 2"):
        receive_many(s, s.merge(unit), requests, None, settings=state.settings)
    with state.transaction() as s:
        assert s.scalar(select(func.count(Dossier.id))) == 0
