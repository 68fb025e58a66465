"""What a citizen does without an account: register online (form and JSON API), look a dossier up,
rate the service. Thin: every rule is in ``services.public``, ``services.intake`` and ``services.ratings``."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for

from core.toolkit import ServiceError, csrf, parse_id
from plugins.onestop.forms import LookupForm, RegistrationForm, rating_form_class
from plugins.onestop.services import public
from plugins.onestop.services.intake import Applicant
from plugins.onestop.services.workflow import status_label
from plugins.onestop.views import attempt_allowed, db, today

TOO_MANY = "Bạn đã thử quá nhiều lần. Vui lòng đợi một phút rồi thử lại."
NOT_FOUND = ("Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu đã nhập. Vui lòng kiểm tra lại hai mã in trên "
             "giấy tiếp nhận và hẹn trả kết quả.")


def register_page(procedure_id: str):
    session = db()
    procedure = public.public_procedure(session, parse_id(procedure_id))
    if procedure is None:
        abort(404)
    form = RegistrationForm()
    errors: list[str] = []
    if form.validate_on_submit():
        applicant = Applicant(form.name.data, form.id_number.data, form.address.data, form.phone.data,
                              form.email.data or "")
        try:
            dossier = public.register(session, procedure, applicant)
            session.commit()
        except ServiceError as exc:
            session.rollback()
            errors = getattr(exc, "errors", None) or [str(exc)]
        else:
            return render_template("onestop/public/registered.html", dossier=dossier, procedure=procedure,
                                   reference=public.reference(dossier)), 201
    status = 400 if request.method == "POST" else 200
    return render_template("onestop/public/register.html", form=form, procedure=procedure, errors=errors,
                           online=public.accepts_online(procedure)), status


def _json_error(errors: list[str], status: int = 400):
    return jsonify({"ok": False, "error": ". ".join(errors), "errors": errors}), status


def api_register():
    """``POST /onestop/api/registrations``: JSON in, JSON out; 201 with the reference and second factor."""
    if not request.is_json:
        return _json_error(["Yêu cầu phải có Content-Type: application/json"], 415)
    payload = request.get_json(silent=True)
    if payload is None:
        return _json_error(["Nội dung gửi lên không phải JSON hợp lệ"])
    session = db()
    try:
        procedure, applicant = public.parse_registration(session, payload)
        dossier = public.register(session, procedure, applicant)
        session.commit()
    except ServiceError as exc:
        session.rollback()
        return _json_error(getattr(exc, "errors", None) or [str(exc)])
    ref = public.reference(dossier)
    body = {"ok": True, "reference": ref, "secret": dossier.lookup_secret, "status": dossier.status,
            "status_label": status_label(dossier), "unit": payload["unit"].strip(),
            "procedure": procedure.national_code,
            "lookup_url": url_for("onestop_public.lookup", code=ref, _external=True),
            "message": "Đã đăng ký trực tuyến. Vui lòng mang hồ sơ giấy đến Bộ phận tiếp nhận và trả kết quả; "
                       "giữ mã đăng ký và mã tra cứu để theo dõi hồ sơ."}
    return jsonify(body), 201


def lookup():
    form = LookupForm()
    if request.method == "GET":
        form.code.data = (request.args.get("code") or "").strip()[:60]
        return render_template("onestop/public/lookup.html", form=form, result=None, message=None)
    if not form.validate_on_submit():
        return render_template("onestop/public/lookup.html", form=form, result=None, message=None), 400
    if not attempt_allowed("lookup"):
        response = render_template("onestop/public/lookup.html", form=form, result=None, message=TOO_MANY)
        return response, 429, {"Retry-After": "60"}
    dossier = public.find_dossier(db(), form.code.data, form.secret.data)
    if dossier is None:
        return render_template("onestop/public/lookup.html", form=form, result=None, message=NOT_FOUND), 404
    return render_template("onestop/public/lookup.html", form=form, message=None,
                           result=public.PublicStatus.of(dossier))


def rate():
    from plugins.onestop.services import ratings
    session = db()
    try:
        criteria = ratings.criteria(today())
    except ServiceError:
        criteria = []
    form = rating_form_class(criteria)()

    def page(status: int = 200, message: str | None = None, done: bool = False, **headers):
        return render_template("onestop/public/rate.html", form=form, criteria=criteria, message=message,
                               done=done), status, headers

    if request.method == "GET":
        form.code.data = (request.args.get("code") or "").strip()[:60]
        return page()
    if not form.validate_on_submit():
        return page(400)
    if not attempt_allowed("lookup"):  # the same budget as the lookup: both test a code + second factor
        return page(429, TOO_MANY, **{"Retry-After": "60"})
    dossier = public.find_dossier(session, form.code.data, form.secret.data)
    if dossier is None:
        return page(404, NOT_FOUND)
    scores = {c.code: getattr(form, f"score_{c.code}").data for c in criteria}
    try:
        ratings.rate(session, dossier, scores, form.comment.data or "", today())
        session.commit()
    except ServiceError as exc:
        session.rollback()
        return page(400, str(exc))
    return page(done=True)


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/register/<procedure_id>", "register", register_page, methods=["GET", "POST"])
    bp.add_url_rule("/register/", "register_start", lambda: redirect(url_for("onestop_public.catalogue")))
    bp.add_url_rule("/api/registrations", "api_register", csrf.exempt(api_register), methods=["POST"])
    bp.add_url_rule("/lookup", "lookup", lookup, methods=["GET", "POST"])
    bp.add_url_rule("/rate", "rate", rate, methods=["GET", "POST"])
