from plugins.iso9001.models.audits import (Audit, ChecklistLine, Evidence, Programme, Template, TemplateLine,
                                           TemplateRevision)
from plugins.iso9001.models.improvement import NcAction, NcHistory, Nonconformity, Review, ReviewDecision
from plugins.iso9001.models.system import Announcement, Document, DocumentVersion, LegalChange, Scope

__all__ = ["Announcement", "Audit", "ChecklistLine", "Document", "DocumentVersion", "Evidence", "LegalChange",
           "NcAction", "NcHistory", "Nonconformity", "Programme", "Review", "ReviewDecision", "Scope", "Template",
           "TemplateLine", "TemplateRevision"]
