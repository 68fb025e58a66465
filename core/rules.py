"""Rules from the law as data: values with ``effective_from`` dates, per plugin, overridable per deployment.

A plugin ships ``rules.toml`` beside its ``__init__.py``::

    [rules.apology_deadline_days]
    label = "Thư xin lỗi phải gửi trước ngày hẹn trả ít nhất (ngày)"
    source = "Nghị định 61/2018/NĐ-CP, điều 19"
    values = [{ effective_from = 2018-08-21, value = 0 }]

A deployment adds or replaces values in ``config/rules/<plugin>.toml`` (same shape; a value with
the same ``effective_from`` replaces the shipped one). A record is judged by the value in force on
its own date: ``rules_for("onestop").value("apology_deadline_days", on=dossier.received_on)``.
"""
from __future__ import annotations

import tomllib
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import import_module
from pathlib import Path
from typing import Any

OVERRIDES_DIR = Path(__file__).resolve().parent.parent / "config" / "rules"


class RuleError(Exception):
    """An unknown rule, no value in force on a date, or a malformed rules file."""


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    source: str
    dates: tuple[date, ...]
    values: tuple[Any, ...]

    def value_on(self, day: date) -> Any:
        index = bisect_right(self.dates, day) - 1
        if index < 0:
            raise RuleError(f"Quy định '{self.key}' chưa có hiệu lực vào ngày {day:%d/%m/%Y} (no value in force)")
        return self.values[index]


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh).get("rules", {})
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"Tệp quy định {path} sai cú pháp: {exc}") from None


class RuleBook:
    def __init__(self, name: str, shipped: dict[str, Any], overrides: dict[str, Any], origin: str = ""):
        self.name = name
        self.rules: dict[str, Rule] = {}
        for key in sorted({*shipped, *overrides}):
            base, extra = shipped.get(key, {}), overrides.get(key, {})
            by_date: dict[date, Any] = {}
            for item in [*base.get("values", []), *extra.get("values", [])]:
                effective = item.get("effective_from")
                if not isinstance(effective, date) or "value" not in item:
                    raise RuleError(f"Quy định '{key}' của {name} ({origin}): mỗi giá trị cần effective_from (ngày) và value")
                by_date[effective] = item["value"]
            dates = tuple(sorted(by_date))
            self.rules[key] = Rule(key, extra.get("label", base.get("label", key)),
                                   extra.get("source", base.get("source", "")), dates, tuple(by_date[d] for d in dates))

    def value(self, key: str, on: date) -> Any:
        try:
            rule = self.rules[key]
        except KeyError:
            raise RuleError(f"Không có quy định '{key}' trong {self.name} (unknown rule)") from None
        return rule.value_on(on)


@lru_cache(maxsize=None)
def rules_for(plugin_module: str, overrides_dir: str | None = None) -> RuleBook:
    """The rule book of a plugin package (by module name), with the deployment's overrides."""
    package_dir = Path(import_module(plugin_module).__file__).parent
    shipped_path = package_dir / "rules.toml"
    shipped = _read(shipped_path) if shipped_path.is_file() else {}
    name = plugin_module.rsplit(".", 1)[-1]
    override_path = Path(overrides_dir or OVERRIDES_DIR) / f"{name}.toml"
    overrides = _read(override_path) if override_path.is_file() else {}
    return RuleBook(name, shipped, overrides, str(shipped_path))
