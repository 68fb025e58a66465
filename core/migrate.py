"""Schema migrations: the core's Alembic branch plus one branch per plugin, found from manifests."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from core.access import sync_access
from core.db import Database
from core.models import PluginState
from core.plugins import PluginRegistry
from core.services import ServiceError
from core.services.enablement import forget_plugin

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
CORE_BRANCH = "core"


def alembic_config(registry: PluginRegistry) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    locations = [str(MIGRATIONS_DIR / "versions")] + [str(m.migrations) for m in registry.manifests if m.migrations]
    cfg.set_main_option("version_locations", " ".join(locations))
    cfg.set_main_option("path_separator", "space")
    return cfg


def _run(db: Database, registry: PluginRegistry, fn, *args) -> None:
    cfg = alembic_config(registry)
    with db.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        fn(cfg, *args)


def upgrade(db: Database, registry: PluginRegistry) -> None:
    """Run every branch to its head, then record plugin versions and sync declared roles."""
    _run(db, registry, command.upgrade, "heads")
    record_installed(db, registry)


def record_installed(db: Database, registry: PluginRegistry) -> None:
    """Sync declared permissions and roles, and note each plugin's installed version."""
    with db.transaction() as session:
        sync_access(session, registry)
        for manifest in registry.manifests:
            state = session.get(PluginState, manifest.name) or PluginState(name=manifest.name)
            state.version = manifest.version
            session.add(state)


def current_heads(db: Database, registry: PluginRegistry) -> dict[str, str | None]:
    """Map each branch (``core`` and each plugin with migrations) to its applied revision or None."""
    script = ScriptDirectory.from_config(alembic_config(registry))
    with db.engine.connect() as connection:
        applied = set(MigrationContext.configure(connection).get_current_heads())
    result: dict[str, str | None] = {}
    branches = [CORE_BRANCH] + [m.branch for m in registry.manifests if m.migrations]
    for branch in branches:
        revisions = {r.revision for r in script.iterate_revisions(f"{branch}@head", "base")}
        result[branch] = next((rev for rev in applied if rev in revisions), None)
    return result


def downgrade(db: Database, registry: PluginRegistry, target: str) -> None:
    """Downgrade to ``target``; ``PLUGIN@base`` purges that plugin's tables and enablement."""
    plugin, _, where = target.partition("@")
    if where == "base" and plugin != CORE_BRANCH:
        manifest = registry.get(plugin)
        if manifest.migrations is None:
            raise ServiceError(f"Phân hệ {plugin!r} không có bảng riêng để xoá (plugin has no migrations)")
        _run(db, registry, command.downgrade, target)
        with db.transaction() as session:
            forget_plugin(session, plugin)
        return
    _run(db, registry, command.downgrade, target)
