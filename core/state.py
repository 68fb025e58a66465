"""What one running application holds: settings, plugins and database, reachable without Flask."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy.orm import Session

from core import audit
from core.audit import Actor
from core.db import Database
from core.plugins import PluginRegistry, bind_registry
from core.settings import Settings


SETTINGS_KEY = "cchc.settings"


def settings_of(session: Session) -> Settings:
    """The settings of the application that prepared ``session`` (for services that need them)."""
    try:
        return session.info[SETTINGS_KEY]
    except KeyError:
        raise RuntimeError("session was not prepared by CoreState.prepare (no settings bound)") from None


@dataclass
class CoreState:
    settings: Settings
    registry: PluginRegistry
    db: Database

    @classmethod
    def build(cls, settings: Settings, registry: PluginRegistry | None = None) -> "CoreState":
        audit.install()
        db = Database(settings["database.url"], settings["database.sqlite_busy_timeout"], settings["database.echo"])
        return cls(settings, registry or PluginRegistry.discover(), db)

    def prepare(self, session: Session, actor: Actor = audit.SYSTEM) -> Session:
        """Bind the plugin registry and the acting user to ``session`` (needed by events and the audit log)."""
        bind_registry(session, self.registry)
        session.info[SETTINGS_KEY] = self.settings
        audit.set_actor(session, actor)
        return session

    @contextmanager
    def transaction(self, actor: Actor = audit.SYSTEM) -> Iterator[Session]:
        """A prepared session, committed on success and rolled back on any error."""
        with self.db.transaction() as session:
            yield self.prepare(session, actor)
