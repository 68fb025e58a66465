"""The receipt and appointment slip (form 01) and forms 02–06: printable pages and Word downloads.

Login required; a dossier outside the units where the user may read dossiers (with the one-stop
counter enabled) answers 404, exactly like a dossier that does not exist.
"""
from __future__ import annotations

import re
from urllib.parse import quote

from flask import Blueprint, Response, abort, render_template, url_for
from flask_login import login_required
from markupsafe import Markup

from core.toolkit import EnablementSnapshot, ServiceError, access_context, current_state, parse_id
from plugins.onestop import printing
from plugins.onestop.models import Dossier
from plugins.onestop.printing import qr
from plugins.onestop.views import db

READ = "onestop.dossiers.read"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def scoped_dossier(dossier_id: str) -> Dossier:
    session = db()
    number = parse_id(dossier_id)
    dossier = session.get(Dossier, number) if number is not None else None
    allowed = EnablementSnapshot.of(session).units_with("onestop", access_context().units_with(READ))
    if dossier is None or dossier.unit_id not in allowed:
        abort(404)
    return dossier


def lookup_url(dossier: Dossier) -> str:
    return url_for("onestop_public.lookup", code=printing.content.ref(dossier), _external=True)


def _document(dossier_id: str, number: str):
    dossier = scoped_dossier(dossier_id)
    try:
        doc = printing.build(db(), current_state().settings, dossier, number, lookup_url(dossier))
    except ServiceError:
        abort(404)
    return dossier, doc


def form_page(dossier_id: str, number: str):
    dossier, doc = _document(dossier_id, number)
    qr_svg = {b.target: Markup(qr.svg(b.target)) for b in doc.blocks if b.kind == "qr" and b.target}
    return render_template("onestop/print/document.html", doc=doc, dossier=dossier, qr_svg=qr_svg,
                           forms=[(n, printing.TITLES[n]) for n in printing.available(dossier)],
                           titles=printing.TITLES)


def form_docx(dossier_id: str, number: str):
    _, doc = _document(dossier_id, number)
    return Response(printing.to_docx(doc), mimetype=DOCX, headers={
        "Content-Disposition": f"attachment; filename=\"{re.sub(r'[^A-Za-z0-9._-]', '_', doc.filename)}\"; "
                               f"filename*=UTF-8''{quote(doc.filename)}",
        "Cache-Control": "private, no-store",
    })


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/slip/<dossier_id>", "slip", login_required(lambda dossier_id: form_page(dossier_id, "01")))
    bp.add_url_rule("/slip/<dossier_id>.docx", "slip_docx",
                    login_required(lambda dossier_id: form_docx(dossier_id, "01")))
    bp.add_url_rule("/forms/<dossier_id>/<number>", "form", login_required(form_page))
    bp.add_url_rule("/forms/<dossier_id>/<number>.docx", "form_docx", login_required(form_docx))
