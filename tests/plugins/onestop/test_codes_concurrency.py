"""Many clerks at once: 8 workers × 250 receipts for one unit and one day give codes 0001–2000, no gap.

PostgreSQL: 8 processes, each with its own connection. SQLite: 8 threads on one file (its write lock
serialises them the same way).
"""
import os
import subprocess
import sys
import threading
from datetime import datetime, timezone

from sqlalchemy import select

import plugins.onestop as onestop
from core.plugins import PluginRegistry
from core.services.enablement import enable_plugin
from core.services.units import create_unit
from core.state import CoreState
from core.testing import test_settings
from plugins.onestop.models import Dossier
from plugins.onestop.services.catalogue import ProcedureSpec, get_or_create_field, save_procedure

WORKERS, EACH = 8, 250
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
WORKER = """
import sys
from datetime import datetime, timezone
import plugins.onestop as onestop
from core.plugins import PluginRegistry
from core.state import CoreState
from core.testing import test_settings
from core.models import Unit
from plugins.onestop.services.intake import Applicant, IntakeRequest, receive

url, unit_id, procedure_id, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
state = CoreState.build(test_settings(url), PluginRegistry([onestop]))
at = datetime(2026, 3, 4, 2, 0, tzinfo=timezone.utc)
for i in range(count):
    with state.transaction() as s:
        receive(s, state.settings, s.get(Unit, unit_id), IntakeRequest(procedure_id, Applicant(f"Người nộp {i}")), None, now=at)
state.db.dispose()
"""


def _counter(state):
    with state.transaction() as s:
        unit = create_unit(s, "H15.50", "Trung tâm Phục vụ hành chính công")
        enable_plugin(s, state.registry, "onestop", unit)
        field = get_or_create_field(s, unit.id, "LV01", "Đất đai")
        procedure = save_procedure(s, unit.id, ProcedureSpec("1.000001", "Cấp phép", "LV01", 5), field)
        return unit.id, procedure.id


def _run_in_threads(state, unit_id, procedure_id):
    from core.models import Unit
    from plugins.onestop.services.intake import Applicant, IntakeRequest, receive
    at = datetime(2026, 3, 4, 2, 0, tzinfo=timezone.utc)
    errors = []

    def work():
        try:
            for i in range(EACH):
                with state.transaction() as s:
                    receive(s, state.settings, s.get(Unit, unit_id), IntakeRequest(procedure_id, Applicant(f"N {i}")),
                            None, now=at)
        except Exception as exc:  # collected: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


def test_parallel_clerks_get_gap_free_codes(cchc_databases):
    url = cchc_databases.url_for([onestop])
    state = CoreState.build(test_settings(url), PluginRegistry([onestop]))
    unit_id, procedure_id = _counter(state)
    if state.db.backend == "postgresql":
        env = {**os.environ, "PYTHONPATH": ROOT}
        workers = [subprocess.Popen([sys.executable, "-c", WORKER, url, str(unit_id), str(procedure_id), str(EACH)],
                                    cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True) for _ in range(WORKERS)]
        for worker in workers:
            _, err = worker.communicate(timeout=600)
            assert worker.returncode == 0, err
    else:
        _run_in_threads(state, unit_id, procedure_id)
    with state.transaction() as s:
        codes = list(s.scalars(select(Dossier.code).where(Dossier.unit_id == unit_id).order_by(Dossier.code)))
    state.db.dispose()
    assert len(codes) == len(set(codes)) == WORKERS * EACH
    assert codes == [f"H15.50-260304-{n:04d}" for n in range(1, WORKERS * EACH + 1)]
