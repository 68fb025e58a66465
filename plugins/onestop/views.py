"""The public side of the one-stop counter (no login) and its printable documents (login).

``public_blueprint()`` is registered by the plugin's ``register_blueprints`` hook. The routes live in
three thin modules: the published catalogue and statistics (here), the citizen's registration, lookup
and rating (``views_citizen``) and the receipt slip and forms 01–06 (``views_documents``).
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from flask import Blueprint, abort, flash, render_template, request
from sqlalchemy.orm import Session

from core.toolkit import RuleError, ServiceError, current_state, parse_id, rules_for
from core.toolkit import attempt_allowed as count_attempt  # this module's attempt_allowed adds the rule and client
from plugins.onestop.services import public, statistics
from plugins.onestop.services.clock import OFFICE_TZ
from plugins.onestop.services.counter import unpublished_unit_ids
from plugins.onestop.services.periods import KINDS, period_of

TEMPLATES = Path(__file__).resolve().parent / "templates"
DEFAULT_ATTEMPTS_PER_MINUTE = 10


def db() -> Session:
    """The request's session (prepared by the core with the acting user)."""
    return current_state().db.session()


def today() -> date:
    return datetime.now(OFFICE_TZ).date()


def attempt_allowed(bucket: str) -> bool:
    """Count one guess of a code + second factor by this client; False past the per-minute rule.

    Counted in the database, so all workers share the budget; committed at once, before the guess
    is checked, so that a wrong guess counts however the request ends."""
    try:
        limit = int(rules_for("plugins.onestop").value("lookup_attempts_per_minute", on=today()))
    except (RuleError, TypeError, ValueError):
        limit = DEFAULT_ATTEMPTS_PER_MINUTE
    session = db()
    allowed = count_attempt(session, f"onestop.{bucket}:{request.remote_addr or '?'}", limit, window_seconds=60)
    session.commit()
    return allowed


def chosen_units(session: Session, hidden: set[int] = frozenset()) -> tuple[list, list[int], str]:
    """The units open to the public (less ``hidden``), the ids the page covers (``?unit=CODE`` or all),
    the chosen code."""
    units = [u for u in public.public_units(session) if u.id not in hidden]
    chosen = (request.args.get("unit") or "").strip()
    covered = [u.id for u in units if u.code == chosen] or [u.id for u in units]
    return units, covered, chosen if any(u.code == chosen for u in units) else ""


def catalogue():
    session = db()
    units, covered, chosen = chosen_units(session)
    fields = public.fields_of(session, covered)
    field_id = parse_id(request.args.get("field", "")) if request.args.get("field") else None
    if field_id not in {f.id for f, _ in fields}:
        field_id = None
    text = (request.args.get("q") or "").strip()[:200]
    page = parse_id(request.args.get("page", "1")) or 1
    procedures, total = public.search_catalogue(session, covered, field_id, text, page)
    pages = max(1, (total + public.PAGE_SIZE - 1) // public.PAGE_SIZE)
    return render_template("onestop/public/catalogue.html", units=units, chosen=chosen, fields=fields,
                           field_id=field_id, q=text, procedures=procedures, total=total,
                           page=min(page, pages), pages=pages, accepts_online=public.accepts_online)


def procedure_detail(procedure_id: str):
    procedure = public.public_procedure(db(), parse_id(procedure_id))
    if procedure is None:
        abort(404)
    return render_template("onestop/public/procedure.html", procedure=procedure,
                           online=public.accepts_online(procedure))


def statistics_page():
    session = db()
    units, covered, chosen = chosen_units(session, hidden=unpublished_unit_ids(session))
    args = request.args
    kind = args.get("kind") or "quarter"
    try:
        period = period_of(kind, args.get("year"), args.get("number"), args.get("start", ""), args.get("end", ""),
                           today=today())
    except ServiceError as exc:
        flash(str(exc), "error")
        kind, period = "quarter", period_of("quarter", today=today())
    # A period still running is counted as of today: "overdue" means overdue now, not at its future end.
    until = min(period.end, today())
    rows = statistics.compute(session, period.start, until, covered, by=("field",)) \
        if covered and until >= period.start else []
    return render_template("onestop/public/statistics.html", units=units, chosen=chosen, rows=rows,
                           summary=statistics.total(rows), period=period, until=until, kinds=KINDS, kind=kind,
                           args=args, years=range(today().year - 10, today().year + 1))


def public_blueprint() -> Blueprint:
    bp = Blueprint("onestop_public", __name__, template_folder=str(TEMPLATES), url_prefix="/onestop")
    bp.add_url_rule("/", "catalogue", catalogue)
    bp.add_url_rule("/procedures/<procedure_id>", "procedure", procedure_detail)
    bp.add_url_rule("/statistics", "statistics", statistics_page)
    from plugins.onestop import views_citizen, views_documents
    views_citizen.register(bp)
    views_documents.register(bp)
    return bp
