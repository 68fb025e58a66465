"""Users: creation, passwords, authentication with lock-out, and role grants."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from core.models import Membership, Role, Unit, User
from core.services import ServiceError

# werkzeug's default (scrypt) is deliberately slow; core.testing lowers it for test speed only.
PASSWORD_METHOD = "scrypt"


def check_password_strength(password: str, min_length: int) -> None:
    if len(password or "") < min_length:
        raise ServiceError(f"Mật khẩu phải có ít nhất {min_length} ký tự (password too short)")


def create_user(session: Session, username: str, password: str, full_name: str = "", email: str | None = None,
                locale: str = "vi", min_length: int = 8) -> User:
    username = (username or "").strip()
    if not username:
        raise ServiceError("Tên đăng nhập là bắt buộc (username is required)")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ServiceError(f"Tên đăng nhập {username!r} đã tồn tại (username already exists)")
    check_password_strength(password, min_length)
    user = User(username=username, full_name=full_name, email=email, locale=locale,
                password_hash=generate_password_hash(password, method=PASSWORD_METHOD), active=True)
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise ServiceError(f"Không tìm thấy người dùng {username!r} (unknown user)")
    return user


def set_password(session: Session, user: User, password: str, min_length: int = 8) -> None:
    check_password_strength(password, min_length)
    user.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
    user.failed_logins = 0
    user.locked_until = None


def is_locked(user: User, now: datetime | None = None) -> bool:
    locked_until = user.locked_until
    if locked_until is None:
        return False
    if locked_until.tzinfo is None:
        locked_until = locked_until.replace(tzinfo=timezone.utc)  # SQLite returns naive datetimes
    return locked_until > (now or datetime.now(timezone.utc))


def unlock_user(user: User) -> None:
    """Lift a lock-out after repeated failed logins (an administrator's act)."""
    user.failed_logins = 0
    user.locked_until = None


class LoginRefused(ServiceError):
    pass


def authenticate(session: Session, username: str, password: str, max_failed: int, lockout_minutes: int) -> User:
    """Return the user, or raise ``LoginRefused`` with a message that does not reveal which part was wrong."""
    wrong = LoginRefused("Tên đăng nhập hoặc mật khẩu không đúng (wrong username or password)")
    user = session.scalar(select(User).where(User.username == (username or "").strip()))
    now = datetime.now(timezone.utc)
    if user is None:
        raise wrong
    locked_until = user.locked_until
    if locked_until is not None and locked_until.tzinfo is None:
        locked_until = locked_until.replace(tzinfo=timezone.utc)  # SQLite returns naive datetimes
    if locked_until is not None and locked_until > now:
        minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
        raise LoginRefused(f"Tài khoản tạm khoá do đăng nhập sai nhiều lần; thử lại sau {minutes} phút (account locked)")
    if not user.active:
        raise LoginRefused("Tài khoản đã bị vô hiệu hoá (account disabled)")
    if not check_password_hash(user.password_hash or "", password or ""):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= max_failed:
            user.locked_until = now + timedelta(minutes=lockout_minutes)
            user.failed_logins = 0
        raise wrong
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


def grant(session: Session, user: User, unit: Unit, role_code: str, include_subunits: bool = False) -> Membership:
    role = session.scalar(select(Role).where(Role.code == role_code))
    if role is None:
        raise ServiceError(f"Không có vai trò {role_code!r} (unknown role)")
    existing = session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.unit_id == unit.id, Membership.role_id == role.id))
    if existing:
        existing.include_subunits = include_subunits
        return existing
    membership = Membership(user=user, unit_id=unit.id, role=role, include_subunits=include_subunits)
    session.add(membership)
    session.flush()
    return membership
