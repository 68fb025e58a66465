"""Bulk intake: many dossiers received in one transaction (a batch of online filings, a migration).

Same rules as ``intake.receive`` — validation and the documents checklist, gap-free codes,
appointments from the working-day calendar, the reception line of the process control slip, the
audit log — but computed for the whole batch at once: one sequence reservation per day, vectorised
appointments, multi-row inserts, and the slip's lines and audit entries written by the database.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import numpy as np
from sqlalchemy import insert, literal_column, or_, select
from sqlalchemy.orm import Session, selectinload

from core.toolkit import (Event, ServiceError, Settings, Unit, bulk_insert, calendar_for, emit, hours_for_unit,
                          log_bulk_create, settings_of)
from plugins.onestop.models import Dossier, DossierDocument, Procedure, Transition
from plugins.onestop.services.clock import local
from plugins.onestop.services.codes import code_prefix, reserve_sequences
from plugins.onestop.services.intake import IntakeRequest, intake_problems, new_secrets

CHUNK = 5000


def receive_many(session: Session, unit: Unit, requests: list[IntakeRequest], actor_id: int | None,
                 received_at: list[datetime] | None = None, settings: Settings | None = None) -> list[int]:
    """Receive every request or none; return the new dossier ids in order."""
    if not requests:
        return []
    settings = settings or settings_of(session)
    now = datetime.now(timezone.utc)
    received_at = received_at or [now] * len(requests)
    procedures = {p.id: p for p in session.scalars(select(Procedure).options(selectinload(Procedure.documents))
                                                   .where(Procedure.unit_id == unit.id, Procedure.active))}
    errors = []
    for line, request in enumerate(requests, start=1):
        procedure = procedures.get(request.procedure_id)
        problems = (intake_problems(request, procedure, need_documents=True) if procedure
                    else ["thủ tục không áp dụng tại đơn vị"])
        if problems:
            errors.append(f"Hồ sơ {line}: " + "; ".join(problems))
    if errors:
        raise ServiceError("Không tiếp nhận hồ sơ nào: " + " | ".join(errors[:20]))

    local_times = [local(moment).replace(tzinfo=None) for moment in received_at]
    counts_from, appointments = _appointments(session, settings, unit, local_times, requests, procedures)
    by_day: dict[date, list[int]] = {}
    for index, moment in enumerate(local_times):
        by_day.setdefault(moment.date(), []).append(index)
    sequences = [0] * len(requests)
    batch = []  # per receipt day, the block of numbers this batch reserved: it selects the new rows
    for day, indexes in sorted(by_day.items()):
        numbers = reserve_sequences(session, unit.id, day, len(indexes))
        batch.append((Dossier.receipt_day == day) & Dossier.sequence.between(numbers.start, numbers.stop - 1))
        for index, number in zip(indexes, numbers):
            sequences[index] = number
    prefixes = {day: code_prefix(unit.code, day) for day in by_day}
    secrets_for_slips = new_secrets(len(requests))
    rows = []
    for i, request in enumerate(requests):
        applicant, day = request.applicant, local_times[i].date()
        rows.append({
            "unit_id": unit.id, "code": f"{prefixes[day]}{sequences[i]:04d}", "receipt_day": day,
            "sequence": sequences[i], "lookup_secret": secrets_for_slips[i], "procedure_id": request.procedure_id,
            "field_id": procedures[request.procedure_id].field_id, "channel": request.channel, "status": "received",
            "applicant_name": applicant.name.strip(), "applicant_id_number": applicant.id_number.strip(),
            "applicant_address": applicant.address.strip(), "applicant_phone": applicant.phone.strip(),
            "applicant_email": applicant.email.strip(), "received_at": received_at[i], "received_by": actor_id,
            "received_on": counts_from[i], "appointment_on": appointments[i], "current_step": 0, "note": "",
            "created_at": now, "updated_at": now,
        })
    bulk_insert(session.connection(), Dossier.__table__, rows, CHUNK)
    received = (Dossier.unit_id == unit.id) & or_(*batch)
    ids = _ids_of(session, received, rows)
    _journal(session, unit, requests, ids, received)
    emit(session, Event("onestop.dossiers_received", unit.id, "onestop_dossier:bulk",
                        {"count": len(ids), "first": rows[0]["code"], "last": rows[-1]["code"]}))
    return ids


def _ids_of(session: Session, received, rows: list[dict]) -> list[int]:
    """Ids in row order, read back through the (day, sequence) key: a multi-row INSERT with
    RETURNING in parameter order falls back to one statement per row on SQLite."""
    found = {(day, seq): i for i, day, seq in session.execute(
        select(Dossier.id, Dossier.receipt_day, Dossier.sequence).where(received))}
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


def _journal(session, unit, requests, ids, received) -> None:
    """The checklist and the reception line of each process control slip, and the audit entries.

    The slip's lines and the audit entries are written by the database from the dossiers just
    inserted (``received`` selects them), so they carry the same moment and clerk by construction.
    """
    session.execute(insert(Transition).from_select(
        ["dossier_id", "unit_id", "action", "from_status", "to_status", "at", "user_id", "step", "note", "details"],
        select(Dossier.id, Dossier.unit_id, literal_column("'receive'"), literal_column("'new'"),
               literal_column("'received'"), Dossier.received_at, Dossier.received_by, literal_column("0"),
               literal_column("''"), literal_column("'{}'")).where(received)))
    documents = [{"dossier_id": dossier_id, "unit_id": unit.id, "name": d.name, "originals": d.originals,
                  "certified_copies": d.certified_copies, "copies": d.copies}
                 for dossier_id, request in zip(ids, requests) for d in request.documents]
    bulk_insert(session.connection(), DossierDocument.__table__, documents, CHUNK)
    log_bulk_create(session, Dossier, received)
    if documents:
        log_bulk_create(session, DossierDocument, DossierDocument.dossier_id.in_(select(Dossier.id).where(received)))
