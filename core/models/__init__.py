"""Core tables. One module per table family."""
from core.models.attempts import AttemptWindow
from core.models.audit import AuditLog
from core.models.base import Audited, Base, Timestamped
from core.models.plugins import PluginEnablement, PluginState
from core.models.scheduling import (CalendarFeedToken, CalendarOverride, JobRun, JobState, Notification, Plan,
                                    PlanTask, TaskAttachment, TaskReminder, UnitWorkingHours)
from core.models.units import Unit
from core.models.users import Membership, Permission, Role, User, role_permission

__all__ = [
    "AttemptWindow",
    "CalendarFeedToken", "CalendarOverride", "JobRun", "JobState", "Notification", "Plan", "PlanTask",
    "TaskAttachment", "TaskReminder", "UnitWorkingHours",
    "AuditLog", "Audited", "Base", "Membership", "Permission", "PluginEnablement", "PluginState",
    "Role", "Timestamped", "Unit", "User", "role_permission",
]
