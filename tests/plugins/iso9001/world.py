"""Fixtures shared by the ISO 9001 tests: an office with two departments in scope, one user per role.

Auditors hold their ISO role office-wide (with sub-units) and a plain staff role in their own department,
which is what "their own unit" means for the self-audit rule.
"""
import html as html_lib
import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from plugins.iso9001.models import Programme, Scope, Template
from plugins.iso9001.services import programme as programmes
from plugins.iso9001.services import scope as scopes

YEAR = 2026


@pytest.fixture
def world(state, unit_factory, user_factory):
    office = unit_factory("VP", "Văn phòng UBND tỉnh", kind="office", plugins=("iso9001",))
    kt = unit_factory("VP-KT", "Phòng Kinh tế", parent=office, plugins=("iso9001",))
    hc = unit_factory("VP-HCTC", "Phòng Hành chính - Tổ chức", parent=office, plugins=("iso9001",))
    other = unit_factory("SO-KHAC", "Sở Khác", plugins=("iso9001",))
    people = SimpleNamespace(
        manager=user_factory("thuky", full_name="Lê Thư Ký", roles=[(office, "iso9001.qms_manager", True)]),
        lead=user_factory("truongdoan", full_name="Phạm Trưởng Đoàn",
                          roles=[(office, "iso9001.lead_auditor", True), (hc, "core.staff")]),
        auditor=user_factory("danhgia", full_name="Võ Đánh Giá",
                             roles=[(office, "iso9001.auditor", True), (hc, "core.staff")]),
        kt_auditor=user_factory("danhgiakt", full_name="Đỗ Kinh Tế",
                                roles=[(office, "iso9001.auditor", True), (kt, "core.staff")]),
        auditee=user_factory("phongkt", full_name="Trần Phòng KT", roles=[(kt, "iso9001.auditee")]),
        hc_auditee=user_factory("phonghc", full_name="Ngô Phòng HC", roles=[(hc, "iso9001.auditee")]),
    )
    return SimpleNamespace(office=office, kt=kt, hc=hc, other=other, **vars(people))


@pytest.fixture
def clients(world, login):
    return SimpleNamespace(**{name: login(getattr(world, name)) for name in
                              ("manager", "lead", "auditor", "kt_auditor", "auditee", "hc_auditee")})


@pytest.fixture
def in_scope(world, state):
    """KT and HCTC declared in scope, and the programme of ``YEAR`` with its core plan issued."""
    with state.transaction() as s:
        for unit in (world.kt, world.hc):
            scopes.save_scope(s, s.merge(unit), date(YEAR, 1, 5), statement=f"Mọi thủ tục của {unit.name}")
        programme = programmes.create_programme(s, s.merge(world.office), year=YEAR, number="18", symbol="KH-VP",
                                                issue_date=date(YEAR, 1, 10))
        programmes.issue_programme(s, programme, date(YEAR, 1, 10))
        template = s.scalar(select(Template))
        return SimpleNamespace(programme_id=programme.id, plan_id=programme.plan_id, template_id=template.id)


def plan_audit(state, world, in_scope, unit=None, clauses="7.5, 8.5", start=date(YEAR, 5, 11)):
    """An audit planned through the service (lead + auditor), for tests that start from a planned audit."""
    with state.transaction() as s:
        audit = programmes.create_audit(
            s, s.get(Programme, in_scope.programme_id), s.merge(unit or world.kt),
            template=s.get(Template, in_scope.template_id), lead_auditor_id=world.lead.id,
            auditor_ids=[world.auditor.id], starts_on=start, ends_on=start + timedelta(days=1),
            scope_clauses=clauses)
        return SimpleNamespace(id=audit.id, line_ids=[line.id for line in audit.lines],
                               clauses=[line.clause for line in audit.lines])


def text(response) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


def flashes(page: str) -> str:
    found = re.findall(r'class="alert[^"]*"[^>]*>(.*?)</div>', page, re.S)
    return html_lib.unescape(" ".join(re.sub(r"<[^>]+>", " ", f) for f in found))


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return text(response)


def scope_of(state, unit):
    with state.transaction() as s:
        return s.scalar(select(Scope).where(Scope.unit_id == unit.id))
