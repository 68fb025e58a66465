"""In-app notifications (the bell): create once per user and key, count, list, mark as read.

Free of Flask, so that jobs, the CLI, plugins (``core.toolkit.notify``) and the back office share it.
E-mail is not sent here: ``notify(..., email=True)`` only puts the row in the outbox that
``core.mail.deliver_pending`` empties, because sending inside a web request or a plugin's
transaction would make a slow or absent SMTP server everybody's problem.
"""
from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.models import Notification, User
from core.models.base import utcnow
from core.services import ServiceError

TITLE_MAX = 255
LINK_MAX = 500
KEY_MAX = 200
PER_PAGE_MAX = 100


def notify(session: Session, user_id: int, title: str, body: str = "", link: str = "",
           dedupe_key: str | None = None, email: bool = False) -> Notification | None:
    """Notify ``user_id``; return the new row, or None when this user already has ``dedupe_key``.

    Idempotent per (user, dedupe_key) even between concurrent transactions: the insert is an
    ``ON CONFLICT DO NOTHING`` on the unique key, so a race never raises nor aborts the caller's
    transaction. ``email`` asks for an e-mail too (sent later, and only if the user has an address).
    """
    title = (title or "").strip()
    if not title:
        raise ServiceError("Thông báo cần có tiêu đề (a notification needs a title)")
    key = dedupe_key or f"once:{uuid.uuid4().hex}"
    if len(key) > KEY_MAX:
        raise ServiceError(f"Khoá chống trùng dài quá {KEY_MAX} ký tự (dedupe key too long)")
    if len(link or "") > LINK_MAX:
        raise ServiceError(f"Đường dẫn dài quá {LINK_MAX} ký tự (link too long)")
    user = session.get(User, user_id)
    if user is None:
        raise ServiceError(f"Không có người dùng #{user_id} (unknown user)")
    values = dict(user_id=user_id, title=title[:TITLE_MAX], body=body or "", link=link or "", dedupe_key=key,
                  created_at=utcnow(), emailed=False, email_pending=bool(email and user.email),
                  email_attempts=0, email_error="")
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (insert(Notification).values(**values)
                 .on_conflict_do_nothing(index_elements=["user_id", "dedupe_key"])
                 .returning(Notification.id))
    new_id = session.execute(statement).scalar()
    return session.get(Notification, new_id) if new_id is not None else None


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count(Notification.id))
                          .where(Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def get_for_user(session: Session, user_id: int, notification_id: int) -> Notification | None:
    """The notification if it belongs to ``user_id``; another user's is indistinguishable from none."""
    row = session.get(Notification, notification_id)
    return row if row is not None and row.user_id == user_id else None


def mark_read(session: Session, user_id: int, ids: Iterable[int] | str) -> int:
    """Mark the user's own notifications ``ids`` (or ``"all"`` of them) read; return how many changed.

    Ids of other users' notifications are ignored, not reported, so that they reveal nothing.
    """
    condition = [Notification.user_id == user_id, Notification.read_at.is_(None)]
    if isinstance(ids, str):
        if ids != "all":
            raise ServiceError(f"Giá trị {ids!r} không hợp lệ: truyền danh sách mã hoặc 'all' (invalid ids)")
    else:
        wanted = sorted({int(i) for i in ids})
        if not wanted:
            return 0
        condition.append(Notification.id.in_(wanted))
    # "fetch" keeps rows already loaded in this session in step with the database.
    result = session.execute(update(Notification).where(*condition).values(read_at=utcnow())
                             .execution_options(synchronize_session="fetch"))
    return result.rowcount or 0


@dataclass(frozen=True)
class Page:
    items: list[Notification]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def list_for_user(session: Session, user_id: int, page: int = 1, per_page: int = 20,
                  unread_only: bool = False) -> Page:
    """The user's notifications, newest first, one page at a time (a page past the end is empty)."""
    per_page = min(max(int(per_page), 1), PER_PAGE_MAX)
    page = max(int(page), 1)
    condition = [Notification.user_id == user_id]
    if unread_only:
        condition.append(Notification.read_at.is_(None))
    total = session.scalar(select(func.count(Notification.id)).where(*condition)) or 0
    items = list(session.scalars(select(Notification).where(*condition)
                                 .order_by(Notification.created_at.desc(), Notification.id.desc())
                                 .offset((page - 1) * per_page).limit(per_page)))
    return Page(items, total, page, per_page)
