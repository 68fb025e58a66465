"""WSGI entry point for gunicorn: ``gunicorn core.wsgi:app``."""
import sys

from core.manifest import PluginError
from core.settings import SettingsError

try:
    from core.app import create_app

    app = create_app()
except (SettingsError, PluginError) as exc:
    # A configuration mistake is the operator's to fix: say what it is, without a traceback.
    print(f"CCHC Suite không khởi động được: {exc}", file=sys.stderr)
    sys.exit(1)
