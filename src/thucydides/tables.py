"""Read the project's plain-text data tables (CSV with ``#`` comment lines)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from thucydides.errors import DataFileError


def read_table(source: str | Path, *, required: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """Read a CSV table whose lines starting with ``#`` are comments.

    ``source`` is a path, or the bare file name of a table shipped in
    ``thucydides/data``. Cells are stripped; ``required`` columns must be in the header.
    """
    path = Path(source)
    if isinstance(source, str) and path.parent == Path("."):
        resource = resources.files("thucydides").joinpath("data", source)
        try:
            text = resource.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise DataFileError(
                f"data table {source!r} is missing from the installed package; "
                "reinstall thucydides (pip install -e .)"
            ) from exc
        origin = f"thucydides/data/{source}"
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise DataFileError(f"cannot read data table {path}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise DataFileError(f"data table {path} is not UTF-8 text; re-encode it") from exc
        origin = str(path)
    reader = csv.DictReader(_uncommented(text))
    header = reader.fieldnames or []
    missing = [name for name in required if name not in header]
    if missing:
        raise DataFileError(
            f"data table {origin} lacks the column(s) {missing}; header is {header}"
        )
    rows = []
    for row in reader:
        if None in row:
            raise DataFileError(
                f"data table {origin}, line {reader.line_num}: more cells than the header has; "
                "quote cells that contain commas"
            )
        rows.append({key: (value or "").strip() for key, value in row.items()})
    return rows


def split_multi(cell: str) -> list[str]:
    """Split a ``|``-separated cell into its non-empty, stripped values."""
    return [value.strip() for value in cell.split("|") if value.strip()]


def _uncommented(text: str) -> Iterator[str]:
    for line in io.StringIO(text):
        if not line.lstrip().startswith("#") and line.strip():
            yield line
