"""The demo organisation: the office, its 11 subordinate units, one user per role; idempotent."""
from __future__ import annotations

import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import CORE_ROLES
from core.models import Role, Unit, User
from core.plugins import PluginRegistry
from core.scheduling.demo_plans import build_plans
from core.services.enablement import enable_plugin
from core.services.units import create_unit
from core.services.users import create_user, grant

DEMO_FILE = Path(__file__).resolve().parents[2] / "config" / "demo_organisation.toml"
ADMIN_USERNAME = "admin"


@dataclass
class DemoResult:
    units: dict[str, Unit]
    created_users: list[tuple[str, str]] = field(default_factory=list)  # (username, role)
    password: str | None = None  # only when users were created in this run


def _username_for(role_code: str) -> str:
    return role_code.replace(".", "_").replace("core_", "")


def build_demo(session: Session, registry: PluginRegistry, password: str | None = None) -> DemoResult:
    spec = tomllib.loads(DEMO_FILE.read_text(encoding="utf-8"))
    units: dict[str, Unit] = {u.code: u for u in session.scalars(select(Unit))}
    root_spec = spec["root"]
    root = units.get(root_spec["code"]) or create_unit(session, root_spec["code"], root_spec["name"], root_spec["kind"])
    units[root.code] = root
    for item in spec["units"]:
        if item["code"] not in units:
            units[item["code"]] = create_unit(session, item["code"], item["name"], item["kind"], root)
    demo_units = {code: units[code] for code in [root.code, *(u["code"] for u in spec["units"])]}

    for manifest in registry.manifests:
        enable_plugin(session, registry, manifest.name, root, with_subunits=True, with_dependencies=True)

    result = DemoResult(demo_units)
    password = password or secrets.token_urlsafe(9)
    known = set(session.scalars(select(User.username)))
    roles = [r.code for r in CORE_ROLES] + [r.code for m in registry.manifests for r in m.roles]
    for role_code in roles:
        username = ADMIN_USERNAME if role_code == "core.admin" else _username_for(role_code)
        if username in known:
            continue
        role = session.scalar(select(Role).where(Role.code == role_code))
        label = role.label if role else role_code
        user = create_user(session, username, password, full_name=f"Demo – {label}")
        # The admin and the programme roles act office-wide; plain staff belong to one department.
        if role_code == "core.staff":
            grant(session, user, units["VP-TH"], role_code)
        else:
            grant(session, user, root, role_code, include_subunits=True)
        result.created_users.append((username, role_code))
    if result.created_users:
        result.password = password
    build_plans(session, demo_units)
    registry.call_each("demo_data", session=session, units=demo_units)
    return result
