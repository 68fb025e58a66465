"""Plugin manifests: data read from a plugin package's ``MANIFEST`` without running any hook."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


class PluginError(Exception):
    """A plugin cannot be loaded or ordered: the message names the plugins involved."""


@dataclass(frozen=True)
class RoleSpec:
    code: str
    label: str
    permissions: tuple[str, ...]


@dataclass(frozen=True)
class Manifest:
    name: str
    version: str
    label: str
    description: str = ""
    depends: tuple[str, ...] = ()
    permissions: dict[str, str] = field(default_factory=dict)
    roles: tuple[RoleSpec, ...] = ()
    migrations: Path | None = None
    module: str = ""

    @property
    def branch(self) -> str:
        """The Alembic branch label of the plugin's migrations: its name."""
        return self.name

    @classmethod
    def from_module(cls, module: ModuleType) -> "Manifest":
        data: Any = getattr(module, "MANIFEST", None)
        if not isinstance(data, dict):
            raise PluginError(f"Plugin module {module.__name__} has no MANIFEST dict")
        try:
            name = data["name"]
            version = data["version"]
            label = data.get("label", name)
        except KeyError as exc:
            raise PluginError(f"MANIFEST of {module.__name__} lacks {exc.args[0]!r}") from None
        if not NAME_PATTERN.match(name):
            raise PluginError(f"Plugin name {name!r} of {module.__name__} must be lower_snake_case")
        permissions = dict(data.get("permissions", {}))
        roles = []
        for code, spec in dict(data.get("roles", {})).items():
            unknown = [p for p in spec.get("permissions", []) if p not in permissions]
            if unknown:
                raise PluginError(f"Role {code!r} of plugin {name!r} uses undeclared permissions {unknown}")
            roles.append(RoleSpec(code, spec.get("label", code), tuple(spec.get("permissions", []))))
        for code in [*permissions, *(r.code for r in roles)]:
            if not code.startswith(name + "."):
                raise PluginError(f"Permission or role {code!r} of plugin {name!r} must start with '{name}.'")
        package_dir = Path(module.__file__).parent if getattr(module, "__file__", None) else None
        migrations = data.get("migrations", "migrations/versions")
        versions = package_dir / migrations if package_dir and migrations else None
        return cls(
            name=name,
            version=str(version),
            label=str(label),
            description=str(data.get("description", "")),
            depends=tuple(data.get("depends", ())),
            permissions=permissions,
            roles=tuple(roles),
            migrations=versions if versions and versions.is_dir() else None,
            module=module.__name__,
        )
