"""``cchc plans``: plans of a year with their counts, and the coverage of an inspection plan."""
from __future__ import annotations

import json
from datetime import date

import click

from core.cli import cli, handle_errors, state_of
from core.i18n import format_date
from core.scheduling.plans import (PLAN_KINDS, find_plan, inspection_coverage, list_plans, parse_year, plan_counts,
                                   status_label)
from core.services import ServiceError
from core.services.units import get_unit


class YearType(click.ParamType):
    name = "YYYY"

    def convert(self, value, param, ctx):
        try:
            return parse_year(value)
        except ServiceError as exc:
            self.fail(str(exc), param, ctx)


YEAR = YearType()


def _unit_ids(session, unit_code):
    return [get_unit(session, unit_code).id] if unit_code else None


@cli.group(help="Kế hoạch và nhiệm vụ (plans and tasks).")
def plans():
    pass


@plans.command("list", help="Liệt kê kế hoạch của một năm và số đã ban hành / tổng số (không tính kế hoạch đã huỷ).")
@click.option("--year", type=YEAR, required=True, help="Năm kế hoạch, ví dụ 2018.")
@click.option("--unit", "unit_code", default=None, help="Chỉ kế hoạch do đơn vị có mã này ban hành.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@click.pass_context
@handle_errors
def list_cmd(ctx, year, unit_code, as_json):
    state = state_of(ctx)
    with state.transaction() as session:
        unit_ids = _unit_ids(session, unit_code)
        counts = plan_counts(session, year, unit_ids)
        rows = [{"id": p.id, "reference": p.reference, "number": p.number, "symbol": p.symbol, "title": p.title,
                 "unit": p.unit.code, "issue_date": p.issue_date.isoformat() if p.issue_date else None,
                 "programme": p.programme, "year": p.year, "period": p.period, "kind": p.kind, "status": p.status}
                for p in list_plans(session, year, unit_ids)]
    if as_json:
        click.echo(json.dumps({"year": year, "unit": unit_code, "issued": counts.issued, "total": counts.total,
                               "by_status": counts.by_status, "label": counts.label, "plans": rows},
                              ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(f"Chưa có kế hoạch nào năm {year}" + (f" của đơn vị {unit_code}" if unit_code else "") + ".")
    for row in rows:
        issued = format_date(_date(row["issue_date"])) or "chưa ban hành"
        click.echo(f"[{row['id']}] {row['reference']}  {issued}  {status_label(row['status'])}  "
                   f"{PLAN_KINDS.get(row['kind'], row['kind'])}  {row['unit']}  {row['programme']}  – {row['title']}")
    click.echo(f"Năm {year}: {counts.label}.")


def _date(value):
    return date.fromisoformat(value) if value else None


@plans.command("coverage", help="Phạm vi của kế hoạch kiểm tra: số đơn vị cấp dưới đã được kiểm tra / tổng số. "
                                "PLAN là mã số (12) hoặc số/ký hiệu (90/KH-VP).")
@click.argument("plan_ref", metavar="PLAN")
@click.option("--year", type=YEAR, default=None, help="Năm, khi nhiều năm có cùng số/ký hiệu.")
@click.option("--unit", "unit_code", default=None, help="Mã đơn vị ban hành, khi nhiều đơn vị có cùng số/ký hiệu.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@click.pass_context
@handle_errors
def coverage_cmd(ctx, plan_ref, year, unit_code, as_json):
    state = state_of(ctx)
    with state.transaction() as session:
        plan = find_plan(session, plan_ref, year, _unit_ids(session, unit_code))
        cov = inspection_coverage(session, plan)
        data = {"plan": plan.reference, "id": plan.id, "year": plan.year, "title": plan.title,
                "inspected": [u.code for u in cov.inspected], "pending": [u.code for u in cov.pending],
                "not_targeted": [u.code for u in cov.not_targeted], "total": cov.total, "percent": cov.percent,
                "label": cov.label, "contents": cov.contents}
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"Kế hoạch kiểm tra {data['plan']} (năm {data['year']}) – {data['title']}")
    click.echo(f"Đã kiểm tra {data['label']} đơn vị cấp dưới; {len(data['contents']):02d} nội dung kiểm tra.")
    for label, key in (("Đã kiểm tra", "inspected"), ("Đang kiểm tra", "pending"), ("Tự kiểm tra", "not_targeted")):
        click.echo(f"  {label}: {', '.join(data[key]) or '—'}")
