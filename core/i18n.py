"""Vietnamese by default, English second; one catalogue per plugin plus the core's."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, request, session
from flask_babel import Babel, get_locale, gettext, lazy_gettext
from flask_login import current_user

CORE_TRANSLATIONS = Path(__file__).resolve().parent / "translations"
LOCALE_SESSION_KEY = "locale"
# Each language is named in itself, so that a reader of either can find theirs.
LOCALE_NAMES = {"vi": "Tiếng Việt", "en": "English"}

__all__ = ["gettext", "lazy_gettext", "format_date", "init_app", "translation_directories"]


def translation_directories(state) -> list[str]:
    return [str(CORE_TRANSLATIONS), *state.registry.package_dirs("translations")]


def format_date(value: date | datetime | None, tz: str = "Asia/Ho_Chi_Minh") -> str:
    """dd/mm/yyyy (and HH:MM for datetimes, in the office's time zone) whatever the locale."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(ZoneInfo(tz))
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def init_app(app: Flask, state) -> None:
    locales = state.settings["app.locales"]
    default = state.settings["app.default_locale"]

    def select_locale() -> str:
        if current_user and current_user.is_authenticated and current_user.locale in locales:
            return current_user.locale
        chosen = session.get(LOCALE_SESSION_KEY)
        if chosen in locales:
            return chosen
        return default if default in locales else request.accept_languages.best_match(locales) or "vi"

    app.config["BABEL_DEFAULT_LOCALE"] = default
    app.config["BABEL_DEFAULT_TIMEZONE"] = state.settings["app.timezone"]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_directories(state))
    Babel(app, locale_selector=select_locale)
    app.jinja_env.filters["ddmmyyyy"] = lambda v: format_date(v, state.settings["app.timezone"])
    app.jinja_env.globals["available_locales"] = locales
    app.jinja_env.globals["locale_names"] = LOCALE_NAMES
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or default)
