"""Login, logout and the language switch (Flask-Login; CSRF on every form)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from core.i18n import LOCALE_SESSION_KEY
from core.models import User
from core.services.users import LoginRefused, authenticate

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
# Set when a visitor picks a language before logging in; the login then stores it on the user.
LOCALE_CHOSEN_KEY = "locale_chosen"


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(message=_l("Please enter your username."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(message=_l("Please enter your password."))])


def _refusal_message(exc: LoginRefused) -> str:
    """The refusal in the visitor's language.

    ``core.services.users`` has no Flask and words its messages as "Vietnamese (english tag)";
    the tag names the reason. An unknown reason is shown as it is.
    """
    text = str(exc)
    if text.endswith("(wrong username or password)"):
        return _("Wrong username or password.")
    if text.endswith("(account disabled)"):
        return _("This account has been disabled.")
    if text.endswith("(account locked)"):
        minutes = re.search(r"(\d+)", text)
        return _("The account is temporarily locked after repeated failed logins; try again in %(minutes)s minutes.",
                 minutes=minutes.group(1) if minutes else "?")
    return text


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("admin.index")


def _state():
    from flask import current_app
    return current_app.extensions["cchc"]


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        state = _state()
        db_session = state.db.session()
        try:
            user = authenticate(db_session, form.username.data, form.password.data,
                                state.settings["security.max_failed_logins"], state.settings["security.lockout_minutes"])
        except LoginRefused as exc:
            db_session.commit()  # keep the failed-attempt count
            flash(_refusal_message(exc), "error")
            return render_template("core/login.html", form=form), 401
        chosen = session.pop(LOCALE_CHOSEN_KEY, None)
        if chosen in state.settings["app.locales"] and chosen != user.locale:
            user.locale = chosen  # picked on the login page: remember it for this user
        db_session.commit()
        login_user(user)
        session[LOCALE_SESSION_KEY] = user.locale
        return redirect(_safe_next(request.args.get("next")))
    status = 400 if request.method == "POST" else 200
    return render_template("core/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/locale/<code>", methods=["POST"])
def set_locale(code: str):
    state = _state()
    if code not in state.settings["app.locales"]:
        flash(_("Unknown language."), "error")
    else:
        session[LOCALE_SESSION_KEY] = code
        if current_user.is_authenticated:
            current_user.locale = code  # remembered for the next login too
            state.db.session.commit()
        else:
            session[LOCALE_CHOSEN_KEY] = code
    return redirect(_safe_next(request.referrer and urlsplit(request.referrer).path))


def init_app(app: Flask, state) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str):
        user = state.db.session.get(User, int(user_id)) if user_id.isdigit() else None
        return user if user is not None and user.active else None

    app.register_blueprint(bp)
