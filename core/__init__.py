"""CCHC Suite core: units, users, roles, plugins, scheduling and the back office."""

__version__ = "0.1.0"
