"""Templates per kind: a CSV with the header and 1–2 example rows, and a short Dutch description.

The files live in ``data_access/templates/`` (``<kind>.csv`` and ``<kind>.md``); the column table
is generated from the kind's spec, so it can never drift from what the importer accepts.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from data_access.importers.kinds import KINDS, get_kind

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


def template_path(kind: str) -> Path:
    return TEMPLATES_DIR / f"{get_kind(kind).key}.csv"


def template_bytes(kind: str) -> bytes:
    return template_path(kind).read_bytes()


def description(kind: str) -> str:
    path = TEMPLATES_DIR / f"{get_kind(kind).key}.md"
    return path.read_text(encoding="utf-8") if path.exists() else get_kind(kind).description


def columns_frame(kind: str) -> pd.DataFrame:
    """One row per column: name, required, type, rules, also accepted as, description."""
    spec = get_kind(kind)
    rows = []
    for col in spec.columns:
        required = "ja" if col.required else ""
        for group in spec.one_of:
            if col.name in group:
                required = "één van: " + " / ".join(group)
        rows.append({"kolom": col.name, "verplicht": required, "soort": col.type_label,
                     "regels": col.range_label(), "ook als": ", ".join(col.aliases),
                     "betekenis": col.description})
    return pd.DataFrame(rows, columns=["kolom", "verplicht", "soort", "regels", "ook als", "betekenis"])


def all_kinds() -> list[tuple[str, str]]:
    return [(k.key, k.label) for k in KINDS.values()]
