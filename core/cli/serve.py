"""``cchc serve``: the web application under gunicorn (production-grade, also used by ``make run``)."""
from __future__ import annotations

import click

from core.cli import cli


@cli.command(help="Chạy ứng dụng web bằng gunicorn (serve the back office).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
def serve(host, port, workers):
    from gunicorn.app.wsgiapp import run
    import sys
    sys.argv = ["gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers), "--access-logfile", "-",
                "core.wsgi:app"]
    run()
