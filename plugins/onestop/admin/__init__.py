"""The one-stop back office (menu "Một cửa"): catalogue, dossiers, reception, submissions, statistics, settings."""
from __future__ import annotations

from plugins.onestop.admin.catalogue import FieldView, ProcedureView
from plugins.onestop.admin.dossiers import DossierView
from plugins.onestop.admin.receive import ReceivePage
from plugins.onestop.admin.settings import CounterSettingsView
from plugins.onestop.admin.statistics import StatisticsPage
from plugins.onestop.admin.submissions import SubmissionView
from plugins.onestop.import_view import CatalogueImportView
from plugins.onestop.models import CounterSettings, Dossier, Field, Procedure, Submission


def admin_views(session) -> list:
    """The plugin's views; the core puts them under the plugin's menu category and scopes them."""
    return [
        ReceivePage(session, name="Tiếp nhận hồ sơ", endpoint="onestop_receive", url="/admin/onestop_receive"),
        DossierView(Dossier, session, name="Hồ sơ", endpoint="onestop_dossiers"),
        SubmissionView(Submission, session, name="Tờ trình, kiến nghị", endpoint="onestop_submissions"),
        StatisticsPage(session, name="Thống kê", endpoint="onestop_statistics", url="/admin/onestop_statistics"),
        FieldView(Field, session, name="Lĩnh vực", endpoint="onestop_fields"),
        ProcedureView(Procedure, session, name="Thủ tục", endpoint="onestop_procedures"),
        CatalogueImportView(name="Nhập danh mục", endpoint="onestop_import"),
        CounterSettingsView(CounterSettings, session, name="Cấu hình quầy", endpoint="onestop_settings"),
    ]
