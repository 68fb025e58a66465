"""Bulk intake: many dossiers received in one transaction (a batch of online filings, a migration).

Same rules as ``intake.receive`` — validation, gap-free codes, appointments from the working-day
calendar, the reception line of the process control slip, the audit log — but computed for the
whole batch at once: one sequence reservation, vectorised appointments, multi-row inserts.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.toolkit import (Event, ServiceError, Settings, Unit, bulk_insert, calendar_for, emit, hours_for_unit,
                          log_bulk_create, settings_of)
from plugins.onestop.models import Dossier, Procedure, Transition
from plugins.onestop.services.clock import local
from plugins.onestop.services.codes import format_code, reserve_sequences
from plugins.onestop.services.intake import IntakeRequest, new_secrets

CHUNK = 5000


def receive_many(session: Session, unit: Unit, requests: list[IntakeRequest], actor_id: int | None,
                 received_at: list[datetime] | None = None, settings: Settings | None = None) -> list[int]:
    """Receive every request or none; return the new dossier ids in order."""
    if not requests:
        return []
    settings = settings or settings_of(session)
    now = datetime.now(timezone.utc)
    received_at = received_at or [now] * len(requests)
    procedures = {p.id: p for p in session.query(Procedure).filter(Procedure.unit_id == unit.id, Procedure.active)}
    errors = []
    for line, request in enumerate(requests, start=1):
        problems = request.applicant.validate()
        if request.procedure_id not in procedures:
            problems.append("thủ tục không áp dụng tại đơn vị")
        if problems:
            errors.append(f"Hồ sơ {line}: " + "; ".join(problems))
    if errors:
        raise ServiceError("Không tiếp nhận hồ sơ nào: " + " | ".join(errors[:20]))

    local_times = [local(moment).replace(tzinfo=None) for moment in received_at]
    receipt_days = _appointments(session, settings, unit, local_times, requests, procedures)
    by_day: dict = {}
    for index, moment in enumerate(local_times):
        by_day.setdefault(moment.date(), []).append(index)
    sequences = [0] * len(requests)
    for day, indexes in sorted(by_day.items()):
        for index, number in zip(indexes, reserve_sequences(session, unit.id, day, len(indexes))):
            sequences[index] = number
    counts_from, appointments = receipt_days
    secrets_for_slips = new_secrets(len(requests))
    rows = []
    for i, request in enumerate(requests):
        applicant, day = request.applicant, local_times[i].date()
        rows.append({
            "unit_id": unit.id, "code": format_code(unit.code, day, sequences[i]), "receipt_day": day,
            "sequence": sequences[i], "lookup_secret": secrets_for_slips[i], "procedure_id": request.procedure_id,
            "field_id": procedures[request.procedure_id].field_id, "channel": request.channel, "status": "received",
            "applicant_name": applicant.name.strip(), "applicant_id_number": applicant.id_number.strip(),
            "applicant_address": applicant.address.strip(), "applicant_phone": applicant.phone.strip(),
            "applicant_email": applicant.email.strip(), "received_at": received_at[i], "received_by": actor_id,
            "received_on": counts_from[i], "appointment_on": appointments[i], "current_step": 0, "note": "",
            "created_at": now, "updated_at": now,
        })
    bulk_insert(session.connection(), Dossier.__table__, rows, CHUNK)
    ids = _ids_of(session, unit.id, rows)
    _journal(session, unit, rows, ids, actor_id)
    emit(session, Event("onestop.dossiers_received", unit.id, "onestop_dossier:bulk",
                        {"count": len(ids), "first": rows[0]["code"], "last": rows[-1]["code"]}))
    return ids


def _ids_of(session: Session, unit_id: int, rows: list[dict]) -> list[int]:
    """Ids in row order, read back through the (unit, day, sequence) key: a multi-row INSERT with
    RETURNING in parameter order falls back to one statement per row on SQLite."""
    found: dict[tuple, int] = {}
    for day in {row["receipt_day"] for row in rows}:
        numbers = [row["sequence"] for row in rows if row["receipt_day"] == day]
        found.update(((day, seq), i) for i, seq in session.execute(
            select(Dossier.id, Dossier.sequence).where(Dossier.unit_id == unit_id, Dossier.receipt_day == day,
                                                       Dossier.sequence.between(min(numbers), max(numbers)))))
    return [found[(row["receipt_day"], row["sequence"])] for row in rows]


def _appointments(session, settings, unit, local_times, requests, procedures):
    """Receipt days (after the cut-off or on a day off: the next working day) and appointment dates."""
    calendar = calendar_for(session, settings).covering(min(local_times).date(), max(local_times).date())
    hours = hours_for_unit(session, settings, unit.id)
    days = np.array([moment.date().toordinal() for moment in local_times], dtype=np.int64)
    late = np.array([moment.time() >= hours.receipt_cutoff for moment in local_times])
    working = calendar.is_working_array[days - calendar.base]
    counts_from = np.where(late | ~working, calendar.add_working_days_many(days, np.ones_like(days)), days)
    limits = np.array([procedures[r.procedure_id].limit_for(r.channel) for r in requests], dtype=np.int64)
    kinds = [procedures[r.procedure_id].limit_kind for r in requests]
    due = calendar.add_working_days_many(counts_from, limits)
    appointments = []
    for i, kind in enumerate(kinds):
        if kind == "working":
            appointments.append(date.fromordinal(int(due[i])))
        elif kind == "calendar":
            appointments.append(calendar.add_calendar_days(local_times[i].date(), int(limits[i])))
        else:
            appointments.append(calendar.add_working_hours(local_times[i], int(limits[i]), hours).date())
    return [date.fromordinal(int(d)) for d in counts_from], appointments


def _journal(session, unit, rows, ids, actor_id) -> None:
    """The reception line of each process control slip, and each record's audit entry."""
    transitions = [{"dossier_id": dossier_id, "unit_id": unit.id, "action": "receive", "from_status": "new",
                    "to_status": "received", "at": row["received_at"], "user_id": actor_id, "step": 0,
                    "note": "", "details": {}} for dossier_id, row in zip(ids, rows)]
    bulk_insert(session.connection(), Transition.__table__, transitions, CHUNK)
    log_bulk_create(session, Dossier, unit.id, list(zip(ids, rows)), CHUNK)
