"""The public "ISO page": the quality documents that units have published, current versions only."""
from __future__ import annotations

import io
from pathlib import Path

from flask import Blueprint, abort, render_template, send_file
from sqlalchemy import select

from core.toolkit import Unit, current_state, is_enabled, parse_id
from plugins.iso9001.models import Document
from plugins.iso9001.models.system import DOCUMENT_KINDS
from plugins.iso9001.services.documents import published_documents

TEMPLATES = str(Path(__file__).resolve().parent / "templates")


def _enabled_unit_ids(session) -> list[int]:
    return [u for u in session.scalars(select(Unit.id)) if is_enabled(session, "iso9001", u)]


def public_blueprint() -> Blueprint:
    blueprint = Blueprint("iso9001_public", __name__, url_prefix="/iso", template_folder=TEMPLATES)

    @blueprint.route("/")
    def index():
        session = current_state().db.session()
        docs = published_documents(session, _enabled_unit_ids(session))
        units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_({d.unit_id for d in docs})))}
        groups: dict[int, list[Document]] = {}
        for doc in docs:
            groups.setdefault(doc.unit_id, []).append(doc)
        return render_template("iso9001/public/index.html", groups=[(units[u], items) for u, items in groups.items()],
                               kinds=DOCUMENT_KINDS)

    @blueprint.route("/document/<document_id>")
    def document_file(document_id):
        session = current_state().db.session()
        number = parse_id(document_id)
        doc = session.get(Document, number) if number is not None else None
        # Only what is published, current and of a unit where the plugin is on is public; the rest is 404.
        if doc is None or not doc.published or not is_enabled(session, "iso9001", doc.unit_id):
            abort(404)
        current = doc.current
        if current is None or not current.data:
            abort(404)
        return send_file(io.BytesIO(current.data), mimetype=current.content_type, as_attachment=True,
                         download_name=current.filename)

    return blueprint
