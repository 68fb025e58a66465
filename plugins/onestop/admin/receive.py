"""Receiving at the counter: choose the procedure, tick its documents checklist, enter the applicant, receive.

The same page receives an online registration (``?dossier=<id>``): the procedure and applicant come
from the registration. On success the clerk is sent to the receipt and appointment slip (form 01).
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from sqlalchemy import func, or_, select

from core.toolkit import ScopedAccessMixin, ServiceError, Unit, parse_id, settings_of
from plugins.onestop.admin.common import int_or_none
from plugins.onestop.models import Dossier, Field, Procedure
from plugins.onestop.models.catalogue import LIMIT_KINDS
from plugins.onestop.models.dossiers import CHANNELS
from plugins.onestop.services.intake import Applicant, IntakeRequest, ReceivedDocument, receive, refuse_at_counter

PER_PAGE = 25
SLIP_URL = "/onestop/slip/{id}"  # the printable slip (plugins/onestop/views.py)
REFUSAL_URL = "/onestop/forms/{id}/03"  # the printable refusal (form 03)


def _count(value) -> int:
    number = int_or_none(value)
    return min(number, 99) if number is not None else 0


class ReceivePage(ScopedAccessMixin, BaseView):
    permission = "onestop.dossiers.receive"

    def __init__(self, session_factory, **kwargs):
        self.session_factory = session_factory
        super().__init__(**kwargs)

    @property
    def session(self):
        return self.session_factory()

    # -- lookups ---------------------------------------------------------------------------------------------------
    def _procedure(self, value) -> Procedure:
        number = parse_id(value)
        procedure = self.session.get(Procedure, number) if number is not None else None
        if procedure is None or procedure.unit_id not in self.allowed_unit_ids() or not procedure.active:
            abort(404)
        return procedure

    def _registration(self, value) -> Dossier:
        number = parse_id(value)
        dossier = self.session.get(Dossier, number) if number is not None else None
        if dossier is None or dossier.unit_id not in self.allowed_unit_ids():
            abort(404)
        return dossier

    # -- pages -----------------------------------------------------------------------------------------------------
    @expose("/", methods=["GET", "POST"])
    def index(self):
        registration = self._registration(request.values["dossier"]) if request.values.get("dossier") else None
        if registration is not None and registration.status != "registered":
            flash(f"Hồ sơ {registration.code or registration.id} đã được xử lý; không còn chờ tiếp nhận.", "error")
            return redirect(url_for("onestop_dossiers.dossier_view", dossier_id=registration.id))
        chosen = registration.procedure_id if registration else request.values.get("procedure")
        if not chosen:
            return self._choose()
        procedure = self._procedure(chosen)
        if request.method == "POST":
            refusing = registration is None and request.form.get("decision") == "refuse"
            dossier = (self._refuse if refusing else self._receive)(procedure, registration)
            if dossier is not None:
                return redirect((REFUSAL_URL if refusing else SLIP_URL).format(id=dossier.id))
        return self.render("onestop/admin/receive_form.html", procedure=procedure, registration=registration,
                           form=request.form, channels={k: v for k, v in CHANNELS.items() if k != "online"},
                           limit_kinds=LIMIT_KINDS)

    def _choose(self):
        session, allowed = self.session, list(self.allowed_unit_ids())
        query = select(Procedure).join(Field, Field.id == Procedure.field_id).where(
            Procedure.unit_id.in_(allowed), Procedure.active.is_(True))
        text = request.args.get("q", "").strip()
        if text:
            like = f"%{text}%"
            query = query.where(or_(Procedure.name.ilike(like), Procedure.national_code.ilike(like)))
        field_id = parse_id(request.args.get("field", ""))
        if field_id is not None:
            query = query.where(Procedure.field_id == field_id)
        total = session.scalar(select(func.count()).select_from(query.subquery()))
        page = max(parse_id(request.args.get("page", "1")) or 1, 1)
        procedures = list(session.scalars(query.order_by(Field.name, Procedure.national_code)
                                          .offset((page - 1) * PER_PAGE).limit(PER_PAGE)))
        fields = session.execute(select(Field.id, Field.name).where(Field.unit_id.in_(allowed)).order_by(Field.name)).all()
        pending = session.scalar(select(func.count(Dossier.id)).where(Dossier.unit_id.in_(allowed),
                                                                      Dossier.status == "registered"))
        return self.render("onestop/admin/receive_choose.html", procedures=procedures, fields=fields, text=text,
                           field_id=field_id, page=page, pages=max(1, -(-total // PER_PAGE)), total=total,
                           pending=pending, limit_kinds=LIMIT_KINDS)

    def _refuse(self, procedure: Procedure, _registration: None) -> Dossier | None:
        session = self.session
        try:
            dossier = refuse_at_counter(session, session.get(Unit, procedure.unit_id),
                                        IntakeRequest(procedure.id, self._walk_in_applicant(), self._channel(),
                                                      self._documents(procedure)),
                                        current_user.id, request.form.get("refusal_reason", "")[:2000])
            session.commit()
        except ServiceError as exc:
            session.rollback()
            flash(str(exc), "error")
            return None
        flash(f"Đã từ chối tiếp nhận hồ sơ của {dossier.applicant_name}; in phiếu từ chối (mẫu 03) cho người nộp.",
              "success")
        return dossier

    @staticmethod
    def _walk_in_applicant() -> Applicant:
        return Applicant(*(request.form.get(k, "")[:500] for k in ("applicant_name", "applicant_id_number",
                                                                   "applicant_address", "applicant_phone",
                                                                   "applicant_email")))

    @staticmethod
    def _channel() -> str:
        channel = request.form.get("channel", "counter")
        return channel if channel in CHANNELS and channel != "online" else "counter"

    @staticmethod
    def _documents(procedure: Procedure) -> list[ReceivedDocument]:
        form = request.form
        documents = []
        for index, required in enumerate(procedure.documents):
            if form.get(f"doc_{index}"):
                documents.append(ReceivedDocument(required.name, _count(form.get(f"doc_{index}_originals")),
                                                  _count(form.get(f"doc_{index}_certified")),
                                                  _count(form.get(f"doc_{index}_copies"))))
        for line in form.get("other_documents", "").splitlines():
            if line.strip():
                documents.append(ReceivedDocument(line.strip()[:500], 0, 0, 1))
        return documents

    def _receive(self, procedure: Procedure, registration: Dossier | None) -> Dossier | None:
        session, documents = self.session, self._documents(procedure)
        if registration is not None:
            applicant = Applicant(registration.applicant_name, registration.applicant_id_number,
                                  registration.applicant_address, registration.applicant_phone,
                                  registration.applicant_email)
            channel = "online"
        else:
            applicant, channel = self._walk_in_applicant(), self._channel()
        try:
            unit = session.get(Unit, procedure.unit_id)
            dossier = receive(session, settings_of(session), unit, IntakeRequest(procedure.id, applicant, channel, documents),
                              current_user.id, dossier=registration)
            session.commit()
        except ServiceError as exc:
            session.rollback()
            flash(str(exc), "error")
            return None
        flash(f"Đã tiếp nhận hồ sơ {dossier.code}; hẹn trả ngày {dossier.appointment_on:%d/%m/%Y}.", "success")
        return dossier
