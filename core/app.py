"""The Flask application factory."""
from __future__ import annotations

from types import ModuleType
from typing import Any

from flask import Flask, g, render_template
from flask_login import current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import ChoiceLoader, FileSystemLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from core import i18n
from core.access import AccessContext
from core.audit import Actor
from core.plugins import PluginRegistry
from core.settings import Settings, load_settings
from core.state import CoreState

csrf = CSRFProtect()


def create_app(settings: Settings | None = None, plugin_modules: list[ModuleType] | None = None,
               **config: Any) -> Flask:
    """Build the application.

    ``plugin_modules`` replaces entry-point discovery; it exists for tests of a plugin that is not
    installed yet (``core.testing`` uses it). Production always discovers ``cchc.plugins``.
    """
    settings = settings or load_settings()
    registry = PluginRegistry(plugin_modules) if plugin_modules is not None else PluginRegistry.discover()
    state = CoreState.build(settings, registry)

    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings["app.secret_key"],
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        FLASK_ADMIN_SWATCH="default",
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
    )
    app.config.update(config)
    app.extensions["cchc"] = state
    hops = int(settings["app.proxy_hops"])
    if hops > 0:  # only then are X-Forwarded-* trusted: otherwise any client could choose its address
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    csrf.init_app(app)
    # Plugins keep templates in <package>/templates/<plugin name>/...; every view and page finds them.
    app.jinja_loader = ChoiceLoader([app.jinja_loader, FileSystemLoader(registry.package_dirs("templates"))])
    i18n.init_app(app, state)
    from core import auth
    auth.init_app(app, state)

    @app.before_request
    def _prepare_session():
        session = state.db.session()
        user = current_user if current_user.is_authenticated else None
        state.prepare(session, Actor(user.id, user.username) if user else Actor(None, "anonymous"))

    @app.teardown_appcontext
    def _remove_session(exc):
        if exc is not None:
            state.db.session.rollback()
        state.db.session.remove()

    @app.errorhandler(CSRFError)
    def _csrf_error(exc):
        message = "Phiên làm việc đã hết hạn hoặc thiếu mã bảo vệ CSRF. Vui lòng tải lại trang và thử lại."
        return render_template("core/error.html", code=400, message=message), 400

    for code, message in ((403, "Bạn không có quyền truy cập trang này."), (404, "Không tìm thấy trang hoặc bản ghi."),
                          (413, "Tệp tải lên quá lớn."), (500, "Đã xảy ra lỗi hệ thống; thay đổi chưa được lưu.")):
        app.register_error_handler(code, _error_page(code, message))

    from core.admin import init_admin
    init_admin(app, state)
    from core import feeds
    feeds.init_app(app)  # the personal .ics feed, /calendar/<token>.ics
    for plugin, blueprints in registry.call_each("register_blueprints", app=app):
        for blueprint in blueprints or []:
            app.register_blueprint(blueprint)
    return app


def _error_page(code: int, message: str):
    def handler(exc):
        if code == 500:
            from flask import current_app
            current_app.extensions["cchc"].db.session.rollback()
        return render_template("core/error.html", code=code, message=message), code
    return handler


def access_context() -> AccessContext:
    """The logged-in user's permissions for this request, computed once."""
    if "cchc_access" not in g:
        from flask import current_app
        state: CoreState = current_app.extensions["cchc"]
        user = current_user if current_user.is_authenticated else None
        g.cchc_access = AccessContext.for_user(state.db.session(), user)
    return g.cchc_access


def current_state() -> CoreState:
    from flask import current_app
    return current_app.extensions["cchc"]
