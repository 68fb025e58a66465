"""Settings: `config/default.toml`, then a deployment file, then `CCHC_*` environment variables.

Every key that exists is declared in the defaults file, so the defaults double as the schema: a key
that a deployment file or the environment sets must exist there and have the same type.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULTS_FILE = Path(__file__).resolve().parent.parent / "config" / "default.toml"
# What `make run` writes for a checkout; used when CCHC_CONFIG is not set.
LOCAL_DEPLOYMENT_FILE = Path("instance") / "cchc.toml"
ENV_PREFIX = "CCHC_"
# Short names that operators expect; everything else is CCHC_<SECTION>_<KEY>.
ENV_ALIASES = {"CCHC_DATABASE_URL": ("database", "url"), "CCHC_SECRET_KEY": ("app", "secret_key")}
REQUIRED = [("app", "secret_key")]


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the key and where it came from."""


@dataclass
class Settings:
    values: dict[str, dict[str, Any]]
    sources: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, dotted: str) -> Any:
        section, key = dotted.split(".", 1)
        return self.values[section][key]

    def get(self, dotted: str, default: Any = None) -> Any:
        try:
            return self[dotted]
        except KeyError:
            return default

    def source_of(self, dotted: str) -> str:
        return self.sources.get(dotted, str(DEFAULTS_FILE))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise SettingsError(f"Không tìm thấy tệp cấu hình {path} (settings file not found)") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"Tệp cấu hình {path} sai cú pháp TOML: {exc} (malformed settings file)") from None


def _same_type(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)) and not isinstance(default, bool):
        return isinstance(value, type(default)) or (isinstance(default, float) and isinstance(value, int))
    return isinstance(value, type(default))


def _coerce_env(default: Any, raw: str, name: str) -> Any:
    try:
        if isinstance(default, bool):
            if raw.lower() in {"1", "true", "yes", "on"}:
                return True
            if raw.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, list):
            return [part.strip() for part in raw.split(",") if part.strip()]
        return raw
    except ValueError:
        raise SettingsError(
            f"Biến môi trường {name}={raw!r} không hợp lệ: cần kiểu {type(default).__name__} "
            f"(malformed environment setting)"
        ) from None


def _merge(values, sources, overrides: dict[str, Any], origin: str) -> None:
    for section, table in overrides.items():
        if section not in values or not isinstance(table, dict):
            raise SettingsError(f"Mục cấu hình không xác định [{section}] trong {origin} (unknown section)")
        for key, value in table.items():
            if key not in values[section]:
                raise SettingsError(f"Khoá cấu hình không xác định '{section}.{key}' trong {origin} (unknown key)")
            if not _same_type(values[section][key], value):
                expected = type(values[section][key]).__name__
                raise SettingsError(
                    f"Khoá cấu hình '{section}.{key}' trong {origin} phải có kiểu {expected}, "
                    f"nhận được {value!r} (malformed setting)"
                )
            values[section][key] = value
            sources[f"{section}.{key}"] = origin


def load_settings(
    deployment_file: str | os.PathLike | None = None,
    environ: dict[str, str] | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
    require: bool = True,
) -> Settings:
    """Build the settings; raise SettingsError naming the key and the file on any problem."""
    from_process = environ is None
    environ = dict(os.environ if from_process else environ)
    values = _read_toml(DEFAULTS_FILE)
    sources: dict[str, str] = {}
    deployment_file = deployment_file or environ.get("CCHC_CONFIG")
    if not deployment_file and from_process and LOCAL_DEPLOYMENT_FILE.is_file():
        deployment_file = LOCAL_DEPLOYMENT_FILE
    if deployment_file:
        _merge(values, sources, _read_toml(Path(deployment_file)), str(deployment_file))
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name == "CCHC_CONFIG":
            continue
        target = ENV_ALIASES.get(name)
        if target is None:
            rest = name[len(ENV_PREFIX):].lower()
            target = next(
                ((s, rest[len(s) + 1:]) for s in values if rest.startswith(s + "_") and rest[len(s) + 1:] in values[s]),
                None,
            )
        if target is None:
            continue  # other CCHC_* variables (e.g. CCHC_ADMIN_PASSWORD) are not settings
        section, key = target
        values[section][key] = _coerce_env(values[section][key], raw, name)
        sources[f"{section}.{key}"] = f"environment variable {name}"
    if overrides:
        _merge(values, sources, overrides, "overrides")
    settings = Settings(values, sources)
    if require:
        for section, key in REQUIRED:
            if not values[section][key]:
                raise SettingsError(
                    f"Thiếu khoá cấu hình bắt buộc '{section}.{key}': đặt trong tệp "
                    f"{deployment_file or '(CCHC_CONFIG chưa đặt)'} hoặc biến CCHC_{key.upper()} "
                    f"(missing required setting)"
                )
    return settings
