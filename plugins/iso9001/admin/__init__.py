"""The ISO 9001 back office (menu "ISO 9001")."""
from __future__ import annotations

from plugins.iso9001.admin.audits import AuditView
from plugins.iso9001.admin.checklists import TemplateView
from plugins.iso9001.admin.documents import DocumentView
from plugins.iso9001.admin.nonconformities import ActionView, NonconformityView
from plugins.iso9001.admin.programmes import ProgrammeView
from plugins.iso9001.admin.reviews import ReviewView
from plugins.iso9001.admin.system import AnnouncementView, LegalChangeView, ScopeView
from plugins.iso9001.models import (Announcement, Audit, Document, LegalChange, NcAction, Nonconformity, Programme,
                                    Review, Scope, Template)


def admin_views(session) -> list:
    """The plugin's views; the core puts them under the plugin's menu category and scopes them."""
    return [
        ProgrammeView(Programme, session, name="Chương trình đánh giá", endpoint="iso9001_programmes"),
        AuditView(Audit, session, name="Cuộc đánh giá", endpoint="iso9001_audits"),
        NonconformityView(Nonconformity, session, name="Điểm không phù hợp", endpoint="iso9001_nonconformities"),
        ActionView(NcAction, session, name="Hành động khắc phục", endpoint="iso9001_actions"),
        ReviewView(Review, session, name="Xem xét của lãnh đạo", endpoint="iso9001_reviews"),
        DocumentView(Document, session, name="Tài liệu", endpoint="iso9001_documents"),
        LegalChangeView(LegalChange, session, name="Văn bản pháp luật mới", endpoint="iso9001_legal_changes"),
        TemplateView(Template, session, name="Bộ câu hỏi đánh giá", endpoint="iso9001_templates"),
        ScopeView(Scope, session, name="Phạm vi HTQLCL", endpoint="iso9001_scopes"),
        AnnouncementView(Announcement, session, name="Công bố phù hợp", endpoint="iso9001_announcements"),
    ]
